//! PersistentVolumeClaims that do not bind: Pending with provisioning or binding failures (a
//! missing StorageClass, no matching PV), Pending with no event from any provisioner (nothing
//! acts on it), and Lost claims. A claim whose class binds on first
//! consumer (WaitForFirstConsumer) is waiting by design and not reported.

use crate::objects::Kind;
use crate::objects::PersistentVolumeClaim;

use super::Ctx;
use super::build::{FindingExt, app, ns_flag, obj, secs_since};
use crate::findings::{Finding, Severity};

pub fn check_claim(ctx: &Ctx, pvc: &PersistentVolumeClaim, out: &mut Vec<Finding>) {
    out.extend(check(ctx, pvc));
}

fn waits_for_consumer(ctx: &Ctx, pvc: &PersistentVolumeClaim) -> bool {
    let o = obj("PersistentVolumeClaim", &pvc.metadata);
    let class = pvc
        .spec
        .as_ref()
        .and_then(|s| s.storage_class_name.as_deref());
    let by_class = ctx.snap.storage_classes.iter().any(|sc| {
        sc.metadata.name.as_deref() == class
            && sc.volume_binding_mode.as_deref() == Some("WaitForFirstConsumer")
    });
    by_class
        || ctx
            .snap
            .events_for(&o.kind, &o.namespace, &o.name)
            .next()
            .is_some_and(|e| e.reason == "WaitForFirstConsumer")
}

fn check(ctx: &Ctx, pvc: &PersistentVolumeClaim) -> Option<Finding> {
    let phase = pvc.status.as_ref().and_then(|s| s.phase.as_deref())?;
    let o = obj("PersistentVolumeClaim", &pvc.metadata);
    let nsf = ns_flag(&o.namespace);
    let class = pvc
        .spec
        .as_ref()
        .and_then(|s| s.storage_class_name.as_ref().map(|s| s.to_string()))
        .unwrap_or_else(|| "(default)".to_string());
    if phase == "Lost" {
        return Some(lost(ctx, pvc, class));
    }
    if phase != "Pending" || waits_for_consumer(ctx, pvc) {
        return None;
    }
    let failure = ctx
        .snap
        .events_for(&o.kind, &o.namespace, &o.name)
        .find(|e| {
            e.is_warning() && (e.reason == "ProvisioningFailed" || e.reason == "FailedBinding")
        });
    let class_missing = ctx.snap.has_kind(Kind::StorageClass)
        && class != "(default)"
        && !ctx
            .snap
            .storage_classes
            .iter()
            .any(|sc| sc.metadata.name.as_deref() == Some(class.as_str()));
    if failure.is_none() && !class_missing {
        return idle(ctx, pvc);
    }
    let message = failure.map(|e| e.message.clone()).unwrap_or_default();
    let (what, why) = if class_missing
        || message.contains("storageclass") && message.contains("not found")
    {
        (
            format!("StorageClass {class} does not exist"),
            "The claim names a StorageClass that does not exist, so no volume is provisioned.",
        )
    } else if message.contains("no persistent volumes available") {
        (
            "no PersistentVolume matches and no class provisions one".to_string(),
            "No existing PV matches the claim (size, access modes, class) and no StorageClass provisions one dynamically.",
        )
    } else {
        (
            "the volume cannot be provisioned".to_string(),
            "The provisioner of the claim's StorageClass fails to create a volume.",
        )
    };
    Some(
        app(
            "pvc-pending",
            Severity::Error,
            o.clone(),
            format!("claim is not bound: {what}"),
        )
        .explain(format!("{why} Pods using the claim stay Pending."))
        .with("storageClassName", class)
        .events(ctx, &[], false)
        .step("kubectl get storageclass")
        .step(format!("kubectl describe pvc {}{nsf}", o.name)),
    )
}

/// A claim whose bound PersistentVolume was deleted: the PV controller marks it Lost (event
/// ClaimLost, "Bound claim has lost its PersistentVolume. Data on the volume is lost!").
fn lost(ctx: &Ctx, pvc: &PersistentVolumeClaim, class: String) -> Finding {
    let o = obj("PersistentVolumeClaim", &pvc.metadata);
    let nsf = ns_flag(&o.namespace);
    let volume = pvc
        .spec
        .as_ref()
        .and_then(|s| s.volume_name.as_deref())
        .filter(|v| !v.is_empty())
        .map(str::to_string);
    let users: Vec<String> = ctx
        .snap
        .pods
        .iter()
        .filter(|p| p.metadata.namespace.as_deref() == Some(o.namespace.as_str()))
        .filter(|p| {
            p.spec
                .iter()
                .flat_map(|s| s.volumes.iter().flatten())
                .filter_map(|v| v.persistent_volume_claim.as_ref())
                .any(|c| *c.claim_name == *o.name)
        })
        .filter_map(|p| p.metadata.name.as_deref().map(str::to_string))
        .collect();
    let summary = match &volume {
        Some(v) => format!("claim is Lost: its PersistentVolume {v} is gone"),
        None => "claim is Lost: its PersistentVolume is gone".to_string(),
    };
    let mut f = app("pvc-lost", Severity::Error, o.clone(), summary)
        .explain(
            "The PersistentVolume the claim was bound to no longer exists (it was deleted while \
             bound); the claim never binds again by itself and pods using it cannot start. If \
             the disk itself survives (reclaimPolicy Retain, or a snapshot), a new PV pointing at \
             it can be bound to a new claim.",
        )
        .with("storageClassName", class);
    if let Some(v) = &volume {
        f = f.with("volumeName", v.clone());
    }
    if !users.is_empty() {
        f = f.with("used by pods", users.join(", "));
    }
    f = f.events(ctx, &["ClaimLost"], true);
    if let Some(v) = &volume {
        f = f.step(format!(
            "kubectl get pv {v}   (gone: who deleted it? check the audit log)"
        ));
    }
    f.step(format!("kubectl describe pvc {}{nsf}", o.name))
}

/// A claim Pending for a while with no event but "waiting for the external provisioner":
/// nothing is acting on it.
fn idle(ctx: &Ctx, pvc: &PersistentVolumeClaim) -> Option<Finding> {
    let o = obj("PersistentVolumeClaim", &pvc.metadata);
    let nsf = ns_flag(&o.namespace);
    let age = secs_since(pvc.metadata.creation_timestamp?.ts(), ctx.now());
    if age < ctx.opts.creating_grace.as_secs() as i64 || !ctx.snap.has_kind(Kind::Event) {
        return None;
    }
    let spec = pvc.spec.as_ref();
    if spec
        .and_then(|s| s.volume_name.as_deref())
        .is_some_and(|v| !v.is_empty())
    {
        return None;
    }
    let events: Vec<_> = ctx
        .snap
        .events_for(&o.kind, &o.namespace, &o.name)
        .collect();
    if events.iter().any(|e| e.reason != "ExternalProvisioning") {
        return None;
    }
    let named = spec
        .and_then(|s| s.storage_class_name.as_deref())
        .filter(|c| !c.is_empty());
    let class = match named {
        Some(c) => ctx.snap.storage_classes.find("", c),
        None => ctx.snap.storage_classes.iter().find(|c| c.is_default()),
    };
    let provisioner = class.map(|c| c.provisioner.to_string());
    let (what, why, step) = match (&provisioner, named) {
        (Some(p), _) if p == "kubernetes.io/no-provisioner" => (
            "no PersistentVolume matches it (its class has no provisioner)".to_string(),
            "Its StorageClass provisions nothing (kubernetes.io/no-provisioner): an existing PV of \
             that class, with enough capacity and the same access modes, must match it."
                .to_string(),
            "kubectl get pv".to_string(),
        ),
        (Some(p), _) => (
            format!("provisioner {p} does not act on it"),
            format!(
                "No event at all from the provisioner {p}: it is not installed, not running, or \
                 does not handle this class (a CSI driver's controller pod is down)."
            ),
            format!("kubectl get pods -A | grep -i '{}'", p.split('.').next().unwrap_or(p)),
        ),
        (None, None) if ctx.snap.has_kind(Kind::StorageClass) => (
            "it has no StorageClass and there is no default one".to_string(),
            "Without a class (and without a default StorageClass) only a pre-created PV can \
             match it, and none does."
                .to_string(),
            "kubectl get pv".to_string(),
        ),
        _ => return None,
    };
    let mut f = app(
        "pvc-pending",
        Severity::Error,
        o.clone(),
        format!(
            "claim Pending for {}: {what}",
            crate::model::age::format_seconds(age)
        ),
    )
    .explain(format!("{why} Pods using the claim stay Pending."))
    .with(
        "storageClassName",
        named
            .map(str::to_string)
            .unwrap_or_else(|| "(default)".to_string()),
    );
    if let Some(p) = &provisioner {
        f = f.with("provisioner", p.clone());
    }
    Some(
        f.events(ctx, &[], true)
            .step(step)
            .step(format!("kubectl describe pvc {}{nsf}", o.name)),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testutil::*;
    use serde_json::json;

    fn pvc() -> serde_json::Value {
        json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"name": "data", "namespace": "ns"},
            "spec": {"storageClassName": "fast"}, "status": {"phase": "Pending"}})
    }

    fn ev(reason: &str, type_: &str, message: &str) -> serde_json::Value {
        json!({"apiVersion": "v1", "kind": "Event",
            "metadata": {"name": format!("data.{reason}"), "namespace": "ns", "uid": reason},
            "involvedObject": {"kind": "PersistentVolumeClaim", "namespace": "ns", "name": "data"},
            "reason": reason, "type": type_, "message": message, "lastTimestamp": ago(30)})
    }

    #[test]
    fn missing_storage_class() {
        let f = run(vec![
            pvc(),
            ev(
                "ProvisioningFailed",
                "Warning",
                "storageclass.storage.k8s.io \"fast\" not found",
            ),
        ]);
        assert!(
            one(&f, "pvc-pending")
                .summary
                .contains("StorageClass fast does not exist")
        );
    }

    #[test]
    fn lost_claim_and_bound_claim() {
        let mut lost = pvc();
        lost["status"]["phase"] = json!("Lost");
        lost["spec"]["volumeName"] = json!("pvc-0d9e");
        let f = run(vec![
            lost,
            ev(
                "ClaimLost",
                "Warning",
                "Bound claim has lost its PersistentVolume. Data on the volume is lost!",
            ),
        ]);
        let l = one(&f, "pvc-lost");
        assert!(
            l.summary.contains("PersistentVolume pvc-0d9e is gone"),
            "{}",
            l.summary
        );
        assert!(
            l.evidence
                .iter()
                .any(|e| e.value.contains("Data on the volume is lost")),
            "{:?}",
            l.evidence
        );
        assert!(
            l.next_steps
                .iter()
                .any(|s| s.starts_with("kubectl get pv pvc-0d9e"))
        );
        let mut bound = pvc();
        bound["status"]["phase"] = json!("Bound");
        assert!(run(vec![bound]).is_empty());
    }

    #[test]
    fn wait_for_first_consumer_is_not_flagged() {
        let f = run(vec![
            pvc(),
            ev(
                "WaitForFirstConsumer",
                "Normal",
                "waiting for first consumer to be created before binding",
            ),
        ]);
        assert!(f.is_empty());
        let sc = json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "fast"},
            "provisioner": "x", "volumeBindingMode": "WaitForFirstConsumer"});
        assert!(run(vec![pvc(), sc]).is_empty());
    }

    #[test]
    fn pending_without_any_provisioner_event() {
        let mut claim = pvc();
        claim["metadata"]["creationTimestamp"] = json!(ago(900));
        let sc = json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "fast"},
            "provisioner": "ebs.csi.aws.com", "volumeBindingMode": "Immediate"});
        let waiting = ev(
            "ExternalProvisioning",
            "Normal",
            "Waiting for a volume to be created either by the external provisioner 'ebs.csi.aws.com' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.",
        );
        let f = run(vec![claim.clone(), sc.clone(), waiting.clone()]);
        let p = one(&f, "pvc-pending");
        assert!(
            p.summary
                .contains("provisioner ebs.csi.aws.com does not act on it"),
            "{}",
            p.summary
        );
        // The provisioner reports it is working on it: not idle.
        let working = ev(
            "Provisioning",
            "Normal",
            "External provisioner is provisioning volume for claim \"ns/data\"",
        );
        assert!(run(vec![claim.clone(), sc, waiting, working]).is_empty());
        // Events not listed: nothing can be said.
        let only = super::super::analyze(
            &super::super::Snapshot::from_objects(vec![claim]),
            now(),
            &Default::default(),
        );
        assert!(only.is_empty());
    }
}

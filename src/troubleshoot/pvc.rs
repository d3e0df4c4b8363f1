//! PersistentVolumeClaims that do not bind: Pending with provisioning or binding failures (a
//! missing StorageClass, no matching PV) and Lost claims. A claim whose class binds on first
//! consumer (WaitForFirstConsumer) is waiting by design and not reported.

use crate::objects::Kind;
use crate::objects::PersistentVolumeClaim;

use super::Ctx;
use super::build::{FindingExt, app, ns_flag, obj};
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
        return Some(
            app(
                "pvc-lost",
                Severity::Error,
                o.clone(),
                "claim is Lost: its PersistentVolume is gone".to_string(),
            )
            .explain("The PersistentVolume the claim was bound to no longer exists; pods using the claim cannot start.")
            .with("storageClassName", class)
            .step(format!("kubectl describe pvc {}{nsf}", o.name)),
        );
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
        return None;
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
        one(&run(vec![lost]), "pvc-lost");
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
}

//! PersistentVolumes left Released (their claim is gone; the data stays and no new claim can
//! bind them) or Failed (reclaiming them failed), and a cluster with more than one default
//! StorageClass (claims without a class get an arbitrary one of them).

use crate::objects::PersistentVolume;

use super::Ctx;
use super::build::{FindingExt, app, obj};
use crate::findings::{Finding, Severity};

pub fn check_volume(ctx: &Ctx, pv: &PersistentVolume, out: &mut Vec<Finding>) {
    let Some(status) = pv.status.as_ref() else {
        return;
    };
    let phase = status.phase.as_deref().unwrap_or("");
    if phase != "Released" && phase != "Failed" {
        return;
    }
    let o = obj("PersistentVolume", &pv.metadata);
    let spec = pv.spec.as_ref();
    let policy = spec
        .and_then(|s| s.persistent_volume_reclaim_policy.as_deref())
        .unwrap_or("Retain");
    let claim = spec
        .and_then(|s| s.claim_ref.as_ref())
        .map(|c| {
            format!(
                "{}/{}",
                c.namespace.as_deref().unwrap_or(""),
                c.name.as_deref().unwrap_or("")
            )
        })
        .unwrap_or_else(|| "none".to_string());
    let message = status.message.as_deref().unwrap_or("");
    let class = spec
        .and_then(|s| s.storage_class_name.as_deref())
        .unwrap_or("");
    let mut f = if phase == "Released" {
        let why = if policy == "Delete" {
            "Its claim was deleted and the reclaim policy is Delete, yet the volume is still \
             there: deleting it failed (see the message and the provisioner's logs)."
        } else {
            "Its claim was deleted; with reclaim policy Retain the volume and its data are kept, \
             but it stays bound to the old claim (claimRef) and no new claim can use it until an \
             administrator recovers the data and deletes it, or clears spec.claimRef."
        };
        app(
            "pv-released",
            Severity::Warning,
            o.clone(),
            format!("volume is Released (reclaim policy {policy}): its claim {claim} is gone"),
        )
        .explain(why)
    } else {
        app(
            "pv-failed",
            Severity::Error,
            o.clone(),
            format!(
                "volume is Failed: {}",
                if message.is_empty() {
                    "reclaiming it failed"
                } else {
                    message
                }
            ),
        )
        .explain(
            "Automatic reclamation of the volume failed (recycling or deleting it), so it is \
             neither usable nor gone. The underlying disk may still exist and cost money.",
        )
    };
    f = f
        .with("persistentVolumeReclaimPolicy", policy)
        .with("claimRef", claim)
        .with(
            "storageClassName",
            if class.is_empty() { "(none)" } else { class },
        );
    if !message.is_empty() {
        f = f.with("status.message", message);
    }
    out.push(
        f.events(ctx, &[], false)
            .step(format!("kubectl describe pv {}", o.name))
            .step(if phase == "Released" && policy != "Delete" {
                format!(
                    "after saving the data: kubectl delete pv {}   (or: kubectl patch pv {} -p '{{\"spec\":{{\"claimRef\":null}}}}' to reuse it)",
                    o.name, o.name
                )
            } else {
                "check the CSI driver / provisioner logs for the delete error".to_string()
            }),
    );
}

/// More than one StorageClass marked default (a cluster check: cost per StorageClass).
pub fn check_default_classes(ctx: &Ctx, out: &mut Vec<Finding>) {
    let defaults: Vec<&str> = ctx
        .snap
        .storage_classes
        .iter()
        .filter(|c| c.is_default())
        .map(|c| c.metadata.name())
        .collect();
    if defaults.len() < 2 {
        return;
    }
    let Some(first) = ctx.snap.storage_classes.iter().find(|c| c.is_default()) else {
        return;
    };
    out.push(
        app(
            "storageclass-multiple-defaults",
            Severity::Warning,
            obj("StorageClass", &first.metadata),
            format!("{} StorageClasses are marked default: {}", defaults.len(), defaults.join(", ")),
        )
        .explain(
            "Claims without storageClassName get the default class. With several defaults the \
             newest one wins (older clusters refuse such claims), so volumes may land on a \
             class nobody meant. Keep exactly one default.",
        )
        .with("defaults", defaults.join(", "))
        .step("kubectl get storageclass")
        .step(format!(
            "kubectl annotate storageclass {} storageclass.kubernetes.io/is-default-class=false --overwrite   (for each extra default)",
            defaults.get(1).copied().unwrap_or("")
        )),
    );
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testutil::*;
    use crate::findings::Severity;
    use serde_json::{Value, json};

    fn pv(phase: &str, policy: &str, message: Option<&str>) -> Value {
        let mut status = json!({"phase": phase});
        if let Some(m) = message {
            status["message"] = json!(m);
        }
        json!({"apiVersion": "v1", "kind": "PersistentVolume",
            "metadata": {"name": "pvc-3c1a", "finalizers": ["kubernetes.io/pv-protection"]},
            "spec": {"capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteOnce"],
                "persistentVolumeReclaimPolicy": policy, "storageClassName": "standard",
                "claimRef": {"kind": "PersistentVolumeClaim", "namespace": "shop", "name": "data-db-0", "uid": "u"},
                "csi": {"driver": "pd.csi.storage.gke.io", "volumeHandle": "x"}},
            "status": status})
    }

    fn sc(name: &str, default: bool) -> Value {
        let mut c = json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
            "metadata": {"name": name}, "provisioner": "ebs.csi.aws.com"});
        if default {
            c["metadata"]["annotations"] =
                json!({"storageclass.kubernetes.io/is-default-class": "true"});
        }
        c
    }

    #[test]
    fn released_and_failed_volumes() {
        let f = run(vec![pv("Released", "Retain", None)]);
        let r = one(&f, "pv-released");
        assert_eq!(r.severity, Severity::Warning);
        assert!(r.summary.contains("shop/data-db-0"));
        let f = run(vec![pv(
            "Failed",
            "Recycle",
            Some("Recycle failed: unexpected error"),
        )]);
        assert!(one(&f, "pv-failed").summary.contains("Recycle failed"));
        assert!(run(vec![pv("Bound", "Delete", None)]).is_empty());
    }

    #[test]
    fn several_default_classes() {
        let f = run(vec![sc("gp2", true), sc("gp3", true), sc("io2", false)]);
        assert!(
            one(&f, "storageclass-multiple-defaults")
                .summary
                .contains("gp2, gp3")
        );
        assert!(run(vec![sc("gp2", false), sc("gp3", true)]).is_empty());
    }
}

//! The kubelet's and attach/detach controller's volume failures (`FailedMount`,
//! `FailedAttachVolume` events), classified from their messages: a missing ConfigMap, Secret
//! or claim, a volume still attached elsewhere (Multi-Attach), a CSI driver not registered on
//! the node, a failing mount command, an attach that times out, or a plain timeout.

use regex::Regex;
use std::sync::LazyLock;

/// What a volume failure message says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VolumeProblem {
    /// (kind as kubectl names it: configmap, secret, persistentvolumeclaim; name)
    Missing(&'static str, String),
    /// The volume is attached to (or used by pods on) another node.
    MultiAttach {
        volume: String,
        users: String,
    },
    CsiDriverMissing(String),
    MountFailed,
    Timeout,
    /// `AttachVolume.Attach failed for volume "X" : … DeadlineExceeded`: the attach/detach
    /// controller (through the CSI attacher) waits for the storage backend in vain.
    AttachTimeout(String),
    AttachFailed,
    Other,
}

static MISSING: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"(configmaps?|secrets?|persistentvolumeclaims?) \\?"([^"\\]+)\\?" not found"#).ok()
});
static MULTI_ATTACH: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"Multi-Attach error for volume \\?"([^"\\]+)\\?""#).ok());
static USED_BY: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"Volume is already used by pod(?:\(s\)|s)? ([^.]+)").ok());
static ATTACH_FAILED: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"AttachVolume\.Attach failed for volume \\?"([^"\\]+)\\?""#).ok()
});
static CSI_DRIVER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"driver name (\S+) not found in the list of registered CSI drivers").ok()
});

/// Classifies one FailedMount / FailedAttachVolume message.
pub fn classify(message: &str) -> VolumeProblem {
    if let Some(c) = MISSING.as_ref().and_then(|r| r.captures(message)) {
        let kind = match c[1].trim_end_matches('s') {
            "configmap" => "configmap",
            "secret" => "secret",
            _ => "persistentvolumeclaim",
        };
        return VolumeProblem::Missing(kind, c[2].to_string());
    }
    if let Some(c) = MULTI_ATTACH.as_ref().and_then(|r| r.captures(message)) {
        let users = USED_BY
            .as_ref()
            .and_then(|r| r.captures(message))
            .map(|u| format!("used by pod(s) {}", u[1].trim()))
            .unwrap_or_else(|| "exclusively attached to another node".to_string());
        return VolumeProblem::MultiAttach {
            volume: c[1].to_string(),
            users,
        };
    }
    if let Some(c) = CSI_DRIVER.as_ref().and_then(|r| r.captures(message)) {
        return VolumeProblem::CsiDriverMissing(c[1].to_string());
    }
    if message.contains("mount failed")
        || message.contains("exit status 32")
        || message.contains("mount.nfs")
    {
        return VolumeProblem::MountFailed;
    }
    let timed_out = message.contains("timed out waiting for the condition")
        || message.contains("context deadline exceeded")
        || message.contains("DeadlineExceeded");
    if timed_out && let Some(c) = ATTACH_FAILED.as_ref().and_then(|r| r.captures(message)) {
        return VolumeProblem::AttachTimeout(c[1].to_string());
    }
    if timed_out || message.contains("Unable to attach or mount volumes") {
        return VolumeProblem::Timeout;
    }
    if message.contains("AttachVolume.Attach failed") {
        return VolumeProblem::AttachFailed;
    }
    VolumeProblem::Other
}

impl VolumeProblem {
    /// A few words for a summary.
    pub fn headline(&self) -> String {
        match self {
            VolumeProblem::Missing(kind, name) => {
                let k = match *kind {
                    "configmap" => "ConfigMap",
                    "secret" => "Secret",
                    _ => "PersistentVolumeClaim",
                };
                format!("{k} {name} does not exist")
            }
            VolumeProblem::MultiAttach { volume, .. } => {
                format!("volume {volume} is still attached to another node (Multi-Attach)")
            }
            VolumeProblem::CsiDriverMissing(d) => {
                format!("CSI driver {d} is not registered on the node")
            }
            VolumeProblem::MountFailed => "the mount command fails on the node".to_string(),
            VolumeProblem::Timeout => "mounting its volumes times out".to_string(),
            VolumeProblem::AttachTimeout(v) => {
                format!("attaching volume {v} to the node times out")
            }
            VolumeProblem::AttachFailed => "a volume cannot be attached".to_string(),
            VolumeProblem::Other => "a volume cannot be mounted".to_string(),
        }
    }

    /// Why, in plain words.
    pub fn explanation(&self) -> &'static str {
        match self {
            VolumeProblem::Missing(..) => {
                "A volume of the pod refers to an object that does not exist in its namespace; \
                 the kubelet retries until it appears (or the reference is marked optional)."
            }
            VolumeProblem::MultiAttach { .. } => {
                "A ReadWriteOnce volume can be attached to one node at a time. It is still \
                 attached to another node (an old pod there, or a node that died without \
                 detaching it), so it cannot be attached here."
            }
            VolumeProblem::CsiDriverMissing(_) => {
                "The volume's CSI driver has no node plugin registered on this node: the driver's \
                 DaemonSet pod is missing or failing there."
            }
            VolumeProblem::MountFailed => {
                "The node's mount command fails (NFS server unreachable or export denied, missing \
                 mount helper such as nfs-common, wrong options)."
            }
            VolumeProblem::Timeout => {
                "Attaching or mounting did not finish in time; an earlier event usually says why \
                 (attach failure, CSI driver not answering, Multi-Attach)."
            }
            VolumeProblem::AttachTimeout(_) => {
                "The attach/detach controller asked the volume's CSI driver to attach the disk to \
                 the node, and the call did not finish before its deadline: the storage backend \
                 or cloud API is slow or failing, the disk is stuck detaching from another node, \
                 or the driver's controller (csi-attacher) is down. The kubelet then times out \
                 waiting for the volume."
            }
            VolumeProblem::AttachFailed => {
                "The attach/detach controller cannot attach the volume (cloud API error, wrong \
                 zone, volume limit of the node reached)."
            }
            VolumeProblem::Other => {
                "The kubelet cannot mount one of the pod's volumes; the events say why."
            }
        }
    }

    /// The command that shows the object in question.
    pub fn step(&self, nsf: &str) -> String {
        match self {
            VolumeProblem::Missing(kind, name) => format!("kubectl get {kind} {name}{nsf}"),
            VolumeProblem::MultiAttach { volume, .. } => {
                format!("kubectl get volumeattachments | grep {volume}")
            }
            VolumeProblem::CsiDriverMissing(d) => {
                format!("kubectl get csinodes -o yaml | grep -n '{d}'")
            }
            VolumeProblem::AttachTimeout(v) => {
                format!(
                    "kubectl get volumeattachments | grep {v}   (then kubectl describe volumeattachment NAME)"
                )
            }
            _ => "kubectl get volumeattachments".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_messages_are_classified() {
        assert_eq!(
            classify(
                "MountVolume.SetUp failed for volume \"config\" : configmap \"app-config\" not found"
            ),
            VolumeProblem::Missing("configmap", "app-config".into())
        );
        assert_eq!(
            classify(
                "MountVolume.SetUp failed for volume \"creds\" : secrets \"db-creds\" not found"
            ),
            VolumeProblem::Missing("secret", "db-creds".into())
        );
        assert_eq!(
            classify(
                "Multi-Attach error for volume \"pvc-3c1a\" Volume is already exclusively attached to one node and can't be attached to another"
            ),
            VolumeProblem::MultiAttach {
                volume: "pvc-3c1a".into(),
                users: "exclusively attached to another node".into()
            }
        );
        match classify(
            "Multi-Attach error for volume \"pvc-9\" Volume is already used by pod(s) db-0",
        ) {
            VolumeProblem::MultiAttach { users, .. } => assert_eq!(users, "used by pod(s) db-0"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            classify(
                "Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[data kube-api-access-x]: timed out waiting for the condition"
            ),
            VolumeProblem::Timeout
        );
        assert_eq!(
            classify(
                "MountVolume.MountDevice failed for volume \"pvc-1\" : kubernetes.io/csi: attacher.MountDevice failed to create newCsiDriverClient: driver name ebs.csi.aws.com not found in the list of registered CSI drivers"
            ),
            VolumeProblem::CsiDriverMissing("ebs.csi.aws.com".into())
        );
        assert_eq!(
            classify(
                "AttachVolume.Attach failed for volume \"pvc-5b1c\" : rpc error: code = DeadlineExceeded desc = context deadline exceeded"
            ),
            VolumeProblem::AttachTimeout("pvc-5b1c".into())
        );
        assert_eq!(
            classify(
                "AttachVolume.Attach failed for volume \"pvc-5b1c\" : rpc error: code = Internal desc = Could not attach volume \"vol-0a1\" to node \"i-0b2\": VolumeInUse"
            ),
            VolumeProblem::AttachFailed
        );
        assert_eq!(
            classify("MountVolume.SetUp failed for volume \"nfs\" : mount failed: exit status 32"),
            VolumeProblem::MountFailed
        );
    }
}

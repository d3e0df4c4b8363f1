//! The control plane as kubeadm runs it: each component a static pod on every control-plane
//! node, seen through its mirror pod `kube-system/<component>-<node>` (annotation
//! `kubernetes.io/config.source: file`, owned by the Node). Helpers the control-plane checks
//! and link rules share: which pod is which component, the control-plane nodes, severities,
//! manifest paths, and flag values from a mirror pod's command line.

use std::collections::BTreeSet;

use crate::findings::Severity;
use crate::objects::Pod;

use super::snapshot::Snapshot;

/// The components kubeadm runs as static pods.
pub const COMPONENTS: [&str; 4] = [
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "etcd",
];

/// Whether a pod is the mirror of a static pod (the kubelet created it from a file or URL).
pub fn is_mirror(pod: &Pod) -> bool {
    let m = &pod.metadata;
    m.annotation("kubernetes.io/config.mirror").is_some()
        || matches!(
            m.annotation("kubernetes.io/config.source"),
            Some("file" | "http")
        )
        || m.owner_references
            .iter()
            .flatten()
            .any(|o| o.kind == "Node" && o.controller == Some(true))
}

/// The node a pod runs on ("" when not scheduled).
pub fn node_of(pod: &Pod) -> &str {
    pod.spec
        .as_ref()
        .and_then(|s| s.node_name.as_deref())
        .unwrap_or("")
}

/// The control-plane component a pod runs, when it is a kube-system mirror pod of one (by
/// its `component` label, or its name `<component>-<node>`).
pub fn component_of(pod: &Pod) -> Option<&'static str> {
    if pod.metadata.namespace() != "kube-system" || !is_mirror(pod) {
        return None;
    }
    let label = pod.metadata.label("component");
    let name = pod.metadata.name();
    let node = node_of(pod);
    COMPONENTS.iter().copied().find(|c| {
        label == Some(*c)
            || (!node.is_empty()
                && name.strip_prefix(c).and_then(|r| r.strip_prefix('-')) == Some(node))
    })
}

/// The control-plane mirror pods, as (component, pod).
pub fn mirror_pods(snap: &Snapshot) -> Vec<(&'static str, &Pod)> {
    snap.pods_in("kube-system")
        .filter_map(|p| component_of(p).map(|c| (c, p)))
        .collect()
}

/// Control-plane nodes: those with the role label, and those running a control-plane mirror
/// pod (some installers do not label).
pub fn control_plane_nodes<'a>(
    snap: &'a Snapshot,
    mirrors: &[(&str, &'a Pod)],
) -> BTreeSet<&'a str> {
    let mut out: BTreeSet<&str> = snap
        .nodes
        .iter()
        .filter(|n| n.is_control_plane())
        .map(|n| n.metadata.name())
        .collect();
    out.extend(
        mirrors
            .iter()
            .map(|(_, p)| node_of(p))
            .filter(|n| !n.is_empty()),
    );
    out
}

/// How bad it is when the component is down everywhere.
pub fn down_severity(component: &str) -> Severity {
    match component {
        "kube-apiserver" | "etcd" => Severity::Critical,
        _ => Severity::Error,
    }
}

/// What the component does, and what stops without it.
pub fn role(component: &str) -> &'static str {
    match component {
        "kube-apiserver" => {
            "The API server is the front door of the cluster: without it kubectl, controllers, \
             the scheduler and kubelets cannot read or write anything."
        }
        "etcd" => {
            "etcd stores every object of the cluster: without it the API server cannot read or \
             write, and reports itself not ready."
        }
        "kube-scheduler" => {
            "The scheduler places new pods on nodes: without it new pods stay Pending with no \
             scheduling attempt."
        }
        "kube-controller-manager" => {
            "The controller manager runs the controllers: without it Deployments do not create \
             ReplicaSets or pods, scaling has no effect, endpoints are not updated, NotReady \
             nodes are not tainted and CSRs are not signed."
        }
        _ => "",
    }
}

/// kubeadm's manifest of a component (the kubelet's default `staticPodPath`).
pub fn manifest(component: &str) -> String {
    format!("/etc/kubernetes/manifests/{component}.yaml")
}

/// The main container's command line (command then args).
pub fn command_line(pod: &Pod) -> Vec<&str> {
    pod.spec
        .as_ref()
        .and_then(|s| s.containers.first())
        .map(|c| {
            c.command
                .iter()
                .flatten()
                .chain(c.args.iter().flatten())
                .map(|s| s.as_str())
                .collect()
        })
        .unwrap_or_default()
}

/// The value of `--flag=value` (or `--flag value`) on a command line.
pub fn flag<'a>(cmd: &[&'a str], name: &str) -> Option<&'a str> {
    let prefix = format!("--{name}=");
    for (i, arg) in cmd.iter().enumerate() {
        if let Some(v) = arg.strip_prefix(&prefix) {
            return Some(v);
        }
        if arg.strip_prefix("--") == Some(name) {
            return cmd.get(i + 1).copied();
        }
    }
    None
}

/// The flag whose value mentions `text` (a path, a URL): (flag name, whole value).
pub fn flag_mentioning<'a>(cmd: &[&'a str], text: &str) -> Option<(&'a str, &'a str)> {
    for (i, arg) in cmd.iter().enumerate() {
        if let Some(rest) = arg.strip_prefix("--") {
            match rest.split_once('=') {
                Some((name, value)) if value.contains(text) => return Some((name, value)),
                None => {
                    if let Some(v) = cmd.get(i + 1).filter(|v| v.contains(text)) {
                        return Some((rest, v));
                    }
                }
                _ => {}
            }
        }
    }
    None
}

/// The minor version of an image tag or a version string: `registry.k8s.io/kube-scheduler:v1.31.2`
/// → (1, 31); `v1.30.4-eks-a737599` → (1, 30).
pub fn minor_of(text: &str) -> Option<(u32, u32)> {
    let tag = match text.rsplit_once(':') {
        Some((head, tag)) if !tag.contains('/') && !head.is_empty() => tag,
        _ => text,
    };
    let tag = tag.split('@').next().unwrap_or(tag);
    let v = tag.trim().trim_start_matches('v');
    let mut parts = v.split(['.', '-', '+']);
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// The image of a pod's main container.
pub fn image_of(pod: &Pod) -> Option<&str> {
    pod.spec
        .as_ref()
        .and_then(|s| s.containers.first())
        .and_then(|c| c.image.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_and_versions_are_read_like_the_kubelet_writes_them() {
        let cmd = [
            "kube-scheduler",
            "--kubeconfig=/etc/kubernetes/scheduler.conff",
            "--leader-elect=true",
            "--bind-address",
            "127.0.0.1",
        ];
        assert_eq!(
            flag(&cmd, "kubeconfig"),
            Some("/etc/kubernetes/scheduler.conff")
        );
        assert_eq!(flag(&cmd, "bind-address"), Some("127.0.0.1"));
        assert_eq!(flag(&cmd, "leader-elect-x"), None);
        assert_eq!(
            flag_mentioning(&cmd, "scheduler.conff"),
            Some(("kubeconfig", "/etc/kubernetes/scheduler.conff"))
        );
        assert_eq!(
            minor_of("registry.k8s.io/kube-scheduler:v1.31.2"),
            Some((1, 31))
        );
        assert_eq!(
            minor_of("localhost:5000/kube-apiserver:v1.29.0"),
            Some((1, 29))
        );
        assert_eq!(minor_of("v1.30.4-eks-a737599"), Some((1, 30)));
        assert_eq!(minor_of("v1.29.3+k3s1"), Some((1, 29)));
        assert_eq!(minor_of("registry.k8s.io/etcd:3.5.15-0"), Some((3, 5)));
        assert_eq!(minor_of("nginx"), None);
    }
}

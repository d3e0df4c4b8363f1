//! The static pod directory and its manifests: the kubelet looking in the wrong place (a
//! `staticPodPath` typo), manifests that do not parse (file and line), a wrong command, a
//! control-plane component missing, files the kubelet reads although they are backups, host
//! ports two manifests both claim, and control-plane images of different versions.

use std::collections::BTreeMap;

use super::{ev, file, finding};
use crate::findings::{Finding, ObjectRef, Pane, Severity};
use crate::node::model::NodeData;
use crate::node::parse::manifest::{Component, Manifest, StaticPod, component_of};

/// A port a static pod listens on and why kmedic thinks so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenPort {
    pub port: u16,
    /// `--secure-port=6443`, `containerPort`, `default of kube-scheduler`.
    pub because: String,
}

fn url_port(url: &str) -> Option<u16> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split('/').next()?;
    authority.rsplit_once(':')?.1.parse().ok()
}

/// The host ports a static pod listens on (hostNetwork): its listening flags, or the
/// component's default, and declared container ports.
pub fn listen_ports(pod: &StaticPod) -> Vec<ListenPort> {
    let mut out: Vec<ListenPort> = Vec::new();
    for c in &pod.containers {
        let flags = c.flags();
        let mut from_flags = false;
        for (name, value) in &flags {
            match name.as_str() {
                "secure-port" | "port" => {
                    if let Ok(p) = value.parse::<u16>()
                        && p != 0
                    {
                        from_flags |= name == "secure-port";
                        out.push(ListenPort {
                            port: p,
                            because: format!("--{name}={value}"),
                        });
                    }
                }
                "listen-client-urls" | "listen-peer-urls" => {
                    for url in value.split(',') {
                        if let Some(p) = url_port(url) {
                            from_flags = true;
                            out.push(ListenPort {
                                port: p,
                                because: format!("--{name}"),
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        let default = match component_of(&c.name) {
            Some(Component::KubeApiserver) => Some(6443),
            Some(Component::KubeControllerManager) => Some(10257),
            Some(Component::KubeScheduler) => Some(10259),
            Some(Component::Etcd) | None => None,
        };
        if let (false, Some(port)) = (from_flags, default) {
            out.push(ListenPort {
                port,
                because: format!("the default of {}", c.name),
            });
        }
        for p in &c.ports {
            out.push(ListenPort {
                port: *p,
                because: format!("containerPort of {}", c.name),
            });
        }
    }
    out.sort_by_key(|p| p.port);
    out.dedup_by_key(|p| p.port);
    out
}

fn pods(data: &NodeData) -> impl Iterator<Item = (&Manifest, &StaticPod)> {
    data.static_pods
        .manifests
        .iter()
        .filter_map(|m| m.pod.as_ref().map(|p| (m, p)))
}

fn directory(data: &NodeData, out: &mut Vec<Finding>) {
    let sp = &data.static_pods;
    if sp.kubeadm_dir_manifests.is_empty() {
        return;
    }
    let summary = if sp.dir.is_empty() {
        "the kubelet's staticPodPath is not set, so it runs none of the control-plane manifests in /etc/kubernetes/manifests".to_string()
    } else if !sp.dir_exists {
        format!(
            "the kubelet reads static pods from {}, which does not exist; the control-plane manifests are in /etc/kubernetes/manifests",
            sp.dir
        )
    } else {
        format!(
            "the kubelet reads static pods from {}, which holds no manifest; the control-plane manifests are in /etc/kubernetes/manifests",
            sp.dir
        )
    };
    let mut f = finding(
        Pane::ControlPlane,
        "static-pod-path-wrong",
        Severity::Critical,
        ObjectRef::new(
            "File",
            "",
            data.kubelet.config_file.clone().unwrap_or_default(),
        ),
        summary,
        "The kubelet creates static pods only from the directory its staticPodPath names. It looks elsewhere, so kube-apiserver, etcd and the other control-plane pods are never started on this node.",
    );
    f.evidence = vec![
        ev(
            "staticPodPath",
            format!(
                "{} ({})",
                if sp.dir.is_empty() { "\"\"" } else { &sp.dir },
                sp.dir_source
            ),
        ),
        ev(
            "manifests in /etc/kubernetes/manifests",
            sp.kubeadm_dir_manifests.join(", "),
        ),
    ];
    f.next_steps = vec![
        format!(
            "grep -n staticPodPath {}",
            data.kubelet
                .config_file
                .as_deref()
                .unwrap_or("/var/lib/kubelet/config.yaml")
        ),
        "set staticPodPath: /etc/kubernetes/manifests, then systemctl restart kubelet".into(),
    ];
    out.push(f);
}

fn invalid(m: &Manifest, out: &mut Vec<Finding>) {
    let Some(err) = &m.error else { return };
    let name = m.file.rsplit('/').next().unwrap_or(&m.file);
    let vital = name.starts_with("kube-apiserver") || name.starts_with("etcd");
    let at = err.line.map(|l| format!(":{l}")).unwrap_or_default();
    let mut f = finding(
        Pane::ControlPlane,
        "static-pod-manifest-invalid",
        if vital {
            Severity::Critical
        } else {
            Severity::Error
        },
        file(&m.file),
        format!("{}{at}: {}", m.file, err.message),
        "The kubelet cannot decode this manifest, so it does not run the pod at all (it logs \"Could not process manifest file\"); if it ran before, its mirror pod disappears.",
    );
    f.evidence = vec![ev("error", format!("{}{at}: {}", m.file, err.message))];
    f.next_steps = vec![
        format!("sed -n '1,{}p' {}", err.line.unwrap_or(20) + 2, m.file),
        "journalctl -u kubelet | grep -i manifest".into(),
    ];
    out.push(f);
}

fn wrong_command(m: &Manifest, pod: &StaticPod, out: &mut Vec<Finding>) {
    for c in &pod.containers {
        let (Some(component), Some(program)) = (component_of(&c.name), c.command.first()) else {
            continue;
        };
        let base = program.rsplit('/').next().unwrap_or(program);
        if base == component.name() {
            continue;
        }
        let mut f = finding(
            Pane::ControlPlane,
            "static-pod-command-wrong",
            if component.is_vital() {
                Severity::Critical
            } else {
                Severity::Error
            },
            file(&m.file),
            format!(
                "{}: the container runs \"{program}\", not {}",
                pod.name,
                component.name()
            ),
            "The container's command names a program its image does not have, so it fails with StartError (`exec: \"…\": executable file not found in $PATH`) and restarts forever.",
        );
        f.evidence = vec![ev("command[0]", program), ev("manifest", &m.file)];
        f.next_steps = vec![
            format!("crictl ps -a --name {}", c.name),
            format!("fix command[0] in {}", m.file),
        ];
        out.push(f);
    }
}

fn missing_components(data: &NodeData, out: &mut Vec<Finding>) {
    let present: Vec<Component> = pods(data)
        .filter_map(|(_, p)| component_of(&p.name))
        .collect();
    let trio = [
        Component::KubeApiserver,
        Component::KubeControllerManager,
        Component::KubeScheduler,
    ];
    if !trio.iter().any(|c| present.contains(c)) {
        return;
    }
    let local_etcd = pods(data)
        .filter(|(_, p)| p.name == "kube-apiserver")
        .flat_map(|(_, p)| p.containers.iter())
        .filter_map(|c| c.flag("etcd-servers"))
        .any(|s| s.contains("127.0.0.1") || s.contains("localhost"));
    let mut wanted = trio.to_vec();
    if local_etcd {
        wanted.push(Component::Etcd);
    }
    for c in wanted.into_iter().filter(|c| !present.contains(c)) {
        let broken = data
            .static_pods
            .manifests
            .iter()
            .any(|m| m.pod.is_none() && m.file.contains(c.name()));
        if broken {
            continue; // reported as invalid already
        }
        let mut f = finding(
            Pane::ControlPlane,
            "static-pod-missing",
            if c.is_vital() {
                Severity::Critical
            } else {
                Severity::Error
            },
            ObjectRef::new("StaticPod", "kube-system", c.name()),
            format!("no {} manifest in {}", c.name(), data.static_pods.dir),
            "This control-plane node runs the other components as static pods but not this one, so nothing starts it.",
        );
        f.evidence = vec![ev("directory", &data.static_pods.dir)];
        f.next_steps = vec![
            format!("ls -la {}", data.static_pods.dir),
            "ls /etc/kubernetes/tmp/ (kubeadm keeps manifest backups there after upgrades)".into(),
            format!(
                "kubeadm init phase control-plane {} (regenerates kubeadm's manifest)",
                c.name().trim_start_matches("kube-")
            ),
        ];
        out.push(f);
    }
}

fn stray(data: &NodeData, out: &mut Vec<Finding>) {
    for path in &data.static_pods.stray_files {
        let mut f = finding(
            Pane::ControlPlane,
            "static-pod-stray-file",
            Severity::Warning,
            file(path),
            format!("{path} is in the static pod directory; the kubelet reads it too"),
            "The kubelet reads every file in its static pod directory except those starting with a dot, whatever the extension. A backup copy of a manifest defines a second pod with the same name, which conflicts with the real one.",
        );
        f.next_steps = vec![format!("mv {path} /etc/kubernetes/ (out of the directory)")];
        out.push(f);
    }
}

fn port_clashes(data: &NodeData, out: &mut Vec<Finding>) {
    let mut claims: BTreeMap<u16, Vec<(String, String)>> = BTreeMap::new();
    for (m, pod) in pods(data).filter(|(_, p)| p.host_network) {
        for p in listen_ports(pod) {
            claims
                .entry(p.port)
                .or_default()
                .push((m.file.clone(), p.because));
        }
    }
    for (port, who) in claims.into_iter().filter(|(_, w)| w.len() > 1) {
        let mut f = finding(
            Pane::ControlPlane,
            "static-pod-port-clash",
            Severity::Error,
            ObjectRef::new("Port", "", port.to_string()),
            format!(
                "{} static pods on the host network listen on port {port}",
                who.len()
            ),
            "Only one process can bind a host port; the second one fails with `bind: address already in use` and restarts forever.",
        );
        f.evidence = who
            .iter()
            .map(|(file, why)| ev(file.clone(), why))
            .collect();
        f.next_steps = vec![format!("ss -ltnp | grep :{port}")];
        out.push(f);
    }
}

fn image_skew(data: &NodeData, out: &mut Vec<Finding>) {
    let tag = |image: &str| -> Option<String> {
        let last = image.rsplit('/').next()?;
        last.split_once(':')
            .map(|(_, t)| t.split('@').next().unwrap_or(t).to_string())
    };
    let images: Vec<(String, String)> = pods(data)
        .flat_map(|(_, p)| p.containers.iter())
        .filter(|c| {
            matches!(
                component_of(&c.name),
                Some(
                    Component::KubeApiserver
                        | Component::KubeControllerManager
                        | Component::KubeScheduler
                )
            )
        })
        .filter_map(|c| Some((c.name.clone(), tag(&c.image)?)))
        .collect();
    let mut tags: Vec<&String> = images.iter().map(|(_, t)| t).collect();
    tags.sort();
    tags.dedup();
    if tags.len() < 2 {
        return;
    }
    let mut f = finding(
        Pane::ControlPlane,
        "static-pod-version-skew",
        Severity::Warning,
        ObjectRef::new(
            "Node",
            "",
            data.node_name.clone().unwrap_or_else(|| "this node".into()),
        ),
        format!(
            "control-plane images differ in version: {}",
            tags.iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        "kube-apiserver, kube-controller-manager and kube-scheduler are upgraded together; different versions usually mean an upgrade stopped half-way.",
    );
    f.evidence = images.iter().map(|(c, t)| ev(c.clone(), t)).collect();
    f.next_steps = vec!["kubeadm upgrade plan".into()];
    out.push(f);
}

pub fn check(data: &NodeData) -> Vec<Finding> {
    let mut out = Vec::new();
    directory(data, &mut out);
    for m in &data.static_pods.manifests {
        invalid(m, &mut out);
        if let Some(pod) = &m.pod {
            wrong_command(m, pod, &mut out);
        }
    }
    missing_components(data, &mut out);
    stray(data, &mut out);
    port_clashes(data, &mut out);
    image_skew(data, &mut out);
    out
}

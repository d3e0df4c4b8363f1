//! C3: the control-plane static pods, node by node. On every control-plane node each of
//! kube-apiserver, kube-controller-manager, kube-scheduler and (stacked) etcd must have its
//! mirror pod, Ready and not restarting. A crash is explained from the termination message
//! and the previous log tail, with the manifest it comes from and the flag or file the log
//! points at. A cluster whose control plane is not visible as static pods (managed, k3s,
//! "hard way" systemd units) gets one informational note instead.

use crate::findings::{Finding, Pane, Severity};
use crate::objects::{ContainerStatus, Kind, Pod};

use super::Ctx;
use super::build::{FindingExt, obj, secs_since};
use super::container::{last_terminated, statuses, waiting_message, waiting_reason};
use super::cp_log::{Diagnosis, diagnose};
use super::cp_pods::{
    COMPONENTS, command_line, control_plane_nodes, down_severity, manifest, mirror_pods, node_of,
    role,
};

/// A component that is running but not Ready for longer than this is reported.
const NOT_READY_GRACE: i64 = 120;

/// Starts a control-plane finding.
pub fn cp(
    check: &str,
    severity: Severity,
    object: crate::findings::ObjectRef,
    summary: String,
) -> Finding {
    Finding {
        pane: Pane::ControlPlane,
        check: check.to_string(),
        severity,
        object,
        summary,
        explanation: String::new(),
        evidence: Vec::new(),
        next_steps: Vec::new(),
        caused_by: Vec::new(),
    }
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let snap = ctx.snap;
    if !snap.has_kind(Kind::Pod) {
        return;
    }
    let mirrors = mirror_pods(snap);
    let nodes = control_plane_nodes(snap, &mirrors);
    if mirrors.is_empty() {
        if let Some(first) = nodes.iter().next() {
            out.push(not_static(first, nodes.len()));
        }
        return;
    }
    for node in &nodes {
        let on_node: Vec<&(&str, &Pod)> = mirrors
            .iter()
            .filter(|(_, p)| node_of(p) == *node)
            .collect();
        for component in COMPONENTS {
            let pod = on_node
                .iter()
                .find(|(c, _)| *c == component)
                .map(|(_, p)| *p);
            match pod {
                Some(p) => {
                    let healthy_elsewhere = mirrors.iter().any(|(c, other)| {
                        *c == component && node_of(other) != *node && is_ready(other)
                    });
                    out.extend(component_pod(ctx, component, p, healthy_elsewhere));
                }
                None if expected(ctx, component, &mirrors, on_node.len()) => {
                    out.push(missing(ctx, component, node, on_node.is_empty()));
                }
                None => {}
            }
        }
    }
}

/// Whether a control-plane node without `component`'s mirror pod should have one: the
/// component runs as a static pod on another control-plane node (HA), or — not for etcd,
/// which may run outside the cluster or as a service (Talos) — the node runs at least two
/// of the other components as static pods (kubeadm's layout) and nothing else in
/// kube-system runs it (self-hosted control planes run it as a Deployment).
fn expected(ctx: &Ctx, component: &str, mirrors: &[(&str, &Pod)], on_node: usize) -> bool {
    if mirrors.iter().any(|(c, _)| *c == component) {
        return true;
    }
    if component == "etcd" || on_node < 2 {
        return false;
    }
    let elsewhere = ctx.snap.pods_in("kube-system").any(|p| {
        p.metadata.label("component") == Some(component)
            || p.metadata.label("k8s-app") == Some(component)
            || p.metadata
                .name()
                .strip_prefix(component)
                .is_some_and(|r| r.starts_with('-'))
    });
    !elsewhere
}

fn is_ready(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
        .any(|c| c.type_ == "Ready" && c.status == "True")
}

fn not_static(node: &str, count: usize) -> Finding {
    cp(
        "cp-not-static-pods",
        Severity::Info,
        crate::findings::ObjectRef::new("Node", "", node),
        format!("the control plane does not run as static pods on the {count} control-plane node(s)"),
    )
    .explain(
        "No kube-apiserver, kube-controller-manager, kube-scheduler or etcd mirror pods are in \
         kube-system: the components run as systemd services (\"the hard way\"), inside one \
         binary (k3s), or out of sight (a managed control plane). The static-pod checks are \
         skipped; the leader leases and the API server's health still tell how it is doing.",
    )
    .step("on a control-plane node: systemctl status kube-apiserver kube-controller-manager kube-scheduler etcd")
    .step("journalctl -u kube-apiserver -n 100 --no-pager")
}

fn missing(ctx: &Ctx, component: &str, node: &str, none_on_node: bool) -> Finding {
    let name = format!("{component}-{node}");
    let severity = down_severity(component);
    let mut f = cp(
        "cp-component-missing",
        severity,
        crate::findings::ObjectRef::new("Pod", "kube-system", name.clone()),
        format!("{component} is not running on control-plane node {node}: no mirror pod {name}"),
    )
    .explain(if none_on_node {
        format!(
            "No control-plane static pod runs on {node}, while other control-plane nodes have \
             them: the kubelet there is not running static pods (stopped, or its staticPodPath \
             points elsewhere), or the node is not a control-plane node any more."
        )
    } else {
        format!(
            "The kubelet on {node} runs the other control-plane components but not {component}: \
             its manifest {} is missing (moved away, renamed) or does not parse, so the kubelet \
             never creates the pod.",
            manifest(component)
        )
    })
    .explain(role(component))
    .with("expected mirror pod", format!("kube-system/{name}"))
    .with("manifest (kubeadm default)", manifest(component));
    if let Some(n) = ctx.snap.node(node) {
        let ready = n
            .ready()
            .map(|c| c.status.to_string())
            .unwrap_or_else(|| "unknown".into());
        f = f.with("node Ready", ready);
    }
    f.step(format!("on {node}: sudo ls -l /etc/kubernetes/manifests/"))
        .step(format!(
            "on {node}: sudo grep staticPodPath /var/lib/kubelet/config.yaml"
        ))
        .step(format!("on {node}: sudo crictl ps -a --name {component}"))
        .step(format!(
            "on {node}: sudo journalctl -u kubelet -n 100 --no-pager | grep -i {component}"
        ))
}

/// The findings of one present component pod: failing (crash loop, start error, not ready)
/// or restarting.
fn component_pod(
    ctx: &Ctx,
    component: &'static str,
    pod: &Pod,
    healthy_elsewhere: bool,
) -> Option<Finding> {
    let (_, c) = statuses(pod).find(|(_, c)| {
        pod.spec
            .as_ref()
            .and_then(|s| s.containers.first())
            .is_none_or(|spec| spec.name == c.name)
    })?;
    let reason = waiting_reason(c).unwrap_or("");
    let terminated_now = c.state.as_ref().and_then(|s| s.terminated.as_ref());
    let running = c.state.as_ref().is_some_and(|s| s.running.is_some());
    let since_start = c
        .state
        .as_ref()
        .and_then(|s| s.running.as_ref())
        .and_then(|r| r.started_at)
        .map(|t| secs_since(t.ts(), ctx.now))
        .unwrap_or(i64::MAX);
    let state =
        if !reason.is_empty() && reason != "ContainerCreating" && reason != "PodInitializing" {
            format!("{reason}: {}", waiting_message(c))
        } else if let Some(t) = terminated_now {
            format!(
                "terminated: {} (exit code {})",
                t.reason.as_deref().unwrap_or("Error"),
                t.exit_code
            )
        } else if running && !c.ready && since_start > NOT_READY_GRACE {
            "running but not ready".to_string()
        } else {
            return restarts(ctx, component, pod, c);
        };
    let severity = if healthy_elsewhere {
        Severity::Error
    } else {
        down_severity(component)
    };
    Some(failing(ctx, component, pod, c, &state, severity))
}

fn failing(
    ctx: &Ctx,
    component: &str,
    pod: &Pod,
    c: &ContainerStatus,
    state: &str,
    severity: Severity,
) -> Finding {
    let o = obj("Pod", &pod.metadata);
    let node = node_of(pod);
    let cmd = command_line(pod);
    let last = last_terminated(c);
    let mut lines: Vec<&str> = Vec::new();
    for msg in [
        last.and_then(|t| t.message.as_deref()),
        c.state
            .as_ref()
            .and_then(|s| s.terminated.as_ref())
            .and_then(|t| t.message.as_deref()),
        c.state
            .as_ref()
            .and_then(|s| s.waiting.as_ref())
            .and_then(|w| w.message.as_deref()),
    ]
    .into_iter()
    .flatten()
    {
        lines.extend(msg.lines());
    }
    let log = ctx
        .snap
        .previous_log(&o.namespace, &o.name, &c.name)
        .unwrap_or(&[]);
    lines.extend(log.iter().map(String::as_str));
    let diagnosis = diagnose(&lines, &cmd);
    let short = match &diagnosis {
        Some(d) => match (&d.flag, &d.subject) {
            (Some((flag, value)), _) if flag == "command[0]" => {
                format!("command {value:?} not found")
            }
            (Some((flag, value)), _) => format!("--{flag}={value}: {}", headline(d)),
            (None, _) => headline(d),
        },
        None => state.split(':').next().unwrap_or(state).to_string(),
    };
    let mut f = cp(
        "cp-component-failing",
        severity,
        o.clone(),
        format!("{component} on {node} is failing: {short}"),
    )
    .explain(format!(
        "The static pod {component} on {node} does not run: {state}. The kubelet runs it from \
         the manifest {} and restarts it forever; fix the manifest (or the file it points at) \
         and the kubelet picks the change up by itself.",
        manifest(component)
    ));
    if let Some(d) = &diagnosis {
        f = f.explain(format!("Its output says {}.", d.meaning));
    }
    f = f
        .explain(role(component))
        .with("manifest (kubeadm default)", manifest(component))
        .with("state", state.to_string())
        .with("restartCount", c.restart_count.to_string());
    if let Some(t) = last {
        f = f.with(
            "lastState.terminated",
            format!(
                "reason={} exitCode={}",
                t.reason.as_deref().unwrap_or(""),
                t.exit_code
            ),
        );
        if let Some(m) = t.message.as_deref().filter(|m| !m.is_empty()) {
            f = f.with("termination message", m);
        }
    }
    f = pointer_evidence(f, pod, diagnosis.as_ref());
    if !log.is_empty() {
        let tail: Vec<&str> = log
            .iter()
            .rev()
            .take(10)
            .rev()
            .map(String::as_str)
            .collect();
        f = f.with("previous log (tail)", tail.join("\n"));
    }
    f = f.events(ctx, &[], false);
    next_steps(f, component, pod, diagnosis.as_ref())
}

fn headline(d: &Diagnosis) -> String {
    use super::cp_log::Cause::*;
    match d.cause {
        MissingFile => format!(
            "{} does not exist",
            d.subject.as_deref().unwrap_or("a file")
        ),
        BinaryNotFound => "command not found".to_string(),
        UnknownFlag => format!("unknown flag {}", d.subject.as_deref().unwrap_or("")),
        CertExpired => "x509: certificate expired".to_string(),
        UnknownAuthority => "x509: certificate signed by unknown authority".to_string(),
        KeyMismatch => "certificate and key do not match".to_string(),
        PortInUse => format!("{} already in use", d.subject.as_deref().unwrap_or("port")),
        EtcdUnreachable => "etcd unreachable".to_string(),
        ApiUnreachable => "API server unreachable".to_string(),
        Unreachable => format!("{} unreachable", d.subject.as_deref().unwrap_or("a server")),
        EtcdNoSpace => "etcd database space exceeded".to_string(),
        EtcdSlow => "etcd too slow".to_string(),
        LeaseLost => "lost its leader lease".to_string(),
        Fatal => d
            .meaning
            .trim_start_matches("it stopped with: ")
            .to_string(),
    }
}

/// The flag and the host path behind a diagnosed file: whether a hostPath volume mounts it.
fn pointer_evidence(mut f: Finding, pod: &Pod, d: Option<&Diagnosis>) -> Finding {
    let Some(d) = d else { return f };
    f = f.with("log says", d.line.clone());
    if let Some((flag, value)) = &d.flag {
        let shown = if flag == "command[0]" {
            format!("command[0] = {value}")
        } else {
            format!("--{flag}={value}")
        };
        f = f.with("manifest points at", shown);
    }
    if d.cause == super::cp_log::Cause::MissingFile
        && let Some(path) = d.subject.as_deref()
    {
        let spec = pod.spec.as_ref();
        let mount = spec
            .and_then(|s| s.containers.first())
            .and_then(|c| c.volume_mounts.as_ref())
            .into_iter()
            .flatten()
            .filter(|m| {
                let mp = m.mount_path.trim_end_matches('/');
                path == mp || path.strip_prefix(mp).is_some_and(|r| r.starts_with('/'))
            })
            .max_by_key(|m| m.mount_path.len());
        let text = match mount {
            Some(m) => {
                let host = spec
                    .and_then(|s| s.volumes.as_ref())
                    .into_iter()
                    .flatten()
                    .find(|v| v.name == m.name)
                    .and_then(|v| v.host_path.as_ref())
                    .map(|h| h.path.to_string());
                match host {
                    Some(h) => format!("volume {} mounts host path {h} at {}", m.name, m.mount_path),
                    None => format!("volume {} is mounted at {}", m.name, m.mount_path),
                }
            }
            None => "no volume mounts this path into the container: add a hostPath volume, or fix the path".to_string(),
        };
        f = f.with("mounted", text);
    }
    f
}

fn next_steps(f: Finding, component: &str, pod: &Pod, d: Option<&Diagnosis>) -> Finding {
    let name = pod.metadata.name();
    let node = node_of(pod);
    let m = manifest(component);
    let mut f = f.step(format!("kubectl -n kube-system logs {name} --previous"));
    if let Some(d) = d {
        if let Some((flag, _)) = &d.flag {
            let needle = if flag == "command[0]" {
                "command".to_string()
            } else {
                format!("--{flag}")
            };
            f = f.step(format!("on {node}: sudo grep -n -A1 -- '{needle}' {m}"));
        }
        if d.cause == super::cp_log::Cause::MissingFile
            && let Some(path) = &d.subject
        {
            let dir = path
                .rsplit_once('/')
                .map(|(d, _)| d)
                .filter(|d| !d.is_empty())
                .unwrap_or("/");
            f = f.step(format!("on {node}: sudo ls -l {dir}/"));
        }
        if matches!(d.cause, super::cp_log::Cause::CertExpired) {
            f = f.step(format!("on {node}: sudo kubeadm certs check-expiration"));
        }
    }
    f.step(format!(
        "on {node}: sudo crictl ps -a --name {component}; sudo crictl logs <container-id>"
    ))
    .step(format!(
        "edit {m} on {node}; the kubelet restarts the pod when the file changes"
    ))
}

/// A running, Ready component that restarted recently and often.
fn restarts(ctx: &Ctx, component: &str, pod: &Pod, c: &ContainerStatus) -> Option<Finding> {
    if c.restart_count < ctx.opts.restart_threshold {
        return None;
    }
    let last = last_terminated(c)?;
    let finished = last.finished_at.map(|t| secs_since(t.ts(), ctx.now))?;
    if finished > ctx.opts.restart_window.as_secs() as i64 {
        return None;
    }
    let o = obj("Pod", &pod.metadata);
    let node = node_of(pod);
    let cmd = command_line(pod);
    let log = ctx
        .snap
        .previous_log(&o.namespace, &o.name, &c.name)
        .unwrap_or(&[]);
    let mut lines: Vec<&str> = last
        .message
        .as_deref()
        .map(|m| m.lines().collect())
        .unwrap_or_default();
    lines.extend(log.iter().map(String::as_str));
    let d = diagnose(&lines, &cmd);
    let mut f = cp(
        "cp-component-restarts",
        Severity::Warning,
        o.clone(),
        format!(
            "{component} on {node} restarted {} times, last {} ago",
            c.restart_count,
            crate::model::age::format_seconds(finished)
        ),
    )
    .explain(format!(
        "It runs now, but it keeps stopping: last time {} (exit code {}).",
        last.reason.as_deref().unwrap_or("Error"),
        last.exit_code
    ));
    if let Some(d) = &d {
        f = f.explain(format!("Its output says {}.", d.meaning));
    }
    f = pointer_evidence(f, pod, d.as_ref()).with("restartCount", c.restart_count.to_string());
    Some(f.step(format!("kubectl -n kube-system logs {} --previous", o.name)))
}

#[cfg(test)]
#[path = "cp_static_pods_tests.rs"]
mod tests;

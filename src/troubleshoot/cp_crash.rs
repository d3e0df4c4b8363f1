//! Why a control-plane static pod fails, in the words of its own output: the termination
//! message and previous log tail read through the signature library (`cp_log`), the manifest
//! it comes from, the flag or file the log points at (and whether a hostPath volume mounts
//! that file), and the commands that show and fix it on the node. Also a component that
//! runs but restarts often.

use crate::findings::{Finding, Severity};
use crate::objects::{ContainerStatus, Pod};

use super::Ctx;
use super::build::{FindingExt, obj, secs_since};
use super::container::last_terminated;
use super::cp_log::{Diagnosis, diagnose};
use super::cp_pods::{command_line, manifest, node_of, role};
use super::cp_static_pods::cp;

pub(super) fn failing(
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
pub(super) fn restarts(
    ctx: &Ctx,
    component: &str,
    pod: &Pod,
    c: &ContainerStatus,
) -> Option<Finding> {
    if c.restart_count < ctx.opts.restart_threshold {
        return None;
    }
    let last = last_terminated(c)?;
    let finished = last.finished_at.map(|t| secs_since(t.ts(), ctx.now()))?;
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

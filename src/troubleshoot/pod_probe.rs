//! Probe failures from the kubelet's `Unhealthy` events: a running container that is not
//! ready because its readiness probe fails (with the probe port checked against the declared
//! container ports), and restarts caused by a failing liveness or startup probe.

use crate::objects::IntOrString;
use crate::objects::{Container, ContainerStatus, Pod, Probe};

use super::Ctx;
use super::EventRecord;
use super::build::{FindingExt, app, ns_flag, obj};
use super::container::{Role, is_running, spec, statuses, waiting_reason};
use crate::findings::{Finding, Severity};

pub fn check(ctx: &Ctx, pod: &Pod, out: &mut Vec<Finding>) {
    for (role, c) in statuses(pod) {
        if role == Role::Init || waiting_reason(c) == Some("CrashLoopBackOff") {
            continue;
        }
        let events = unhealthy_events(ctx, pod, c);
        if events.is_empty() {
            continue;
        }
        let readiness: Vec<&EventRecord> = events
            .iter()
            .copied()
            .filter(|e| e.message.starts_with("Readiness probe failed"))
            .collect();
        if !c.ready && is_running(c) && !readiness.is_empty() {
            out.push(readiness_failing(ctx, pod, c, &readiness));
        }
        let liveness: Vec<&EventRecord> = events.iter().copied().filter(is_liveness).collect();
        if c.restart_count > 0 && !liveness.is_empty() {
            out.push(liveness_failing(ctx, pod, c, &liveness));
        }
    }
}

/// The kubelet's recent `Unhealthy` events for one container.
fn unhealthy_events<'a>(ctx: &'a Ctx, pod: &Pod, c: &ContainerStatus) -> Vec<&'a EventRecord> {
    let o = obj("Pod", &pod.metadata);
    ctx.snap
        .events_for("Pod", &o.namespace, &o.name)
        .filter(|e| e.reason == "Unhealthy" && e.container().is_none_or(|n| n == c.name))
        .filter(|e| e.seen_within(ctx.now(), ctx.opts.event_window))
        .collect()
}

fn is_liveness(e: &&EventRecord) -> bool {
    e.message.starts_with("Liveness probe failed") || e.message.starts_with("Startup probe failed")
}

/// Whether `pod-liveness-failing` reports this running container's restarts (then a separate
/// "restarted N times" finding would only repeat it).
pub(super) fn restarts_explained(ctx: &Ctx, pod: &Pod, c: &ContainerStatus) -> bool {
    c.restart_count > 0
        && waiting_reason(c) != Some("CrashLoopBackOff")
        && unhealthy_events(ctx, pod, c).iter().any(is_liveness)
}

fn probe_port(probe: &Probe) -> Option<&IntOrString> {
    probe
        .http_get
        .as_ref()
        .map(|h| &h.port)
        .or(probe.tcp_socket.as_ref().map(|t| &t.port))
}

/// Why the probe's port cannot work, if the container declares ports and the probe's is not
/// among them.
fn port_mismatch(container: &Container, probe: &Probe) -> Option<String> {
    let port = probe_port(probe)?;
    let ports = container.ports.as_ref().filter(|p| !p.is_empty())?;
    match port {
        IntOrString::Int(n) if !ports.iter().any(|p| p.container_port == *n) => {
            let declared: Vec<String> =
                ports.iter().map(|p| p.container_port.to_string()).collect();
            Some(format!(
                "the probe checks port {n}, but the container declares {}",
                declared.join(", ")
            ))
        }
        IntOrString::String(name) if !ports.iter().any(|p| p.name.as_deref() == Some(name)) => {
            Some(format!(
                "the probe uses the port name {name}, which the container does not declare"
            ))
        }
        _ => None,
    }
}

pub(super) fn describe_probe(probe: &Probe) -> String {
    let target = if let Some(h) = &probe.http_get {
        format!(
            "httpGet {}:{}",
            h.path.clone().unwrap_or_default(),
            port_text(&h.port)
        )
    } else if let Some(t) = &probe.tcp_socket {
        format!("tcpSocket {}", port_text(&t.port))
    } else if let Some(e) = &probe.exec {
        format!("exec {}", e.command.clone().unwrap_or_default().join(" "))
    } else {
        "grpc".to_string()
    };
    format!(
        "{target} initialDelaySeconds={} periodSeconds={} failureThreshold={}",
        probe.initial_delay_seconds.unwrap_or(0),
        probe.period_seconds.unwrap_or(10),
        probe.failure_threshold.unwrap_or(3)
    )
}

fn port_text(p: &IntOrString) -> String {
    match p {
        IntOrString::Int(n) => n.to_string(),
        IntOrString::String(s) => s.to_string(),
    }
}

/// A hint from the probe's failure message.
fn message_hint(message: &str) -> &'static str {
    if message.contains("connection refused") {
        "\"connection refused\": nothing listens on that port (wrong port, or the app has not bound it yet)."
    } else if message.contains("statuscode") || message.contains("status code") {
        "The app answers, but reports itself unhealthy (HTTP error status): look at its logs and its dependencies."
    } else if message.contains("timeout") || message.contains("deadline exceeded") {
        "The probe timed out: the app is too slow to answer (overloaded, or timeoutSeconds too low)."
    } else {
        "Read the probe's failure message."
    }
}

fn readiness_failing(
    ctx: &Ctx,
    pod: &Pod,
    c: &ContainerStatus,
    events: &[&EventRecord],
) -> Finding {
    let o = obj("Pod", &pod.metadata);
    let nsf = ns_flag(&o.namespace);
    let latest = events
        .first()
        .map(|e| e.message.clone())
        .unwrap_or_default();
    let mut f = app(
        "pod-readiness-failing",
        Severity::Error,
        o.clone(),
        format!(
            "container {} is running but not ready: readiness probe failing",
            c.name
        ),
    )
    .explain(format!(
        "The readiness probe fails, so the pod is removed from its Services' endpoints and gets \
         no traffic. {}",
        message_hint(&latest)
    ))
    .with("container", c.name.clone())
    .with("ready", "false");
    let container = spec(pod, &c.name);
    if let Some(probe) = container.and_then(|s| s.readiness_probe.as_ref()) {
        f = f.with("readinessProbe", describe_probe(probe));
        if let Some(m) = container.and_then(|s| port_mismatch(s, probe)) {
            f = f.explain(format!("Also, {m}.")).with("probe port", m);
        }
    }
    for e in events.iter().take(super::build::MAX_EVENTS) {
        f.evidence.push(e.evidence(ctx.now()));
    }
    f = f
        .step(format!("kubectl describe pod {}{nsf}", o.name))
        .step(format!("kubectl logs {}{nsf} -c {}", o.name, c.name));
    if let (Some(container), Some(probe)) = (
        container,
        container.and_then(|s| s.readiness_probe.as_ref()),
    ) {
        f = f.step(probe_command(pod, container, probe));
    }
    f
}

/// The port a probe checks, as a number when a named port resolves.
fn resolved_port(container: &Container, port: &IntOrString) -> String {
    match port {
        IntOrString::Int(n) => n.to_string(),
        IntOrString::String(name) => container
            .ports
            .iter()
            .flatten()
            .find(|p| p.name.as_deref() == Some(name.as_str()))
            .map(|p| p.container_port.to_string())
            .unwrap_or_else(|| name.to_string()),
    }
}

/// A command that runs the probe's check by hand, from inside the pod's network namespace.
pub(super) fn probe_command(pod: &Pod, container: &Container, probe: &Probe) -> String {
    let o = obj("Pod", &pod.metadata);
    let nsf = ns_flag(&o.namespace);
    let exec = format!("kubectl exec {}{nsf} -c {} --", o.name, container.name);
    if let Some(h) = &probe.http_get {
        let scheme = h.scheme.as_deref().unwrap_or("HTTP").to_ascii_lowercase();
        let host = h
            .host
            .as_deref()
            .filter(|h| !h.is_empty())
            .unwrap_or("localhost");
        let path = h.path.as_deref().filter(|p| !p.is_empty()).unwrap_or("/");
        let path = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("/{path}")
        };
        let url = shell_word(&format!(
            "{scheme}://{host}:{}{path}",
            resolved_port(container, &h.port)
        ));
        let insecure = if scheme == "https" {
            " --no-check-certificate"
        } else {
            ""
        };
        format!(
            "{exec} wget -qO-{insecure} {url}   (no wget in the image: kubectl debug -it {}{nsf} --image=busybox:1.36 -- wget -qO-{insecure} {url})",
            o.name
        )
    } else if let Some(t) = &probe.tcp_socket {
        let host = t
            .host
            .as_deref()
            .filter(|h| !h.is_empty())
            .unwrap_or("localhost");
        format!(
            "{exec} nc -z -w 2 {host} {}",
            resolved_port(container, &t.port)
        )
    } else if let Some(e) = &probe.exec {
        let args: Vec<String> = e.command.iter().flatten().map(|a| shell_word(a)).collect();
        format!("{exec} {}", args.join(" "))
    } else if let Some(g) = &probe.grpc {
        let service = g
            .service
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| format!(" -service={s}"))
            .unwrap_or_default();
        format!(
            "{exec} grpc_health_probe -addr=localhost:{}{service}   (if the image has grpc_health_probe)",
            g.port
        )
    } else {
        format!("kubectl describe pod {}{nsf}", o.name)
    }
}

fn liveness_failing(ctx: &Ctx, pod: &Pod, c: &ContainerStatus, events: &[&EventRecord]) -> Finding {
    let o = obj("Pod", &pod.metadata);
    let nsf = ns_flag(&o.namespace);
    let latest = events
        .first()
        .map(|e| e.message.clone())
        .unwrap_or_default();
    let kind = if latest.starts_with("Startup") {
        "startup"
    } else {
        "liveness"
    };
    let mut f = app(
        "pod-liveness-failing",
        Severity::Error,
        o.clone(),
        format!(
            "container {} is restarted by its failing {kind} probe ({} restarts)",
            c.name, c.restart_count
        ),
    )
    .explain(format!(
        "The kubelet kills and restarts the container each time the {kind} probe fails \
         failureThreshold times in a row. If the app is just slow to start, add a startupProbe \
         or raise initialDelaySeconds/failureThreshold. {}",
        message_hint(&latest)
    ))
    .with("container", c.name.clone())
    .with("restartCount", c.restart_count.to_string());
    let container = spec(pod, &c.name);
    let probe = container.and_then(|s| {
        if kind == "startup" {
            s.startup_probe.as_ref()
        } else {
            s.liveness_probe.as_ref()
        }
    });
    if let Some(probe) = probe {
        f = f.with(&format!("{kind}Probe"), describe_probe(probe));
    }
    for e in events.iter().take(super::build::MAX_EVENTS) {
        f.evidence.push(e.evidence(ctx.now()));
    }
    f = f
        .events(ctx, &["Killing"], true)
        .step(format!(
            "kubectl logs {}{nsf} -c {} --previous",
            o.name, c.name
        ))
        .step(format!("kubectl describe pod {}{nsf}", o.name));
    if let (Some(container), Some(probe)) = (container, probe) {
        f = f.step(probe_command(pod, container, probe));
    }
    f
}

/// A word as a POSIX shell (and zsh) reads it literally: left bare when it holds only
/// characters no shell treats specially, otherwise single-quoted (`?`, `*`, `&`, `$`, spaces
/// in a probe URL or command would be globbed, split or expanded).
pub(super) fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "@%+=:,./_-".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
#[path = "pod_probe_tests.rs"]
mod tests;

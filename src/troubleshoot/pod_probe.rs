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
    let o = obj("Pod", &pod.metadata);
    for (role, c) in statuses(pod) {
        if role == Role::Init || waiting_reason(c) == Some("CrashLoopBackOff") {
            continue;
        }
        let events: Vec<&EventRecord> = ctx
            .snap
            .events_for("Pod", &o.namespace, &o.name)
            .filter(|e| e.reason == "Unhealthy" && e.container().is_none_or(|n| n == c.name))
            .filter(|e| e.seen_within(ctx.now, ctx.opts.event_window))
            .collect();
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
        let liveness: Vec<&EventRecord> = events
            .iter()
            .copied()
            .filter(|e| {
                e.message.starts_with("Liveness probe failed")
                    || e.message.starts_with("Startup probe failed")
            })
            .collect();
        if c.restart_count > 0 && !liveness.is_empty() {
            out.push(liveness_failing(ctx, pod, c, &liveness));
        }
    }
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

fn describe_probe(probe: &Probe) -> String {
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
        f.evidence.push(e.evidence(ctx.now));
    }
    f.step(format!("kubectl describe pod {}{nsf}", o.name))
        .step(format!("kubectl logs {}{nsf} -c {}", o.name, c.name))
        .step(format!(
            "kubectl exec {}{nsf} -c {} -- wget -qO- localhost:<port><path>",
            o.name, c.name
        ))
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
        f.evidence.push(e.evidence(ctx.now));
    }
    f.events(ctx, &["Killing"], true)
        .step(format!(
            "kubectl logs {}{nsf} -c {} --previous",
            o.name, c.name
        ))
        .step(format!("kubectl describe pod {}{nsf}", o.name))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testutil::*;
    use serde_json::json;

    fn running(ready: bool, restarts: i32) -> serde_json::Value {
        pod(
            "web",
            json!({"nodeName": "n1", "containers": [{"name": "app", "image": "x",
                "ports": [{"containerPort": 8080}],
                "readinessProbe": {"httpGet": {"path": "/ready", "port": 8081}},
                "livenessProbe": {"httpGet": {"path": "/live", "port": 8080}}}]}),
            json!({"phase": "Running", "containerStatuses": [{"name": "app", "image": "x",
                "imageID": "", "ready": ready, "restartCount": restarts,
                "state": {"running": {"startedAt": ago(600)}}}]}),
        )
    }

    #[test]
    fn readiness_failure_with_port_mismatch() {
        let f = run(vec![
            running(false, 0),
            event(
                "web",
                "Unhealthy",
                "Warning",
                "Readiness probe failed: Get \"http://10.244.1.5:8081/ready\": dial tcp 10.244.1.5:8081: connect: connection refused",
                20,
            ),
        ]);
        let r = one(&f, "pod-readiness-failing");
        assert!(r.explanation.contains("connection refused"));
        assert!(
            evidence_text(r)
                .contains("the probe checks port 8081, but the container declares 8080")
        );
    }

    #[test]
    fn liveness_kill_loop() {
        let f = run(vec![
            running(true, 12),
            event(
                "web",
                "Unhealthy",
                "Warning",
                "Liveness probe failed: HTTP probe failed with statuscode: 500",
                20,
            ),
        ]);
        assert!(
            one(&f, "pod-liveness-failing")
                .summary
                .contains("liveness probe (12 restarts)")
        );
    }

    #[test]
    fn ready_pod_or_old_events_are_not_flagged() {
        let f = run(vec![
            running(true, 0),
            event(
                "web",
                "Unhealthy",
                "Warning",
                "Readiness probe failed: x",
                20,
            ),
        ]);
        assert!(f.is_empty(), "{:?}", ids(&f));
        let f = run(vec![
            running(false, 0),
            event(
                "web",
                "Unhealthy",
                "Warning",
                "Readiness probe failed: x",
                7200,
            ),
        ]);
        assert!(f.is_empty(), "{:?}", ids(&f));
    }
}

//! Pods that run but are not Ready, with no probe failure on record to say why (the events
//! expired, or there never were any): a readiness gate a controller has not set, a startup
//! probe not passed yet, or a readiness probe failing quietly. Names the probe and the exact
//! command to run it by hand. Pods whose probe failures are recorded are `pod_probe`'s.

use crate::objects::{Pod, Probe, condition};

use super::Ctx;
use super::build::{FindingExt, app, ns_flag, obj, secs_since};
use super::container::{Role, is_running, spec, statuses, waiting_reason};
use super::pod_probe::probe_command;
use crate::findings::{Finding, Severity};

/// How long a probe may take to pass before the pod counts as stuck not ready.
fn probe_budget(p: &Probe) -> i64 {
    let delay = i64::from(p.initial_delay_seconds.unwrap_or(0));
    let period = i64::from(p.period_seconds.unwrap_or(10));
    let threshold = i64::from(p.failure_threshold.unwrap_or(3));
    delay + period * threshold
}

pub fn check(ctx: &Ctx, pod: &Pod, out: &mut Vec<Finding>) {
    let Some(status) = pod.status.as_ref() else {
        return;
    };
    if status.phase.as_deref() != Some("Running") || pod.metadata.deletion_timestamp.is_some() {
        return;
    }
    let conds = status.conditions.as_deref();
    let Some(ready) = condition(conds, "Ready").filter(|c| c.status == "False") else {
        return;
    };
    // On a NotReady node the node is the story (and the pod's status is stale).
    let node = pod
        .spec
        .as_ref()
        .and_then(|s| s.node_name.as_deref())
        .and_then(|n| ctx.snap.node(n));
    if node.is_some_and(|n| !n.is_ready()) {
        return;
    }
    // Waiting, crashing or exited containers are explained by the other pod checks.
    let all_running = statuses(pod)
        .filter(|(role, _)| *role == Role::Main)
        .all(|(_, c)| is_running(c) && waiting_reason(c).is_none());
    if !all_running {
        return;
    }
    let o = obj("Pod", &pod.metadata);
    let nsf = ns_flag(&o.namespace);
    let recent_probe_events = ctx
        .snap
        .events_for("Pod", &o.namespace, &o.name)
        .any(|e| e.reason == "Unhealthy" && e.seen_within(ctx.now(), ctx.opts.event_window));
    let since = ready
        .last_transition_time
        .or(status.start_time)
        .map(|t| secs_since(t.ts(), ctx.now()))
        .unwrap_or(0);
    let gates: Vec<String> = pod
        .spec
        .as_ref()
        .and_then(|s| s.readiness_gates.as_ref())
        .into_iter()
        .flatten()
        .filter(|g| condition(conds, &g.condition_type).is_none_or(|c| !c.is_true()))
        .map(|g| g.condition_type.to_string())
        .collect();
    let unready: Vec<_> = statuses(pod)
        .filter(|(role, c)| *role == Role::Main && !c.ready)
        .map(|(_, c)| c)
        .collect();
    let budget = unready
        .iter()
        .filter_map(|c| spec(pod, &c.name))
        .filter_map(|c| c.startup_probe.as_ref().or(c.readiness_probe.as_ref()))
        .map(|p| probe_budget(p))
        .max()
        .unwrap_or(0)
        .max(ctx.opts.creating_grace.as_secs() as i64);
    if since < budget {
        return;
    }
    let age = crate::model::age::format_seconds(since);
    if !gates.is_empty() && unready.is_empty() {
        out.push(
            app(
                "pod-not-ready",
                Severity::Error,
                o.clone(),
                format!(
                    "not Ready for {age}: readiness gate {} is not True",
                    gates.join(", ")
                ),
            )
            .explain(
                "All containers are ready, but the pod declares readiness gates: conditions a \
                 controller must set (a load-balancer controller registering the pod as a \
                 target, for example). It has not, so the pod gets no Service traffic.",
            )
            .with("readinessGates", gates.join(", "))
            .with(
                "condition Ready",
                format!("False {}", ready.reason.as_deref().unwrap_or("")),
            )
            .step(format!(
                "kubectl get pod {}{nsf} -o jsonpath='{{.status.conditions}}'",
                o.name
            ))
            .step("check the logs of the controller that owns the gate"),
        );
        return;
    }
    if recent_probe_events {
        return;
    }
    let Some(c) = unready.first() else {
        return;
    };
    let container = spec(pod, &c.name);
    let startup = c.started == Some(false) && container.is_some_and(|s| s.startup_probe.is_some());
    let probe = container.and_then(|s| {
        if startup {
            s.startup_probe.as_ref()
        } else {
            s.readiness_probe.as_ref()
        }
    });
    let mut f = app(
        "pod-not-ready",
        Severity::Error,
        o.clone(),
        format!(
            "container {} running but not ready for {age}{}",
            c.name,
            if startup {
                " (startup probe not passed)"
            } else {
                ""
            }
        ),
    )
    .explain(format!(
        "The container runs but its {} probe does not pass, so the pod gets no Service traffic. \
         No probe failure event is on record (events expire after an hour), so run the probe by \
         hand to see its answer.",
        if startup { "startup" } else { "readiness" }
    ))
    .with("container", c.name.clone())
    .with(
        "condition Ready",
        format!(
            "False {} since {age}",
            ready.reason.as_deref().unwrap_or("")
        ),
    );
    if !gates.is_empty() {
        f = f.with("readinessGates not True", gates.join(", "));
    }
    if let (Some(container), Some(p)) = (container, probe) {
        f = f
            .with(
                if startup {
                    "startupProbe"
                } else {
                    "readinessProbe"
                },
                super::pod_probe::describe_probe(p),
            )
            .step(probe_command(pod, container, p));
    }
    out.push(
        f.step(format!("kubectl logs {}{nsf} -c {}", o.name, c.name))
            .step(format!("kubectl describe pod {}{nsf}", o.name)),
    );
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testutil::*;
    use serde_json::{Value, json};

    fn not_ready(probe: Value, gates: Value, extra_conditions: Value) -> Value {
        let mut conditions = vec![
            json!({"type": "Initialized", "status": "True", "lastTransitionTime": ago(3600)}),
            json!({"type": "Ready", "status": "False", "reason": "ContainersNotReady",
                "message": "containers with unready status: [app]", "lastTransitionTime": ago(1800)}),
        ];
        conditions.extend(extra_conditions.as_array().unwrap().iter().cloned());
        pod(
            "web",
            json!({"nodeName": "n1", "readinessGates": gates,
                "containers": [{"name": "app", "image": "x", "ports": [{"name": "http", "containerPort": 8080}],
                    "readinessProbe": probe}]}),
            json!({"phase": "Running", "conditions": conditions,
                "containerStatuses": [{"name": "app", "image": "x", "ready": false, "started": true,
                    "restartCount": 0, "state": {"running": {"startedAt": ago(1800)}}}]}),
        )
    }

    #[test]
    fn quiet_readiness_failure_gets_the_real_probe_command() {
        let f = run(vec![not_ready(
            json!({"httpGet": {"path": "/healthz", "port": "http"}}),
            json!([]),
            json!([]),
        )]);
        let p = one(&f, "pod-not-ready");
        assert!(
            p.next_steps.iter().any(|s| s.starts_with(
                "kubectl exec web -n ns -c app -- wget -qO- http://localhost:8080/healthz"
            )),
            "{:?}",
            p.next_steps
        );
        let f = run(vec![not_ready(
            json!({"exec": {"command": ["pg_isready", "-U", "app user"]}}),
            json!([]),
            json!([]),
        )]);
        assert!(
            one(&f, "pod-not-ready")
                .next_steps
                .contains(&"kubectl exec web -n ns -c app -- pg_isready -U 'app user'".to_string())
        );
    }

    #[test]
    fn readiness_gate_not_set() {
        let mut p = not_ready(
            json!({"tcpSocket": {"port": 8080}}),
            json!([{"conditionType": "target-health.elbv2.k8s.aws/k8s-shop-web"}]),
            json!([]),
        );
        p["status"]["containerStatuses"][0]["ready"] = json!(true);
        p["status"]["conditions"][1]["reason"] = json!("ReadinessGatesNotReady");
        let f = run(vec![p]);
        assert!(
            one(&f, "pod-not-ready")
                .summary
                .contains("target-health.elbv2.k8s.aws/k8s-shop-web")
        );
    }

    #[test]
    fn recent_probe_events_or_a_young_pod_are_left_to_others() {
        let f = run(vec![
            not_ready(json!({"tcpSocket": {"port": 8080}}), json!([]), json!([])),
            event(
                "web",
                "Unhealthy",
                "Warning",
                "Readiness probe failed: dial tcp 10.0.0.5:8080: connect: connection refused",
                30,
            ),
        ]);
        assert!(
            !ids(&f).iter().any(|(c, _)| c == "pod-not-ready"),
            "{:?}",
            ids(&f)
        );
        let mut young = not_ready(
            json!({"tcpSocket": {"port": 8080}, "initialDelaySeconds": 600}),
            json!([]),
            json!([]),
        );
        young["status"]["conditions"][1]["lastTransitionTime"] = json!(ago(120));
        assert!(run(vec![young]).is_empty());
    }
}

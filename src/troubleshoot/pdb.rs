//! PodDisruptionBudgets: one that allows no disruption (evictions of its pods are refused,
//! so `kubectl drain` and node upgrades hang), one that selects no pods, and pods covered by
//! more than one budget (the eviction API refuses those outright).

use crate::objects::{IntOrString, Kind, PodDisruptionBudget, condition};

use super::Ctx;
use super::build::{FindingExt, app, ns_flag, obj};
use super::workload_pods::{EVERY_POD, is_live, pods_matching};
use crate::findings::{Finding, Severity};

pub fn check<'a>(ctx: &Ctx<'a>, pdb: &'a PodDisruptionBudget, out: &mut Vec<Finding>) {
    let Some(spec) = pdb.spec.as_ref() else {
        return;
    };
    let o = obj("PodDisruptionBudget", &pdb.metadata);
    let nsf = ns_flag(&o.namespace);
    // policy/v1: an empty (or absent) selector selects every pod of the namespace.
    let selector = spec.selector.as_ref().unwrap_or(&EVERY_POD);
    let status = pdb.status.as_ref();
    let pods_known = ctx.snap.has_kind(Kind::Pod);
    let pods: Vec<_> = if pods_known {
        pods_matching(ctx, pdb.metadata.namespace(), selector)
            .into_iter()
            .filter(|p| is_live(p))
            .collect()
    } else {
        Vec::new()
    };
    let expected = status.map_or(0, |s| s.expected_pods);
    let observed = status.and_then(|s| s.observed_generation).is_some();
    let no_pods = if pods_known {
        pods.is_empty()
    } else {
        observed && expected == 0
    };
    let sel_text = selector.text();
    if no_pods {
        out.push(
            app(
                "pdb-no-pods",
                Severity::Warning,
                o.clone(),
                format!("selector {sel_text} matches no pods: the budget protects nothing"),
            )
            .explain(
                "No running pod in the namespace matches the budget's selector, so it does not \
                 protect anything: usually a typo in the selector, or the workload it was made \
                 for is gone.",
            )
            .with("spec.selector", sel_text.clone())
            .step(format!("kubectl get pods{nsf} -l '{sel_text}'"))
            .step(format!("kubectl get pods{nsf} --show-labels")),
        );
        return;
    }
    if let Some(s) = status.filter(|s| observed && s.disruptions_allowed == 0) {
        let budget = match (&spec.min_available, &spec.max_unavailable) {
            (Some(m), _) => format!("minAvailable {}", show(m)),
            (None, Some(m)) => format!("maxUnavailable {}", show(m)),
            _ => "maxUnavailable 0".to_string(),
        };
        let cause = if s.current_healthy < s.desired_healthy {
            format!(
                "only {} of the {} pods it needs healthy are healthy",
                s.current_healthy, s.desired_healthy
            )
        } else {
            format!(
                "{budget} leaves no room with {} pods: the budget can never be met during an eviction",
                s.expected_pods
            )
        };
        let mut f = app(
            "pdb-blocks-eviction",
            Severity::Warning,
            o.clone(),
            format!("allows 0 disruptions ({cause}): drains and node upgrades will hang"),
        )
        .explain(
            "The eviction API refuses to evict any pod this budget covers while \
             disruptionsAllowed is 0, so `kubectl drain` retries forever and cluster upgrades \
             stall on the node running them. Scale the workload up, fix its unhealthy pods, or \
             relax minAvailable/maxUnavailable.",
        )
        .with(
            "status",
            format!(
                "currentHealthy={} desiredHealthy={} expectedPods={} disruptionsAllowed=0",
                s.current_healthy, s.desired_healthy, s.expected_pods
            ),
        )
        .with("budget", budget);
        if let Some(c) =
            condition(s.conditions.as_ref(), "DisruptionAllowed").filter(|c| c.status == "False")
        {
            f = f.with(
                "condition DisruptionAllowed",
                format!(
                    "False {}: {}",
                    c.reason.as_deref().unwrap_or(""),
                    c.message.as_deref().unwrap_or("")
                ),
            );
        }
        out.push(
            f.step(format!("kubectl get pdb {}{nsf}", o.name))
                .step(format!("kubectl get pods{nsf} -l '{sel_text}' -o wide")),
        );
    }
    // Other budgets selecting the same pods.
    let mut overlaps: Vec<(String, String)> = Vec::new();
    for other in ctx.snap.pdbs.in_namespace(&o.namespace) {
        if other.metadata.name() == o.name {
            continue;
        }
        let Some(other_sel) = other.spec.as_ref().and_then(|s| s.selector.as_ref()) else {
            continue;
        };
        if let Some(p) = pods
            .iter()
            .find(|p| other_sel.matches(p.metadata.labels.as_deref()))
        {
            overlaps.push((
                other.metadata.name().to_string(),
                p.metadata.name().to_string(),
            ));
        }
    }
    if !overlaps.is_empty() {
        let names: Vec<&str> = overlaps.iter().map(|(n, _)| n.as_str()).collect();
        let mut f = app(
            "pdb-overlap",
            Severity::Warning,
            o.clone(),
            format!(
                "its pods are also covered by {}: they cannot be evicted",
                names.join(", ")
            ),
        )
        .explain(
            "A pod covered by more than one PodDisruptionBudget cannot be evicted at all (\"This \
             pod has more than one PodDisruptionBudget, which the eviction subresource does not \
             support.\"), so drains fail on it. Make the selectors disjoint.",
        );
        for (other, pod) in overlaps.iter().take(5) {
            f = f.with(&format!("also {other}"), format!("e.g. pod {pod}"));
        }
        out.push(f.step(format!("kubectl get pdb{nsf} -o wide")));
    }
}

fn show(v: &IntOrString) -> String {
    v.to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testutil::*;
    use serde_json::{Value, json};

    fn pdb(name: &str, selector: Value, status: Value) -> Value {
        json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": {"name": name, "namespace": "ns", "generation": 1},
            "spec": {"minAvailable": 1, "selector": {"matchLabels": selector}},
            "status": status})
    }

    fn web(name: &str, labels: Value) -> Value {
        let mut p = pod(
            name,
            json!({"nodeName": "n1", "containers": [{"name": "app", "image": "x"}]}),
            json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}),
        );
        p["metadata"]["labels"] = labels;
        p
    }

    fn st(healthy: i32, desired: i32, expected: i32, allowed: i32) -> Value {
        json!({"observedGeneration": 1, "currentHealthy": healthy, "desiredHealthy": desired,
            "expectedPods": expected, "disruptionsAllowed": allowed,
            "conditions": [{"type": "DisruptionAllowed", "status": if allowed > 0 {"True"} else {"False"},
                "reason": if allowed > 0 {"SufficientPods"} else {"InsufficientPods"}, "lastTransitionTime": ago(600)}]})
    }

    #[test]
    fn budget_allowing_no_disruption() {
        let f = run(vec![
            pdb("web", json!({"app": "web"}), st(1, 1, 1, 0)),
            web("web-1", json!({"app": "web"})),
        ]);
        let b = one(&f, "pdb-blocks-eviction");
        assert!(
            b.summary
                .contains("minAvailable 1 leaves no room with 1 pods"),
            "{}",
            b.summary
        );
        assert!(evidence_text(b).contains("InsufficientPods"));
    }

    #[test]
    fn budget_selecting_nothing() {
        let f = run(vec![
            pdb("web", json!({"app": "wbe"}), st(0, 1, 0, 0)),
            web("web-1", json!({"app": "web"})),
        ]);
        one(&f, "pdb-no-pods");
    }

    #[test]
    fn two_budgets_on_one_pod() {
        let f = run(vec![
            pdb("a", json!({"app": "web"}), st(3, 2, 3, 1)),
            pdb("b", json!({"tier": "fe"}), st(3, 2, 3, 1)),
            web("web-1", json!({"app": "web", "tier": "fe"})),
        ]);
        assert_eq!(f.iter().filter(|x| x.check == "pdb-overlap").count(), 2);
    }

    #[test]
    fn a_budget_with_room_is_fine() {
        let f = run(vec![
            pdb("web", json!({"app": "web"}), st(3, 2, 3, 1)),
            web("web-1", json!({"app": "web"})),
            web("web-2", json!({"app": "web"})),
            web("web-3", json!({"app": "web"})),
        ]);
        assert!(f.is_empty(), "{:?}", ids(&f));
    }
}

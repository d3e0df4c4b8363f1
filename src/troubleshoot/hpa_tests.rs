//! Tests of `hpa`.

#![allow(clippy::unwrap_used)]
use super::super::testutil::*;
use serde_json::{Value, json};

fn hpa(conditions: Value, current: i32) -> Value {
    json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web", "namespace": "ns"},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "minReplicas": 2, "maxReplicas": 10,
            "metrics": [{"type": "Resource", "resource": {"name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": 80}}}]},
        "status": {"currentReplicas": current, "desiredReplicas": current, "conditions": conditions}})
}

fn deploy(resources: Value) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "ns"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "app", "image": "x", "resources": resources}]}}},
        "status": {"replicas": 2, "availableReplicas": 2, "readyReplicas": 2,
            "conditions": [{"type": "Available", "status": "True"}]}})
}

fn cond(t: &str, status: &str, reason: &str, message: &str) -> Value {
    json!({"type": t, "status": status, "reason": reason, "message": message, "lastTransitionTime": ago(3600)})
}

fn healthy_conditions() -> Value {
    json!([
        cond(
            "AbleToScale",
            "True",
            "ReadyForNewScale",
            "recommended size matches current size"
        ),
        cond(
            "ScalingActive",
            "True",
            "ValidMetricFound",
            "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)"
        ),
        cond(
            "ScalingLimited",
            "True",
            "TooFewReplicas",
            "the desired replica count is less than the minimum replica count"
        )
    ])
}

#[test]
fn metrics_api_missing() {
    let f = run(vec![
        hpa(
            json!([
                cond(
                    "AbleToScale",
                    "True",
                    "SucceededGetScale",
                    "the HPA controller was able to get the target's current scale"
                ),
                cond(
                    "ScalingActive",
                    "False",
                    "FailedGetResourceMetric",
                    "the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)"
                )
            ]),
            2,
        ),
        deploy(json!({"requests": {"cpu": "100m"}})),
    ]);
    let h = one(&f, "hpa-not-scaling");
    assert!(h.explanation.contains("metrics-server"));
    assert!(
        h.next_steps
            .contains(&"kubectl get apiservice v1beta1.metrics.k8s.io".to_string())
    );
}

#[test]
fn target_missing_by_condition_or_listing() {
    let f = run(vec![hpa(
        json!([cond(
            "AbleToScale",
            "False",
            "FailedGetScale",
            "the HPA controller was unable to get the target's current scale: deployments/scale.apps \"web\" not found"
        )]),
        0,
    )]);
    one(&f, "hpa-target-missing");
    let f = run(vec![
        hpa(healthy_conditions(), 2),
        json!({"apiVersion": "apps/v1", "kind": "DeploymentList", "items": []}),
    ]);
    one(&f, "hpa-target-missing");
}

#[test]
fn target_without_requests() {
    let f = run(vec![hpa(healthy_conditions(), 2), deploy(json!({}))]);
    assert!(
        evidence_text(one(&f, "hpa-missing-requests")).contains("container app has no cpu request")
    );
    let f = run(vec![
        hpa(healthy_conditions(), 2),
        deploy(json!({"limits": {"cpu": "1"}})),
    ]);
    assert!(f.is_empty(), "a limit defaults the request: {:?}", ids(&f));
}

#[test]
fn pinned_at_max_but_not_at_min() {
    let f = run(vec![
        hpa(
            json!([cond(
                "ScalingLimited",
                "True",
                "TooManyReplicas",
                "the desired replica count is more than the maximum replica count"
            )]),
            10,
        ),
        deploy(json!({"requests": {"cpu": "100m"}})),
    ]);
    one(&f, "hpa-at-max");
    let f = run(vec![
        hpa(healthy_conditions(), 2),
        deploy(json!({"requests": {"cpu": "100m"}})),
    ]);
    assert!(f.is_empty(), "{:?}", ids(&f));
}

#[test]
fn v1_autoscaler_without_conditions_at_max() {
    let h = json!({"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web", "namespace": "ns"},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "minReplicas": 1, "maxReplicas": 4, "targetCPUUtilizationPercentage": 50},
        "status": {"currentReplicas": 4, "desiredReplicas": 4, "currentCPUUtilizationPercentage": 180}});
    let f = run(vec![h, deploy(json!({"requests": {"cpu": "100m"}}))]);
    one(&f, "hpa-at-max");
}

#[test]
fn a_missing_request_in_an_injected_container_names_that_container() {
    // The template's container has a request; the pods carry an injected sidecar without one.
    let active = cond(
        "ScalingActive",
        "False",
        "FailedGetResourceMetric",
        "the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container istio-proxy of Pod web-7b9c6d8f5-x1",
    );
    let able = cond(
        "AbleToScale",
        "True",
        "SucceededGetScale",
        "the HPA controller was able to get the target's current scale",
    );
    let f = run(vec![
        hpa(json!([able, active]), 2),
        deploy(json!({"requests": {"cpu": "200m"}})),
    ]);
    let m = one(&f, "hpa-missing-requests");
    assert!(
        m.summary
            .contains("container istio-proxy of pod web-7b9c6d8f5-x1 has no cpu request")
            && m.summary.contains("not in Deployment web's template"),
        "{}",
        m.summary
    );
    assert!(
        !m.summary
            .contains("Deployment web has no resource requests"),
        "{}",
        m.summary
    );
    assert!(
        !m.next_steps
            .iter()
            .any(|s| s.contains("kubectl set resources")),
        "{:?}",
        m.next_steps
    );
}

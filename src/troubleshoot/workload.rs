//! Deployments unavailable (by their conditions, or by their replica counts when the status
//! has no conditions) or stuck (ProgressDeadlineExceeded), and ReplicaSets that cannot create
//! pods (FailedCreate: quota, PodSecurity, admission webhooks), with the real names to look at.
//! Jobs are in `job`.

use crate::objects::{Deployment, ReplicaSet};

use super::Ctx;
use super::build::{FindingExt, app, ns_flag, obj, secs_since};
use crate::findings::{Finding, Severity};

pub fn check_deployment(ctx: &Ctx, d: &Deployment, out: &mut Vec<Finding>) {
    out.extend(deployment(ctx, d));
}

pub fn check_replicaset(ctx: &Ctx, r: &ReplicaSet, out: &mut Vec<Finding>) {
    out.extend(replicaset(ctx, r));
}

fn deployment(ctx: &Ctx, d: &Deployment) -> Option<Finding> {
    let desired = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    if desired == 0 || d.spec.as_ref().and_then(|s| s.paused) == Some(true) {
        return None;
    }
    let status = d.status.as_ref();
    let conds = status.and_then(|s| s.conditions.as_ref());
    let cond = |t: &str| conds.into_iter().flatten().find(|c| c.type_ == t);
    let stuck = cond("Progressing")
        .filter(|c| c.status == "False" && c.reason.as_deref() == Some("ProgressDeadlineExceeded"));
    let unavailable = cond("Available").filter(|c| c.status == "False");
    let available = status.and_then(|s| s.available_replicas).unwrap_or(0);
    // Without conditions (an old cluster, a hand-made dump, a controller that has not written
    // them), the counts decide, once the Deployment is old enough to have pods.
    let by_counts = conds.is_none_or(|c| c.is_empty())
        && available < desired
        && d.metadata.creation_timestamp.is_some_and(|t| {
            secs_since(t.ts(), ctx.now()) >= ctx.opts.creating_grace.as_secs() as i64
        });
    if stuck.is_none() && unavailable.is_none() && !by_counts {
        return None;
    }
    let o = obj("Deployment", &d.metadata);
    let nsf = ns_flag(&o.namespace);
    let ready = status.and_then(|s| s.ready_replicas).unwrap_or(0);
    let updated = status.and_then(|s| s.updated_replicas).unwrap_or(0);
    let (check, summary) = match stuck {
        Some(_) => (
            "deployment-stuck",
            format!("rollout stuck (ProgressDeadlineExceeded): {available}/{desired} available"),
        ),
        None if unavailable.is_some() => (
            "deployment-unavailable",
            format!(
                "Deployment does not have minimum availability: {available}/{desired} available"
            ),
        ),
        None => (
            "deployment-unavailable",
            format!("only {available}/{desired} replicas available (status has no conditions)"),
        ),
    };
    let mut f = app(check, Severity::Error, o.clone(), summary)
        .explain(match (stuck, unavailable) {
            (Some(_), _) => "The new ReplicaSet did not become available within progressDeadlineSeconds: its pods do not start or never get ready (see the pod findings linked below), or they cannot be created.",
            (None, Some(_)) => "Fewer pods are available than the rollout strategy requires, so the Deployment reports Available=False.",
            (None, None) => "Fewer pods are available than the Deployment asks for. Its status carries no conditions, so the counts are all there is: look at its ReplicaSets and pods (findings linked below).",
        })
        .with("spec.replicas", desired.to_string())
        .with("status", format!("ready={ready} available={available} updated={updated}"));
    for c in [stuck, unavailable].into_iter().flatten() {
        f = f.with(
            &format!("condition {}", c.type_),
            format!(
                "{} {}: {}",
                c.status,
                c.reason.clone().unwrap_or_default(),
                c.message.clone().unwrap_or_default()
            ),
        );
    }
    Some(
        f.events(ctx, &[], false)
            .step(format!("kubectl rollout status deployment/{}{nsf}", o.name))
            .step(format!("kubectl describe deployment {}{nsf}", o.name))
            .step(format!(
                "kubectl rollout undo deployment/{}{nsf}   (if the last change broke it)",
                o.name
            )),
    )
}

/// The quoted name after `marker` in a message: `failed calling webhook "x"` → `x`.
pub(super) fn quoted_after<'a>(message: &'a str, marker: &str) -> Option<&'a str> {
    let rest = message.split(marker).nth(1)?.trim_start();
    let rest = rest
        .strip_prefix('"')
        .or_else(|| rest.strip_prefix("\\\""))?;
    rest.split('"').next().map(|s| s.trim_end_matches('\\'))
}

/// The webhook configuration (kind, name) holding a webhook of this name.
pub fn webhook_config<'a>(ctx: &Ctx<'a>, webhook: &str) -> Option<(&'static str, &'a str)> {
    let find = |table: &'a super::Table<crate::objects::WebhookConfiguration>| {
        table.iter().find_map(|c| {
            c.webhooks
                .iter()
                .flatten()
                .any(|w| w.name == webhook)
                .then(|| c.metadata.name())
        })
    };
    find(&ctx.snap.validating_webhooks)
        .map(|n| ("validatingwebhookconfiguration", n))
        .or_else(|| find(&ctx.snap.mutating_webhooks).map(|n| ("mutatingwebhookconfiguration", n)))
}

/// What a FailedCreate message is about, and the commands that show the object refusing it.
fn classify_failed_create(ctx: &Ctx, ns: &str, message: &str) -> (String, Vec<String>) {
    let nsf = ns_flag(ns);
    if message.contains("exceeded quota") {
        let quota = message
            .split("exceeded quota: ")
            .nth(1)
            .and_then(|r| r.split(',').next())
            .map(str::trim)
            .unwrap_or("");
        (
            format!("ResourceQuota {quota} exceeded"),
            vec![format!("kubectl describe resourcequota {quota}{nsf}")],
        )
    } else if message.contains("violates PodSecurity") {
        let level = quoted_after(message, "violates PodSecurity").unwrap_or("");
        (
            format!("PodSecurity {level} rejects the pod"),
            vec![format!(
                "kubectl get namespace {ns} --show-labels   (pod-security.kubernetes.io/enforce)"
            )],
        )
    } else if message.contains("failed calling webhook") || message.contains("denied the request") {
        let marker = if message.contains("failed calling webhook") {
            "failed calling webhook"
        } else {
            "admission webhook"
        };
        let name = quoted_after(message, marker).unwrap_or("");
        let what = if marker == "admission webhook" {
            format!("admission webhook {name} denies the pod")
        } else {
            format!("admission webhook {name} cannot be called")
        };
        let step = match webhook_config(ctx, name) {
            Some((kind, config)) => format!("kubectl get {kind} {config} -o yaml"),
            None => format!(
                "kubectl get validatingwebhookconfigurations,mutatingwebhookconfigurations -o yaml | grep -n '{name}'"
            ),
        };
        (what, vec![step])
    } else if message.contains("LimitRange")
        || message.contains("maximum")
        || message.contains("minimum")
    {
        (
            "LimitRange rejects the pod's resources".to_string(),
            vec![format!("kubectl describe limitrange{nsf}")],
        )
    } else if message.contains("serviceaccount") || message.contains("service account") {
        let sa = quoted_after(message, "serviceaccount").unwrap_or("");
        (
            format!("ServiceAccount {sa} does not exist"),
            vec![format!("kubectl get serviceaccount {sa}{nsf}")],
        )
    } else {
        (
            "pod creation is rejected".to_string(),
            vec![format!(
                "kubectl get events{nsf} --field-selector reason=FailedCreate"
            )],
        )
    }
}

fn replicaset(ctx: &Ctx, rs: &ReplicaSet) -> Option<Finding> {
    let o = obj("ReplicaSet", &rs.metadata);
    let desired = rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    let status = rs.status.as_ref();
    let current = status.map(|s| s.replicas).unwrap_or(0);
    let cond = status
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
        .find(|c| c.type_ == "ReplicaFailure" && c.status == "True");
    let event = ctx
        .snap
        .events_for("ReplicaSet", &o.namespace, &o.name)
        .find(|e| e.reason == "FailedCreate" && e.seen_within(ctx.now(), ctx.opts.event_window));
    let message = match (cond, event) {
        (Some(c), _) => c.message.clone().unwrap_or_default(),
        (None, Some(e)) if current < desired => e.message.clone(),
        _ => return None,
    };
    let nsf = ns_flag(&o.namespace);
    let (what, steps) = classify_failed_create(ctx, &o.namespace, &message);
    let mut f =
        app(
            "replicaset-failed-create",
            Severity::Error,
            o.clone(),
            format!("cannot create pods: {what} ({current}/{desired} created)"),
        )
        .explain("The ReplicaSet controller asks the API server to create pods and is refused, so the pods do not exist at all.")
        .with("FailedCreate", message)
        .with("replicas", format!("{current}/{desired}"))
        .events(ctx, &["FailedCreate"], false);
    for step in steps {
        f = f.step(step);
    }
    Some(f.step(format!("kubectl describe replicaset {}{nsf}", o.name)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testutil::*;
    use serde_json::json;

    #[test]
    fn stuck_deployment_and_quota_replicaset() {
        let d = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "ns"},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}, "template": {}},
            "status": {"conditions": [{"type": "Progressing", "status": "False",
                "reason": "ProgressDeadlineExceeded", "message": "ReplicaSet \"web-5d4f8\" has timed out progressing."}]}});
        let rs = json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": "web-5d4f8", "namespace": "ns",
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "u"}]},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}},
            "status": {"replicas": 0, "conditions": [{"type": "ReplicaFailure", "status": "True",
                "reason": "FailedCreate", "message": "pods \"web-5d4f8-x\" is forbidden: exceeded quota: compute-quota, requested: limits.memory=1Gi"}]}});
        let f = run(vec![d, rs]);
        assert!(
            one(&f, "deployment-stuck")
                .summary
                .contains("ProgressDeadlineExceeded")
        );
        let r = one(&f, "replicaset-failed-create");
        assert!(
            r.summary.contains("ResourceQuota compute-quota exceeded"),
            "{}",
            r.summary
        );
        assert!(
            r.next_steps
                .contains(&"kubectl describe resourcequota compute-quota -n ns".to_string())
        );
        // The Deployment is a symptom of the ReplicaSet's refusal.
        let d = one(&f, "deployment-stuck");
        assert_eq!(d.caused_by[0].check, "replicaset-failed-create");
    }

    #[test]
    fn unavailable_deployment_is_caused_by_its_crashing_pod() {
        let d = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "ns"},
            "spec": {"replicas": 1, "selector": {}, "template": {}},
            "status": {"conditions": [{"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable"}]}});
        let rs = json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": "web-1", "namespace": "ns",
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "u"}]},
            "spec": {"selector": {}}, "status": {"replicas": 1}});
        let mut p = pod(
            "web-1-abc",
            json!({"nodeName": "n1", "containers": [{"name": "app", "image": "x"}]}),
            json!({"phase": "Running", "containerStatuses": [{"name": "app", "image": "x", "imageID": "",
                "ready": false, "restartCount": 4, "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}}}]}),
        );
        p["metadata"]["ownerReferences"] =
            json!([{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-1", "uid": "r"}]);
        let f = run(vec![d, rs, p]);
        assert_eq!(f[0].check, "pod-crashloop");
        let d = one(&f, "deployment-unavailable");
        assert_eq!(d.caused_by[0].object.name, "web-1-abc");
    }

    #[test]
    fn healthy_or_scaled_to_zero_deployment_is_not_flagged() {
        let d = |replicas: i32, status: &str| {
            json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "ns"},
            "spec": {"replicas": replicas, "selector": {}, "template": {}},
            "status": {"conditions": [{"type": "Available", "status": status}]}})
        };
        assert!(run(vec![d(2, "True")]).is_empty());
        assert!(run(vec![d(0, "False")]).is_empty());
    }

    #[test]
    fn available_below_desired_without_conditions() {
        let d = |age: i64| {
            json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "web", "namespace": "ns", "creationTimestamp": ago(age)},
                "spec": {"replicas": 3, "selector": {}, "template": {}},
                "status": {"replicas": 3, "availableReplicas": 1, "readyReplicas": 1}})
        };
        assert!(
            one(&run(vec![d(3600)]), "deployment-unavailable")
                .summary
                .contains("1/3")
        );
        assert!(
            run(vec![d(30)]).is_empty(),
            "a new Deployment is still starting"
        );
    }

    #[test]
    fn failed_create_names_the_webhook_namespace_and_service_account() {
        let rs = |message: &str| {
            json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web-1", "namespace": "ns"},
                "spec": {"replicas": 1, "selector": {}},
                "status": {"replicas": 0, "conditions": [{"type": "ReplicaFailure", "status": "True",
                    "reason": "FailedCreate", "message": message}]}})
        };
        let hook = json!({"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration",
            "metadata": {"name": "kyverno-resource-validating-webhook-cfg"},
            "webhooks": [{"name": "validate.kyverno.svc-fail", "clientConfig": {"url": "https://x"}}]});
        let f = run(vec![
            rs(
                "admission webhook \"validate.kyverno.svc-fail\" denied the request: policy require-labels: label app.kubernetes.io/name is required",
            ),
            hook,
        ]);
        let r = one(&f, "replicaset-failed-create");
        assert!(
            r.summary
                .contains("admission webhook validate.kyverno.svc-fail denies the pod"),
            "{}",
            r.summary
        );
        assert!(r.next_steps.contains(&"kubectl get validatingwebhookconfiguration kyverno-resource-validating-webhook-cfg -o yaml".to_string()));
        let f = run(vec![rs(
            "pods \"web-1-x\" is forbidden: violates PodSecurity \"restricted:latest\": runAsNonRoot != true",
        )]);
        let r = one(&f, "replicaset-failed-create");
        assert!(
            r.summary.contains("PodSecurity restricted:latest"),
            "{}",
            r.summary
        );
        assert!(r.next_steps[0].starts_with("kubectl get namespace ns --show-labels"));
        let f = run(vec![rs(
            "pods \"web-1-x\" is forbidden: error looking up service account ns/web: serviceaccount \"web\" not found",
        )]);
        let r = one(&f, "replicaset-failed-create");
        assert!(
            r.summary.contains("ServiceAccount web does not exist"),
            "{}",
            r.summary
        );
        assert!(
            r.next_steps
                .contains(&"kubectl get serviceaccount web -n ns".to_string())
        );
    }
}

//! HorizontalPodAutoscalers (autoscaling/v1 and v2): a scale target that does not exist,
//! target pods without the resource requests a utilization target is computed from, an
//! autoscaler that cannot scale (ScalingActive/AbleToScale False, with the reason: metrics
//! API missing, metrics not available …), and one pinned at maxReplicas while it wants more.
//! `ScalingLimited` with TooFewReplicas (sitting at minReplicas) is normal and not reported.

use crate::objects::{Condition, HorizontalPodAutoscaler, Kind, PodSpec, condition};

use super::Ctx;
use super::build::{FindingExt, app, ns_flag, obj, secs_since};
use crate::findings::{Finding, Severity};

pub fn check(ctx: &Ctx, h: &HorizontalPodAutoscaler, out: &mut Vec<Finding>) {
    let o = obj("HorizontalPodAutoscaler", &h.metadata);
    let nsf = ns_flag(&o.namespace);
    let target = &h.spec.scale_target_ref;
    let conds = h.status.conditions.as_ref();
    let settled = |c: &&Condition| {
        c.last_transition_time.is_none_or(|t| {
            secs_since(t.ts(), ctx.now()) >= ctx.opts.creating_grace.as_secs() as i64
        })
    };
    let able = condition(conds, "AbleToScale").filter(|c| c.status == "False");
    let active = condition(conds, "ScalingActive")
        .filter(|c| c.status == "False" && c.reason.as_deref() != Some("ScalingDisabled"))
        .filter(settled);
    let message = |c: Option<&Condition>| {
        c.and_then(|c| c.message.as_deref())
            .unwrap_or("")
            .to_string()
    };
    let template = target_template(ctx, h);
    let target_kind_listed = Kind::by_name(&target.kind).is_some_and(|k| ctx.snap.has_kind(k))
        && matches!(
            target.kind.as_str(),
            "Deployment" | "StatefulSet" | "ReplicaSet"
        );
    let missing_by_condition = able.is_some_and(|c| {
        c.reason.as_deref() == Some("FailedGetScale")
            && c.message
                .as_deref()
                .is_some_and(|m| m.contains("not found"))
    });
    // A Deployment's earlier ReplicaSet keeps no template (see `ReplicaSet::compact`): it exists.
    let old_revision = target.kind == "ReplicaSet"
        && ctx
            .snap
            .replicasets
            .find(h.metadata.namespace(), &target.name)
            .is_some_and(|r| r.is_old_revision());
    if missing_by_condition || (target_kind_listed && template.is_none() && !old_revision) {
        out.push(
            app(
                "hpa-target-missing",
                Severity::Error,
                o.clone(),
                format!(
                    "scale target {}/{} does not exist",
                    target.kind, target.name
                ),
            )
            .explain(
                "The autoscaler's scaleTargetRef names a workload that does not exist (a typo, a \
                 renamed or deleted Deployment), so it scales nothing.",
            )
            .with("scaleTargetRef", format!("{} {}", target.kind, target.name))
            .with("condition AbleToScale", message(able))
            .step(format!(
                "kubectl get {} {}{nsf}",
                target.kind.to_ascii_lowercase(),
                target.name
            ))
            .step(format!(
                "kubectl edit hpa {}{nsf}   (fix spec.scaleTargetRef)",
                o.name
            )),
        );
        return;
    }
    let without_requests = template.map(|t| missing_requests(h, t)).unwrap_or_default();
    let requests_message = active.is_some_and(|c| message(Some(c)).contains("missing request for"));
    if !without_requests.is_empty() || requests_message {
        let named = parse_missing_request(&message(active));
        let summary = match (&named, template) {
            // The template is fine: the container the controller names is not in it
            // (injected at admission, e.g. a service-mesh sidecar) or lost its request.
            (Some(m), Some(t)) if without_requests.is_empty() => {
                let in_template = t.containers.iter().any(|c| c.name == m.container);
                format!(
                    "container {} of pod {} has no {} request{}: the HPA cannot compute its utilization",
                    m.container,
                    m.pod,
                    m.resource,
                    if in_template {
                        format!(
                            ", although {} {}'s template sets one (the pod was admitted with it removed, or comes from an older template)",
                            target.kind, target.name
                        )
                    } else {
                        format!(
                            " (not in {} {}'s template: injected into the pods, e.g. a sidecar)",
                            target.kind, target.name
                        )
                    }
                )
            }
            _ => format!(
                "{} {} has no resource requests for its utilization target: the HPA cannot compute it",
                target.kind, target.name
            ),
        };
        let mut f = app(
            "hpa-missing-requests",
            Severity::Warning,
            o.clone(),
            summary,
        )
        .explain(
            "A Utilization target is a percentage of the pods' requests. Containers without a \
             request for that resource make the utilization undefined, so the autoscaler does \
             not scale on it. Set requests in the workload's pod template.",
        );
        for w in &without_requests {
            f = f.with("no request", w.clone());
        }
        if requests_message {
            f = f.with("condition ScalingActive", message(active));
        }
        let f = match &named {
            Some(m) if without_requests.is_empty() => f
                .step(format!(
                    "kubectl get pod {}{nsf} -o jsonpath='{{range .spec.containers[*]}}{{.name}}: {{.resources}}{{\"\\n\"}}{{end}}'",
                    m.pod
                ))
                .step(
                    if template.is_some_and(|t| t.containers.iter().any(|c| c.name == m.container)) {
                        format!(
                            "kubectl get mutatingwebhookconfigurations   (which webhook drops the request?), or kubectl rollout restart {}/{}{nsf} if the pod predates the template",
                            target.kind.to_ascii_lowercase(),
                            target.name
                        )
                    } else {
                        format!(
                            "give container {} a {} request where it is injected (the sidecar injector's config or annotations)",
                            m.container, m.resource
                        )
                    },
                ),
            _ => f.step(format!(
                "kubectl set resources {}/{}{nsf} --requests=cpu=100m   (the value the app needs)",
                target.kind.to_ascii_lowercase(),
                target.name
            )),
        };
        out.push(f);
    } else if let Some(c) = active.or(able.filter(settled)) {
        out.push(not_scaling(ctx, h, c));
    }
    if let Some(f) = at_max(h) {
        out.push(f);
    }
}

/// What the HPA controller's "missing request for <resource> in container <c> of Pod <p>"
/// names (its message since Kubernetes 1.13; older ones say only "missing request for cpu").
struct MissingRequest {
    resource: String,
    container: String,
    pod: String,
}

fn parse_missing_request(message: &str) -> Option<MissingRequest> {
    // Messages wrap in the v1 annotation's YAML; words matter, not spacing.
    let words: Vec<&str> = message.split_whitespace().collect();
    let at = words
        .windows(3)
        .position(|w| w == ["missing", "request", "for"])?;
    let rest = &words[at + 3..];
    match rest {
        [resource, "in", "container", container, "of", "Pod", pod, ..] => Some(MissingRequest {
            resource: resource.to_string(),
            container: container.to_string(),
            pod: pod.trim_end_matches([',', '.', ';']).to_string(),
        }),
        _ => None,
    }
}

/// The pod template of the target, if it exists in the snapshot.
fn target_template<'a>(ctx: &Ctx<'a>, h: &HorizontalPodAutoscaler) -> Option<&'a PodSpec> {
    let ns = h.metadata.namespace();
    let name = h.spec.scale_target_ref.name.as_str();
    let snap = ctx.snap;
    match h.spec.scale_target_ref.kind.as_str() {
        "Deployment" => snap
            .deployments
            .find(ns, name)?
            .spec
            .as_ref()?
            .template
            .spec
            .as_ref(),
        "StatefulSet" => snap
            .statefulsets
            .find(ns, name)?
            .spec
            .as_ref()?
            .template
            .spec
            .as_ref(),
        "ReplicaSet" => snap
            .replicasets
            .find(ns, name)?
            .spec
            .as_ref()?
            .template
            .as_ref()?
            .spec
            .as_ref(),
        _ => None,
    }
}

/// Containers lacking a request (or limit, which defaults it) for a utilization metric.
fn missing_requests(h: &HorizontalPodAutoscaler, spec: &PodSpec) -> Vec<String> {
    let mut out = Vec::new();
    for m in h.spec.metrics.iter().flatten() {
        let (metric, only) = match (&m.resource, &m.container_resource) {
            (Some(r), _) => (r, None),
            (None, Some(r)) => (r, r.container.as_deref()),
            _ => continue,
        };
        if !metric.is_utilization() {
            continue;
        }
        let resource = metric.name.as_str();
        for c in spec
            .containers
            .iter()
            .filter(|c| only.is_none_or(|n| c.name == n))
        {
            let has = c.resources.as_ref().is_some_and(|r| {
                r.requests
                    .as_ref()
                    .is_some_and(|q| q.contains_key(resource))
                    || r.limits.as_ref().is_some_and(|q| q.contains_key(resource))
            });
            if !has {
                out.push(format!("container {} has no {resource} request", c.name));
            }
        }
    }
    out.dedup();
    out
}

fn not_scaling(ctx: &Ctx, h: &HorizontalPodAutoscaler, c: &Condition) -> Finding {
    let o = obj("HorizontalPodAutoscaler", &h.metadata);
    let nsf = ns_flag(&o.namespace);
    let reason = c.reason.as_deref().unwrap_or("");
    let message = c.message.as_deref().unwrap_or("");
    let metrics_api =
        message.contains("metrics.k8s.io") || message.contains("resource metrics API");
    let why = if metrics_api {
        "It cannot read pod metrics: the resource metrics API (metrics.k8s.io, served by \
         metrics-server) is not available."
    } else if message.contains("custom.metrics.k8s.io")
        || message.contains("external.metrics.k8s.io")
    {
        "It cannot read its custom or external metric: the adapter serving that metrics API is \
         not available, or does not have the metric."
    } else if message.contains("did not receive metrics") || message.contains("no metrics returned")
    {
        "The metrics API answered without numbers for the target's pods (pods not ready yet, \
         or metrics-server cannot scrape their node)."
    } else {
        "It cannot compute or apply a replica count; the condition's message says why."
    };
    let mut f = app(
        "hpa-not-scaling",
        Severity::Warning,
        o.clone(),
        format!("autoscaler cannot scale: {} {reason}", c.type_),
    )
    .explain(format!(
        "{why} Until then the workload stays at its current replica count."
    ))
    .with(
        &format!("condition {}", c.type_),
        format!("False {reason}: {message}"),
    )
    .events(ctx, &[], false);
    if metrics_api {
        f = f
            .step("kubectl get apiservice v1beta1.metrics.k8s.io")
            .step("kubectl -n kube-system get pods -l k8s-app=metrics-server")
            .step(format!("kubectl top pods{nsf}"));
    }
    f.step(format!("kubectl describe hpa {}{nsf}", o.name))
}

fn at_max(h: &HorizontalPodAutoscaler) -> Option<Finding> {
    let max = h.spec.max_replicas;
    let min = h.spec.min_replicas.unwrap_or(1);
    let current = h.status.current_replicas.unwrap_or(0);
    let conds = h.status.conditions.as_ref();
    let limited = condition(conds, "ScalingLimited");
    let wants_more = match limited {
        Some(c) => c.is_true() && c.reason.as_deref() == Some("TooManyReplicas"),
        // Without conditions (autoscaling/v1 without its annotation): sitting at the maximum.
        None => max > min && current >= max && h.status.desired_replicas.unwrap_or(0) >= max,
    };
    if !wants_more || current < max {
        return None;
    }
    let o = obj("HorizontalPodAutoscaler", &h.metadata);
    let mut f = app(
        "hpa-at-max",
        Severity::Warning,
        o.clone(),
        format!("pinned at maxReplicas {max}: it would scale further"),
    )
    .explain(
        "The metrics ask for more replicas than maxReplicas allows, so the workload runs at its \
         maximum and is probably overloaded. Raise maxReplicas (if the cluster has room) or make \
         the pods handle more.",
    )
    .with("replicas", format!("current={current} min={min} max={max}"));
    if let Some(c) = limited {
        f = f.with(
            "condition ScalingLimited",
            format!(
                "{} {}: {}",
                c.status,
                c.reason.as_deref().unwrap_or(""),
                c.message.as_deref().unwrap_or("")
            ),
        );
    }
    Some(f.step(format!(
        "kubectl describe hpa {}{}",
        o.name,
        ns_flag(&o.namespace)
    )))
}

#[cfg(test)]
#[path = "hpa_tests.rs"]
mod tests;

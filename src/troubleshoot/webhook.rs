//! Admission webhooks whose backend is down: a Validating/MutatingWebhookConfiguration whose
//! webhook calls a Service that does not exist or has no ready endpoint. With
//! `failurePolicy: Fail` every matching write is refused: critical when its rules catch pods
//! (or everything) in all namespaces (or all but a few excluded by name), an error when
//! narrower, a warning with `Ignore` (calls fail open, after the timeout). A cluster check:
//! its cost follows the number of webhooks.

use crate::objects::{Kind, Webhook, WebhookConfiguration};

use super::Ctx;
use super::build::{FindingExt, ns_flag};
use crate::findings::{Finding, ObjectRef, Pane, Severity};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for c in ctx.snap.validating_webhooks.iter() {
        if let Some(f) = configuration(ctx, "ValidatingWebhookConfiguration", c) {
            out.push(f);
        }
    }
    for c in ctx.snap.mutating_webhooks.iter() {
        if let Some(f) = configuration(ctx, "MutatingWebhookConfiguration", c) {
            out.push(f);
        }
    }
}

/// Why a webhook's Service cannot answer, if it cannot.
fn backend_down(ctx: &Ctx, w: &Webhook) -> Option<(String, String, &'static str)> {
    let svc_ref = w.client_config.service.as_ref()?;
    let ns = svc_ref.namespace.as_deref().unwrap_or("default");
    let name = svc_ref.name.as_deref().unwrap_or("");
    let target = format!("{ns}/{name}");
    // Only judge a backend in a namespace whose Services were listed: a namespaced check
    // cannot see kube-system or the webhook's own namespace.
    if !ctx.snap.has_kind_in(Kind::Service, ns) {
        return None;
    }
    let Some(svc) = ctx.snap.services.find(ns, name) else {
        return Some((
            target,
            "does not exist".to_string(),
            "webhook-service-missing",
        ));
    };
    if svc.type_() == "ExternalName" {
        return None;
    }
    let slices = ctx.snap.slices_of(ns, name);
    let ready = if !slices.is_empty() {
        Some(
            slices
                .iter()
                .flat_map(|s| s.endpoints.iter())
                .any(|e| e.is_ready()),
        )
    } else if let Some(ep) = ctx.snap.endpoints.find(ns, name) {
        Some(ep.counts().0 > 0)
    } else if ctx.snap.has_kind_in(Kind::EndpointSlice, ns)
        || ctx.snap.has_kind_in(Kind::Endpoints, ns)
    {
        Some(false)
    } else if ctx.snap.has_kind_in(Kind::Pod, ns) {
        let selector = svc
            .spec
            .as_ref()
            .and_then(|s| s.selector.as_ref())
            .filter(|s| !s.is_empty())?;
        Some(
            ctx.snap
                .pods_selected(ns, selector)
                .any(super::workload_pods::is_ready),
        )
    } else {
        None
    };
    match ready {
        Some(false) => Some((
            target,
            "has no ready endpoints".to_string(),
            "webhook-no-endpoints",
        )),
        _ => None,
    }
}

/// Whether the webhook's rules catch pods (or every resource).
fn catches_pods(w: &Webhook) -> bool {
    w.rules.iter().flatten().any(|r| {
        r.resources
            .iter()
            .flatten()
            .any(|res| res == "*" || res == "*/*" || res == "pods" || res.starts_with("pods/"))
    })
}

/// Whether the webhook applies to every object in every namespace, or every namespace but
/// a few it excludes by name (`NotIn`/`DoesNotExist` only); and where, in words.
fn scope(w: &Webhook) -> (bool, String) {
    let objects_all = w.object_selector.as_ref().is_none_or(|s| s.is_empty());
    let Some(sel) = w.namespace_selector.as_ref().filter(|s| !s.is_empty()) else {
        return (objects_all, "in every namespace".to_string());
    };
    let exclusions_only = sel.match_labels.as_ref().is_none_or(|m| m.is_empty())
        && sel
            .match_expressions
            .iter()
            .flatten()
            .all(|e| e.operator == "NotIn" || e.operator == "DoesNotExist");
    if !exclusions_only {
        return (false, format!("in the namespaces matching {}", sel.text()));
    }
    let excluded: Vec<String> = sel
        .match_expressions
        .iter()
        .flatten()
        .filter(|e| e.key == "kubernetes.io/metadata.name")
        .flat_map(|e| e.values.iter().flatten().map(|v| v.to_string()))
        .collect();
    let text = if excluded.is_empty() {
        format!("in every namespace but those matching !({})", sel.text())
    } else {
        format!("in every namespace except {}", excluded.join(", "))
    };
    (objects_all, text)
}

fn rules_text(w: &Webhook) -> String {
    let rules: Vec<String> = w
        .rules
        .iter()
        .flatten()
        .map(|r| {
            let ops = r
                .operations
                .iter()
                .flatten()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(",");
            let res = r
                .resources
                .iter()
                .flatten()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(",");
            format!("{ops} {res}")
        })
        .collect();
    rules.join("; ")
}

fn configuration(ctx: &Ctx, kind: &str, c: &WebhookConfiguration) -> Option<Finding> {
    let broken: Vec<(&Webhook, (String, String, &'static str))> = c
        .webhooks
        .iter()
        .flatten()
        .filter_map(|w| backend_down(ctx, w).map(|b| (w, b)))
        .collect();
    let (w, (target, state, check)) = broken.first()?;
    let fails_closed = broken.iter().any(|(w, _)| w.fails_closed());
    let wide = broken
        .iter()
        .any(|(w, _)| w.fails_closed() && catches_pods(w) && scope(w).0);
    let severity = if wide {
        Severity::Critical
    } else if fails_closed {
        Severity::Error
    } else {
        Severity::Warning
    };
    let scope = scope(w).1;
    let effect = if w.fails_closed() {
        format!(
            "with failurePolicy Fail, matching writes ({}) are refused {scope}",
            rules_text(w)
        )
    } else {
        format!(
            "failurePolicy Ignore lets writes through, each after waiting up to {}s",
            w.timeout_seconds.unwrap_or(10)
        )
    };
    let (svc_ns, svc_name) = target.split_once('/').unwrap_or(("", target.as_str()));
    let kind_cmd = kind.to_ascii_lowercase();
    let name = c.metadata.name();
    let mut f = Finding {
        pane: Pane::App,
        check: check.to_string(),
        severity,
        object: ObjectRef::new(kind, "", name),
        summary: format!(
            "webhook {} calls Service {target}, which {state}: {effect}",
            w.name
        ),
        explanation: String::new(),
        evidence: Vec::new(),
        next_steps: Vec::new(),
        caused_by: Vec::new(),
    }
    .explain(
        "The API server calls this admission webhook for every write its rules match. Its \
         Service cannot answer, so those calls fail: with failurePolicy Fail the write is \
         refused (\"failed calling webhook …\"), so deployments cannot create pods; with Ignore \
         each write waits for the timeout first.",
    );
    if wide {
        f = f.explain(
            "Its rules catch pods across the cluster: no new pod can start in those namespaces \
             (a rollout, a rescheduled pod after a node failure, a scale-up).",
        );
    }
    for (w, (target, state, _)) in &broken {
        f = f.with(
            &format!("webhook {}", w.name),
            format!(
                "Service {target} {state}; failurePolicy {}; rules {}",
                w.failure_policy.as_deref().unwrap_or("Fail"),
                rules_text(w)
            ),
        );
    }
    let nsf = ns_flag(svc_ns);
    f = if *check == "webhook-service-missing" {
        f.step(format!("kubectl get service {svc_name}{nsf}"))
    } else {
        f.step(format!(
            "kubectl get endpointslices{nsf} -l kubernetes.io/service-name={svc_name} -o wide"
        ))
        .step(format!("kubectl get pods{nsf} -o wide"))
    };
    Some(
        f.step(format!("kubectl get {kind_cmd} {name} -o yaml"))
            .step(format!(
                "last resort, if the webhook's owner cannot be fixed now: kubectl delete {kind_cmd} {name}   (the tool that installed it usually re-creates it)"
            )),
    )
}

#[cfg(test)]
#[path = "webhook_tests.rs"]
mod tests;

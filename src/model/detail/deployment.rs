//! Deployment describe body: replicas summary, strategy, selector, pod template and
//! conditions.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::out::{Out, clip};
use super::pod::{container_runtime_spec, container_spec};
use crate::model::Health;
use crate::model::build::deployment_row;

fn pct(v: Option<&IntOrString>) -> String {
    match v {
        Some(IntOrString::Int(i)) => i.to_string(),
        Some(IntOrString::String(s)) => s.clone(),
        None => "25%".to_string(),
    }
}

pub(crate) fn describe(out: &mut Out, d: &Deployment, lite: &crate::objects::Deployment) {
    let spec = d.spec.clone().unwrap_or_default();
    let status = d.status.clone().unwrap_or_default();
    let desired = spec.replicas.unwrap_or(1);
    let unavailable = status.unavailable_replicas.unwrap_or(0);
    let replicas = format!(
        "{desired} desired | {} updated | {} total | {} available | {unavailable} unavailable",
        status.updated_replicas.unwrap_or(0),
        status.replicas.unwrap_or(0),
        status.available_replicas.unwrap_or(0),
    );
    out.field_h(0, "Replicas:", replicas, deployment_row(lite).health);
    let selector: Vec<String> = spec
        .selector
        .match_labels
        .iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .chain(spec.selector.match_expressions.iter().flatten().map(|e| {
            format!(
                "{} {} ({})",
                e.key,
                e.operator,
                e.values.clone().unwrap_or_default().join(",")
            )
        }))
        .collect();
    out.field(
        0,
        "Selector:",
        if selector.is_empty() {
            "<none>".into()
        } else {
            selector.join(",")
        },
    );
    let strategy = spec.strategy.clone().unwrap_or_default();
    let type_ = strategy
        .type_
        .clone()
        .unwrap_or_else(|| "RollingUpdate".into());
    out.field(0, "StrategyType:", &type_);
    out.field(
        0,
        "MinReadySeconds:",
        spec.min_ready_seconds.unwrap_or(0).to_string(),
    );
    if type_ == "RollingUpdate" {
        let ru = strategy.rolling_update.unwrap_or_default();
        let text = format!(
            "{} max unavailable, {} max surge",
            pct(ru.max_unavailable.as_ref()),
            pct(ru.max_surge.as_ref())
        );
        out.field(0, "RollingUpdateStrategy:", text);
    }
    if spec.paused == Some(true) {
        out.field_h(0, "Paused:", "true", Health::Warning);
    }

    out.heading("Pod Template:");
    let template = spec.template;
    let labels = template.metadata.as_ref().and_then(|m| m.labels.as_ref());
    out.string_map(2, "Labels:", labels, "=");
    let pod_spec = template.spec.unwrap_or_default();
    if let Some(sa) = pod_spec.service_account_name.as_deref() {
        out.field(2, "Service Account:", sa);
    }
    if let Some(inits) = pod_spec
        .init_containers
        .as_deref()
        .filter(|c| !c.is_empty())
    {
        out.heading("  Init Containers:");
        for c in inits {
            out.heading(format!("   {}:", c.name));
            container_spec(out, c);
            container_runtime_spec(out, c);
        }
    }
    out.heading("  Containers:");
    for c in &pod_spec.containers {
        out.heading(format!("   {}:", c.name));
        container_spec(out, c);
        container_runtime_spec(out, c);
    }

    let conds = status.conditions.unwrap_or_default();
    if conds.is_empty() {
        out.field(0, "Conditions:", "<none>");
    } else {
        out.heading("Conditions:");
        let rows: Vec<(Vec<String>, Option<Health>)> = conds
            .iter()
            .map(|c| {
                let h = if c.reason.as_deref() == Some("ProgressDeadlineExceeded")
                    || c.reason.as_deref() == Some("ReplicaSetCreateError")
                {
                    Some(Health::Error)
                } else if c.status != "True" {
                    Some(Health::Warning)
                } else {
                    None
                };
                let cells = vec![
                    c.type_.clone(),
                    c.status.clone(),
                    c.reason.clone().unwrap_or_default(),
                    c.message.as_deref().map(clip).unwrap_or_default(),
                ];
                (cells, h)
            })
            .collect();
        out.table(2, &["Type", "Status", "Reason", "Message"], &rows);
    }
}

//! The describe-like detail text and the YAML text of one object, built from its JSON.
//! `describe` prints a common metadata header, a per-kind body (pod.rs, node.rs, service.rs,
//! deployment.rs, pvc.rs, other.rs) and the object's events; `to_yaml` lives in yaml.rs.

mod deployment;
mod events;
mod node;
mod other;
mod out;
mod pod;
pub mod pvc;
pub mod related;
mod service;
mod yaml;

#[cfg(test)]
mod tests;

use serde_json::Value;

use super::{Health, ResourceKind, Row};
use out::Out;

pub use yaml::to_yaml;

/// One line of the detail view.
#[derive(Debug, Clone, PartialEq)]
pub struct DetailLine {
    pub text: String,
    /// Colour for status-like values.
    pub health: Option<Health>,
    /// Section headings ("Conditions:", "Containers:", "Events:") are drawn emphasised.
    pub heading: bool,
}

/// A describe-like view of `obj` (kind `kind`): key fields, conditions, container states and the
/// related `events` (already filtered to this object), newest first.
pub fn describe(
    kind: ResourceKind,
    obj: &Value,
    events: &[&Row],
    now: jiff::Timestamp,
) -> Vec<DetailLine> {
    describe_with(kind, obj, events, None, now)
}

/// [`describe`] with what kubectl reads besides the object (`related`, once it has been
/// read): a Node's pods and allocated resources, a Service's endpoints, a Deployment's
/// ReplicaSets, and the events of a cluster-scoped object from every namespace (which then
/// replace `events`).
pub fn describe_with(
    kind: ResourceKind,
    obj: &Value,
    events: &[&Row],
    related: Option<&related::Related>,
    now: jiff::Timestamp,
) -> Vec<DetailLine> {
    let mut out = Out::new(now);
    out::metadata(&mut out, kind, obj);
    let parsed = match kind {
        ResourceKind::Pods => typed2(obj).map(|(p, l)| pod::describe(&mut out, &p, &l)),
        ResourceKind::Nodes => typed2(obj).map(|(n, l)| node::describe(&mut out, &n, &l)),
        ResourceKind::Services => typed2(obj).map(|(s, l)| {
            let endpoints = related.map(|r| r.endpoints.as_ref());
            service::describe(&mut out, &s, &l, endpoints)
        }),
        ResourceKind::Deployments => {
            typed2(obj).map(|(d, l)| deployment::describe(&mut out, &d, &l))
        }
        ResourceKind::Namespaces => typed2(obj).map(|(n, l)| other::namespace(&mut out, &n, &l)),
        ResourceKind::Events => typed2(obj).map(|(e, l)| other::event(&mut out, &e, &l)),
        ResourceKind::Endpoints => typed(obj).map(|e| other::endpoints(&mut out, &e)),
        ResourceKind::Browse if pvc::is_claim(obj) => {
            let used_by = related.and_then(|r| r.used_by.as_deref());
            pvc::describe(&mut out, obj, used_by);
            Ok(())
        }
        ResourceKind::Browse => {
            secret_data(&mut out, obj);
            configmap_data(&mut out, obj);
            other::generic_status(&mut out, obj);
            Ok(())
        }
    };
    if let Err(err) = parsed {
        out.line_h(
            format!("(could not read this {}: {err})", kind.kind_name()),
            Health::Warning,
        );
        other::generic_status(&mut out, obj);
    }
    if let Some(related) = related {
        match kind {
            ResourceKind::Nodes => related::node_pods(&mut out, obj, &related.pods),
            ResourceKind::Deployments => {
                related::deployment_replicasets(&mut out, obj, &related.replicasets)
            }
            _ => {}
        }
    }
    match related.and_then(|r| r.events.as_ref()) {
        Some(all) => {
            let rows: Vec<Row> = all
                .iter()
                .filter_map(|e| serde_json::from_value::<crate::objects::Event>(e.clone()).ok())
                .map(|e| super::build::event_row(&e))
                .collect();
            let refs: Vec<&Row> = rows.iter().collect();
            events::section(&mut out, &refs);
        }
        None => events::section(&mut out, events),
    }
    out.finish()
}

/// A Secret's type and keys, as `kubectl describe secret` prints them (values arrive masked,
/// see [`crate::model::secret`]).
fn secret_data(out: &mut Out, obj: &Value) {
    if !crate::model::secret::is_secret(obj) {
        return;
    }
    out.field(0, "Type:", obj["type"].as_str().unwrap_or("Opaque"));
    out.heading("Data");
    out.line("====");
    for field in ["data", "stringData"] {
        if let Some(map) = obj[field].as_object() {
            for (k, v) in map {
                out.field(0, &format!("{k}:"), v.as_str().unwrap_or_default());
            }
        }
    }
}

/// Lines of a ConfigMap's values shown at most (a describe of a huge ConfigMap stays usable;
/// the YAML view has everything).
const CONFIGMAP_LINES: usize = 2000;

/// A ConfigMap's data as `kubectl describe configmap` prints it: each key, a rule, its value;
/// binary keys by size only.
fn configmap_data(out: &mut Out, obj: &Value) {
    if obj["kind"].as_str() != Some("ConfigMap") {
        return;
    }
    out.heading("Data");
    out.line("====");
    let mut shown = 0;
    for (k, v) in obj["data"].as_object().into_iter().flatten() {
        out.line(format!("{k}:"));
        out.line("----");
        for line in v.as_str().unwrap_or_default().lines() {
            if shown == CONFIGMAP_LINES {
                out.line("… (more in the YAML view)");
            }
            shown += 1;
            if shown <= CONFIGMAP_LINES {
                out.line(line);
            }
        }
        out.line("");
    }
    out.line("");
    out.heading("BinaryData");
    out.line("====");
    for (k, v) in obj["binaryData"].as_object().into_iter().flatten() {
        // base64: three bytes per four characters, less the padding.
        let text = v.as_str().unwrap_or_default();
        let bytes = (text.len() / 4 * 3)
            .saturating_sub(text.chars().rev().take_while(|c| *c == '=').count());
        out.line(format!("{k}: {bytes} bytes"));
    }
    out.line("");
}

fn typed<T: serde::de::DeserializeOwned>(obj: &Value) -> Result<T, String> {
    serde_json::from_value(obj.clone()).map_err(|e| e.to_string())
}

/// The object as the full API type (for every field describe prints) and as the compact type
/// the tables use (for the same status words and health).
fn typed2<T: serde::de::DeserializeOwned, L: serde::de::DeserializeOwned>(
    obj: &Value,
) -> Result<(T, L), String> {
    let full = typed(obj)?;
    let lite = serde_path_to_error::deserialize(obj).map_err(|e| e.to_string())?;
    Ok((full, lite))
}

//! The describe-like detail text and the YAML text of one object, built from its JSON.
//! `describe` prints a common metadata header, a per-kind body (pod.rs, node.rs, service.rs,
//! deployment.rs, other.rs) and the object's events; `to_yaml` lives in yaml.rs.

mod deployment;
mod events;
mod node;
mod other;
mod out;
mod pod;
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
    let mut out = Out::new(now);
    out::metadata(&mut out, kind, obj);
    let parsed = match kind {
        ResourceKind::Pods => typed(obj).map(|p| pod::describe(&mut out, &p)),
        ResourceKind::Nodes => typed(obj).map(|n| node::describe(&mut out, &n)),
        ResourceKind::Services => typed(obj).map(|s| service::describe(&mut out, &s)),
        ResourceKind::Deployments => typed(obj).map(|d| deployment::describe(&mut out, &d)),
        ResourceKind::Namespaces => typed(obj).map(|n| other::namespace(&mut out, &n)),
        ResourceKind::Events => typed(obj).map(|e| other::event(&mut out, &e)),
        ResourceKind::Endpoints => typed(obj).map(|e| other::endpoints(&mut out, &e)),
    };
    if let Err(err) = parsed {
        out.line_h(
            format!("(could not read this {}: {err})", kind.kind_name()),
            Health::Warning,
        );
        other::generic_status(&mut out, obj);
    }
    events::section(&mut out, events);
    out.finish()
}

fn typed<T: serde::de::DeserializeOwned>(obj: &Value) -> Result<T, serde_json::Error> {
    serde_json::from_value(obj.clone())
}

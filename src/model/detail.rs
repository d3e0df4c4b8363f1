//! The describe-like detail text and the YAML text of one object, built from its JSON.

use super::{Health, ResourceKind, Row};

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
    _kind: ResourceKind,
    _obj: &serde_json::Value,
    _events: &[&Row],
    _now: jiff::Timestamp,
) -> Vec<DetailLine> {
    todo!("H3")
}

/// The object as YAML, with `metadata.managedFields` removed.
pub fn to_yaml(_obj: &serde_json::Value) -> Result<String, String> {
    todo!("H3")
}

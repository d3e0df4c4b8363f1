//! The pieces every compact object shares: metadata (with only the annotations analyzers read),
//! owner references, label selectors, conditions, times, quantities and int-or-string ports.

use std::fmt;
use std::num::NonZeroI64;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::list::List;
use super::map::Map;
use super::shared::{Prepare, Shared};
use super::str::Str;

/// A point in time, to the second (all the API's timestamps are compared at that precision).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Time(NonZeroI64);

/// One second after the epoch: stands for the epoch itself (a zero value some tools write).
const ONE: NonZeroI64 = match NonZeroI64::new(1) {
    Some(n) => n,
    None => NonZeroI64::MAX,
};

impl Time {
    pub fn from_second(s: i64) -> Time {
        Time(NonZeroI64::new(s).unwrap_or(ONE))
    }

    pub fn as_second(self) -> i64 {
        self.0.get()
    }

    /// As a jiff timestamp.
    pub fn ts(self) -> jiff::Timestamp {
        jiff::Timestamp::from_second(self.as_second()).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }
}

impl From<jiff::Timestamp> for Time {
    fn from(t: jiff::Timestamp) -> Self {
        Time::from_second(t.as_second())
    }
}

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.ts().to_string())
    }
}

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TimeVisitor;
        impl Visitor<'_> for TimeVisitor {
            type Value = Time;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 time")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Time, E> {
                v.parse::<jiff::Timestamp>()
                    .map(Time::from)
                    .map_err(|e| E::custom(format!("invalid time {v:?}: {e}")))
            }
        }
        d.deserialize_str(TimeVisitor)
    }
}

/// A resource quantity as written (`100m`, `128Mi`); see `crate::model::quantity` to compute.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Quantity(pub Str);

/// A port or percentage given as a number or a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntOrString {
    Int(i32),
    String(Str),
}

impl Default for IntOrString {
    fn default() -> Self {
        IntOrString::Int(0)
    }
}

impl fmt::Display for IntOrString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntOrString::Int(n) => write!(f, "{n}"),
            IntOrString::String(s) => f.write_str(s),
        }
    }
}

impl Serialize for IntOrString {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            IntOrString::Int(n) => s.serialize_i32(*n),
            IntOrString::String(v) => s.serialize_str(v),
        }
    }
}

impl<'de> Deserialize<'de> for IntOrString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = IntOrString;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number or a string")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<IntOrString, E> {
                i32::try_from(v)
                    .map(IntOrString::Int)
                    .map_err(|_| E::custom(format!("{v} is out of range")))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<IntOrString, E> {
                i32::try_from(v)
                    .map(IntOrString::Int)
                    .map_err(|_| E::custom(format!("{v} is out of range")))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<IntOrString, E> {
                Ok(IntOrString::String(Str::new(v)))
            }
        }
        d.deserialize_any(V)
    }
}

/// The parts of `metadata` analyzers and tables read.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ObjectMeta {
    #[serde(deserialize_with = "super::str::unique")]
    pub name: Option<Str>,
    pub namespace: Option<Str>,
    #[serde(deserialize_with = "super::str::unique")]
    pub uid: Option<Str>,
    /// Read while decoding (watch bookkeeping); cleared before an object is cached.
    #[serde(deserialize_with = "super::str::unique")]
    pub resource_version: Option<Str>,
    pub generation: Option<i64>,
    pub creation_timestamp: Option<Time>,
    pub deletion_timestamp: Option<Time>,
    pub deletion_grace_period_seconds: Option<i64>,
    /// Shared: pods of one template carry the same labels.
    pub labels: Option<Shared<Map>>,
    /// Only the annotations some check reads (see [`KEPT_ANNOTATIONS`]).
    pub annotations: Option<Map>,
    /// Shared: pods of one ReplicaSet have the same owner.
    pub owner_references: Option<Shared<List<OwnerReference>>>,
    pub finalizers: Option<List<Str>>,
    /// Only the entries that own a field some check dates (see [`FieldsV1`]); every other
    /// entry is dropped while decoding.
    pub managed_fields: Option<List<ManagedFieldsEntry>>,
}

/// Who last wrote a set of fields, and when (`metadata.managedFields[]`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ManagedFieldsEntry {
    pub manager: Option<Str>,
    pub operation: Option<Str>,
    pub time: Option<Time>,
    #[serde(rename = "fieldsV1")]
    pub fields_v1: Option<FieldsV1>,
}

/// The part of `fieldsV1` checks read: whether the entry owns `spec.unschedulable` (when a
/// node was cordoned).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FieldsV1 {
    #[serde(rename = "f:spec")]
    pub spec: Option<SpecFields>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SpecFields {
    #[serde(rename = "f:unschedulable")]
    pub unschedulable: Option<super::pod::Present>,
}

impl ManagedFieldsEntry {
    /// Whether this entry owns `spec.unschedulable`.
    pub fn owns_unschedulable(&self) -> bool {
        self.fields_v1
            .as_ref()
            .and_then(|f| f.spec.as_ref())
            .is_some_and(|s| s.unschedulable.is_some())
    }
}

impl Prepare for Map {}
impl Prepare for List<OwnerReference> {}

/// Annotations worth keeping (prefixes). Everything else (notably
/// `kubectl.kubernetes.io/last-applied-configuration`) is dropped while decoding.
pub const KEPT_ANNOTATIONS: &[&str] = &[
    "kubernetes.io/config.",
    "deployment.kubernetes.io/",
    "kubernetes.io/ingress.class",
    "storageclass.kubernetes.io/is-default-class",
    "storageclass.beta.kubernetes.io/is-default-class",
    "ingressclass.kubernetes.io/is-default-class",
    "autoscaling.alpha.kubernetes.io/conditions",
    "control-plane.alpha.kubernetes.io/leader",
    "volume.kubernetes.io/",
    "volume.beta.kubernetes.io/",
    "pv.kubernetes.io/",
    "kubernetes.io/service-account.name",
    "kubectl.kubernetes.io/default-container",
];

/// Annotation values longer than this are dropped too.
const MAX_ANNOTATION: usize = 4096;

impl ObjectMeta {
    /// Drops what no check reads (annotations outside the kept set, the resource version).
    pub fn compact(&mut self) {
        self.resource_version = None;
        if let Some(m) = &self.managed_fields {
            let kept: Vec<ManagedFieldsEntry> = m
                .iter()
                .filter(|e| e.owns_unschedulable())
                .cloned()
                .collect();
            self.managed_fields = (!kept.is_empty()).then(|| kept.into());
        }
        if let Some(a) = &mut self.annotations {
            a.retain_keys(|k| KEPT_ANNOTATIONS.iter().any(|p| k.starts_with(p)));
            if a.iter().any(|(_, v)| v.len() > MAX_ANNOTATION) {
                let kept: Vec<(Str, Str)> = a
                    .iter()
                    .filter(|(_, v)| v.len() <= MAX_ANNOTATION)
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                *a = Map::from_pairs(kept);
            }
            if a.is_empty() {
                self.annotations = None;
            }
        }
    }

    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or("")
    }

    pub fn namespace(&self) -> &str {
        self.namespace.as_deref().unwrap_or("")
    }

    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels.as_ref()?.get(key).map(Str::as_str)
    }

    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations.as_ref()?.get(key).map(Str::as_str)
    }

    /// The owner marked `controller: true`.
    pub fn controller(&self) -> Option<&OwnerReference> {
        self.owner_references
            .iter()
            .flatten()
            .find(|o| o.controller == Some(true))
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OwnerReference {
    pub api_version: Str,
    pub kind: Str,
    pub name: Str,
    pub uid: Str,
    pub controller: Option<bool>,
}

/// A reference to an object by name in the same namespace.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LocalObjectReference {
    pub name: Str,
}

/// A reference to another object (events, endpoints' targets, CronJob's active jobs).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ObjectReference {
    pub api_version: Option<Str>,
    pub kind: Option<Str>,
    pub namespace: Option<Str>,
    pub name: Option<Str>,
    pub uid: Option<Str>,
    pub field_path: Option<Str>,
}

/// `matchLabels` and `matchExpressions`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LabelSelector {
    pub match_labels: Option<Map>,
    pub match_expressions: Option<List<LabelSelectorRequirement>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LabelSelectorRequirement {
    pub key: Str,
    pub operator: Str,
    pub values: Option<List<Str>>,
}

impl LabelSelector {
    /// Whether the selector has no terms (selects everything where that is allowed).
    pub fn is_empty(&self) -> bool {
        self.match_labels.as_ref().is_none_or(Map::is_empty)
            && self.match_expressions.as_ref().is_none_or(|e| e.is_empty())
    }

    /// Whether `labels` satisfy every term. An unknown operator matches nothing.
    pub fn matches(&self, labels: Option<&Map>) -> bool {
        let get = |k: &str| labels.and_then(|l| l.get(k));
        let equal = self
            .match_labels
            .iter()
            .flatten()
            .all(|(k, v)| get(k) == Some(v));
        equal
            && self.match_expressions.iter().flatten().all(|e| {
                let values = e.values.as_deref().unwrap_or(&[]);
                match e.operator.as_str() {
                    "In" => get(&e.key).is_some_and(|v| values.contains(v)),
                    "NotIn" => get(&e.key).is_none_or(|v| !values.contains(v)),
                    "Exists" => get(&e.key).is_some(),
                    "DoesNotExist" => get(&e.key).is_none(),
                    _ => false,
                }
            })
    }

    /// kubectl's text form: `app=web,tier in (a,b),!legacy`.
    pub fn text(&self) -> String {
        let mut parts: Vec<String> = self
            .match_labels
            .iter()
            .flatten()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        for e in self.match_expressions.iter().flatten() {
            let values = e
                .values
                .iter()
                .flatten()
                .map(Str::as_str)
                .collect::<Vec<_>>()
                .join(",");
            parts.push(match e.operator.as_str() {
                "In" => format!("{} in ({values})", e.key),
                "NotIn" => format!("{} notin ({values})", e.key),
                "Exists" => e.key.to_string(),
                "DoesNotExist" => format!("!{}", e.key),
                other => format!("{} {other} ({values})", e.key),
            });
        }
        parts.join(",")
    }
}

/// A status condition of any kind (pods, nodes, workloads, claims …).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Condition {
    #[serde(rename = "type")]
    pub type_: Str,
    pub status: Str,
    pub reason: Option<Str>,
    pub message: Option<Str>,
    pub last_transition_time: Option<Time>,
    pub last_update_time: Option<Time>,
    pub last_heartbeat_time: Option<Time>,
}

impl Condition {
    pub fn is_true(&self) -> bool {
        self.status == "True"
    }
}

/// The condition of type `type_` in a list.
pub fn condition<'a>(
    conditions: Option<&'a List<Condition>>,
    type_: &str,
) -> Option<&'a Condition> {
    conditions?.iter().find(|c| c.type_ == type_)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_keeps_only_useful_annotations() {
        let mut m: ObjectMeta = serde_json::from_value(serde_json::json!({
            "name": "p", "namespace": "ns", "resourceVersion": "9",
            "creationTimestamp": "2026-01-01T00:00:00Z",
            "annotations": {
                "kubectl.kubernetes.io/last-applied-configuration": "{...}",
                "kubernetes.io/config.source": "file"
            },
            "managedFields": [{"manager": "kubectl"}]
        }))
        .expect("metadata");
        m.compact();
        assert_eq!(m.annotation("kubernetes.io/config.source"), Some("file"));
        assert_eq!(
            m.annotation("kubectl.kubernetes.io/last-applied-configuration"),
            None
        );
        assert_eq!(m.resource_version, None);
        assert_eq!(
            m.managed_fields, None,
            "entries that date nothing are dropped"
        );
        let mut node: ObjectMeta = serde_json::from_value(serde_json::json!({
            "name": "w1",
            "managedFields": [
                {"manager": "kubelet", "operation": "Update", "time": "2026-01-01T00:00:00Z",
                 "fieldsV1": {"f:status": {"f:conditions": {}}}},
                {"manager": "kubectl-cordon", "operation": "Update", "time": "2026-01-02T00:00:00Z",
                 "fieldsV1": {"f:spec": {"f:unschedulable": {}}}}
            ]
        }))
        .expect("node metadata");
        node.compact();
        let kept = node.managed_fields.expect("the cordon's entry");
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].manager.as_deref(), Some("kubectl-cordon"));
        assert_eq!(
            m.creation_timestamp.map(Time::as_second),
            Some(
                "2026-01-01T00:00:00Z"
                    .parse::<jiff::Timestamp>()
                    .expect("t")
                    .as_second()
            )
        );
    }

    #[test]
    fn selectors_match_like_the_api_server() {
        let sel: LabelSelector = serde_json::from_value(serde_json::json!({
            "matchLabels": {"app": "web"},
            "matchExpressions": [
                {"key": "tier", "operator": "In", "values": ["fe", "be"]},
                {"key": "legacy", "operator": "DoesNotExist"}
            ]
        }))
        .expect("selector");
        let labels = |v: serde_json::Value| -> Map { serde_json::from_value(v).expect("labels") };
        assert!(sel.matches(Some(&labels(
            serde_json::json!({"app": "web", "tier": "fe"})
        ))));
        assert!(!sel.matches(Some(&labels(
            serde_json::json!({"app": "web", "tier": "db"})
        ))));
        assert!(!sel.matches(Some(&labels(
            serde_json::json!({"app": "web", "tier": "fe", "legacy": "1"})
        ))));
        assert_eq!(sel.text(), "app=web,tier in (fe,be),!legacy");
        assert!(LabelSelector::default().matches(None));
    }

    #[test]
    fn epoch_zero_is_a_time() {
        let t: Time = serde_json::from_str("\"1970-01-01T00:00:00Z\"").expect("epoch");
        assert!(t.as_second() >= 0);
        let ios: IntOrString = serde_json::from_str("\"http\"").expect("name");
        assert_eq!(ios, IntOrString::String(Str::new("http")));
        assert_eq!(
            serde_json::from_str::<IntOrString>("8080").expect("n"),
            IntOrString::Int(8080)
        );
    }
}

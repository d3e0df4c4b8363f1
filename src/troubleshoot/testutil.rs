//! Test helpers: a fixed "now", minimal object builders and a one-call analysis.

#![allow(clippy::unwrap_used)]

use jiff::Timestamp;
use serde_json::{Value, json};

use super::{Options, Snapshot, analyze};
use crate::findings::Finding;

pub fn now() -> Timestamp {
    "2026-01-01T12:00:00Z".parse().unwrap()
}

/// `now` minus `secs`, as an RFC 3339 string.
pub fn ago(secs: i64) -> String {
    Timestamp::from_second(now().as_second() - secs)
        .unwrap()
        .to_string()
}

/// A pod in namespace `ns` with the given spec and status.
pub fn pod(name: &str, spec: Value, status: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "ns", "uid": format!("uid-{name}"),
                     "creationTimestamp": ago(3600)},
        "spec": spec, "status": status})
}

/// A spec with one container `app`.
pub fn spec1() -> Value {
    json!({"containers": [{"name": "app", "image": "example/app:1"}]})
}

/// A core/v1 event about a pod's container.
pub fn event(pod: &str, reason: &str, type_: &str, message: &str, secs_ago: i64) -> Value {
    json!({"apiVersion": "v1", "kind": "Event",
        "metadata": {"name": format!("{pod}.{reason}.{secs_ago}"), "namespace": "ns",
                     "uid": format!("ev-{pod}-{reason}-{secs_ago}")},
        "involvedObject": {"kind": "Pod", "namespace": "ns", "name": pod,
                           "fieldPath": "spec.containers{app}"},
        "reason": reason, "message": message, "type": type_, "count": 3,
        "firstTimestamp": ago(secs_ago + 600), "lastTimestamp": ago(secs_ago)})
}

pub fn run(objects: Vec<Value>) -> Vec<Finding> {
    analyze(&Snapshot::from_objects(objects), now(), &Options::default())
}

/// The (check, object name) pairs of the findings.
pub fn ids(findings: &[Finding]) -> Vec<(String, String)> {
    findings
        .iter()
        .map(|f| (f.check.clone(), f.object.name.clone()))
        .collect()
}

/// The only finding with this check id.
pub fn one<'a>(findings: &'a [Finding], check: &str) -> &'a Finding {
    let matching: Vec<&Finding> = findings.iter().filter(|f| f.check == check).collect();
    assert_eq!(matching.len(), 1, "{check} in {:?}", ids(findings));
    matching[0]
}

/// All evidence values joined, for `contains` assertions.
pub fn evidence_text(f: &Finding) -> String {
    f.evidence
        .iter()
        .map(|e| format!("{}: {}", e.label, e.value))
        .collect::<Vec<_>>()
        .join("\n")
}

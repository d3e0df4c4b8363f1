//! What one simulated API server serves right now: the built-in groups, the groups of the
//! CustomResourceDefinitions in its store, and the metrics API while its APIService
//! (`v1beta1.metrics.k8s.io`) exists, answering only while it is Available, as the
//! aggregator does.

use serde_json::Value;

use super::resources::{self, APISERVICES, GROUPS, METRICS_GROUP, RESOURCES, ResourceType};
use super::store::Store;

/// The state of an aggregated API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregated {
    /// No APIService registers it.
    Absent,
    /// Registered but not Available: its group is listed, its requests fail with 503.
    Unavailable,
    Available,
}

/// The metrics API's state, from the `v1beta1.metrics.k8s.io` APIService.
pub fn metrics(store: &Store) -> Aggregated {
    let name = format!("{}.{}", METRICS_GROUP.1, METRICS_GROUP.0);
    let Some(service) = store.get(APISERVICES, None, &name) else {
        return Aggregated::Absent;
    };
    let available = service
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|c| {
            c.iter().any(|c| {
                c.get("type").and_then(Value::as_str) == Some("Available")
                    && c.get("status").and_then(Value::as_str) == Some("True")
            })
        });
    if available {
        Aggregated::Available
    } else {
        Aggregated::Unavailable
    }
}

/// One served API group with its versions, the preferred one first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub name: String,
    pub versions: Vec<String>,
}

/// Every non-core group this server lists, in discovery order: built-ins, custom resource
/// groups (alphabetically), then the metrics API when registered.
pub fn groups(store: &Store) -> Vec<Group> {
    let mut out: Vec<Group> = GROUPS
        .iter()
        .map(|(name, versions)| Group {
            name: (*name).to_string(),
            versions: versions.iter().map(|v| (*v).to_string()).collect(),
        })
        .collect();
    let mut custom: Vec<Group> = Vec::new();
    for (index, _) in store.custom_types() {
        let r = resources::get(index);
        match custom.iter_mut().find(|g| g.name == r.group) {
            Some(g) if !g.versions.iter().any(|v| v == r.version) => {
                g.versions.push(r.version.to_string())
            }
            Some(_) => {}
            None => custom.push(Group {
                name: r.group.to_string(),
                versions: vec![r.version.to_string()],
            }),
        }
    }
    custom.sort_by(|a, b| a.name.cmp(&b.name));
    out.extend(custom);
    if metrics(store) != Aggregated::Absent {
        out.push(Group {
            name: METRICS_GROUP.0.to_string(),
            versions: vec![METRICS_GROUP.1.to_string()],
        });
    }
    out
}

/// The types served in one group version (`""` = core).
pub fn types(store: &Store, group: &str, version: &str) -> Vec<&'static ResourceType> {
    let mut out: Vec<&'static ResourceType> = RESOURCES
        .iter()
        .filter(|r| r.group == group && r.version == version)
        .collect();
    out.extend(
        store
            .custom_types()
            .into_iter()
            .map(|(i, _)| resources::get(i))
            .filter(|r| r.group == group && r.version == version),
    );
    out
}

/// Whether this server knows the group version at all.
pub fn knows(store: &Store, group: &str, version: &str) -> bool {
    if group.is_empty() {
        return version == "v1";
    }
    groups(store)
        .iter()
        .any(|g| g.name == group && g.versions.iter().any(|v| v == version))
}

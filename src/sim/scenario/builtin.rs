//! The built-in demo scenario: the YAML files of `assets/demo`, embedded in the binary,
//! completed the way an API server and its controllers would, and moved in time.

use jiff::Timestamp;
use serde_json::Value;

use super::{
    ScenarioError, cluster_defaults, defaults, endpoints, parse, status, template, timeshift,
};

/// The time the demo's timestamps are written relative to ("now" in the YAML files).
pub const REFERENCE: &str = "2026-01-01T12:00:00Z";

/// The embedded files, in load order.
const FILES: &[(&str, &str)] = &[
    (
        "assets/demo/00-cluster.yaml",
        include_str!("../../../assets/demo/00-cluster.yaml"),
    ),
    (
        "assets/demo/10-control-plane.yaml",
        include_str!("../../../assets/demo/10-control-plane.yaml"),
    ),
    (
        "assets/demo/11-kube-system.yaml",
        include_str!("../../../assets/demo/11-kube-system.yaml"),
    ),
    (
        "assets/demo/12-addons.yaml",
        include_str!("../../../assets/demo/12-addons.yaml"),
    ),
    (
        "assets/demo/13-cluster-config.yaml",
        include_str!("../../../assets/demo/13-cluster-config.yaml"),
    ),
    (
        "assets/demo/20-shop.yaml",
        include_str!("../../../assets/demo/20-shop.yaml"),
    ),
    (
        "assets/demo/21-shop-more.yaml",
        include_str!("../../../assets/demo/21-shop-more.yaml"),
    ),
    (
        "assets/demo/30-payments.yaml",
        include_str!("../../../assets/demo/30-payments.yaml"),
    ),
    (
        "assets/demo/40-monitoring.yaml",
        include_str!("../../../assets/demo/40-monitoring.yaml"),
    ),
    (
        "assets/demo/50-events.yaml",
        include_str!("../../../assets/demo/50-events.yaml"),
    ),
    (
        "assets/demo/60-backups.yaml",
        include_str!("../../../assets/demo/60-backups.yaml"),
    ),
];

/// The first line of a scenario file that asks to be completed like the built-in demo.
pub const COMPLETE_DIRECTIVE: &str = "# kmedic-scenario: complete";

/// Completes objects written the way `assets/demo` is: uids and owner uids, pod templates,
/// API-server defaults, workload status counts, Endpoints and EndpointSlices, local
/// APIServices, default ServiceAccounts and root CA ConfigMaps.
pub fn complete(objects: &mut Vec<Value>) {
    defaults::identify(objects);
    template::expand(objects);
    defaults::complete(objects);
    status::derive(objects);
    endpoints::derive(objects);
    cluster_defaults::derive(objects);
}

/// The demo's objects as written at the reference time, completed but not moved.
pub fn objects_at_reference() -> Result<Vec<Value>, ScenarioError> {
    let mut objects = Vec::new();
    for (file, text) in FILES {
        objects.extend(parse::parse_text(file, text)?);
    }
    complete(&mut objects);
    Ok(objects)
}

/// The demo's objects with every timestamp moved by `now - REFERENCE` (whole seconds).
pub fn builtin(now: Timestamp) -> Result<Vec<Value>, ScenarioError> {
    let reference: Timestamp = REFERENCE.parse().map_err(|e| ScenarioError {
        file: "assets/demo".into(),
        line: None,
        message: format!("bad reference time: {e}"),
    })?;
    let delta = now.as_second() - reference.as_second();
    let mut objects = objects_at_reference()?;
    for o in &mut objects {
        timeshift::shift(o, delta);
    }
    Ok(objects)
}

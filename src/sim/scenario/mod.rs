//! Scenarios for the simulated cluster: the built-in demo (assets/demo), loading user files and
//! `cluster-info dump` directories, the synthetic generator, and the liveness driver.
//!
//! Typical use by the server:
//! ```text
//! let objects = scenario::builtin(now)?;            // or load_path(path)? / synthetic(..)
//! store.apply_all(scenario::seed_logs(&objects, now));
//! let mut live = scenario::Liveness::new(seed);
//! live.observe(&objects);                           // optional, see below
//! every second: store.apply_all(live.step(&World { pods, nodes, leases, replica_sets }, now));
//! ```
//! `Liveness::observe` lets the driver update the Endpoints/EndpointSlices of Services when
//! pods change, continue the counts of existing events (e.g. the demo's BackOff event) and
//! know ConfigMap/Secret keys (why a container crashes); without it the driver still runs but
//! creates its own events and leaves Endpoints alone.
//!
//! Objects come back complete, as an API server returns them (uids set; `resourceVersion` left
//! to the store). Mutations never carry a `resourceVersion`.

use std::path::Path;

use jiff::Timestamp;

use super::mutation::Mutation;

mod builtin;
mod cluster_defaults;
mod controller;
mod crash_cause;
mod crashloop;
mod defaults;
mod dump_logs;
mod endpoints;
mod events;
mod ids;
mod json;
mod leases;
mod liveness;
mod load;
mod loglines;
mod loglines_system;
mod logs;
mod parse;
mod pods;
mod status;
mod synth_extra;
mod synth_objects;
mod synth_system;
mod synthetic;
mod template;
mod timeshift;

#[cfg(test)]
mod tests_builtin;
#[cfg(test)]
mod tests_controllers;
#[cfg(test)]
mod tests_demo;
#[cfg(test)]
mod tests_harness;
#[cfg(test)]
mod tests_live;
#[cfg(test)]
mod tests_load;
#[cfg(test)]
mod tests_synthetic;

/// A scenario file that could not be used: which file, which line, and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct ScenarioError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

/// The built-in demo scenario, timestamps shifted so that it looks fresh at `now`.
pub fn builtin(now: Timestamp) -> Result<Vec<serde_json::Value>, ScenarioError> {
    builtin::builtin(now)
}

/// Objects from a file (multi-document YAML, JSON, `kind: List`) or a directory (recursively,
/// including the layout `kubectl cluster-info dump --output-directory` writes).
pub fn load_path(path: &Path) -> Result<Vec<serde_json::Value>, ScenarioError> {
    load::load_path(path)
}

/// Like [`load_path`], each object with the `file:line` it came from, plus a marker for every
/// list (so an empty list still says its kind was listed).
pub fn load_path_sourced(path: &Path) -> Result<Vec<(serde_json::Value, String)>, ScenarioError> {
    load::load_path_sourced(path)
}

/// Container logs found in a `kubectl cluster-info dump --output-directory` tree (the
/// `<namespace>/<pod>/logs.txt` files), as `Log` mutations ending at `now`; empty for anything
/// else. Use together with `load_path` on the same directory.
pub fn dump_logs(path: &Path, now: Timestamp) -> Vec<Mutation> {
    dump_logs::dump_logs(path, now)
}

/// A synthetic cluster of the given size.
pub fn synthetic(
    pods: usize,
    nodes: usize,
    namespaces: usize,
    now: Timestamp,
) -> Vec<serde_json::Value> {
    synthetic::synthetic(pods, nodes, namespaces, now)
}

/// Log lines every container has when the simulated cluster starts (current and previous).
pub fn seed_logs(objects: &[serde_json::Value], now: Timestamp) -> Vec<Mutation> {
    logs::seed_logs(objects, now)
}

pub use liveness::{Liveness, World};

/// The time the built-in scenario is written relative to (`builtin(REFERENCE_TIME)` shifts nothing).
pub use builtin::REFERENCE as REFERENCE_TIME;

//! Scenarios for the simulated cluster: the built-in demo (assets/demo), loading user files and
//! `cluster-info dump` directories, the synthetic generator, and the liveness driver.

use std::path::Path;

use jiff::Timestamp;

use super::mutation::Mutation;

mod builtin;
mod defaults;
mod endpoints;
mod ids;
mod json;
mod load;
mod parse;
mod status;
mod synth_objects;
mod synthetic;
mod template;
mod timeshift;

#[cfg(test)]
mod tests_builtin;
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
pub fn seed_logs(_objects: &[serde_json::Value], _now: Timestamp) -> Vec<Mutation> {
    todo!("H2")
}

/// Keeps a scenario alive: restart counts of crash-looping containers grow, a pod is replaced
/// now and then, running containers write log lines.
pub struct Liveness {
    _seed: u64,
}

impl Liveness {
    pub fn new(seed: u64) -> Self {
        Liveness { _seed: seed }
    }

    /// One step of the driver, given the current pods; called about once a second.
    pub fn step(&mut self, _pods: &[serde_json::Value], _now: Timestamp) -> Vec<Mutation> {
        todo!("H2")
    }
}

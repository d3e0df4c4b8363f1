//! The simulated cluster: an HTTP server on 127.0.0.1 that speaks the Kubernetes REST API
//! (list/get/watch/logs/discovery) over an in-memory object store, filled from a scenario and
//! kept alive by a liveness driver. Powers `kmedic demo`, `kmedic serve-demo` and the tests.

pub mod mutation;
pub mod scenario;
pub mod server;

use std::net::SocketAddr;
use std::path::PathBuf;

/// Where the simulated cluster's objects come from.
#[derive(Debug, Clone)]
pub enum ScenarioSource {
    /// The realistic scenario shipped in `assets/demo/`.
    Builtin,
    /// A YAML/JSON file (multi-document, `kind: List`) or a `cluster-info dump` directory.
    Path(PathBuf),
    /// A generated cluster of the given size, for benchmarks.
    Synthetic {
        pods: usize,
        nodes: usize,
        namespaces: usize,
    },
    /// These objects, as given (tests and embedders); never calls the scenario module unless
    /// `live` is set.
    Objects(Vec<serde_json::Value>),
}

/// A list the simulated cluster refuses with 403, to exercise RBAC handling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forbidden {
    /// Resource name, e.g. "pods".
    pub resource: String,
    /// Only in this namespace; `None` = everywhere (including cluster-wide lists).
    pub namespace: Option<String>,
}

/// How to run the simulated cluster.
#[derive(Debug, Clone)]
pub struct SimOptions {
    pub source: ScenarioSource,
    /// 0 picks a free port. The server always binds 127.0.0.1.
    pub port: u16,
    /// Run the liveness driver (restarts grow, pods are replaced, logs are written).
    pub live: bool,
    pub forbidden: Vec<Forbidden>,
    /// Containers that write generated log lines (rate, stack traces, long lines, ANSI,
    /// invalid UTF-8); empty = off.
    pub log_generators: Vec<server::log_generator::LogGenerator>,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            source: ScenarioSource::Builtin,
            port: 0,
            live: true,
            forbidden: Vec::new(),
            log_generators: Vec::new(),
        }
    }
}

pub use server::{
    RecordedRequest, RunningSim, SimTls, Store, start, start_https, start_with_store,
};

/// The address a kubeconfig for the simulated cluster points at.
pub fn server_url(addr: SocketAddr) -> String {
    format!("http://{addr}")
}

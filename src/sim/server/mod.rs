//! The simulated cluster's HTTP server: binds 127.0.0.1, serves the Kubernetes REST API over
//! the in-memory [`Store`], runs the liveness driver, and shuts down cleanly (ending watches
//! and log streams).

mod accounting;
mod app;
mod authz;
mod crd;
mod discovery;
mod discovery_v2;
mod event_mirror;
mod health;
mod hpa_convert;
mod log_buffer;
pub mod log_generator;
mod logs;
mod metrics;
mod objects;
mod printers;
mod printers_apps;
mod printers_cluster;
mod printers_config;
mod printers_core;
mod printers_pod;
mod protobuf;
mod query;
mod registry;
pub(crate) mod resources;
mod routes;
mod selectors;
mod served;
mod status;
mod store;
mod store_apply;
mod store_query;
mod store_types;
mod store_watch;
mod table;
mod tls;
mod watch;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use anyhow::Context;
use jiff::Timestamp;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use app::RecordedRequest;
pub use log_buffer::{ContainerKey, ContainerLogs, LogLine};
pub use store::{Store, StoreError};
pub use tls::SimTls;

use super::mutation::Mutation;
use super::{ScenarioSource, SimOptions, scenario};
use app::AppState;

/// A running simulated cluster.
pub struct RunningSim {
    pub addr: SocketAddr,
    state: Arc<AppState>,
    /// Taken by `shutdown`; dropping a `RunningSim` stops it too (without waiting).
    server: Option<JoinHandle<()>>,
    liveness: Option<JoinHandle<()>>,
    /// Set when serving HTTPS.
    tls: Option<SimTls>,
    generators: Option<JoinHandle<()>>,
}

impl Drop for RunningSim {
    fn drop(&mut self) {
        self.state.shutdown.cancel();
        if let Some(liveness) = self.liveness.take() {
            liveness.abort();
        }
        if let Some(generators) = self.generators.take() {
            generators.abort();
        }
    }
}

impl RunningSim {
    /// A kubeconfig (YAML) with one context `kmedic-demo` pointing at this server.
    pub fn kubeconfig_yaml(&self) -> String {
        let server = self.url();
        let ca = match self.tls.as_ref().and_then(|t| t.ca_pem.as_ref()) {
            Some(pem) => {
                use base64::Engine;
                format!(
                    "\n    certificate-authority-data: {}",
                    base64::engine::general_purpose::STANDARD.encode(pem)
                )
            }
            None => String::new(),
        };
        format!(
            "apiVersion: v1
kind: Config
clusters:
- name: kmedic-demo
  cluster:
    server: {server}{ca}
users:
- name: kmedic-demo
  user:
    token: kmedic-demo-token
contexts:
- name: kmedic-demo
  context:
    cluster: kmedic-demo
    user: kmedic-demo
    namespace: default
current-context: kmedic-demo
preferences: {{}}
"
        )
    }

    /// The server's URL: `https://…` when serving TLS, else `http://…`.
    pub fn url(&self) -> String {
        match self.tls {
            Some(_) => format!("https://{}", self.addr),
            None => super::server_url(self.addr),
        }
    }

    /// The object store; tests mutate the cluster through it and see watch events.
    pub fn store(&self) -> Arc<Store> {
        self.state.store.clone()
    }

    /// The requests received so far (method, path, query), oldest first; the most recent
    /// 100,000 are kept.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .cloned()
            .collect()
    }

    /// How many POST/PUT/PATCH/DELETE requests were received.
    pub fn mutating_requests(&self) -> usize {
        self.state.mutating.load(Ordering::SeqCst)
    }

    /// How many requests with this verb (`list`, `watch`, `get`, `create`, …, as the API
    /// server names them) were received for `resource`: a plural (`pods`, any group) or
    /// `plural.group` (`deployments.apps`). Exact, unlike the bounded request log.
    pub fn count_requests(&self, verb: &str, resource: &str) -> usize {
        self.state
            .counts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .count(verb, resource)
    }

    /// How many LIST requests (GET of a collection without `watch`) `resource` received.
    pub fn list_requests(&self, resource: &str) -> usize {
        self.count_requests("list", resource)
    }

    /// How many WATCH requests `resource` received.
    pub fn watch_requests(&self, resource: &str) -> usize {
        self.count_requests("watch", resource)
    }

    /// Makes a health check (`etcd`, `informer-sync`, `shutdown`,
    /// `poststarthook/rbac/bootstrap-roles`, …) fail from now on; `/livez`, `/readyz` and
    /// `/healthz` report it like the real API server (`[-]etcd failed: reason withheld`, 500).
    pub fn fail_health_check(&self, check: &str, reason: &str) {
        self.state
            .health_overrides
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(check.to_string(), reason.to_string());
    }

    /// Makes a check failed by `fail_health_check` pass again.
    pub fn heal_health_check(&self, check: &str) {
        self.state
            .health_overrides
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(check);
    }

    /// How often watches that asked for bookmarks get one (default: every minute, as the
    /// real watch cache; tests may shorten it).
    pub fn set_bookmark_interval(&self, interval: Duration) {
        self.state
            .bookmark_interval_ms
            .store(interval.as_millis().max(1) as u64, Ordering::Relaxed);
    }

    /// Stops serving; open watches and log streams end and the port is released.
    pub async fn shutdown(mut self) {
        self.state.shutdown.cancel();
        if let Some(liveness) = self.liveness.take() {
            liveness.abort();
        }
        if let Some(generators) = self.generators.take() {
            generators.abort();
        }
        let Some(mut server) = self.server.take() else {
            return;
        };
        if tokio::time::timeout(Duration::from_secs(5), &mut server)
            .await
            .is_err()
        {
            server.abort();
            let _ = server.await;
        }
    }
}

fn load_objects(source: &ScenarioSource, now: Timestamp) -> anyhow::Result<Vec<serde_json::Value>> {
    Ok(match source {
        ScenarioSource::Builtin => scenario::builtin(now)?,
        ScenarioSource::Path(path) => scenario::load_path(path)?,
        ScenarioSource::Synthetic {
            pods,
            nodes,
            namespaces,
        } => scenario::synthetic(*pods, *nodes, *namespaces, now),
        ScenarioSource::Objects(objects) => objects.clone(),
    })
}

/// Loads the scenario and starts serving on 127.0.0.1 (`opts.port`, 0 = a free port).
pub async fn start(opts: SimOptions) -> anyhow::Result<RunningSim> {
    start_maybe_tls(opts, None).await
}

/// Like [`start`], but serves HTTPS with the given chain and key.
pub async fn start_https(opts: SimOptions, tls: SimTls) -> anyhow::Result<RunningSim> {
    start_maybe_tls(opts, Some(tls)).await
}

async fn start_maybe_tls(opts: SimOptions, tls: Option<SimTls>) -> anyhow::Result<RunningSim> {
    let now = Timestamp::now();
    let objects = load_objects(&opts.source, now)?;
    let store = Arc::new(Store::new());
    let scripted = !matches!(opts.source, ScenarioSource::Objects(_));
    let logs = if scripted || opts.live {
        scenario::seed_logs(&objects, now)
    } else {
        Vec::new()
    };
    // CustomResourceDefinitions first: their custom resources need them.
    let (crds, others): (Vec<_>, Vec<_>) = objects.into_iter().partition(|o| {
        o.get("kind").and_then(serde_json::Value::as_str) == Some("CustomResourceDefinition")
    });
    for object in crds.into_iter().chain(others) {
        if let Err(error) = store.upsert(object) {
            tracing::warn!(%error, "simulated cluster skips an object");
        }
    }
    apply_all(&store, logs);
    serve(store, opts, tls).await
}

/// Serves an existing store (e.g. the one of a server that was shut down, to test clients
/// reconnecting on the same port). `opts.source` is ignored.
pub async fn start_with_store(store: Arc<Store>, opts: SimOptions) -> anyhow::Result<RunningSim> {
    serve(store, opts, None).await
}

async fn serve(
    store: Arc<Store>,
    opts: SimOptions,
    tls: Option<SimTls>,
) -> anyhow::Result<RunningSim> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, opts.port))
        .await
        .with_context(|| format!("cannot listen on 127.0.0.1:{}", opts.port))?;
    let addr = listener.local_addr()?;
    let shutdown = CancellationToken::new();
    let state = Arc::new(AppState::new(
        store.clone(),
        opts.forbidden.clone(),
        shutdown.clone(),
        addr.to_string(),
    ));
    let router = axum::Router::new()
        .fallback(app::handle)
        .with_state(state.clone());
    let stop = shutdown.clone();
    let server = match &tls {
        None => tokio::spawn(async move {
            let serve =
                axum::serve(listener, router).with_graceful_shutdown(stop.cancelled_owned());
            if let Err(error) = serve.await {
                tracing::error!(%error, "simulated cluster server failed");
            }
        }),
        Some(config) => {
            let listener = tls::TlsListener::new(listener, tls::acceptor(config)?, stop.clone())?;
            tokio::spawn(async move {
                let serve =
                    axum::serve(listener, router).with_graceful_shutdown(stop.cancelled_owned());
                if let Err(error) = serve.await {
                    tracing::error!(%error, "simulated cluster HTTPS server failed");
                }
            })
        }
    };
    let generators = (!opts.log_generators.is_empty()).then(|| {
        tokio::spawn(log_generator::run(
            store.clone(),
            opts.log_generators.clone(),
            shutdown.clone(),
        ))
    });
    if !opts.live {
        store.freeze_metrics();
    }
    let liveness = opts
        .live
        .then(|| tokio::spawn(run_liveness(store, shutdown)));
    Ok(RunningSim {
        addr,
        state,
        server: Some(server),
        liveness,
        tls,
        generators,
    })
}

fn apply_all(store: &Store, mutations: Vec<Mutation>) {
    for mutation in mutations {
        if let Err(error) = store.apply(mutation) {
            tracing::warn!(%error, "simulated cluster skips a mutation");
        }
    }
}

async fn run_liveness(store: Arc<Store>, shutdown: CancellationToken) {
    let mut liveness = scenario::Liveness::new(fastrand::u64(..));
    // Let the driver see Services, Events, ConfigMaps and Secrets, so pod changes update
    // Endpoints, event counts continue instead of starting over, and crashes are explained.
    let observed: Vec<serde_json::Value> = ["Service", "Event", "ConfigMap", "Secret"]
        .iter()
        .filter_map(|kind| resources::by_kind("v1", kind))
        .flat_map(|index| store.list_all(index, None))
        .map(|object| object.as_ref().clone())
        .collect();
    liveness.observe(&observed);
    drop(observed);
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = ticker.tick() => {}
        }
        let pods = store.list_all(resources::PODS, None);
        let nodes = store.list_all(resources::NODES, None);
        let leases = store.list_all(resources::LEASES, None);
        let replica_sets = resources::by_kind("apps/v1", "ReplicaSet")
            .map(|i| store.list_all(i, None))
            .unwrap_or_default();
        let world = scenario::World {
            pods: &pods,
            nodes: &nodes,
            leases: &leases,
            replica_sets: &replica_sets,
        };
        let mutations = liveness.step(&world, Timestamp::now());
        drop((pods, nodes, leases, replica_sets));
        apply_all(&store, mutations);
    }
}

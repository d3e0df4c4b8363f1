//! The engine's thread: it owns the analysis [`Engine`], applies the changes the watch loops
//! send (as they come), and analyses what changed once the stream of changes pauses briefly
//! (`QUIET`, and never later than `MAX_DELAY` after the first change; passes are spaced by
//! their own cost, see `DUTY`), plus a
//! clock pass every `CLOCK_EVERY` so that checks that depend on time ("Pending for more than
//! a minute") see the clock move. A result with new findings goes to the app as one
//! `Msg::Analyzed`; a pass that changed nothing only says so (`Msg::Reanalyzed`). It also
//! fetches the previous log of crashed containers once per restart, through the read-only
//! client, and feeds it back as a change. The thread ends when every sender is dropped.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use kube::Client;
use kube::api::{Api, LogParams};
use tokio::sync::mpsc::UnboundedSender;

use crate::app::Msg;
use crate::app::troubleshoot::Analysis;
use crate::certs::collect::CertSources;
use crate::cluster::watch::ChangeSink;
use crate::objects::Kind;
use crate::relations::Query;
use crate::troubleshoot::{
    Change, ContainerKey, CoverageReport, Engine, KindState, Options, Pass,
    containers_needing_previous_logs_for, group_by_root,
};

/// Quiet time after a change before analysing.
const QUIET: Duration = Duration::from_millis(150);
/// The longest a change waits to be analysed, even while changes keep coming.
const MAX_DELAY: Duration = Duration::from_millis(1000);
/// Passes are spaced so that analysis takes at most 1/`DUTY` of a core while changes keep
/// coming: after a pass that took `t`, the next waits at least `t × DUTY` (at most
/// `MAX_SPACING`, so that a new finding shows within two seconds). Small clusters (passes of
/// a millisecond) see no difference.
const DUTY: u32 = 200;
const MAX_SPACING: Duration = Duration::from_millis(1500);
/// Time-based checks (those whose last run read the clock) are re-evaluated this often, or
/// less often when a clock pass is costly (spaced by `DUTY` like the other passes, at most
/// `MAX_CLOCK_SPACING`).
const CLOCK_EVERY: Duration = Duration::from_secs(15);
const MAX_CLOCK_SPACING: Duration = Duration::from_secs(60);
/// Lines of each previous log.
const LOG_TAIL: i64 = 20;
/// Previous logs fetched at most per pass.
const MAX_LOGS: usize = 20;

/// Where the engine reads the time (the system clock; tests fix it).
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// The system clock.
pub fn system_clock() -> Clock {
    Arc::new(Timestamp::now)
}

/// The API server's health is asked this often (`/version`, `/livez`, `/readyz`).
const HEALTH_EVERY: Duration = Duration::from_secs(30);
/// `/metrics` (large on a real server) is read once every this many health probes.
const METRICS_EVERY: u32 = 10;
/// The certificate inspection (a handshake and a few small lists) runs when the engine starts
/// and again this often, so that expiry words follow the clock.
const CERTS_EVERY: Duration = Duration::from_secs(3600);

/// What the thread is told.
enum Input {
    Change(Change),
    /// The generation ended (its handle was dropped): the thread returns.
    Stop,
    /// Answer these relation queries now and after every analysis (replaces the last set).
    Follow(Vec<Query>),
    /// Answer one reach question from the snapshot (the TUI's reach view).
    Reach(ReachQuestion),
    /// The Service ports and their ready endpoints, for node-local mode's packet-path walk.
    ServicePorts(ServicePortsReply),
    /// A TLS Secret an Ingress names was read (or could not be).
    SecretRead(super::tls_secrets::SecretRead),
}

/// What the engine's snapshot tells node-local mode's packet-path walk.
#[derive(Debug, Default)]
pub struct ClusterNetwork {
    /// The Service ports and their ready endpoints (`None`: not known, or only one namespace
    /// watched).
    pub services: Option<Vec<crate::node::analyze::packet_path::ApiServicePort>>,
    /// kube-proxy's mode as the watched ConfigMap kube-system/kube-proxy sets it.
    pub kube_proxy_mode: Option<crate::node::parse::kube_proxy_config::ModeSetting>,
}

/// Where the engine sends what it knows of the cluster's network.
pub type ServicePortsReply = tokio::sync::oneshot::Sender<ClusterNetwork>;

/// "Can pod `from` reach `to`", asked by the app as request `request`.
pub struct ReachQuestion {
    pub request: u64,
    pub from: String,
    pub to: crate::troubleshoot::reach::Target,
    pub port: Option<u16>,
}

/// A running engine: clone the sink into every watch loop.
pub struct EngineHandle {
    tx: Sender<Input>,
}

impl Drop for EngineHandle {
    fn drop(&mut self) {
        // The thread also holds senders (for fetched logs and health), so a dropped handle
        // alone would not disconnect the channel.
        let _ = self.tx.send(Input::Stop);
    }
}

impl EngineHandle {
    /// A sink for the watch loops.
    pub fn sink(&self) -> ChangeSink {
        let tx = std::sync::Mutex::new(self.tx.clone());
        Arc::new(move |change| {
            if let Ok(tx) = tx.lock() {
                let _ = tx.send(Input::Change(change));
            }
        })
    }

    /// Asks the engine to answer `queries` now and keep answering them as the cluster changes.
    pub fn follow(&self, queries: Vec<Query>) {
        let _ = self.tx.send(Input::Follow(queries));
    }

    /// Asks the engine for the Service ports of its snapshot (node-local packet path).
    pub fn service_ports(&self) -> tokio::sync::oneshot::Receiver<ClusterNetwork> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let _ = self.tx.send(Input::ServicePorts(tx));
        rx
    }

    /// Asks the engine a reach question; the answer comes as `Msg::Reached`.
    pub fn reach(&self, question: ReachQuestion) {
        let _ = self.tx.send(Input::Reach(question));
    }
}

/// Starts the engine thread for one watch generation. `expected` are the (kind, scope) pairs
/// the watch set lists: they count as "not listed yet" until they report.
pub fn spawn(
    generation: u64,
    opts: Options,
    expected: Vec<(Kind, Option<String>)>,
    client: Option<(Client, String)>,
    certs: Option<CertSources>,
    results: UnboundedSender<Msg>,
    clock: Clock,
) -> EngineHandle {
    let (tx, rx) = channel();
    let handle = tokio::runtime::Handle::try_current().ok();
    let feedback = tx.clone();
    let spawned = std::thread::Builder::new()
        .name(format!("kmedic-engine-{generation}"))
        .spawn(move || {
            let mut engine = Engine::new(opts);
            for (kind, scope) in expected {
                engine.apply(Change::State(kind, scope, KindState::Unknown));
            }
            if let (Some((c, server)), Some(h)) = (&client, &handle) {
                h.spawn(probe_health(c.clone(), server.clone(), feedback.clone()));
            }
            if let (Some(sources), Some(h)) = (certs, &handle) {
                h.spawn(inspect_certificates(
                    sources,
                    feedback.clone(),
                    clock.clone(),
                ));
            }
            let secrets = client.clone().zip(handle.clone()).map(|((c, _), h)| {
                let tx = std::sync::Mutex::new(feedback.clone());
                let feedback: super::tls_secrets::Feedback = Arc::new(move |read| {
                    if let Ok(tx) = tx.lock() {
                        let _ = tx.send(Input::SecretRead(read));
                    }
                });
                super::tls_secrets::TlsSecretReader::new(c, h, feedback)
            });
            let logs = client.map(|(c, _)| c).zip(handle).map(|(c, h)| LogFetcher {
                client: c,
                runtime: h,
                feedback,
                asked: HashSet::new(),
            });
            run(engine, rx, generation, results, (logs, secrets), clock);
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot start the analysis thread");
    }
    EngineHandle { tx }
}

struct LogFetcher {
    client: Client,
    runtime: tokio::runtime::Handle,
    feedback: Sender<Input>,
    /// (container, restart count) already asked for.
    asked: HashSet<(ContainerKey, i32)>,
}

impl LogFetcher {
    fn fetch_new(&mut self, engine: &Engine, findings: &[crate::findings::Finding]) {
        let wanted = containers_needing_previous_logs_for(engine.snapshot(), findings);
        let mut started = 0;
        for key in wanted {
            let restarts = restart_count(engine, &key);
            if !self.asked.insert((key.clone(), restarts)) || started >= MAX_LOGS {
                continue;
            }
            started += 1;
            let api: Api<k8s_openapi::api::core::v1::Pod> =
                Api::namespaced(self.client.clone(), &key.0);
            let tx = self.feedback.clone();
            self.runtime.spawn(async move {
                let params = LogParams {
                    container: Some(key.2.clone()),
                    previous: true,
                    tail_lines: Some(LOG_TAIL),
                    ..LogParams::default()
                };
                match api.logs(&key.1, &params).await {
                    Ok(text) => {
                        let lines = text.lines().map(str::to_string).collect();
                        let _ = tx.send(Input::Change(Change::PreviousLog(key, lines)));
                    }
                    Err(error) => tracing::debug!(%error, pod = %key.1, "no previous log"),
                }
            });
        }
    }
}

/// Asks the API server's health every `HEALTH_EVERY` (metrics less often) and feeds it to the
/// engine as a change, until the engine thread is gone.
async fn probe_health(client: Client, server: String, feedback: Sender<Input>) {
    let mut round: u32 = 0;
    let mut metrics = crate::troubleshoot::Probed::default();
    loop {
        let mut health = crate::cluster::health::probe(&client).await;
        if round.is_multiple_of(METRICS_EVERY) && health.unreachable().is_none() {
            metrics = crate::cluster::health::probe_metrics(&client).await;
        }
        health.metrics = metrics.clone();
        health.server = server.clone();
        if feedback
            .send(Input::Change(Change::health(health)))
            .is_err()
        {
            return;
        }
        round = round.wrapping_add(1);
        tokio::time::sleep(HEALTH_EVERY).await;
    }
}

/// Runs the certificate inspection (`kmedic certs`' sources) every `CERTS_EVERY` and feeds
/// what it found to the engine as a change, until the engine thread is gone.
async fn inspect_certificates(sources: CertSources, feedback: Sender<Input>, clock: Clock) {
    loop {
        let now = clock();
        let report = crate::certs::collect::collect(&sources, now).await;
        let reading = crate::troubleshoot::CertificateReading::from_report(report, now);
        if feedback
            .send(Input::Change(Change::Certificates(Box::new(reading))))
            .is_err()
        {
            return;
        }
        tokio::time::sleep(CERTS_EVERY).await;
    }
}

fn restart_count(engine: &Engine, key: &ContainerKey) -> i32 {
    engine
        .snapshot()
        .pods
        .find(&key.0, &key.1)
        .and_then(|p| p.status.as_ref())
        .into_iter()
        .flat_map(|s| {
            s.container_statuses
                .iter()
                .flatten()
                .chain(s.init_container_statuses.iter().flatten())
        })
        .find(|c| c.name == key.2)
        .map_or(0, |c| c.restart_count)
}

fn run(
    mut engine: Engine,
    rx: Receiver<Input>,
    generation: u64,
    results: UnboundedSender<Msg>,
    (mut logs, mut secrets): (
        Option<LogFetcher>,
        Option<super::tls_secrets::TlsSecretReader>,
    ),
    clock: Clock,
) {
    let mut first_change: Option<Instant> = None;
    let mut last_change = Instant::now();
    let mut last_clock = Instant::now();
    let mut clock_every = CLOCK_EVERY;
    // The coverage and mirror pods of the last analysis sent (with its findings).
    let mut sent: Option<(CoverageReport, Vec<crate::node::MirrorPod>)> = None;
    let mut analysed_once = false;
    let mut following: Vec<Query> = Vec::new();
    let mut next_allowed = Instant::now();
    loop {
        let wait = match first_change {
            Some(first) => {
                let quiet_end = last_change + QUIET;
                let cap = first + MAX_DELAY;
                quiet_end
                    .min(cap)
                    .max(next_allowed)
                    .saturating_duration_since(Instant::now())
            }
            None if analysed_once => clock_every.saturating_sub(last_clock.elapsed()),
            None => Duration::from_secs(3600),
        };
        match rx.recv_timeout(wait) {
            Ok(Input::Follow(queries)) => {
                following = queries;
                if !answer(&engine, &following, generation, &results) {
                    return;
                }
                continue;
            }
            Ok(Input::Reach(question)) => {
                if !reach(&engine, &question, &results) {
                    return;
                }
                continue;
            }
            Ok(Input::ServicePorts(reply)) => {
                let _ = reply.send(service_ports(&engine));
                continue;
            }
            Ok(Input::SecretRead(read)) => {
                if super::tls_secrets::apply(&mut engine, read) {
                    last_change = Instant::now();
                    first_change.get_or_insert(last_change);
                }
                continue;
            }
            Ok(Input::Change(change)) => {
                engine.apply(change);
                last_change = Instant::now();
                first_change.get_or_insert(last_change);
                // Apply everything already queued before deciding.
                while let Ok(input) = rx.try_recv() {
                    match input {
                        Input::Change(change) => engine.apply(change),
                        Input::Stop => return,
                        Input::Follow(queries) => following = queries,
                        Input::Reach(question) => {
                            if !reach(&engine, &question, &results) {
                                return;
                            }
                        }
                        Input::ServicePorts(reply) => {
                            let _ = reply.send(service_ports(&engine));
                        }
                        Input::SecretRead(read) => {
                            super::tls_secrets::apply(&mut engine, read);
                        }
                    }
                }
                continue;
            }
            Ok(Input::Stop) => return,
            Err(RecvTimeoutError::Disconnected) => return,
            Err(RecvTimeoutError::Timeout) => {}
        }
        let due_change = first_change.is_some() && Instant::now() >= next_allowed;
        let due_clock = analysed_once && last_clock.elapsed() >= clock_every;
        if !due_change && !due_clock {
            continue;
        }
        let started = Instant::now();
        let now = clock();
        let stats = engine.pass(
            now,
            if due_clock {
                Pass::Clock
            } else {
                Pass::Changes
            },
        );
        if due_clock || stats.full {
            last_clock = Instant::now();
            clock_every = started
                .elapsed()
                .saturating_mul(DUTY)
                .clamp(CLOCK_EVERY, MAX_CLOCK_SPACING);
        }
        if let Some(r) = secrets.as_mut() {
            r.read_new(&engine);
        }
        let coverage = CoverageReport::of(engine.snapshot(), &engine.options().panes);
        let mirror_pods: Vec<crate::node::MirrorPod> = engine
            .snapshot()
            .pods
            .in_namespace("kube-system")
            .filter_map(crate::node::MirrorPod::from_compact)
            .collect();
        first_change = None;
        next_allowed = Instant::now() + started.elapsed().saturating_mul(DUTY).min(MAX_SPACING);
        let unchanged = analysed_once
            && !stats.changed
            && sent
                .as_ref()
                .is_some_and(|(c, m)| *c == coverage && *m == mirror_pods);
        analysed_once = true;
        let msg = if unchanged {
            // The findings stand: the app only learns that they are current.
            Msg::Reanalyzed {
                generation,
                at: now,
            }
        } else {
            if let Some(f) = logs.as_mut() {
                f.fetch_new(&engine, engine.findings());
            }
            let findings = engine.shared_findings();
            sent = Some((coverage.clone(), mirror_pods.clone()));
            Msg::Analyzed {
                generation,
                result: Ok(Analysis {
                    groups: group_by_root(&findings),
                    findings,
                    coverage,
                    at: now,
                    took: started.elapsed(),
                    mirror_pods,
                }),
            }
        };
        if results.send(msg).is_err() {
            return;
        }
        if !answer(&engine, &following, generation, &results) {
            return;
        }
    }
}

/// Sends the answers to the followed relation queries; false when the app is gone.
fn answer(
    engine: &Engine,
    following: &[Query],
    generation: u64,
    results: &UnboundedSender<Msg>,
) -> bool {
    if following.is_empty() {
        return true;
    }
    let answers = following
        .iter()
        .map(|q| (q.clone(), crate::relations::answer(engine.snapshot(), q)))
        .collect();
    results
        .send(Msg::Related {
            generation,
            answers,
        })
        .is_ok()
}

/// Answers a reach question from the snapshot (TCP); false when the app is gone.
fn reach(engine: &Engine, q: &ReachQuestion, results: &UnboundedSender<Msg>) -> bool {
    let result = crate::troubleshoot::reach::reach(
        engine.snapshot(),
        &q.from,
        &q.to,
        q.port,
        crate::netpolicy::Protocol::Tcp,
    );
    results
        .send(Msg::Reached {
            request: q.request,
            result,
        })
        .is_ok()
}

/// The Service ports of the snapshot, when it holds every namespace (with one namespace
/// watched, the Services of the others would look deleted to the packet-path walk).
fn service_ports(engine: &Engine) -> ClusterNetwork {
    let snap = engine.snapshot();
    ClusterNetwork {
        services: if engine.options().namespace.is_some() {
            None
        } else {
            crate::node::analyze::packet_path_api::from_snapshot(snap)
        },
        kube_proxy_mode: crate::node::analyze::proxy_mode::from_snapshot(snap),
    }
}

#[cfg(test)]
#[path = "analysis_tests.rs"]
mod tests;

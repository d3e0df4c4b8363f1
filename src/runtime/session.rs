//! A `Session` owns the app state, the cluster client and the current watch set. It turns cluster
//! notifications into pulled snapshots, runs the reducer and performs its effects. The terminal
//! loop drives it; so do the integration tests, with a TestBackend instead of a terminal.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use kube::Client;
use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};
use tokio_util::sync::CancellationToken;

use crate::app::state::{ContextInfo, Target};
use crate::app::{AppState, Effect, Msg, update};
use crate::cluster::{ClusterEvent, KubeSetup, Scope, WatchSet, build_client};

/// How long making a client for another context may take before the switch is reported failed.
const SWITCH_TIMEOUT: Duration = Duration::from_secs(10);
use crate::config::Keymap;
use crate::logs::stream::Report;
use crate::logs::tasks::LogTasks;
use crate::model::ResourceKind;

use super::effects;

/// State plus the machinery that feeds it.
pub struct Session {
    pub state: AppState,
    client: Client,
    setup: KubeSetup,
    allow_writes: bool,
    switched_tx: UnboundedSender<(u64, Scope, Result<Client, String>)>,
    switched_rx: UnboundedReceiver<(u64, Scope, Result<Client, String>)>,
    kubeconfig_changed: UnboundedReceiver<()>,
    watches: WatchSet,
    /// The analysis engine of the current watch generation.
    engine: super::analysis::EngineHandle,
    /// The time the engine judges ages against.
    clock: super::analysis::Clock,
    cluster_tx: UnboundedSender<ClusterEvent>,
    cluster_rx: UnboundedReceiver<ClusterEvent>,
    results_tx: UnboundedSender<Msg>,
    results_rx: UnboundedReceiver<Msg>,
    cancel: CancellationToken,
    logs: LogTasks,
    log_report: Report,
    /// OSC 52 sequences waiting to be written to the terminal.
    clipboard: Vec<String>,
    /// Node-local mode: the node (or bundle) read for the Troubleshoot view.
    node_source: Option<crate::node::NodeSource>,
    /// The browse watch of the Browse table, while it is on screen.
    browse: Option<RunningBrowse>,
    /// The browse watches of the member kinds of the open category lists (`:all`) that the
    /// watch set does not cover, exactly those `app::category::wanted` names.
    category: Vec<RunningBrowse>,
    /// How often each kind's rows are pulled while it keeps changing.
    pacer: super::pull_pacing::PullPacer,
    /// Cancels the metrics read on its way (usage columns), if any.
    usage: Option<CancellationToken>,
}

/// One browse watch: what it watches, its rows, and how to stop it.
struct RunningBrowse {
    request: u64,
    effect: Effect,
    store: Arc<crate::cluster::browse::BrowseStore>,
    cancel: CancellationToken,
}

impl Drop for RunningBrowse {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

impl Session {
    /// Starts watching `setup`'s cluster through `client`.
    pub fn start(
        client: Client,
        setup: &KubeSetup,
        all_namespaces: bool,
        read_only: bool,
        keymap: Arc<Keymap>,
    ) -> Self {
        Session::start_with_clock(
            client,
            setup,
            all_namespaces,
            read_only,
            keymap,
            super::analysis::system_clock(),
        )
    }

    /// Like [`Session::start`], with the analysis judging ages against `clock` (tests of a
    /// cluster frozen at a reference time).
    pub fn start_with_clock(
        client: Client,
        setup: &KubeSetup,
        all_namespaces: bool,
        read_only: bool,
        keymap: Arc<Keymap>,
        clock: super::analysis::Clock,
    ) -> Self {
        let scope = if all_namespaces {
            Scope::All
        } else {
            Scope::Namespace(setup.namespace.clone())
        };
        let target = Target {
            context: setup.context.clone(),
            cluster: setup.cluster.clone(),
            server: setup.server.clone(),
            user: setup.user.clone(),
        };
        let mut state = AppState::new(target, scope.clone(), read_only, keymap, Timestamp::now());
        state.contexts = context_infos(setup);
        let (switched_tx, switched_rx) = mpsc::unbounded_channel();
        let cancel = CancellationToken::new();
        let kubeconfig_changed = effects::watch_files(setup.files.clone(), cancel.clone());
        let (cluster_tx, cluster_rx) = mpsc::unbounded_channel();
        let (results_tx, results_rx) = mpsc::unbounded_channel();
        let engine = start_engine(
            state.generation,
            &scope,
            Some((client.clone(), setup.server.clone())),
            Some(cert_sources(setup, &setup.context)),
            &results_tx,
            clock.clone(),
        );
        let watches = WatchSet::start(
            client.clone(),
            scope,
            state.generation,
            cluster_tx.clone(),
            engine.sink(),
        );
        let report_tx = results_tx.clone();
        let log_report: Report = Arc::new(move |news| {
            let _ = report_tx.send(Msg::Logs(news));
        });
        Session {
            state,
            client,
            setup: setup.clone(),
            allow_writes: !read_only,
            switched_tx,
            switched_rx,
            kubeconfig_changed,
            watches,
            engine,
            clock,
            cluster_tx,
            cluster_rx,
            results_tx,
            results_rx,
            cancel,
            logs: LogTasks::default(),
            log_report,
            clipboard: Vec::new(),
            node_source: None,
            browse: None,
            category: Vec::new(),
            pacer: super::pull_pacing::PullPacer::default(),
            usage: None,
        }
        .discovering()
    }

    /// Starts API discovery for the current client and generation.
    fn discovering(self) -> Self {
        self.spawn_discovery(self.state.generation);
        self
    }

    fn spawn_discovery(&self, generation: u64) {
        let client = self.client.clone();
        let tx = self.results_tx.clone();
        let cancel = self.cancel.clone();
        tokio::spawn(async move {
            tokio::select! {
                () = cancel.cancelled() => {}
                result = crate::cluster::discovery::discover(&client) => {
                    if let Err(e) = &result {
                        tracing::warn!(error = %e, "API discovery failed");
                    }
                    let result = result.map(Arc::new);
                    let _ = tx.send(Msg::Discovered { generation, result });
                }
            }
        });
    }

    /// Starts (or restarts, over the current scope) the browse watch `effect` asks for.
    fn start_browse(&mut self, effect: Effect) {
        self.browse = self.spawn_browse(effect);
    }

    /// A browse watch of what `effect` (an `Effect::Browse`) names, over the current scope.
    fn spawn_browse(&self, effect: Effect) -> Option<RunningBrowse> {
        let Effect::Browse {
            request,
            resource,
            label_selector,
            field_selector,
        } = &effect
        else {
            return None;
        };
        let namespace = match &self.watches.scope {
            Scope::Namespace(ns) if resource.namespaced => Some(ns.clone()),
            _ => None,
        };
        let spec = crate::cluster::browse::BrowseSpec {
            resource: resource.clone(),
            namespace,
            label_selector: label_selector.clone(),
            field_selector: field_selector.clone(),
        };
        let store = Arc::new(crate::cluster::browse::BrowseStore::default());
        let cancel = self.cancel.child_token();
        let request = *request;
        let tx = self.results_tx.clone();
        let notify = move || {
            let _ = tx.send(Msg::BrowseChanged { request });
        };
        tokio::spawn(crate::cluster::browse::run(
            self.client.clone(),
            spec,
            store.clone(),
            notify,
            cancel.clone(),
        ));
        Some(RunningBrowse {
            request,
            effect,
            store,
            cancel,
        })
    }

    /// Runs exactly the browse watches the open category lists need: new member kinds start,
    /// those of lists closed (or of an old scope) stop.
    fn sync_category(&mut self) {
        let wanted = crate::app::category::wanted(&self.state);
        if wanted.len() == self.category.len()
            && wanted
                .iter()
                .zip(&self.category)
                .all(|((r, _), running)| *r == running.request)
        {
            return;
        }
        let mut running = std::mem::take(&mut self.category);
        for (request, resource) in wanted {
            let at = running.iter().position(|b| b.request == request);
            let watch = match at {
                Some(at) => Some(running.swap_remove(at)),
                None => self.spawn_browse(Effect::Browse {
                    request,
                    resource,
                    label_selector: None,
                    field_selector: None,
                }),
            };
            self.category.extend(watch);
        }
        // What is left in `running` is dropped here, which cancels it.
    }

    /// The rows of the browse watch `request`, to the reducer.
    fn pull_browse(&mut self, request: u64) {
        let browse = self
            .browse
            .iter()
            .chain(&self.category)
            .find(|b| b.request == request);
        let Some(browse) = browse else {
            return;
        };
        let rows = browse.store.rows.snapshot();
        let status = browse.store.status();
        self.dispatch(Msg::BrowseRows {
            request,
            status,
            rows,
        });
    }

    /// Node-local mode: reads `source` (this machine, or a bundle) off the UI thread, now,
    /// periodically and on the refresh key, and merges its findings into Troubleshoot.
    /// `detected`: kmedic only guessed it runs on a node (the tab appears once a reading
    /// finds one). `label` says what is read (`this node`, `bundle /mnt/cp-1`).
    pub fn read_node(&mut self, source: crate::node::NodeSource, label: String, detected: bool) {
        self.node_source = Some(source);
        self.dispatch(Msg::NodeLocal(
            crate::app::node_local::NodeLocalMsg::Start {
                source: label,
                detected,
            },
        ));
    }

    /// Runs the reducer on `msg` and performs the effects it asks for.
    pub fn dispatch(&mut self, msg: Msg) {
        if let Msg::BrowseChanged { request } = msg {
            self.pull_browse(request);
            return;
        }
        let effects = update(&mut self.state, msg);
        for effect in effects {
            self.perform(effect);
        }
        // The Browse table left the screen: its watch stops.
        if self.browse.is_some() && self.state.browse.is_none() {
            self.browse = None;
        }
        self.sync_category();
    }

    fn perform(&mut self, effect: Effect) {
        match effect {
            Effect::Rewatch { scope, generation } => {
                // Dropping the old set cancels its tasks; its late events carry an old generation.
                self.restart_watches(scope, generation);
            }
            Effect::Fetch {
                request,
                kind: ResourceKind::Browse,
                key,
            } => {
                // A row of a category's list names its kind; else the Browse table's.
                let resource = crate::app::screens::detail::resource_of(&self.state, request)
                    .or_else(|| self.state.browse.as_ref().map(|b| b.resource.clone()));
                let Some(resource) = resource else {
                    return;
                };
                let client = self.client.clone();
                let tx = self.results_tx.clone();
                let cancel = self.cancel.clone();
                tokio::spawn(async move {
                    tokio::select! {
                        () = cancel.cancelled() => {}
                        result = crate::cluster::fetch::fetch_resource(client, &resource, &key) => {
                            let _ = tx.send(Msg::Fetched { request, result });
                        }
                    }
                });
            }
            Effect::Browse { .. } => self.start_browse(effect),
            Effect::StopBrowse => self.browse = None,
            Effect::FetchUsage {
                request,
                kind,
                resource,
                namespace,
            } => {
                if let Some(previous) = self.usage.take() {
                    previous.cancel();
                }
                let cancel = self.cancel.child_token();
                self.usage = Some(cancel.clone());
                let client = self.client.clone();
                let tx = self.results_tx.clone();
                tokio::spawn(async move {
                    tokio::select! {
                        () = cancel.cancelled() => {}
                        result = crate::cluster::fetch::fetch_usage(client, &resource, namespace.as_deref()) => {
                            let _ = tx.send(Msg::Usage { request, kind, result });
                        }
                    }
                });
            }
            Effect::StopUsage => {
                if let Some(previous) = self.usage.take() {
                    previous.cancel();
                }
            }
            Effect::Fetch { request, kind, key } => {
                effects::spawn_fetch(
                    self.client.clone(),
                    request,
                    kind,
                    key,
                    self.results_tx.clone(),
                    self.cancel.clone(),
                );
            }
            Effect::FetchRelated {
                request,
                kind: ResourceKind::Browse,
                key,
            } => {
                if crate::app::screens::detail::browsing_claims(&self.state) {
                    effects::spawn_fetch_claim_users(
                        self.client.clone(),
                        request,
                        key,
                        self.results_tx.clone(),
                        self.cancel.clone(),
                    );
                }
            }
            Effect::FetchRelated { request, kind, key } => {
                effects::spawn_fetch_related(
                    self.client.clone(),
                    request,
                    kind,
                    key,
                    self.results_tx.clone(),
                    self.cancel.clone(),
                );
            }
            Effect::SwitchContext {
                context,
                scope,
                generation,
            } => {
                // The old cluster's watches stop now; nothing of theirs is accepted any more.
                self.watches = WatchSet::idle(generation);
                let setup = self.setup.for_context(&context).map_err(|e| e.to_string());
                let tx = self.switched_tx.clone();
                let allow_writes = self.allow_writes;
                let cancel = self.cancel.clone();
                tokio::spawn(async move {
                    let build = async {
                        let setup = setup?;
                        tokio::time::timeout(SWITCH_TIMEOUT, build_client(&setup, allow_writes))
                            .await
                            .map_err(|_| {
                                format!("context {context}: no client after {SWITCH_TIMEOUT:?}")
                            })?
                    };
                    tokio::select! {
                        () = cancel.cancelled() => {}
                        result = build => { let _ = tx.send((generation, scope, result)); }
                    }
                });
            }
            Effect::InspectCerts { request } => {
                // The same kubeconfig files and context the session uses; node files under /.
                let sources = cert_sources(&self.setup, &self.state.target.context);
                let tx = self.results_tx.clone();
                let cancel = self.cancel.clone();
                tokio::spawn(async move {
                    let now = Timestamp::now();
                    tokio::select! {
                        () = cancel.cancelled() => {}
                        report = crate::certs::collect::collect(&sources, now) => {
                            let result = report.map(|r| Box::new(crate::certs::view::CertsView::new(r, now)));
                            let _ = tx.send(Msg::CertsInspected { request, result });
                        }
                    }
                });
            }
            Effect::ReviewAccess { request, scope } => {
                let client = self.client.clone();
                let tx = self.results_tx.clone();
                let cancel = self.cancel.clone();
                tokio::spawn(async move {
                    tokio::select! {
                        () = cancel.cancelled() => {}
                        report = crate::cluster::access::review_access(client, &scope) => {
                            let result = report.map(|r| crate::cluster::access::report_lines(&r));
                            let _ = tx.send(Msg::AccessReviewed { request, result });
                        }
                    }
                });
            }
            Effect::Follow { queries } => self.engine.follow(queries),
            Effect::Reach {
                request,
                from,
                to,
                port,
            } => self.engine.reach(super::analysis::ReachQuestion {
                request,
                from,
                to,
                port,
            }),
            Effect::Copy { text } => self.clipboard.push(super::clipboard::osc52(&text)),
            Effect::Logs(effect) => {
                self.logs
                    .perform(effect, &self.client, &self.log_report, &self.cancel);
            }
            Effect::InspectNode {
                request,
                context,
                files_first,
            } => {
                if let Some(source) = self.node_source.clone() {
                    // The watched Services, for the packet-path walk, from the engine thread.
                    let services = self.engine.service_ports();
                    effects::spawn_node_inspection(
                        source,
                        request,
                        (context, files_first, services),
                        // The node's files are real (certificate expiry): judged against the
                        // system clock, even when the cluster's analysis uses a fixed one.
                        Timestamp::now(),
                        self.results_tx.clone(),
                        self.cancel.clone(),
                    );
                }
            }
            Effect::Probe { generation } => {
                effects::spawn_probe(
                    self.client.clone(),
                    generation,
                    self.results_tx.clone(),
                    self.cancel.clone(),
                );
            }
        }
    }

    /// Waits for the next notification or effect result and applies it together with everything
    /// else already queued (so a burst of watch events becomes one snapshot per kind).
    pub async fn next(&mut self) {
        let paced = self.pacer.next_deadline();
        tokio::select! {
            _ = sleep_until_some(paced) => self.pull_due(),
            Some(event) = self.cluster_rx.recv() => self.absorb_cluster(vec![event]),
            Some(msg) = self.results_rx.recv() => self.dispatch(msg),
            Some((generation, scope, result)) = self.switched_rx.recv() => self.switched(generation, scope, result),
            Some(()) = self.kubeconfig_changed.recv() => self.reload_kubeconfig(),
        }
        self.drain();
    }

    /// The kubeconfig changed on disk: take the new context list, and reconnect when the current
    /// context's server or credentials changed.
    fn reload_kubeconfig(&mut self) {
        let result = match self.setup.reload() {
            Ok(setup) => {
                let reconnect = self.setup.connection_differs(&setup);
                let contexts = context_infos(&setup);
                self.setup = setup;
                Ok((contexts, reconnect))
            }
            Err(e) => Err(e.to_string()),
        };
        self.dispatch(Msg::KubeconfigReloaded { result });
    }

    /// A client for a context switched to is ready (or could not be made). Results of a switch
    /// that was superseded by another are dropped.
    fn switched(&mut self, generation: u64, scope: Scope, result: Result<Client, String>) {
        if generation != self.state.generation {
            return;
        }
        match result {
            Ok(client) => {
                self.client = client;
                self.restart_watches(scope, generation);
            }
            Err(error) => self.dispatch(Msg::ContextFailed { generation, error }),
        }
    }

    /// Applies everything queued without waiting.
    pub fn drain(&mut self) {
        let mut events = Vec::new();
        while let Ok(event) = self.cluster_rx.try_recv() {
            events.push(event);
        }
        if !events.is_empty() {
            self.absorb_cluster(events);
        }
        self.pull_due();
        while let Ok(msg) = self.results_rx.try_recv() {
            self.dispatch(msg);
        }
    }

    fn absorb_cluster(&mut self, events: Vec<ClusterEvent>) {
        let mut changed = BTreeSet::new();
        for event in events {
            if event.generation() != self.watches.generation {
                continue;
            }
            match event {
                ClusterEvent::Changed { kind, .. } => {
                    if self.pacer.may_pull(kind, Instant::now()) {
                        changed.insert(kind);
                    }
                }
                other => {
                    // A kind that has just listed is shown at once.
                    if let ClusterEvent::Synced { kind, .. } = &other {
                        changed.insert(*kind);
                    }
                    self.dispatch(Msg::Cluster(other));
                }
            }
        }
        for kind in changed {
            self.pull(kind);
        }
    }

    /// Pulls the kinds that changed while they had to wait and whose time has come.
    fn pull_due(&mut self) {
        for kind in self.pacer.take_due(Instant::now()) {
            self.pull(kind);
        }
    }

    fn pull(&mut self, kind: ResourceKind) {
        let started = Instant::now();
        let rows = self.watches.stores.snapshot(kind);
        let generation = self.watches.generation;
        self.dispatch(Msg::Rows {
            generation,
            kind,
            rows,
        });
        self.pacer.pulled(kind, started, started.elapsed());
    }

    /// A new watch set (and a new engine) over `scope` for `generation`; the old ones stop.
    fn restart_watches(&mut self, scope: Scope, generation: u64) {
        let server = self.state.target.server.clone();
        self.engine = start_engine(
            generation,
            &scope,
            Some((self.client.clone(), server)),
            Some(cert_sources(&self.setup, &self.state.target.context)),
            &self.results_tx,
            self.clock.clone(),
        );
        self.pacer.reset();
        // The new engine follows what the open screens show, as the old one did.
        self.engine.follow(self.state.following.clone());
        self.watches = WatchSet::start(
            self.client.clone(),
            scope,
            generation,
            self.cluster_tx.clone(),
            self.engine.sink(),
        );
        self.spawn_discovery(generation);
        if let Some(running) = self.browse.take() {
            let effect = running.effect.clone();
            drop(running);
            self.start_browse(effect);
        }
        // The category lists' watches stop; the next sync starts those still wanted over the
        // new scope (a scope change gives them new ids, so nothing of the old one lands).
        self.category.clear();
        self.sync_category();
    }

    /// OSC 52 clipboard sequences the screens asked for, for the terminal to write.
    pub fn take_clipboard(&mut self) -> Vec<String> {
        std::mem::take(&mut self.clipboard)
    }

    /// Browse watches running now for the open category lists (`:all`).
    pub fn category_watches(&self) -> usize {
        self.category.len()
    }

    /// Log streams running now.
    pub fn log_streams(&self) -> usize {
        self.logs.running()
    }

    /// Processes events until `done(state)` holds or `timeout` passes; true if it held.
    pub async fn wait_until(
        &mut self,
        timeout: Duration,
        done: impl Fn(&AppState) -> bool,
    ) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        self.drain();
        while !done(&self.state) {
            if tokio::time::timeout_at(deadline, self.next())
                .await
                .is_err()
            {
                return done(&self.state);
            }
        }
        true
    }
}

/// The engine for one watch generation: it expects every (kind, scope) the watch set lists.
fn start_engine(
    generation: u64,
    scope: &Scope,
    client: Option<(Client, String)>,
    certs: Option<crate::certs::collect::CertSources>,
    results: &UnboundedSender<Msg>,
    clock: super::analysis::Clock,
) -> super::analysis::EngineHandle {
    let expected = crate::cluster::watch::targets(scope)
        .into_iter()
        .map(|(t, _)| (t.kind, t.namespace))
        .collect();
    let opts = crate::troubleshoot::Options {
        namespace: match scope {
            Scope::All => None,
            Scope::Namespace(ns) => Some(ns.clone()),
        },
        ..Default::default()
    };
    super::analysis::spawn(
        generation,
        opts,
        expected,
        client,
        certs,
        results.clone(),
        clock,
    )
}

/// What the certificate inspection reads for `context`: the session's kubeconfig (when it is
/// one file), that context's API server, and the node's files under `/`.
fn cert_sources(setup: &KubeSetup, context: &str) -> crate::certs::collect::CertSources {
    crate::certs::collect::CertSources {
        kubeconfig: (setup.files.len() == 1).then(|| setup.files[0].clone()),
        context: Some(context.to_string()),
        host_root: std::path::PathBuf::from("/"),
        offline: false,
    }
}

fn context_infos(setup: &KubeSetup) -> Vec<ContextInfo> {
    setup
        .contexts()
        .into_iter()
        .map(|(name, cluster, server, user, namespace)| ContextInfo {
            name,
            cluster,
            server,
            user,
            namespace,
        })
        .collect()
}

/// Sleeps until `deadline`; never wakes without one.
async fn sleep_until_some(deadline: Option<Instant>) {
    match deadline {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}

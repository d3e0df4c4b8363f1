//! A `Session` owns the app state, the cluster client and the current watch set. It turns cluster
//! notifications into pulled snapshots, runs the reducer and performs its effects. The terminal
//! loop drives it; so do the integration tests, with a TestBackend instead of a terminal.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use kube::Client;
use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};
use tokio_util::sync::CancellationToken;

use crate::app::state::Target;
use crate::app::{AppState, Effect, Msg, update};
use crate::cluster::{ClusterEvent, KubeSetup, Scope, WatchSet};
use crate::config::Keymap;
use crate::logs::stream::Report;
use crate::logs::tasks::LogTasks;
use crate::model::ResourceKind;

use super::effects;

/// State plus the machinery that feeds it.
pub struct Session {
    pub state: AppState,
    client: Client,
    watches: WatchSet,
    cluster_tx: UnboundedSender<ClusterEvent>,
    cluster_rx: UnboundedReceiver<ClusterEvent>,
    results_tx: UnboundedSender<Msg>,
    results_rx: UnboundedReceiver<Msg>,
    cancel: CancellationToken,
    logs: LogTasks,
    log_report: Report,
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
        let state = AppState::new(target, scope.clone(), read_only, keymap, Timestamp::now());
        let (cluster_tx, cluster_rx) = mpsc::unbounded_channel();
        let (results_tx, results_rx) = mpsc::unbounded_channel();
        let watches = WatchSet::start(client.clone(), scope, state.generation, cluster_tx.clone());
        let report_tx = results_tx.clone();
        let log_report: Report = Arc::new(move |news| {
            let _ = report_tx.send(Msg::Logs(news));
        });
        Session {
            state,
            client,
            watches,
            cluster_tx,
            cluster_rx,
            results_tx,
            results_rx,
            cancel: CancellationToken::new(),
            logs: LogTasks::default(),
            log_report,
        }
    }

    /// Runs the reducer on `msg` and performs the effects it asks for.
    pub fn dispatch(&mut self, msg: Msg) {
        let effects = update(&mut self.state, msg);
        for effect in effects {
            self.perform(effect);
        }
    }

    fn perform(&mut self, effect: Effect) {
        match effect {
            Effect::Rewatch { scope, generation } => {
                // Dropping the old set cancels its tasks; its late events carry an old generation.
                self.watches = WatchSet::start(
                    self.client.clone(),
                    scope,
                    generation,
                    self.cluster_tx.clone(),
                );
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
            Effect::Logs(effect) => {
                self.logs
                    .perform(effect, &self.client, &self.log_report, &self.cancel);
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
        tokio::select! {
            Some(event) = self.cluster_rx.recv() => self.absorb_cluster(vec![event]),
            Some(msg) = self.results_rx.recv() => self.dispatch(msg),
        }
        self.drain();
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
                    changed.insert(kind);
                }
                other => {
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

    fn pull(&mut self, kind: ResourceKind) {
        let rows = self.watches.stores.snapshot(kind);
        let generation = self.watches.generation;
        self.dispatch(Msg::Rows {
            generation,
            kind,
            rows,
        });
    }

    /// OSC 52 clipboard sequences the log pane asked for, for the terminal to write.
    pub fn take_clipboard(&mut self) -> Vec<String> {
        std::mem::take(&mut self.logs.clipboard)
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

//! Background tasks started for effects: object fetches, node-local readings and the
//! reconnect probe. Each reports
//! back as a `Msg` and stops when the session is cancelled.

use std::time::Duration;

use kube::Client;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use crate::app::Msg;
use crate::cluster::fetch::fetch_object;
use crate::model::{ObjKey, ResourceKind};

pub fn spawn_fetch(
    client: Client,
    request: u64,
    kind: ResourceKind,
    key: ObjKey,
    tx: UnboundedSender<Msg>,
    cancel: CancellationToken,
) {
    tokio::spawn(async move {
        tokio::select! {
            () = cancel.cancelled() => {}
            result = fetch_object(client, kind, &key) => {
                let _ = tx.send(Msg::Fetched { request, result });
            }
        }
    });
}

/// The engine's answer with the watched Service ports (node-local packet path).
pub type ServicePorts = tokio::sync::oneshot::Receiver<super::analysis::ClusterNetwork>;

/// How long a node reading waits for the engine's Service ports before going without them.
const SERVICE_PORTS_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Reads the node (files and allow-listed read-only commands, or a bundle's files) on a
/// blocking thread and reports `Msg::NodeLocal`. `files_first`: only when the files under the
/// root are a node's are its commands run. `now` judges certificate expiry. Cancelled
/// with the session: the result of a reading still running is then dropped (each command has
/// its own timeout, so the thread ends on its own). The watched Services (`services`, from the
/// engine) are compared with kube-proxy's rules on the node (the packet-path walk), walked in
/// the mode the watched kube-proxy ConfigMap sets when the node does not say its own.
pub fn spawn_node_inspection(
    source: crate::node::NodeSource,
    request: u64,
    (mut context, files_first, services): (crate::node::ClusterContext, bool, ServicePorts),
    now: jiff::Timestamp,
    tx: UnboundedSender<Msg>,
    cancel: CancellationToken,
) {
    tokio::spawn(async move {
        // The engine answers between passes; a busy or gone engine only costs the comparison.
        let mut kube_proxy_mode = None;
        if let Ok(Ok(network)) = tokio::time::timeout(SERVICE_PORTS_WAIT, services).await {
            if context.services.is_none() {
                context.services = network.services;
            }
            kube_proxy_mode = network.kube_proxy_mode;
        }
        let job = tokio::task::spawn_blocking(move || {
            if files_first {
                let files = crate::node::NodeSource::bundle(source.fs().root())?;
                let data = crate::node::collect::collect(&files);
                if !crate::node::collect::looks_like_a_node(&data) {
                    return Err(format!(
                        "no Kubernetes node files under {}",
                        source.fs().root().display()
                    ));
                }
            }
            crate::node::report::inspect_with(&source, &context, kube_proxy_mode, now)
                .map(|(report, _)| report)
        });
        tokio::select! {
            () = cancel.cancelled() => {}
            joined = job => {
                let result = joined
                    .map_err(|e| format!("the node collector stopped: {e}"))
                    .and_then(|r| r);
                let msg = crate::app::node_local::NodeLocalMsg::Inspected {
                    request,
                    at: jiff::Timestamp::now(),
                    result,
                };
                let _ = tx.send(Msg::NodeLocal(msg));
            }
        }
    });
}

/// Fetches what a drill-down or tree needs that the caches do not hold, and reports
/// `Msg::FetchedRelated`.
pub fn spawn_fetch_related(
    client: Client,
    request: u64,
    kind: ResourceKind,
    key: ObjKey,
    tx: UnboundedSender<Msg>,
    cancel: CancellationToken,
) {
    tokio::spawn(async move {
        tokio::select! {
            () = cancel.cancelled() => {}
            result = crate::cluster::fetch::fetch_related(client, kind, &key) => {
                let _ = tx.send(Msg::FetchedRelated { request, result });
            }
        }
    });
}

/// Reads the pods that use a PersistentVolumeClaim (its describe's "Used By") and reports
/// `Msg::FetchedRelated`.
pub fn spawn_fetch_claim_users(
    client: Client,
    request: u64,
    key: ObjKey,
    tx: UnboundedSender<Msg>,
    cancel: CancellationToken,
) {
    tokio::spawn(async move {
        tokio::select! {
            () = cancel.cancelled() => {}
            result = crate::cluster::fetch::fetch_claim_users(client, &key) => {
                let _ = tx.send(Msg::FetchedRelated { request, result });
            }
        }
    });
}

/// While the connection is down, asks the server for its version with growing pauses, and
/// reports when it answers. Not a poll of cluster data: it stops at the first answer.
pub fn spawn_probe(
    client: Client,
    generation: u64,
    tx: UnboundedSender<Msg>,
    cancel: CancellationToken,
) {
    tokio::spawn(async move {
        let mut pause = Duration::from_millis(500);
        loop {
            tokio::select! {
                () = cancel.cancelled() => return,
                () = tokio::time::sleep(pause) => {}
            }
            if client.apiserver_version().await.is_ok() {
                let _ = tx.send(Msg::Reachable { generation });
                return;
            }
            pause = (pause * 2).min(Duration::from_secs(15));
        }
    });
}

/// Reports when any of `files` changes on disk (modification time or size), checking once a
/// second. Local files only: this never talks to the cluster.
pub fn watch_files(
    files: Vec<std::path::PathBuf>,
    cancel: CancellationToken,
) -> tokio::sync::mpsc::UnboundedReceiver<()> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let stamp = move |files: &[std::path::PathBuf]| -> Vec<Option<(std::time::SystemTime, u64)>> {
        files
            .iter()
            .map(|f| {
                std::fs::metadata(f)
                    .ok()
                    .and_then(|m| Some((m.modified().ok()?, m.len())))
            })
            .collect()
    };
    tokio::spawn(async move {
        let mut last = stamp(&files);
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tokio::select! {
                () = cancel.cancelled() => return,
                _ = tick.tick() => {}
            }
            let now = stamp(&files);
            if now != last {
                last = now;
                if tx.send(()).is_err() {
                    return;
                }
            }
        }
    });
    rx
}

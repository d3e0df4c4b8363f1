//! The one set of watches: a [`reflector`](super::reflector) loop per kind the tables and the
//! engine read, in the scope shown (one namespace, or all), plus the system namespaces the
//! cluster checks need (kube-system, kube-node-lease) when one other namespace is shown. Each
//! object is decoded once into its compact form, which goes to the engine as a change and,
//! for kinds with a table, becomes a row in the `RowStores`. A `WatchSet` is one generation of
//! these tasks; dropping it cancels them all.

use std::sync::Arc;

use kube::Client;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use super::events::{ClusterEvent, Scope};
use super::reflector::{self, Reflected, Target};
use super::store::{KindRows, RowStores};
use crate::model::{ObjKey, ResourceKind, Row, build};
use crate::objects::{Kind, Object};
use crate::troubleshoot::{Change, KindState};

/// Where the engine's changes go.
pub type ChangeSink = Arc<dyn Fn(Change) + Send + Sync>;

/// Kinds the cluster checks read in kube-system when another namespace is shown.
const SYSTEM_KINDS: &[Kind] = &[
    Kind::Pod,
    Kind::Service,
    Kind::Endpoints,
    Kind::EndpointSlice,
    Kind::Deployment,
    Kind::DaemonSet,
    Kind::ConfigMap,
    Kind::Lease,
];

/// System namespaces the cluster checks read.
pub const SYSTEM_NAMESPACE: &str = "kube-system";
pub const NODE_LEASE_NAMESPACE: &str = "kube-node-lease";

/// One generation of watch tasks over a scope.
pub struct WatchSet {
    pub generation: u64,
    pub scope: Scope,
    pub stores: RowStores,
    cancel: CancellationToken,
}

impl Drop for WatchSet {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// What every loop of a set shares.
#[derive(Clone)]
struct Shared {
    generation: u64,
    stores: RowStores,
    tx: UnboundedSender<ClusterEvent>,
    engine: ChangeSink,
    scope: Scope,
}

/// The table a kind's rows fill, if it has one.
pub fn view_of(kind: Kind) -> Option<ResourceKind> {
    Some(match kind {
        Kind::Pod => ResourceKind::Pods,
        Kind::Deployment => ResourceKind::Deployments,
        Kind::Service => ResourceKind::Services,
        Kind::Endpoints => ResourceKind::Endpoints,
        Kind::Event => ResourceKind::Events,
        Kind::Node => ResourceKind::Nodes,
        Kind::Namespace => ResourceKind::Namespaces,
        _ => return None,
    })
}

/// The row of an object, for kinds with a table.
pub fn row_of(obj: &Object) -> Option<Row> {
    Some(match obj {
        Object::Pod(p) => build::pod_row(p),
        Object::Deployment(d) => build::deployment_row(d),
        Object::Service(s) => build::service_row(s),
        Object::Endpoints(e) => build::endpoints_row(e),
        Object::Event(e) => build::event_row(e),
        Object::Node(n) => build::node_row(n),
        Object::Namespace(n) => build::namespace_row(n),
        _ => return None,
    })
}

/// The loops a scope needs: every kind in the scope, and the system namespaces' kinds for
/// the cluster checks when the scope is another single namespace. The bool says whether the
/// loop feeds the tables.
pub fn targets(scope: &Scope) -> Vec<(Target, bool)> {
    let mut out = Vec::new();
    for kind in Kind::ALL {
        let namespace = match scope {
            Scope::Namespace(ns) if kind.namespaced() => Some(ns.clone()),
            _ => None,
        };
        out.push((
            Target {
                kind: *kind,
                namespace,
            },
            true,
        ));
    }
    if let Scope::Namespace(ns) = scope {
        if ns != SYSTEM_NAMESPACE {
            for kind in SYSTEM_KINDS {
                out.push((
                    Target {
                        kind: *kind,
                        namespace: Some(SYSTEM_NAMESPACE.to_string()),
                    },
                    false,
                ));
            }
        }
        if ns != NODE_LEASE_NAMESPACE {
            out.push((
                Target {
                    kind: Kind::Lease,
                    namespace: Some(NODE_LEASE_NAMESPACE.to_string()),
                },
                false,
            ));
        }
    }
    out
}

impl WatchSet {
    /// A set that watches nothing (while a client for a new context is being made).
    pub fn idle(generation: u64) -> Self {
        WatchSet {
            generation,
            scope: Scope::All,
            stores: RowStores::new(),
            cancel: CancellationToken::new(),
        }
    }

    /// Starts watching every kind in `scope`; rows go to the stores (and `tx` hears of them),
    /// every object goes to `engine`.
    pub fn start(
        client: Client,
        scope: Scope,
        generation: u64,
        tx: UnboundedSender<ClusterEvent>,
        engine: ChangeSink,
    ) -> Self {
        let stores = RowStores::new();
        let cancel = CancellationToken::new();
        let shared = Shared {
            generation,
            stores: stores.clone(),
            tx,
            engine,
            scope: scope.clone(),
        };
        for (target, tables) in targets(&scope) {
            let shared = shared.clone();
            let client = client.clone();
            let cancel = cancel.clone();
            tokio::spawn(async move {
                let view = if tables { view_of(target.kind) } else { None };
                let kind = target.kind;
                let namespace = target.namespace.clone();
                let synced = std::sync::atomic::AtomicBool::new(false);
                let report = move |event: Reflected| {
                    on_event(&shared, kind, namespace.clone(), view, &synced, event);
                };
                reflector::run(client, target, report, cancel).await;
            });
        }
        WatchSet {
            generation,
            scope,
            stores,
            cancel,
        }
    }
}

fn on_event(
    shared: &Shared,
    kind: Kind,
    namespace: Option<String>,
    view: Option<ResourceKind>,
    synced: &std::sync::atomic::AtomicBool,
    event: Reflected,
) {
    use std::sync::atomic::Ordering;
    let rows = view.and_then(|v| shared.stores.kind(v).map(|r| (v, r)));
    match event {
        Reflected::Listed { objects, malformed } => {
            synced.store(true, Ordering::SeqCst);
            if let Some((view, store)) = rows {
                store.replace(objects.iter().filter_map(|o| row_of(o).map(Arc::new)));
                store.mark_changed();
                send(
                    shared,
                    ClusterEvent::Synced {
                        generation: shared.generation,
                        kind: view,
                    },
                );
                if !malformed.is_empty() {
                    send(
                        shared,
                        ClusterEvent::Malformed {
                            generation: shared.generation,
                            kind: view,
                            objects: malformed.iter().map(|m| m.describe()).collect(),
                        },
                    );
                }
            }
            // Before the Reset: `check` stops reading once every kind has been reset.
            for m in malformed {
                (shared.engine)(Change::Malformed(m));
            }
            (shared.engine)(Change::Reset(kind, namespace, objects));
        }
        Reflected::Applied(obj) => {
            if let Some((view, store)) = rows
                && let Some(row) = row_of(&obj)
            {
                store.upsert(row);
                notify(shared, store, view);
            }
            (shared.engine)(Change::Upsert(obj));
        }
        Reflected::Deleted(key) => {
            if let Some((view, store)) = rows {
                store.remove(&key);
                notify(shared, store, view);
            }
            (shared.engine)(Change::Delete(kind, key));
        }
        Reflected::Malformed(m) => {
            if let Some((view, _)) = rows {
                send(
                    shared,
                    ClusterEvent::Malformed {
                        generation: shared.generation,
                        kind: view,
                        objects: vec![m.describe()],
                    },
                );
            }
            (shared.engine)(Change::Malformed(m));
        }
        Reflected::Refused { code, message } => {
            tracing::warn!(kind = kind.name(), code, reason = %message, "list or watch refused");
            if let Some((view, _)) = rows {
                send(
                    shared,
                    ClusterEvent::Refused {
                        generation: shared.generation,
                        kind: view,
                        code,
                        message: refused_message(view, &shared.scope, code, &message),
                    },
                );
            }
            (shared.engine)(Change::State(kind, namespace, KindState::Refused(message)));
        }
        Reflected::NotServed(message) => {
            (shared.engine)(Change::State(
                kind,
                namespace,
                KindState::NotServed(message),
            ));
        }
        Reflected::Failed(message) => {
            tracing::warn!(kind = kind.name(), error = %message, "watch error");
            if let Some((view, _)) = rows {
                send(
                    shared,
                    ClusterEvent::Disconnected {
                        generation: shared.generation,
                        kind: view,
                        message: short_error(&message),
                    },
                );
            }
            // Data already listed stays (marked stale by the UI); a kind never listed is
            // not covered.
            if !synced.load(Ordering::SeqCst) {
                (shared.engine)(Change::State(
                    kind,
                    namespace,
                    KindState::Failed(short_error(&message)),
                ));
            }
        }
    }
}

fn notify(shared: &Shared, rows: &KindRows, kind: ResourceKind) {
    if rows.mark_changed() {
        send(
            shared,
            ClusterEvent::Changed {
                generation: shared.generation,
                kind,
            },
        );
    }
}

fn send(shared: &Shared, event: ClusterEvent) {
    // The receiver is gone only while the app shuts down.
    let _ = shared.tx.send(event);
}

/// Says what a refusal means for this list: a 401 says only "Unauthorized".
fn refused_message(kind: ResourceKind, scope: &Scope, code: u16, message: &str) -> String {
    if code == 401 {
        let what = match (kind.namespaced(), scope) {
            (true, Scope::Namespace(ns)) => {
                format!("cannot list {} in namespace {ns}", kind.resource())
            }
            _ => format!("cannot list {} at the cluster scope", kind.resource()),
        };
        return format!(
            "credentials rejected (401 Unauthorized: the token or client certificate expired or is \
             invalid; log in again): {what}"
        );
    }
    if message.is_empty() {
        match (kind.namespaced(), scope) {
            (true, Scope::Namespace(ns)) => {
                format!("cannot list {} in namespace {ns}", kind.resource())
            }
            _ => format!("cannot list {} at the cluster scope", kind.resource()),
        }
    } else {
        message.to_string()
    }
}

/// The innermost cause of a connection error, which is what a user can act on.
pub fn short_error(chain: &str) -> String {
    let lower = chain.to_ascii_lowercase();
    if lower.contains("did not answer within") || lower.starts_with("the api server answered") {
        // Already a sentence naming the server and the wait, or the HTTP status.
        chain.to_string()
    } else if lower.contains("connection refused") {
        "connection refused".to_string()
    } else if lower.contains("timed out")
        || lower.contains("timeout")
        || lower.contains("deadline has elapsed")
    {
        "connection timed out".to_string()
    } else if lower.contains("dns error") || lower.contains("failed to lookup") {
        "cannot resolve the server's host name".to_string()
    } else if lower.contains("certificate") {
        format!("TLS: {}", chain.rsplit(": ").next().unwrap_or(chain))
    } else {
        chain.rsplit(": ").next().unwrap_or(chain).to_string()
    }
}

/// The key of an object row, for tests.
pub fn key_of(obj: &Object) -> ObjKey {
    obj.key()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_namespace_scope_also_watches_what_cluster_checks_read() {
        let t = targets(&Scope::Namespace("shop".into()));
        assert!(t.iter().any(|(t, tables)| t.kind == Kind::Pod
            && t.namespace.as_deref() == Some("kube-system")
            && !tables));
        assert!(t.iter().any(
            |(t, _)| t.kind == Kind::Lease && t.namespace.as_deref() == Some("kube-node-lease")
        ));
        assert!(
            t.iter()
                .any(|(t, tables)| t.kind == Kind::Node && t.namespace.is_none() && *tables)
        );
        let all = targets(&Scope::All);
        assert!(all.iter().all(|(t, _)| t.namespace.is_none()));
        assert_eq!(all.len(), Kind::ALL.len());
    }

    #[test]
    fn unauthorized_explains_expired_credentials() {
        let m = refused_message(ResourceKind::Nodes, &Scope::All, 401, "Unauthorized");
        assert!(
            m.contains("credentials rejected")
                && m.contains("cannot list nodes at the cluster scope"),
            "{m}"
        );
        let f = refused_message(
            ResourceKind::Pods,
            &Scope::Namespace("shop".into()),
            403,
            "pods is forbidden: User \"dev\"",
        );
        assert_eq!(f, "pods is forbidden: User \"dev\"");
    }
}

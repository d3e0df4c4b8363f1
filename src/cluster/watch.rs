//! Watch tasks: one kube `watcher` per kind (initial list, then watch with bookmarks, re-list on
//! 410 Gone, backoff on errors) turning objects into rows in the `RowStores` and announcing
//! changes. A `WatchSet` is one generation of tasks; dropping it cancels them all.

use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::Arc;

use futures::StreamExt;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Endpoints, Event as CoreEvent, Namespace, Node, Pod, Service};
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use kube::{Api, Client, Resource, ResourceExt};
use serde::de::DeserializeOwned;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use super::events::{ClusterEvent, Scope};
use super::kubeconfig::error_chain;
use super::store::{KindRows, RowStores};
use crate::model::build;
use crate::model::{ObjKey, ResourceKind, Row};

/// Page size of the initial list; keeps memory flat on huge clusters.
const PAGE_SIZE: u32 = 500;

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

/// What every watch task of a set shares.
#[derive(Clone)]
struct WatchContext {
    generation: u64,
    stores: RowStores,
    tx: UnboundedSender<ClusterEvent>,
    cancel: CancellationToken,
    scope: Scope,
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

    /// Starts watching every kind kmedic shows, in `scope`.
    pub fn start(
        client: Client,
        scope: Scope,
        generation: u64,
        tx: UnboundedSender<ClusterEvent>,
    ) -> Self {
        let stores = RowStores::new();
        let cancel = CancellationToken::new();
        let ctx = WatchContext {
            generation,
            stores: stores.clone(),
            tx,
            cancel: cancel.clone(),
            scope: scope.clone(),
        };
        spawn_kind::<Pod>(
            namespaced_api(&client, &scope),
            ResourceKind::Pods,
            build::pod_row,
            &ctx,
        );
        spawn_kind::<Deployment>(
            namespaced_api(&client, &scope),
            ResourceKind::Deployments,
            build::deployment_row,
            &ctx,
        );
        spawn_kind::<Service>(
            namespaced_api(&client, &scope),
            ResourceKind::Services,
            build::service_row,
            &ctx,
        );
        spawn_kind::<Endpoints>(
            namespaced_api(&client, &scope),
            ResourceKind::Endpoints,
            build::endpoints_row,
            &ctx,
        );
        spawn_kind::<CoreEvent>(
            namespaced_api(&client, &scope),
            ResourceKind::Events,
            build::event_row,
            &ctx,
        );
        spawn_kind::<Node>(
            Api::all(client.clone()),
            ResourceKind::Nodes,
            build::node_row,
            &ctx,
        );
        spawn_kind::<Namespace>(
            Api::all(client),
            ResourceKind::Namespaces,
            build::namespace_row,
            &ctx,
        );
        WatchSet {
            generation,
            scope,
            stores,
            cancel,
        }
    }
}

fn namespaced_api<K>(client: &Client, scope: &Scope) -> Api<K>
where
    K: Resource<Scope = k8s_openapi::NamespaceResourceScope>,
    <K as Resource>::DynamicType: Default,
{
    match scope {
        Scope::All => Api::all(client.clone()),
        Scope::Namespace(ns) => Api::namespaced(client.clone(), ns),
    }
}

fn key_of<K: Resource>(obj: &K) -> ObjKey {
    ObjKey::new(
        obj.meta().namespace.clone().unwrap_or_default(),
        obj.meta().name.clone().unwrap_or_default(),
    )
}

fn spawn_kind<K>(api: Api<K>, kind: ResourceKind, build: fn(&K) -> Row, ctx: &WatchContext)
where
    K: Resource + Clone + DeserializeOwned + Debug + Send + Sync + 'static,
    <K as Resource>::DynamicType: Default,
{
    let ctx = ctx.clone();
    tokio::spawn(async move {
        let cancel = ctx.cancel.clone();
        tokio::select! {
            () = cancel.cancelled() => {}
            () = run_kind(api, kind, build, ctx) => {}
        }
    });
}

async fn run_kind<K>(api: Api<K>, kind: ResourceKind, build: fn(&K) -> Row, ctx: WatchContext)
where
    K: Resource + Clone + DeserializeOwned + Debug + Send + Sync + 'static,
    <K as Resource>::DynamicType: Default,
{
    let Some(rows) = ctx.stores.kind(kind) else {
        return;
    };
    let config = watcher::Config::default().page_size(PAGE_SIZE);
    let mut stream = watcher::watcher(api, config).default_backoff().boxed();
    let mut buffer: Option<HashMap<ObjKey, Arc<Row>>> = None;
    while let Some(item) = stream.next().await {
        match item {
            Ok(Event::Init) => buffer = Some(HashMap::new()),
            Ok(Event::InitApply(obj)) => {
                if let Some(buffer) = buffer.as_mut() {
                    buffer.insert(key_of(&obj), Arc::new(build(&strip(obj))));
                }
            }
            Ok(Event::InitDone) => {
                rows.replace(buffer.take().unwrap_or_default());
                rows.mark_changed();
                send(
                    &ctx,
                    ClusterEvent::Synced {
                        generation: ctx.generation,
                        kind,
                    },
                );
            }
            Ok(Event::Apply(obj)) => {
                rows.upsert(build(&strip(obj)));
                notify(&ctx, rows, kind);
            }
            Ok(Event::Delete(obj)) => {
                rows.remove(&key_of(&obj));
                notify(&ctx, rows, kind);
            }
            Err(error) => {
                tracing::warn!(?kind, error = %error_chain(&error), "watch error");
                send(&ctx, classify(&error, kind, &ctx));
            }
        }
    }
}

/// Drops what no row needs before building (managedFields can be most of an object).
fn strip<K: Resource>(mut obj: K) -> K {
    obj.meta_mut().managed_fields = None;
    obj
}

fn notify(ctx: &WatchContext, rows: &KindRows, kind: ResourceKind) {
    if rows.mark_changed() {
        send(
            ctx,
            ClusterEvent::Changed {
                generation: ctx.generation,
                kind,
            },
        );
    }
}

fn send(ctx: &WatchContext, event: ClusterEvent) {
    // The receiver is gone only while the app shuts down.
    let _ = ctx.tx.send(event);
}

/// Tells a refused list (RBAC) from a connection problem.
fn classify(error: &watcher::Error, kind: ResourceKind, ctx: &WatchContext) -> ClusterEvent {
    classify_error(error, kind, ctx.generation, &ctx.scope)
}

fn classify_error(
    error: &watcher::Error,
    kind: ResourceKind,
    generation: u64,
    scope: &Scope,
) -> ClusterEvent {
    let api_error = match error {
        watcher::Error::InitialListFailed(e)
        | watcher::Error::WatchStartFailed(e)
        | watcher::Error::WatchFailed(e) => match e {
            kube::Error::Api(status) => Some(status.as_ref().clone()),
            _ => None,
        },
        watcher::Error::WatchError(status) => Some(status.as_ref().clone()),
        watcher::Error::NoResourceVersion => None,
    };
    match api_error {
        Some(status) if status.code == 401 || status.code == 403 => {
            // A 401 says only "Unauthorized"; say what it means for this list.
            let message = if status.code == 401 || status.message.is_empty() {
                refused_message(kind, scope, status.code)
            } else {
                status.message
            };
            ClusterEvent::Refused {
                generation,
                kind,
                message,
            }
        }
        _ => ClusterEvent::Disconnected {
            generation,
            kind,
            message: short_error(error),
        },
    }
}

fn refused_message(kind: ResourceKind, scope: &Scope, code: u16) -> String {
    let reason = if code == 401 {
        "credentials rejected (401 Unauthorized: token or client certificate expired or invalid, log in again): "
    } else {
        ""
    };
    match (kind.namespaced(), scope) {
        (true, Scope::Namespace(ns)) => {
            format!("{reason}cannot list {} in namespace {ns}", kind.resource())
        }
        _ => format!(
            "{reason}cannot list {} at the cluster scope",
            kind.resource()
        ),
    }
}

/// The innermost cause of a connection error, which is what a user can act on.
fn short_error(error: &watcher::Error) -> String {
    let chain = error_chain(error);
    let lower = chain.to_ascii_lowercase();
    if lower.contains("connection refused") {
        "connection refused".to_string()
    } else if lower.contains("timed out") || lower.contains("timeout") {
        "connection timed out".to_string()
    } else if lower.contains("dns error") || lower.contains("failed to lookup") {
        "cannot resolve the server's host name".to_string()
    } else if lower.contains("certificate") {
        format!("TLS: {}", chain.rsplit(": ").next().unwrap_or(&chain))
    } else {
        chain.rsplit(": ").next().unwrap_or(&chain).to_string()
    }
}

/// The name of an object, for logs.
pub fn object_name<K: Resource>(obj: &K) -> String {
    obj.name_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kube::core::Status;

    fn api_error(code: u16, message: &str) -> watcher::Error {
        let status = Status {
            code,
            message: message.to_string(),
            ..Status::default()
        };
        watcher::Error::InitialListFailed(kube::Error::Api(Box::new(status)))
    }

    #[test]
    fn forbidden_keeps_the_servers_words() {
        let scope = Scope::Namespace("shop".into());
        let message = "pods is forbidden: User \"dev\" cannot list resource \"pods\" in API group \"\" in the namespace \"shop\"";
        let event = classify_error(&api_error(403, message), ResourceKind::Pods, 3, &scope);
        assert_eq!(
            event,
            ClusterEvent::Refused {
                generation: 3,
                kind: ResourceKind::Pods,
                message: message.to_string()
            }
        );
    }

    #[test]
    fn unauthorized_explains_expired_credentials() {
        let event = classify_error(
            &api_error(401, "Unauthorized"),
            ResourceKind::Nodes,
            1,
            &Scope::All,
        );
        let ClusterEvent::Refused { message, .. } = event else {
            panic!("401 is a refusal: {event:?}")
        };
        assert!(
            message.contains("credentials rejected")
                && message.contains("cannot list nodes at the cluster scope"),
            "{message}"
        );
    }

    #[test]
    fn other_errors_are_connection_problems() {
        let event = classify_error(
            &api_error(500, "etcdserver: request timed out"),
            ResourceKind::Pods,
            1,
            &Scope::All,
        );
        assert!(
            matches!(event, ClusterEvent::Disconnected { .. }),
            "{event:?}"
        );
    }
}

//! Watch streams: newline-delimited JSON watch events (ADDED/MODIFIED/DELETED/BOOKMARK/ERROR)
//! replayed from the store's history or its current state, then followed live; honours
//! selectors, `timeoutSeconds`, bookmarks, and ends with 410 when the history is gone.

use std::convert::Infallible;
use std::time::Duration;

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Value, json};
use tokio::sync::{broadcast, mpsc};
use tokio_util::sync::CancellationToken;

use super::objects::Filter;
use super::query::Params;
use super::resources::{self, ResourceType};
use super::routes::ResourcePath;
use super::status::{ApiError, json_response};
use super::store::{Event, EventType, Signal, Store};
use super::table::Format;

/// How often a watch that asked for bookmarks receives one.
const BOOKMARK_INTERVAL: Duration = Duration::from_secs(2);

struct WatchSpec {
    resource: usize,
    /// Whether the next Table event must carry the column definitions.
    header: std::cell::Cell<bool>,
    namespace: Option<String>,
    filter: Filter,
    format: Format,
}

impl WatchSpec {
    /// The event this client sees for a store event, if any.
    fn render(&self, event: &Event) -> Option<Bytes> {
        if event.resource != self.resource {
            return None;
        }
        let object = event.object.as_ref();
        if let Some(ns) = &self.namespace {
            let object_ns = object
                .pointer("/metadata/namespace")
                .and_then(Value::as_str);
            if object_ns != Some(ns.as_str()) {
                return None;
            }
        }
        let now = self.filter.matches(object);
        let kind = match event.kind {
            EventType::Modified => {
                let before = event
                    .previous
                    .as_deref()
                    .is_some_and(|p| self.filter.matches(p));
                match (before, now) {
                    (true, true) => EventType::Modified,
                    (false, true) => EventType::Added,
                    (true, false) => EventType::Deleted,
                    (false, false) => return None,
                }
            }
            other if now => other,
            _ => return None,
        };
        let object = self.format.render_object_with_header(
            resources::get(self.resource),
            object,
            self.header.replace(false),
        );
        Some(line(kind.as_str(), &object))
    }
}

fn line(kind: &str, object: &Value) -> Bytes {
    let mut text = json!({"type": kind, "object": object}).to_string();
    text.push('\n');
    Bytes::from(text)
}

fn too_old(requested: u64, oldest: u64) -> Bytes {
    let status =
        ApiError::expired(format!("too old resource version: {requested} ({oldest})")).to_status();
    line("ERROR", &status)
}

fn bookmark(resource: &ResourceType, rv: u64, initial_events_end: bool) -> Bytes {
    let mut metadata = json!({"resourceVersion": rv.to_string()});
    if initial_events_end {
        metadata["annotations"] = json!({"k8s.io/initial-events-end": "true"});
    }
    line(
        "BOOKMARK",
        &json!({"kind": resource.kind, "apiVersion": resource.api_version(), "metadata": metadata}),
    )
}

/// Starts a watch; the response body streams until timeout, client disconnect, shutdown or
/// expiry.
pub fn watch(
    store: &Store,
    shutdown: CancellationToken,
    path: &ResourcePath,
    params: &Params,
    format: Format,
) -> Result<Response, ApiError> {
    let resource = resources::get(path.resource);
    let mut filter = Filter::from_params(params, resource)?;
    if let Some(name) = &path.name {
        let fields = format!("metadata.name={name}");
        filter.fields = super::selectors::FieldSelector::parse(&fields, resource)
            .map_err(ApiError::bad_request)?;
    }
    let requested = params.resource_version()?;
    let timeout = params
        .count("timeoutSeconds")?
        .filter(|s| *s > 0)
        .map(Duration::from_secs);
    let bookmarks = params.bool("allowWatchBookmarks")?;
    let initial_events = params.bool("sendInitialEvents")?;
    let spec = WatchSpec {
        resource: path.resource,
        header: std::cell::Cell::new(true),
        namespace: path.namespace.clone(),
        filter,
        format,
    };
    let from = requested.filter(|rv| *rv > 0);
    let (tx, rx) = mpsc::channel::<Bytes>(256);
    match store.watch_from(path.resource, from) {
        Err(oldest) => {
            let _ = tx.try_send(too_old(requested.unwrap_or(0), oldest));
        }
        Ok(start) => {
            tokio::spawn(async move {
                for event in &start.backlog {
                    if let Some(bytes) = spec.render(event)
                        && tx.send(bytes).await.is_err()
                    {
                        return;
                    }
                }
                if initial_events && tx.send(bookmark(resource, start.rv, true)).await.is_err() {
                    return;
                }
                follow(
                    spec,
                    start.receiver,
                    start.rv,
                    tx,
                    shutdown,
                    timeout,
                    bookmarks.then_some(resource),
                )
                .await;
            });
        }
    }
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (Ok::<_, Infallible>(b), rx))
    });
    Ok(json_response(Body::from_stream(stream)))
}

async fn follow(
    spec: WatchSpec,
    mut receiver: broadcast::Receiver<Signal>,
    mut last_rv: u64,
    tx: mpsc::Sender<Bytes>,
    shutdown: CancellationToken,
    timeout: Option<Duration>,
    bookmarks: Option<&'static ResourceType>,
) {
    let deadline = tokio::time::sleep(timeout.unwrap_or(Duration::from_secs(365 * 24 * 3600)));
    tokio::pin!(deadline);
    let mut ticker = tokio::time::interval_at(
        tokio::time::Instant::now() + BOOKMARK_INTERVAL,
        BOOKMARK_INTERVAL,
    );
    loop {
        let out = tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = &mut deadline => return,
            _ = tx.closed() => return,
            _ = ticker.tick(), if bookmarks.is_some() => match bookmarks {
                Some(resource) => bookmark(resource, last_rv, false),
                None => continue,
            },
            signal = receiver.recv() => match signal {
                Ok(Signal::Event(event)) => {
                    last_rv = last_rv.max(event.rv);
                    match spec.render(&event) {
                        Some(bytes) => bytes,
                        None => continue,
                    }
                }
                Ok(Signal::Expire) | Err(broadcast::error::RecvError::Lagged(_)) => {
                    let _ = tx.send(too_old(last_rv, last_rv + 1)).await;
                    return;
                }
                Err(broadcast::error::RecvError::Closed) => return,
            },
        };
        if tx.send(out).await.is_err() {
            return;
        }
    }
}

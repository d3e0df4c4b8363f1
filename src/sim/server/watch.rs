//! Watch streams: newline-delimited JSON watch events (ADDED/MODIFIED/DELETED/BOOKMARK/ERROR)
//! replayed from the store's history or its current state, then followed live; honours
//! selectors, `timeoutSeconds` and bookmarks (about every minute and 2 s before the timeout,
//! `k8s.io/initial-events-end` after `sendInitialEvents`). Like the real watch cache it ends a
//! watch with 410 when the history is gone, and answers a resourceVersion it has not reached
//! after 3 s with a 504 `Timeout` "Too large resource version" error.

use std::convert::Infallible;
use std::time::Duration;

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Value, json};
use tokio::sync::{broadcast, mpsc};
use tokio_util::sync::CancellationToken;

use super::objects::{Filter, wait_for_resource_version};
use super::query::Params;
use super::resources::ResourceType;
use super::routes::ResourcePath;
use super::status::{ApiError, json_response};
use super::store::{Event, EventType, Signal, Store};
use super::table::{Format, Printer, partial};

struct WatchSpec {
    resource: usize,
    printer: Printer,
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
            &self.printer,
            object,
            self.header.replace(false),
        );
        Some(line(kind.as_str(), &object))
    }

    fn bookmark(&self, rv: u64, initial_events_end: bool) -> Bytes {
        let resource: &ResourceType = self.printer.resource;
        let mut metadata = json!({"resourceVersion": rv.to_string()});
        if initial_events_end {
            metadata["annotations"] = json!({"k8s.io/initial-events-end": "true"});
        }
        let object = json!({"kind": resource.kind, "apiVersion": resource.api_version(), "metadata": metadata});
        let object = match self.format {
            Format::Metadata => partial(&object),
            _ => object,
        };
        line("BOOKMARK", &object)
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

/// How a watch behaves besides its query: when bookmarks are sent, when the server stops.
pub struct WatchOptions {
    pub shutdown: CancellationToken,
    pub bookmark_interval: Duration,
}

/// Starts a watch; the response body streams until timeout, client disconnect, shutdown or
/// expiry.
pub fn watch(
    store: &std::sync::Arc<Store>,
    options: WatchOptions,
    path: &ResourcePath,
    printer: Printer,
    params: &Params,
    format: Format,
) -> Result<Response, ApiError> {
    let resource = printer.resource;
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
        printer,
        header: std::cell::Cell::new(true),
        namespace: path.namespace.clone(),
        filter,
        format,
    };
    let from = requested.filter(|rv| *rv > 0);
    let (tx, rx) = mpsc::channel::<Bytes>(256);
    let store = store.clone();
    let resource_index = path.resource;
    tokio::spawn(async move {
        if let Some(rv) = from
            && let Err(error) = wait_for_resource_version(&store, rv).await
        {
            let _ = tx.send(line("ERROR", &error.to_status())).await;
            return;
        }
        let start = match store.watch_from(resource_index, from) {
            Ok(start) => start,
            Err(oldest) => {
                let _ = tx.send(too_old(requested.unwrap_or(0), oldest)).await;
                return;
            }
        };
        for event in &start.backlog {
            if let Some(bytes) = spec.render(event)
                && tx.send(bytes).await.is_err()
            {
                return;
            }
        }
        if initial_events && tx.send(spec.bookmark(start.rv, true)).await.is_err() {
            return;
        }
        let follow = Follow {
            spec,
            last_rv: start.rv,
            tx,
            timeout,
            bookmarks: bookmarks.then_some(options.bookmark_interval),
        };
        follow.run(start.receiver, options.shutdown).await;
    });
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (Ok::<_, Infallible>(b), rx))
    });
    Ok(json_response(Body::from_stream(stream)))
}

struct Follow {
    spec: WatchSpec,
    last_rv: u64,
    tx: mpsc::Sender<Bytes>,
    timeout: Option<Duration>,
    /// The bookmark interval, when the client asked for bookmarks.
    bookmarks: Option<Duration>,
}

impl Follow {
    async fn run(mut self, mut receiver: broadcast::Receiver<Signal>, shutdown: CancellationToken) {
        let forever = Duration::from_secs(365 * 24 * 3600);
        let started = tokio::time::Instant::now();
        let deadline = tokio::time::sleep(self.timeout.unwrap_or(forever));
        tokio::pin!(deadline);
        // A last bookmark 2 s before the timeout, as the watch cache sends it.
        let last_call = self
            .timeout
            .map(|t| started + t.saturating_sub(Duration::from_secs(2)));
        let mut last_call_sent = false;
        let interval = self.bookmarks.unwrap_or(forever);
        let mut ticker = tokio::time::interval_at(started + interval, interval);
        loop {
            let pre_timeout = async {
                match last_call {
                    Some(at) if !last_call_sent && self.bookmarks.is_some() => {
                        tokio::time::sleep_until(at).await
                    }
                    _ => std::future::pending().await,
                }
            };
            let out = tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = &mut deadline => return,
                _ = self.tx.closed() => return,
                _ = ticker.tick(), if self.bookmarks.is_some() => self.spec.bookmark(self.last_rv, false),
                _ = pre_timeout => {
                    last_call_sent = true;
                    self.spec.bookmark(self.last_rv, false)
                }
                signal = receiver.recv() => match signal {
                    Ok(Signal::Event(event)) => {
                        self.last_rv = self.last_rv.max(event.rv);
                        match self.spec.render(&event) {
                            Some(bytes) => bytes,
                            None => continue,
                        }
                    }
                    Ok(Signal::Expire) | Err(broadcast::error::RecvError::Lagged(_)) => {
                        let _ = self.tx.send(too_old(self.last_rv, self.last_rv + 1)).await;
                        return;
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                },
            };
            if self.tx.send(out).await.is_err() {
                return;
            }
        }
    }
}

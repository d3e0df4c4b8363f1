//! One kind's list-then-watch loop, written over raw JSON so each object is decoded on its
//! own: a malformed object is reported (kind, namespace, name, field and why) and the rest of
//! the list is used. It lists once (in pages), then watches from the list's resourceVersion
//! with bookmarks, resumes a closed watch from the last version it saw, and lists again only
//! when the watch protocol demands it: `410 Gone` (the version expired) or "too large resource
//! version" (the server restarted with lower versions). Errors are reported and retried with
//! a growing, jittered pause; a refusal (401/403) or an unserved kind (404) is reported as
//! such, not as a connection problem.

use std::time::Duration;

use futures::{AsyncBufRead, AsyncBufReadExt, FutureExt};
use kube::Client;
use kube::core::Request;
use kube::core::params::{ListParams, WatchParams};
use serde::Deserialize;
use serde_json::value::RawValue;
use tokio_util::sync::CancellationToken;

use crate::model::ObjKey;
use crate::objects::{self, Head, Kind, Object};
use crate::troubleshoot::Skipped;

/// Objects per list page (client-go's default).
const PAGE_SIZE: u32 = 500;
/// The server closes each watch after about this long; the loop resumes it.
const WATCH_SECONDS: u32 = 290;
/// A watch that stays silent (not even a bookmark) this long is considered dead.
const WATCH_IDLE: Duration = Duration::from_secs(WATCH_SECONDS as u64 + 30);
/// After an event, when the next has not arrived yet, the loop waits this long before reading
/// on, so the events that arrive meanwhile are read together: one wake-up and one read of the
/// connection for many (a busy watch, a server's bookmarks) instead of one each, for at most
/// this much delay.
const GATHER: Duration = Duration::from_millis(100);
/// The longest watch event line accepted.
const MAX_LINE: usize = 64 * 1024 * 1024;

/// What the loop reports.
#[derive(Debug)]
pub enum Reflected {
    /// A complete list (first sync or relist): it replaces everything of the kind in scope.
    Listed {
        objects: Vec<Object>,
        malformed: Vec<Skipped>,
    },
    Applied(Object),
    Deleted(ObjKey),
    Malformed(Skipped),
    /// The request was refused (401/403), with the server's words.
    Refused {
        code: u16,
        message: String,
    },
    /// The server does not serve the kind (404).
    NotServed(String),
    /// A connection or server error; the loop retries.
    Failed(String),
}

/// What to watch.
#[derive(Debug, Clone)]
pub struct Target {
    pub kind: Kind,
    /// `None`: every namespace (or a cluster-scoped kind).
    pub namespace: Option<String>,
}

impl Target {
    /// The collection's URL path, e.g. `/apis/apps/v1/namespaces/shop/deployments`.
    pub fn path(&self) -> String {
        let info = self.kind.info();
        let base = if info.group.is_empty() {
            format!("/api/{}", info.version)
        } else {
            format!("/apis/{}/{}", info.group, info.version)
        };
        match (&self.namespace, info.namespaced) {
            (Some(ns), true) => format!("{base}/namespaces/{ns}/{}", info.plural),
            _ => format!("{base}/{}", info.plural),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct ListMeta {
    resource_version: Option<String>,
    #[serde(rename = "continue")]
    continue_: Option<String>,
}

#[derive(Deserialize)]
struct RawList<'a> {
    #[serde(default)]
    metadata: ListMeta,
    #[serde(borrow, default)]
    items: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct RawEvent<'a> {
    #[serde(rename = "type")]
    type_: String,
    #[serde(borrow)]
    object: &'a RawValue,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StatusCause {
    reason: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StatusDetails {
    causes: Vec<StatusCause>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WatchStatus {
    code: u16,
    reason: String,
    message: String,
    details: Option<StatusDetails>,
}

/// Why the current list/watch cycle ended.
enum Next {
    /// Watch again from this version.
    Rewatch(String),
    /// List again (the version expired or is ahead of the server).
    Relist,
}

/// Exponential back-off with jitter: 0.5 s doubling to 30 s.
pub(super) struct Backoff {
    next: Duration,
}

impl Backoff {
    pub(super) fn new() -> Self {
        Backoff {
            next: Duration::from_millis(500),
        }
    }
    pub(super) fn reset(&mut self) {
        self.next = Duration::from_millis(500);
    }
    pub(super) fn take(&mut self) -> Duration {
        let jitter = 0.8 + fastrand::f64() * 0.4;
        let pause = self.next.mul_f64(jitter);
        self.next = (self.next * 2).min(Duration::from_secs(30));
        pause
    }
}

/// Runs until `cancel` fires, reporting to `report`.
pub async fn run(
    client: Client,
    target: Target,
    report: impl Fn(Reflected) + Send + Sync,
    cancel: CancellationToken,
) {
    let mut backoff = Backoff::new();
    let mut version: Option<String> = None;
    loop {
        let rv = match version.take() {
            Some(rv) => rv,
            None => match list(&client, &target).await {
                Ok((objects, malformed, rv)) => {
                    backoff.reset();
                    report(Reflected::Listed { objects, malformed });
                    rv
                }
                Err(e) => {
                    report(e);
                    if !pause(&cancel, backoff.take()).await {
                        return;
                    }
                    continue;
                }
            },
        };
        let next = tokio::select! {
            () = cancel.cancelled() => return,
            next = watch(&client, &target, rv, &report, &mut backoff) => next,
        };
        match next {
            Next::Rewatch(rv) => version = Some(rv),
            Next::Relist => {
                if !pause(&cancel, backoff.take()).await {
                    return;
                }
            }
        }
    }
}

/// Sleeps unless cancelled; false when cancelled.
pub(super) async fn pause(cancel: &CancellationToken, d: Duration) -> bool {
    tokio::select! {
        () = cancel.cancelled() => false,
        () = tokio::time::sleep(d) => true,
    }
}

fn classify(error: &kube::Error) -> Reflected {
    match error {
        kube::Error::Api(status) if status.code == 401 || status.code == 403 => {
            Reflected::Refused {
                code: status.code,
                message: status.message.clone(),
            }
        }
        kube::Error::Api(status) if status.code == 404 => {
            Reflected::NotServed(if status.message.is_empty() {
                "the server could not find the requested resource".to_string()
            } else {
                status.message.clone()
            })
        }
        other => Reflected::Failed(super::client::describe_error(other)),
    }
}

/// Whether an error means the version cannot be watched from: 410 Gone, or a version ahead
/// of the server ("Too large resource version", 504 with cause ResourceVersionTooLarge).
pub(super) fn needs_relist(code: u16, reason: &str, message: &str, causes: &[&str]) -> bool {
    code == 410
        || reason == "Expired"
        || reason == "Gone"
        || causes.contains(&"ResourceVersionTooLarge")
        || message.contains("Too large resource version")
}

fn decode(kind: Kind, raw: &RawValue, malformed: &mut Vec<Skipped>) -> Option<Object> {
    match objects::decode_text(kind, raw.get()) {
        Ok(o) => Some(o),
        Err(e) => {
            malformed.push(skipped(kind, raw, e.to_string()));
            None
        }
    }
}

fn skipped(kind: Kind, raw: &RawValue, reason: String) -> Skipped {
    let key = Head::of_text(raw.get()).key();
    Skipped {
        kind: kind.name().to_string(),
        namespace: key.namespace.into(),
        name: key.name.into(),
        reason,
        source: None,
    }
}

/// Lists every page; returns the objects, the malformed ones and the list's version.
async fn list(
    client: &Client,
    target: &Target,
) -> Result<(Vec<Object>, Vec<Skipped>, String), Reflected> {
    let request = Request::new(target.path());
    let mut objects = Vec::new();
    let mut malformed = Vec::new();
    let mut params = ListParams::default().limit(PAGE_SIZE);
    loop {
        let req = if target.kind.info().metadata_only {
            request.list_metadata(&params)
        } else {
            request.list(&params)
        }
        .map_err(|e| Reflected::Failed(e.to_string()))?;
        let text = client.request_text(req).await.map_err(|e| classify(&e))?;
        let page: RawList = serde_json::from_str(&text).map_err(|e| {
            Reflected::Failed(format!(
                "the server's list of {} is not valid JSON ({e})",
                target.kind.info().plural
            ))
        })?;
        for raw in page.items.into_iter().flatten() {
            objects.extend(decode(target.kind, raw, &mut malformed));
        }
        match page.metadata.continue_.filter(|c| !c.is_empty()) {
            Some(token) => params = params.continue_token(&token),
            None => {
                let rv = page.metadata.resource_version.unwrap_or_default();
                return Ok((objects, malformed, rv));
            }
        }
    }
}

/// Watches from `rv` until the stream ends or fails; returns what to do next.
async fn watch(
    client: &Client,
    target: &Target,
    mut rv: String,
    report: &(impl Fn(Reflected) + Send + Sync),
    backoff: &mut Backoff,
) -> Next {
    let params = WatchParams::default().timeout(WATCH_SECONDS);
    let request = Request::new(target.path());
    let req = if target.kind.info().metadata_only {
        request.watch_metadata(&params, &rv)
    } else {
        request.watch(&params, &rv)
    };
    let req = match req {
        Ok(r) => r,
        Err(e) => {
            report(Reflected::Failed(e.to_string()));
            return Next::Relist;
        }
    };
    let stream = match client.request_stream(req).await {
        Ok(s) => s,
        Err(kube::Error::Api(status))
            if needs_relist(
                status.code,
                &status.reason,
                &status.message,
                &causes_of(&status),
            ) =>
        {
            return Next::Relist;
        }
        Err(e) => {
            report(classify(&e));
            tokio::time::sleep(backoff.take()).await;
            return Next::Rewatch(rv);
        }
    };
    let mut stream = Box::pin(stream);
    let mut line = Vec::new();
    loop {
        gather(&mut stream).await;
        line.clear();
        let read = tokio::time::timeout(WATCH_IDLE, read_line(&mut stream, &mut line)).await;
        match read {
            Ok(Ok(true)) => {}
            // The watch ended (server timeout) or went silent: resume from where it was.
            Ok(Ok(false)) | Err(_) => return Next::Rewatch(rv),
            Ok(Err(e)) => {
                report(Reflected::Failed(e));
                tokio::time::sleep(backoff.take()).await;
                return Next::Rewatch(rv);
            }
        }
        let Ok(text) = std::str::from_utf8(&line) else {
            report(Reflected::Failed("a watch event is not valid UTF-8".into()));
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        let event: RawEvent = match serde_json::from_str(text) {
            Ok(e) => e,
            Err(e) => {
                report(Reflected::Failed(format!(
                    "a watch event is not valid JSON ({e})"
                )));
                continue;
            }
        };
        backoff.reset();
        match event.type_.as_str() {
            "ADDED" | "MODIFIED" => {
                if let Some(v) = Head::of_text(event.object.get()).metadata.resource_version {
                    rv = v;
                }
                let mut malformed = Vec::new();
                match decode(target.kind, event.object, &mut malformed) {
                    Some(obj) => report(Reflected::Applied(obj)),
                    None => malformed
                        .into_iter()
                        .for_each(|m| report(Reflected::Malformed(m))),
                }
            }
            "DELETED" => {
                let head = Head::of_text(event.object.get());
                if let Some(v) = head.metadata.resource_version.clone() {
                    rv = v;
                }
                report(Reflected::Deleted(head.key()));
            }
            "BOOKMARK" => {
                if let Some(v) = Head::of_text(event.object.get()).metadata.resource_version {
                    rv = v;
                }
            }
            "ERROR" => {
                let status: WatchStatus =
                    serde_json::from_str(event.object.get()).unwrap_or_default();
                let causes: Vec<&str> = status
                    .details
                    .as_ref()
                    .map(|d| d.causes.iter().map(|c| c.reason.as_str()).collect())
                    .unwrap_or_default();
                if needs_relist(status.code, &status.reason, &status.message, &causes) {
                    return Next::Relist;
                }
                report(match status.code {
                    401 | 403 => Reflected::Refused {
                        code: status.code,
                        message: status.message,
                    },
                    _ => Reflected::Failed(format!(
                        "watch error {}: {}",
                        status.code, status.message
                    )),
                });
                tokio::time::sleep(backoff.take()).await;
                return Next::Rewatch(rv);
            }
            _ => {}
        }
    }
}

fn causes_of(status: &kube::core::Status) -> Vec<&str> {
    status
        .details
        .as_ref()
        .map(|d| d.causes.iter().map(|c| c.reason.as_str()).collect())
        .unwrap_or_default()
}

/// Waits [`GATHER`] when nothing is ready to read yet, so what arrives meanwhile is read in
/// one go.
pub(super) async fn gather<R: AsyncBufRead + Unpin>(reader: &mut R) {
    if reader.fill_buf().now_or_never().is_none() {
        tokio::time::sleep(GATHER).await;
    }
}

/// Reads one line (without the newline) into `line`; false at the end of the stream.
pub(super) async fn read_line<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    line: &mut Vec<u8>,
) -> Result<bool, String> {
    loop {
        let buf = reader
            .fill_buf()
            .await
            .map_err(|e| format!("watch stream broke: {e}"))?;
        if buf.is_empty() {
            return Ok(!line.is_empty());
        }
        match buf.iter().position(|b| *b == b'\n') {
            Some(i) => {
                line.extend_from_slice(&buf[..i]);
                reader.consume_unpin(i + 1);
                return Ok(true);
            }
            None => {
                let n = buf.len();
                line.extend_from_slice(buf);
                reader.consume_unpin(n);
                if line.len() > MAX_LINE {
                    return Err(format!(
                        "a watch event is larger than {} MiB",
                        MAX_LINE >> 20
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_the_api() {
        let t = |kind, ns: Option<&str>| {
            Target {
                kind,
                namespace: ns.map(str::to_string),
            }
            .path()
        };
        assert_eq!(t(Kind::Pod, None), "/api/v1/pods");
        assert_eq!(t(Kind::Pod, Some("shop")), "/api/v1/namespaces/shop/pods");
        assert_eq!(
            t(Kind::Deployment, Some("shop")),
            "/apis/apps/v1/namespaces/shop/deployments"
        );
        assert_eq!(t(Kind::Node, Some("shop")), "/api/v1/nodes");
    }

    #[tokio::test]
    async fn gathering_waits_only_when_nothing_is_ready() {
        use futures::TryStreamExt;
        let mut ready = futures::io::Cursor::new(b"{\"type\":\"BOOKMARK\"}\n".to_vec());
        assert!(
            gather(&mut ready).now_or_never().is_some(),
            "a line already there is read at once"
        );
        let mut line = Vec::new();
        assert_eq!(read_line(&mut ready, &mut line).await, Ok(true));
        assert_eq!(line, b"{\"type\":\"BOOKMARK\"}");
        let mut quiet = futures::stream::pending::<std::io::Result<Vec<u8>>>().into_async_read();
        assert!(
            gather(&mut quiet).now_or_never().is_none(),
            "nothing there yet: the loop waits before reading on"
        );
    }

    #[test]
    fn relist_conditions() {
        assert!(needs_relist(
            410,
            "Expired",
            "too old resource version",
            &[]
        ));
        assert!(needs_relist(
            504,
            "Timeout",
            "Too large resource version: 9, current: 3",
            &["ResourceVersionTooLarge"]
        ));
        assert!(!needs_relist(500, "InternalError", "etcd", &[]));
    }
}

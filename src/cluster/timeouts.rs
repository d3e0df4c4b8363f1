//! How long kmedic waits for the API server, with kubectl's `--request-timeout` semantics (a
//! duration like `30s`, `1m`, `500ms`, a bare number of seconds; `0` waits forever):
//!
//! - connecting (TCP and TLS) is bounded by the connect timeout (kube's `connect_timeout`);
//! - an ordinary request (a list, a get, an access review) must be answered, headers and whole
//!   body, within the request timeout;
//! - a watch or a log follow must *start* answering (its response headers) within the request
//!   timeout, and is then never cut: a watch ends by the server's `timeoutSeconds` and kube's
//!   idle timeout, a log follow may stay quiet for hours.
//!
//! A request that runs out of time fails with [`NoAnswer`], which names the server and how long
//! kmedic waited. Its wording avoids "timeout" so callers that shorten errors keep it whole.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use http_body::{Body, Frame, SizeHint};
use tokio::time::{Instant, Sleep};
use tower::{Layer, Service};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A timeout as the command line gives it: `None` waits forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeout(pub Option<Duration>);

impl FromStr for Timeout {
    type Err = String;

    /// `30s`, `1m30s`, `500ms`, `2h`, `45` (seconds), `0` (no timeout).
    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let bad = || {
            format!(
                "invalid duration \"{text}\": use a number with a unit, like 30s, 1m or 500ms (0 waits forever)"
            )
        };
        if text.is_empty() {
            return Err(bad());
        }
        if let Ok(seconds) = text.parse::<u64>() {
            return Ok(Timeout((seconds > 0).then(|| Duration::from_secs(seconds))));
        }
        let mut total = Duration::ZERO;
        let mut rest = text;
        while !rest.is_empty() {
            let digits = rest
                .find(|c: char| !c.is_ascii_digit() && c != '.')
                .ok_or_else(bad)?;
            let number: f64 = rest[..digits].parse().map_err(|_| bad())?;
            rest = &rest[digits..];
            let unit_len = rest
                .find(|c: char| c.is_ascii_digit())
                .unwrap_or(rest.len());
            let unit = match &rest[..unit_len] {
                "ms" => 0.001,
                "s" => 1.0,
                "m" => 60.0,
                "h" => 3600.0,
                _ => return Err(bad()),
            };
            rest = &rest[unit_len..];
            total += Duration::try_from_secs_f64(number * unit).map_err(|_| bad())?;
        }
        Ok(Timeout((!total.is_zero()).then_some(total)))
    }
}

impl fmt::Display for Timeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            None => f.write_str("0"),
            Some(d) => f.write_str(&human(d)),
        }
    }
}

/// `30s`, `1m30s`, `500ms`.
pub fn human(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let secs = d.as_secs();
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 || out.is_empty() {
        out.push_str(&format!("{s}s"));
    }
    out
}

/// The server did not answer in time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoAnswer {
    #[error("could not connect to the API server {server} within {}", human(*waited))]
    Connect { server: String, waited: Duration },
    #[error("the API server {server} did not answer within {}", human(*waited))]
    Response { server: String, waited: Duration },
}

impl NoAnswer {
    /// The message with what to do about it (for `check`, `certs` and stderr).
    pub fn with_hint(&self) -> String {
        let flag = match self {
            NoAnswer::Connect { .. } => "--connect-timeout",
            NoAnswer::Response { .. } => "--request-timeout",
        };
        format!("{self} (is it up and reachable? wait longer with {flag}; 0 waits forever)")
    }
}

/// The [`NoAnswer`] inside a kube error, if that is what it is.
pub fn no_answer(error: &kube::Error) -> Option<&NoAnswer> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if let Some(found) = e.downcast_ref::<NoAnswer>() {
            return Some(found);
        }
        source = e.source();
    }
    None
}

/// A kube error for a person: a [`NoAnswer`] with its hint, anything else as its chain.
pub fn describe(error: &kube::Error) -> String {
    match no_answer(error) {
        Some(na) => na.with_hint(),
        None => super::kubeconfig::error_chain(error),
    }
}

/// Whether an error chain says a connection attempt ran out of time.
fn is_connect_timeout(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut source = Some(error);
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::TimedOut
        {
            return true;
        }
        source = e.source();
    }
    false
}

/// Whether a request streams until closed: a watch, a log follow, an upgrade.
fn is_streaming<B>(request: &Request<B>) -> bool {
    let query = request.uri().query().unwrap_or_default();
    let flag = |name: &str| {
        query.split('&').any(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            k == name && matches!(v, "true" | "1" | "")
        })
    };
    flag("watch")
        || flag("follow")
        || request.headers().contains_key(http::header::UPGRADE)
        || request.uri().path().split('/').any(|s| s == "watch")
}

/// The waits applied to every request of one client.
#[derive(Debug, Clone)]
pub struct DeadlineLayer {
    server: String,
    connect: Option<Duration>,
    request: Option<Duration>,
}

impl DeadlineLayer {
    pub fn new(server: &str, connect: Option<Duration>, request: Option<Duration>) -> Self {
        DeadlineLayer {
            server: server.to_string(),
            connect,
            request,
        }
    }
}

impl<S> Layer<S> for DeadlineLayer {
    type Service = DeadlineService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        DeadlineService {
            inner,
            layer: self.clone(),
        }
    }
}

/// The service produced by [`DeadlineLayer`].
#[derive(Debug, Clone)]
pub struct DeadlineService<S> {
    inner: S,
    layer: DeadlineLayer,
}

impl<S, ReqB, ResB> Service<Request<ReqB>> for DeadlineService<S>
where
    S: Service<Request<ReqB>, Response = Response<ResB>>,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
{
    type Response = Response<DeadlineBody<ResB>>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, request: Request<ReqB>) -> Self::Future {
        let streaming = is_streaming(&request);
        let layer = self.layer.clone();
        let started = Instant::now();
        let future = self.inner.call(request);
        Box::pin(async move {
            let no_answer = |waited| NoAnswer::Response {
                server: layer.server.clone(),
                waited,
            };
            let result = match layer.request {
                Some(limit) => match tokio::time::timeout(limit, future).await {
                    Ok(result) => result,
                    Err(_) => return Err(Box::new(no_answer(limit)) as BoxError),
                },
                None => future.await,
            };
            let response = result.map_err(|e| {
                let e: BoxError = e.into();
                match layer.connect {
                    Some(waited) if is_connect_timeout(e.as_ref()) => Box::new(NoAnswer::Connect {
                        server: layer.server.clone(),
                        waited,
                    })
                        as BoxError,
                    _ => e,
                }
            })?;
            let deadline = match (streaming, layer.request) {
                (false, Some(limit)) => Some((started + limit, no_answer(limit))),
                _ => None,
            };
            Ok(response.map(|body| DeadlineBody::new(body, deadline)))
        })
    }
}

/// A response body that fails with [`NoAnswer`] when it is not complete by its deadline.
pub struct DeadlineBody<B> {
    inner: B,
    deadline: Option<(Pin<Box<Sleep>>, NoAnswer)>,
}

impl<B> DeadlineBody<B> {
    fn new(inner: B, deadline: Option<(Instant, NoAnswer)>) -> Self {
        DeadlineBody {
            inner,
            deadline: deadline.map(|(at, e)| (Box::pin(tokio::time::sleep_until(at)), e)),
        }
    }
}

impl<B> Body for DeadlineBody<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        if let Some((sleep, error)) = self.deadline.as_mut()
            && sleep.as_mut().poll(cx).is_ready()
        {
            return Poll::Ready(Some(Err(Box::new(error.clone()))));
        }
        Pin::new(&mut self.inner)
            .poll_frame(cx)
            .map(|frame| frame.map(|r| r.map_err(Into::into)))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Option<Duration>, String> {
        text.parse::<Timeout>().map(|t| t.0)
    }

    #[test]
    fn durations_as_kubectl_takes_them() {
        assert_eq!(parse("0"), Ok(None));
        assert_eq!(parse("0s"), Ok(None));
        assert_eq!(parse("30"), Ok(Some(Duration::from_secs(30))));
        assert_eq!(parse("30s"), Ok(Some(Duration::from_secs(30))));
        assert_eq!(parse("1m30s"), Ok(Some(Duration::from_secs(90))));
        assert_eq!(parse("500ms"), Ok(Some(Duration::from_millis(500))));
        assert_eq!(parse("1.5s"), Ok(Some(Duration::from_millis(1500))));
        assert_eq!(parse("2h"), Ok(Some(Duration::from_secs(7200))));
        for bad in ["", "s", "10x", "-1s", "1m-", "abc"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert_eq!(human(Duration::from_secs(90)), "1m30s");
        assert_eq!(human(Duration::from_millis(250)), "250ms");
        assert_eq!(Timeout(None).to_string(), "0");
    }

    #[test]
    fn watches_and_follows_stream() {
        let req = |uri: &str| Request::get(uri).body(()).expect("request");
        assert!(is_streaming(&req(
            "/api/v1/pods?watch=true&resourceVersion=1"
        )));
        assert!(is_streaming(&req(
            "/api/v1/namespaces/a/pods/p/log?follow=true"
        )));
        assert!(is_streaming(&req("/api/v1/watch/pods")));
        assert!(!is_streaming(&req("/api/v1/pods?limit=500")));
        assert!(!is_streaming(&req(
            "/api/v1/namespaces/a/pods/p/log?follow=false"
        )));
    }

    #[test]
    fn the_message_names_the_server_and_the_wait() {
        let e = NoAnswer::Response {
            server: "https://127.0.0.1:6443".into(),
            waited: Duration::from_secs(30),
        };
        assert_eq!(
            e.to_string(),
            "the API server https://127.0.0.1:6443 did not answer within 30s"
        );
        assert!(!e.to_string().to_lowercase().contains("timeout"));
        assert!(e.with_hint().contains("--request-timeout"));
    }
}

//! The read-only choke point. Every request kmedic sends passes through this tower layer; unless
//! writes were explicitly enabled it refuses, before the request leaves the process, anything
//! but reads: every method but GET/HEAD/OPTIONS, and also the GETs that are not reads — exec,
//! attach, port-forward and proxy subresources and any protocol upgrade (WebSocket/SPDY). The
//! read-only access reviews (SelfSubjectAccessReview/RulesReview/SelfSubjectReview, POSTs that
//! the audit log records as `create`) pass unless they were turned off. Paths are judged by
//! [`super::request_kind`], with the server's path prefix taken into account.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::{Method, Request};
use tower::{Layer, Service};

use super::request_kind::{RequestKind, classify};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Whether a plain request (no upgrade headers, relative path) may leave the process when
/// writes are disabled and access reviews allowed.
pub fn is_read_only_request(method: &Method, path: &str) -> bool {
    matches!(
        classify(method, path, false, &http::HeaderMap::new(), ""),
        RequestKind::Read | RequestKind::AccessReview
    )
}

/// The error a refused request fails with.
#[derive(Debug, thiserror::Error)]
#[error(
    "kmedic is read-only: refused {what} ({method} {path}); start with --write to allow changes"
)]
pub struct WriteRefused {
    pub method: Method,
    pub path: String,
    /// What the request would have done: "a change", "pods/exec", "a protocol upgrade …".
    pub what: String,
}

/// The error an access review fails with when they are turned off.
#[derive(Debug, thiserror::Error)]
#[error(
    "access reviews are turned off (--no-access-review or KMEDIC_NO_ACCESS_REVIEW): kmedic does not ask the API server what you may do, as each question is recorded as a `create` in the audit log"
)]
pub struct AccessReviewsOff;

/// What the choke point lets through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// `--write`: every request passes (access reviews still obey `access_reviews`).
    pub allow_writes: bool,
    /// Whether SelfSubjectAccessReview/RulesReview/SelfSubjectReview POSTs may be sent.
    pub access_reviews: bool,
    /// The path of the kubeconfig's `server:` URL (`/k8s/clusters/c1`), or empty.
    pub base_path: String,
}

/// Layer that refuses mutating requests unless writes are allowed.
#[derive(Debug, Clone)]
pub struct ReadOnlyLayer {
    policy: Policy,
}

impl ReadOnlyLayer {
    /// Reads (and access reviews) only, unless `allow_writes`; no server path prefix.
    pub fn new(allow_writes: bool) -> Self {
        ReadOnlyLayer::with_policy(Policy {
            allow_writes,
            access_reviews: true,
            base_path: String::new(),
        })
    }

    pub fn with_policy(policy: Policy) -> Self {
        ReadOnlyLayer { policy }
    }
}

impl<S> Layer<S> for ReadOnlyLayer {
    type Service = ReadOnlyService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ReadOnlyService {
            inner,
            policy: self.policy.clone(),
        }
    }
}

/// Why `request` may not be sent under `policy`, if it may not.
fn refusal<B>(policy: &Policy, request: &Request<B>) -> Option<BoxError> {
    let method = request.method().clone();
    let uri = request.uri();
    let kind = classify(
        &method,
        uri.path(),
        uri.authority().is_some(),
        request.headers(),
        &policy.base_path,
    );
    let refuse = |what: String| -> Option<BoxError> {
        Some(Box::new(WriteRefused {
            method: method.clone(),
            path: uri.path().to_string(),
            what,
        }))
    };
    match kind {
        RequestKind::AccessReview if !policy.access_reviews => Some(Box::new(AccessReviewsOff)),
        _ if policy.allow_writes => None,
        RequestKind::Read | RequestKind::AccessReview => None,
        RequestKind::Stream(what) => refuse(what),
        RequestKind::Write => refuse("a change".to_string()),
    }
}

/// The service produced by [`ReadOnlyLayer`].
#[derive(Debug, Clone)]
pub struct ReadOnlyService<S> {
    inner: S,
    policy: Policy,
}

impl<S, B> Service<Request<B>> for ReadOnlyService<S>
where
    S: Service<Request<B>>,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        if let Some(refused) = refusal(&self.policy, &request) {
            tracing::warn!(
                method = %request.method(),
                path = %request.uri().path(),
                reason = %refused,
                "refused a request in read-only mode"
            );
            return Box::pin(async move { Err(refused) });
        }
        let future = self.inner.call(request);
        Box::pin(async move { future.await.map_err(Into::into) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_reads_and_reviews_pass() {
        assert!(is_read_only_request(&Method::GET, "/api/v1/pods"));
        assert!(is_read_only_request(
            &Method::POST,
            "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"
        ));
        assert!(is_read_only_request(
            &Method::POST,
            "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews"
        ));
        assert!(!is_read_only_request(
            &Method::POST,
            "/api/v1/namespaces/default/pods"
        ));
        assert!(!is_read_only_request(
            &Method::DELETE,
            "/api/v1/namespaces/default/pods/x"
        ));
        assert!(!is_read_only_request(
            &Method::PATCH,
            "/apis/apps/v1/namespaces/a/deployments/b"
        ));
        assert!(!is_read_only_request(&Method::PUT, "/api/v1/nodes/n"));
        // A review path under another group is not trusted.
        assert!(!is_read_only_request(
            &Method::POST,
            "/apis/evil.io/v1/selfsubjectaccessreviews"
        ));
    }
}

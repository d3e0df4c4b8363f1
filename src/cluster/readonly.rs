//! The read-only choke point. Every request kmedic sends passes through this tower layer; unless
//! writes were explicitly enabled it refuses any verb but reads (GET, and the POSTs of read-only
//! access reviews) before the request leaves the process.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::{Method, Request};
use tower::{Layer, Service};

/// Whether a request may leave the process when writes are disabled.
pub fn is_read_only_request(method: &Method, path: &str) -> bool {
    if method == Method::GET || method == Method::HEAD || method == Method::OPTIONS {
        return true;
    }
    // Access reviews are POSTs that only ask a question; they change nothing.
    method == Method::POST
        && (path.ends_with("/selfsubjectaccessreviews")
            || path.ends_with("/selfsubjectrulesreviews")
            || path.ends_with("/selfsubjectreviews"))
        && path.starts_with("/apis/authorization.k8s.io/")
        || method == Method::POST
            && path.starts_with("/apis/authentication.k8s.io/")
            && path.ends_with("/selfsubjectreviews")
}

/// The error a refused request fails with.
#[derive(Debug, thiserror::Error)]
#[error("kmedic is read-only: refused {method} {path} (start with --write to allow changes)")]
pub struct WriteRefused {
    pub method: Method,
    pub path: String,
}

/// Layer that refuses mutating requests unless `allow_writes`.
#[derive(Debug, Clone, Copy)]
pub struct ReadOnlyLayer {
    allow_writes: bool,
}

impl ReadOnlyLayer {
    pub fn new(allow_writes: bool) -> Self {
        ReadOnlyLayer { allow_writes }
    }
}

impl<S> Layer<S> for ReadOnlyLayer {
    type Service = ReadOnlyService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ReadOnlyService {
            inner,
            allow_writes: self.allow_writes,
        }
    }
}

/// The service produced by [`ReadOnlyLayer`].
#[derive(Debug, Clone)]
pub struct ReadOnlyService<S> {
    inner: S,
    allow_writes: bool,
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

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
        let method = request.method().clone();
        let path = request.uri().path().to_string();
        if !self.allow_writes && !is_read_only_request(&method, &path) {
            tracing::warn!(%method, %path, "refused a mutating request in read-only mode");
            return Box::pin(
                async move { Err(Box::new(WriteRefused { method, path }) as BoxError) },
            );
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

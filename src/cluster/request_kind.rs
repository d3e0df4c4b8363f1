//! What a request to the API server would do, judged from its method, path and headers the way
//! the API server reads them: the server's path prefix removed (a Rancher-style
//! `https://host/k8s/clusters/c1`), percent-escapes decoded, empty and `.` segments dropped,
//! then `/api/v1/…` or `/apis/GROUP/VERSION/…` split into namespace, resource, name and
//! subresource. The read-only choke point decides on this, never on raw string matching.

use http::{HeaderMap, Method};

/// How the read-only choke point sees a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestKind {
    /// GET/HEAD/OPTIONS of an ordinary resource, list, watch, log or discovery document.
    Read,
    /// A SelfSubjectAccessReview, SelfSubjectRulesReview or SelfSubjectReview: a POST that
    /// only asks a question, but appears as `create` in the audit log.
    AccessReview,
    /// exec, attach, port-forward or proxy (a stream into a container or a request to an
    /// application, even when sent as a GET), or any protocol upgrade (WebSocket, SPDY).
    Stream(String),
    /// Anything that changes the cluster (or that kmedic cannot read the meaning of).
    Write,
}

/// Subresources that open a stream into a container or reach an application through the API
/// server: they can change anything, whatever the HTTP method.
const STREAM_SUBRESOURCES: &[&str] = &["exec", "attach", "portforward", "proxy"];

/// Classifies a request. `base_path` is the path of the kubeconfig's `server:` URL (empty or
/// `/` when it has none); it is removed only from absolute request URIs (`has_authority`), as
/// those are the ones the client has already joined to the server URL.
pub fn classify(
    method: &Method,
    path: &str,
    has_authority: bool,
    headers: &HeaderMap,
    base_path: &str,
) -> RequestKind {
    if is_upgrade(headers) || method == Method::CONNECT {
        return RequestKind::Stream("a protocol upgrade (WebSocket/SPDY)".into());
    }
    let Some(segments) = api_segments(path, has_authority, base_path) else {
        return RequestKind::Write;
    };
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    if let Some(what) = stream_subresource(&segments) {
        return RequestKind::Stream(what);
    }
    if method == Method::GET || method == Method::HEAD || method == Method::OPTIONS {
        return RequestKind::Read;
    }
    if method == Method::POST && is_self_review(&segments) {
        return RequestKind::AccessReview;
    }
    RequestKind::Write
}

/// Whether the headers ask to switch protocols (`Upgrade:` or `Connection: upgrade`).
fn is_upgrade(headers: &HeaderMap) -> bool {
    headers.contains_key(http::header::UPGRADE)
        || headers.get_all(http::header::CONNECTION).iter().any(|v| {
            v.to_str().map_or(true, |v| {
                v.split(',')
                    .any(|t| t.trim().eq_ignore_ascii_case("upgrade"))
            })
        })
}

/// The decoded path segments after the server's base path; `None` when the path cannot be
/// read safely (`..`, a bad escape, or an absolute URI outside the base path).
fn api_segments(path: &str, has_authority: bool, base_path: &str) -> Option<Vec<String>> {
    let mut segments = decode_segments(path)?;
    if has_authority {
        let base = decode_segments(base_path)?;
        if !segments.starts_with(&base) {
            return None;
        }
        segments.drain(..base.len());
    }
    Some(segments)
}

fn decode_segments(path: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for raw in path.split('/') {
        let segment = percent_decode(raw)?;
        match segment.as_str() {
            "" | "." => {}
            ".." => return None,
            _ if segment.contains('/') => return None,
            _ => out.push(segment),
        }
    }
    Some(out)
}

fn percent_decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_string());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The part after `/api/v1` or `/apis/GROUP/VERSION`, or `None` for other paths.
fn after_version<'a>(segments: &'a [&'a str]) -> Option<&'a [&'a str]> {
    match segments {
        ["api", _version, rest @ ..] => Some(rest),
        ["apis", _group, _version, rest @ ..] => Some(rest),
        _ => None,
    }
}

/// `exec`, `attach`, `portforward` or `proxy` as a subresource (also the old `/api/v1/proxy/…`
/// paths), named for the refusal message.
fn stream_subresource(segments: &[&str]) -> Option<String> {
    let rest = after_version(segments)?;
    let rest = match rest {
        ["watch", tail @ ..] => tail,
        other => other,
    };
    if rest.first() == Some(&"proxy") {
        return Some("proxy".into());
    }
    // namespaces/NS/RESOURCE/NAME/SUB…, or RESOURCE/NAME/SUB… (cluster-scoped, and the
    // namespace object itself: namespaces/NAME/SUB).
    let object = match rest {
        ["namespaces", _ns, resource, name, sub, ..] => Some((*resource, *name, *sub)),
        [resource, name, sub, ..] => Some((*resource, *name, *sub)),
        _ => None,
    };
    let (resource, _name, sub) = object?;
    STREAM_SUBRESOURCES
        .iter()
        .any(|s| sub.eq_ignore_ascii_case(s))
        .then(|| format!("{resource}/{}", sub.to_ascii_lowercase()))
}

fn is_self_review(segments: &[&str]) -> bool {
    matches!(
        segments,
        [
            "apis",
            "authorization.k8s.io",
            _,
            "selfsubjectaccessreviews" | "selfsubjectrulesreviews"
        ] | ["apis", "authentication.k8s.io", _, "selfsubjectreviews"]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(method: Method, path: &str) -> RequestKind {
        classify(&method, path, false, &HeaderMap::new(), "")
    }

    #[test]
    fn reads_reviews_streams_and_writes() {
        assert_eq!(kind(Method::GET, "/api/v1/pods"), RequestKind::Read);
        assert_eq!(
            kind(Method::GET, "/api/v1/namespaces/a/pods/exec"),
            RequestKind::Read
        );
        assert_eq!(
            kind(Method::GET, "/api/v1/namespaces/a/pods/p/log"),
            RequestKind::Read
        );
        assert_eq!(kind(Method::GET, "/version"), RequestKind::Read);
        for path in [
            "/api/v1/namespaces/a/pods/p/exec",
            "/api/v1/namespaces/a/pods/p/attach",
            "/api/v1/namespaces/a/pods/p/portforward",
            "/api/v1/namespaces/a/pods/p/proxy/admin/shutdown",
            "/api/v1/namespaces/a/services/s:80/proxy/",
            "/api/v1/nodes/n/proxy/run/a/b/c",
            "/api/v1/proxy/namespaces/a/pods/p/",
            "/api/v1/namespaces/a/pods/p/%65xec",
            "/api/v1/namespaces/a/pods/p/EXEC",
            "//api/v1/./namespaces/a/pods/p/exec",
        ] {
            assert!(
                matches!(kind(Method::GET, path), RequestKind::Stream(_)),
                "{path}"
            );
        }
        assert_eq!(
            kind(
                Method::POST,
                "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"
            ),
            RequestKind::AccessReview
        );
        assert_eq!(
            kind(
                Method::POST,
                "/apis/authentication.k8s.io/v1/selfsubjectreviews"
            ),
            RequestKind::AccessReview
        );
        for (method, path) in [
            (Method::POST, "/api/v1/namespaces/default/pods"),
            (Method::POST, "/apis/evil.io/v1/selfsubjectaccessreviews"),
            (
                Method::POST,
                "/apis/authorization.k8s.io/v1/namespaces/a/localsubjectaccessreviews",
            ),
            (Method::DELETE, "/api/v1/namespaces/default/pods/x"),
            (Method::PATCH, "/apis/apps/v1/namespaces/a/deployments/b"),
            (Method::PUT, "/api/v1/nodes/n"),
            (Method::GET, "/api/v1/namespaces/a/pods/../../x"),
            (Method::GET, "/api/v1/%zz"),
        ] {
            assert_eq!(
                kind(method.clone(), path),
                RequestKind::Write,
                "{method} {path}"
            );
        }
    }

    #[test]
    fn upgrade_headers_are_streams_whatever_the_path() {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::CONNECTION,
            "keep-alive, Upgrade".parse().expect("value"),
        );
        let got = classify(&Method::GET, "/api/v1/pods", false, &headers, "");
        assert!(matches!(got, RequestKind::Stream(_)));
        let mut headers = HeaderMap::new();
        headers.insert(http::header::UPGRADE, "SPDY/3.1".parse().expect("value"));
        let got = classify(&Method::GET, "/api/v1/pods", false, &headers, "");
        assert!(matches!(got, RequestKind::Stream(_)));
    }

    #[test]
    fn the_server_prefix_is_removed_from_joined_uris_only() {
        let none = HeaderMap::new();
        let base = "/k8s/clusters/c1";
        let joined = |m: Method, p: &str| classify(&m, p, true, &none, base);
        assert_eq!(
            joined(Method::GET, "/k8s/clusters/c1/api/v1/pods"),
            RequestKind::Read
        );
        assert!(matches!(
            joined(
                Method::GET,
                "/k8s/clusters/c1/api/v1/namespaces/a/pods/p/exec"
            ),
            RequestKind::Stream(_)
        ));
        assert_eq!(
            joined(Method::POST, "/k8s/clusters/c1/api/v1/namespaces/a/pods"),
            RequestKind::Write
        );
        assert_eq!(
            joined(
                Method::POST,
                "/k8s/clusters/c1/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"
            ),
            RequestKind::AccessReview
        );
        // Outside the prefix: not a request to this cluster's API.
        assert_eq!(
            joined(Method::GET, "/other/api/v1/pods"),
            RequestKind::Write
        );
        // A prefix that itself looks like an API path is not taken for one.
        let tricky = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
        let post = |p: &str| classify(&Method::POST, p, true, &none, tricky);
        assert_eq!(
            post(&format!("{tricky}/api/v1/namespaces/a/pods")),
            RequestKind::Write
        );
        let get = classify(
            &Method::GET,
            "/api/v1/namespaces/a/pods/p/api/v1/pods",
            true,
            &none,
            "/api/v1/namespaces/a/pods/p",
        );
        assert_eq!(get, RequestKind::Read);
        let exec = classify(
            &Method::GET,
            "/api/v1/pods/api/v1/namespaces/a/pods/p/exec",
            true,
            &none,
            "/api/v1/pods",
        );
        assert!(matches!(exec, RequestKind::Stream(_)));
    }
}

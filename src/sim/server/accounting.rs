//! Request accounting for tests: each request's verb and resource the way the API server's
//! RequestInfo resolver sees them (GET of a collection is `list`, or `watch` with `watch=true`
//! or the `/watch/` prefix; GET of one object is `get`; …), and exact counts per verb and
//! resource, so a test can assert e.g. "no LIST of pods after the initial sync".

use std::collections::HashMap;

use http::Method;

/// What one request did, as far as accounting goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestInfo {
    /// `list`, `watch`, `get`, `create`, `update`, `patch`, `delete`, `deletecollection`.
    pub verb: &'static str,
    /// `""` for the core group.
    pub group: String,
    /// The plural, e.g. `pods`.
    pub resource: String,
    pub subresource: Option<String>,
    pub namespace: Option<String>,
    pub name: Option<String>,
}

fn watch_param(query: &str) -> bool {
    query.split('&').any(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        k == "watch" && matches!(v, "" | "1" | "t" | "T" | "true" | "TRUE" | "True")
    })
}

/// The request's verb and resource; `None` for non-resource paths (discovery, health, …).
pub fn request_info(method: &Method, path: &str, query: &str) -> Option<RequestInfo> {
    let segments: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let (group, rest) = match segments.as_slice() {
        ["api", "v1", rest @ ..] => ("", rest),
        ["apis", group, _version, rest @ ..] => (*group, rest),
        _ => return None,
    };
    let (watch_prefix, rest) = match rest {
        ["watch", rest @ ..] => (true, rest),
        _ => (false, rest),
    };
    let (namespace, rest) = match rest {
        ["namespaces", ns, rest @ ..] if !rest.is_empty() => (Some((*ns).to_string()), rest),
        _ => (None, rest),
    };
    let (resource, name, subresource) = match rest {
        [plural] => (*plural, None, None),
        [plural, name] => (*plural, Some((*name).to_string()), None),
        [plural, name, sub, ..] => (*plural, Some((*name).to_string()), Some((*sub).to_string())),
        _ => return None,
    };
    let verb = match *method {
        Method::GET | Method::HEAD if watch_prefix || watch_param(query) => "watch",
        Method::GET | Method::HEAD if name.is_none() => "list",
        Method::GET | Method::HEAD => "get",
        Method::POST => "create",
        Method::PUT => "update",
        Method::PATCH => "patch",
        Method::DELETE if name.is_none() => "deletecollection",
        Method::DELETE => "delete",
        _ => return None,
    };
    Some(RequestInfo {
        verb,
        group: group.to_string(),
        resource: resource.to_string(),
        subresource,
        namespace,
        name,
    })
}

/// Exact request counts per (verb, group, resource).
#[derive(Debug, Default)]
pub struct Counts(HashMap<(&'static str, String, String), usize>);

impl Counts {
    pub fn record(&mut self, info: &RequestInfo) {
        if info.subresource.is_none() {
            *self
                .0
                .entry((info.verb, info.group.clone(), info.resource.clone()))
                .or_default() += 1;
        }
    }

    /// Requests with this verb on `resource`: a plural (`pods`, any group) or
    /// `plural.group` (`deployments.apps`, `events.events.k8s.io`).
    pub fn count(&self, verb: &str, resource: &str) -> usize {
        self.0
            .iter()
            .filter(|((v, group, plural), _)| {
                *v == verb
                    && (resource == plural
                        || resource
                            .strip_prefix(plural.as_str())
                            .and_then(|r| r.strip_prefix('.'))
                            == Some(group.as_str()))
            })
            .map(|(_, n)| *n)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbs_like_the_request_info_resolver() {
        let info =
            |m: Method, p: &str, q: &str| request_info(&m, p, q).map(|i| (i.verb, i.resource));
        assert_eq!(
            info(Method::GET, "/api/v1/pods", "limit=500"),
            Some(("list", "pods".into()))
        );
        assert_eq!(
            info(Method::GET, "/api/v1/namespaces/a/pods", "watch=true"),
            Some(("watch", "pods".into()))
        );
        assert_eq!(
            info(
                Method::GET,
                "/apis/apps/v1/watch/namespaces/a/deployments",
                ""
            ),
            Some(("watch", "deployments".into()))
        );
        assert_eq!(
            info(Method::GET, "/api/v1/namespaces/a/pods/x", ""),
            Some(("get", "pods".into()))
        );
        assert_eq!(
            info(Method::GET, "/api/v1/namespaces", ""),
            Some(("list", "namespaces".into()))
        );
        assert_eq!(
            info(Method::GET, "/api/v1/namespaces/kube-system", ""),
            Some(("get", "namespaces".into()))
        );
        assert_eq!(info(Method::GET, "/version", ""), None);
        let mut counts = Counts::default();
        for p in [
            "/apis/apps/v1/deployments",
            "/apis/apps/v1/deployments",
            "/api/v1/pods",
        ] {
            if let Some(i) = request_info(&Method::GET, p, "") {
                counts.record(&i);
            }
        }
        assert_eq!(counts.count("list", "deployments"), 2);
        assert_eq!(counts.count("list", "deployments.apps"), 2);
        assert_eq!(counts.count("list", "pods"), 1);
        assert_eq!(counts.count("watch", "pods"), 0);
    }
}

//! Turns a request path into what it addresses: discovery documents, health checks, or a
//! resource collection / object / subresource (including the legacy `/watch/` prefix).

use super::resources;

/// A collection, object or subresource of one resource type.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourcePath {
    pub resource: usize,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub subresource: Option<String>,
    /// Addressed through the legacy `/watch/` prefix.
    pub watch_prefix: bool,
}

/// What a path addresses.
#[derive(Debug, Clone, PartialEq)]
pub enum Route {
    Version,
    /// livez / readyz / healthz, with an optional single check name.
    Health(String, Option<String>),
    OpenApi,
    CoreVersions,
    CoreResources,
    Groups,
    Group(String),
    GroupResources(String, String),
    /// A POST to an authorization.k8s.io review (the plural, e.g. "selfsubjectaccessreviews").
    Review(String),
    Resource(ResourcePath),
    NotFound,
}

/// What `path` addresses; `resolve` finds the type served at (group, version, plural).
pub fn route(path: &str, resolve: &dyn Fn(&str, &str, &str) -> Option<usize>) -> Route {
    let segments: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    match segments.as_slice() {
        ["version"] => Route::Version,
        [check @ ("livez" | "readyz" | "healthz")] => Route::Health((*check).to_string(), None),
        [check @ ("livez" | "readyz" | "healthz"), rest @ ..] => {
            Route::Health((*check).to_string(), Some(rest.join("/")))
        }
        ["openapi", ..] => Route::OpenApi,
        ["api"] => Route::CoreVersions,
        ["api", "v1"] => Route::CoreResources,
        ["api", "v1", rest @ ..] => resource_route("", "v1", rest, resolve),
        ["apis"] => Route::Groups,
        ["apis", group] => Route::Group((*group).to_string()),
        ["apis", group, version] => {
            Route::GroupResources((*group).to_string(), (*version).to_string())
        }
        ["apis", "authorization.k8s.io", "v1", review] => Route::Review((*review).to_string()),
        ["apis", group, version, rest @ ..] => resource_route(group, version, rest, resolve),
        _ => Route::NotFound,
    }
}

fn resource_route(
    group: &str,
    version: &str,
    rest: &[&str],
    resolve: &dyn Fn(&str, &str, &str) -> Option<usize>,
) -> Route {
    let (watch_prefix, rest) = match rest {
        ["watch", rest @ ..] => (true, rest),
        _ => (false, rest),
    };
    let path = |plural: &str, namespace: Option<&str>, name: Option<&str>, sub: Option<&str>| {
        let Some(resource) = resolve(group, version, plural) else {
            return Route::NotFound;
        };
        let namespaced = resources::get(resource).namespaced;
        if namespace.is_some() && !namespaced {
            return Route::NotFound;
        }
        if namespaced && namespace.is_none() && name.is_some() {
            return Route::NotFound;
        }
        Route::Resource(ResourcePath {
            resource,
            namespace: namespace.map(str::to_string),
            name: name.map(str::to_string),
            subresource: sub.map(str::to_string),
            watch_prefix,
        })
    };
    match rest {
        ["namespaces", ns, plural] if !matches!(*plural, "status" | "finalize") => {
            path(plural, Some(ns), None, None)
        }
        ["namespaces", ns, plural, name] => path(plural, Some(ns), Some(name), None),
        ["namespaces", ns, plural, name, sub] => path(plural, Some(ns), Some(name), Some(sub)),
        [plural] => path(plural, None, None, None),
        [plural, name] => path(plural, None, Some(name), None),
        [plural, name, sub] => path(plural, None, Some(name), Some(sub)),
        _ => Route::NotFound,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(path: &str) -> Route {
        super::route(path, &|g, v, p| resources::by_plural(g, v, p))
    }

    #[test]
    fn routes_resource_paths() {
        let Route::Resource(p) = route("/api/v1/namespaces/a/pods/x/log") else {
            panic!()
        };
        assert_eq!(
            (
                p.namespace.as_deref(),
                p.name.as_deref(),
                p.subresource.as_deref()
            ),
            (Some("a"), Some("x"), Some("log"))
        );
        let Route::Resource(p) = route("/api/v1/namespaces/a") else {
            panic!()
        };
        assert_eq!((p.namespace, p.name.as_deref()), (None, Some("a")));
        let Route::Resource(p) = route("/apis/apps/v1/watch/namespaces/a/deployments") else {
            panic!()
        };
        assert!(p.watch_prefix);
        assert_eq!(route("/api/v1/nodes/x/y/z"), Route::NotFound);
        assert_eq!(route("/api/v1/namespaces/a/nodes"), Route::NotFound);
        assert_eq!(route("/api/v1/pods/x"), Route::NotFound);
    }
}

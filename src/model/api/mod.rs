//! Every kind the server serves, as API discovery describes it, and kubectl's way of naming
//! them: plural, singular, short names, the kind itself, `NAME.GROUP` / `NAME.VERSION.GROUP`
//! for kinds of the same name in several groups, and categories (`all`). A name kubectl knows
//! but the server does not serve is told apart from a name nobody knows.

pub mod builtin;
pub mod parse;
pub mod table;

/// One resource type the server serves (its preferred version).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApiResource {
    /// API group (`""` for the core group).
    pub group: String,
    pub version: String,
    pub kind: String,
    /// Plural resource name as in URLs (`statefulsets`).
    pub plural: String,
    pub singular: String,
    pub short_names: Vec<String>,
    pub categories: Vec<String>,
    pub namespaced: bool,
    pub verbs: Vec<String>,
}

impl ApiResource {
    /// `apps/v1`, or `v1` for the core group.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// The name kubectl prints for the type: `statefulsets.apps`, or `pods` for the core group.
    pub fn full_name(&self) -> String {
        if self.group.is_empty() {
            self.plural.clone()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// The URL path of the list of this type, in `namespace` (None: every namespace, or a
    /// cluster-scoped type).
    pub fn list_path(&self, namespace: Option<&str>) -> String {
        let base = if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        };
        match namespace {
            Some(ns) if self.namespaced => {
                format!("{base}/namespaces/{}/{}", escape(ns), self.plural)
            }
            _ => format!("{base}/{}", self.plural),
        }
    }

    /// The URL path of one object.
    pub fn object_path(&self, namespace: &str, name: &str) -> String {
        let ns = (!namespace.is_empty()).then_some(namespace);
        format!("{}/{}", self.list_path(ns), escape(name))
    }

    pub fn can(&self, verb: &str) -> bool {
        self.verbs.iter().any(|v| v == verb)
    }
}

/// Percent-escapes a path segment (names are DNS labels, but a hostile name must not change
/// the path).
pub fn escape(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b':') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// What a name typed by the user stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// One type.
    One(ApiResource),
    /// A category (`all`): every type in it, in discovery order.
    Category(String, Vec<ApiResource>),
    /// kubectl knows the name (`group/version Kind`), the server does not serve it.
    NotServed { name: String, known_as: String },
    /// Nobody knows the name.
    Unknown(String),
}

/// Every type the server serves, in discovery order (core group first, then the groups as the
/// server lists them, which is kubectl's order of preference).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApiRegistry {
    pub resources: Vec<ApiResource>,
    /// How the registry was found (`aggregated` or `legacy`), for the log and tests.
    pub source: &'static str,
    /// Group versions that could not be read (an aggregated API that is down), with why.
    pub failed: Vec<(String, String)>,
}

impl ApiRegistry {
    /// Resolves a name the way kubectl does.
    pub fn resolve(&self, name: &str) -> Resolved {
        let lower = name.trim().to_ascii_lowercase();
        if lower.is_empty() {
            return Resolved::Unknown(name.to_string());
        }
        if let Some(found) = self.find(&lower) {
            return Resolved::One(found.clone());
        }
        let members: Vec<ApiResource> = self
            .resources
            .iter()
            .filter(|r| r.categories.contains(&lower))
            .cloned()
            .collect();
        if !members.is_empty() {
            return Resolved::Category(lower, members);
        }
        match builtin::known(&lower) {
            Some(known) => Resolved::NotServed {
                name: name.trim().to_string(),
                known_as: known,
            },
            None => Resolved::Unknown(name.trim().to_string()),
        }
    }

    /// A single type by name: exact names first (plural, singular, short names, kind), then
    /// `NAME.GROUP` and `NAME.VERSION.GROUP`.
    pub fn find(&self, lower: &str) -> Option<&ApiResource> {
        let names = |r: &ApiResource, n: &str| {
            r.plural == n
                || r.singular == n
                || r.kind.eq_ignore_ascii_case(n)
                || r.short_names.iter().any(|s| s == n)
        };
        if let Some(r) = self.resources.iter().find(|r| {
            r.plural == lower || r.singular == lower || r.short_names.iter().any(|s| s == lower)
        }) {
            return Some(r);
        }
        if let Some(r) = self
            .resources
            .iter()
            .find(|r| r.kind.eq_ignore_ascii_case(lower))
        {
            return Some(r);
        }
        let (head, rest) = lower.split_once('.')?;
        // NAME.VERSION.GROUP: the version must be served for that group.
        if let Some((version, group)) = rest.split_once('.')
            && let Some(r) = self
                .resources
                .iter()
                .find(|r| r.group == group && r.version == version && names(r, head))
        {
            return Some(r);
        }
        self.resources
            .iter()
            .find(|r| r.group == rest && names(r, head))
    }

    /// Every name completion offers: plurals, singulars, short names, `plural.group`.
    pub fn names(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for r in &self.resources {
            out.push(r.plural.clone());
            if !r.singular.is_empty() {
                out.push(r.singular.clone());
            }
            out.extend(r.short_names.iter().cloned());
            if !r.group.is_empty() {
                out.push(r.full_name());
            }
            out.extend(r.categories.iter().cloned());
        }
        out.sort();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn res(group: &str, plural: &str, kind: &str, short: &[&str]) -> ApiResource {
        ApiResource {
            group: group.into(),
            version: "v1".into(),
            kind: kind.into(),
            plural: plural.into(),
            singular: kind.to_ascii_lowercase(),
            short_names: short.iter().map(|s| s.to_string()).collect(),
            categories: if kind == "Pod" || kind == "StatefulSet" {
                vec!["all".into()]
            } else {
                Vec::new()
            },
            namespaced: kind != "Node",
            verbs: vec!["get".into(), "list".into(), "watch".into()],
        }
    }

    fn registry() -> ApiRegistry {
        ApiRegistry {
            resources: vec![
                res("", "pods", "Pod", &["po"]),
                res("", "nodes", "Node", &["no"]),
                res("", "events", "Event", &["ev"]),
                res("apps", "statefulsets", "StatefulSet", &["sts"]),
                res("events.k8s.io", "events", "Event", &["ev"]),
                res("metrics.k8s.io", "nodes", "NodeMetrics", &[]),
                res("ops.acme.io", "backups", "Backup", &["bk"]),
            ],
            source: "test",
            failed: Vec::new(),
        }
    }

    #[test]
    fn kubectl_names_resolve_with_the_core_group_preferred() {
        let r = registry();
        for name in [
            "sts",
            "statefulset",
            "StatefulSets",
            "statefulsets.apps",
            "StatefulSet",
        ] {
            assert!(
                matches!(r.resolve(name), Resolved::One(ref x) if x.plural == "statefulsets"),
                "{name}"
            );
        }
        assert!(matches!(r.resolve("ev"), Resolved::One(ref x) if x.group.is_empty()));
        assert!(
            matches!(r.resolve("events.events.k8s.io"), Resolved::One(ref x) if x.group == "events.k8s.io")
        );
        assert!(
            matches!(r.resolve("nodes.metrics.k8s.io"), Resolved::One(ref x) if x.kind == "NodeMetrics")
        );
        assert!(
            matches!(r.resolve("nodes.v1.metrics.k8s.io"), Resolved::One(ref x) if x.kind == "NodeMetrics")
        );
        assert!(matches!(r.resolve("no"), Resolved::One(ref x) if x.kind == "Node"));
        assert!(matches!(r.resolve("bk"), Resolved::One(ref x) if x.kind == "Backup"));
        match r.resolve("all") {
            Resolved::Category(c, members) => {
                assert_eq!(c, "all");
                assert_eq!(members.len(), 2);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            r.resolve("controllerrevisions"),
            Resolved::NotServed { .. }
        ));
        assert!(
            matches!(r.resolve("pvc"), Resolved::NotServed { ref known_as, .. } if known_as.contains("PersistentVolumeClaim"))
        );
        assert!(matches!(r.resolve("frobnicators"), Resolved::Unknown(_)));
    }

    #[test]
    fn paths_are_built_and_escaped() {
        let r = registry();
        let sts = r.find("sts").expect("sts");
        assert_eq!(
            sts.list_path(Some("shop")),
            "/apis/apps/v1/namespaces/shop/statefulsets"
        );
        assert_eq!(sts.list_path(None), "/apis/apps/v1/statefulsets");
        let no = r.find("no").expect("no");
        assert_eq!(no.list_path(Some("shop")), "/api/v1/nodes");
        assert_eq!(no.object_path("", "a/b"), "/api/v1/nodes/a%2Fb");
    }
}

//! The resource kinds kmedic shows as tables, with their kubectl names and columns.

/// A kind of object that has a table view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResourceKind {
    Pods,
    Nodes,
    Services,
    Namespaces,
    Deployments,
    Events,
    /// Watched to fill the Services table's endpoints column; has no view of its own yet.
    Endpoints,
    /// Any other kind the server serves, found by discovery and shown in the server's Table
    /// printing (which one: `AppState::browse`).
    Browse,
}

impl ResourceKind {
    /// The kinds that have a table view, in the order views are cycled.
    pub const VIEWS: &'static [ResourceKind] = &[
        ResourceKind::Pods,
        ResourceKind::Deployments,
        ResourceKind::Services,
        ResourceKind::Nodes,
        ResourceKind::Namespaces,
        ResourceKind::Events,
    ];

    /// Every kind kmedic watches.
    pub const WATCHED: &'static [ResourceKind] = &[
        ResourceKind::Pods,
        ResourceKind::Deployments,
        ResourceKind::Services,
        ResourceKind::Nodes,
        ResourceKind::Namespaces,
        ResourceKind::Events,
        ResourceKind::Endpoints,
    ];

    /// Title shown on the table.
    pub fn title(self) -> &'static str {
        match self {
            ResourceKind::Pods => "Pods",
            ResourceKind::Nodes => "Nodes",
            ResourceKind::Services => "Services",
            ResourceKind::Namespaces => "Namespaces",
            ResourceKind::Deployments => "Deployments",
            ResourceKind::Events => "Events",
            ResourceKind::Endpoints => "Endpoints",
            ResourceKind::Browse => "Resources",
        }
    }

    /// The API resource name (plural, lower case), as in RBAC messages and URLs.
    pub fn resource(self) -> &'static str {
        match self {
            ResourceKind::Pods => "pods",
            ResourceKind::Nodes => "nodes",
            ResourceKind::Services => "services",
            ResourceKind::Namespaces => "namespaces",
            ResourceKind::Deployments => "deployments",
            ResourceKind::Events => "events",
            ResourceKind::Endpoints => "endpoints",
            ResourceKind::Browse => "resources",
        }
    }

    /// The object kind as in `kind:` fields.
    pub fn kind_name(self) -> &'static str {
        match self {
            ResourceKind::Pods => "Pod",
            ResourceKind::Nodes => "Node",
            ResourceKind::Services => "Service",
            ResourceKind::Namespaces => "Namespace",
            ResourceKind::Deployments => "Deployment",
            ResourceKind::Events => "Event",
            ResourceKind::Endpoints => "Endpoints",
            ResourceKind::Browse => "Object",
        }
    }

    /// The compact view of an API type (group, plural), when kmedic has one.
    pub fn of_resource(group: &str, plural: &str) -> Option<ResourceKind> {
        Some(match (group, plural) {
            ("", "pods") => ResourceKind::Pods,
            ("", "nodes") => ResourceKind::Nodes,
            ("", "services") => ResourceKind::Services,
            ("", "namespaces") => ResourceKind::Namespaces,
            ("apps", "deployments") => ResourceKind::Deployments,
            ("", "events") => ResourceKind::Events,
            _ => return None,
        })
    }

    pub fn namespaced(self) -> bool {
        !matches!(self, ResourceKind::Nodes | ResourceKind::Namespaces)
    }

    /// Parses the names kubectl accepts: plural, singular and short names, case-insensitive.
    pub fn from_name(name: &str) -> Option<ResourceKind> {
        let lower = name.trim().to_ascii_lowercase();
        let kind = match lower.as_str() {
            "po" | "pod" | "pods" => ResourceKind::Pods,
            "no" | "node" | "nodes" => ResourceKind::Nodes,
            "svc" | "service" | "services" => ResourceKind::Services,
            "ns" | "namespace" | "namespaces" => ResourceKind::Namespaces,
            "deploy" | "deployment" | "deployments" | "deployments.apps" => {
                ResourceKind::Deployments
            }
            "ev" | "event" | "events" => ResourceKind::Events,
            "ep" | "endpoints" => ResourceKind::Endpoints,
            _ => return None,
        };
        Some(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_short_names_resolve() {
        assert_eq!(ResourceKind::from_name("no"), Some(ResourceKind::Nodes));
        assert_eq!(ResourceKind::from_name("SVC"), Some(ResourceKind::Services));
        assert_eq!(
            ResourceKind::from_name("deploy"),
            Some(ResourceKind::Deployments)
        );
        assert_eq!(ResourceKind::from_name("po"), Some(ResourceKind::Pods));
        assert_eq!(ResourceKind::from_name("bogus"), None);
    }
}

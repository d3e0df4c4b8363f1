//! Column titles of each kind's table, in the order `Row::cells` holds them.

use super::ResourceKind;

/// The column titles of `kind`'s table.
pub fn columns(kind: ResourceKind) -> &'static [&'static str] {
    match kind {
        ResourceKind::Pods => &[
            "NAMESPACE",
            "NAME",
            "READY",
            "STATUS",
            "RESTARTS",
            "AGE",
            "IP",
            "NODE",
        ],
        ResourceKind::Nodes => &[
            "NAME", "STATUS", "ROLES", "VERSION", "AGE", "CPU", "MEMORY", "PODS",
        ],
        ResourceKind::Services => &[
            "NAMESPACE",
            "NAME",
            "TYPE",
            "CLUSTER-IP",
            "EXTERNAL-IP",
            "PORTS",
            "SELECTOR",
            "ENDPOINTS",
            "AGE",
        ],
        ResourceKind::Namespaces => &["NAME", "STATUS", "AGE"],
        ResourceKind::Deployments => &[
            "NAMESPACE",
            "NAME",
            "READY",
            "UP-TO-DATE",
            "AVAILABLE",
            "AGE",
        ],
        ResourceKind::Events => &[
            "NAMESPACE",
            "LAST SEEN",
            "TYPE",
            "REASON",
            "OBJECT",
            "MESSAGE",
            "COUNT",
        ],
        ResourceKind::Endpoints => &["NAMESPACE", "NAME", "ENDPOINTS", "AGE"],
        // The server's columns, held by the table itself.
        ResourceKind::Browse => &["NAMESPACE", "NAME"],
    }
}

/// Index of the NAMESPACE column, when the kind has one (hidden when a single namespace is shown).
pub fn namespace_column(kind: ResourceKind) -> Option<usize> {
    columns(kind).iter().position(|c| *c == "NAMESPACE")
}

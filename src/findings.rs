//! The shape of a troubleshooting finding, shared by every pane (application, control plane,
//! worker nodes, network, certificates) and by `kmedic check` / `kmedic certs` output.

use serde::Serialize;

/// Which troubleshooting pane a finding belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pane {
    App,
    ControlPlane,
    Node,
    Network,
    Certs,
}

/// How bad it is. Ordered from most to least severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Critical,
    Error,
    Warning,
    Info,
}

impl Severity {
    /// Whether this severity makes `kmedic check` exit with 1.
    pub fn fails_check(self) -> bool {
        matches!(self, Severity::Critical | Severity::Error)
    }
}

/// The object a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ObjectRef {
    pub kind: String,
    /// Empty for cluster-scoped objects (and for things outside the cluster, e.g. a file).
    pub namespace: String,
    pub name: String,
}

impl ObjectRef {
    pub fn new(
        kind: impl Into<String>,
        namespace: impl Into<String>,
        name: impl Into<String>,
    ) -> Self {
        ObjectRef {
            kind: kind.into(),
            namespace: namespace.into(),
            name: name.into(),
        }
    }
}

/// One piece of evidence: a label and what was observed (a field value, an event, a log line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub label: String,
    pub value: String,
}

impl Evidence {
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Self {
        Evidence {
            label: label.into(),
            value: value.into(),
        }
    }
}

/// A link from a finding to another finding that causes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct CauseRef {
    pub check: String,
    pub object: ObjectRef,
}

/// One thing found wrong: what, where, the evidence, why in plain words, and what to do next.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub pane: Pane,
    /// Stable identifier of the check, e.g. `pod-crashloop`, `cert-expired`.
    pub check: String,
    pub severity: Severity,
    pub object: ObjectRef,
    /// One line: what is wrong.
    pub summary: String,
    /// Plain-English explanation of why it happens.
    pub explanation: String,
    pub evidence: Vec<Evidence>,
    /// Concrete next steps, usually commands.
    pub next_steps: Vec<String>,
    /// Findings that cause this one (root causes), filled in by the engine.
    pub caused_by: Vec<CauseRef>,
}

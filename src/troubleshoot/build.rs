//! Small helpers for writing findings: a builder, object references from metadata, and the
//! recent events of an object as evidence.

use crate::objects::ObjectMeta;

use super::Ctx;
use crate::findings::{Evidence, Finding, ObjectRef, Pane, Severity};

/// How many events a finding shows at most.
pub const MAX_EVENTS: usize = 5;

/// The reference of a namespaced or cluster-scoped object.
pub fn obj(kind: &str, meta: &ObjectMeta) -> ObjectRef {
    ObjectRef::new(
        kind,
        meta.namespace.clone().unwrap_or_default(),
        meta.name.clone().unwrap_or_default(),
    )
}

/// Starts an App-pane finding.
pub fn app(check: &str, severity: Severity, object: ObjectRef, summary: String) -> Finding {
    Finding {
        pane: Pane::App,
        check: check.to_string(),
        severity,
        object,
        summary,
        explanation: String::new(),
        evidence: Vec::new(),
        next_steps: Vec::new(),
        caused_by: Vec::new(),
    }
}

/// Starts a Network-pane finding.
pub fn net(check: &str, severity: Severity, object: ObjectRef, summary: String) -> Finding {
    Finding {
        pane: Pane::Network,
        ..app(check, severity, object, summary)
    }
}

/// Builder-style setters on a finding.
pub trait FindingExt {
    fn explain(self, text: impl Into<String>) -> Self;
    fn with(self, label: &str, value: impl Into<String>) -> Self;
    fn step(self, command: impl Into<String>) -> Self;
    /// Adds the object's events (newest first), only Warnings unless `all`, optionally only
    /// those whose reason is in `reasons`.
    fn events(self, ctx: &Ctx, reasons: &[&str], all: bool) -> Self;
}

impl FindingExt for Finding {
    fn explain(mut self, text: impl Into<String>) -> Self {
        let text = text.into();
        if self.explanation.is_empty() {
            self.explanation = text;
        } else {
            self.explanation.push(' ');
            self.explanation.push_str(&text);
        }
        self
    }

    fn with(mut self, label: &str, value: impl Into<String>) -> Self {
        self.evidence.push(Evidence::new(label, value));
        self
    }

    fn step(mut self, command: impl Into<String>) -> Self {
        self.next_steps.push(command.into());
        self
    }

    fn events(mut self, ctx: &Ctx, reasons: &[&str], all: bool) -> Self {
        let o = &self.object;
        let picked: Vec<Evidence> = ctx
            .snap
            .events_for(&o.kind, &o.namespace, &o.name)
            .filter(|e| all || e.is_warning())
            .filter(|e| reasons.is_empty() || reasons.contains(&e.reason.as_str()))
            .take(MAX_EVENTS)
            .map(|e| e.evidence(ctx.now()))
            .collect();
        self.evidence.extend(picked);
        self
    }
}

/// `-n ns` for kubectl commands (empty for cluster-scoped objects).
pub fn ns_flag(ns: &str) -> String {
    if ns.is_empty() {
        String::new()
    } else {
        format!(" -n {ns}")
    }
}

/// Seconds between two times, `now - then`.
pub fn secs_since(then: jiff::Timestamp, now: jiff::Timestamp) -> i64 {
    now.as_second() - then.as_second()
}

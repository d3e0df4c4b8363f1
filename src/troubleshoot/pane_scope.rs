//! `--pane`: what a run restricted to some panes shows and what it owes the user. Findings
//! of the asked panes are shown, with the findings of other panes they are caused by (a
//! root cause is shown whatever its pane); the rest is counted, so a restricted run never
//! reads as a clean bill of health for the whole cluster or node.

use std::collections::HashSet;

use crate::findings::{Finding, ObjectRef, Pane, Severity};

impl Pane {
    /// The name `--pane` takes: `app`, `control-plane`, `node`, `network`, `certs`.
    pub fn cli_name(self) -> &'static str {
        match self {
            Pane::App => "app",
            Pane::ControlPlane => "control-plane",
            Pane::Node => "node",
            Pane::Network => "network",
            Pane::Certs => "certs",
        }
    }
}

/// Splits findings into (shown, not shown) for `panes` (all shown when empty): the asked
/// panes' findings and, transitively, the findings they are caused by.
pub fn split(all: Vec<Finding>, panes: &[Pane]) -> (Vec<Finding>, Vec<Finding>) {
    if panes.is_empty() {
        return (all, Vec::new());
    }
    let mut shown: Vec<bool> = all.iter().map(|f| panes.contains(&f.pane)).collect();
    loop {
        let causes: HashSet<(&str, &ObjectRef)> = all
            .iter()
            .zip(&shown)
            .filter(|(_, s)| **s)
            .flat_map(|(f, _)| f.caused_by.iter())
            .map(|c| (c.check.as_str(), &c.object))
            .collect();
        let mut grew = false;
        for (f, s) in all.iter().zip(shown.iter_mut()) {
            if !*s && causes.contains(&(f.check.as_str(), &f.object)) {
                *s = true;
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    let mut kept = Vec::new();
    let mut hidden = Vec::new();
    for (f, s) in all.into_iter().zip(shown) {
        if s {
            kept.push(f);
        } else {
            hidden.push(f);
        }
    }
    (kept, hidden)
}

/// The line a restricted run prints instead of "No problems found.": which panes were looked
/// at, and what the others hold.
pub fn nothing_in(panes: &[Pane], hidden: &[Finding]) -> String {
    let names: Vec<&str> = panes.iter().map(|p| p.cli_name()).collect();
    let (which, only) = match names.len() {
        1 => (format!("the {} pane", names[0]), "the only one looked at"),
        _ => (
            format!("the {} panes", names.join(", ")),
            "the only ones looked at",
        ),
    };
    let mut out = format!("No problems found in {which}, {only}.");
    if !hidden.is_empty() {
        out.push_str(&format!(
            " Other panes have {} ({}), not shown: run without --pane to see them.",
            count(hidden.len(), "finding"),
            severities(hidden)
        ));
    }
    out
}

/// "1 critical, 2 errors" of some findings.
pub fn severities(findings: &[Finding]) -> String {
    let n = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    [
        (n(Severity::Critical), "critical", "critical"),
        (n(Severity::Error), "error", "errors"),
        (n(Severity::Warning), "warning", "warnings"),
        (n(Severity::Info), "info", "info"),
    ]
    .into_iter()
    .filter(|(c, _, _)| *c > 0)
    .map(|(c, one, many)| format!("{c} {}", if c == 1 { one } else { many }))
    .collect::<Vec<_>>()
    .join(", ")
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::CauseRef as Cause;

    fn finding(pane: Pane, check: &str, name: &str, severity: Severity) -> Finding {
        Finding {
            pane,
            check: check.into(),
            severity,
            object: ObjectRef::new("Pod", "ns", name),
            summary: String::new(),
            explanation: String::new(),
            evidence: Vec::new(),
            next_steps: Vec::new(),
            caused_by: Vec::new(),
        }
    }

    #[test]
    fn other_panes_are_counted_and_causes_follow_their_symptoms() {
        let root = finding(Pane::App, "webhook-no-endpoints", "w", Severity::Critical);
        let mut symptom = finding(Pane::ControlPlane, "cp-x", "s", Severity::Error);
        symptom.caused_by.push(Cause {
            check: root.check.clone(),
            object: root.object.clone(),
        });
        let other = finding(Pane::Network, "net", "n", Severity::Warning);
        let (shown, hidden) = split(
            vec![root.clone(), symptom.clone(), other.clone()],
            &[Pane::ControlPlane],
        );
        assert_eq!(shown, [root, symptom]);
        assert_eq!(hidden, std::slice::from_ref(&other));
        assert_eq!(
            nothing_in(&[Pane::ControlPlane], &hidden),
            "No problems found in the control-plane pane, the only one looked at. Other panes \
             have 1 finding (1 warning), not shown: run without --pane to see them."
        );
        assert_eq!(
            nothing_in(&[Pane::ControlPlane, Pane::Node], &[]),
            "No problems found in the control-plane, node panes, the only ones looked at."
        );
        let (all, none) = split(vec![other], &[]);
        assert_eq!((all.len(), none.len()), (1, 0));
    }
}

//! Journals of the kubelet, the runtime and control-plane units, classified into known failure
//! signatures ([`super::journal_patterns`]); each signature found becomes one finding with the
//! latest matching lines as evidence and how many lines matched.

use super::journal_patterns::{Pattern, classify};
use super::{ev, finding, unit};
use crate::findings::Finding;
use crate::node::model::NodeData;

/// Matching lines shown per finding.
const SHOWN: usize = 3;

/// Lines of `lines` grouped by the pattern they match, in the patterns' order.
pub fn classify_lines<'a, S: AsRef<str>>(lines: &'a [S]) -> Vec<(&'static Pattern, Vec<&'a str>)> {
    let mut groups: Vec<(&'static Pattern, Vec<&'a str>)> = Vec::new();
    for line in lines {
        let line = line.as_ref();
        let Some(p) = classify(line) else { continue };
        match groups.iter_mut().find(|(q, _)| std::ptr::eq(*q, p)) {
            Some((_, v)) => v.push(line),
            None => groups.push((p, vec![line])),
        }
    }
    groups
}

pub fn check(data: &NodeData) -> Vec<Finding> {
    let mut out = Vec::new();
    for journal in &data.journals {
        for (pattern, lines) in classify_lines(&journal.lines) {
            let mut f = finding(
                pattern.pane,
                &format!("journal-{}", pattern.id),
                pattern.severity,
                unit(&journal.unit),
                format!(
                    "{} journal: {} ({} of the last {} lines)",
                    journal.unit,
                    pattern.meaning,
                    lines.len(),
                    journal.lines.len()
                ),
                pattern.explanation,
            );
            f.evidence = lines
                .iter()
                .rev()
                .take(SHOWN)
                .map(|l| ev(format!("journalctl -u {}", journal.unit), l))
                .collect();
            f.next_steps = pattern.next.iter().map(|s| s.to_string()).collect();
            f.next_steps
                .push(format!("journalctl -u {} -n 100 --no-pager", journal.unit));
            out.push(f);
        }
    }
    out
}

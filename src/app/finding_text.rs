//! The text of one finding as the Troubleshoot details show it (and `Y` copies it): plain lines
//! of tagged parts, wrapped to the details box. The renderer only maps tags to styles, so the
//! reducer can bound the details' scrolling by the very rows that are drawn.

use crate::findings::{Finding, Severity};
use crate::text_safety::visible;

/// What a piece of a details line is, for its style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Severity(Severity),
    Title,
    Muted,
    Heading,
    Text,
    Command,
    Label,
}

/// A line of the details: pieces with their tags.
pub type PartLine = Vec<(Part, String)>;

pub fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "CRITICAL",
        Severity::Error => "ERROR",
        Severity::Warning => "WARNING",
        Severity::Info => "INFO",
    }
}

/// `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects.
pub fn object_name(f: &Finding) -> String {
    let o = &f.object;
    if o.namespace.is_empty() {
        format!("{}/{}", visible(&o.kind), visible(&o.name))
    } else {
        format!(
            "{}/{}/{}",
            visible(&o.kind),
            visible(&o.namespace),
            visible(&o.name)
        )
    }
}

/// Every line of a finding's details, unwrapped.
pub fn lines(f: &Finding) -> Vec<PartLine> {
    let mut lines = vec![
        vec![
            (
                Part::Severity(f.severity),
                format!("{} ", severity_word(f.severity)),
            ),
            (
                Part::Title,
                format!("{} — {}", object_name(f), visible(&f.summary)),
            ),
        ],
        vec![(Part::Muted, format!("check: {}", visible(&f.check)))],
        Vec::new(),
        vec![(Part::Heading, "Why:".to_string())],
        vec![(Part::Text, format!("  {}", visible(&f.explanation)))],
        vec![(Part::Heading, "Next steps:".to_string())],
    ];
    for step in &f.next_steps {
        lines.push(vec![(Part::Command, format!("  $ {}", visible(step)))]);
    }
    if !f.caused_by.is_empty() {
        lines.push(vec![(Part::Heading, "Caused by:".to_string())]);
        for cause in &f.caused_by {
            let o = &cause.object;
            let name = if o.namespace.is_empty() {
                format!("{}/{}", visible(&o.kind), visible(&o.name))
            } else {
                format!(
                    "{}/{}/{}",
                    visible(&o.kind),
                    visible(&o.namespace),
                    visible(&o.name)
                )
            };
            lines.push(vec![(
                Part::Text,
                format!("  {} on {name}", visible(&cause.check)),
            )]);
        }
    }
    lines.push(vec![(Part::Heading, "Evidence:".to_string())]);
    for e in &f.evidence {
        // Multi-line evidence (a log tail) keeps its lines, each indented under the label.
        let mut values = e.value.lines();
        lines.push(vec![
            (Part::Label, format!("  {}: ", visible(&e.label))),
            (
                Part::Text,
                visible(values.next().unwrap_or("")).into_owned(),
            ),
        ]);
        for more in values {
            lines.push(vec![(Part::Text, format!("      {}", visible(more)))]);
        }
    }
    lines
}

/// The finding's details wrapped into rows of `width` columns.
pub fn rows(f: &Finding, width: usize) -> Vec<PartLine> {
    lines(f)
        .iter()
        .flat_map(|line| super::wrap::wrap(line, width))
        .collect()
}

/// The finding as plain text, for the clipboard.
pub fn plain(f: &Finding) -> String {
    lines(f)
        .iter()
        .map(|l| l.iter().map(|(_, t)| t.as_str()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

//! `kmedic node` output: JSON (`{"node": …, "findings": [...], "coverage": [...]}`, control and
//! bidi characters as `\u` escapes) or text (the findings as `kmedic check` prints them, then
//! what could not be looked at), every node string sanitised first.

use super::model::Coverage;
use super::report::NodeReport;
use super::sanitize::{escape_json, sanitize_text};
use crate::findings::Finding;

/// The report as pretty JSON with a trailing newline.
pub fn to_json(report: &NodeReport) -> Result<String, String> {
    let text =
        serde_json::to_string_pretty(report).map_err(|e| format!("cannot encode JSON: {e}"))?;
    Ok(escape_json(&text) + "\n")
}

fn clean(f: &Finding) -> Finding {
    let mut f = f.clone();
    f.check = sanitize_text(&f.check);
    f.summary = sanitize_text(&f.summary);
    f.explanation = sanitize_text(&f.explanation);
    f.object.kind = sanitize_text(&f.object.kind);
    f.object.namespace = sanitize_text(&f.object.namespace);
    f.object.name = sanitize_text(&f.object.name);
    for e in &mut f.evidence {
        e.label = sanitize_text(&e.label);
        e.value = sanitize_text(&e.value);
    }
    for s in &mut f.next_steps {
        *s = sanitize_text(s);
    }
    f
}

fn coverage_text(coverage: &[Coverage]) -> String {
    if coverage.is_empty() {
        return String::new();
    }
    let mut out = format!("Not looked at ({}):\n", coverage.len());
    for c in coverage {
        out.push_str(&format!(
            "  - {}: {}\n",
            sanitize_text(&c.what),
            sanitize_text(&c.why)
        ));
    }
    out
}

/// The report as text for a terminal or a file.
pub fn to_text(report: &NodeReport, color: bool) -> String {
    let name = report
        .node
        .as_deref()
        .map(sanitize_text)
        .unwrap_or_else(|| "(name unknown)".into());
    let mut out = format!("Node {name}\n\n");
    if report.findings.is_empty() {
        match &report.scope {
            // Not an all-clear: only some panes were looked at.
            Some(scope) => {
                out.push_str(&crate::troubleshoot::pane_scope::nothing_in(
                    &scope.panes,
                    &scope.hidden,
                ));
                out.push('\n');
            }
            None => out.push_str("No problems found in what could be looked at.\n"),
        }
    } else {
        let findings: Vec<Finding> = report.findings.iter().map(clean).collect();
        out.push_str(&crate::troubleshoot::output::to_text(&findings, color));
    }
    let coverage = coverage_text(&report.coverage);
    if !coverage.is_empty() {
        out.push('\n');
        out.push_str(&coverage);
    }
    out
}

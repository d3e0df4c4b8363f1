//! The `kmedic certs` output: kubeadm-style tables, every certificate found, and the findings,
//! as text or as JSON (`{"certificates": [...], "findings": [...]}`).

use jiff::Timestamp;
use serde::Serialize;

use super::entry::CertEntry;
use super::verify::{ChainVerdict, KeyMatch};
use crate::findings::Finding;
use crate::text_safety::visible;

/// Everything `kmedic certs` found.
#[derive(Debug, Clone, Serialize)]
pub struct CertsReport {
    pub certificates: Vec<CertEntry>,
    pub findings: Vec<Finding>,
    /// Sources that could not be read (not problems of the certificates themselves).
    pub notes: Vec<String>,
    /// The API server did not answer in time (the message names it and the wait): the served
    /// chain and the cluster's certificates were not inspected, and `kmedic certs` exits 2.
    #[serde(skip)]
    pub unanswered: Option<String>,
}

impl CertsReport {
    /// Builds the report and its findings at time `now`.
    pub fn new(certificates: Vec<CertEntry>, now: Timestamp) -> Self {
        let mut findings = super::checks::findings(&certificates, now);
        findings.extend(super::drift::served_vs_disk(&certificates, now));
        findings.sort_by_key(|f| f.severity);
        CertsReport {
            certificates,
            findings,
            notes: Vec::new(),
            unanswered: None,
        }
    }

    /// Whether a finding makes `kmedic certs` exit with 1.
    pub fn fails(&self) -> bool {
        self.findings.iter().any(|f| f.severity.fails_check())
    }
}

/// kubeadm's residual time: `348d`, `5h`, `<invalid>` once expired.
pub fn residual(not_after: Timestamp, now: Timestamp) -> String {
    let secs = not_after.as_second() - now.as_second();
    if secs < -1 {
        "<invalid>".into()
    } else if secs < 0 {
        "0s".into()
    } else if secs < 60 {
        format!("{secs}s")
    } else if secs < 3600 {
        format!("{}m", secs / 60)
    } else if secs < 86_400 {
        format!("{}h", secs / 3600)
    } else if secs < 365 * 86_400 {
        format!("{}d", secs / 86_400)
    } else {
        format!("{}y", secs / (365 * 86_400))
    }
}

/// kubeadm's date format, in UTC: `Jan 02, 2006 15:04 UTC`.
pub fn expires(t: Timestamp) -> String {
    t.strftime("%b %d, %Y %H:%M UTC").to_string()
}

/// Aligned columns; every cell is cleaned (subjects, names and errors come from certificates
/// and files, which are untrusted).
fn table(rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| visible(c).into_owned()).collect())
        .collect();
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<width$}   ", width = widths[c]));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.into()
}

/// The two kubeadm tables (leaf certificates, then CAs); empty without node PKI rows.
pub fn kubeadm_tables(entries: &[CertEntry], now: Timestamp) -> String {
    let mut leaves = vec![vec![
        "CERTIFICATE".to_string(),
        "EXPIRES".into(),
        "RESIDUAL TIME".into(),
        "CERTIFICATE AUTHORITY".into(),
        "EXTERNALLY MANAGED".into(),
    ]];
    let mut cas = vec![vec![
        "CERTIFICATE AUTHORITY".to_string(),
        "EXPIRES".into(),
        "RESIDUAL TIME".into(),
        "EXTERNALLY MANAGED".into(),
    ]];
    let mut rows: Vec<&CertEntry> = entries.iter().filter(|e| e.kubeadm.is_some()).collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    for entry in rows {
        let Some(row) = &entry.kubeadm else { continue };
        let (exp, res) = match entry.leaf() {
            Some(leaf) => (expires(leaf.not_after), residual(leaf.not_after, now)),
            None if entry.error.as_deref() == Some(super::entry::MISSING) => {
                ("!MISSING!".into(), String::new())
            }
            None => ("!INVALID!".into(), String::new()),
        };
        if row.authority.is_empty() {
            cas.push(vec![
                row.name.clone(),
                exp,
                res,
                yes_no(row.externally_managed),
            ]);
        } else {
            leaves.push(vec![
                row.name.clone(),
                exp,
                res,
                row.authority.clone(),
                yes_no(row.externally_managed),
            ]);
        }
    }
    if leaves.len() == 1 && cas.len() == 1 {
        return String::new();
    }
    format!("{}\n{}", table(&leaves), table(&cas))
}

fn verdict_text(entry: &CertEntry) -> String {
    let mut parts = Vec::new();
    match &entry.verdict {
        Some(ChainVerdict::Trusted { .. }) => parts.push("chain ok".to_string()),
        Some(ChainVerdict::SameNameDifferentCa { .. }) => parts.push("OTHER CA, SAME NAME".into()),
        Some(ChainVerdict::UnknownAuthority { .. }) => parts.push("UNKNOWN CA".into()),
        None => {}
    }
    match &entry.key {
        Some(KeyMatch::Matches) => parts.push("key ok".into()),
        Some(KeyMatch::Mismatch) => parts.push("KEY MISMATCH".into()),
        Some(KeyMatch::Unreadable(_)) => parts.push("key unreadable".into()),
        None => {}
    }
    parts.join(", ")
}

/// Every certificate: source, name, subject, expiry, residual time, checks.
pub fn inventory_table(entries: &[CertEntry], now: Timestamp) -> String {
    let mut rows = vec![vec![
        "SOURCE".to_string(),
        "NAME".into(),
        "SUBJECT".into(),
        "EXPIRES".into(),
        "RESIDUAL".into(),
        "CHECKS".into(),
    ]];
    for entry in entries {
        if let Some(error) = &entry.error {
            rows.push(vec![
                entry.source.label().into(),
                entry.name.clone(),
                format!("ERROR: {error}"),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
        if entry.error.is_none() && entry.chain.is_empty() {
            rows.push(vec![
                entry.source.label().into(),
                entry.name.clone(),
                "(no certificate)".into(),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
        for (i, cert) in entry.chain.iter().enumerate() {
            let name = if i == 0 {
                entry.name.clone()
            } else {
                format!("  └ #{}", i + 1)
            };
            rows.push(vec![
                entry.source.label().into(),
                name,
                cert.subject.clone(),
                expires(cert.not_after),
                residual(cert.not_after, now),
                if i == 0 {
                    verdict_text(entry)
                } else {
                    String::new()
                },
            ]);
        }
    }
    table(&rows)
}

/// The findings, most severe first, with evidence and next steps.
pub fn findings_text(findings: &[Finding]) -> String {
    if findings.is_empty() {
        return "No certificate problems found.\n".into();
    }
    let mut out = format!("FINDINGS ({})\n", findings.len());
    for f in findings {
        let severity = format!("{:?}", f.severity).to_uppercase();
        out.push_str(&format!(
            "{severity:<8} {}  {}\n",
            visible(&f.check),
            visible(&f.summary)
        ));
        if !f.explanation.is_empty() {
            out.push_str(&format!("         why: {}\n", visible(&f.explanation)));
        }
        for e in &f.evidence {
            out.push_str(&format!(
                "         {}: {}\n",
                visible(&e.label),
                visible(&e.value)
            ));
        }
        for step in &f.next_steps {
            out.push_str(&format!("         next: {}\n", visible(step)));
        }
    }
    out
}

/// The whole text report.
pub fn render_text(report: &CertsReport, now: Timestamp) -> String {
    let mut out = kubeadm_tables(&report.certificates, now);
    if !out.is_empty() {
        out.push('\n');
    }
    if report.certificates.is_empty() {
        out.push_str("No certificates found.\n");
    } else {
        out.push_str(&inventory_table(&report.certificates, now));
    }
    out.push('\n');
    out.push_str(&findings_text(&report.findings));
    for note in &report.notes {
        out.push_str(&format!("note: {}\n", visible(note)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn residual_is_kubeadm_style() {
        let now = Timestamp::from_second(1_000_000_000).expect("ts");
        let at = |s: i64| Timestamp::from_second(1_000_000_000 + s).expect("ts");
        assert_eq!(residual(at(-10), now), "<invalid>");
        assert_eq!(residual(at(30), now), "30s");
        assert_eq!(residual(at(7200), now), "2h");
        assert_eq!(residual(at(348 * 86_400 + 5), now), "348d");
        assert_eq!(residual(at(3650 * 86_400), now), "10y");
    }
}

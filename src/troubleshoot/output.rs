//! Rendering findings for `kmedic check`: JSON (`{"findings": [...]}`) and text grouped by
//! severity and namespace, coloured with ANSI codes only when asked to.

use std::fmt::Write;

use crate::findings::{Finding, Severity};

/// `{"findings": [...]}`, each finding with every field of [`Finding`].
pub fn to_json(findings: &[Finding]) -> serde_json::Value {
    serde_json::json!({ "findings": findings })
}

fn label(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "CRITICAL",
        Severity::Error => "ERROR",
        Severity::Warning => "WARNING",
        Severity::Info => "INFO",
    }
}

fn colour(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "\x1b[1;35m",
        Severity::Error => "\x1b[1;31m",
        Severity::Warning => "\x1b[1;33m",
        Severity::Info => "\x1b[1;36m",
    }
}

const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// Text from the cluster made safe to print: escape sequences removed and other control
/// characters shown as symbols, line by line (line breaks are kept).
fn safe(text: &str) -> String {
    text.split('\n')
        .map(|l| crate::logs::sanitize::clean(l.trim_end_matches('\r').as_bytes()).text)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Text for a terminal or a file: severities in order, namespaces within, each finding with
/// its explanation, evidence, next steps and causes.
pub fn to_text(findings: &[Finding], color: bool) -> String {
    let paint = |code: &str, text: &str| {
        if color {
            format!("{code}{text}{RESET}")
        } else {
            text.to_string()
        }
    };
    let mut out = String::new();
    if findings.is_empty() {
        out.push_str("No problems found.\n");
        return out;
    }
    for sev in [
        Severity::Critical,
        Severity::Error,
        Severity::Warning,
        Severity::Info,
    ] {
        let mut of_sev: Vec<&Finding> = findings.iter().filter(|f| f.severity == sev).collect();
        if of_sev.is_empty() {
            continue;
        }
        // Stable: keeps root causes before symptoms within a namespace.
        of_sev.sort_by(|a, b| a.object.namespace.cmp(&b.object.namespace));
        let _ = writeln!(
            out,
            "{}",
            paint(colour(sev), &format!("{} ({})", label(sev), of_sev.len()))
        );
        let mut current_ns: Option<&str> = None;
        for f in of_sev {
            if current_ns != Some(f.object.namespace.as_str()) {
                current_ns = Some(f.object.namespace.as_str());
                let ns = if f.object.namespace.is_empty() {
                    "(cluster)"
                } else {
                    &f.object.namespace
                };
                let _ = writeln!(out, "  {}", paint(BOLD, &format!("namespace {}", safe(ns))));
            }
            let _ = writeln!(
                out,
                "    {} {}/{}: {}",
                paint(colour(sev), "●"),
                safe(&f.object.kind),
                safe(&f.object.name),
                safe(&f.summary)
            );
            let _ = writeln!(
                out,
                "      {}",
                paint(DIM, &format!("[{}] {}", f.check, pane(f)))
            );
            if !f.explanation.is_empty() {
                let _ = writeln!(out, "      {}", safe(&f.explanation));
            }
            for c in &f.caused_by {
                let _ = writeln!(
                    out,
                    "      caused by: {} on {}/{}{}",
                    c.check,
                    safe(&c.object.kind),
                    if c.object.namespace.is_empty() {
                        String::new()
                    } else {
                        format!("{}/", safe(&c.object.namespace))
                    },
                    safe(&c.object.name)
                );
            }
            for e in &f.evidence {
                let value = safe(&e.value);
                let mut lines = value.lines();
                let first = lines.next().unwrap_or("");
                let _ = writeln!(out, "      - {}: {first}", safe(&e.label));
                for l in lines {
                    let _ = writeln!(out, "          {l}");
                }
            }
            for s in &f.next_steps {
                let _ = writeln!(out, "      $ {}", safe(s));
            }
        }
        out.push('\n');
    }
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let _ = writeln!(
        out,
        "{} findings: {} critical, {} error, {} warning, {} info",
        findings.len(),
        count(Severity::Critical),
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
    );
    out
}

fn pane(f: &Finding) -> &'static str {
    match f.pane {
        crate::findings::Pane::App => "app",
        crate::findings::Pane::ControlPlane => "control-plane",
        crate::findings::Pane::Node => "node",
        crate::findings::Pane::Network => "network",
        crate::findings::Pane::Certs => "certs",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::findings::{Evidence, ObjectRef, Pane};

    fn f(sev: Severity) -> Finding {
        Finding {
            pane: Pane::App,
            check: "pod-crashloop".into(),
            severity: sev,
            object: ObjectRef::new("Pod", "shop", "cart"),
            summary: "crash".into(),
            explanation: "why".into(),
            evidence: vec![Evidence::new("log", "a\nb")],
            next_steps: vec!["kubectl logs cart".into()],
            caused_by: vec![],
        }
    }

    #[test]
    fn text_groups_and_colours_only_when_asked() {
        let text = to_text(&[f(Severity::Error), f(Severity::Warning)], false);
        assert!(
            text.starts_with("ERROR (1)\n  namespace shop\n    ● Pod/cart: crash"),
            "{text}"
        );
        assert!(text.contains("WARNING (1)"));
        assert!(text.contains("          b\n"));
        assert!(!text.contains('\x1b'));
        assert!(to_text(&[f(Severity::Error)], true).contains("\x1b[1;31m"));
        assert_eq!(to_text(&[], false), "No problems found.\n");
    }

    #[test]
    fn cluster_text_cannot_drive_the_terminal() {
        let mut x = f(Severity::Error);
        x.summary = "bad \u{1b}]0;owned\u{7} title \u{1b}[2J".to_string();
        x.evidence = vec![crate::findings::Evidence::new(
            "log",
            "line 1\n\u{1b}[31mline 2\u{1b}[0m",
        )];
        let text = to_text(&[x], false);
        assert!(!text.contains('\u{1b}'), "{text:?}");
        assert!(text.contains("bad  title"), "{text}");
        assert!(text.contains("- log: line 1\n          line 2"), "{text}");
    }

    #[test]
    fn json_has_the_documented_fields() {
        let v = to_json(&[f(Severity::Error)]);
        let x = &v["findings"][0];
        for k in [
            "pane",
            "check",
            "severity",
            "object",
            "summary",
            "explanation",
            "evidence",
            "next_steps",
            "caused_by",
        ] {
            assert!(x.get(k).is_some(), "{k}");
        }
        assert_eq!(x["severity"], "error");
        assert_eq!(x["object"]["namespace"], "shop");
    }
}

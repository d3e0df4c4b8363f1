//! Rendering findings for `kmedic check`: JSON (`{"findings": [...]}`) and text grouped by
//! severity and namespace, coloured with ANSI codes only when asked to.

use std::fmt::Write;

use crate::findings::{Finding, Severity};
use crate::text_safety::{visible, visible_lines};

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
                let heading = if f.object.namespace.is_empty() {
                    "cluster-scoped".to_string()
                } else {
                    format!("namespace {}", visible(&f.object.namespace))
                };
                let _ = writeln!(out, "  {}", paint(BOLD, &heading));
            }
            let _ = writeln!(
                out,
                "    {} {}/{}: {}",
                paint(colour(sev), "●"),
                visible(&f.object.kind),
                visible(&f.object.name),
                visible(&f.summary)
            );
            let _ = writeln!(
                out,
                "      {}",
                paint(DIM, &format!("[{}] {}", visible(&f.check), pane(f)))
            );
            if !f.explanation.is_empty() {
                let _ = writeln!(out, "      {}", visible(&f.explanation));
            }
            for c in &f.caused_by {
                let _ = writeln!(
                    out,
                    "      caused by: {} on {}/{}{}",
                    visible(&c.check),
                    visible(&c.object.kind),
                    if c.object.namespace.is_empty() {
                        String::new()
                    } else {
                        format!("{}/", visible(&c.object.namespace))
                    },
                    visible(&c.object.name)
                );
            }
            for e in &f.evidence {
                // Line breaks of a value (a log tail) are kept; each line is cleaned.
                let value = visible_lines(&e.value);
                let mut lines = value.lines().map(visible);
                let first = lines.next().unwrap_or_default();
                let _ = writeln!(out, "      - {}: {first}", visible(&e.label));
                for l in lines {
                    let _ = writeln!(out, "          {l}");
                }
            }
            for s in &f.next_steps {
                let _ = writeln!(out, "      $ {}", visible(s));
            }
        }
        out.push('\n');
    }
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let n =
        |count: usize, word: &str| format!("{count} {word}{}", if count == 1 { "" } else { "s" });
    let _ = writeln!(
        out,
        "{}: {} critical, {}, {}, {} info",
        n(findings.len(), "finding"),
        count(Severity::Critical),
        n(count(Severity::Error), "error"),
        n(count(Severity::Warning), "warning"),
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
        assert!(text.ends_with("2 findings: 0 critical, 1 error, 1 warning, 0 info\n"));
        let mut node = f(Severity::Error);
        node.object = ObjectRef::new("Node", "", "worker-1");
        let text = to_text(&[node], false);
        assert!(text.contains("  cluster-scoped\n"), "{text}");
        assert!(text.ends_with("1 finding: 0 critical, 1 error, 0 warnings, 0 info\n"));
    }

    #[test]
    fn cluster_text_cannot_reach_the_terminal_raw() {
        let mut hostile = f(Severity::Error);
        hostile.object.name = "cart\u{1b}]0;pwned\u{7}".into();
        hostile.summary = "crash\u{1b}[2J\u{202e}".into();
        hostile.evidence = vec![Evidence::new("log", "a\u{1b}]52;c;eA==\u{7}\r\nb\u{9b}")];
        hostile.next_steps = vec!["kubectl logs \u{2066}x".into()];
        let text = to_text(&[hostile], false);
        assert!(
            !text
                .chars()
                .any(|c| c != '\n' && crate::text_safety::is_unsafe(c)),
            "{text:?}"
        );
        assert!(
            text.contains("Pod/cart␛]0;pwned␇: crash␛[2J<U+202E>"),
            "{text}"
        );
        assert!(
            text.contains("- log: a␛]52;c;eA==␇\n          b<U+009B>\n"),
            "{text}"
        );
        assert!(text.contains("$ kubectl logs <U+2066>x"), "{text}");
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
        assert!(text.contains("bad ␛]0;owned␇ title ␛[2J"), "{text}");
        assert!(
            text.contains("- log: line 1\n          ␛[31mline 2␛[0m"),
            "{text}"
        );
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

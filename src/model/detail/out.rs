//! The line writer the describe builders share: aligned `Label:  value` fields, headings,
//! maps printed like kubectl (`k=v` continued on aligned lines) and the common metadata header.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde_json::Value;

use super::DetailLine;
use crate::model::age::human_duration;
use crate::model::{Health, ResourceKind};

/// Values start at this column (like kubectl, nested fields share the column) unless the
/// label is too long.
const VALUE_COLUMN: usize = 20;
/// Annotation values longer than this are cut (they can hold whole documents).
const MAX_VALUE: usize = 160;

/// Accumulates detail lines.
pub(crate) struct Out {
    lines: Vec<DetailLine>,
    pub now: Timestamp,
}

impl Out {
    pub fn new(now: Timestamp) -> Self {
        Out {
            lines: Vec::new(),
            now,
        }
    }

    pub fn finish(self) -> Vec<DetailLine> {
        self.lines
    }

    fn push(&mut self, text: String, health: Option<Health>, heading: bool) {
        self.lines.push(DetailLine {
            text,
            health,
            heading,
        });
    }

    pub fn heading(&mut self, text: impl Into<String>) {
        self.push(text.into(), None, true);
    }

    pub fn line(&mut self, text: impl Into<String>) {
        self.push(text.into(), None, false);
    }

    pub fn line_h(&mut self, text: impl Into<String>, health: Health) {
        self.push(text.into(), Some(health), false);
    }

    pub fn line_opt(&mut self, text: impl Into<String>, health: Option<Health>) {
        self.push(text.into(), health, false);
    }

    /// `label:` padded, then `value`, indented by `indent` spaces.
    pub fn field(&mut self, indent: usize, label: &str, value: impl AsRef<str>) {
        let text = pad(indent, label, value.as_ref());
        self.push(text, None, false);
    }

    /// A field whose value is coloured by `health`.
    pub fn field_h(&mut self, indent: usize, label: &str, value: impl AsRef<str>, health: Health) {
        let text = pad(indent, label, value.as_ref());
        self.push(text, Some(health), false);
    }

    /// A field only when the value is present and non-empty.
    pub fn field_opt(&mut self, indent: usize, label: &str, value: Option<&str>) {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            self.field(indent, label, v);
        }
    }

    /// A string map like kubectl: first `k=v` after the label, the rest aligned below it, or
    /// `<none>`. `sep` is `=` for labels and `: ` for annotations.
    pub fn map<'a>(
        &mut self,
        indent: usize,
        label: &str,
        entries: impl IntoIterator<Item = (&'a str, &'a str)>,
        sep: &str,
    ) {
        let items: Vec<String> = entries
            .into_iter()
            .map(|(k, v)| format!("{k}{sep}{}", clip(v)))
            .collect();
        if items.is_empty() {
            self.field(indent, label, "<none>");
            return;
        }
        for (i, item) in items.iter().enumerate() {
            let shown = if i == 0 { label } else { "" };
            self.field(indent, shown, item);
        }
    }

    /// A `BTreeMap<String,String>` field.
    pub fn string_map(
        &mut self,
        indent: usize,
        label: &str,
        map: Option<&BTreeMap<String, String>>,
        sep: &str,
    ) {
        self.map(
            indent,
            label,
            map.into_iter()
                .flatten()
                .map(|(k, v)| (k.as_str(), v.as_str())),
            sep,
        );
    }

    /// A simple table: header row, dashes and rows, columns padded to their widths.
    pub fn table(
        &mut self,
        indent: usize,
        header: &[&str],
        rows: &[(Vec<String>, Option<Health>)],
    ) {
        let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
        for (cells, _) in rows {
            for (i, c) in cells.iter().enumerate() {
                if let Some(w) = widths.get_mut(i) {
                    *w = (*w).max(c.chars().count());
                }
            }
        }
        let fmt = |cells: &[String]| {
            let last = cells.len().saturating_sub(1);
            let mut s = " ".repeat(indent);
            for (i, c) in cells.iter().enumerate() {
                if i == last {
                    s.push_str(c);
                } else {
                    let w = widths.get(i).copied().unwrap_or(0);
                    s.push_str(&format!("{c:<w$}  "));
                }
            }
            s.trim_end().to_string()
        };
        let head: Vec<String> = header.iter().map(|h| h.to_string()).collect();
        let dashes: Vec<String> = header
            .iter()
            .map(|h| "-".repeat(h.chars().count()))
            .collect();
        self.line(fmt(&head));
        self.line(fmt(&dashes));
        for (cells, health) in rows {
            self.line_opt(fmt(cells), *health);
        }
    }

    /// `Mon, 01 Jan 2024 10:00:00 +0000 (5d ago)`.
    pub fn time(&self, t: Timestamp) -> String {
        format!(
            "{} ({} ago)",
            t.strftime("%a, %d %b %Y %H:%M:%S %z"),
            human_duration(t, self.now)
        )
    }
}

fn pad(indent: usize, label: &str, value: &str) -> String {
    let width = VALUE_COLUMN
        .saturating_sub(indent)
        .max(label.chars().count() + 2);
    format!("{}{label:<width$}{value}", " ".repeat(indent))
        .trim_end()
        .to_string()
}

/// A value on one line and of bounded length.
pub(crate) fn clip(v: &str) -> String {
    let one: String = v.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() > MAX_VALUE {
        let head: String = one.chars().take(MAX_VALUE).collect();
        format!("{head}…")
    } else {
        one
    }
}

/// The annotation kubectl itself hides from describe.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The header every kind shares: Name, Namespace, Labels, Annotations, creation time.
pub(crate) fn metadata(out: &mut Out, kind: ResourceKind, obj: &Value) {
    let meta = &obj["metadata"];
    out.field(0, "Name:", meta["name"].as_str().unwrap_or("<unknown>"));
    if kind.namespaced() {
        out.field(
            0,
            "Namespace:",
            meta["namespace"].as_str().unwrap_or("<none>"),
        );
    }
    let str_entries = |v: &Value, skip: &str| -> Vec<(String, String)> {
        v.as_object()
            .map(|m| {
                m.iter()
                    .filter(|(k, _)| k.as_str() != skip)
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            v.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| v.to_string()),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let labels = str_entries(&meta["labels"], "");
    out.map(
        0,
        "Labels:",
        labels.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        "=",
    );
    let annotations = str_entries(&meta["annotations"], LAST_APPLIED);
    out.map(
        0,
        "Annotations:",
        annotations.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        ": ",
    );
    let created = meta["creationTimestamp"]
        .as_str()
        .and_then(|s| s.parse::<Timestamp>().ok());
    match created {
        Some(t) => {
            let text = out.time(t);
            out.field(0, "Created:", text);
        }
        None => out.field(0, "Created:", "<unknown>"),
    }
    if let Some(t) = meta["deletionTimestamp"]
        .as_str()
        .and_then(|s| s.parse::<Timestamp>().ok())
    {
        let text = out.time(t);
        out.field_h(0, "Deleting Since:", text, Health::Progressing);
    }
    let owners: Vec<String> = meta["ownerReferences"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|o| o["controller"].as_bool() == Some(true))
                .map(|o| {
                    format!(
                        "{}/{}",
                        o["kind"].as_str().unwrap_or("?"),
                        o["name"].as_str().unwrap_or("?")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    if let Some(owner) = owners.first() {
        out.field(0, "Controlled By:", owner);
    }
}

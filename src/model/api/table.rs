//! Server-side printed tables (`meta.k8s.io/v1` Table, what `kubectl get` shows) turned into
//! compact [`Row`]s: the columns kubectl shows without `-o wide` (priority 0), a NAMESPACE
//! column first for namespaced kinds (as `kubectl get -A`), ages kept as timestamps so they
//! stay current, READY ratios and status words coloured by health. Only the cells and the
//! object's key are kept; the row's object (metadata at most) is dropped after reading.

use jiff::Timestamp;
use serde_json::Value;

use crate::model::pod_status::status_health;
use crate::model::{Cell, Health, ObjKey, Row, RowLinks};
use crate::text_safety::visible;

/// The columns of a printed table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableColumns {
    /// Titles as kubectl prints them (upper case), NAMESPACE first for namespaced kinds.
    pub titles: Vec<String>,
    /// For each shown column: its index in the server's cells, its type and its format.
    pub picks: Vec<(usize, String, String)>,
    pub namespaced: bool,
}

impl TableColumns {
    /// Reads `columnDefinitions`; None when the table has none (watch events after the first).
    pub fn from_table(table: &Value, namespaced: bool) -> Option<TableColumns> {
        let defs = table.get("columnDefinitions")?.as_array()?;
        if defs.is_empty() {
            return None;
        }
        let mut titles = Vec::new();
        if namespaced {
            titles.push("NAMESPACE".to_string());
        }
        let mut picks = Vec::new();
        for (i, d) in defs.iter().enumerate() {
            if d.get("priority").and_then(Value::as_i64).unwrap_or(0) != 0 {
                continue;
            }
            let name = d.get("name").and_then(Value::as_str).unwrap_or_default();
            titles.push(visible(&name.to_uppercase()).into_owned());
            picks.push((
                i,
                d.get("type")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                d.get("format")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
            ));
        }
        Some(TableColumns {
            titles,
            picks,
            namespaced,
        })
    }

    /// The rows of a Table (a list answer or a watch event's object).
    pub fn rows(&self, table: &Value) -> Vec<Row> {
        table
            .get("rows")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|r| self.row(r))
            .collect()
    }

    /// One row; None when it names no object.
    pub fn row(&self, row: &Value) -> Option<Row> {
        let cells = row.get("cells")?.as_array()?;
        let meta = row.pointer("/object/metadata");
        let name = meta
            .and_then(|m| m.get("name"))
            .and_then(Value::as_str)
            .or_else(|| cells.first().and_then(Value::as_str))?
            .to_string();
        let namespace = meta
            .and_then(|m| m.get("namespace"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let created = meta
            .and_then(|m| m.get("creationTimestamp"))
            .and_then(Value::as_str)
            .and_then(|t| t.parse::<Timestamp>().ok());
        let mut out = Vec::with_capacity(self.titles.len());
        if self.namespaced {
            out.push(Cell::text(&namespace));
        }
        let offset = usize::from(self.namespaced);
        for (n, (index, kind, _format)) in self.picks.iter().enumerate() {
            let title = self
                .titles
                .get(n + offset)
                .map(String::as_str)
                .unwrap_or("");
            out.push(cell(title, kind, cells.get(*index), created));
        }
        let health = out
            .iter()
            .filter_map(Cell::health)
            .max_by_key(|h| rank(*h))
            .unwrap_or(Health::Ok);
        Some(Row {
            key: ObjKey::new(namespace, name),
            cells: out,
            health,
            links: RowLinks::None,
        })
    }

    /// Index of the NAME column.
    pub fn name_column(&self) -> usize {
        self.titles.iter().position(|t| t == "NAME").unwrap_or(0)
    }
}

/// How bad a health is, for "the worst of".
pub fn rank(h: Health) -> u8 {
    match h {
        Health::Ok | Health::Done => 0,
        Health::Progressing => 1,
        Health::Warning => 2,
        Health::Error => 3,
    }
}

/// Whether a row shows something wrong (the "faults only" toggle keeps these).
pub fn is_fault(health: Health) -> bool {
    matches!(health, Health::Warning | Health::Error)
}

/// The text kubectl prints for a cell value.
pub fn cell_text(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => "<none>".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i.to_string(),
            (None, Some(f)) if f.fract() == 0.0 && f.abs() < 1e21 => format!("{f:.0}"),
            _ => n.to_string(),
        },
        Some(other) => other.to_string(),
    }
}

fn cell(title: &str, kind: &str, value: Option<&Value>, created: Option<Timestamp>) -> Cell {
    let text = cell_text(value);
    if title == "AGE" && value.is_some_and(Value::is_string) && created.is_some() {
        return Cell::Age(created);
    }
    if kind == "integer"
        && let Some(n) = value.and_then(Value::as_i64)
    {
        return Cell::Count(n);
    }
    if title == "READY"
        && let Some((a, b)) = text.split_once('/')
        && let (Ok(ready), Ok(total)) = (a.parse::<u32>(), b.parse::<u32>())
    {
        return Cell::Ratio { ready, total };
    }
    if matches!(title, "STATUS" | "PHASE" | "STATE") && !text.is_empty() && text != "<none>" {
        let health = status_word_health(&text);
        return Cell::status(&text, health);
    }
    Cell::text(text)
}

/// Health of a status word of any kind (pod phases and reasons, PVC/PV phases, node and
/// namespace status, custom resources' phases).
pub fn status_word_health(word: &str) -> Health {
    match word {
        "Active" | "Bound" | "Available" | "Ready" | "Healthy" | "Succeeded" | "Complete"
        | "True" => match word {
            "Succeeded" | "Complete" => Health::Done,
            _ => Health::Ok,
        },
        "Released" | "Suspended" | "False" => Health::Warning,
        w if w.contains("NotReady") || w.contains("SchedulingDisabled") => Health::Warning,
        w => status_health(w, 1, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn priority_zero_columns_with_namespace_first_and_live_ages() {
        let table = json!({"kind": "Table", "columnDefinitions": [
            {"name": "Name", "type": "string", "format": "name", "priority": 0},
            {"name": "Ready", "type": "string", "priority": 0},
            {"name": "Phase", "type": "string", "priority": 0},
            {"name": "Count", "type": "integer", "priority": 0},
            {"name": "Age", "type": "date", "priority": 0},
            {"name": "Images", "type": "string", "priority": 1}],
          "rows": [{"cells": ["web", "1/2", "Failed", 3, "5d", "nginx"],
            "object": {"metadata": {"name": "web", "namespace": "shop",
              "creationTimestamp": "2026-01-01T00:00:00Z"}}},
            {"cells": ["db", "1/1", null, null, "5d", "pg"], "object": {"metadata": {"name": "db", "namespace": "shop"}}}]});
        let cols = TableColumns::from_table(&table, true).expect("columns");
        assert_eq!(
            cols.titles,
            ["NAMESPACE", "NAME", "READY", "PHASE", "COUNT", "AGE"]
        );
        let rows = cols.rows(&table);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].key, ObjKey::new("shop", "web"));
        assert_eq!(rows[0].cells[2], Cell::Ratio { ready: 1, total: 2 });
        assert_eq!(rows[0].health, Health::Error);
        assert_eq!(rows[0].cells[4], Cell::Count(3));
        assert!(matches!(rows[0].cells[5], Cell::Age(Some(_))));
        assert_eq!(rows[1].cells[3], Cell::Text("<none>".into()));
        assert_eq!(
            rows[1].cells[5],
            Cell::Text("5d".into()),
            "no timestamp: the server's text"
        );
        assert!(!is_fault(rows[1].health));
    }

    #[test]
    fn hostile_titles_are_made_visible() {
        let table = json!({"columnDefinitions": [{"name": "x\u{1b}]0;t\u{7}", "type": "string", "priority": 0}], "rows": []});
        let cols = TableColumns::from_table(&table, false).expect("columns");
        assert!(!cols.titles[0].contains('\u{1b}'));
    }
}

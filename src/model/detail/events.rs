//! The `Events:` section closing every describe view: the object's events newest first, as
//! `Type  Reason  Age (xN)  Message`.

use std::cmp::Reverse;

use super::out::Out;
use crate::model::age::human_duration;
use crate::model::{Cell, Health, Row, RowLinks};

/// Column indexes in an Events row (see `columns.rs`).
const TYPE: usize = 2;
const REASON: usize = 3;
const MESSAGE: usize = 5;
const COUNT: usize = 6;

fn last_seen(row: &Row) -> Option<jiff::Timestamp> {
    match &row.links {
        RowLinks::Event { last_seen, .. } => *last_seen,
        _ => match row.cells.get(1) {
            Some(Cell::Age(t)) => *t,
            _ => None,
        },
    }
}

fn text(row: &Row, i: usize) -> String {
    match row.cells.get(i) {
        Some(Cell::Text(s)) | Some(Cell::Status(s, _)) => s.to_string(),
        Some(Cell::Count(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// Writes the `Events:` heading and the events (`<none>` when there are none).
pub(crate) fn section(out: &mut Out, events: &[&Row]) {
    if events.is_empty() {
        out.heading("Events:  <none>");
        return;
    }
    out.heading("Events:");
    let mut sorted: Vec<&Row> = events.to_vec();
    // Newest first; events without a time go last.
    sorted.sort_by_key(|r| Reverse(last_seen(r).map(|t| (1, t))));
    let rows: Vec<(Vec<String>, Option<Health>)> = sorted
        .iter()
        .map(|r| {
            let type_ = text(r, TYPE);
            let count = match r.cells.get(COUNT) {
                Some(Cell::Count(n)) => *n,
                _ => 1,
            };
            let mut age = match last_seen(r) {
                Some(t) => human_duration(t, out.now),
                None => "<unknown>".to_string(),
            };
            if count > 1 {
                age.push_str(&format!(" (x{count})"));
            }
            let health = match r.cells.get(TYPE) {
                Some(Cell::Status(_, h)) if *h != Health::Ok => Some(*h),
                _ if type_ == "Warning" => Some(Health::Warning),
                _ => None,
            };
            (vec![type_, text(r, REASON), age, text(r, MESSAGE)], health)
        })
        .collect();
    out.table(2, &["Type", "Reason", "Age", "Message"], &rows);
}

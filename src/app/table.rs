//! One table view's state: rows of a kind, the regex filter, the sort column, the selection,
//! and the derived list of visible rows (recomputed only when one of those changes).

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

use jiff::Timestamp;
use regex::Regex;

use crate::model::columns::columns;
use crate::model::row::natural_cmp;
use crate::model::{Cell, ObjKey, ResourceKind, Row, RowLinks};
use crate::objects::Str;

/// Values some tables take from other kinds: pods per node, endpoints per service.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Joins {
    pub pods_per_node: HashMap<String, i64>,
    /// The pods changed since `pods_per_node` was counted (it is counted when the Nodes table
    /// is refreshed, not on every change of a pod).
    pub pods_stale: bool,
    pub endpoints: HashMap<ObjKey, (u32, u32)>,
    /// Pod and node usage from the metrics API while its table is on screen (`None`: not
    /// served, not read, or the last read failed: the usage columns are absent).
    pub pod_usage: Option<Arc<crate::model::usage::Usage>>,
    pub node_usage: Option<Arc<crate::model::usage::Usage>>,
}

impl Joins {
    pub fn from_pods(pods: &[Arc<Row>]) -> HashMap<String, i64> {
        let mut counts = HashMap::new();
        for row in pods {
            if let RowLinks::Pod {
                node, active: true, ..
            } = &row.links
                && !node.is_empty()
            {
                match counts.get_mut(node.as_str()) {
                    Some(count) => *count += 1,
                    None => {
                        counts.insert(node.to_string(), 1);
                    }
                }
            }
        }
        counts
    }

    pub fn from_endpoints(endpoints: &[Arc<Row>]) -> HashMap<ObjKey, (u32, u32)> {
        endpoints
            .iter()
            .filter_map(|row| match row.links {
                RowLinks::Endpoints { ready, total } => Some((row.key.clone(), (ready, total))),
                _ => None,
            })
            .collect()
    }

    /// The concrete cell for a `Cell::Joined` placeholder in `kind`'s table.
    pub fn resolve(&self, kind: ResourceKind, row: &Row) -> Cell {
        match kind {
            ResourceKind::Nodes => Cell::Count(
                self.pods_per_node
                    .get(row.key.name.as_str())
                    .copied()
                    .unwrap_or(0),
            ),
            ResourceKind::Services => match self.endpoints.get(&row.key) {
                Some((ready, total)) => Cell::Ratio {
                    ready: *ready,
                    total: *total,
                },
                None => Cell::Text(Str::NONE),
            },
            _ => Cell::Text(Str::empty()),
        }
    }
}

/// The cell shown at `column`, with joins filled in.
pub fn cell_at<'a>(
    kind: ResourceKind,
    row: &'a Row,
    column: usize,
    joins: &Joins,
) -> std::borrow::Cow<'a, Cell> {
    match row.cells.get(column) {
        Some(Cell::Joined) => std::borrow::Cow::Owned(joins.resolve(kind, row)),
        Some(cell) => std::borrow::Cow::Borrowed(cell),
        None => {
            let usage = match kind {
                ResourceKind::Pods => joins.pod_usage.as_deref(),
                ResourceKind::Nodes => joins.node_usage.as_deref(),
                _ => None,
            };
            let cell = match usage {
                Some(u) if column >= row.cells.len() => {
                    crate::model::usage::cell(kind, row, column - row.cells.len(), u)
                }
                _ => Cell::Text(Str::empty()),
            };
            std::borrow::Cow::Owned(cell)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub column: usize,
    pub descending: bool,
}

/// State of one kind's table.
#[derive(Debug, Clone)]
pub struct TableView {
    pub kind: ResourceKind,
    pub filter_text: String,
    pub filter: Option<Regex>,
    pub filter_error: Option<String>,
    pub sort: Sort,
    /// Indices into the kind's rows, filtered and sorted.
    pub visible: Vec<usize>,
    pub selected: usize,
    /// First visible row on screen.
    pub offset: usize,
    /// The selected object, kept across data changes.
    pub selected_key: Option<ObjKey>,
    /// Columns scrolled out on the left (NAME stays pinned), to reach those a narrow screen drops.
    pub column_offset: usize,
    /// The rows of the last refresh in their sorted order. Rows that did not change are the
    /// same `Arc`s in the next snapshot, so laying them out in this order first leaves the
    /// sort only the changed rows to place (nearly sorted input sorts in about linear time).
    sorted: Vec<Arc<Row>>,
    /// Only these objects are shown (a drill-down's members); `None`: every row.
    pub only: Option<Arc<std::collections::BTreeSet<ObjKey>>>,
    /// Column titles (a kind's own, or the server's for a browsed kind).
    pub titles: Vec<String>,
    /// Only rows whose health is a warning or an error are shown.
    pub faults_only: bool,
    /// What the last full refresh was computed with (see [`RefreshInputs`]).
    last_inputs: Option<RefreshInputs>,
}

/// The settings a table's order and membership depend on besides the rows themselves: while
/// they stay the same, a refresh only has to place the rows that changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RefreshInputs {
    sort: Sort,
    faults_only: bool,
    /// Identity of the drill-down's member set.
    only: Option<usize>,
}

impl TableView {
    pub fn new(kind: ResourceKind) -> Self {
        let sort = match kind {
            ResourceKind::Events => Sort {
                column: 1,
                descending: false,
            },
            _ => Sort {
                column: name_column(kind),
                descending: false,
            },
        };
        TableView {
            kind,
            filter_text: String::new(),
            filter: None,
            filter_error: None,
            sort,
            visible: Vec::new(),
            selected: 0,
            offset: 0,
            selected_key: None,
            column_offset: 0,
            sorted: Vec::new(),
            only: None,
            titles: columns(kind).iter().map(|t| t.to_string()).collect(),
            faults_only: false,
            last_inputs: None,
        }
    }

    /// A table of a browsed kind with the server's column titles, sorted by NAME.
    pub fn with_titles(kind: ResourceKind, titles: Vec<String>) -> Self {
        let mut table = TableView::new(kind);
        table.sort.column = titles.iter().position(|t| t == "NAME").unwrap_or(0);
        table.titles = titles;
        table
    }

    /// Index of the NAMESPACE column, if the table has one.
    pub fn namespace_column(&self) -> Option<usize> {
        self.titles.iter().position(|c| c == "NAMESPACE")
    }

    /// Sets the filter from typed text; smart case (case-insensitive unless it has capitals).
    pub fn set_filter(&mut self, text: &str) {
        self.filter_text = text.to_string();
        if text.is_empty() {
            self.filter = None;
            self.filter_error = None;
            return;
        }
        let pattern = if text.chars().any(char::is_uppercase) {
            text.to_string()
        } else {
            format!("(?i){text}")
        };
        match Regex::new(&pattern) {
            Ok(re) => {
                self.filter = Some(re);
                self.filter_error = None;
            }
            Err(e) => {
                self.filter = None;
                self.filter_error = Some(first_line(&e.to_string()));
            }
        }
    }

    /// Recomputes the visible rows and keeps the selection on the same object when possible.
    pub fn refresh(
        &mut self,
        rows: &[Arc<Row>],
        joins: &Joins,
        now: Timestamp,
        hide_namespace: bool,
    ) {
        let kind = self.kind;
        let ns_col = if hide_namespace {
            self.namespace_column()
        } else {
            None
        };
        let faults_only = self.faults_only;
        let inputs = RefreshInputs {
            sort: self.sort,
            faults_only,
            only: self.only.as_ref().map(|o| Arc::as_ptr(o) as usize),
        };
        // Unchanged rows keep their order when nothing but the rows changed: place only the
        // new and changed ones (the cheap path of a live table with one change per second).
        // A usage column changes without its rows changing.
        if self.filter.is_none()
            && !matches!(kind, ResourceKind::Nodes | ResourceKind::Services)
            && self.sort.column < columns(kind).len()
            && self.last_inputs == Some(inputs)
            && !self.sorted.is_empty()
        {
            self.place_changed(rows, joins);
            self.reselect(rows);
            return;
        }
        self.last_inputs = Some(inputs);
        let visible: Vec<usize> = match (&self.filter, &self.filter_error) {
            // An invalid pattern filters nothing out, so the user never loses sight of the rows.
            (None, _) => (0..rows.len()).collect(),
            (Some(re), _) => (0..rows.len())
                .filter(|&i| row_matches(kind, &rows[i], re, joins, now, ns_col))
                .collect(),
        };
        let mut visible = self.in_previous_order(rows, visible);
        if let Some(only) = &self.only {
            visible.retain(|&i| only.contains(&rows[i].key));
        }
        if faults_only {
            visible.retain(|&i| crate::model::api::table::is_fault(rows[i].health));
        }
        visible.sort_by(|&a, &b| self.order(&rows[a], &rows[b], joins));
        self.sorted = visible.iter().map(|&i| rows[i].clone()).collect();
        self.visible = visible;
        self.reselect(rows);
    }

    /// The table's order of two rows: the sort column, then namespace and name.
    fn order(&self, a: &Row, b: &Row, joins: &Joins) -> Ordering {
        let column = self.sort.column;
        let primary =
            cell_at(self.kind, a, column, joins).compare(&cell_at(self.kind, b, column, joins));
        let primary = if self.sort.descending {
            primary.reverse()
        } else {
            primary
        };
        primary.then_with(|| tie_break(a, b))
    }

    /// The rows of the last refresh that are still the same objects stay where they were
    /// (their order cannot have changed); new and changed rows that pass the table's filters
    /// are sorted among themselves and merged in by binary search.
    fn place_changed(&mut self, rows: &[Arc<Row>], joins: &Joins) {
        let (kept, taken) = self.still_in_previous_order(rows, 0..rows.len());
        let mut fresh: Vec<usize> = (0..rows.len())
            .filter(|&i| !taken[i])
            .filter(|&i| self.only.as_ref().is_none_or(|o| o.contains(&rows[i].key)))
            .filter(|&i| !self.faults_only || crate::model::api::table::is_fault(rows[i].health))
            .collect();
        fresh.sort_by(|&a, &b| self.order(&rows[a], &rows[b], joins));
        let mut merged = Vec::with_capacity(kept.len() + fresh.len());
        let mut rest = kept.as_slice();
        for i in fresh {
            let at = rest.partition_point(|&k| self.order(&rows[k], &rows[i], joins).is_lt());
            merged.extend_from_slice(&rest[..at]);
            merged.push(i);
            rest = &rest[at..];
        }
        merged.extend_from_slice(rest);
        self.sorted = merged.iter().map(|&i| rows[i].clone()).collect();
        self.visible = merged;
    }

    /// `candidates` (indices into `rows`) with the rows of the previous refresh first, in their
    /// previous order, then the new and changed ones. Any order gives the same sorted result
    /// (the comparison is total); this one makes the sort cheap when little changed.
    fn in_previous_order(&self, rows: &[Arc<Row>], candidates: Vec<usize>) -> Vec<usize> {
        if self.sorted.is_empty() {
            return candidates;
        }
        let (mut ordered, taken) = self.still_in_previous_order(rows, candidates.iter().copied());
        ordered.extend(candidates.into_iter().filter(|&i| !taken[i]));
        ordered
    }

    /// Of `candidates` (indices into `rows`), those that are the same `Arc`s as rows of the
    /// last refresh, in that refresh's order; and which indices those are.
    fn still_in_previous_order(
        &self,
        rows: &[Arc<Row>],
        candidates: impl ExactSizeIterator<Item = usize>,
    ) -> (Vec<usize>, Vec<bool>) {
        let mut index: HashMap<*const Row, usize, PointerHash> =
            HashMap::with_capacity_and_hasher(candidates.len(), PointerHash);
        index.extend(candidates.map(|i| (Arc::as_ptr(&rows[i]), i)));
        let mut taken = vec![false; rows.len()];
        let mut kept = Vec::with_capacity(index.len());
        for row in &self.sorted {
            if let Some(&i) = index.get(&Arc::as_ptr(row))
                && !std::mem::replace(&mut taken[i], true)
            {
                kept.push(i);
            }
        }
        (kept, taken)
    }

    fn reselect(&mut self, rows: &[Arc<Row>]) {
        if let Some(key) = &self.selected_key
            && let Some(pos) = self.visible.iter().position(|&i| &rows[i].key == key)
        {
            self.selected = pos;
            return;
        }
        self.selected = self.selected.min(self.visible.len().saturating_sub(1));
        self.selected_key = self
            .visible
            .get(self.selected)
            .map(|&i| rows[i].key.clone());
    }

    /// Moves the selection by `delta` rows (clamped).
    pub fn move_by(&mut self, delta: isize, rows: &[Arc<Row>]) {
        if self.visible.is_empty() {
            return;
        }
        let max = self.visible.len() - 1;
        let next = (self.selected as isize + delta).clamp(0, max as isize) as usize;
        self.select(next, rows);
    }

    pub fn select(&mut self, index: usize, rows: &[Arc<Row>]) {
        self.selected = index.min(self.visible.len().saturating_sub(1));
        self.selected_key = self
            .visible
            .get(self.selected)
            .and_then(|&i| rows.get(i))
            .map(|r| r.key.clone());
    }

    /// Keeps the selected row inside a window of `height` rows.
    pub fn scroll_into_view(&mut self, height: usize) {
        let height = height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        let max_offset = self.visible.len().saturating_sub(height);
        self.offset = self.offset.min(max_offset);
    }

    /// Next sortable column (skipping the hidden NAMESPACE column), wrapping around.
    pub fn cycle_sort(&mut self, forward: bool, hide_namespace: bool) {
        let count = self.titles.len().max(1);
        let hidden = if hide_namespace {
            self.namespace_column()
        } else {
            None
        };
        let mut column = self.sort.column;
        for _ in 0..count {
            column = if forward {
                (column + 1) % count
            } else {
                (column + count - 1) % count
            };
            if Some(column) != hidden {
                break;
            }
        }
        self.sort = Sort {
            column,
            descending: false,
        };
    }
}

/// Hashing for addresses: they are already unique, so one multiplication spreads them
/// (SipHash would cost more than the rest of a refresh).
#[derive(Clone, Copy, Default)]
struct PointerHash;

impl std::hash::BuildHasher for PointerHash {
    type Hasher = PointerHasher;
    fn build_hasher(&self) -> PointerHasher {
        PointerHasher(0)
    }
}

#[derive(Default)]
struct PointerHasher(u64);

impl std::hash::Hasher for PointerHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64 ^ self.0).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// The NAME column of a kind.
pub fn name_column(kind: ResourceKind) -> usize {
    columns(kind).iter().position(|c| *c == "NAME").unwrap_or(0)
}

fn tie_break(a: &Row, b: &Row) -> Ordering {
    natural_cmp(&a.key.namespace, &b.key.namespace)
        .then_with(|| natural_cmp(&a.key.name, &b.key.name))
}

fn row_matches(
    kind: ResourceKind,
    row: &Row,
    re: &Regex,
    joins: &Joins,
    now: Timestamp,
    ns_col: Option<usize>,
) -> bool {
    (0..row.cells.len())
        .filter(|c| Some(*c) != ns_col)
        .filter(|&c| !matches!(row.cells.get(c), Some(Cell::Age(_))))
        .any(|c| match row.cells.get(c) {
            Some(Cell::Joined) => joins.resolve(kind, row).is_match(re, now),
            Some(cell) => cell.is_match(re, now),
            None => false,
        })
}

fn first_line(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines
        .last()
        .map(|l| l.trim_start_matches("error: ").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Health;

    fn pod(ns: &str, name: &str, status: &str, restarts: i64) -> Arc<Row> {
        Arc::new(Row {
            key: ObjKey::new(ns, name),
            cells: vec![
                Cell::text(ns),
                Cell::text(name),
                Cell::Ratio { ready: 1, total: 1 },
                Cell::Status(status.into(), Health::Ok),
                Cell::Restarts {
                    count: restarts,
                    last: None,
                },
                Cell::Age(None),
                Cell::text("10.0.0.1"),
                Cell::text("node-1"),
            ],
            health: Health::Ok,
            links: RowLinks::Pod {
                node: "node-1".into(),
                active: true,
                resources: [0.0; 4],
            },
        })
    }

    /// Names in table order.
    fn names(table: &TableView, rows: &[Arc<Row>]) -> Vec<String> {
        table
            .visible
            .iter()
            .map(|&i| rows[i].key.name.to_string())
            .collect()
    }

    #[test]
    fn a_live_change_places_only_the_changed_rows_and_matches_a_full_sort() {
        let joins = Joins::default();
        let now = Timestamp::UNIX_EPOCH;
        let mut rows: Vec<Arc<Row>> = (0..50)
            .map(|i| pod("a", &format!("web-{i}"), "Running", i % 7))
            .collect();
        let mut live = TableView::new(ResourceKind::Pods);
        live.sort = Sort {
            column: 4,
            descending: true,
        };
        live.refresh(&rows, &joins, now, false);
        // Changes as a watch delivers them: one row replaced (more restarts), one deleted,
        // one added; unchanged rows stay the same `Arc`s.
        rows[10] = pod("a", "web-10", "CrashLoopBackOff", 40);
        rows.remove(3);
        rows.push(pod("b", "db-0", "Running", 2));
        live.refresh(&rows, &joins, now, false);
        let mut fresh = TableView::new(ResourceKind::Pods);
        fresh.sort = live.sort;
        fresh.refresh(&rows, &joins, now, false);
        assert_eq!(names(&live, &rows), names(&fresh, &rows));
        assert_eq!(names(&live, &rows)[0], "web-10");
        assert!(!names(&live, &rows).contains(&"web-3".to_string()));
        assert_eq!(live.visible.len(), 50);
        // Faults only keeps applying to the changed rows.
        live.faults_only = true;
        live.refresh(&rows, &joins, now, false);
        rows[0] = pod("a", "web-0", "Running", 0);
        live.refresh(&rows, &joins, now, false);
        let mut fresh = TableView::new(ResourceKind::Pods);
        fresh.faults_only = true;
        fresh.sort = live.sort;
        fresh.refresh(&rows, &joins, now, false);
        assert_eq!(names(&live, &rows), names(&fresh, &rows));
    }

    #[test]
    fn filter_sort_and_selection_follow_the_object() {
        let rows = vec![
            pod("a", "web-10", "Running", 0),
            pod("a", "web-2", "CrashLoopBackOff", 7),
            pod("b", "db", "Running", 1),
        ];
        let mut table = TableView::new(ResourceKind::Pods);
        let joins = Joins::default();
        let now = Timestamp::UNIX_EPOCH;
        table.refresh(&rows, &joins, now, false);
        let names: Vec<&str> = table
            .visible
            .iter()
            .map(|&i| rows[i].key.name.as_str())
            .collect();
        assert_eq!(names, ["db", "web-2", "web-10"], "natural sort by name");

        table.select(2, &rows);
        table.sort = Sort {
            column: 4,
            descending: true,
        };
        table.refresh(&rows, &joins, now, false);
        assert_eq!(
            table
                .visible
                .iter()
                .map(|&i| rows[i].key.name.as_str())
                .collect::<Vec<_>>(),
            ["web-2", "db", "web-10"]
        );
        assert_eq!(
            rows[table.visible[table.selected]].key.name, "web-10",
            "selection stays on the object"
        );

        table.set_filter("crash");
        table.refresh(&rows, &joins, now, false);
        assert_eq!(table.visible.len(), 1);
        table.set_filter("([");
        assert!(table.filter_error.is_some());
        table.refresh(&rows, &joins, now, false);
        assert_eq!(table.visible.len(), 3, "an invalid regex hides nothing");
    }

    #[test]
    fn a_refresh_after_changes_sorts_as_a_fresh_table_does() {
        let now = Timestamp::UNIX_EPOCH;
        let joins = Joins::default();
        let mut rows: Vec<_> = (0..200)
            .map(|i| pod("a", &format!("p{i}"), "Running", i % 7))
            .collect();
        let mut table = TableView::new(ResourceKind::Pods);
        table.sort = Sort {
            column: 4,
            descending: true,
        };
        table.refresh(&rows, &joins, now, false);
        // Some rows change (new Arcs), one goes, two come, and the snapshot order shuffles.
        rows[17] = pod("a", "p17", "Running", 40);
        rows[120] = pod("a", "p120", "Running", 0);
        rows.remove(50);
        rows.push(pod("a", "new-1", "Running", 3));
        rows.push(pod("b", "new-2", "Running", 100));
        rows.reverse();
        table.refresh(&rows, &joins, now, false);
        let mut fresh = TableView::new(ResourceKind::Pods);
        fresh.sort = table.sort;
        fresh.refresh(&rows, &joins, now, false);
        let names = |t: &TableView| -> Vec<String> {
            t.visible
                .iter()
                .map(|&i| rows[i].key.name.to_string())
                .collect()
        };
        assert_eq!(names(&table), names(&fresh));
        assert_eq!(names(&table)[0], "new-2");
        assert_eq!(names(&table)[1], "p17");
        assert!(!names(&table).contains(&"p50".to_string()));
    }

    #[test]
    fn scroll_keeps_selection_visible() {
        let rows: Vec<_> = (0..100)
            .map(|i| pod("a", &format!("p{i}"), "Running", 0))
            .collect();
        let mut table = TableView::new(ResourceKind::Pods);
        table.refresh(&rows, &Joins::default(), Timestamp::UNIX_EPOCH, false);
        table.move_by(50, &rows);
        table.scroll_into_view(10);
        assert_eq!(table.offset, 41);
        table.move_by(-45, &rows);
        table.scroll_into_view(10);
        assert_eq!(table.offset, 5);
    }
}

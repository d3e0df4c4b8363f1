//! `Row`: the compact record a table shows for one object, and the `Cell`s it is made of.
//! Time-dependent cells (ages, "5m ago") keep timestamps and are formatted at render time.

use std::cmp::Ordering;

use jiff::Timestamp;

use super::age::human_duration;

/// Identity of an object: namespace (empty for cluster-scoped) and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ObjKey {
    pub namespace: String,
    pub name: String,
}

impl ObjKey {
    pub fn new(namespace: impl Into<String>, name: impl Into<String>) -> Self {
        ObjKey {
            namespace: namespace.into(),
            name: name.into(),
        }
    }
}

/// How healthy a status looks; mapped to theme colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Health {
    #[default]
    Ok,
    /// Not an error, but not settled either (Pending, ContainerCreating, Terminating).
    Progressing,
    Warning,
    Error,
    /// Finished normally (Completed, Succeeded).
    Done,
}

/// One table cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// A status word with its health, coloured by the theme.
    Status(String, Health),
    Count(i64),
    /// `ready/total`, as in the READY column.
    Ratio {
        ready: u32,
        total: u32,
    },
    /// Restart count with the time of the last restart: `5 (3m ago)`.
    Restarts {
        count: i64,
        last: Option<Timestamp>,
    },
    /// Age since a timestamp, formatted like kubectl.
    Age(Option<Timestamp>),
    /// A resource quantity: display text and a number to sort by.
    Quantity {
        text: String,
        value: f64,
    },
    /// Filled from other kinds when the table is built (node pod counts, service endpoints).
    Joined,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// The text shown for this cell at time `now`.
    pub fn display(&self, now: Timestamp) -> String {
        match self {
            Cell::Text(s) | Cell::Status(s, _) => s.clone(),
            Cell::Count(n) => n.to_string(),
            Cell::Ratio { ready, total } => format!("{ready}/{total}"),
            Cell::Restarts { count, last } => match last {
                Some(t) if *count > 0 => format!("{count} ({} ago)", human_duration(*t, now)),
                _ => count.to_string(),
            },
            Cell::Age(Some(t)) => human_duration(*t, now),
            Cell::Age(None) => "<unknown>".to_string(),
            Cell::Quantity { text, .. } => text.clone(),
            Cell::Joined => String::new(),
        }
    }

    /// The health to colour this cell with, if it carries one.
    pub fn health(&self) -> Option<Health> {
        match self {
            Cell::Status(_, h) => Some(*h),
            Cell::Ratio { ready, total } if ready < total => Some(Health::Warning),
            Cell::Restarts { count, .. } if *count > 0 => Some(Health::Warning),
            _ => None,
        }
    }

    /// Orders two cells of the same column. Ages sort youngest first like `kubectl get`
    /// sorted by creation time reversed; numbers numerically; text naturally.
    pub fn compare(&self, other: &Cell) -> Ordering {
        match (self, other) {
            (Cell::Count(a), Cell::Count(b)) => a.cmp(b),
            (Cell::Restarts { count: a, .. }, Cell::Restarts { count: b, .. }) => a.cmp(b),
            (
                Cell::Ratio {
                    ready: ar,
                    total: at,
                },
                Cell::Ratio {
                    ready: br,
                    total: bt,
                },
            ) => (*ar, *at).cmp(&(*br, *bt)),
            // Older objects have earlier timestamps and so larger ages.
            (Cell::Age(a), Cell::Age(b)) => b.cmp(a),
            (Cell::Quantity { value: a, .. }, Cell::Quantity { value: b, .. }) => {
                a.partial_cmp(b).unwrap_or(Ordering::Equal)
            }
            (Cell::Status(a, _), Cell::Status(b, _)) => a.cmp(b),
            (Cell::Text(a), Cell::Text(b)) => natural_cmp(a, b),
            _ => Ordering::Equal,
        }
    }
}

/// Compares strings so that embedded numbers sort by value (`node-2` before `node-10`).
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let mut ai = a.chars().peekable();
    let mut bi = b.chars().peekable();
    loop {
        match (ai.peek().copied(), bi.peek().copied()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let na: String =
                    std::iter::from_fn(|| ai.next_if(|c| c.is_ascii_digit())).collect();
                let nb: String =
                    std::iter::from_fn(|| bi.next_if(|c| c.is_ascii_digit())).collect();
                let ord = na
                    .trim_start_matches('0')
                    .len()
                    .cmp(&nb.trim_start_matches('0').len())
                    .then_with(|| na.trim_start_matches('0').cmp(nb.trim_start_matches('0')));
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(&y);
                }
                ai.next();
                bi.next();
            }
        }
    }
}

/// Facts about a row that other tables join on.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum RowLinks {
    #[default]
    None,
    /// A pod: the node it runs on, and whether it still occupies that node (not finished).
    Pod { node: String, active: bool },
    /// An Endpoints object: ready and total addresses over all subsets and ports.
    Endpoints { ready: u32, total: u32 },
    /// An event: the object it is about and when it was last seen.
    Event {
        kind: String,
        namespace: String,
        name: String,
        last_seen: Option<Timestamp>,
    },
}

/// One object as a table shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub key: ObjKey,
    /// One cell per column of the kind, in `columns(kind)` order.
    pub cells: Vec<Cell>,
    /// Overall health of the object, for the row's status colour.
    pub health: Health,
    pub links: RowLinks,
}

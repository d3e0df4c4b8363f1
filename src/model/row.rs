//! `Row`: the compact record a table shows for one object, and the `Cell`s it is made of.
//! Time-dependent cells (ages, "5m ago") keep timestamps and are formatted at render time.

use std::cmp::Ordering;

use jiff::Timestamp;

use super::age::human_duration;
use crate::objects::Str;

/// Identity of an object: namespace (empty for cluster-scoped) and name. Held as [`Str`], so
/// a key made from an object's metadata ([`ObjKey::of`]) shares the object's own strings.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ObjKey {
    pub namespace: Str,
    pub name: Str,
}

impl ObjKey {
    /// A key of copies of `namespace` (interned: namespaces repeat) and `name` (not interned).
    pub fn new(namespace: impl AsRef<str>, name: impl AsRef<str>) -> Self {
        ObjKey {
            namespace: Str::new(namespace.as_ref()),
            name: Str::unique(name.as_ref()),
        }
    }

    /// A key of the given strings, shared (no copy).
    pub fn of(namespace: Str, name: Str) -> Self {
        ObjKey { namespace, name }
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

/// One table cell. Text is held as [`Str`]: a row of 50,000 pods clones the pod's own name,
/// namespace, IP and node strings (no allocation), and status words are interned.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(Str),
    /// A status word with its health, coloured by the theme.
    Status(Str, Health),
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
        text: Str,
        value: f64,
    },
    /// Filled from other kinds when the table is built (node pod counts, service endpoints).
    Joined,
}

impl Cell {
    /// A text cell of an interned copy of `s`: for words many rows repeat (types, roles,
    /// `<none>`). Strings an object already holds are better cloned into `Cell::Text`.
    pub fn text(s: impl AsRef<str>) -> Cell {
        Cell::Text(Str::new(s.as_ref()))
    }

    /// A text cell of a copy of `s` that is not interned: for text unique to one row
    /// (messages, formatted address lists).
    pub fn unique(s: impl AsRef<str>) -> Cell {
        Cell::Text(Str::unique(s.as_ref()))
    }

    /// A status cell of the interned status word `s` (`Running` is held once for all rows).
    pub fn status(s: impl AsRef<str>, health: Health) -> Cell {
        Cell::Status(Str::new(s.as_ref()), health)
    }

    /// A quantity cell of the interned text `s`.
    pub fn quantity(s: impl AsRef<str>, value: f64) -> Cell {
        Cell::Quantity {
            text: Str::new(s.as_ref()),
            value,
        }
    }

    /// The text shown for this cell at time `now`.
    pub fn display(&self, now: Timestamp) -> String {
        match self {
            Cell::Text(s) | Cell::Status(s, _) => s.to_string(),
            Cell::Count(n) => n.to_string(),
            Cell::Ratio { ready, total } => format!("{ready}/{total}"),
            Cell::Restarts { count, last } => match last {
                Some(t) if *count > 0 => format!("{count} ({} ago)", human_duration(*t, now)),
                _ => count.to_string(),
            },
            Cell::Age(Some(t)) => human_duration(*t, now),
            Cell::Age(None) => "<unknown>".to_string(),
            Cell::Quantity { text, .. } => text.to_string(),
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

    /// Whether `re` matches the text of this cell (borrowing the text when it is stored).
    pub fn is_match(&self, re: &regex::Regex, now: Timestamp) -> bool {
        match self {
            Cell::Text(s) | Cell::Status(s, _) | Cell::Quantity { text: s, .. } => re.is_match(s),
            Cell::Joined => false,
            other => re.is_match(&other.display(now)),
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
/// Allocation-free: it runs inside sorts of tens of thousands of rows.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].is_ascii_digit() && b[j].is_ascii_digit() {
            let (start_a, start_b) = (i, j);
            while i < a.len() && a[i].is_ascii_digit() {
                i += 1;
            }
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            let digits_a = trim_zeros(&a[start_a..i]);
            let digits_b = trim_zeros(&b[start_b..j]);
            let ord = digits_a
                .len()
                .cmp(&digits_b.len())
                .then_with(|| digits_a.cmp(digits_b));
            if ord != Ordering::Equal {
                return ord;
            }
        } else {
            if a[i] != b[j] {
                return a[i].cmp(&b[j]);
            }
            i += 1;
            j += 1;
        }
    }
    (a.len() - i).cmp(&(b.len() - j))
}

fn trim_zeros(digits: &[u8]) -> &[u8] {
    let first = digits
        .iter()
        .position(|d| *d != b'0')
        .unwrap_or(digits.len());
    &digits[first..]
}

/// Facts about a row that other tables join on.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum RowLinks {
    #[default]
    None,
    /// A pod: the node it runs on, whether it still occupies that node (not finished), and
    /// its requests and limits (see [`crate::model::usage::pod_resources`]).
    Pod {
        node: Str,
        active: bool,
        resources: [f64; 4],
    },
    /// An Endpoints object: ready and total addresses over all subsets and ports.
    Endpoints { ready: u32, total: u32 },
    /// An event: the object it is about and when it was last seen.
    Event {
        kind: Str,
        namespace: Str,
        name: Str,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_compares_numbers_by_value() {
        let mut names = vec![
            "node-10", "node-2", "node-02a", "node-1", "node", "alpha9", "alpha10b",
        ];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            names,
            [
                "alpha9", "alpha10b", "node", "node-1", "node-2", "node-02a", "node-10"
            ]
        );
        assert_eq!(natural_cmp("a01", "a1"), Ordering::Equal);
        assert_eq!(natural_cmp("", "a"), Ordering::Less);
    }
}

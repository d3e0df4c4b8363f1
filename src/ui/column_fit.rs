//! Fitting a table's columns into the terminal width: less important columns are dropped first
//! (IP before STATUS), and only then is the widest remaining column cut.

use crate::model::ResourceKind;

/// Space between two columns.
pub const SPACING: usize = 2;
/// No column is cut below this width.
const MIN_WIDTH: usize = 6;
/// A flexible column (event messages) is cut rather than making others go, down to this.
const FLEXIBLE_MIN: usize = 24;

/// The column that takes whatever width is left, if the kind has one.
fn flexible(kind: ResourceKind) -> Option<&'static str> {
    match kind {
        ResourceKind::Events => Some("MESSAGE"),
        _ => None,
    }
}

/// Column titles in the order they are given up when space runs out: each view names what
/// matters least first. A column not listed is never dropped (NAME, a pod's READY and STATUS,
/// an event's TYPE and OBJECT); the widest one is cut instead.
fn drop_order(kind: ResourceKind) -> &'static [&'static str] {
    match kind {
        ResourceKind::Pods => &[
            "%CPU/L",
            "%MEM/L",
            "IP",
            "%CPU/R",
            "%MEM/R",
            "NODE",
            "RESTARTS",
            "AGE",
            "MEM",
            "CPU",
            "NAMESPACE",
        ],
        ResourceKind::Nodes => &[
            "MEM/A", "CPU/A", "MEMORY", "CPU", "VERSION", "%MEM", "%CPU", "AGE", "ROLES", "MEM",
            "PODS",
        ],
        ResourceKind::Services => &[
            "SELECTOR",
            "EXTERNAL-IP",
            "AGE",
            "PORTS",
            "CLUSTER-IP",
            "NAMESPACE",
            "TYPE",
        ],
        ResourceKind::Deployments => &["AGE", "UP-TO-DATE", "AVAILABLE", "NAMESPACE"],
        ResourceKind::Events => &["COUNT", "NAMESPACE", "LAST SEEN", "REASON"],
        ResourceKind::Namespaces => &["AGE"],
        ResourceKind::Endpoints => &["AGE", "NAMESPACE"],
        ResourceKind::Browse => &["AGE", "NAMESPACE"],
    }
}

fn total(widths: &[usize]) -> usize {
    widths.iter().sum::<usize>() + SPACING * widths.len().saturating_sub(1)
}

/// Chooses which of `shown` columns (indices into `titles`, with natural `widths`) fit in
/// `available` cells, and how wide each is. Returns (columns, widths).
pub fn fit(
    kind: ResourceKind,
    titles: &[&str],
    shown: &[usize],
    widths: &[usize],
    available: usize,
) -> (Vec<usize>, Vec<usize>) {
    let mut columns: Vec<(usize, usize)> =
        shown.iter().copied().zip(widths.iter().copied()).collect();
    let flexible_title = flexible(kind);
    let is_flexible =
        |column: usize| flexible_title.is_some() && titles.get(column).copied() == flexible_title;
    let needed = |columns: &[(usize, usize)]| {
        let widths: Vec<usize> = columns
            .iter()
            .map(|&(c, w)| {
                if is_flexible(c) {
                    w.min(FLEXIBLE_MIN)
                } else {
                    w
                }
            })
            .collect();
        total(&widths)
    };
    for title in drop_order(kind) {
        if needed(&columns) <= available {
            break;
        }
        if let Some(pos) = columns
            .iter()
            .position(|(c, _)| titles.get(*c) == Some(title))
        {
            columns.remove(pos);
        }
    }
    let mut widths: Vec<usize> = columns.iter().map(|c| c.1).collect();
    // The flexible column gives way first.
    if let Some(pos) = columns.iter().position(|&(c, _)| is_flexible(c)) {
        let others: usize = widths
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != pos)
            .map(|(_, w)| w + SPACING)
            .sum();
        widths[pos] = widths[pos].min(
            available
                .saturating_sub(others)
                .max(MIN_WIDTH.min(widths[pos])),
        );
    }
    while total(&widths) > available {
        let Some((widest, width)) = widths.iter().copied().enumerate().max_by_key(|(_, w)| *w)
        else {
            break;
        };
        if width <= MIN_WIDTH {
            break;
        }
        let excess = total(&widths) - available;
        widths[widest] = width.saturating_sub(excess).max(MIN_WIDTH);
    }
    (columns.into_iter().map(|c| c.0).collect(), widths)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::columns::columns;

    #[test]
    fn narrow_screens_drop_ip_and_node_before_cutting_names() {
        let titles = columns(ResourceKind::Pods);
        let shown: Vec<usize> = (0..titles.len()).collect();
        // NAMESPACE NAME READY STATUS RESTARTS AGE IP NODE
        let widths = [11, 30, 5, 16, 14, 5, 11, 8];
        let (cols, w) = fit(ResourceKind::Pods, titles, &shown, &widths, 95);
        let names: Vec<&str> = cols.iter().map(|c| titles[*c]).collect();
        assert_eq!(
            names,
            ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
        );
        assert_eq!(w[3], 16, "STATUS keeps its width");
        assert!(total(&w) <= 95);

        let (cols, w) = fit(ResourceKind::Pods, titles, &shown, &widths, 50);
        let names: Vec<&str> = cols.iter().map(|c| titles[*c]).collect();
        assert_eq!(
            names,
            ["NAME", "READY", "STATUS"],
            "a 0/1 pod must not look plain Running: READY stays, RESTARTS goes"
        );
        assert!(total(&w) <= 50 && w[0] >= MIN_WIDTH);
    }

    #[test]
    fn long_last_columns_are_cut_instead_of_dropping_others() {
        let titles = columns(ResourceKind::Events);
        let shown: Vec<usize> = (1..titles.len()).collect();
        // LAST SEEN TYPE REASON OBJECT MESSAGE COUNT (namespace hidden)
        let widths = [9, 7, 16, 30, 120, 5];
        let (cols, w) = fit(ResourceKind::Events, titles, &shown, &widths, 100);
        let names: Vec<&str> = cols.iter().map(|c| titles[*c]).collect();
        assert_eq!(
            names,
            ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
            "COUNT goes, MESSAGE is cut"
        );
        assert_eq!(total(&w), 100, "the message takes the rest");
    }

    #[test]
    fn narrow_event_tables_keep_type_and_object() {
        let titles = columns(ResourceKind::Events);
        let shown: Vec<usize> = (0..titles.len()).collect();
        // NAMESPACE LAST SEEN TYPE REASON OBJECT MESSAGE COUNT
        let widths = [11, 9, 7, 20, 35, 120, 5];
        let (cols, w) = fit(ResourceKind::Events, titles, &shown, &widths, 78);
        let names: Vec<&str> = cols.iter().map(|c| titles[*c]).collect();
        assert_eq!(names, ["TYPE", "OBJECT", "MESSAGE"]);
        assert!(total(&w) <= 78);
    }

    #[test]
    fn wide_screens_keep_everything() {
        let titles = columns(ResourceKind::Nodes);
        let shown: Vec<usize> = (0..titles.len()).collect();
        let widths = [8, 8, 13, 7, 3, 3, 6, 4];
        let (cols, w) = fit(ResourceKind::Nodes, titles, &shown, &widths, 200);
        assert_eq!(cols, shown);
        assert_eq!(w, widths);
    }
}

//! Row stores: one map of compact rows per kind, written by that kind's watch task and read
//! (as a snapshot of `Arc`s) by the app when it is told something changed. A row is held
//! once, looked up by its own key (no second copy of the key per row).

use std::borrow::Borrow;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use crate::model::{ObjKey, ResourceKind, Row};

/// A row in a set, equal to another by its key.
#[derive(Debug, Clone)]
struct Keyed(Arc<Row>);

impl PartialEq for Keyed {
    fn eq(&self, other: &Keyed) -> bool {
        self.0.key == other.0.key
    }
}

impl Eq for Keyed {}

impl Hash for Keyed {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.0.key.hash(h);
    }
}

impl Borrow<ObjKey> for Keyed {
    fn borrow(&self) -> &ObjKey {
        &self.0.key
    }
}

/// The rows of one kind plus a flag saying a change notification is outstanding.
#[derive(Debug, Default)]
pub struct KindRows {
    rows: RwLock<HashSet<Keyed>>,
    notified: AtomicBool,
}

impl KindRows {
    /// Replaces everything (after a complete list); of two rows with one key the later wins.
    pub fn replace(&self, rows: impl IntoIterator<Item = Arc<Row>>) {
        let mut set = HashSet::new();
        for row in rows {
            set.replace(Keyed(row));
        }
        if let Ok(mut guard) = self.rows.write() {
            *guard = set;
        }
    }

    pub fn upsert(&self, row: Row) {
        if let Ok(mut guard) = self.rows.write() {
            guard.replace(Keyed(Arc::new(row)));
        }
    }

    pub fn remove(&self, key: &ObjKey) {
        if let Ok(mut guard) = self.rows.write() {
            guard.remove(key);
        }
    }

    /// All rows, in no particular order.
    pub fn snapshot(&self) -> Vec<Arc<Row>> {
        self.notified.store(false, Ordering::SeqCst);
        self.rows
            .read()
            .map(|g| g.iter().map(|k| k.0.clone()).collect())
            .unwrap_or_default()
    }

    /// Marks a change; true when the caller should send a notification (none is outstanding).
    pub fn mark_changed(&self) -> bool {
        !self.notified.swap(true, Ordering::SeqCst)
    }

    pub fn len(&self) -> usize {
        self.rows.read().map(|g| g.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The stores of every watched kind for one watch set.
#[derive(Debug, Clone, Default)]
pub struct RowStores {
    kinds: Arc<HashMap<ResourceKind, KindRows>>,
}

impl RowStores {
    pub fn new() -> Self {
        let kinds = ResourceKind::WATCHED
            .iter()
            .map(|k| (*k, KindRows::default()))
            .collect();
        RowStores {
            kinds: Arc::new(kinds),
        }
    }

    pub fn kind(&self, kind: ResourceKind) -> Option<&KindRows> {
        self.kinds.get(&kind)
    }

    pub fn snapshot(&self, kind: ResourceKind) -> Vec<Arc<Row>> {
        self.kind(kind).map(KindRows::snapshot).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Health, RowLinks};

    fn row(name: &str) -> Row {
        Row {
            key: ObjKey::new("ns", name),
            cells: vec![],
            health: Health::Ok,
            links: RowLinks::None,
        }
    }

    #[test]
    fn notifications_coalesce_until_snapshot() {
        let stores = RowStores::new();
        let pods = stores.kind(ResourceKind::Pods).expect("pods store");
        pods.upsert(row("a"));
        assert!(pods.mark_changed());
        pods.upsert(row("b"));
        assert!(!pods.mark_changed(), "second change must not notify again");
        assert_eq!(pods.snapshot().len(), 2);
        pods.remove(&ObjKey::new("ns", "a"));
        assert!(
            pods.mark_changed(),
            "after a snapshot, a change notifies again"
        );
        assert_eq!(stores.snapshot(ResourceKind::Pods).len(), 1);
        let mut newer = row("b");
        newer.health = Health::Error;
        pods.upsert(newer);
        let rows = pods.snapshot();
        assert_eq!(rows.len(), 1, "an upsert replaces the row of its key");
        assert_eq!(rows[0].health, Health::Error);
    }
}

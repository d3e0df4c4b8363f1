//! `Table<T>`: the objects of one kind, ordered by (namespace, name), each with a small
//! integer id that the indexes hold instead of copies of the key. The key is held once (in
//! the ordered map), made of the object's own shared namespace and name strings; a lookup by
//! `(namespace, name)` text borrows it, without building a key. Each table remembers
//! whether it was read since it was last asked, as a whole or only in some namespaces
//! ([`Table::take_read`]): the engine learns so what a cluster check reads, and runs it again
//! only when that changes.

use std::borrow::Borrow;
use std::cmp::Ordering as Order;
use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::model::ObjKey;

/// A key as two strings, so a lookup by `(namespace, name)` text finds an [`ObjKey`] without
/// building one (building one interns the namespace and copies the name).
trait KeyText {
    fn parts(&self) -> (&str, &str);
}

impl KeyText for ObjKey {
    fn parts(&self) -> (&str, &str) {
        (self.namespace.as_str(), self.name.as_str())
    }
}

impl KeyText for (&str, &str) {
    fn parts(&self) -> (&str, &str) {
        (self.0, self.1)
    }
}

impl<'a> Borrow<dyn KeyText + 'a> for ObjKey {
    fn borrow(&self) -> &(dyn KeyText + 'a) {
        self
    }
}

impl PartialEq for dyn KeyText + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for dyn KeyText + '_ {}

impl PartialOrd for dyn KeyText + '_ {
    fn partial_cmp(&self, other: &Self) -> Option<Order> {
        Some(self.cmp(other))
    }
}

impl Ord for dyn KeyText + '_ {
    /// The same order as [`ObjKey`]'s: namespace, then name, as text.
    fn cmp(&self, other: &Self) -> Order {
        self.parts().cmp(&other.parts())
    }
}

/// Objects of one kind.
#[derive(Debug)]
pub struct Table<T> {
    slots: Vec<Option<Arc<T>>>,
    by_key: BTreeMap<ObjKey, u32>,
    free: Vec<u32>,
    read: AtomicBool,
    read_in: Mutex<Vec<String>>,
}

/// Namespaces noted one by one before a table counts as read as a whole.
const MAX_NAMESPACES_READ: usize = 32;

/// What was read of a table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TableRead {
    #[default]
    Nothing,
    /// Objects of any namespace (a walk over all, an index across namespaces).
    All,
    /// Only objects of these namespaces.
    In(Vec<String>),
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            slots: Vec::new(),
            by_key: BTreeMap::new(),
            free: Vec::new(),
            read: AtomicBool::new(false),
            read_in: Mutex::new(Vec::new()),
        }
    }
}

impl<T> Clone for Table<T> {
    fn clone(&self) -> Self {
        Table {
            slots: self.slots.clone(),
            by_key: self.by_key.clone(),
            free: self.free.clone(),
            read: AtomicBool::new(false),
            read_in: Mutex::new(Vec::new()),
        }
    }
}

impl<T> Table<T> {
    /// Notes a read of any namespace (reading methods call this, and readers of indexes
    /// across namespaces).
    pub fn mark_read(&self) {
        self.read.store(true, Ordering::Relaxed);
    }

    /// Notes a read of namespace `ns` only (readers of per-namespace indexes call this).
    pub fn mark_read_in(&self, ns: &str) {
        if self.read.load(Ordering::Relaxed) {
            return;
        }
        if let Ok(mut read) = self.read_in.lock()
            && !read.iter().any(|n| n == ns)
        {
            if read.len() >= MAX_NAMESPACES_READ {
                // A reader of this many namespaces reads the kind: saying so keeps the walk
                // over the list short (a full pass reads every namespace).
                read.clear();
                self.mark_read();
            } else {
                read.push(ns.to_string());
            }
        }
    }

    /// What was read since the last call (and forgets it).
    pub fn take_read(&self) -> TableRead {
        let namespaces = self
            .read_in
            .lock()
            .map(|mut r| std::mem::take(&mut *r))
            .unwrap_or_default();
        if self.read.swap(false, Ordering::Relaxed) {
            TableRead::All
        } else if namespaces.is_empty() {
            TableRead::Nothing
        } else {
            TableRead::In(namespaces)
        }
    }

    /// An object by id, without noting a read (the caller notes what it reads).
    pub fn by_id_quietly(&self, id: u32) -> Option<&Arc<T>> {
        self.slots.get(id as usize).and_then(|s| s.as_ref())
    }

    /// Inserts or replaces; returns the id and the previous object.
    pub fn upsert(&mut self, key: ObjKey, obj: Arc<T>) -> (u32, Option<Arc<T>>) {
        if let Some(&id) = self.by_key.get(&key) {
            let old = self.slots.get_mut(id as usize).and_then(|s| s.replace(obj));
            return (id, old);
        }
        let id = match self.free.pop() {
            Some(id) => {
                if let Some(slot) = self.slots.get_mut(id as usize) {
                    *slot = Some(obj);
                }
                id
            }
            None => {
                self.slots.push(Some(obj));
                (self.slots.len() - 1) as u32
            }
        };
        self.by_key.insert(key, id);
        (id, None)
    }

    /// Removes; returns the id it had and the object.
    pub fn remove(&mut self, key: &ObjKey) -> Option<(u32, Arc<T>)> {
        let id = self.by_key.remove(key)?;
        let obj = self.slots.get_mut(id as usize)?.take()?;
        self.free.push(id);
        Some((id, obj))
    }

    pub fn get(&self, key: &ObjKey) -> Option<&Arc<T>> {
        self.mark_read_in(&key.namespace);
        self.by_key.get(key).and_then(|&id| self.by_id_quietly(id))
    }

    /// The object in namespace `ns` named `name`.
    pub fn find(&self, ns: &str, name: &str) -> Option<&T> {
        self.mark_read_in(ns);
        self.by_key
            .get(&(ns, name) as &dyn KeyText)
            .and_then(|&id| self.by_id_quietly(id))
            .map(Arc::as_ref)
    }

    pub fn id_of(&self, key: &ObjKey) -> Option<u32> {
        self.mark_read_in(&key.namespace);
        self.by_key.get(key).copied()
    }

    pub fn by_id(&self, id: u32) -> Option<&Arc<T>> {
        self.mark_read();
        self.by_id_quietly(id)
    }

    /// Every object, ordered by namespace and name.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.mark_read();
        self.by_key
            .values()
            .filter_map(|&id| self.by_id_quietly(id))
            .map(Arc::as_ref)
    }

    /// Every object with its key and id, ordered by namespace and name.
    pub fn entries(&self) -> impl Iterator<Item = (&ObjKey, u32, &Arc<T>)> {
        self.mark_read();
        self.by_key
            .iter()
            .filter_map(|(k, &id)| self.by_id_quietly(id).map(|o| (k, id, o)))
    }

    /// The objects of one namespace, ordered by name.
    pub fn in_namespace<'a>(&'a self, ns: &'a str) -> impl Iterator<Item = &'a T> + 'a {
        self.mark_read_in(ns);
        let start: &dyn KeyText = &(ns, "");
        self.by_key
            .range::<dyn KeyText, _>((Bound::Included(start), Bound::Unbounded))
            .take_while(move |(k, _)| k.namespace.as_str() == ns)
            .filter_map(|(_, &id)| self.by_id_quietly(id))
            .map(Arc::as_ref)
    }

    pub fn len(&self) -> usize {
        self.mark_read();
        self.by_key.len()
    }

    pub fn is_empty(&self) -> bool {
        self.mark_read();
        self.by_key.is_empty()
    }

    /// Removes everything; returns what was there.
    pub fn clear(&mut self) -> Vec<(ObjKey, Arc<T>)> {
        self.free.clear();
        let mut slots = std::mem::take(&mut self.slots);
        std::mem::take(&mut self.by_key)
            .into_iter()
            .filter_map(|(k, id)| slots.get_mut(id as usize)?.take().map(|o| (k, o)))
            .collect()
    }
}

impl<'a, T> IntoIterator for &'a Table<T> {
    type Item = &'a T;
    type IntoIter = Box<dyn Iterator<Item = &'a T> + 'a>;
    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(ns: &str, name: &str) -> ObjKey {
        ObjKey::new(ns, name)
    }

    #[test]
    fn ids_are_reused_and_namespaces_are_ranges() {
        let mut t: Table<u32> = Table::default();
        let (a, _) = t.upsert(key("a", "x"), Arc::new(1));
        t.upsert(key("b", "y"), Arc::new(2));
        t.upsert(key("b", "x"), Arc::new(3));
        let (_, old) = t.upsert(key("a", "x"), Arc::new(4));
        assert_eq!(old.as_deref(), Some(&1));
        assert_eq!(t.in_namespace("b").copied().collect::<Vec<_>>(), [3, 2]);
        assert_eq!(t.remove(&ObjKey::new("a", "x")).map(|(id, _)| id), Some(a));
        let (reused, _) = t.upsert(key("c", "z"), Arc::new(5));
        assert_eq!(reused, a);
        assert_eq!(t.iter().copied().collect::<Vec<_>>(), [3, 2, 5]);
        assert_eq!(t.find("c", "z"), Some(&5));
    }

    #[test]
    fn reads_are_noted_per_namespace_and_as_a_whole() {
        let mut t: Table<u32> = Table::default();
        t.upsert(key("a", "x"), Arc::new(1));
        t.upsert(key("b", "y"), Arc::new(2));
        assert_eq!(t.take_read(), TableRead::Nothing);
        assert_eq!(t.find("a", "x"), Some(&1));
        assert_eq!(t.in_namespace("b").count(), 1);
        assert_eq!(t.take_read(), TableRead::In(vec!["a".into(), "b".into()]));
        assert_eq!(t.take_read(), TableRead::Nothing, "taking forgets");
        assert_eq!(t.in_namespace("a").count(), 1);
        assert_eq!(t.iter().count(), 2);
        assert_eq!(t.take_read(), TableRead::All);
        for i in 0..=MAX_NAMESPACES_READ {
            assert_eq!(t.in_namespace(&format!("ns-{i}")).count(), 0);
        }
        assert_eq!(
            t.take_read(),
            TableRead::All,
            "many namespaces count as all"
        );
    }
}

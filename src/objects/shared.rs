//! `Shared<T>`: a value that many objects hold identically (the containers of every pod of one
//! ReplicaSet, their volumes and tolerations) kept once: decoding looks for an equal value
//! already alive and shares it. Values no object holds any more are forgotten.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::{Arc, Mutex, OnceLock, Weak};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What a shared value does before it is compared and kept (drop what is not kept).
pub trait Prepare {
    fn prepare(&mut self) {}
}

/// A value held once for every object that has an equal one.
pub struct Shared<T>(Arc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: PartialEq> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || *self.0 == *other.0
    }
}

impl<T: fmt::Debug> fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<T: Default + Serialize + PartialEq + Prepare + Send + Sync + 'static> Default for Shared<T> {
    fn default() -> Self {
        Shared::new(T::default())
    }
}

impl<'a, T> IntoIterator for &'a Shared<T>
where
    &'a T: IntoIterator,
{
    type Item = <&'a T as IntoIterator>::Item;
    type IntoIter = <&'a T as IntoIterator>::IntoIter;
    fn into_iter(self) -> Self::IntoIter {
        (&*self.0).into_iter()
    }
}

impl<T: Serialize> Serialize for Shared<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de, T> Deserialize<'de> for Shared<T>
where
    T: Deserialize<'de> + Serialize + PartialEq + Prepare + Send + Sync + 'static,
{
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(Shared::new)
    }
}

type Bucket = Vec<Weak<dyn Any + Send + Sync>>;

struct Table {
    buckets: HashMap<(TypeId, u64), Bucket>,
    sweep_at: usize,
}

fn table() -> &'static Mutex<Table> {
    static TABLE: OnceLock<Mutex<Table>> = OnceLock::new();
    TABLE.get_or_init(|| {
        Mutex::new(Table {
            buckets: HashMap::new(),
            sweep_at: 1024,
        })
    })
}

/// Hashes a value through its JSON form (the same value always has the same form).
struct HashWriter<'a>(&'a mut std::collections::hash_map::DefaultHasher);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<T: Serialize + PartialEq + Prepare + Send + Sync + 'static> Shared<T> {
    /// The live copy equal to `value`, or `value` itself (kept for the next ones).
    pub fn new(mut value: T) -> Shared<T> {
        value.prepare();
        let mut h = std::collections::hash_map::DefaultHasher::new();
        if serde_json::to_writer(HashWriter(&mut h), &value).is_err() {
            return Shared(Arc::new(value));
        }
        TypeId::of::<T>().hash(&mut h);
        let key = (TypeId::of::<T>(), h.finish());
        let mut guard = table().lock().unwrap_or_else(|p| p.into_inner());
        if let Some(bucket) = guard.buckets.get_mut(&key) {
            // A value that dies and comes back (a pod's spec while its pods churn) would
            // otherwise pile up dead entries in its bucket, each one visited on every lookup.
            bucket.retain(|w| w.strong_count() > 0);
            for weak in bucket.iter() {
                if let Some(any) = weak.upgrade()
                    && let Ok(found) = any.downcast::<T>()
                    && *found == value
                {
                    return Shared(found);
                }
            }
        }
        if guard.buckets.len() >= guard.sweep_at {
            guard.buckets.retain(|_, b| {
                b.retain(|w| w.strong_count() > 0);
                !b.is_empty()
            });
            guard.sweep_at = (guard.buckets.len() * 2).max(1024);
        }
        let arc = Arc::new(value);
        let any: Arc<dyn Any + Send + Sync> = arc.clone();
        guard
            .buckets
            .entry(key)
            .or_default()
            .push(Arc::downgrade(&any));
        Shared(arc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Prepare for Vec<u32> {}
    impl Prepare for Vec<u64> {}

    #[test]
    fn equal_values_are_held_once() {
        let a: Shared<Vec<u32>> = serde_json::from_str("[1, 2, 3]").expect("list");
        let b: Shared<Vec<u32>> = serde_json::from_str("[1,2,3]").expect("list");
        let c: Shared<Vec<u32>> = serde_json::from_str("[1, 2]").expect("list");
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert!(!Arc::ptr_eq(&a.0, &c.0));
        assert_eq!(a.iter().sum::<u32>(), 6);
    }

    #[test]
    fn a_value_that_dies_and_comes_back_does_not_pile_up() {
        for _ in 0..100 {
            let v: Shared<Vec<u64>> = serde_json::from_str("[7, 7, 7]").expect("list");
            drop(v);
        }
        let keep: Shared<Vec<u64>> = serde_json::from_str("[7, 7, 7]").expect("list");
        let guard = table().lock().unwrap_or_else(|p| p.into_inner());
        let live = guard
            .buckets
            .iter()
            .filter(|((t, _), _)| *t == TypeId::of::<Vec<u64>>())
            .map(|(_, b)| b.len())
            .sum::<usize>();
        drop(guard);
        assert_eq!(
            live, 1,
            "dead entries of one value are dropped when it comes back"
        );
        drop(keep);
    }
}

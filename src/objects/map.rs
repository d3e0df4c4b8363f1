//! `Map`: a small ordered string map (labels, annotations, selectors, resource lists) stored as
//! a sorted vector, a fraction of the memory of a `BTreeMap` for the handful of entries objects
//! carry. Reads like a map: `get`, `iter`, `contains_key`, `keys`, `len`.

use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::str::Str;

/// A sorted map from strings to `V`.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Map<V = Str>(Box<[(Str, V)]>);

impl<V> Map<V> {
    pub fn from_pairs(mut pairs: Vec<(Str, V)>) -> Self {
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        pairs.dedup_by(|later, earlier| later.0 == earlier.0);
        Map(pairs.into_boxed_slice())
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.0
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .ok()
            .map(|i| &self.0[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Str, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &Str> {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.0.iter().map(|(_, v)| v)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Keeps the entries whose key passes `keep`.
    pub fn retain_keys(&mut self, keep: impl Fn(&str) -> bool) {
        if self.0.iter().all(|(k, _)| keep(k)) {
            return;
        }
        let kept: Vec<(Str, V)> = std::mem::take(&mut self.0)
            .into_vec()
            .into_iter()
            .filter(|(k, _)| keep(k))
            .collect();
        self.0 = kept.into_boxed_slice();
    }
}

impl Map<Str> {
    /// `key=value` pairs joined with commas, as kubectl prints selectors.
    pub fn selector_text(&self) -> String {
        self.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Whether every entry of `self` is in `labels` (an equality selector matching labels).
    pub fn is_subset_of(&self, labels: &Map<Str>) -> bool {
        self.iter().all(|(k, v)| labels.get(k) == Some(v))
    }
}

impl<'a, V> IntoIterator for &'a Map<V> {
    type Item = (&'a Str, &'a V);
    type IntoIter =
        std::iter::Map<std::slice::Iter<'a, (Str, V)>, fn(&'a (Str, V)) -> (&'a Str, &'a V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl<V: fmt::Debug> fmt::Debug for Map<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<V: Serialize> Serialize for Map<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Map<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = Map<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of strings")
            }
            fn visit_unit<E>(self) -> Result<Map<V>, E> {
                Ok(Map(Box::new([])))
            }
            fn visit_none<E>(self) -> Result<Map<V>, E> {
                Ok(Map(Box::new([])))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Map<V>, A::Error> {
                let mut pairs = Vec::with_capacity(access.size_hint().unwrap_or(0).min(64));
                while let Some((k, v)) = access.next_entry::<Str, V>()? {
                    pairs.push((k, v));
                }
                Ok(Map::from_pairs(pairs))
            }
        }
        d.deserialize_any(MapVisitor(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_like_a_map_and_keeps_order() {
        let m: Map = serde_json::from_str(r#"{"b": "2", "a": "1", "c": "3"}"#).expect("map");
        assert_eq!(m.get("a").map(Str::as_str), Some("1"));
        assert_eq!(m.get("z"), None);
        assert_eq!(
            m.keys().map(Str::as_str).collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
        assert_eq!(m.selector_text(), "a=1,b=2,c=3");
        let null: Map = serde_json::from_str("null").expect("null is empty");
        assert!(null.is_empty());
    }

    #[test]
    fn subset_is_an_equality_selector() {
        let sel: Map = serde_json::from_str(r#"{"app": "web"}"#).expect("map");
        let labels: Map = serde_json::from_str(r#"{"app": "web", "tier": "fe"}"#).expect("map");
        assert!(sel.is_subset_of(&labels));
        assert!(!labels.is_subset_of(&sel));
    }
}

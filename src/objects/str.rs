//! `Str`: the string type of the compact objects. An immutable, reference-counted string whose
//! values are interned while objects are decoded, so the thousands of pods that repeat a
//! namespace, an image, a node name or a label share one allocation.

use std::borrow::Borrow;
use std::collections::HashSet;
use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, Mutex, OnceLock};

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// An interned, immutable string.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Str(Arc<str>);

impl Str {
    /// The interned copy of `s`.
    pub fn new(s: &str) -> Str {
        Str(intern(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Str {
    fn default() -> Self {
        Str::new("")
    }
}

impl Deref for Str {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Str {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Str {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl From<&str> for Str {
    fn from(s: &str) -> Self {
        Str::new(s)
    }
}

impl From<String> for Str {
    fn from(s: String) -> Self {
        Str::new(&s)
    }
}

impl From<&String> for Str {
    fn from(s: &String) -> Self {
        Str::new(s)
    }
}

impl From<Str> for String {
    fn from(s: Str) -> Self {
        s.0.to_string()
    }
}

impl From<&Str> for String {
    fn from(s: &Str) -> Self {
        s.0.to_string()
    }
}

impl PartialEq<str> for Str {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Str {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Str {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Str> for str {
    fn eq(&self, other: &Str) -> bool {
        self == &*other.0
    }
}

impl PartialEq<Str> for &str {
    fn eq(&self, other: &Str) -> bool {
        *self == &*other.0
    }
}

impl PartialEq<Str> for String {
    fn eq(&self, other: &Str) -> bool {
        **self == *other.0
    }
}

impl Serialize for Str {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Str {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct StrVisitor;
        impl Visitor<'_> for StrVisitor {
            type Value = Str;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Str, E> {
                Ok(Str::new(v))
            }
        }
        d.deserialize_str(StrVisitor)
    }
}

/// The interner: a set of shared strings. Strings no object uses any more are dropped whenever
/// the set has doubled since the last sweep, so it stays proportional to what is alive.
struct Interner {
    set: HashSet<Arc<str>>,
    sweep_at: usize,
}

fn interner() -> &'static Mutex<Interner> {
    static INTERNER: OnceLock<Mutex<Interner>> = OnceLock::new();
    INTERNER.get_or_init(|| {
        Mutex::new(Interner {
            set: HashSet::new(),
            sweep_at: 4096,
        })
    })
}

/// Longer strings are rarely shared (messages, certificates): they are not interned.
const MAX_INTERNED: usize = 256;

fn intern(s: &str) -> Arc<str> {
    if s.len() > MAX_INTERNED {
        return Arc::from(s);
    }
    let mut guard = interner().lock().unwrap_or_else(|p| p.into_inner());
    if let Some(found) = guard.set.get(s) {
        return found.clone();
    }
    if guard.set.len() >= guard.sweep_at {
        guard.set.retain(|a| Arc::strong_count(a) > 1);
        guard.sweep_at = (guard.set.len() * 2).max(4096);
    }
    let arc: Arc<str> = Arc::from(s);
    guard.set.insert(arc.clone());
    arc
}

/// How many distinct strings the interner holds (for tests and benchmarks).
pub fn interned_count() -> usize {
    interner()
        .lock()
        .map(|g| g.set.len())
        .unwrap_or_else(|p| p.into_inner().set.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_strings_share_one_allocation() {
        let a = Str::new("kube-system-interner-test");
        let b: Str = serde_json::from_str("\"kube-system-interner-test\"").expect("a string");
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(a, "kube-system-interner-test");
        assert_eq!(a.as_str(), "kube-system-interner-test");
    }

    #[test]
    fn long_strings_are_not_interned_but_compare_equal() {
        let long = "x".repeat(MAX_INTERNED + 1);
        let a = Str::new(&long);
        let b = Str::new(&long);
        assert!(!Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(a, b);
    }
}

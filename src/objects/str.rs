//! `Str`: the string type of the compact objects. An immutable, reference-counted string whose
//! values are interned while objects are decoded, so the thousands of pods that repeat a
//! namespace, an image, a node name or a label share one allocation. It is one pointer wide
//! (an `Option<Str>` too), which matters in objects with dozens of optional string fields.

use std::borrow::Borrow;
use std::collections::HashSet;
use std::fmt;
use std::ops::Deref;
use std::sync::{Mutex, OnceLock};

use arcstr::ArcStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// An interned, immutable string.
#[derive(Clone)]
pub struct Str(ArcStr);

impl PartialEq for Str {
    fn eq(&self, other: &Str) -> bool {
        ArcStr::ptr_eq(&self.0, &other.0) || self.0.as_str() == other.0.as_str()
    }
}

impl Eq for Str {}

impl std::hash::Hash for Str {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.0.as_str().hash(h);
    }
}

impl PartialOrd for Str {
    fn partial_cmp(&self, other: &Str) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Str {
    fn cmp(&self, other: &Str) -> std::cmp::Ordering {
        self.0.as_str().cmp(other.0.as_str())
    }
}

impl Str {
    /// The interned copy of `s`.
    pub fn new(s: &str) -> Str {
        Str(intern(s))
    }

    /// A copy of `s` that is not interned: for values that are unique to one object (names,
    /// IP addresses), which sharing could not save and the interner would only hold on to.
    pub fn unique(s: &str) -> Str {
        Str(ArcStr::from(s))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The empty string: static, no allocation and no look-up in the interner.
    pub const fn empty() -> Str {
        Str(ArcStr::new())
    }

    /// `<none>`, what kubectl prints for a missing value: static, no allocation.
    pub const NONE: Str = Str(arcstr::literal!("<none>"));
    /// `<unknown>`, static.
    pub const UNKNOWN: Str = Str(arcstr::literal!("<unknown>"));
    /// `-`, static.
    pub const DASH: Str = Str(arcstr::literal!("-"));
    /// `n/a`, static.
    pub const N_A: Str = Str(arcstr::literal!("n/a"));
}

impl Default for Str {
    fn default() -> Self {
        Str::empty()
    }
}

impl Deref for Str {
    type Target = str;
    fn deref(&self) -> &str {
        self.0.as_str()
    }
}

impl AsRef<str> for Str {
    fn as_ref(&self) -> &str {
        self.0.as_str()
    }
}

impl Borrow<str> for Str {
    fn borrow(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Display for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0.as_str(), f)
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
        s.as_str().to_string()
    }
}

impl From<&Str> for String {
    fn from(s: &Str) -> Self {
        s.as_str().to_string()
    }
}

impl PartialEq<str> for Str {
    fn eq(&self, other: &str) -> bool {
        self.0.as_str() == other
    }
}

impl PartialEq<&str> for Str {
    fn eq(&self, other: &&str) -> bool {
        self.0.as_str() == *other
    }
}

impl PartialEq<String> for Str {
    fn eq(&self, other: &String) -> bool {
        self.0.as_str() == other.as_str()
    }
}

impl PartialEq<Str> for str {
    fn eq(&self, other: &Str) -> bool {
        self == other.0.as_str()
    }
}

impl PartialEq<Str> for &str {
    fn eq(&self, other: &Str) -> bool {
        *self == other.0.as_str()
    }
}

impl PartialEq<Str> for String {
    fn eq(&self, other: &Str) -> bool {
        self.as_str() == other.0.as_str()
    }
}

impl Serialize for Str {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.as_str())
    }
}

/// Deserializes a string without interning it (`#[serde(deserialize_with = "unique")]`).
pub fn unique<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Str>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<Str>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<Str>, E> {
            Ok(Some(Str::unique(v)))
        }
        fn visit_none<E>(self) -> Result<Option<Str>, E> {
            Ok(None)
        }
        fn visit_unit<E>(self) -> Result<Option<Str>, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<Str>, D::Error> {
            d.deserialize_str(V)
        }
    }
    d.deserialize_option(V)
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

/// A string in the interner, looked up by its text.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Key(ArcStr);

impl Borrow<str> for Key {
    fn borrow(&self) -> &str {
        self.0.as_str()
    }
}

/// The interner: a set of shared strings. Strings no object uses any more are dropped whenever
/// the set has doubled since the last sweep, so it stays proportional to what is alive.
struct Interner {
    set: HashSet<Key>,
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

fn intern(s: &str) -> ArcStr {
    if s.len() > MAX_INTERNED {
        return ArcStr::from(s);
    }
    let mut guard = interner().lock().unwrap_or_else(|p| p.into_inner());
    if let Some(found) = guard.set.get(s) {
        return found.0.clone();
    }
    if guard.set.len() >= guard.sweep_at {
        guard
            .set
            .retain(|a| ArcStr::strong_count(&a.0).is_none_or(|n| n > 1));
        guard.sweep_at = (guard.set.len() * 2).max(4096);
    }
    let arc = ArcStr::from(s);
    guard.set.insert(Key(arc.clone()));
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
    fn it_is_one_pointer_wide() {
        assert_eq!(std::mem::size_of::<Str>(), 8);
        assert_eq!(std::mem::size_of::<Option<Str>>(), 8);
    }

    #[test]
    fn equal_strings_share_one_allocation() {
        let a = Str::new("kube-system-interner-test");
        let b: Str = serde_json::from_str("\"kube-system-interner-test\"").expect("a string");
        assert!(ArcStr::ptr_eq(&a.0, &b.0));
        assert_eq!(a, "kube-system-interner-test");
        assert_eq!(a.as_str(), "kube-system-interner-test");
    }

    #[test]
    fn long_strings_are_not_interned_but_compare_equal() {
        let long = "x".repeat(MAX_INTERNED + 1);
        let a = Str::new(&long);
        let b = Str::new(&long);
        assert!(!ArcStr::ptr_eq(&a.0, &b.0));
        assert_eq!(a, b);
    }
}

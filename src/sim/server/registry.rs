//! Resource types defined at run time by CustomResourceDefinitions. The registry is global and
//! append-only (a type is a handful of leaked strings, registered once per distinct
//! definition); each store decides which of them it serves (see `Store::serve_crd`).

use std::sync::RwLock;

use super::resources::{RESOURCES, ResourceType, VERBS};

static REGISTRY: RwLock<Vec<&'static ResourceType>> = RwLock::new(Vec::new());

/// What a CRD says about one served version of its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomType {
    pub group: String,
    pub version: String,
    pub plural: String,
    pub singular: String,
    pub kind: String,
    pub namespaced: bool,
    pub short_names: Vec<String>,
    pub categories: Vec<String>,
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

fn leak_all(items: &[String]) -> &'static [&'static str] {
    let leaked: Vec<&'static str> = items.iter().map(|s| leak(s)).collect();
    Box::leak(leaked.into_boxed_slice())
}

fn same(r: &ResourceType, t: &CustomType) -> bool {
    r.group == t.group
        && r.version == t.version
        && r.plural == t.plural
        && r.singular == t.singular
        && r.kind == t.kind
        && r.namespaced == t.namespaced
        && r.short_names
            .iter()
            .copied()
            .eq(t.short_names.iter().map(String::as_str))
        && r.categories
            .iter()
            .copied()
            .eq(t.categories.iter().map(String::as_str))
}

/// The index (in the space of [`super::resources::get`]) of this type, registering it first
/// if no identical type is known.
pub fn register(t: &CustomType) -> usize {
    let offset = RESOURCES.len();
    {
        let known = REGISTRY.read().unwrap_or_else(|p| p.into_inner());
        if let Some(i) = known.iter().position(|r| same(r, t)) {
            return offset + i;
        }
    }
    let mut known = REGISTRY.write().unwrap_or_else(|p| p.into_inner());
    if let Some(i) = known.iter().position(|r| same(r, t)) {
        return offset + i;
    }
    let leaked: &'static ResourceType = Box::leak(Box::new(ResourceType {
        group: leak(&t.group),
        version: leak(&t.version),
        plural: leak(&t.plural),
        singular: leak(&t.singular),
        kind: leak(&t.kind),
        namespaced: t.namespaced,
        short_names: leak_all(&t.short_names),
        categories: leak_all(&t.categories),
        field_labels: &[],
        verbs: VERBS,
    }));
    known.push(leaked);
    offset + known.len() - 1
}

/// The registered type at position `i` of the registry.
pub fn get(i: usize) -> Option<&'static ResourceType> {
    REGISTRY
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .get(i)
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_definitions_share_an_index() {
        let t = CustomType {
            group: "example.com".into(),
            version: "v1".into(),
            plural: "widgets".into(),
            singular: "widget".into(),
            kind: "Widget".into(),
            namespaced: true,
            short_names: vec!["wg".into()],
            categories: vec![],
        };
        let a = register(&t);
        assert_eq!(register(&t), a);
        assert_eq!(super::super::resources::get(a).short_names, &["wg"]);
        let other = CustomType {
            namespaced: false,
            ..t
        };
        assert_ne!(register(&other), a);
    }
}

//! The namespace picker: "all namespaces" plus every namespace, filtered as you type.

/// Picker state; entries are recomputed from the namespaces rows on render.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Picker {
    pub filter: String,
    pub selected: usize,
}

/// The label of the entry that selects every namespace.
pub const ALL_NAMESPACES: &str = "<all namespaces>";

/// The entries shown for `names` under `filter` (case-insensitive substring, in order).
pub fn entries<'a>(names: &'a [String], filter: &str) -> Vec<&'a str> {
    let needle = filter.to_ascii_lowercase();
    std::iter::once(ALL_NAMESPACES)
        .chain(names.iter().map(String::as_str))
        .filter(|n| needle.is_empty() || n.to_ascii_lowercase().contains(&needle))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_narrows_entries() {
        let names = vec![
            "default".to_string(),
            "kube-system".to_string(),
            "shop".to_string(),
        ];
        assert_eq!(entries(&names, "").len(), 4);
        assert_eq!(entries(&names, "KUBE"), vec!["kube-system"]);
        assert_eq!(entries(&names, "all"), vec![ALL_NAMESPACES]);
    }
}

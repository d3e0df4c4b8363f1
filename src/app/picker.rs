//! The namespace picker: "all namespaces" plus every namespace, filtered as you type.

/// Picker state; entries are recomputed from the namespaces rows on render.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Picker {
    pub filter: String,
    pub selected: usize,
}

/// The label of the entry that selects every namespace.
pub const ALL_NAMESPACES: &str = "<all namespaces>";

/// The entries shown for `names` under `filter` (fuzzy: the typed characters in order), exact
/// substring matches first.
pub fn entries<'a>(
    names: &'a [String],
    favourites: &'a std::collections::BTreeSet<String>,
    filter: &str,
) -> Vec<&'a str> {
    let needle = filter.to_ascii_lowercase();
    // Favourites come right after "all", even when namespaces cannot be listed.
    let rest = names
        .iter()
        .filter(|n| !favourites.contains(*n))
        .map(String::as_str);
    let all = std::iter::once(ALL_NAMESPACES)
        .chain(favourites.iter().map(String::as_str))
        .chain(rest);
    let (mut exact, fuzzy): (Vec<&str>, Vec<&str>) = all
        .filter(|n| needle.is_empty() || super::contexts::fuzzy_match(&needle, n))
        .partition(|n| n.to_ascii_lowercase().contains(&needle));
    exact.extend(fuzzy);
    exact
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn favourites_come_first_even_unlisted() {
        let names = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        let favourites: std::collections::BTreeSet<String> =
            ["c".to_string(), "z".to_string()].into();
        assert_eq!(
            entries(&names, &favourites, ""),
            vec![ALL_NAMESPACES, "c", "z", "a", "b"]
        );
    }

    #[test]
    fn filter_narrows_entries() {
        let names = vec![
            "default".to_string(),
            "kube-system".to_string(),
            "shop".to_string(),
        ];
        assert_eq!(entries(&names, &Default::default(), "").len(), 4);
        assert_eq!(
            entries(&names, &Default::default(), "KUBE"),
            vec!["kube-system"]
        );
        assert_eq!(
            entries(&names, &Default::default(), "all"),
            vec![ALL_NAMESPACES]
        );
        assert_eq!(
            entries(&names, &Default::default(), "ksys"),
            vec!["kube-system"],
            "fuzzy"
        );
        let names = vec!["prod-web".to_string(), "web".to_string()];
        assert_eq!(
            entries(&names, &Default::default(), "web"),
            vec!["prod-web", "web"],
            "both contain it"
        );
        assert_eq!(
            entries(&names, &Default::default(), "pw"),
            vec!["prod-web"],
            "fuzzy only"
        );
        let names = vec!["w-e-b".to_string(), "web".to_string()];
        assert_eq!(
            entries(&names, &Default::default(), "web"),
            vec!["web", "w-e-b"],
            "exact substrings before fuzzy"
        );
    }
}

//! Label selectors (`matchLabels` + `matchExpressions` with In, NotIn, Exists, DoesNotExist),
//! compiled once and matched against label maps. An empty selector matches everything; an
//! invalid one (unknown operator, values where none belong or none where some must) is an
//! error the caller reports, and then treats as matching nothing.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

/// One requirement of a selector.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Requirement {
    Equals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

impl Requirement {
    fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        match self {
            Requirement::Equals(key, value) => labels.get(key) == Some(value),
            Requirement::In(key, values) => labels.get(key).is_some_and(|v| values.contains(v)),
            // NotIn also matches objects that lack the key, as in Kubernetes.
            Requirement::NotIn(key, values) => labels.get(key).is_none_or(|v| !values.contains(v)),
            Requirement::Exists(key) => labels.contains_key(key),
            Requirement::DoesNotExist(key) => !labels.contains_key(key),
        }
    }

    fn describe(&self) -> String {
        match self {
            Requirement::Equals(key, value) => format!("{key}={value}"),
            Requirement::In(key, values) => format!("{key} in ({})", values.join(",")),
            Requirement::NotIn(key, values) => format!("{key} notin ({})", values.join(",")),
            Requirement::Exists(key) => key.clone(),
            Requirement::DoesNotExist(key) => format!("!{key}"),
        }
    }
}

/// A compiled, valid label selector.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Selector {
    requirements: Vec<Requirement>,
}

impl Selector {
    /// Compiles a selector; `Err` says why it is invalid.
    pub fn compile(selector: &LabelSelector) -> Result<Selector, String> {
        let mut requirements = Vec::new();
        for (key, value) in selector.match_labels.iter().flatten() {
            requirements.push(Requirement::Equals(key.clone(), value.clone()));
        }
        for (index, expr) in selector.match_expressions.iter().flatten().enumerate() {
            let values = expr.values.clone().unwrap_or_default();
            let where_ = format!("matchExpressions[{index}] (key {:?})", expr.key);
            let requirement = match expr.operator.as_str() {
                "In" | "NotIn" if values.is_empty() => {
                    return Err(format!(
                        "{where_}: operator {} needs at least one value",
                        expr.operator
                    ));
                }
                "Exists" | "DoesNotExist" if !values.is_empty() => {
                    return Err(format!(
                        "{where_}: operator {} takes no values",
                        expr.operator
                    ));
                }
                "In" => Requirement::In(expr.key.clone(), values),
                "NotIn" => Requirement::NotIn(expr.key.clone(), values),
                "Exists" => Requirement::Exists(expr.key.clone()),
                "DoesNotExist" => Requirement::DoesNotExist(expr.key.clone()),
                other => {
                    return Err(format!(
                        "{where_}: unknown operator {other:?} (valid: In, NotIn, Exists, DoesNotExist)"
                    ));
                }
            };
            requirements.push(requirement);
        }
        Ok(Selector { requirements })
    }

    /// True when the labels satisfy every requirement (always true for an empty selector).
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.requirements.iter().all(|r| r.matches(labels))
    }

    /// True for the empty selector, which matches everything.
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// kubectl's notation: `app=db,tier in (a,b),!canary`; empty for the empty selector.
    pub fn describe(&self) -> String {
        self.requirements
            .iter()
            .map(Requirement::describe)
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Matches `labels` against `selector`; `Err` when the selector is invalid.
pub fn selector_matches(
    selector: &LabelSelector,
    labels: &BTreeMap<String, String>,
) -> Result<bool, String> {
    Selector::compile(selector).map(|s| s.matches(labels))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn expr(key: &str, op: &str, values: &[&str]) -> LabelSelectorRequirement {
        LabelSelectorRequirement {
            key: key.into(),
            operator: op.into(),
            values: (!values.is_empty()).then(|| values.iter().map(|v| v.to_string()).collect()),
        }
    }

    fn with_exprs(exprs: Vec<LabelSelectorRequirement>) -> LabelSelector {
        LabelSelector {
            match_expressions: Some(exprs),
            match_labels: None,
        }
    }

    #[test]
    fn empty_selector_matches_everything() {
        let s = Selector::compile(&LabelSelector::default()).unwrap();
        assert!(s.is_empty());
        assert!(s.matches(&labels(&[])));
        assert!(s.matches(&labels(&[("a", "b")])));
    }

    #[test]
    fn match_labels_are_anded() {
        let sel = LabelSelector {
            match_labels: Some(labels(&[("app", "db"), ("tier", "back")])),
            match_expressions: None,
        };
        let s = Selector::compile(&sel).unwrap();
        assert!(s.matches(&labels(&[("app", "db"), ("tier", "back"), ("x", "y")])));
        assert!(!s.matches(&labels(&[("app", "db")])));
        assert_eq!(s.describe(), "app=db,tier=back");
    }

    #[test]
    fn operators_follow_kubernetes_semantics() {
        type Row<'a> = (&'a str, &'a [&'a str], &'a [(&'a str, &'a str)], bool);
        let cases: &[Row] = &[
            ("In", &["a", "b"], &[("k", "a")], true),
            ("In", &["a", "b"], &[("k", "c")], false),
            ("In", &["a"], &[], false),
            ("NotIn", &["a"], &[("k", "b")], true),
            ("NotIn", &["a"], &[("k", "a")], false),
            // NotIn matches objects without the key.
            ("NotIn", &["a"], &[], true),
            ("Exists", &[], &[("k", "")], true),
            ("Exists", &[], &[], false),
            ("DoesNotExist", &[], &[], true),
            ("DoesNotExist", &[], &[("k", "x")], false),
        ];
        for (op, values, have, want) in cases {
            let s = Selector::compile(&with_exprs(vec![expr("k", op, values)])).unwrap();
            assert_eq!(
                s.matches(&labels(have)),
                *want,
                "{op} {values:?} on {have:?}"
            );
        }
    }

    #[test]
    fn invalid_selectors_are_errors() {
        for (op, values) in [
            ("In", &[][..]),
            ("NotIn", &[][..]),
            ("Exists", &["x"][..]),
            ("DoesNotExist", &["x"][..]),
            ("in", &["x"][..]),
            ("Equals", &["x"][..]),
        ] {
            let err = Selector::compile(&with_exprs(vec![expr("k", op, values)])).unwrap_err();
            assert!(err.contains("matchExpressions[0]"), "{err}");
        }
        assert!(
            selector_matches(&with_exprs(vec![expr("k", "Bogus", &[])]), &labels(&[])).is_err()
        );
    }

    #[test]
    fn describe_uses_kubectl_notation() {
        let s = Selector::compile(&with_exprs(vec![
            expr("a", "In", &["x", "y"]),
            expr("b", "NotIn", &["z"]),
            expr("c", "Exists", &[]),
            expr("d", "DoesNotExist", &[]),
        ]))
        .unwrap();
        assert_eq!(s.describe(), "a in (x,y),b notin (z),c,!d");
    }
}

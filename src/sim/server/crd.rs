//! CustomResourceDefinitions as the apiextensions server treats them: the types a CRD defines
//! (one per served version), the status it is given once its names are accepted, and the
//! printer columns of a version (`additionalPrinterColumns`, or Age when it has none).

use serde_json::{Value, json};

use super::registry::CustomType;

fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

fn strings(v: &Value, pointer: &str) -> Vec<String> {
    v.pointer(pointer)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn versions(crd: &Value) -> &[Value] {
    crd.pointer("/spec/versions")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The types of the served versions of `crd`, storage version first; empty when the CRD
/// lacks a group, plural or kind.
pub fn types(crd: &Value) -> Vec<CustomType> {
    let group = text(crd, "/spec/group");
    let plural = text(crd, "/spec/names/plural");
    let kind = text(crd, "/spec/names/kind");
    if group.is_empty() || plural.is_empty() || kind.is_empty() {
        return Vec::new();
    }
    let singular = match text(crd, "/spec/names/singular") {
        "" => kind.to_lowercase(),
        s => s.to_string(),
    };
    let mut served: Vec<&Value> = versions(crd)
        .iter()
        .filter(|v| v.get("served").and_then(Value::as_bool) != Some(false))
        .filter(|v| !text(v, "/name").is_empty())
        .collect();
    served.sort_by_key(|v| v.get("storage").and_then(Value::as_bool) != Some(true));
    served
        .into_iter()
        .map(|v| CustomType {
            group: group.to_string(),
            version: text(v, "/name").to_string(),
            plural: plural.to_string(),
            singular: singular.clone(),
            kind: kind.to_string(),
            namespaced: text(crd, "/spec/scope") != "Cluster",
            short_names: strings(crd, "/spec/names/shortNames"),
            categories: strings(crd, "/spec/names/categories"),
        })
        .collect()
}

/// The CRD with the status the apiextensions server gives it once its names are accepted,
/// unless it already has conditions.
pub fn with_status(mut crd: Value) -> Value {
    if crd
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|c| !c.is_empty())
    {
        return crd;
    }
    let since = crd
        .pointer("/metadata/creationTimestamp")
        .cloned()
        .unwrap_or(Value::Null);
    let mut names = crd
        .pointer("/spec/names")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let kind = text(&crd, "/spec/names/kind").to_string();
    if let Some(n) = names.as_object_mut() {
        n.entry("singular")
            .or_insert_with(|| json!(kind.to_lowercase()));
        n.entry("listKind")
            .or_insert_with(|| json!(format!("{kind}List")));
    }
    let stored: Vec<Value> = versions(&crd)
        .iter()
        .filter(|v| v.get("storage").and_then(Value::as_bool) == Some(true))
        .map(|v| json!(text(v, "/name")))
        .collect();
    let Some(obj) = crd.as_object_mut() else {
        return crd;
    };
    obj.insert(
        "status".into(),
        json!({
            "acceptedNames": names,
            "conditions": [
                {"type": "NamesAccepted", "status": "True", "reason": "NoConflicts",
                 "message": "no conflicts found", "lastTransitionTime": since},
                {"type": "Established", "status": "True", "reason": "InitialNamesAccepted",
                 "message": "the initial names have been accepted", "lastTransitionTime": since}
            ],
            "storedVersions": stored,
        }),
    );
    crd
}

/// One printer column of a custom resource version.
#[derive(Debug, Clone, PartialEq)]
pub struct PrinterColumn {
    pub name: String,
    pub kind: String,
    pub format: String,
    pub description: String,
    pub priority: i64,
    pub json_path: String,
}

/// The printer columns of `version` of `crd` (after the implicit Name column).
pub fn printer_columns(crd: &Value, version: &str) -> Vec<PrinterColumn> {
    let declared = versions(crd)
        .iter()
        .find(|v| text(v, "/name") == version)
        .and_then(|v| v.get("additionalPrinterColumns"))
        .and_then(Value::as_array);
    match declared {
        Some(columns) if !columns.is_empty() => columns
            .iter()
            .map(|c| PrinterColumn {
                name: text(c, "/name").to_string(),
                kind: text(c, "/type").to_string(),
                format: text(c, "/format").to_string(),
                description: text(c, "/description").to_string(),
                priority: c.get("priority").and_then(Value::as_i64).unwrap_or(0),
                json_path: text(c, "/jsonPath").to_string(),
            })
            .collect(),
        _ => vec![PrinterColumn {
            name: "Age".into(),
            kind: "date".into(),
            format: String::new(),
            description: "CreationTimestamp is a timestamp representing the server time when this object was created.".into(),
            priority: 0,
            json_path: ".metadata.creationTimestamp".into(),
        }],
    }
}

/// The value a simple JSONPath (`.a.b`, `.a[0].b`, `.a[*].b`, `.metadata.labels.x\.y`) picks
/// from `object`; `None` when it picks nothing.
pub fn json_path<'a>(object: &'a Value, path: &str) -> Option<&'a Value> {
    let path = path.trim().trim_start_matches('{').trim_end_matches('}');
    let path = path.strip_prefix('$').unwrap_or(path);
    let mut current = object;
    let mut rest = path.strip_prefix('.').unwrap_or(path);
    while !rest.is_empty() {
        let mut key = String::new();
        let mut chars = rest.char_indices().peekable();
        let mut end = rest.len();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, escaped)) = chars.next() {
                        key.push(escaped);
                    }
                }
                '.' | '[' => {
                    end = i;
                    break;
                }
                other => key.push(other),
            }
        }
        if !key.is_empty() {
            current = current.get(&key)?;
        }
        rest = &rest[end..];
        if let Some(after) = rest.strip_prefix('[') {
            let close = after.find(']')?;
            let index = &after[..close];
            let items = current.as_array()?;
            current = if index == "*" {
                items.first()?
            } else {
                items.get(index.parse::<usize>().ok()?)?
            };
            rest = &after[close + 1..];
        }
        rest = rest.strip_prefix('.').unwrap_or(rest);
    }
    Some(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_status_and_columns_of_a_crd() {
        let crd = json!({"metadata": {"name": "widgets.example.com", "creationTimestamp": "2026-01-01T00:00:00Z"},
            "spec": {"group": "example.com", "scope": "Namespaced",
                "names": {"plural": "widgets", "kind": "Widget", "shortNames": ["wg"]},
                "versions": [
                    {"name": "v1beta1", "served": true, "storage": false},
                    {"name": "v1", "served": true, "storage": true,
                     "additionalPrinterColumns": [{"name": "Size", "type": "integer", "jsonPath": ".spec.size"}]},
                    {"name": "v1alpha1", "served": false, "storage": false}]}});
        let t = types(&crd);
        assert_eq!(
            t.iter().map(|t| t.version.as_str()).collect::<Vec<_>>(),
            ["v1", "v1beta1"]
        );
        assert_eq!(t[0].singular, "widget");
        let crd = with_status(crd);
        assert_eq!(crd["status"]["acceptedNames"]["listKind"], "WidgetList");
        assert_eq!(crd["status"]["storedVersions"], json!(["v1"]));
        assert_eq!(printer_columns(&crd, "v1")[0].name, "Size");
        assert_eq!(printer_columns(&crd, "v1beta1")[0].name, "Age");
    }

    #[test]
    fn json_paths() {
        let o = json!({"a": {"b": [{"c": 1}, {"c": 2}], "x.y": "dot"}});
        assert_eq!(json_path(&o, ".a.b[1].c"), Some(&json!(2)));
        assert_eq!(json_path(&o, ".a.b[*].c"), Some(&json!(1)));
        assert_eq!(json_path(&o, ".a.x\\.y"), Some(&json!("dot")));
        assert_eq!(json_path(&o, "{.a.b[0].c}"), Some(&json!(1)));
        assert_eq!(json_path(&o, ".a.missing"), None);
    }
}

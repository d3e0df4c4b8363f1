//! Reading discovery documents into [`ApiResource`]s: the aggregated form
//! (`apidiscovery.k8s.io/v2` APIGroupDiscoveryList, one document for `/api` and one for
//! `/apis`) and the legacy form (an APIResourceList per group version). Subresources and
//! types that cannot be listed are left out; for each group, the first (preferred) version
//! that serves a resource wins.

use serde_json::Value;

use super::ApiResource;

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn push_unique(out: &mut Vec<ApiResource>, r: ApiResource) {
    if r.plural.is_empty() || r.plural.contains('/') || !r.can("list") {
        return;
    }
    if out
        .iter()
        .any(|o| o.group == r.group && o.plural == r.plural)
    {
        return;
    }
    out.push(r);
}

/// Group versions that could not be read, with why.
pub type Failed = Vec<(String, String)>;

/// Reads one APIGroupDiscoveryList. Returns the resources and the group versions the server
/// marked stale (an aggregated API that is not answering), or an error when the document is
/// not one.
pub fn aggregated(doc: &Value) -> Result<(Vec<ApiResource>, Failed), String> {
    if doc.get("kind").and_then(Value::as_str) != Some("APIGroupDiscoveryList") {
        return Err("not an APIGroupDiscoveryList".to_string());
    }
    let mut out = Vec::new();
    let mut stale = Vec::new();
    for item in doc
        .get("items")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let group = item
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        for version in item
            .get("versions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let v = text(version, "version");
            if version.get("freshness").and_then(Value::as_str) == Some("Stale") {
                stale.push((
                    join(&group, &v),
                    "the server marks this API stale (its aggregated server does not answer)"
                        .to_string(),
                ));
            }
            for r in version
                .get("resources")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let kind = r
                    .pointer("/responseKind/kind")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                push_unique(
                    &mut out,
                    ApiResource {
                        group: group.clone(),
                        version: v.clone(),
                        singular: singular_or_kind(&text(r, "singularResource"), &kind),
                        kind,
                        plural: text(r, "resource"),
                        short_names: strings(r.get("shortNames")),
                        categories: strings(r.get("categories")),
                        namespaced: r.get("scope").and_then(Value::as_str) == Some("Namespaced"),
                        verbs: strings(r.get("verbs")),
                    },
                );
            }
        }
    }
    Ok((out, stale))
}

/// Reads the APIResourceList of `group_version` (`v1` or `apps/v1`) into `out`.
pub fn legacy(group_version: &str, doc: &Value, out: &mut Vec<ApiResource>) {
    let (group, version) = match group_version.split_once('/') {
        Some((g, v)) => (g.to_string(), v.to_string()),
        None => (String::new(), group_version.to_string()),
    };
    for r in doc
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let kind = text(r, "kind");
        push_unique(
            out,
            ApiResource {
                group: group.clone(),
                version: version.clone(),
                singular: singular_or_kind(&text(r, "singularName"), &kind),
                kind,
                plural: text(r, "name"),
                short_names: strings(r.get("shortNames")),
                categories: strings(r.get("categories")),
                namespaced: r.get("namespaced").and_then(Value::as_bool) == Some(true),
                verbs: strings(r.get("verbs")),
            },
        );
    }
}

/// The group versions of an APIGroupList (`/apis`), preferred version first in each group.
pub fn group_versions(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for g in doc
        .get("groups")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let preferred = g
            .pointer("/preferredVersion/groupVersion")
            .and_then(Value::as_str);
        if let Some(p) = preferred {
            out.push(p.to_string());
        }
        for v in g
            .get("versions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(gv) = v.get("groupVersion").and_then(Value::as_str)
                && Some(gv) != preferred
            {
                out.push(gv.to_string());
            }
        }
    }
    out
}

/// Old servers leave `singularName` empty; kubectl then uses the kind in lower case.
fn singular_or_kind(singular: &str, kind: &str) -> String {
    if singular.is_empty() {
        kind.to_ascii_lowercase()
    } else {
        singular.to_string()
    }
}

fn join(group: &str, version: &str) -> String {
    if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn aggregated_documents_give_preferred_versions_without_subresources() {
        let doc = json!({"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2",
            "items": [{"metadata": {"name": "autoscaling"}, "versions": [
                {"version": "v2", "resources": [{"resource": "horizontalpodautoscalers",
                    "responseKind": {"group": "autoscaling", "version": "v2", "kind": "HorizontalPodAutoscaler"},
                    "scope": "Namespaced", "singularResource": "horizontalpodautoscaler",
                    "shortNames": ["hpa"], "categories": ["all"], "verbs": ["get", "list", "watch"],
                    "subresources": [{"subresource": "status"}]}], "freshness": "Current"},
                {"version": "v1", "resources": [{"resource": "horizontalpodautoscalers",
                    "responseKind": {"kind": "HorizontalPodAutoscaler"}, "scope": "Namespaced",
                    "verbs": ["list"]}]}]},
              {"metadata": {"name": "metrics.k8s.io"}, "versions": [{"version": "v1beta1",
                "resources": [], "freshness": "Stale"}]}]});
        let (resources, stale) = aggregated(&doc).expect("aggregated");
        assert_eq!(resources.len(), 1);
        let hpa = &resources[0];
        assert_eq!(
            (hpa.version.as_str(), hpa.short_names.as_slice()),
            ("v2", &["hpa".to_string()][..])
        );
        assert!(hpa.namespaced);
        assert_eq!(stale[0].0, "metrics.k8s.io/v1beta1");
        assert!(aggregated(&json!({"kind": "APIGroupList"})).is_err());
    }

    #[test]
    fn legacy_resource_lists_skip_subresources_and_unlistable_types() {
        let doc = json!({"kind": "APIResourceList", "groupVersion": "v1", "resources": [
            {"name": "pods", "singularName": "", "namespaced": true, "kind": "Pod",
             "verbs": ["get", "list", "watch"], "shortNames": ["po"], "categories": ["all"]},
            {"name": "pods/log", "singularName": "", "namespaced": true, "kind": "Pod", "verbs": ["get"]},
            {"name": "bindings", "singularName": "", "namespaced": true, "kind": "Binding", "verbs": ["create"]}]});
        let mut out = Vec::new();
        legacy("v1", &doc, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].singular, "pod");
        assert_eq!(out[0].group, "");
        let groups = json!({"groups": [{"name": "apps", "versions": [{"groupVersion": "apps/v1"}],
            "preferredVersion": {"groupVersion": "apps/v1"}}]});
        assert_eq!(group_versions(&groups), ["apps/v1"]);
    }
}

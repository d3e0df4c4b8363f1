//! Completes the built-in scenario from its controllers' pod templates: a ReplicaSet without a
//! template gets its Deployment's (plus `pod-template-hash`), a pod gets the labels and spec of
//! its owner's template for whatever it does not say itself.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::json;
use super::json::Ptr;

type Key = (String, String, String);

fn templates(objects: &[Value]) -> HashMap<Key, Value> {
    let mut out = HashMap::new();
    for o in objects {
        let kind = json::s(o, "/kind");
        if matches!(
            kind,
            "Deployment" | "ReplicaSet" | "DaemonSet" | "StatefulSet" | "Job"
        ) && let Some(t) = o.at("/spec/template")
        {
            out.insert(
                (
                    kind.to_string(),
                    json::ns(o).to_string(),
                    json::name(o).to_string(),
                ),
                t.clone(),
            );
        }
    }
    out
}

/// Fills ReplicaSet templates and then pod labels and specs, in place.
pub fn expand(objects: &mut [Value]) {
    let deployments = templates(objects);
    for rs in objects
        .iter_mut()
        .filter(|o| json::s(o, "/kind") == "ReplicaSet")
    {
        if rs.at("/spec/template").is_some() {
            continue;
        }
        let Some(("Deployment", dep)) = json::owner(rs) else {
            continue;
        };
        let key = (
            "Deployment".to_string(),
            json::ns(rs).to_string(),
            dep.to_string(),
        );
        let Some(mut t) = deployments.get(&key).cloned() else {
            continue;
        };
        let hash = match json::s(rs, "/metadata/labels/pod-template-hash") {
            "" => json::name(rs)
                .strip_prefix(&format!("{dep}-"))
                .unwrap_or_default()
                .to_string(),
            h => h.to_string(),
        };
        if let Some(labels) = t
            .pointer_mut("/metadata/labels")
            .and_then(Value::as_object_mut)
        {
            labels.insert("pod-template-hash".into(), json!(hash));
        }
        if let Some(spec) = rs.get_mut("spec").and_then(Value::as_object_mut) {
            spec.insert("template".into(), t);
        }
    }
    let all = templates(objects);
    for pod in objects.iter_mut().filter(|o| json::s(o, "/kind") == "Pod") {
        let Some((kind, owner)) = json::owner(pod) else {
            continue;
        };
        let key = (
            kind.to_string(),
            json::ns(pod).to_string(),
            owner.to_string(),
        );
        let is_daemon = kind == "DaemonSet";
        let Some(t) = all.get(&key) else { continue };
        apply_template(pod, t, is_daemon);
    }
}

fn apply_template(pod: &mut Value, t: &Value, is_daemon: bool) {
    let Some(obj) = pod.as_object_mut() else {
        return;
    };
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut)
        && !meta.contains_key("labels")
        && let Some(labels) = t.at("/metadata/labels")
    {
        meta.insert("labels".into(), labels.clone());
    }
    let spec = obj.entry("spec").or_insert_with(|| json!({}));
    let Some(spec) = spec.as_object_mut() else {
        return;
    };
    if let Some(tspec) = t.get("spec").and_then(Value::as_object) {
        for (k, v) in tspec {
            spec.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    if is_daemon
        && let Some(node) = spec
            .get("nodeName")
            .and_then(Value::as_str)
            .map(str::to_string)
    {
        spec.entry("affinity").or_insert_with(|| {
            json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}
            ]}}})
        });
    }
}

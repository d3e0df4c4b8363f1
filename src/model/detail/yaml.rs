//! The YAML view: the object without `metadata.managedFields`, serialised with serde-saphyr.

use serde_json::Value;

/// The object as YAML, with `metadata.managedFields` removed.
pub fn to_yaml(obj: &Value) -> Result<String, String> {
    let mut obj = obj.clone();
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("managedFields");
    }
    serde_saphyr::to_string(&obj).map_err(|e| format!("cannot render YAML: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Value {
        json!({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": "web-1",
                "namespace": "shop",
                "labels": {"app": "web", "version": "1.0"},
                "annotations": {"note": "line one\nline two: with colon", "empty": "", "num": "123",
                                "bool": "true", "star": "*.example.com"},
                "managedFields": [{"manager": "kubectl", "operation": "Update",
                                   "fieldsV1": {"f:metadata": {}}}]
            },
            "spec": {"containers": [{"name": "web", "image": "nginx:1.25",
                                     "args": ["--port", "8080", "- dash", "#hash", "null", "~"],
                                     "ports": [{"containerPort": 80}]}],
                     "nodeSelector": {}},
            "status": {"phase": "Running", "podIP": null, "ready": true, "ratio": 0.5}
        })
    }

    #[test]
    fn drops_managed_fields() {
        let yaml = to_yaml(&sample()).expect("yaml");
        assert!(!yaml.contains("managedFields"), "{yaml}");
        assert!(!yaml.contains("f:metadata"), "{yaml}");
        assert!(yaml.contains("name: web-1"), "{yaml}");
        assert!(yaml.contains("nginx:1.25"), "{yaml}");
    }

    #[test]
    fn round_trips() {
        let yaml = to_yaml(&sample()).expect("yaml");
        let back: Value = serde_saphyr::from_str(&yaml).expect("valid yaml");
        let mut expected = sample();
        if let Some(m) = expected["metadata"].as_object_mut() {
            m.remove("managedFields");
        }
        assert_eq!(back, expected, "{yaml}");
    }

    #[test]
    fn objects_without_metadata_still_render() {
        let yaml = to_yaml(&json!({"kind": "Thing", "list": []})).expect("yaml");
        let back: Value = serde_saphyr::from_str(&yaml).expect("valid yaml");
        assert_eq!(back, json!({"kind": "Thing", "list": []}));
    }
}

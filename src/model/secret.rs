//! Secrets are shown masked: before a fetched Secret reaches the app state, every value of
//! `data` and `stringData` is replaced by its size, and the `last-applied-configuration`
//! annotation (which repeats the values) is dropped. The one key the user asks for
//! (`:reveal KEY`) is decoded from base64 and kept as text (binary shown as its size).

use base64::Engine;
use serde_json::{Value, json};

/// The annotation `kubectl apply` writes, holding the whole object as applied.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Whether `obj` is a Secret.
pub fn is_secret(obj: &Value) -> bool {
    obj.get("kind").and_then(Value::as_str) == Some("Secret")
        && matches!(
            obj.get("apiVersion").and_then(Value::as_str),
            Some("v1") | None
        )
}

/// The text a masked value shows.
pub fn masked(bytes: usize) -> String {
    format!("<masked: {bytes} bytes; :reveal KEY shows one>")
}

/// The Secret with every value masked except `reveal`'s (decoded). Other objects unchanged.
pub fn mask(mut obj: Value, reveal: Option<&str>) -> Value {
    if !is_secret(&obj) {
        return obj;
    }
    if let Some(annotations) = obj
        .pointer_mut("/metadata/annotations")
        .and_then(Value::as_object_mut)
        && annotations.remove(LAST_APPLIED).is_some()
    {
        annotations.insert(
            LAST_APPLIED.to_string(),
            json!("<removed: it repeats the Secret's values>"),
        );
    }
    if let Some(data) = obj.get_mut("data").and_then(Value::as_object_mut) {
        for (key, value) in data.iter_mut() {
            let encoded = value.as_str().unwrap_or_default();
            let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim());
            *value = match (Some(key.as_str()) == reveal, decoded) {
                (true, Ok(bytes)) => match String::from_utf8(bytes) {
                    Ok(text) => json!(text),
                    Err(e) => json!(format!(
                        "<binary: {} bytes, not shown as text>",
                        e.into_bytes().len()
                    )),
                },
                (true, Err(_)) => json!("<not valid base64>"),
                (false, Ok(bytes)) => json!(masked(bytes.len())),
                (false, Err(_)) => json!(masked(encoded.len())),
            };
        }
    }
    if let Some(data) = obj.get_mut("stringData").and_then(Value::as_object_mut) {
        for (key, value) in data.iter_mut() {
            if Some(key.as_str()) != reveal {
                let len = value.as_str().map_or(0, str::len);
                *value = json!(masked(len));
            }
        }
    }
    obj
}

/// The key names of a Secret's data, for completion and describe.
pub fn keys(obj: &Value) -> Vec<String> {
    let mut out: Vec<String> = ["data", "stringData"]
        .iter()
        .filter_map(|f| obj.get(*f).and_then(Value::as_object))
        .flat_map(|m| m.keys().cloned())
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> Value {
        json!({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": {"name": "db", "namespace": "shop",
                "annotations": {LAST_APPLIED: "{\"data\":{\"password\":\"aHVudGVyMg==\"}}"}},
            "data": {"password": "aHVudGVyMg==", "user": "YWRtaW4="}})
    }

    #[test]
    fn values_are_masked_unless_one_key_is_revealed() {
        let text = mask(secret(), None).to_string();
        assert!(!text.contains("aHVudGVyMg"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(!text.contains("YWRtaW4"), "{text}");
        assert!(text.contains("<masked: 7 bytes"), "{text}");
        let shown = mask(secret(), Some("password"));
        assert_eq!(shown["data"]["password"], "hunter2");
        assert!(
            shown["data"]["user"]
                .as_str()
                .is_some_and(|s| s.starts_with("<masked"))
        );
        assert!(!shown.to_string().contains("YWRtaW4"));
        assert_eq!(keys(&secret()), ["password", "user"]);
        let pod = json!({"kind": "Pod", "data": {"a": "b"}});
        assert_eq!(mask(pod.clone(), None), pod);
    }
}

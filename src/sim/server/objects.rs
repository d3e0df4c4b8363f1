//! Reading and writing objects: list (selectors, paging with opaque continue tokens), get,
//! create, replace, merge-patch and delete.

use std::sync::Arc;

use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::query::Params;
use super::resources::{self, ResourceType};
use super::routes::ResourcePath;
use super::selectors::{FieldSelector, LabelSelector};
use super::status::{ApiError, json_response};
use super::store::{ObjectKey, Store};

/// Label and field selectors of a request.
pub struct Filter {
    pub labels: LabelSelector,
    pub fields: FieldSelector,
}

impl Filter {
    pub fn from_params(params: &Params, resource: &ResourceType) -> Result<Self, ApiError> {
        let labels = LabelSelector::parse(params.get("labelSelector").unwrap_or(""))
            .map_err(ApiError::bad_request)?;
        let fields = FieldSelector::parse(params.get("fieldSelector").unwrap_or(""), resource)
            .map_err(ApiError::bad_request)?;
        Ok(Filter { labels, fields })
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.fields.is_empty()
    }

    pub fn matches(&self, object: &Value) -> bool {
        self.labels.matches(object) && self.fields.matches(object)
    }
}

fn encode_continue(rv: u64, key: &ObjectKey) -> String {
    URL_SAFE_NO_PAD.encode(json!({"v": 1, "rv": rv, "ns": key.0, "name": key.1}).to_string())
}

fn decode_continue(token: &str) -> Result<ObjectKey, ApiError> {
    let invalid = || ApiError::bad_request(format!("continue key is not valid: {token}"));
    let bytes = URL_SAFE_NO_PAD
        .decode(token.trim_end_matches('='))
        .map_err(|_| invalid())?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    let ns = value
        .get("ns")
        .and_then(Value::as_str)
        .ok_or_else(invalid)?;
    let name = value
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(invalid)?;
    Ok((ns.to_string(), name.to_string()))
}

fn key_of(object: &Value) -> ObjectKey {
    let meta = object.get("metadata");
    let field = |f: &str| {
        meta.and_then(|m| m.get(f))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    (field("namespace"), field("name"))
}

/// How long a read waits for a resourceVersion the store has not reached (the watch cache's
/// `blockTimeout`).
pub const FRESHNESS_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// Waits until the store has reached resourceVersion `rv`; after [`FRESHNESS_WAIT`] fails
/// the way the watch cache does: 504 `Timeout`, "Too large resource version".
pub async fn wait_for_resource_version(store: &Store, rv: u64) -> Result<(), ApiError> {
    let mut receiver = store.signals.subscribe();
    let deadline = tokio::time::Instant::now() + FRESHNESS_WAIT;
    loop {
        let current = store.resource_version();
        if current >= rv {
            return Ok(());
        }
        match tokio::time::timeout_at(deadline, receiver.recv()).await {
            Err(_) => {
                let current = store.resource_version();
                return if current >= rv {
                    Ok(())
                } else {
                    Err(ApiError::too_large_resource_version(rv, current))
                };
            }
            Ok(Err(tokio::sync::broadcast::error::RecvError::Closed)) => {
                return Err(ApiError::too_large_resource_version(rv, current));
            }
            Ok(_) => {}
        }
    }
}

/// Lists a collection; returns the list metadata and its items.
pub fn list_items(
    store: &Store,
    path: &ResourcePath,
    params: &Params,
) -> Result<(Value, Vec<Arc<Value>>), ApiError> {
    let resource = resources::get(path.resource);
    let filter = Filter::from_params(params, resource)?;
    params.resource_version()?;
    let limit = match params.count("limit")? {
        None | Some(0) => usize::MAX,
        Some(n) => n as usize,
    };
    let after = match params.get("continue").filter(|c| !c.is_empty()) {
        Some(token) => Some(decode_continue(token)?),
        None => None,
    };
    let (items, remaining, rv) = store.visit(
        path.resource,
        path.namespace.as_deref(),
        after.as_ref(),
        |_, o| filter.matches(o),
        limit,
        filter.is_empty(),
    );
    let mut metadata = json!({"resourceVersion": rv.to_string()});
    if let (Some(remaining), Some(last)) = (remaining, items.last()) {
        metadata["continue"] = json!(encode_continue(rv, &key_of(last)));
        if filter.is_empty() {
            metadata["remainingItemCount"] = json!(remaining);
        }
    }
    Ok((metadata, items))
}

/// Serializes a list without copying the items into one big `Value`.
pub fn list_body(resource: &ResourceType, metadata: &Value, items: &[Arc<Value>]) -> Vec<u8> {
    let mut body = Vec::with_capacity(256 + items.len() * 1024);
    body.extend_from_slice(
        format!(
            "{{\"kind\":\"{}\",\"apiVersion\":\"{}\",\"metadata\":{},\"items\":[",
            resource.list_kind(),
            resource.api_version(),
            metadata
        )
        .as_bytes(),
    );
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        let _ = serde_json::to_writer(&mut body, item.as_ref());
    }
    body.extend_from_slice(b"]}");
    body
}

pub fn get_object(store: &Store, path: &ResourcePath, name: &str) -> Result<Arc<Value>, ApiError> {
    store
        .get(path.resource, path.namespace.as_deref(), name)
        .ok_or_else(|| ApiError::not_found(resources::get(path.resource).plural, name))
}

fn parse_body(body: &[u8]) -> Result<Value, ApiError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("the object provided is unrecognized: {e}")))?;
    if !value.is_object() {
        return Err(ApiError::bad_request(
            "the object provided is not a JSON object",
        ));
    }
    Ok(value)
}

/// Fills apiVersion/kind/namespace from the path and stores the object.
fn store_object(
    store: &Store,
    path: &ResourcePath,
    mut object: Value,
) -> Result<Arc<Value>, ApiError> {
    let resource = resources::get(path.resource);
    object["apiVersion"] = json!(resource.api_version());
    object["kind"] = json!(resource.kind);
    if !object.get("metadata").is_some_and(Value::is_object) {
        object["metadata"] = json!({});
    }
    if let Some(ns) = &path.namespace {
        object["metadata"]["namespace"] = json!(ns);
    }
    store
        .upsert(object)
        .map_err(|e| ApiError::unprocessable(e.to_string()))
}

pub fn create(store: &Store, path: &ResourcePath, body: &[u8]) -> Result<Response, ApiError> {
    let mut object = parse_body(body)?;
    let resource = resources::get(path.resource);
    let name = object
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if name.is_empty() {
        let prefix = object
            .pointer("/metadata/generateName")
            .and_then(Value::as_str)
            .unwrap_or("");
        if prefix.is_empty() {
            return Err(ApiError::unprocessable(format!(
                "{} \"\" is invalid: metadata.name: Required value: name or generateName is required",
                resource.kind
            )));
        }
        let suffix: String = (0..5)
            .map(|_| fastrand::alphanumeric().to_ascii_lowercase())
            .collect();
        object["metadata"]["name"] = json!(format!("{prefix}{suffix}"));
    } else if store
        .get(path.resource, path.namespace.as_deref(), &name)
        .is_some()
    {
        return Err(ApiError::already_exists(resource.plural, &name));
    }
    let stored = store_object(store, path, object)?;
    Ok(created(&stored))
}

fn created(object: &Value) -> Response {
    let mut response = json_response(object.to_string());
    *response.status_mut() = http::StatusCode::CREATED;
    response
}

pub fn replace(
    store: &Store,
    path: &ResourcePath,
    name: &str,
    body: &[u8],
) -> Result<Response, ApiError> {
    let mut object = parse_body(body)?;
    object["metadata"]["name"] = json!(name);
    let existed = store
        .get(path.resource, path.namespace.as_deref(), name)
        .is_some();
    let stored = store_object(store, path, object)?;
    Ok(if existed {
        json_response(stored.to_string())
    } else {
        created(&stored)
    })
}

/// RFC 7386 JSON merge patch (also used, approximately, for strategic merge patches).
fn merge_patch(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                if value.is_null() {
                    target.remove(key);
                } else {
                    merge_patch(target.entry(key.clone()).or_insert(Value::Null), value);
                }
            }
        }
        (target, patch) => *target = patch.clone(),
    }
}

pub fn patch(
    store: &Store,
    path: &ResourcePath,
    name: &str,
    content_type: &str,
    body: &[u8],
) -> Result<Response, ApiError> {
    if content_type.starts_with("application/json-patch+json")
        || content_type.starts_with("application/apply-patch")
    {
        return Err(ApiError::unsupported_media_type(content_type));
    }
    let patch = parse_body(body)?;
    let mut object = (*get_object(store, path, name)?).clone();
    merge_patch(&mut object, &patch);
    object["metadata"]["name"] = json!(name);
    let stored = store_object(store, path, object)?;
    Ok(json_response(stored.to_string()))
}

pub fn delete(store: &Store, path: &ResourcePath, name: &str) -> Result<Response, ApiError> {
    let deleted = store
        .delete(path.resource, path.namespace.as_deref(), name)
        .ok_or_else(|| ApiError::not_found(resources::get(path.resource).plural, name))?;
    Ok(json_response(deleted.to_string()))
}

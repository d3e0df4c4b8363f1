//! API discovery through the read-only client: aggregated discovery
//! (`apidiscovery.k8s.io/v2`, two requests) where the server offers it, else the legacy
//! documents (`/api`, `/apis`, then one APIResourceList per group version, as kubectl does).
//! A group version that cannot be read (an aggregated API that is down) is named in
//! [`ApiRegistry::failed`]; the rest is used.

use kube::Client;
use serde_json::Value;

use crate::model::api::{ApiRegistry, ApiResource, parse};

/// What kubectl sends: aggregated discovery first, the plain documents as fallback.
pub const AGGREGATED_ACCEPT: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";

async fn get_json(client: &Client, path: &str, accept: &str) -> Result<Value, String> {
    let request = http::Request::get(path)
        .header(http::header::ACCEPT, accept)
        .body(Vec::new())
        .map_err(|e| e.to_string())?;
    let text = client
        .request_text(request)
        .await
        .map_err(|e| format!("{path}: {}", super::client::describe_error(&e)))?;
    serde_json::from_str(&text).map_err(|e| format!("{path}: not valid JSON ({e})"))
}

/// Discovers every type the server serves.
pub async fn discover(client: &Client) -> Result<ApiRegistry, String> {
    let core = get_json(client, "/api", AGGREGATED_ACCEPT).await?;
    if core.get("kind").and_then(Value::as_str) == Some("APIGroupDiscoveryList") {
        let groups = get_json(client, "/apis", AGGREGATED_ACCEPT).await?;
        let (mut resources, mut failed) = parse::aggregated(&core)?;
        let (more, stale) = parse::aggregated(&groups)?;
        merge(&mut resources, more);
        failed.extend(stale);
        return Ok(ApiRegistry {
            resources,
            source: "aggregated",
            failed,
        });
    }
    legacy(client, &core).await
}

fn merge(into: &mut Vec<ApiResource>, more: Vec<ApiResource>) {
    for r in more {
        if !into
            .iter()
            .any(|o| o.group == r.group && o.plural == r.plural)
        {
            into.push(r);
        }
    }
}

async fn legacy(client: &Client, core: &Value) -> Result<ApiRegistry, String> {
    let mut versions: Vec<String> = core
        .get("versions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    if versions.is_empty() {
        versions.push("v1".to_string());
    }
    let groups = get_json(client, "/apis", "application/json").await?;
    let mut resources = Vec::new();
    let mut failed = Vec::new();
    let core_versions = versions.iter().map(|v| (format!("/api/{v}"), v.clone()));
    let group_versions = parse::group_versions(&groups)
        .into_iter()
        .map(|gv| (format!("/apis/{gv}"), gv));
    for (path, gv) in core_versions.chain(group_versions) {
        match get_json(client, &path, "application/json").await {
            Ok(doc) => parse::legacy(&gv, &doc, &mut resources),
            Err(e) => failed.push((gv, e)),
        }
    }
    Ok(ApiRegistry {
        resources,
        source: "legacy",
        failed,
    })
}

//! One-off reads of a single object (for the detail and YAML views), through the same client and
//! its read-only layer.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Endpoints, Event as CoreEvent, Namespace, Node, Pod, Service};
use kube::{Api, Client};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::model::{ObjKey, ResourceKind};

/// Gets the object as JSON.
pub async fn fetch_object(
    client: Client,
    kind: ResourceKind,
    key: &ObjKey,
) -> Result<serde_json::Value, String> {
    match kind {
        ResourceKind::Pods => get::<Pod>(Api::namespaced(client, &key.namespace), key).await,
        ResourceKind::Deployments => {
            get::<Deployment>(Api::namespaced(client, &key.namespace), key).await
        }
        ResourceKind::Services => {
            get::<Service>(Api::namespaced(client, &key.namespace), key).await
        }
        ResourceKind::Endpoints => {
            get::<Endpoints>(Api::namespaced(client, &key.namespace), key).await
        }
        ResourceKind::Events => {
            get::<CoreEvent>(Api::namespaced(client, &key.namespace), key).await
        }
        ResourceKind::Nodes => get::<Node>(Api::all(client), key).await,
        ResourceKind::Namespaces => get::<Namespace>(Api::all(client), key).await,
        ResourceKind::Browse => Err("which kind to read is not known here".to_string()),
    }
}

/// What `kubectl describe` reads besides the object, for the kinds that need it: a Node's
/// non-terminated pods (every namespace), a Service's Endpoints, a Deployment's ReplicaSets,
/// and for cluster-scoped objects their events from every namespace. `Ok(None)`: nothing more
/// to read for this kind.
pub async fn fetch_related(
    client: Client,
    kind: ResourceKind,
    key: &ObjKey,
) -> Result<Option<crate::model::detail::related::Related>, String> {
    use crate::model::detail::related::Related;
    use k8s_openapi::api::apps::v1::ReplicaSet;
    use kube::api::ListParams;
    let mut related = Related::default();
    let values = |items: Vec<serde_json::Value>| items;
    match kind {
        ResourceKind::Nodes => {
            let fields = format!(
                "spec.nodeName={},status.phase!=Failed,status.phase!=Succeeded",
                key.name
            );
            let pods = Api::<Pod>::all(client.clone())
                .list(&ListParams::default().fields(&fields))
                .await
                .map_err(|e| super::errors::read_failed(&e, "Pod", "", ""))?;
            related.pods = values(to_values(pods.items)?);
        }
        ResourceKind::Services => {
            let api = Api::<Endpoints>::namespaced(client.clone(), &key.namespace);
            let endpoints = api.get_opt(&key.name).await.map_err(|e| {
                super::errors::read_failed(&e, "Endpoints", &key.name, &key.namespace)
            })?;
            related.endpoints = endpoints
                .map(serde_json::to_value)
                .transpose()
                .map_err(|e| e.to_string())?;
        }
        ResourceKind::Deployments => {
            let all = Api::<ReplicaSet>::namespaced(client.clone(), &key.namespace)
                .list(&ListParams::default())
                .await
                .map_err(|e| super::errors::read_failed(&e, "ReplicaSet", "", &key.namespace))?;
            let owned = all
                .items
                .into_iter()
                .filter(|rs| {
                    rs.metadata.owner_references.iter().flatten().any(|o| {
                        o.controller == Some(true) && o.kind == "Deployment" && o.name == key.name
                    })
                })
                .collect();
            related.replicasets = to_values(owned)?;
        }
        _ => {}
    }
    if !kind.namespaced() {
        let fields = format!(
            "involvedObject.kind={},involvedObject.name={}",
            kind.kind_name(),
            key.name
        );
        let events = Api::<CoreEvent>::all(client)
            .list(&ListParams::default().fields(&fields))
            .await
            .map_err(|e| super::errors::read_failed(&e, "Event", "", ""))?;
        related.events = Some(to_values(events.items)?);
    }
    if related == Related::default() && kind.namespaced() && kind != ResourceKind::Services {
        return Ok(None);
    }
    Ok(Some(related))
}

fn to_values<T: Serialize>(items: Vec<T>) -> Result<Vec<serde_json::Value>, String> {
    items
        .into_iter()
        .map(|i| serde_json::to_value(i).map_err(|e| e.to_string()))
        .collect()
}

async fn get<K>(api: Api<K>, key: &ObjKey) -> Result<serde_json::Value, String>
where
    K: kube::Resource + Clone + DeserializeOwned + Serialize + std::fmt::Debug,
    K::DynamicType: Default,
{
    let obj = api.get(&key.name).await.map_err(|e| {
        let dt = Default::default();
        let kind = K::kind(&dt);
        super::errors::read_failed(&e, &kind, &key.name, &key.namespace)
    })?;
    serde_json::to_value(obj).map_err(|e| e.to_string())
}

/// Gets one object of any served type as JSON (describe and YAML of browsed kinds).
pub async fn fetch_resource(
    client: Client,
    resource: &crate::model::api::ApiResource,
    key: &ObjKey,
) -> Result<serde_json::Value, String> {
    let path = resource.object_path(&key.namespace, &key.name);
    let request = http::Request::get(&path)
        .header(http::header::ACCEPT, "application/json")
        .body(Vec::new())
        .map_err(|e| e.to_string())?;
    let text = client
        .request_text(request)
        .await
        .map_err(|e| super::errors::read_failed(&e, &resource.kind, &key.name, &key.namespace))?;
    serde_json::from_str(&text).map_err(|e| format!("{path}: not valid JSON ({e})"))
}

/// What `kubectl describe pvc` reads besides the claim: the pods of its namespace, to name
/// those whose volumes use it ("Used By").
pub async fn fetch_claim_users(
    client: Client,
    key: &ObjKey,
) -> Result<Option<crate::model::detail::related::Related>, String> {
    use kube::api::ListParams;
    let pods = Api::<Pod>::namespaced(client, &key.namespace)
        .list(&ListParams::default())
        .await
        .map_err(|e| super::errors::read_failed(&e, "Pod", "", &key.namespace))?;
    let pods = to_values(pods.items)?;
    Ok(Some(crate::model::detail::related::Related {
        used_by: Some(crate::model::detail::pvc::claim_users(&key.name, &pods)),
        ..Default::default()
    }))
}

/// Lists the metrics API's PodMetrics or NodeMetrics (`resource`) in `namespace` once, for the
/// usage columns (the metrics API cannot be watched).
pub async fn fetch_usage(
    client: Client,
    resource: &crate::model::api::ApiResource,
    namespace: Option<&str>,
) -> Result<crate::model::usage::Usage, String> {
    let path = resource.list_path(namespace);
    let request = http::Request::get(&path)
        .header(http::header::ACCEPT, "application/json")
        .body(Vec::new())
        .map_err(|e| e.to_string())?;
    let text = client
        .request_text(request)
        .await
        .map_err(|e| super::errors::read_failed(&e, &resource.kind, "", namespace.unwrap_or("")))?;
    let list: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{path}: not valid JSON ({e})"))?;
    Ok(crate::model::usage::parse(&list))
}

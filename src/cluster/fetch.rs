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

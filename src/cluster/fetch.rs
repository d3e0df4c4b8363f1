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

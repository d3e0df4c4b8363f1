//! Every kind the simulated cluster holds, through kube-rs over real HTTP: typed lists of the
//! newer kinds (HPAs in both autoscaling versions, PDBs, IngressClasses, StorageClasses,
//! webhooks, APIServices, CSRs, RBAC, quotas, PriorityClasses, CRDs), custom resources of a
//! CRD found by aggregated discovery, metadata-only lists and watches, and server-side Tables
//! with a CRD's printer columns.

#![allow(clippy::unwrap_used)]

#[path = "support/sim_client.rs"]
mod sim_client;
#[path = "support/sim_fixtures.rs"]
mod sim_fixtures;

use futures::StreamExt;
use k8s_openapi::api::admissionregistration::v1::{
    MutatingWebhookConfiguration, ValidatingWebhookConfiguration,
};
use k8s_openapi::api::autoscaling::{v1 as hpa_v1, v2 as hpa_v2};
use k8s_openapi::api::certificates::v1::CertificateSigningRequest;
use k8s_openapi::api::core::v1::{LimitRange, Pod, ReplicationController, ResourceQuota};
use k8s_openapi::api::networking::v1::{IngressClass, NetworkPolicy};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
use k8s_openapi::api::scheduling::v1::PriorityClass;
use k8s_openapi::api::storage::v1::{CSIDriver, StorageClass};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::APIService;
use kmedic::sim::{ScenarioSource, SimOptions};
use kube::api::{Api, DynamicObject, ListParams, PostParams, WatchEvent, WatchParams};
use kube::discovery::Discovery;
use kube::{Client, Resource};
use serde::de::DeserializeOwned;
use serde_json::json;
use sim_client::{client, get_json};
use sim_fixtures::*;

async fn demo() -> kmedic::sim::RunningSim {
    kmedic::sim::start(SimOptions {
        source: ScenarioSource::Builtin,
        live: false,
        ..SimOptions::default()
    })
    .await
    .unwrap()
}

/// Names of every object of `K` in the cluster.
async fn names<K>(client: &Client) -> Vec<String>
where
    K: Resource<DynamicType = ()> + Clone + DeserializeOwned + std::fmt::Debug,
{
    Api::<K>::all(client.clone())
        .list(&ListParams::default())
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", K::plural(&())))
        .items
        .iter()
        .map(|o| o.meta().name.clone().unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn every_new_kind_lists_as_its_typed_form() {
    let sim = demo().await;
    let c = client(&sim).await;
    assert_eq!(
        names::<hpa_v2::HorizontalPodAutoscaler>(&c).await,
        ["frontend"]
    );
    // The same objects through autoscaling/v1, converted.
    let v1 = Api::<hpa_v1::HorizontalPodAutoscaler>::namespaced(c.clone(), "shop")
        .get("frontend")
        .await
        .unwrap();
    assert_eq!(
        v1.spec.as_ref().unwrap().target_cpu_utilization_percentage,
        Some(70)
    );
    assert_eq!(
        v1.status
            .as_ref()
            .unwrap()
            .current_cpu_utilization_percentage,
        Some(12)
    );
    let v2 = Api::<hpa_v2::HorizontalPodAutoscaler>::namespaced(c.clone(), "shop")
        .get("frontend")
        .await
        .unwrap();
    assert_eq!(v1.metadata.uid, v2.metadata.uid);
    assert_eq!(v1.metadata.resource_version, v2.metadata.resource_version);
    assert_eq!(
        names::<PodDisruptionBudget>(&c).await,
        ["payments", "frontend"]
    );
    assert_eq!(names::<IngressClass>(&c).await, ["nginx"]);
    assert_eq!(names::<StorageClass>(&c).await, ["standard"]);
    assert!(names::<CSIDriver>(&c).await.is_empty());
    assert_eq!(
        names::<ValidatingWebhookConfiguration>(&c).await,
        ["ingress-nginx-admission"]
    );
    assert!(names::<MutatingWebhookConfiguration>(&c).await.is_empty());
    let services = names::<APIService>(&c).await;
    for s in [
        "v1.",
        "v1.apps",
        "v2.autoscaling",
        "v1.ops.acme-shop.io",
        "v1beta1.metrics.k8s.io",
    ] {
        assert!(services.contains(&s.to_string()), "{s} in {services:?}");
    }
    assert_eq!(names::<CertificateSigningRequest>(&c).await, ["alice"]);
    assert!(
        names::<ClusterRole>(&c)
            .await
            .contains(&"system:kube-scheduler".to_string())
    );
    assert!(
        names::<ClusterRoleBinding>(&c)
            .await
            .contains(&"cluster-admin".to_string())
    );
    assert!(names::<Role>(&c).await.contains(&"kube-proxy".to_string()));
    assert!(
        names::<RoleBinding>(&c)
            .await
            .contains(&"payments-view".to_string())
    );
    assert_eq!(names::<ResourceQuota>(&c).await, ["compute"]);
    assert_eq!(names::<LimitRange>(&c).await, ["container-defaults"]);
    assert!(names::<ReplicationController>(&c).await.is_empty());
    assert_eq!(
        names::<PriorityClass>(&c).await,
        ["system-cluster-critical", "system-node-critical"]
    );
    assert_eq!(names::<NetworkPolicy>(&c).await, ["restrict-egress"]);
    let crds = names::<CustomResourceDefinition>(&c).await;
    assert_eq!(crds, ["databasebackups.ops.acme-shop.io"]);
    let crd = Api::<CustomResourceDefinition>::all(c.clone())
        .get(&crds[0])
        .await
        .unwrap();
    let established = crd.status.unwrap().conditions.unwrap();
    assert!(
        established
            .iter()
            .any(|c| c.type_ == "Established" && c.status == "True")
    );
}

#[tokio::test]
async fn custom_resources_are_found_by_discovery_listed_and_printed_by_their_columns() {
    let sim = demo().await;
    let c = client(&sim).await;
    let discovery = Discovery::new(c.clone()).run_aggregated().await.unwrap();
    let (resource, caps) = discovery
        .groups()
        .flat_map(|g| g.recommended_resources())
        .find(|(r, _)| r.kind == "DatabaseBackup")
        .expect("the CRD's kind is discovered");
    assert_eq!(resource.plural, "databasebackups");
    assert!(caps.supports_operation(kube::discovery::verbs::WATCH));
    let doc = get_json(&c, "/apis/ops.acme-shop.io/v1").await.unwrap();
    assert_eq!(doc["resources"][0]["shortNames"], json!(["dbb"]));
    assert_eq!(doc["resources"][0]["categories"], json!(["acme"]));
    assert!(discovery.groups().any(|g| g.name() == "metrics.k8s.io"));
    let api: Api<DynamicObject> = Api::all_with(c.clone(), &resource);
    let backups = api.list(&ListParams::default()).await.unwrap();
    let names: Vec<_> = backups
        .items
        .iter()
        .map(|o| o.metadata.name.clone().unwrap())
        .collect();
    assert_eq!(names, ["payments-db-hourly", "catalog-db-nightly"]);
    assert_eq!(backups.items[0].data["status"]["phase"], "Failed");
    // The Table kubectl asks for carries the CRD's printer columns, typed.
    let request = http::Request::get("/apis/ops.acme-shop.io/v1/databasebackups")
        .header(
            "Accept",
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json",
        )
        .body(Vec::new())
        .unwrap();
    let table: serde_json::Value = c.request(request).await.unwrap();
    let columns: Vec<(&str, &str, i64)> = table["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["name"].as_str().unwrap(),
                d["type"].as_str().unwrap(),
                d["priority"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        columns,
        [
            ("Name", "string", 0),
            ("Database", "string", 0),
            ("Schedule", "string", 0),
            ("Phase", "string", 0),
            ("Last Success", "date", 0),
            ("Size", "integer", 1),
            ("Age", "date", 0)
        ]
    );
    let row = &table["rows"][1]["cells"];
    assert_eq!(row[0], "catalog-db-nightly");
    assert_eq!(row[3], "Succeeded");
    assert_eq!(row[5], 7_416_090_624_i64);
    assert!(
        row[4].as_str().unwrap().ends_with('h'),
        "a human age: {}",
        row[4]
    );
}

#[tokio::test]
async fn a_crd_created_through_the_api_serves_its_resources() {
    let sim = start_objects(vec![namespace("default")]).await;
    let c = client(&sim).await;
    let crds: Api<CustomResourceDefinition> = Api::all(c.clone());
    let crd: CustomResourceDefinition = serde_json::from_value(json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {"group": "example.com", "scope": "Namespaced",
            "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "shortNames": ["wg"]},
            "versions": [{"name": "v1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}]}}))
    .unwrap();
    crds.create(&PostParams::default(), &crd).await.unwrap();
    let widgets = kube::api::ApiResource::from_gvk_with_plural(
        &kube::api::GroupVersionKind::gvk("example.com", "v1", "Widget"),
        "widgets",
    );
    let api: Api<DynamicObject> = Api::namespaced_with(c.clone(), "default", &widgets);
    let mut stream = api
        .watch(&WatchParams::default().timeout(5), "0")
        .await
        .unwrap()
        .boxed();
    let obj: DynamicObject =
        serde_json::from_value(json!({"apiVersion": "example.com/v1", "kind": "Widget",
        "metadata": {"name": "w1"}, "spec": {"size": 3}}))
        .unwrap();
    api.create(&PostParams::default(), &obj).await.unwrap();
    let event = stream.next().await.unwrap().unwrap();
    assert!(matches!(event, WatchEvent::Added(ref o) if o.metadata.name.as_deref() == Some("w1")));
    let table = get_json(&c, "/apis/example.com/v1").await.unwrap();
    assert_eq!(table["resources"][0]["name"], "widgets");
    crds.delete("widgets.example.com", &Default::default())
        .await
        .unwrap();
    assert!(
        get_json(&c, "/apis/example.com/v1/namespaces/default/widgets")
            .await
            .is_err()
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn metadata_only_lists_and_watches_of_every_kind() {
    let sim = demo().await;
    let c = client(&sim).await;
    let pods: Api<Pod> = Api::all(c.clone());
    let list = pods
        .list_metadata(&ListParams::default().limit(5))
        .await
        .unwrap();
    assert_eq!(list.items.len(), 5);
    assert!(list.metadata.continue_.is_some());
    assert!(list.items[0].metadata.name.is_some());
    let request = http::Request::get("/api/v1/pods?limit=1")
        .header(
            "Accept",
            "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1",
        )
        .body(Vec::new())
        .unwrap();
    let raw: serde_json::Value = c.request(request).await.unwrap();
    assert_eq!(raw["kind"], "PartialObjectMetadataList");
    assert_eq!(raw["items"][0]["kind"], "PartialObjectMetadata");
    assert!(raw["items"][0].get("spec").is_none(), "metadata only");
    let hpas: Api<hpa_v2::HorizontalPodAutoscaler> = Api::all(c.clone());
    let mut stream = hpas
        .watch_metadata(&WatchParams::default().timeout(2), "0")
        .await
        .unwrap()
        .boxed();
    match stream.next().await.unwrap().unwrap() {
        WatchEvent::Added(meta) => assert_eq!(meta.metadata.name.as_deref(), Some("frontend")),
        other => panic!("{other:?}"),
    }
    for plural in ["leases", "secrets", "events"] {
        let path = format!("/api/v1/{plural}");
        let path = if plural == "leases" {
            "/apis/coordination.k8s.io/v1/leases".to_string()
        } else {
            path
        };
        let request = http::Request::get(&path)
            .header(
                "Accept",
                "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1",
            )
            .body(Vec::new())
            .unwrap();
        let list: serde_json::Value = c.request(request).await.unwrap();
        assert!(!list["items"].as_array().unwrap().is_empty(), "{plural}");
        assert!(
            list["items"][0].get("data").is_none() && list["items"][0].get("spec").is_none(),
            "{plural}"
        );
    }
}

//! The simulated cluster through kube-rs: lists with paging and selectors, errors as Status
//! objects, writes and the request log, RBAC refusals, discovery, both event APIs, scenario
//! mutations.

#![allow(clippy::unwrap_used)]

#[path = "support/sim_client.rs"]
mod sim_client;
#[path = "support/sim_fixtures.rs"]
mod sim_fixtures;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{Namespace, Pod};

use kmedic::sim::Forbidden;
use kube::api::{Api, DeleteParams, ListParams, LogParams, PostParams};
use kube::runtime::watcher;
use serde_json::json;
use sim_client::{client, get_json, status_code};
use sim_fixtures::*;

fn many_pods(count: usize) -> Vec<serde_json::Value> {
    let mut objects = vec![namespace("ns-0"), namespace("ns-1"), namespace("ns-2")];
    for i in 0..count {
        let labels =
            json!({"app": if i % 2 == 0 { "even" } else { "odd" }, "index": i.to_string()});
        let phase = if i % 10 == 0 { "Pending" } else { "Running" };
        objects.push(pod(
            &format!("ns-{}", i % 3),
            &format!("pod-{i:05}"),
            &["app"],
            &format!("node-{}", i % 4),
            phase,
            labels,
        ));
    }
    objects
}

#[tokio::test]
async fn list_pages_return_every_object_once() {
    let sim = start_objects(many_pods(1_234)).await;
    let pods: Api<Pod> = Api::all(client(&sim).await);
    let mut names = Vec::new();
    let mut params = ListParams::default().limit(100);
    let mut pages = 0;
    loop {
        let page = pods.list(&params).await.expect("page lists");
        pages += 1;
        if pages == 1 {
            assert_eq!(page.metadata.remaining_item_count, Some(1_134));
        }
        names.extend(
            page.items
                .iter()
                .map(|p| p.metadata.name.clone().unwrap_or_default()),
        );
        match page.metadata.continue_ {
            Some(token) if !token.is_empty() => params = params.continue_token(&token),
            _ => break,
        }
    }
    assert_eq!(pages, 13);
    let unique: BTreeSet<_> = names.iter().collect();
    assert_eq!((names.len(), unique.len()), (1_234, 1_234));

    let in_ns: Api<Pod> = Api::namespaced(client(&sim).await, "ns-1");
    let all = in_ns
        .list(&ListParams::default())
        .await
        .expect("lists a namespace");
    assert_eq!(all.items.len(), 411);
    assert!(
        all.items
            .iter()
            .all(|p| p.metadata.namespace.as_deref() == Some("ns-1"))
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn fifty_thousand_pods_page_and_watch() {
    let sim = start_objects(many_pods(50_000)).await;
    let pods: Api<Pod> = Api::all(client(&sim).await);
    let (mut count, mut params) = (0, ListParams::default().limit(500));
    loop {
        let page = pods.list(&params).await.expect("page lists");
        count += page.items.len();
        match page.metadata.continue_ {
            Some(token) if !token.is_empty() => params = params.continue_token(&token),
            _ => break,
        }
    }
    assert_eq!(count, 50_000);
    let seen = Arc::new(Mutex::new(0usize));
    let counter = seen.clone();
    let watch = tokio::spawn(async move {
        let mut stream = watcher(pods, watcher::Config::default().page_size(500)).boxed();
        while let Some(event) = stream.next().await {
            match event {
                Ok(watcher::Event::InitApply(_)) => *counter.lock().unwrap() += 1,
                Ok(watcher::Event::InitDone) => break,
                _ => {}
            }
        }
    });
    tokio::time::timeout(Duration::from_secs(60), watch)
        .await
        .expect("watch inits in time")
        .unwrap();
    assert_eq!(*seen.lock().unwrap(), 50_000);
    sim.shutdown().await;
}

#[tokio::test]
async fn label_and_field_selectors_filter_lists() {
    let sim = start_objects(many_pods(30)).await;
    let pods: Api<Pod> = Api::all(client(&sim).await);
    let names = |list: kube::core::ObjectList<Pod>| -> Vec<String> {
        list.items
            .into_iter()
            .map(|p| p.metadata.name.unwrap_or_default())
            .collect()
    };
    let cases: &[(&str, &str, usize)] = &[
        ("app=even", "", 15),
        ("app==odd", "", 15),
        ("app!=even", "", 15),
        ("index in (1, 2, 3)", "", 3),
        ("app=even,index notin (0,2)", "", 13),
        ("index", "", 30),
        ("!index", "", 0),
        ("", "status.phase=Pending", 3),
        ("", "status.phase!=Pending", 27),
        ("", "spec.nodeName=node-1,metadata.namespace=ns-1", 3),
        ("app=odd", "metadata.name=pod-00003", 1),
    ];
    for (labels, fields, expected) in cases {
        let params = ListParams::default().labels(labels).fields(fields);
        let got = names(pods.list(&params).await.expect("selector lists"));
        assert_eq!(
            got.len(),
            *expected,
            "labels {labels:?} fields {fields:?}: {got:?}"
        );
    }
    let error = pods
        .list(&ListParams::default().fields("spec.bogus=1"))
        .await
        .expect_err("unknown field");
    assert_eq!(status_code(&error), Some(400));
    assert!(
        error
            .to_string()
            .contains("field label not supported: spec.bogus"),
        "{error}"
    );
    let error = pods
        .list(&ListParams::default().labels("app in even"))
        .await
        .expect_err("bad selector");
    assert_eq!(status_code(&error), Some(400));
    sim.shutdown().await;
}

#[tokio::test]
async fn errors_are_status_objects() {
    let sim = start_objects(small_cluster()).await;
    let client = client(&sim).await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    match pods.get("missing").await {
        Err(kube::Error::Api(status)) => {
            assert_eq!((status.code, status.reason.as_str()), (404, "NotFound"));
            assert_eq!(status.message, "pods \"missing\" not found");
        }
        other => panic!("expected a 404 Status, got {other:?}"),
    }
    let cases = [
        ("/api/v1/pods?limit=abc", 400),
        ("/api/v1/pods?limit=-1", 400),
        ("/api/v1/pods?watch=1&timeoutSeconds=-1", 400),
        ("/api/v1/pods?labelSelector=(((", 400),
        ("/api/v1/pods?fieldSelector=nonsense", 400),
        ("/api/v1/pods?resourceVersion=abc", 400),
        (
            "/api/v1/namespaces/default/pods/web-1/log?limitBytes=x",
            400,
        ),
        (
            "/api/v1/namespaces/default/pods/web-1/log?follow=perhaps",
            400,
        ),
        (
            "/api/v1/namespaces/default/pods/web-1/log?sinceSeconds=0",
            400,
        ),
        ("/api/v1/pods?watch=maybe", 400),
        ("/api/v1/pods?continue=%%%", 400),
        ("/api/v1/namespaces/default/pods/web-1/log?tailLines=x", 400),
        ("/api/v1/nonsense", 404),
        ("/nothing/here", 404),
        ("/api/v1/namespaces/default/nodes", 404),
    ];
    for (path, code) in cases {
        let error = get_json(&client, path).await.expect_err(path);
        assert_eq!(status_code(&error), Some(code), "{path}: {error}");
    }
    let delete = http::Request::delete("/api/v1/pods")
        .body(Vec::new())
        .unwrap();
    let error = client
        .request::<serde_json::Value>(delete)
        .await
        .expect_err("405");
    assert_eq!(status_code(&error), Some(405));
    assert_eq!(
        pods.get("web-1")
            .await
            .expect("get")
            .metadata
            .name
            .as_deref(),
        Some("web-1")
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn mutating_requests_are_served_and_recorded() {
    let sim = start_objects(small_cluster()).await;
    assert_eq!(sim.mutating_requests(), 0);
    let pods: Api<Pod> = Api::namespaced(client(&sim).await, "default");
    let pod: Pod = serde_json::from_value(simple_pod("default", "created")).unwrap();
    let created = pods
        .create(&PostParams::default(), &pod)
        .await
        .expect("creates");
    assert!(created.metadata.uid.is_some() && created.metadata.resource_version.is_some());
    let error = pods
        .create(&PostParams::default(), &pod)
        .await
        .expect_err("exists");
    assert_eq!(status_code(&error), Some(409));
    pods.delete("web-1", &DeleteParams::default())
        .await
        .expect("deletes");
    assert!(sim.store().get_pod("default", "web-1").is_none());
    assert!(sim.store().get_pod("default", "created").is_some());
    assert_eq!(sim.mutating_requests(), 3);
    assert!(
        sim.requests()
            .iter()
            .any(|r| r.method == http::Method::DELETE
                && r.path == "/api/v1/namespaces/default/pods/web-1")
    );
    sim.shutdown().await;
}

/// Collects watcher events as short strings ("init", "apply:name", ...).
#[tokio::test]
async fn forbidden_resources_answer_403() {
    let forbidden = vec![
        Forbidden {
            resource: "pods".into(),
            namespace: Some("team-a".into()),
        },
        Forbidden {
            resource: "secrets".into(),
            namespace: None,
        },
    ];
    let sim = kmedic::sim::start(options(small_cluster(), forbidden))
        .await
        .unwrap();
    let client = client(&sim).await;
    let error = Api::<Pod>::namespaced(client.clone(), "team-a")
        .list(&ListParams::default())
        .await
        .expect_err("403");
    match &error {
        kube::Error::Api(status) => {
            assert_eq!((status.code, status.reason.as_str()), (403, "Forbidden"));
            assert_eq!(
                status.message,
                "pods is forbidden: User \"kmedic-demo\" cannot list resource \"pods\" in API group \"\" in the namespace \"team-a\""
            );
        }
        other => panic!("expected 403, got {other:?}"),
    }
    let error = Api::<Pod>::namespaced(client.clone(), "team-a")
        .get("api-1")
        .await
        .expect_err("403");
    assert!(
        error
            .to_string()
            .contains("pods \"api-1\" is forbidden: User \"kmedic-demo\" cannot get resource"),
        "{error}"
    );
    assert_eq!(
        Api::<Pod>::namespaced(client.clone(), "default")
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .len(),
        2
    );
    let error = Api::<k8s_openapi::api::core::v1::Secret>::all(client.clone())
        .list(&ListParams::default())
        .await
        .expect_err("403");
    assert!(
        error
            .to_string()
            .contains("cannot list resource \"secrets\" in API group \"\" at the cluster scope"),
        "{error}"
    );
    let review = json!({"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview", "spec": {"resourceAttributes": {"verb": "list", "resource": "pods", "namespace": "team-a"}}});
    let request = http::Request::post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
        .header("content-type", "application/json")
        .body(review.to_string().into_bytes())
        .unwrap();
    let answer: serde_json::Value = client.request(request).await.unwrap();
    assert_eq!(answer["status"]["allowed"], json!(false));
    sim.shutdown().await;
}

#[tokio::test]
async fn discovery_and_health() {
    let sim = start_objects(small_cluster()).await;
    let client = client(&sim).await;
    for discovery in [
        kube::Discovery::new(client.clone())
            .run()
            .await
            .expect("legacy discovery"),
        kube::Discovery::new(client.clone())
            .run_aggregated()
            .await
            .expect("aggregated discovery"),
    ] {
        let groups: BTreeSet<String> = discovery.groups().map(|g| g.name().to_string()).collect();
        assert!(
            groups.contains("") && groups.contains("apps") && groups.contains("events.k8s.io"),
            "{groups:?}"
        );
        let (deployments, caps) = discovery
            .groups()
            .flat_map(|g| g.recommended_resources())
            .find(|(r, _)| r.plural == "deployments")
            .expect("deployments discovered");
        assert_eq!(
            (deployments.group.as_str(), deployments.kind.as_str()),
            ("apps", "Deployment")
        );
        assert_eq!(caps.scope, kube::discovery::Scope::Namespaced);
        let (_, node_caps) = discovery
            .groups()
            .flat_map(|g| g.recommended_resources())
            .find(|(r, _)| r.plural == "nodes")
            .expect("nodes");
        assert_eq!(node_caps.scope, kube::discovery::Scope::Cluster);
    }
    let version = client.apiserver_version().await.unwrap();
    assert!(version.git_version.starts_with("v1.33."));
    let groups = client.list_api_groups().await.unwrap();
    let names: Vec<&str> = groups.groups.iter().map(|g| g.name.as_str()).collect();
    for group in [
        "apps",
        "batch",
        "discovery.k8s.io",
        "events.k8s.io",
        "coordination.k8s.io",
        "networking.k8s.io",
    ] {
        assert!(names.contains(&group), "{group} missing from {names:?}");
    }
    let core = client.list_core_api_resources("v1").await.unwrap();
    let pods = core
        .resources
        .iter()
        .find(|r| r.name == "pods")
        .expect("pods listed");
    assert_eq!(
        (
            pods.kind.as_str(),
            pods.namespaced,
            pods.short_names.clone()
        ),
        ("Pod", true, Some(vec!["po".to_string()]))
    );
    assert!(pods.verbs.contains(&"watch".to_string()));
    let apps = client.list_api_group_resources("apps/v1").await.unwrap();
    assert!(
        apps.resources
            .iter()
            .any(|r| r.name == "deployments" && r.short_names == Some(vec!["deploy".into()]))
    );
    assert_eq!(
        client
            .request_text(sim_client::get("/readyz"))
            .await
            .unwrap(),
        "ok"
    );
    let verbose = client
        .request_text(sim_client::get("/livez?verbose"))
        .await
        .unwrap();
    assert!(verbose.contains("[+]ping ok") && verbose.contains("livez check passed"));
    let namespaces = Api::<Namespace>::all(client)
        .list(&ListParams::default())
        .await
        .unwrap();
    assert_eq!(namespaces.items.len(), 2);
    sim.shutdown().await;
}

#[tokio::test]
async fn events_are_served_in_both_groups() {
    let sim = start_objects(small_cluster()).await;
    let client = client(&sim).await;
    let new_api: Api<k8s_openapi::api::events::v1::Event> = Api::all(client.clone());
    let events = new_api
        .list(&ListParams::default())
        .await
        .expect("events.k8s.io lists");
    assert_eq!(events.items.len(), 1);
    let event = &events.items[0];
    assert_eq!(
        event.note.as_deref(),
        Some("Back-off restarting failed container api")
    );
    assert_eq!(
        event.regarding.as_ref().and_then(|r| r.name.as_deref()),
        Some("api-1")
    );
    let core: Api<k8s_openapi::api::core::v1::Event> = Api::namespaced(client, "team-a");
    let selected = core
        .list(&ListParams::default().fields("involvedObject.name=api-1,involvedObject.kind=Pod"))
        .await
        .unwrap();
    assert_eq!(selected.items.len(), 1);
    assert_eq!(selected.items[0].metadata.uid, event.metadata.uid);
    let delete = kmedic::sim::mutation::Mutation::Delete {
        api_version: "v1".into(),
        kind: "Event".into(),
        namespace: Some("team-a".into()),
        name: "api-1.crash".into(),
    };
    sim.store().apply(delete).unwrap();
    assert!(
        new_api
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn scenario_mutations_apply_to_the_store() {
    use kmedic::sim::mutation::Mutation;
    let sim = start_objects(small_cluster()).await;
    let store = sim.store();
    let log = |line: &str| Mutation::Log {
        namespace: "default".into(),
        pod: "web-1".into(),
        container: "app".into(),
        time: jiff::Timestamp::now(),
        line: line.into(),
    };
    store.apply(log("before restart")).unwrap();
    store
        .apply(Mutation::ContainerRestarted {
            namespace: "default".into(),
            pod: "web-1".into(),
            container: "app".into(),
        })
        .unwrap();
    store.apply(log("after restart")).unwrap();
    store
        .apply(Mutation::Upsert(simple_pod("default", "extra")))
        .unwrap();
    store
        .apply(Mutation::Delete {
            api_version: "v1".into(),
            kind: "Pod".into(),
            namespace: Some("default".into()),
            name: "web-2".into(),
        })
        .unwrap();
    let pods: Api<Pod> = Api::namespaced(client(&sim).await, "default");
    assert_eq!(
        pods.logs("web-1", &LogParams::default()).await.unwrap(),
        "after restart\n"
    );
    let previous = LogParams {
        previous: true,
        ..LogParams::default()
    };
    assert_eq!(
        pods.logs("web-1", &previous).await.unwrap(),
        "before restart\n"
    );
    let mut names: Vec<String> = pods
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|p| p.metadata.name.unwrap_or_default())
        .collect();
    names.sort();
    assert_eq!(names, ["extra", "web-1"]);
    assert!(
        store
            .apply(Mutation::Upsert(
                json!({"apiVersion": "v9", "kind": "Nope", "metadata": {"name": "x"}})
            ))
            .is_err()
    );
    sim.shutdown().await;
}

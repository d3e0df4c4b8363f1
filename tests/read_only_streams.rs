//! Read-only all the way down: exec, attach, port-forward and proxy are GETs (and protocol
//! upgrades) in the client library, and are refused inside kmedic unless `--write`; a server
//! URL with a path prefix (Rancher-style) changes nothing; access reviews can be turned off.
//! Every refusal is proved at a server on 127.0.0.1 that counts what reaches it.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;

use k8s_openapi::api::core::v1::Pod;
use kmedic::cluster::{ClientSettings, ConnectOptions, Scope, build_client_with, load_kubeconfig};
use kmedic::config::Keymap;
use kmedic::runtime::Session;
use kube::api::{Api, AttachParams, PostParams};
use support::bad_servers::{Reply, Scripted, kubeconfig_for_server};
use support::*;

fn empty_list() -> Reply {
    Reply::json(
        200,
        r#"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[]}"#,
    )
}

fn settings(access_reviews: bool) -> ClientSettings {
    ClientSettings {
        access_reviews,
        ..ClientSettings::default()
    }
}

async fn client(server: &str, allow_writes: bool, settings: &ClientSettings) -> kube::Client {
    let (dir, path) = kubeconfig_file(&kubeconfig_for_server(server));
    let setup = load_kubeconfig(&ConnectOptions {
        kubeconfig: Some(path),
        ..Default::default()
    })
    .unwrap();
    let client = build_client_with(&setup, allow_writes, settings)
        .await
        .unwrap();
    drop(dir);
    client
}

fn refused(result: Result<impl std::fmt::Debug, kube::Error>) -> String {
    let err = result.expect_err("must be refused");
    let text = kmedic::cluster::client::describe_error(&err);
    assert!(text.contains("kmedic is read-only"), "{text}");
    text
}

/// exec, attach, port-forward and raw GETs of those subresources, through the client.
async fn try_streams(client: &kube::Client) -> Vec<String> {
    let pods: Api<Pod> = Api::namespaced(client.clone(), "shop");
    let mut out = Vec::new();
    let exec = pods
        .exec("web", vec!["sh", "-c", "id"], &AttachParams::default())
        .await;
    out.push(
        exec.map(|_| ())
            .map_err(|e| kmedic::cluster::client::describe_error(&e)),
    );
    let attach = pods.attach("web", &AttachParams::default()).await;
    out.push(
        attach
            .map(|_| ())
            .map_err(|e| kmedic::cluster::client::describe_error(&e)),
    );
    let forward = pods.portforward("web", &[8080]).await;
    out.push(
        forward
            .map(|_| ())
            .map_err(|e| kmedic::cluster::client::describe_error(&e)),
    );
    for path in [
        "/api/v1/namespaces/shop/pods/web/exec?command=id&stdout=true",
        "/api/v1/namespaces/shop/pods/web/%65xec?command=id",
        "/api/v1/namespaces/shop/services/web:80/proxy/admin/reset",
    ] {
        let request = http::Request::get(path).body(Vec::new()).unwrap();
        out.push(
            client
                .request_text(request)
                .await
                .map(|_| ())
                .map_err(|e| kmedic::cluster::client::describe_error(&e)),
        );
    }
    out.into_iter()
        .map(|r| match r {
            Ok(()) => "sent".to_string(),
            Err(e) => e,
        })
        .collect()
}

#[tokio::test]
async fn exec_attach_port_forward_and_proxy_never_reach_the_server() {
    let server = Scripted::start(|_| empty_list());
    let client = client(&server.url(), false, &settings(true)).await;
    for outcome in try_streams(&client).await {
        assert!(outcome.contains("kmedic is read-only"), "{outcome}");
    }
    assert!(server.received().is_empty(), "{:?}", server.received());
    // A read does reach it: the server was there all along.
    let pods: Api<Pod> = Api::namespaced(client, "shop");
    pods.list(&Default::default()).await.unwrap();
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn with_write_the_same_requests_are_sent() {
    let server = Scripted::start(|_| Reply::status(403, "Forbidden", "no"));
    let client = client(&server.url(), true, &settings(true)).await;
    for outcome in try_streams(&client).await {
        assert!(!outcome.contains("kmedic is read-only"), "{outcome}");
    }
    let received = server.received();
    assert_eq!(received.len(), 6, "{received:?}");
    assert!(
        received
            .iter()
            .any(|r| r.headers.iter().any(|(k, _)| k == "upgrade")),
        "exec goes out as an upgrade: {received:?}"
    );
}

#[tokio::test]
async fn a_server_path_prefix_changes_nothing() {
    let server = Scripted::start(|_| empty_list());
    // Rancher-style, and a prefix that itself looks like an API path.
    for prefix in ["/k8s/clusters/c-m-1", "/api/v1/namespaces/shop/pods"] {
        let before = server.received().len();
        let client = client(&format!("{}{prefix}", server.url()), false, &settings(true)).await;
        let pods: Api<Pod> = Api::namespaced(client.clone(), "shop");
        let pod: Pod = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "intruder"},
            "spec": {"containers": [{"name": "c", "image": "i"}]}
        }))
        .unwrap();
        refused(pods.create(&PostParams::default(), &pod).await);
        refused(pods.delete("web", &Default::default()).await);
        let exec = pods
            .exec("web", vec!["id"], &AttachParams::default())
            .await
            .map(|_| ());
        refused(exec);
        pods.list(&Default::default()).await.unwrap();
        let received = server.received();
        assert_eq!(received.len(), before + 1, "{received:?}");
        let list = &received[before];
        assert_eq!(list.method, "GET");
        assert!(
            list.target
                .starts_with(&format!("{prefix}/api/v1/namespaces/shop/pods")),
            "{}",
            list.target
        );
    }
}

#[tokio::test]
async fn access_reviews_can_be_turned_off() {
    let review = r#"{"kind":"SelfSubjectAccessReview","apiVersion":"authorization.k8s.io/v1","spec":{},"status":{"allowed":true}}"#;
    let server = Scripted::start(move |_| Reply::json(201, review));
    let off = client(&server.url(), false, &settings(false)).await;
    let scope = Scope::Namespace("shop".into());
    let err = kmedic::cluster::access::review_access(off, &scope)
        .await
        .expect_err("off");
    assert!(err.contains("access reviews are turned off"), "{err}");
    assert!(server.received().is_empty());

    let on = client(&server.url(), false, &settings(true)).await;
    let _ = kmedic::cluster::access::review_access(on, &scope).await;
    let received = server.received();
    assert!(
        received
            .iter()
            .all(|r| r.method == "POST" && r.target.contains("selfsubject")),
        "{received:?}"
    );
    assert!(!received.is_empty());
}

#[tokio::test]
async fn the_can_i_view_says_reviews_are_off() {
    let sim = start_demo().await;
    let (dir, path) = kubeconfig_file(&sim.kubeconfig_yaml());
    let _kept = dir.keep();
    let setup = load_kubeconfig(&ConnectOptions {
        kubeconfig: Some(path),
        ..Default::default()
    })
    .unwrap();
    let client = build_client_with(&setup, false, &settings(false))
        .await
        .unwrap();
    let mut s = Session::start(
        client,
        &setup,
        false,
        true,
        Arc::new(Keymap::builtin_default()),
    );
    s.dispatch(kmedic::app::Msg::Resize {
        width: 160,
        height: 40,
    });
    type_text(&mut s, "a");
    let text = wait_for_screen(&mut s, "access reviews are turned off").await;
    assert!(!text.contains("access review failed"), "{text}");
}

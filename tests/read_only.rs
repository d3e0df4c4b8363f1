//! Read-only by construction: the client refuses mutating requests before they leave the
//! process, whatever the caller or the user does; the server never sees them.

mod support;

use k8s_openapi::api::core::v1::Pod;
use kmedic::app::action::Layer;
use kmedic::cluster::{ConnectOptions, build_client, load_kubeconfig};
use kmedic::model::ResourceKind;
use kube::api::{Api, DeleteParams, Patch, PatchParams, PostParams};
use support::*;

async fn client_for(sim: &kmedic::sim::RunningSim, allow_writes: bool) -> kube::Client {
    let (_dir, path) = kubeconfig_file(&sim.kubeconfig_yaml());
    let setup = load_kubeconfig(&ConnectOptions {
        kubeconfig: Some(path),
        ..Default::default()
    })
    .expect("kubeconfig");
    build_client(&setup, allow_writes).await.expect("client")
}

#[tokio::test]
async fn refused_requests_never_reach_the_server() {
    let sim = start_demo().await;
    let client = client_for(&sim, false).await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), "shop");

    let listed = pods.list(&Default::default()).await.expect("reads pass");
    let name = listed
        .items
        .first()
        .and_then(|p| p.metadata.name.clone())
        .expect("a pod");

    let delete = pods.delete(&name, &DeleteParams::default()).await;
    let patch = pods
        .patch(
            &name,
            &PatchParams::default(),
            &Patch::Merge(serde_json::json!({"metadata": {"labels": {"x": "y"}}})),
        )
        .await;
    let pod: Pod = serde_json::from_value(serde_json::json!({"metadata": {"name": "intruder"}, "spec": {"containers": [{"name": "c", "image": "i"}]}})).expect("pod");
    let create = pods.create(&PostParams::default(), &pod).await;
    for (verb, result) in [
        ("delete", delete.err()),
        ("patch", patch.err()),
        ("create", create.err()),
    ] {
        let message = result.map(|e| format!("{e}")).unwrap_or_default();
        assert!(
            message.contains("read-only"),
            "{verb} must be refused by kmedic, got: {message:?}"
        );
    }
    assert_eq!(
        sim.mutating_requests(),
        0,
        "no mutating request reached the server"
    );
    assert!(
        sim.store().get_pod("shop", &name).is_some(),
        "the pod still exists"
    );
}

#[tokio::test]
async fn the_same_requests_pass_when_writes_are_enabled() {
    // Proves the test above fails if the choke point stops refusing.
    let sim = start_demo().await;
    let client = client_for(&sim, true).await;
    let pods: Api<Pod> = Api::namespaced(client, "shop");
    let name = pods.list(&Default::default()).await.expect("list").items[0]
        .metadata
        .name
        .clone()
        .expect("name");
    pods.delete(&name, &DeleteParams::default())
        .await
        .expect("delete allowed with --write");
    assert_eq!(sim.mutating_requests(), 1);
}

#[tokio::test]
async fn pressing_every_bound_key_sends_only_reads() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    wait_state(&mut s, "pods", |st| {
        st.kinds.get(&ResourceKind::Pods).is_some_and(|k| k.synced)
    })
    .await;
    let keymap = s.state.keymap.clone();
    for view in ["po", "deploy", "svc", "no", "ns", "ev"] {
        command(&mut s, view);
        for layer in [
            Layer::Table,
            Layer::Detail,
            Layer::Yaml,
            Layer::Help,
            Layer::Picker,
            Layer::Global,
        ] {
            for binding in keymap.bindings(layer) {
                if binding.action == kmedic::app::action::Action::Quit {
                    continue;
                }
                let first_key = binding
                    .keys
                    .split(" / ")
                    .next()
                    .unwrap_or_default()
                    .to_string();
                if let Some(code) = key_code(&first_key) {
                    s.dispatch(kmedic::app::Msg::Key(crossterm::event::KeyEvent::new(
                        code,
                        crossterm::event::KeyModifiers::NONE,
                    )));
                }
                // Open the object views too, and let their fetches finish.
                s.dispatch(key(crossterm::event::KeyCode::Enter));
                wait_state(&mut s, "the object view to load", object_view_settled).await;
            }
            s.dispatch(key(crossterm::event::KeyCode::Esc));
        }
    }
    let requests = sim.requests();
    assert!(requests.len() > 10, "the UI did talk to the server");
    assert_eq!(
        sim.mutating_requests(),
        0,
        "only reads: {:?}",
        requests
            .iter()
            .filter(|r| r.is_mutating())
            .collect::<Vec<_>>()
    );
}

/// No detail/YAML view is waiting for its object.
fn object_view_settled(state: &kmedic::app::AppState) -> bool {
    use kmedic::app::overlay::Overlay;
    match &state.overlay {
        Some(Overlay::Detail(d)) => d.target.object.is_some() || d.target.error.is_some(),
        Some(Overlay::Yaml(y)) => y.target.object.is_some() || y.target.error.is_some(),
        _ => true,
    }
}

fn key_code(text: &str) -> Option<crossterm::event::KeyCode> {
    use crossterm::event::KeyCode;
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(KeyCode::Char(c)),
        _ => match text {
            "Enter" => Some(KeyCode::Enter),
            "Tab" => Some(KeyCode::Tab),
            "↓" => Some(KeyCode::Down),
            "↑" => Some(KeyCode::Up),
            _ => None,
        },
    }
}

//! An open describe of a kind kmedic reads through a browse watch (here a ConfigMap, from
//! `:cm` and from the `:all`-style combined list's kinds alike) is read again when the object
//! changes in the cluster, as the describe of Pods, Services and Deployments is.

mod support;

use kmedic::app::overlay::Overlay;
use kmedic::model::ResourceKind;
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_describe_of_a_browsed_kind_follows_the_object() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    wait_state(&mut s, "API discovery", |st| st.api.is_some()).await;
    let created = jiff::Timestamp::now().to_string();
    let mut cm = serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "live-describe", "namespace": "shop", "creationTimestamp": created,
            "labels": {"stage": "first"}},
        "data": {"key": "1"}});
    sim.store().upsert(cm.clone()).expect("upsert");
    command(&mut s, "cm -n shop");
    wait_state(&mut s, "the ConfigMap listed", |st| {
        st.view == ResourceKind::Browse
            && st
                .rows(ResourceKind::Browse)
                .iter()
                .any(|r| r.key.name == "live-describe")
    })
    .await;
    type_text(&mut s, "/");
    type_text(&mut s, "live-describe");
    s.dispatch(key(crossterm::event::KeyCode::Enter));
    type_text(&mut s, "d");
    wait_state(&mut s, "its describe", |st| {
        overlay_text(st).contains("stage=first")
    })
    .await;
    cm["metadata"]["labels"] = serde_json::json!({"stage": "second"});
    sim.store().upsert(cm).expect("upsert");
    wait_state(&mut s, "the describe read again", |st| {
        overlay_text(st).contains("stage=second")
    })
    .await;
    assert!(matches!(s.state.overlay, Some(Overlay::Detail(_))));
}

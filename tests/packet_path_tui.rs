//! The packet-path walk in the TUI (issue 15 with issue 11's node-local mode): kmedic watching
//! a simulated cluster that serves the packet-path dump, reading a node bundle whose kube-proxy
//! rules disagree with it. The watched Services and EndpointSlices come from the engine's
//! snapshot, so the Node-local and Network tabs show the stale DNAT, the missing rule and the
//! rules of a deleted Service, as `kmedic node --scenario` does offline. Watching one
//! namespace, no comparison is made (the other namespaces' Services would look deleted).
#![allow(clippy::unwrap_used)]

mod support;

use std::path::PathBuf;

use kmedic::findings::Pane;
use kmedic::node::NodeSource;
use kmedic::sim::{ScenarioSource, SimOptions};
use support::*;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/node")
}

async fn sim() -> kmedic::sim::RunningSim {
    kmedic::sim::start(SimOptions {
        source: ScenarioSource::Path(fixtures().join("net-packet-path.yaml")),
        port: 0,
        live: false,
        forbidden: Vec::new(),
        log_generators: Vec::new(),
    })
    .await
    .unwrap()
}

fn checks(state: &kmedic::app::AppState) -> Vec<(String, String, Pane)> {
    state
        .troubleshoot
        .analysis
        .iter()
        .flat_map(|a| a.findings.iter())
        .map(|f| (f.check.clone(), f.object.name.clone(), f.pane))
        .collect()
}

fn node_read(state: &kmedic::app::AppState) -> bool {
    state
        .troubleshoot
        .node
        .as_ref()
        .is_some_and(|n| n.report.is_some() && n.running.is_none())
}

#[tokio::test]
async fn kube_proxy_rules_are_compared_with_the_watched_services() {
    let sim = sim().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    wait_state(&mut s, "the cluster's analysis", |st| {
        st.troubleshoot.analysis.is_some()
    })
    .await;
    s.read_node(
        NodeSource::bundle(&fixtures().join("bundle-stale")).unwrap(),
        "bundle-stale".into(),
        false,
    );
    wait_state(&mut s, "the node's report", node_read).await;
    let found = checks(&s.state);
    for (check, name) in [
        ("kube-proxy-rules-stale", "web"),
        ("kube-proxy-rules-stale", "empty"),
        ("kube-proxy-service-missing", "new"),
        ("kube-proxy-rules-for-deleted-service", "gone"),
    ] {
        assert!(
            found
                .iter()
                .any(|(c, n, pane)| c == check && n == name && *pane == Pane::Network),
            "{check} for {name} on the Network tab: {found:?}"
        );
    }
    // On screen, in the Network tab, marked as read on the node.
    type_text(&mut s, "t");
    while s.state.troubleshoot.current_tab().kind
        != kmedic::app::troubleshoot::TabKind::Pane(Pane::Network)
    {
        type_text(&mut s, "l");
    }
    let text = screen(&s, 200, 50);
    assert!(
        text.contains("DNATs to 10.244.3.3:8080") || text.contains("prod/web:http"),
        "{text}"
    );
}

#[tokio::test]
async fn one_namespace_watched_compares_nothing() {
    let sim = sim().await;
    let mut s = session(&sim.kubeconfig_yaml(), Some("prod"), false).await;
    wait_state(&mut s, "the cluster's analysis", |st| {
        st.troubleshoot.analysis.is_some()
    })
    .await;
    s.read_node(
        NodeSource::bundle(&fixtures().join("bundle-stale")).unwrap(),
        "bundle-stale".into(),
        false,
    );
    wait_state(&mut s, "the node's report", node_read).await;
    let found = checks(&s.state);
    assert!(
        !found
            .iter()
            .any(|(c, _, _)| c.starts_with("kube-proxy-rules") || c == "kube-proxy-service-missing"),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(c, _, _)| c == "kube-proxy-rejects-service"),
        "what the rules say alone is still said: {found:?}"
    );
}

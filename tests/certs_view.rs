//! The Certs view in the UI: `C` collects certificates from the kubeconfig, the API server's
//! TLS handshake and the cluster, and shows them as a tree whose selection shows every field.

#[path = "fixtures/certs/gen.rs"]
mod generated;
mod support;

use generated::{Leaf, ca, leaf};
use kmedic::app::overlay::Overlay;
use kmedic::sim::{ScenarioSource, SimOptions, SimTls};
use serde_json::json;
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certs_view_shows_the_served_chain_and_navigates() {
    let root = ca("kubernetes");
    // The serving certificate lacks the in-cluster names clients use.
    let server = leaf(
        &root,
        Leaf {
            cn: "kube-apiserver",
            sans: &["127.0.0.1"],
            server: true,
            ..Leaf::default()
        },
    );
    let objects =
        vec![json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}})];
    let sim = kmedic::sim::start_https(
        SimOptions {
            source: ScenarioSource::Objects(objects),
            live: false,
            ..SimOptions::default()
        },
        SimTls {
            cert_chain_pem: server.cert_pem.clone(),
            key_pem: server.key_pem.clone(),
            ca_pem: Some(root.pair.cert_pem.clone()),
        },
    )
    .await
    .expect("https sim");
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    type_text(&mut s, "C");
    assert!(matches!(s.state.overlay, Some(Overlay::Certs(_))));
    wait_state(&mut s, "the certificate report", |st| match &st.overlay {
        Some(Overlay::Certs(pane)) => pane.view.is_some(),
        _ => false,
    })
    .await;
    let text = screen(&s, 200, 50);
    assert!(
        text.contains("TLS handshake") && text.contains("API server"),
        "sources are listed\n{text}"
    );
    // Walk down the tree opening everything on the way.
    let mut seen = String::new();
    for _ in 0..8 {
        type_text(&mut s, "l");
        type_text(&mut s, "j");
        seen.push_str(&screen(&s, 200, 50));
    }
    assert!(
        seen.contains("kube-apiserver"),
        "the served certificate is shown\n{}",
        screen(&s, 200, 50)
    );
    let findings = match &s.state.overlay {
        Some(Overlay::Certs(pane)) => match &pane.view {
            Some(Ok(view)) => view
                .report
                .findings
                .iter()
                .map(|f| f.check.clone())
                .collect::<Vec<_>>(),
            other => panic!("no report: {other:?}"),
        },
        _ => Vec::new(),
    };
    assert!(
        findings.iter().any(|c| c == "cert-san-missing"),
        "{findings:?}"
    );
    let text = screen(&s, 200, 50);
    assert!(
        text.contains("Not After") || text.contains("not after") || text.contains("SHA-256"),
        "selected certificate's fields\n{text}"
    );
}

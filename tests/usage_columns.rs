//! Usage columns of the Pods and Nodes tables from the metrics API, against `kubectl top` on
//! the same simulated cluster (a client we did not write), and quietly absent when the
//! server does not serve `metrics.k8s.io`. kubectl must be installed.
#![allow(clippy::unwrap_used)]

mod support;

use std::process::Stdio;

use kmedic::app::table::cell_at;
use kmedic::model::ResourceKind;
use kmedic::runtime::Session;
use kmedic::sim::{ScenarioSource, SimOptions};
use support::*;

const KUBECTL: &str = "/usr/bin/kubectl";

async fn kubectl(kubeconfig_yaml: &str, args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubeconfig");
    std::fs::write(&path, kubeconfig_yaml).unwrap();
    let output = tokio::process::Command::new(KUBECTL)
        .env_clear()
        .env("HOME", dir.path())
        .env("PATH", "/usr/bin:/bin")
        .env("NO_PROXY", "127.0.0.1")
        .arg("--kubeconfig")
        .arg(&path)
        .args(args)
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(std::time::Duration::from_secs(20), output)
        .await
        .expect("kubectl finishes")
        .unwrap();
    assert!(
        output.status.success(),
        "kubectl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The cells of the table's row `name` under the titles `columns`.
fn cells(s: &Session, kind: ResourceKind, name: &str, columns: &[&str]) -> Vec<String> {
    let table = &s.state.tables[&kind];
    let row = s
        .state
        .rows(kind)
        .iter()
        .find(|r| r.key.name == name)
        .unwrap_or_else(|| panic!("no row {name}"))
        .clone();
    columns
        .iter()
        .map(|title| {
            let c = table
                .titles
                .iter()
                .position(|t| t == title)
                .unwrap_or_else(|| panic!("no column {title} in {:?}", table.titles));
            cell_at(kind, &row, c, &s.state.joins)
                .display(s.state.now)
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn usage_columns_agree_with_kubectl_top() {
    let (sim, mut s, reference) = frozen_demo().await;
    let kc = sim.kubeconfig_yaml();
    // Paced: each table was read once (frozen_demo showed both; going back and forth reads
    // nothing more before the pause).
    assert_eq!(sim.count_requests("list", "pods.metrics.k8s.io"), 1);
    assert_eq!(sim.count_requests("list", "nodes.metrics.k8s.io"), 1);
    let titles = &s.state.tables[&ResourceKind::Pods].titles;
    for t in ["CPU", "MEM", "%CPU/R", "%CPU/L", "%MEM/R", "%MEM/L"] {
        assert!(titles.iter().any(|x| x == t), "{t} in {titles:?}");
    }
    let top = kubectl(&kc, &["top", "pods", "-A", "--no-headers"]).await;
    let mut compared = 0;
    for line in top.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let [_, name, cpu, mem] = f[..] else {
            panic!("{line}")
        };
        assert_eq!(
            cells(&s, ResourceKind::Pods, name, &["CPU", "MEM"]),
            [cpu, mem],
            "{name}"
        );
        compared += 1;
    }
    assert!(compared > 15, "{top}");
    // shop/cart requests 250m and 256Mi... its container crash-loops: no metrics.
    assert_eq!(
        cells(
            &s,
            ResourceKind::Pods,
            "cart-7c9d8b6f4-x2k9p",
            &["CPU", "%CPU/R"]
        ),
        ["-", "-"]
    );

    type_text(&mut s, "4");
    wait_state(&mut s, "the nodes table", |st| {
        st.view == ResourceKind::Nodes
    })
    .await;
    let top = kubectl(&kc, &["top", "nodes", "--no-headers"]).await;
    for line in top.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(
            cells(
                &s,
                ResourceKind::Nodes,
                f[0],
                &["CPU", "%CPU", "MEM", "%MEM"]
            ),
            f[1..5],
            "{line}"
        );
    }
    assert!(top.contains("worker-3"), "{top}");
    let titles = &s.state.tables[&ResourceKind::Nodes].titles;
    assert!(titles.iter().any(|t| t == "CPU/A"), "{titles:?}");

    // Only the table on screen is read again once the pause is over (kubectl top made one
    // list of each too).
    let pods = sim.count_requests("list", "pods.metrics.k8s.io");
    let nodes = sim.count_requests("list", "nodes.metrics.k8s.io");
    assert_eq!((pods, nodes), (2, 2), "no read before the pause is over");
    s.dispatch(kmedic::app::Msg::Tick(
        reference + jiff::SignedDuration::from_secs(kmedic::app::usage::EVERY),
    ));
    let read_again = s
        .wait_until(DEADLINE, |_| {
            sim.count_requests("list", "nodes.metrics.k8s.io") == nodes + 1
        })
        .await;
    assert!(read_again, "the nodes' usage is read again");
    assert_eq!(sim.count_requests("list", "pods.metrics.k8s.io"), pods);
}

#[tokio::test]
async fn usage_columns_are_absent_without_the_metrics_api() {
    let reference: jiff::Timestamp = kmedic::sim::scenario::REFERENCE_TIME.parse().unwrap();
    let mut objects = kmedic::sim::scenario::builtin(reference).unwrap();
    // No metrics-server: its APIService is not registered.
    objects
        .retain(|o| o["kind"] != "APIService" || o["metadata"]["name"] != "v1beta1.metrics.k8s.io");
    let sim = kmedic::sim::start(SimOptions {
        source: ScenarioSource::Objects(objects),
        live: false,
        ..SimOptions::default()
    })
    .await
    .unwrap();
    let mut s = session(&sim.kubeconfig_yaml(), None, false).await;
    wait_state(&mut s, "discovery and pods", |st| {
        st.api.is_some() && st.kinds.get(&ResourceKind::Pods).is_some_and(|d| d.synced)
    })
    .await;
    assert!(
        !s.state
            .api
            .as_ref()
            .unwrap()
            .resources
            .iter()
            .any(|r| r.group == "metrics.k8s.io"),
        "the metrics API is not served"
    );
    type_text(&mut s, "4");
    wait_state(&mut s, "nodes", |st| {
        st.kinds.get(&ResourceKind::Nodes).is_some_and(|d| d.synced)
    })
    .await;
    for kind in [ResourceKind::Pods, ResourceKind::Nodes] {
        assert_eq!(
            s.state.tables[&kind].titles,
            kmedic::model::columns(kind)
                .iter()
                .map(|t| t.to_string())
                .collect::<Vec<_>>()
        );
    }
    assert!(s.state.joins.pod_usage.is_none() && s.state.joins.node_usage.is_none());
    assert_eq!(sim.count_requests("list", "pods.metrics.k8s.io"), 0);
    assert!(s.state.notice.as_ref().is_none_or(|n| !n.error));
    let text = screen(&s, 160, 40);
    assert!(!text.contains("%CPU") && !text.contains("CPU/A"), "{text}");
}

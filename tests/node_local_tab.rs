//! The Troubleshoot view in node-local mode, as a user sees it: kmedic on the demo cluster
//! reading a kubeadm control-plane node bundle (`kmedic --host-root DIR`) built at test time.
//! The Node-local tab lists what was read on the node, root causes first, with what could not
//! be looked at; the same findings join the pane tabs marked `[node]`, where the cluster's
//! crash-looping scheduler folds under the node's broken manifest. Snapshots at two sizes,
//! with a footer whose every key is bound.
#![allow(clippy::unwrap_used)]

#[path = "fixtures/certs/gen.rs"]
mod generated;
#[path = "fixtures/node/gen.rs"]
mod node_gen;
mod support;

use crossterm::event::KeyCode;
use kmedic::app::Msg;
use kmedic::app::troubleshoot::{NODE_LOCAL_TAB, TabKind};
use kmedic::findings::Pane;
use kmedic::node::NodeSource;
use kmedic::runtime::Session;
use support::*;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 45)];

fn shoot(s: &mut Session, name: &str) {
    let re = regex::Regex::new(r"<([^<>]+)>").unwrap();
    for (w, h) in SIZES {
        s.dispatch(Msg::Resize {
            width: w,
            height: h,
        });
        let text = stable(&screen(s, w, h));
        let footer = text.lines().last().unwrap_or_default().to_string();
        let layer = kmedic::app::screens::layer(&s.state);
        for key in re.captures_iter(&footer) {
            let spec = kmedic::config::key::KeySpec::parse(&key[1]).unwrap();
            let event = crossterm::event::KeyEvent::new(spec.code, spec.modifiers);
            assert!(
                s.state.keymap.resolve(layer, &event).is_some(),
                "{name}: footer key <{}> is not bound\n{text}",
                &key[1]
            );
        }
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), text);
    }
}

/// Moves to the tab `kind`.
fn to_tab(s: &mut Session, kind: TabKind) {
    for _ in 0..s.state.troubleshoot.tabs().len() {
        if s.state.troubleshoot.current_tab().kind == kind {
            return;
        }
        s.dispatch(key(KeyCode::Right));
    }
    panic!("no tab {kind:?}");
}

#[tokio::test]
async fn node_local_tab_from_a_bundle() {
    let bundle = tempfile::tempdir().unwrap();
    node_gen::control_plane(bundle.path());
    let (_sim, mut s, _) = frozen_demo().await;
    type_text(&mut s, "t");
    wait_state(&mut s, "the cluster's analysis", |st| {
        st.troubleshoot.analysis.is_some()
    })
    .await;
    // The label is what the UI shows for `--host-root DIR`; a fixed one keeps the temp
    // directory's random name out of the snapshot.
    s.read_node(
        NodeSource::bundle(bundle.path()).unwrap(),
        "bundle cp-1.tar (unpacked)".into(),
        false,
    );
    assert!(s.state.troubleshoot.tabs().contains(&NODE_LOCAL_TAB));
    wait_state(&mut s, "the node's report", |st| {
        st.troubleshoot
            .node
            .as_ref()
            .is_some_and(|n| n.report.is_some())
    })
    .await;
    to_tab(&mut s, TabKind::NodeLocal);
    s.dispatch(key(KeyCode::Home));
    let t = &s.state.troubleshoot;
    let analysis = t.analysis.as_ref().unwrap();
    let rows = t.rows();
    assert!(rows.iter().all(|r| r.local));
    let checks: Vec<&str> = rows
        .iter()
        .map(|r| analysis.findings[r.finding].check.as_str())
        .collect();
    for check in [
        "static-pod-file-missing",
        "static-pod-manifest-invalid",
        "cgroup-driver-mismatch",
        "port-not-listening",
    ] {
        assert!(checks.contains(&check), "{check}: {checks:?}");
    }
    // Image drift, live: the watched mirror pod of the API server runs another image than the
    // node's manifest asks for.
    let drift: Vec<&str> = rows
        .iter()
        .map(|r| &analysis.findings[r.finding])
        .filter(|f| f.check == "static-pod-image-drift")
        .map(|f| f.summary.as_str())
        .collect();
    assert!(
        drift.iter().any(|d| d.starts_with("kube-apiserver-cp-1: the manifest asks for registry.k8s.io/kube-apiserver:v1.31.2, but the mirror pod runs registry.k8s.io/kube-apiserver:v1.33.2")),
        "{drift:?}"
    );
    shoot(&mut s, "node_local_tab");
    // At 80 columns the tab line falls back to short titles and still shows every tab, the
    // selected Node-local one included.
    s.dispatch(Msg::Resize {
        width: 80,
        height: 24,
    });
    let narrow = screen(&s, 80, 24);
    let tab_line = narrow
        .lines()
        .find(|l| l.contains("Apps "))
        .unwrap_or_else(|| panic!("no short tab line:\n{narrow}"));
    for label in ["Ctl plane", "Nodes", "Net", "Certs", "Node-local"] {
        assert!(tab_line.contains(label), "{label}: {tab_line}");
    }

    // The same findings in Control plane, marked as read on the node; the cluster's failing
    // scheduler on cp-1 under its manifest there.
    to_tab(&mut s, TabKind::Pane(Pane::ControlPlane));
    let t = &s.state.troubleshoot;
    let analysis = t.analysis.as_ref().unwrap();
    let rows = t.rows();
    let root = rows
        .iter()
        .position(|r| r.local && analysis.findings[r.finding].check == "static-pod-file-missing")
        .unwrap();
    let under: Vec<&str> = rows[root + 1..]
        .iter()
        .take_while(|r| r.symptom)
        .map(|r| analysis.findings[r.finding].check.as_str())
        .collect();
    assert!(under.contains(&"cp-component-failing"), "{under:?}");
    let screen_text = screen(&s, 160, 45);
    assert!(
        screen_text.contains("[node] File//etc/kubernetes/manifests/kube-scheduler.yaml"),
        "{screen_text}"
    );

    // r reads the node again, off the UI thread; the tab says so until the report is back.
    to_tab(&mut s, TabKind::NodeLocal);
    type_text(&mut s, "r");
    assert!(
        s.state
            .troubleshoot
            .node
            .as_ref()
            .unwrap()
            .running
            .is_some()
    );
    wait_state(&mut s, "the second reading", |st| {
        st.troubleshoot
            .node
            .as_ref()
            .is_some_and(|n| n.running.is_none() && n.next_request == 2)
    })
    .await;
}

/// A recording fake of each tool kmedic may run: it appends its command line to `calls.log`.
fn recording_tools(dir: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    for name in ["journalctl", "systemctl", "crictl", "iptables-save"] {
        let path = dir.join(name);
        std::fs::write(
            &path,
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"{name} $*\" >> {}\nexit 1\n",
                dir.join("calls.log").display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

fn live_source(root: &std::path::Path, tools: &std::path::Path) -> NodeSource {
    NodeSource::live_at(
        root,
        kmedic::node::runner::RunnerConfig {
            search_path: vec![tools.to_path_buf()],
            ..Default::default()
        },
    )
    .unwrap()
}

#[tokio::test]
async fn a_guess_runs_no_command_on_a_machine_that_is_no_node() {
    let (_sim, mut s, _) = frozen_demo().await;
    let (root, tools) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    recording_tools(tools.path());
    std::fs::create_dir_all(root.path().join("etc")).unwrap();
    s.read_node(
        live_source(root.path(), tools.path()),
        "this node".into(),
        true,
    );
    assert!(!s.state.troubleshoot.tabs().contains(&NODE_LOCAL_TAB));
    wait_state(&mut s, "the guess to be answered", |st| {
        st.troubleshoot.node.is_none()
    })
    .await;
    assert!(!s.state.troubleshoot.tabs().contains(&NODE_LOCAL_TAB));
    assert!(
        !tools.path().join("calls.log").exists(),
        "no command runs where the files are no node's"
    );

    // On a node the guess holds: the tab appears and its tools are asked.
    let root = tempfile::tempdir().unwrap();
    node_gen::control_plane(root.path());
    s.read_node(
        live_source(root.path(), tools.path()),
        "this node".into(),
        true,
    );
    wait_state(&mut s, "the node's report", |st| {
        st.troubleshoot
            .node
            .as_ref()
            .is_some_and(|n| n.report.is_some())
    })
    .await;
    assert!(s.state.troubleshoot.tabs().contains(&NODE_LOCAL_TAB));
    let calls = std::fs::read_to_string(tools.path().join("calls.log")).unwrap();
    assert!(calls.contains("systemctl show kubelet"), "{calls}");
}

/// Live, kube-proxy's mode comes from the watched ConfigMap kube-system/kube-proxy when the
/// node does not say its own: the demo's says iptables, this node has only IPVS rules.
#[tokio::test]
async fn the_watched_kube_proxy_configmap_sets_the_mode_the_node_is_judged_by() {
    let bundle = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/node/bundle-stale-ipvs");
    let (_sim, mut s, _) = frozen_demo().await;
    wait_state(&mut s, "the kube-proxy ConfigMap watched", |st| {
        st.troubleshoot
            .analysis
            .as_ref()
            .is_some_and(|a| !a.coverage.syncing)
    })
    .await;
    s.read_node(
        NodeSource::bundle(&bundle).unwrap(),
        "bundle worker (unpacked)".into(),
        false,
    );
    wait_state(&mut s, "the node's report", |st| {
        st.troubleshoot
            .node
            .as_ref()
            .is_some_and(|n| n.report.is_some())
    })
    .await;
    let report = s
        .state
        .troubleshoot
        .node
        .as_ref()
        .unwrap()
        .report
        .as_ref()
        .unwrap();
    let mismatch = report
        .findings
        .iter()
        .find(|f| f.check == "kube-proxy-mode-mismatch")
        .unwrap_or_else(|| {
            panic!(
                "{:?}",
                report.findings.iter().map(|f| &f.check).collect::<Vec<_>>()
            )
        });
    let evidence: Vec<String> = mismatch
        .evidence
        .iter()
        .map(|e| format!("{}: {}", e.label, e.value))
        .collect();
    assert!(
        evidence
            .iter()
            .any(|e| e.contains("ConfigMap kube-system/kube-proxy") && e.contains("iptables")),
        "{evidence:?}"
    );
}

//! Reducer tests of node-local mode: starting a reading, its report arriving (merged into the
//! tabs and linked to cluster symptoms), stale and failed readings, the refresh key and the
//! periodic refresh. Effects are data, so no node and no cluster is needed.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;

use crate::app::node_local::NodeLocalMsg;
use crate::app::overlay::Overlay;
use crate::app::state::Target;
use crate::app::troubleshoot::{Analysis, NODE_LOCAL_TAB, TABS, TabKind};
use crate::app::{AppState, Effect, Msg, update};
use crate::cluster::Scope;
use crate::config::Keymap;
use crate::findings::{Finding, ObjectRef, Pane, Severity};
use crate::node::{Coverage, MirrorPod, NodeReport};

fn state() -> AppState {
    let mut s = AppState::new(
        Target::default(),
        Scope::All,
        true,
        Arc::new(Keymap::builtin_default()),
        Timestamp::from_second(1_750_000_000).unwrap(),
    );
    crate::app::nav::open(&mut s, Overlay::Troubleshoot);
    s
}

fn finding(pane: Pane, check: &str, object: ObjectRef, summary: &str) -> Finding {
    Finding {
        pane,
        check: check.into(),
        severity: Severity::Error,
        object,
        summary: summary.into(),
        explanation: String::new(),
        evidence: Vec::new(),
        next_steps: Vec::new(),
        caused_by: Vec::new(),
    }
}

fn manifest() -> ObjectRef {
    ObjectRef::new("File", "", "/etc/kubernetes/manifests/kube-scheduler.yaml")
}

fn report() -> NodeReport {
    NodeReport {
        node: Some("cp-1".into()),
        findings: vec![
            finding(
                Pane::ControlPlane,
                "static-pod-file-missing",
                manifest(),
                "--kubeconfig names /etc/kubernetes/scheduler.conff, which does not exist",
            ),
            finding(
                Pane::Node,
                "cgroup-driver-mismatch",
                ObjectRef::new("Node", "", "cp-1"),
                "kubelet systemd, containerd cgroupfs",
            ),
        ],
        coverage: vec![Coverage::new("iptables rules", "not in the bundle")],
        scope: None,
    }
}

fn cluster_analysis(mirror: Vec<MirrorPod>) -> Analysis {
    let findings = vec![finding(
        Pane::ControlPlane,
        "cp-component-failing",
        ObjectRef::new("Pod", "kube-system", "kube-scheduler-cp-1"),
        "kube-scheduler on cp-1 is failing: CrashLoopBackOff",
    )];
    Analysis {
        groups: crate::troubleshoot::group_by_root(&findings),
        findings: findings.into(),
        coverage: Default::default(),
        at: Timestamp::from_second(1_750_000_000).unwrap(),
        took: Duration::ZERO,
        mirror_pods: mirror,
    }
}

fn start(s: &mut AppState, detected: bool) -> u64 {
    let effects = update(
        s,
        Msg::NodeLocal(NodeLocalMsg::Start {
            source: "bundle /tmp/cp-1".into(),
            detected,
        }),
    );
    match effects.as_slice() {
        [Effect::InspectNode { request, .. }] => *request,
        other => panic!("one reading is asked for: {other:?}"),
    }
}

fn answer(s: &mut AppState, request: u64, at: i64, result: Result<NodeReport, String>) {
    let effects = update(
        s,
        Msg::NodeLocal(NodeLocalMsg::Inspected {
            request,
            at: Timestamp::from_second(at).unwrap(),
            result,
        }),
    );
    assert!(effects.is_empty());
}

fn to_node_local_tab(s: &mut AppState) {
    let tabs = s.troubleshoot.tabs();
    s.troubleshoot.tab = tabs.iter().position(|t| *t == NODE_LOCAL_TAB).unwrap();
}

fn key(s: &mut AppState, c: char) -> Vec<Effect> {
    update(
        s,
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
    )
}

#[test]
fn a_report_fills_its_tab_and_joins_the_pane_tabs_marked_as_read_on_the_node() {
    let mut s = state();
    let request = start(&mut s, false);
    // A named bundle: the tab is there at once, saying it is reading.
    assert_eq!(s.troubleshoot.tabs().len(), TABS.len() + 1);
    assert!(s.troubleshoot.node.as_ref().unwrap().running.is_some());
    answer(&mut s, request, 1_750_000_010, Ok(report()));

    let t = &s.troubleshoot;
    assert_eq!(t.count_in(NODE_LOCAL_TAB), 2);
    let cp = TABS[1];
    assert_eq!(cp.kind, TabKind::Pane(Pane::ControlPlane));
    assert_eq!(
        t.count_in(cp),
        1,
        "the manifest finding joins Control plane"
    );
    let analysis = t.analysis.as_ref().unwrap();
    let local = &analysis.findings[0];
    assert_eq!(local.evidence[0].label, "from");
    assert_eq!(
        local.evidence[0].value,
        "read on the node (cp-1): bundle /tmp/cp-1"
    );
    to_node_local_tab(&mut s);
    let rows = s.troubleshoot.rows();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.local));
    // The Node-local footer offers reading again.
    let footer = crate::app::screens::footer(&s);
    assert!(
        footer
            .iter()
            .any(|(a, _)| *a == crate::app::action::Action::Refresh)
    );
}

#[test]
fn the_cluster_symptom_folds_under_the_node_local_root_cause() {
    let mut s = state();
    let generation = s.generation;
    let request = start(&mut s, false);
    // The cluster's analysis first, the node's after it, then the cluster's again.
    update(
        &mut s,
        Msg::Analyzed {
            generation,
            result: Ok(cluster_analysis(Vec::new())),
        },
    );
    answer(&mut s, request, 1_750_000_010, Ok(report()));
    for round in 0..2 {
        s.troubleshoot.tab = 1;
        let t = &s.troubleshoot;
        let analysis = t.analysis.as_ref().unwrap();
        assert_eq!(analysis.findings.len(), 3, "round {round}");
        assert_eq!(t.local_from, Some(1));
        let symptom = &analysis.findings[0];
        assert_eq!(symptom.check, "cp-component-failing");
        assert_eq!(symptom.caused_by[0].check, "static-pod-file-missing");
        assert_eq!(symptom.caused_by[0].object, manifest());
        // Control plane: the node's manifest finding heads the entry, the crash-looping
        // scheduler under it.
        let rows = s.troubleshoot.rows();
        assert_eq!(rows.len(), 2);
        assert!(rows[0].local && !rows[0].symptom);
        assert!(!rows[1].local && rows[1].symptom);
        assert_eq!(
            analysis.findings[rows[1].finding].check,
            "cp-component-failing"
        );
        update(
            &mut s,
            Msg::Analyzed {
                generation,
                result: Ok(cluster_analysis(Vec::new())),
            },
        );
    }
}

#[test]
fn stale_answers_are_dropped_and_one_reading_runs_at_a_time() {
    let mut s = state();
    let generation = s.generation;
    let request = start(&mut s, false);
    // r while a reading runs asks for nothing more.
    to_node_local_tab(&mut s);
    assert!(key(&mut s, 'r').is_empty());
    answer(&mut s, request + 7, 1_750_000_010, Ok(report()));
    assert!(s.troubleshoot.node.as_ref().unwrap().report.is_none());
    answer(&mut s, request, 1_750_000_010, Ok(report()));
    assert!(s.troubleshoot.node.as_ref().unwrap().report.is_some());

    // The cluster's mirror pods go with the next reading (image drift), which their
    // arrival starts at once.
    let mirror = MirrorPod {
        namespace: "kube-system".into(),
        name: "kube-apiserver-cp-1".into(),
        node: "cp-1".into(),
        containers: vec![(
            "kube-apiserver".into(),
            "registry.k8s.io/kube-apiserver:v1.30.6".into(),
        )],
    };
    let effects = update(
        &mut s,
        Msg::Analyzed {
            generation,
            result: Ok(cluster_analysis(vec![mirror.clone()])),
        },
    );
    match effects.as_slice() {
        [
            Effect::InspectNode {
                request: next,
                context,
                files_first,
            },
        ] => {
            assert_eq!(*next, request + 1);
            assert!(!files_first, "a named bundle is read whole");
            assert_eq!(context.mirror_pods, vec![mirror]);
        }
        other => panic!("the mirror pods read the node again: {other:?}"),
    }
}

#[test]
fn the_node_is_read_again_every_minute() {
    let mut s = state();
    let request = start(&mut s, false);
    let at = 1_750_000_010;
    // No tick starts a second reading while the first runs.
    assert!(update(&mut s, Msg::Tick(Timestamp::from_second(at + 600).unwrap())).is_empty());
    answer(&mut s, request, at, Ok(report()));
    assert!(update(&mut s, Msg::Tick(Timestamp::from_second(at + 59).unwrap())).is_empty());
    let effects = update(&mut s, Msg::Tick(Timestamp::from_second(at + 60).unwrap()));
    assert!(
        matches!(effects.as_slice(), [Effect::InspectNode { request: r, .. }] if *r == request + 1),
        "{effects:?}"
    );
}

#[test]
fn a_guess_that_finds_no_node_removes_the_tab_but_a_bundle_says_why() {
    let mut s = state();
    let generation = s.generation;
    let request = start(&mut s, true);
    assert_eq!(
        s.troubleshoot.tabs().len(),
        TABS.len(),
        "not shown before it is known"
    );
    update(
        &mut s,
        Msg::Analyzed {
            generation,
            result: Ok(cluster_analysis(Vec::new())),
        },
    );
    answer(
        &mut s,
        request,
        1_750_000_010,
        Err("no Kubernetes node files under /".into()),
    );
    assert!(s.troubleshoot.node.is_none());
    assert_eq!(s.troubleshoot.analysis.as_ref().unwrap().findings.len(), 1);
    assert_eq!(s.troubleshoot.local_from, None);
    // Nothing to read again: the key says so instead of doing nothing.
    assert!(key(&mut s, 'r').is_empty());
    assert!(s.notice.as_ref().unwrap().text.contains("--host-root"));

    let mut s = state();
    let request = start(&mut s, false);
    answer(
        &mut s,
        request,
        1_750_000_010,
        Err("--host-root /x is not a directory".into()),
    );
    let node = s.troubleshoot.node.as_ref().unwrap();
    assert_eq!(
        node.error.as_deref(),
        Some("--host-root /x is not a directory")
    );
    assert!(node.shown);
}

#[test]
fn the_first_reading_takes_the_mirror_pods_the_cluster_already_showed() {
    let mut s = state();
    let generation = s.generation;
    let mirror = MirrorPod {
        namespace: "kube-system".into(),
        name: "etcd-cp-1".into(),
        node: "cp-1".into(),
        containers: vec![("etcd".into(), "registry.k8s.io/etcd:3.5.15-0".into())],
    };
    update(
        &mut s,
        Msg::Analyzed {
            generation,
            result: Ok(cluster_analysis(vec![mirror.clone()])),
        },
    );
    let effects = update(
        &mut s,
        Msg::NodeLocal(NodeLocalMsg::Start {
            source: "this node".into(),
            detected: true,
        }),
    );
    let request = match effects.as_slice() {
        [
            Effect::InspectNode {
                request,
                context,
                files_first,
            },
        ] => {
            assert_eq!(context.mirror_pods, vec![mirror]);
            // Only a guess: no command runs unless the files are a node's.
            assert!(*files_first);
            *request
        }
        other => panic!("{other:?}"),
    };
    answer(&mut s, request, 1_750_000_010, Ok(report()));
    match key(&mut s, 'r').as_slice() {
        [Effect::InspectNode { files_first, .. }] => {
            assert!(!files_first, "a node found is read whole");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn mirror_pods_arriving_after_the_first_reading_start_another_one() {
    // At start the node is read before the cluster's first analysis: no mirror pods yet.
    let mut s = state();
    let generation = s.generation;
    let mirror = MirrorPod {
        namespace: "kube-system".into(),
        name: "etcd-cp-1".into(),
        node: "cp-1".into(),
        containers: vec![("etcd".into(), "registry.k8s.io/etcd:3.5.15-0".into())],
    };
    let first = start(&mut s, false);
    // The analysis lands while the first reading is in flight: nothing starts yet.
    let effects = update(
        &mut s,
        Msg::Analyzed {
            generation,
            result: Ok(cluster_analysis(vec![mirror.clone()])),
        },
    );
    assert!(effects.is_empty(), "{effects:?}");
    // When it ends, the node is read again, with the mirror pods.
    let effects = update(
        &mut s,
        Msg::NodeLocal(NodeLocalMsg::Inspected {
            request: first,
            at: jiff::Timestamp::from_second(1_750_000_010).unwrap(),
            result: Ok(report()),
        }),
    );
    let second = match effects.as_slice() {
        [
            Effect::InspectNode {
                request, context, ..
            },
        ] => {
            assert_eq!(context.mirror_pods, vec![mirror.clone()]);
            *request
        }
        other => panic!("{other:?}"),
    };
    answer(&mut s, second, 1_750_000_011, Ok(report()));
    // Later analyses with the same mirror pods do not read the node again.
    let effects = update(
        &mut s,
        Msg::Analyzed {
            generation,
            result: Ok(cluster_analysis(vec![mirror])),
        },
    );
    assert!(effects.is_empty(), "{effects:?}");
}

#[test]
fn mirror_pods_arriving_after_a_finished_reading_start_another_one_at_once() {
    let mut s = state();
    let generation = s.generation;
    let mirror = MirrorPod {
        namespace: "kube-system".into(),
        name: "kube-apiserver-cp-1".into(),
        node: "cp-1".into(),
        containers: vec![(
            "kube-apiserver".into(),
            "registry.k8s.io/kube-apiserver:v1.31.2".into(),
        )],
    };
    let first = start(&mut s, false);
    answer(&mut s, first, 1_750_000_010, Ok(report()));
    let effects = update(
        &mut s,
        Msg::Analyzed {
            generation,
            result: Ok(cluster_analysis(vec![mirror.clone()])),
        },
    );
    match effects.as_slice() {
        [Effect::InspectNode { context, .. }] => {
            assert_eq!(context.mirror_pods, vec![mirror]);
        }
        other => panic!("{other:?}"),
    }
}

//! A category as ONE list, like `kubectl get all`: `:all` on the simulated cluster shows the
//! rows of every served member kind, each named as kubectl names it, the same set of objects
//! `kubectl get all -A -o name` prints (kubectl is a client we did not write); a CRD's own
//! category; describe and YAML of a non-pod row read that object as its own kind; the
//! namespace scope; rows follow the cluster live; a kind the user may not list is a named gap
//! line; the member kinds' watches run only while the list is open. kubectl must be installed
//! at /usr/bin/kubectl.

#![allow(clippy::unwrap_used)]

mod support;

use std::process::Stdio;

use crossterm::event::KeyCode;
use kmedic::app::category::CategoryView;
use kmedic::app::overlay::Overlay;
use kmedic::model::ResourceKind;
use kmedic::runtime::Session;
use kmedic::sim::{Forbidden, ScenarioSource, SimOptions};
use support::*;

const KUBECTL: &str = "/usr/bin/kubectl";

/// `kubectl ARGS` against `sim`; its stdout.
async fn kubectl(sim: &kmedic::sim::RunningSim, args: &[&str]) -> String {
    assert!(
        std::path::Path::new(KUBECTL).exists(),
        "kubectl is required at {KUBECTL}"
    );
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    std::fs::write(&kubeconfig, sim.kubeconfig_yaml()).unwrap();
    let output = tokio::process::Command::new(KUBECTL)
        .env_clear()
        .env("HOME", dir.path())
        .env("PATH", "/usr/bin:/bin")
        .env("NO_PROXY", "127.0.0.1")
        .arg("--kubeconfig")
        .arg(&kubeconfig)
        .args(args)
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "kubectl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The whole list on one tall screen.
fn tall(s: &Session) -> String {
    screen(s, 200, 160)
}

fn shown(s: &Session) -> &CategoryView {
    match &s.state.overlay {
        Some(Overlay::Category(v)) => v,
        other => panic!("the category list is on top, not {other:?}"),
    }
}

/// Runs `:TEXT` and waits until every section of the list has listed (or been refused).
async fn open_listed(s: &mut Session, text: &str) {
    wait_state(s, "API discovery", |st| st.api.is_some()).await;
    command(s, text);
    wait_state(s, "every kind of the category to list", |st| {
        let Some(Overlay::Category(v)) = &st.overlay else {
            return false;
        };
        v.sections.iter().all(|sec| {
            let (synced, error) = sec.status(st);
            synced || error.is_some()
        })
    })
    .await;
}

/// Every row shown, as kubectl's `-o name` prints it (`deployment.apps/web`).
fn names(s: &Session) -> Vec<String> {
    let view = shown(s);
    let mut out = Vec::new();
    for section in &view.sections {
        let rows = section.rows(&s.state);
        for &i in &section.table.visible {
            out.push(format!("{}/{}", section.prefix(), rows[i].key.name));
        }
    }
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_is_one_list_with_the_objects_kubectl_get_all_prints() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    open_listed(&mut s, "all").await;
    let view = shown(&s);
    // Every served kind of the category, in discovery order, one section each.
    let expected: Vec<String> = s
        .state
        .api
        .as_ref()
        .unwrap()
        .resources
        .iter()
        .filter(|r| r.categories.iter().any(|c| c == "all"))
        .map(|r| r.full_name())
        .collect();
    let sections: Vec<String> = view
        .sections
        .iter()
        .map(|x| x.resource.full_name())
        .collect();
    assert_eq!(sections, expected);
    // Pods, services and deployments come from the explorer's own watches.
    assert!(
        view.sections
            .iter()
            .any(|x| x.known == Some(ResourceKind::Pods))
    );
    let mut want: Vec<String> = kubectl(&sim, &["get", "all", "-A", "-o", "name"])
        .await
        .lines()
        .map(str::to_string)
        .collect();
    want.sort();
    assert_eq!(names(&s), want, "the rows of :all and kubectl get all -A");
    let text = tall(&s);
    for needle in [
        "▸ pods ",
        "▸ deployments.apps ",
        "pod/",
        "service/",
        "deployment.apps/",
        "statefulset.apps/redis",
    ] {
        assert!(text.contains(needle), "{needle}\n{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn describe_and_yaml_of_a_non_pod_row_read_it_as_its_own_kind() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    open_listed(&mut s, "all").await;
    // A kind's name filters to its rows: the StatefulSet, then the first row.
    type_text(&mut s, "/statefulsets");
    s.dispatch(key(KeyCode::Enter));
    s.dispatch(key(KeyCode::Home));
    let text = screen(&s, 160, 40);
    assert!(text.contains("statefulset.apps/redis"), "{text}");
    type_text(&mut s, "d");
    let Some(Overlay::Detail(d)) = &s.state.overlay else {
        panic!("d describes the row");
    };
    assert_eq!(
        d.target.resource.as_ref().map(|r| r.kind.as_str()),
        Some("StatefulSet")
    );
    assert_eq!(d.target.key.name, "redis");
    let text = wait_for_screen(&mut s, "Replicas:").await;
    assert!(text.contains("redis"), "{text}");
    type_text(&mut s, "y");
    let text = wait_for_screen(&mut s, "kind: StatefulSet").await;
    assert!(text.contains("name: redis"), "{text}");
    // Back to the list, cursor where it was; a Deployment row describes as a Deployment.
    type_text(&mut s, "q");
    assert!(matches!(s.state.overlay, Some(Overlay::Category(_))));
    s.dispatch(ctrl('u'));
    type_text(&mut s, "/deployment.apps");
    s.dispatch(key(KeyCode::Enter));
    s.dispatch(key(KeyCode::Home));
    type_text(&mut s, "d");
    let Some(Overlay::Detail(d)) = &s.state.overlay else {
        panic!("d describes the row");
    };
    assert_eq!(d.target.kind, ResourceKind::Deployments);
    assert!(d.target.resource.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_namespace_scope_applies_and_watches_stop_when_the_list_closes() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    open_listed(&mut s, "all -n shop").await;
    let view = shown(&s);
    let browsed = view.sections.iter().filter(|x| x.known.is_none()).count();
    assert!(browsed > 0);
    assert_eq!(s.category_watches(), browsed);
    for section in &view.sections {
        let rows = section.rows(&s.state);
        assert!(
            section
                .table
                .visible
                .iter()
                .all(|&i| rows[i].key.namespace == "shop"),
            "{}",
            section.resource.full_name()
        );
    }
    let mut want: Vec<String> = kubectl(&sim, &["get", "all", "-n", "shop", "-o", "name"])
        .await
        .lines()
        .map(str::to_string)
        .collect();
    want.sort();
    assert_eq!(names(&s), want);
    // Leaving the list stops the watches of its kinds.
    type_text(&mut s, "q");
    assert!(s.state.overlay.is_none());
    assert_eq!(s.category_watches(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crds_category_and_a_refused_kind_named_as_a_gap() {
    let sim = kmedic::sim::start(SimOptions {
        source: ScenarioSource::Builtin,
        port: 0,
        live: false,
        forbidden: vec![Forbidden {
            resource: "statefulsets".into(),
            namespace: None,
        }],
        log_generators: Vec::new(),
    })
    .await
    .unwrap();
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    open_listed(&mut s, "all").await;
    let text = tall(&s);
    assert!(
        text.contains("✗ cannot list statefulsets.apps"),
        "the refused kind is a named line\n{text}"
    );
    assert!(text.contains("deployment.apps/"), "{text}");
    // The demo's CRD is in category `acme`: its rows, with its printer columns.
    type_text(&mut s, "q");
    open_listed(&mut s, "acme").await;
    let text = tall(&s);
    assert!(
        text.contains("▸ databasebackups.ops.acme-shop.io")
            && text.contains("databasebackup.ops.acme-shop.io/"),
        "{text}"
    );
    assert!(text.contains("DATABASE"), "{text}");
}

/// Whether the open list shows a row `prefix/name`.
fn lists(st: &kmedic::app::AppState, prefix: &str, name: &str) -> bool {
    let Some(Overlay::Category(v)) = &st.overlay else {
        return false;
    };
    v.sections.iter().filter(|x| x.prefix() == prefix).any(|x| {
        let rows = x.rows(st);
        x.table.visible.iter().any(|&i| rows[i].key.name == name)
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_of_every_kind_follow_the_cluster_live() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    open_listed(&mut s, "all").await;
    let created = jiff::Timestamp::now().to_string();
    // A kind watched for the list only (StatefulSet) and one the explorer watches anyway
    // (Service): both arrive through their watches while the list is open.
    let sts = serde_json::json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "live-sts", "namespace": "shop", "creationTimestamp": created},
        "spec": {"replicas": 0, "serviceName": "live-sts",
                 "selector": {"matchLabels": {"app": "live-sts"}},
                 "template": {"metadata": {"labels": {"app": "live-sts"}},
                              "spec": {"containers": [{"name": "c", "image": "busybox"}]}}},
        "status": {"replicas": 0}});
    sim.store().upsert(sts).unwrap();
    let svc = serde_json::json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "live-svc", "namespace": "shop", "creationTimestamp": created},
        "spec": {"type": "ClusterIP", "clusterIP": "10.96.9.9",
                 "ports": [{"port": 80, "protocol": "TCP"}]}});
    sim.store().upsert(svc).unwrap();
    wait_state(&mut s, "the new StatefulSet and Service in :all", |st| {
        lists(st, "statefulset.apps", "live-sts") && lists(st, "service", "live-svc")
    })
    .await;
    let text = tall(&s);
    assert!(text.contains("statefulset.apps/live-sts"), "{text}");
}

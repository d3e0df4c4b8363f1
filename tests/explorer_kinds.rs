//! Every kind the simulated cluster serves, browsed in the explorer by kubectl's names and
//! compared cell by cell with `kubectl get` on the same server (kubectl is a client we did not
//! write); a CRD's printer columns; selectors; a kind the server does not serve; Secrets
//! masked until one key is asked for; command-line completion and history; faults only.
//! kubectl must be installed at /usr/bin/kubectl.

#![allow(clippy::unwrap_used)]

mod support;

use std::process::Stdio;

use crossterm::event::KeyCode;
use kmedic::app::overlay::Overlay;
use kmedic::model::ResourceKind;
use kmedic::runtime::Session;
use support::*;

const KUBECTL: &str = "/usr/bin/kubectl";

struct Kubectl {
    dir: tempfile::TempDir,
    kubeconfig: std::path::PathBuf,
}

impl Kubectl {
    fn new(sim: &kmedic::sim::RunningSim) -> Kubectl {
        assert!(
            std::path::Path::new(KUBECTL).exists(),
            "kubectl is required at {KUBECTL}"
        );
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = dir.path().join("kubeconfig");
        std::fs::write(&kubeconfig, sim.kubeconfig_yaml()).unwrap();
        Kubectl { dir, kubeconfig }
    }

    async fn get(&self, args: &[&str]) -> String {
        let output = tokio::process::Command::new(KUBECTL)
            .env_clear()
            .env("HOME", self.dir.path())
            .env("PATH", "/usr/bin:/bin")
            .env("NO_PROXY", "127.0.0.1")
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
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
}

/// kubectl's table as (titles, rows of cells), cut at the header's column starts (kubectl
/// left-aligns every column under its title).
fn kubectl_table(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let Some(header) = lines.next() else {
        return (Vec::new(), Vec::new());
    };
    let chars: Vec<char> = header.chars().collect();
    let mut starts = Vec::new();
    for (i, c) in chars.iter().enumerate() {
        let boundary = i == 0 || (i >= 2 && chars[i - 1] == ' ' && chars[i - 2] == ' ');
        if *c != ' ' && boundary {
            starts.push(i);
        }
    }
    let cut = |line: &str| -> Vec<String> {
        let chars: Vec<char> = line.chars().collect();
        starts
            .iter()
            .enumerate()
            .map(|(n, &s)| {
                let end = starts
                    .get(n + 1)
                    .copied()
                    .unwrap_or(chars.len())
                    .min(chars.len());
                chars[s.min(chars.len())..end]
                    .iter()
                    .collect::<String>()
                    .trim()
                    .to_string()
            })
            .collect()
    };
    let titles = cut(header);
    let rows = lines.map(cut).collect();
    (titles, rows)
}

/// Durations (`39d`, `4m42s`, `26h`) become `<d>`: ages tick between kubectl's answer and
/// the frame, and so do RFC 3339 times that are "now" (a metrics scrape's `timestamp`) become
/// `<t>`; everything else must be equal.
fn steady(cell: &str) -> String {
    let time = regex::Regex::new(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ").unwrap();
    let cell = time.replace_all(cell, "<t>");
    let re = regex::Regex::new(r"\b(\d+[smhdy])+\b").unwrap();
    re.replace_all(&cell, "<d>").to_string()
}

/// The Browse table as kmedic shows it: titles and, per row, every cell's text.
fn kmedic_table(s: &Session) -> (Vec<String>, Vec<Vec<String>>) {
    let st = &s.state;
    let table = st.tables.get(&ResourceKind::Browse).expect("browse table");
    let mut rows: Vec<Vec<String>> = st
        .rows(ResourceKind::Browse)
        .iter()
        .map(|r| r.cells.iter().map(|c| c.display(st.now)).collect())
        .collect();
    rows.sort();
    (table.titles.clone(), rows)
}

async fn browse_synced(s: &mut Session, what: &str) {
    wait_state(s, &format!("{what} to be listed"), |st| {
        st.view == ResourceKind::Browse
            && st
                .kinds
                .get(&ResourceKind::Browse)
                .is_some_and(|d| d.synced || d.refused.is_some())
    })
    .await;
    let refused = s.state.kinds[&ResourceKind::Browse].refused.clone();
    assert!(refused.is_none(), "{what}: {refused:?}");
}

async fn discovered(s: &mut Session) {
    wait_state(s, "API discovery", |st| st.api.is_some()).await;
}

/// Compares kmedic's Browse table with `kubectl get ARGS`.
async fn same_as_kubectl(s: &Session, kubectl: &Kubectl, what: &str, args: &[&str]) {
    let (k_titles, mut k_rows) = kubectl_table(&kubectl.get(args).await);
    let (m_titles, m_rows) = kmedic_table(s);
    if k_titles.is_empty() {
        // kubectl prints only "No resources found" (to stderr).
        assert!(
            m_rows.is_empty(),
            "{what}: kubectl found none, kmedic {m_rows:?}"
        );
        return;
    }
    assert_eq!(m_titles, k_titles, "{what}: column titles");
    k_rows.sort();
    assert_eq!(
        m_rows.len(),
        k_rows.len(),
        "{what}: row count\n{m_rows:?}\n{k_rows:?}"
    );
    for (m, k) in m_rows.iter().zip(&k_rows) {
        let m: Vec<String> = m.iter().map(|c| steady(c)).collect();
        let k: Vec<String> = k.iter().map(|c| steady(c)).collect();
        assert_eq!(m, k, "{what}: a row differs");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_served_kind_is_browsable_with_kubectls_columns() {
    let sim = start_demo().await;
    let kubectl = Kubectl::new(&sim);
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    discovered(&mut s).await;
    let api = s.state.api.clone().unwrap();
    assert_eq!(api.source, "aggregated");
    // The names the issue lists, each by its kubectl short or plural name.
    for name in [
        "sts", "ds", "jobs", "cj", "rs", "cm", "secrets", "pvc", "pv", "ing", "netpol", "ep", "sa",
        "roles", "crd",
    ] {
        command(&mut s, name);
        browse_synced(&mut s, name).await;
        let full = s.state.browse.as_ref().unwrap().resource.full_name();
        same_as_kubectl(&s, &kubectl, name, &["get", &full, "-A"]).await;
    }
    // Then every other listable kind the server serves, by its name.group.
    let mut compared = 0;
    for r in &api.resources {
        if ResourceKind::of_resource(&r.group, &r.plural).is_some() {
            command(&mut s, &r.full_name());
            assert_ne!(
                s.state.view,
                ResourceKind::Browse,
                "{} has its own view",
                r.plural
            );
            continue;
        }
        command(&mut s, &r.full_name());
        browse_synced(&mut s, &r.full_name()).await;
        let mut args = vec!["get", r.full_name().leak() as &str];
        if r.namespaced {
            args.push("-A");
        }
        same_as_kubectl(&s, &kubectl, &r.full_name(), &args).await;
        compared += 1;
    }
    assert!(compared >= 25, "only {compared} kinds compared");
    // Kinds of the same name in two groups: the core group wins, NAME.GROUP picks the other.
    command(&mut s, "nodes.metrics.k8s.io");
    browse_synced(&mut s, "node metrics").await;
    assert_eq!(
        s.state.browse.as_ref().unwrap().resource.kind,
        "NodeMetrics"
    );
    command(&mut s, "ev");
    assert_eq!(s.state.view, ResourceKind::Events);
    assert!(s.state.browse.is_none(), "leaving the Browse table ends it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crd_shows_its_printer_columns_and_selectors_go_to_the_server() {
    let sim = start_demo().await;
    let kubectl = Kubectl::new(&sim);
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    discovered(&mut s).await;
    command(&mut s, "dbb");
    browse_synced(&mut s, "databasebackups").await;
    let text = wait_for_screen(&mut s, "LAST SUCCESS").await;
    assert!(text.contains("databasebackups.ops.acme-shop.io"), "{text}");
    let (titles, _) = kmedic_table(&s);
    assert_eq!(
        titles,
        [
            "NAMESPACE",
            "NAME",
            "DATABASE",
            "SCHEDULE",
            "PHASE",
            "LAST SUCCESS",
            "AGE"
        ]
    );
    same_as_kubectl(
        &s,
        &kubectl,
        "dbb",
        &["get", "databasebackups.ops.acme-shop.io", "-A"],
    )
    .await;
    // Singular, kind and NAME.VERSION.GROUP name the same type.
    for name in [
        "databasebackup",
        "DatabaseBackup",
        "databasebackups.v1.ops.acme-shop.io",
    ] {
        command(&mut s, name);
        assert_eq!(
            s.state.browse.as_ref().unwrap().resource.kind,
            "DatabaseBackup",
            "{name}"
        );
    }

    // Label and field selectors are the server's: same rows as kubectl with the same flags.
    command(&mut s, "pods -l app=cart");
    browse_synced(&mut s, "pods -l app=cart").await;
    assert!(s.state.view_title().contains("-l app=cart"));
    same_as_kubectl(
        &s,
        &kubectl,
        "pods -l",
        &["get", "pods", "-A", "-l", "app=cart"],
    )
    .await;
    assert!(!s.state.rows(ResourceKind::Browse).is_empty());
    let node = kubectl
        .get(&["get", "nodes", "-o", "jsonpath={.items[1].metadata.name}"])
        .await;
    command(
        &mut s,
        &format!("pods --field-selector spec.nodeName={node}"),
    );
    browse_synced(&mut s, "pods on a node").await;
    same_as_kubectl(
        &s,
        &kubectl,
        "pods --field-selector",
        &[
            "get",
            "pods",
            "-A",
            "--field-selector",
            &format!("spec.nodeName={node}"),
        ],
    )
    .await;
    // -n narrows the scope like kubectl's.
    command(&mut s, "cm -n kube-system");
    browse_synced(&mut s, "configmaps in kube-system").await;
    assert!(
        s.state
            .rows(ResourceKind::Browse)
            .iter()
            .all(|r| r.key.namespace == "kube-system")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unserved_and_unknown_kinds_say_so() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    discovered(&mut s).await;
    command(&mut s, "controllerrevisions");
    let notice = s.state.notice.clone().unwrap();
    assert!(
        notice.error
            && notice
                .text
                .contains("the server does not serve controllerrevisions"),
        "{notice:?}"
    );
    assert!(
        notice.text.contains("apps/v1 ControllerRevision"),
        "{notice:?}"
    );
    command(&mut s, "runtimeclasses");
    assert!(
        s.state
            .notice
            .clone()
            .unwrap()
            .text
            .contains("does not serve")
    );
    command(&mut s, "frobnicators");
    let notice = s.state.notice.clone().unwrap();
    assert!(
        notice
            .text
            .contains("unknown command or resource 'frobnicators'"),
        "{notice:?}"
    );
    assert_ne!(s.state.view, ResourceKind::Browse);
    // A category is neither: one list of its kinds' rows (see tests/explorer_category.rs).
    command(&mut s, "all");
    assert!(matches!(s.state.overlay, Some(Overlay::Category(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_stay_masked_until_one_key_is_asked_for() {
    let sim = start_demo().await;
    let kubectl = Kubectl::new(&sim);
    let mut s = session(&sim.kubeconfig_yaml(), Some("payments"), false).await;
    discovered(&mut s).await;
    let raw: serde_json::Value = serde_json::from_str(
        &kubectl
            .get(&[
                "get",
                "secret",
                "payments-db",
                "-n",
                "payments",
                "-o",
                "json",
            ])
            .await,
    )
    .unwrap();
    let data = raw["data"].as_object().unwrap().clone();
    assert!(data.len() >= 2);
    use base64::Engine;
    let decoded: Vec<(String, String, String)> = data
        .iter()
        .map(|(k, v)| {
            let enc = v.as_str().unwrap().to_string();
            let dec = String::from_utf8(
                base64::engine::general_purpose::STANDARD
                    .decode(&enc)
                    .unwrap(),
            )
            .unwrap();
            (k.clone(), enc, dec)
        })
        .collect();
    let leaks = |text: &str, except: Option<&str>| -> Vec<String> {
        decoded
            .iter()
            .filter(|(k, _, _)| Some(k.as_str()) != except)
            // A value that is also the namespace's or the Secret's name (a user name
            // `payments`) is on screen for that reason; its base64 form still must not be.
            .filter(|(_, enc, dec)| {
                text.contains(enc.as_str())
                    || (!"payments-db".contains(dec.as_str()) && text.contains(dec.as_str()))
            })
            .map(|(k, _, _)| k.clone())
            .collect()
    };

    command(&mut s, "secrets");
    browse_synced(&mut s, "secrets").await;
    let (titles, _) = kmedic_table(&s);
    // NAMESPACE is hidden on screen while one namespace is shown.
    assert_eq!(titles, ["NAMESPACE", "NAME", "TYPE", "DATA", "AGE"]);
    let list = screen(&s, 160, 40);
    assert!(leaks(&list, None).is_empty(), "{list}");

    // Select the Secret, open its YAML: every value masked.
    type_text(&mut s, "/");
    type_text(&mut s, "payments-db");
    s.dispatch(key(KeyCode::Enter));
    type_text(&mut s, "y");
    wait_state(
        &mut s,
        "the YAML",
        |st| matches!(&st.overlay, Some(Overlay::Yaml(y)) if !y.lines.is_empty()),
    )
    .await;
    let yaml = overlay_text(&s.state);
    assert!(yaml.contains("<masked:"), "{yaml}");
    assert!(
        leaks(&yaml, None).is_empty(),
        "values leak: {:?}\n{yaml}",
        leaks(&yaml, None)
    );
    if let Some(Overlay::Yaml(y)) = &s.state.overlay {
        let object = y.target.object.as_ref().unwrap().to_string();
        assert!(leaks(&object, None).is_empty(), "the state holds values");
    }

    // :reveal KEY shows that key, decoded, and no other.
    let (key_name, _, value) = decoded[0].clone();
    command(&mut s, &format!("reveal {key_name}"));
    wait_state(&mut s, "the revealed key", |st| match &st.overlay {
        Some(Overlay::Yaml(y)) => y.lines.iter().any(|l| l.contains(&value)),
        _ => false,
    })
    .await;
    let yaml = overlay_text(&s.state);
    assert!(leaks(&yaml, Some(&key_name)).is_empty(), "{yaml}");

    // Describe (in place of the YAML) keeps the same rule; a bad key is refused.
    type_text(&mut s, "d");
    wait_state(
        &mut s,
        "describe",
        |st| matches!(&st.overlay, Some(Overlay::Detail(d)) if !d.lines.is_empty()),
    )
    .await;
    let text = overlay_text(&s.state);
    assert!(text.contains("Data"), "{text}");
    assert!(leaks(&text, Some(&key_name)).is_empty(), "{text}");
    command(&mut s, "reveal nope");
    assert!(
        s.state
            .notice
            .clone()
            .unwrap()
            .text
            .contains("no key 'nope'")
    );

    // Opening it again from the table: masked again.
    s.dispatch(key(KeyCode::Esc));
    type_text(&mut s, "y");
    wait_state(
        &mut s,
        "the YAML again",
        |st| matches!(&st.overlay, Some(Overlay::Yaml(y)) if !y.lines.is_empty()),
    )
    .await;
    let yaml = overlay_text(&s.state);
    assert!(leaks(&yaml, None).is_empty(), "{yaml}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_history_and_faults_only() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    discovered(&mut s).await;
    wait_state(&mut s, "namespaces", |st| {
        st.kinds
            .get(&ResourceKind::Namespaces)
            .is_some_and(|d| d.synced)
    })
    .await;
    wait_state(&mut s, "pods", |st| {
        st.kinds.get(&ResourceKind::Pods).is_some_and(|d| d.synced)
    })
    .await;
    let input = |s: &Session| {
        s.state
            .input
            .as_ref()
            .map(|i| i.text.clone())
            .unwrap_or_default()
    };

    // Kinds.
    type_text(&mut s, ":statef");
    s.dispatch(key(KeyCode::Tab));
    assert_eq!(input(&s), "statefulset", "the common prefix of the matches");
    type_text(&mut s, "s.");
    s.dispatch(key(KeyCode::Tab));
    assert_eq!(input(&s), "statefulsets.apps ");
    // Namespaces after -n.
    type_text(&mut s, "-n kube-sy");
    s.dispatch(key(KeyCode::Tab));
    assert_eq!(input(&s), "statefulsets.apps -n kube-system ");
    s.dispatch(key(KeyCode::Enter));
    browse_synced(&mut s, "statefulsets").await;
    // Several matches: the common prefix, and the matches shown.
    type_text(&mut s, ":persistentvolume");
    s.dispatch(key(KeyCode::Tab));
    assert_eq!(input(&s), "persistentvolume");
    let shown = s.state.input.as_ref().unwrap().error.clone().unwrap();
    assert!(
        shown.contains("persistentvolumeclaims") && shown.contains("persistentvolumes"),
        "{shown}"
    );
    // Names of pods (the scope is kube-system now: wait for its pods).
    wait_state(&mut s, "kube-system pods", |st| {
        st.kinds.get(&ResourceKind::Pods).is_some_and(|d| d.synced)
    })
    .await;
    s.dispatch(ctrl('u'));
    type_text(&mut s, "logs coredns-674b8bbfcf-4x");
    s.dispatch(key(KeyCode::Tab));
    let coredns: Vec<String> = s
        .state
        .rows(ResourceKind::Pods)
        .iter()
        .filter(|r| r.key.name.starts_with("coredns-674b8bbfcf-4x"))
        .map(|r| r.key.name.to_string())
        .collect();
    assert_eq!(coredns.len(), 1, "{coredns:?}");
    assert_eq!(input(&s), format!("logs {} ", coredns[0]));
    s.dispatch(key(KeyCode::Esc));

    // History: ↑ walks back through what was run, ↓ forward to what was being typed.
    command(&mut s, "cm");
    type_text(&mut s, ":x");
    s.dispatch(key(KeyCode::Up));
    assert_eq!(input(&s), "cm");
    s.dispatch(key(KeyCode::Up));
    assert_eq!(input(&s), "statefulsets.apps -n kube-system");
    s.dispatch(key(KeyCode::Down));
    s.dispatch(key(KeyCode::Down));
    assert_eq!(input(&s), "x");
    s.dispatch(key(KeyCode::Esc));

    // Faults only: on the pods table, only pods with a warning or an error remain.
    command(&mut s, "pods -A");
    wait_state(&mut s, "pods", |st| {
        st.kinds.get(&ResourceKind::Pods).is_some_and(|d| d.synced)
    })
    .await;
    let all = s.state.table().unwrap().visible.len();
    type_text(&mut s, "F");
    let table = s.state.table().unwrap();
    assert!(table.faults_only);
    let rows = s.state.rows(ResourceKind::Pods);
    assert!(table.visible.len() < all && !table.visible.is_empty());
    assert!(table.visible.iter().all(|&i| matches!(
        rows[i].health,
        kmedic::model::Health::Warning | kmedic::model::Health::Error
    )));
    let text = screen(&s, 160, 40);
    assert!(
        text.contains("[faults only]") && text.contains("CrashLoopBackOff"),
        "{text}"
    );
    type_text(&mut s, "F");
    assert_eq!(s.state.table().unwrap().visible.len(), all);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browsed_kind_follows_the_cluster_live() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    discovered(&mut s).await;
    command(&mut s, "cm -n shop");
    browse_synced(&mut s, "configmaps").await;
    let cell = |s: &Session, name: &str, column: usize| {
        s.state
            .rows(ResourceKind::Browse)
            .iter()
            .find(|r| r.key.name == name)
            .map(|r| r.cells[column].display(s.state.now))
    };
    let created = jiff::Timestamp::now().to_string();
    let mut cm = serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "live-probe", "namespace": "shop", "creationTimestamp": created},
        "data": {}});
    sim.store().upsert(cm.clone()).unwrap();
    // NAMESPACE NAME DATA AGE: the new object arrives through the watch.
    wait_state(&mut s, "the new ConfigMap", |st| {
        st.rows(ResourceKind::Browse)
            .iter()
            .any(|r| r.key.name == "live-probe")
    })
    .await;
    assert_eq!(cell(&s, "live-probe", 2).as_deref(), Some("0"));
    cm["data"] = serde_json::json!({"a": "1", "b": "2"});
    sim.store().upsert(cm).unwrap();
    wait_state(&mut s, "its new DATA count", |st| {
        st.rows(ResourceKind::Browse)
            .iter()
            .any(|r| r.key.name == "live-probe" && r.cells[2].display(st.now) == "2")
    })
    .await;

    // A pod deleted under a label selector leaves the table.
    command(&mut s, "pods -l app=cart");
    browse_synced(&mut s, "cart pods").await;
    let pod = s.state.rows(ResourceKind::Browse)[0].key.clone();
    sim.store().delete_pod(&pod.namespace, &pod.name).unwrap();
    wait_state(&mut s, "the deleted pod to go", |st| {
        !st.rows(ResourceKind::Browse).iter().any(|r| r.key == pod)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enter_on_a_browsed_workload_drills_down_to_its_pods() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    discovered(&mut s).await;
    wait_state(&mut s, "pods", |st| {
        st.kinds.get(&ResourceKind::Pods).is_some_and(|d| d.synced)
    })
    .await;
    command(&mut s, "ds -n kube-system");
    browse_synced(&mut s, "daemonsets").await;
    type_text(&mut s, "/kube-proxy");
    s.dispatch(key(KeyCode::Enter));
    s.dispatch(key(KeyCode::Enter));
    // The breadcrumb names the browsed kind and the DaemonSet; its pods are listed.
    let text = wait_for_screen(&mut s, "daemonset/kube-system/kube-proxy › Pods 4").await;
    assert!(text.contains("daemonsets.apps"), "{text}");
    let shown: Vec<String> = s
        .state
        .table()
        .unwrap()
        .visible
        .iter()
        .map(|&i| s.state.rows(ResourceKind::Pods)[i].key.name.to_string())
        .collect();
    assert_eq!(shown.len(), 4);
    assert!(
        shown.iter().all(|n| n.starts_with("kube-proxy-")),
        "{shown:?}"
    );

    // Esc goes back to the browsed DaemonSets with the cursor where it was.
    s.dispatch(key(KeyCode::Esc));
    let row = s.state.selected_row().unwrap().key.name.clone();
    assert_eq!(row, "kube-proxy");
    assert_eq!(s.state.view, ResourceKind::Browse);
}

#[tokio::test]
async fn faults_only_on_a_browsed_kind_follows_the_findings() {
    let (_sim, mut s, _) = frozen_demo().await;
    discovered(&mut s).await;
    wait_state(&mut s, "the analysis", |st| {
        st.troubleshoot.analysis.is_some()
    })
    .await;
    let faulted: Vec<String> = {
        let analysis = s.state.troubleshoot.analysis.as_ref().unwrap();
        let mut names: Vec<String> = analysis
            .findings
            .iter()
            .filter(|f| f.object.kind == "DaemonSet")
            .filter(|f| f.severity != kmedic::findings::Severity::Info)
            .map(|f| f.object.name.clone())
            .collect();
        names.sort();
        names.dedup();
        names
    };
    assert!(faulted.contains(&"kube-proxy".to_string()), "{faulted:?}");
    command(&mut s, "ds");
    browse_synced(&mut s, "daemonsets").await;
    type_text(&mut s, "F");
    let table = s.state.table().unwrap();
    assert!(table.faults_only);
    let rows = s.state.rows(ResourceKind::Browse);
    let mut shown: Vec<String> = table
        .visible
        .iter()
        .map(|&i| rows[i].key.name.to_string())
        .collect();
    shown.sort();
    assert_eq!(shown, faulted, "the DaemonSets with a finding");
    let text = screen(&s, 160, 40);
    assert!(text.contains("kube-proxy"), "{text}");
}

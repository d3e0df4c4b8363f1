//! The explorer driven through real watch streams from the simulated cluster into a TestBackend:
//! views, command line, filter, sort, describe, YAML, namespaces, help, small terminals.

mod support;

use crossterm::event::KeyCode;
use kmedic::app::overlay::Overlay;
use kmedic::app::state::Connection;
use kmedic::cluster::Scope;
use kmedic::model::ResourceKind;
use support::*;

fn synced(state: &kmedic::app::AppState, kind: ResourceKind) -> bool {
    state.kinds.get(&kind).is_some_and(|k| k.synced)
}

#[tokio::test]
async fn pods_view_shows_the_demo_failures_live() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    wait_state(&mut s, "pods to sync", |st| synced(st, ResourceKind::Pods)).await;
    let screen = wait_for_screen(&mut s, "CrashLoopBackOff").await;
    for needle in ["ImagePullBackOff", "Pending", "READ-ONLY", "● live", "kmedic-demo", "NAMESPACE", "RESTARTS"] {
        assert!(screen.contains(needle), "missing {needle:?} in\n{screen}");
    }
    let total = s.state.rows(ResourceKind::Pods).len();
    assert!(screen.contains(&format!("Pods {total}")), "title shows the row count\n{screen}");
    assert!(matches!(s.state.connection, Connection::Live));
}

#[tokio::test]
async fn command_line_switches_views_with_kubectl_names() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    wait_state(&mut s, "pods to sync", |st| synced(st, ResourceKind::Pods)).await;

    command(&mut s, "no");
    assert_eq!(s.state.view, ResourceKind::Nodes);
    let screen = wait_for_screen(&mut s, "NotReady").await;
    assert!(screen.contains("ROLES") && screen.contains("control-plane"), "{screen}");

    command(&mut s, "svc");
    assert_eq!(s.state.view, ResourceKind::Services);
    let screen = wait_for_screen(&mut s, "ENDPOINTS").await;
    assert!(screen.contains("ClusterIP"), "{screen}");

    command(&mut s, "deploy");
    assert_eq!(s.state.view, ResourceKind::Deployments);
    command(&mut s, "ev");
    assert_eq!(s.state.view, ResourceKind::Events);
    wait_for_screen(&mut s, "BackOff").await;

    command(&mut s, "nonsense");
    let screen = screen(&s, 160, 40);
    assert!(screen.contains("unknown command or resource 'nonsense'"), "{screen}");
    assert_eq!(s.state.view, ResourceKind::Events, "a bad command changes nothing");
}

#[tokio::test]
async fn regex_filter_counts_and_survives_invalid_patterns() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    wait_state(&mut s, "pods to sync", |st| synced(st, ResourceKind::Pods)).await;
    let total = s.state.rows(ResourceKind::Pods).len();

    type_text(&mut s, "/");
    type_text(&mut s, "crashloop|imagepull");
    s.dispatch(key(KeyCode::Enter));
    let shown = s.state.table().map(|t| t.visible.len()).unwrap_or_default();
    assert!(shown >= 2 && shown < total, "filter keeps only matching rows ({shown} of {total})");
    let screen = screen(&s, 160, 40);
    assert!(screen.contains(&format!("Pods {shown}/{total}")), "{screen}");
    assert!(!screen.contains("Running "), "running pods are filtered out\n{screen}");

    type_text(&mut s, "/");
    s.dispatch(ctrl('u'));
    type_text(&mut s, "([");
    let screen = screen(&s, 160, 40);
    assert!(screen.contains('✗'), "inline regex error shown\n{screen}");
    s.dispatch(key(KeyCode::Esc));
    assert_eq!(s.state.table().map(|t| t.visible.len()), Some(total), "Esc clears the filter");
}

#[tokio::test]
async fn sorting_by_restarts_puts_the_crashloop_first() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    wait_state(&mut s, "pods to sync", |st| synced(st, ResourceKind::Pods)).await;
    // Move the sort to RESTARTS (column 4) and make it descending.
    while s.state.table().map(|t| t.sort.column) != Some(4) {
        type_text(&mut s, ">");
    }
    if s.state.table().is_some_and(|t| !t.sort.descending) {
        type_text(&mut s, "S");
    }
    let first = s.state.selected_row().cloned();
    s.dispatch(key(KeyCode::Home));
    let top = s.state.selected_row().map(|r| r.cells[3].display(s.state.now)).unwrap_or_default();
    assert_eq!(top, "CrashLoopBackOff", "the most restarted pod is first (was {first:?})");
    assert!(screen(&s, 160, 40).contains("RESTARTS↓"));
}

#[tokio::test]
async fn describe_and_yaml_of_the_oomkilled_pod() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    wait_state(&mut s, "pods and events to sync", |st| synced(st, ResourceKind::Pods) && synced(st, ResourceKind::Events)).await;
    type_text(&mut s, "/");
    type_text(&mut s, "CrashLoopBackOff");
    s.dispatch(key(KeyCode::Enter));
    s.dispatch(key(KeyCode::Enter));
    assert!(matches!(s.state.overlay, Some(Overlay::Detail(_))));
    let screen = wait_for_screen(&mut s, "OOMKilled").await;
    for needle in ["137", "Events:", "BackOff", "describe"] {
        assert!(screen.contains(needle), "describe shows {needle:?}\n{screen}");
    }

    type_text(&mut s, "y");
    assert!(matches!(s.state.overlay, Some(Overlay::Yaml(_))));
    let screen = wait_for_screen(&mut s, "apiVersion: v1").await;
    assert!(screen.contains("kind: Pod"), "{screen}");
    let yaml_lines = match &s.state.overlay {
        Some(Overlay::Yaml(y)) => y.lines.clone(),
        _ => Vec::new(),
    };
    assert!(!yaml_lines.iter().any(|l| l.contains("managedFields")), "managedFields removed");

    type_text(&mut s, "/");
    type_text(&mut s, "restartCount");
    s.dispatch(key(KeyCode::Enter));
    let screen = screen(&s, 160, 40);
    assert!(screen.contains("/restartCount [1/"), "search position shown\n{screen}");

    s.dispatch(key(KeyCode::Esc));
    assert!(s.state.overlay.is_none(), "Esc goes back to the table");
}

#[tokio::test]
async fn namespace_picker_switches_scope_and_drops_other_namespaces() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    wait_state(&mut s, "namespaces and pods", |st| synced(st, ResourceKind::Namespaces) && synced(st, ResourceKind::Pods)).await;
    let old_generation = s.state.generation;
    command(&mut s, "ns kube-system");
    assert_eq!(s.state.scope, Scope::Namespace("kube-system".into()));
    assert!(s.state.generation > old_generation);
    wait_state(&mut s, "kube-system pods", |st| synced(st, ResourceKind::Pods)).await;
    assert!(s.state.rows(ResourceKind::Pods).iter().all(|r| r.key.namespace == "kube-system"));
    let screen = wait_for_screen(&mut s, "kube-apiserver").await;
    assert!(screen.contains("[kube-system]") && !screen.contains("NAMESPACE"), "{screen}");

    // The picker: filter by typing, Enter chooses.
    let picker_key = s.state.keymap.hint(kmedic::app::action::Layer::Table, kmedic::app::action::Action::NamespacePicker);
    assert!(picker_key.is_some(), "the keymap binds the namespace picker");
    s.state.overlay = Some(Overlay::Namespaces(kmedic::app::picker::Picker::default()));
    type_text(&mut s, "<all");
    s.dispatch(key(KeyCode::Enter));
    assert_eq!(s.state.scope, Scope::All);
}

#[tokio::test]
async fn help_is_generated_from_the_keymap() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    type_text(&mut s, "?");
    assert!(matches!(s.state.overlay, Some(Overlay::Help(_))));
    let screen = screen(&s, 160, 40);
    let bindings = s.state.keymap.bindings(kmedic::app::action::Layer::Table);
    assert!(!bindings.is_empty());
    for binding in bindings.iter().take(3) {
        assert!(screen.contains(&binding.desc), "help lists {:?}\n{screen}", binding.desc);
    }
}

#[tokio::test]
async fn tiny_terminal_shows_a_notice_instead_of_panicking() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    wait_state(&mut s, "pods", |st| synced(st, ResourceKind::Pods)).await;
    for (w, h) in [(20, 5), (39, 30), (100, 7), (1, 1)] {
        s.dispatch(kmedic::app::Msg::Resize { width: w, height: h });
        let text = screen(&s, w, h);
        assert!(text.contains("small") || w < 12, "{w}x{h}:\n{text}");
    }
    s.dispatch(kmedic::app::Msg::Resize { width: 80, height: 24 });
    assert!(screen(&s, 80, 24).contains("Pods"));
}

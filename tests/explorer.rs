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
    let text = wait_for_screen(&mut s, "CrashLoopBackOff").await;
    for needle in [
        "ImagePullBackOff",
        "Pending",
        "READ-ONLY",
        "● live",
        "kmedic-demo",
        "NAMESPACE",
        "RESTARTS",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    let total = s.state.rows(ResourceKind::Pods).len();
    assert!(
        text.contains(&format!("Pods {total}")),
        "title shows the row count\n{text}"
    );
    assert!(matches!(s.state.connection, Connection::Live));
}

#[tokio::test]
async fn command_line_switches_views_with_kubectl_names() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    wait_state(&mut s, "pods to sync", |st| synced(st, ResourceKind::Pods)).await;

    command(&mut s, "no");
    assert_eq!(s.state.view, ResourceKind::Nodes);
    let text = wait_for_screen(&mut s, "NotReady").await;
    assert!(
        text.contains("ROLES") && text.contains("control-plane"),
        "{text}"
    );

    command(&mut s, "svc");
    assert_eq!(s.state.view, ResourceKind::Services);
    let text = wait_for_screen(&mut s, "ENDPOINTS").await;
    assert!(text.contains("ClusterIP"), "{text}");

    command(&mut s, "deploy");
    assert_eq!(s.state.view, ResourceKind::Deployments);
    command(&mut s, "ev");
    assert_eq!(s.state.view, ResourceKind::Events);
    wait_for_screen(&mut s, "BackOff").await;

    command(&mut s, "nonsense");
    // Until API discovery answers, a name kmedic does not know waits for it.
    wait_for_screen(&mut s, "unknown command or resource 'nonsense'").await;
    assert_eq!(
        s.state.view,
        ResourceKind::Events,
        "a bad command changes nothing"
    );
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
    assert!(
        shown >= 2 && shown < total,
        "filter keeps only matching rows ({shown} of {total})"
    );
    let text = screen(&s, 160, 40);
    assert!(text.contains(&format!("Pods {shown}/{total}")), "{text}");
    assert!(
        !text.contains("Running "),
        "running pods are filtered out\n{text}"
    );

    type_text(&mut s, "/");
    s.dispatch(ctrl('u'));
    type_text(&mut s, "([");
    let text = screen(&s, 160, 40);
    assert!(text.contains('✗'), "inline regex error shown\n{text}");
    s.dispatch(key(KeyCode::Esc));
    assert_eq!(
        s.state.table().map(|t| t.visible.len()),
        Some(total),
        "Esc clears the filter"
    );
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
    let top = s
        .state
        .selected_row()
        .map(|r| r.cells[3].display(s.state.now))
        .unwrap_or_default();
    assert_eq!(
        top, "CrashLoopBackOff",
        "the most restarted pod is first (was {first:?})"
    );
    assert!(screen(&s, 160, 40).contains("RESTARTS↓"));
}

#[tokio::test]
async fn describe_and_yaml_of_the_oomkilled_pod() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    wait_state(&mut s, "pods and events to sync", |st| {
        synced(st, ResourceKind::Pods) && synced(st, ResourceKind::Events)
    })
    .await;
    type_text(&mut s, "/");
    type_text(&mut s, "CrashLoopBackOff");
    s.dispatch(key(KeyCode::Enter));
    s.dispatch(key(KeyCode::Enter));
    assert!(matches!(s.state.overlay, Some(Overlay::Detail(_))));
    let text = wait_for_screen(&mut s, "OOMKilled").await;
    for needle in ["137", "Last State:", "describe"] {
        assert!(text.contains(needle), "describe shows {needle:?}\n{text}");
    }
    let detail: Vec<String> = match &s.state.overlay {
        Some(Overlay::Detail(d)) => d.lines.iter().map(|l| l.text.clone()).collect(),
        _ => Vec::new(),
    };
    let events_at = detail
        .iter()
        .position(|l| l.starts_with("Events:"))
        .expect("an Events section");
    assert!(
        detail[events_at..].iter().any(|l| l.contains("BackOff")),
        "related events listed: {detail:#?}"
    );
    // Scrolling to the bottom brings the events on screen.
    type_text(&mut s, "G");
    assert!(screen(&s, 160, 40).contains("BackOff"));

    type_text(&mut s, "y");
    assert!(matches!(s.state.overlay, Some(Overlay::Yaml(_))));
    let text = wait_for_screen(&mut s, "apiVersion: v1").await;
    assert!(text.contains("kind: Pod"), "{text}");
    let yaml_lines = match &s.state.overlay {
        Some(Overlay::Yaml(y)) => y.lines.clone(),
        _ => Vec::new(),
    };
    assert!(
        !yaml_lines.iter().any(|l| l.contains("managedFields")),
        "managedFields removed"
    );

    type_text(&mut s, "/");
    type_text(&mut s, "restartCount");
    s.dispatch(key(KeyCode::Enter));
    let text = screen(&s, 160, 40);
    assert!(
        text.contains("/restartCount [1/"),
        "search position shown\n{text}"
    );

    s.dispatch(key(KeyCode::Esc));
    assert!(s.state.overlay.is_none(), "Esc goes back to the table");
}

#[tokio::test]
async fn namespace_picker_switches_scope_and_drops_other_namespaces() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    wait_state(&mut s, "namespaces and pods", |st| {
        synced(st, ResourceKind::Namespaces) && synced(st, ResourceKind::Pods)
    })
    .await;
    let old_generation = s.state.generation;
    command(&mut s, "ns kube-system");
    assert_eq!(s.state.scope, Scope::Namespace("kube-system".into()));
    assert!(s.state.generation > old_generation);
    wait_state(&mut s, "kube-system pods", |st| {
        synced(st, ResourceKind::Pods)
    })
    .await;
    assert!(
        s.state
            .rows(ResourceKind::Pods)
            .iter()
            .all(|r| r.key.namespace == "kube-system")
    );
    let text = wait_for_screen(&mut s, "kube-apiserver").await;
    assert!(
        text.contains("[kube-system]") && !text.contains("NAMESPACE"),
        "{text}"
    );

    // The picker: filter by typing, Enter chooses.
    let picker_key = s.state.keymap.hint(
        kmedic::app::action::Layer::Table,
        kmedic::app::action::Action::NamespacePicker,
    );
    assert!(
        picker_key.is_some(),
        "the keymap binds the namespace picker"
    );
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
    let text = screen(&s, 160, 40);
    let bindings = s.state.keymap.bindings(kmedic::app::action::Layer::Table);
    assert!(!bindings.is_empty());
    for binding in bindings.iter().take(3) {
        assert!(
            text.contains(&binding.desc),
            "help lists {:?}\n{text}",
            binding.desc
        );
    }
}

#[tokio::test]
async fn tiny_terminal_shows_a_notice_instead_of_panicking() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    wait_state(&mut s, "pods", |st| synced(st, ResourceKind::Pods)).await;
    for (w, h) in [(20, 5), (39, 30), (100, 7), (1, 1)] {
        s.dispatch(kmedic::app::Msg::Resize {
            width: w,
            height: h,
        });
        let text = screen(&s, w, h);
        assert!(text.contains("small") || w < 12, "{w}x{h}:\n{text}");
    }
    s.dispatch(kmedic::app::Msg::Resize {
        width: 80,
        height: 24,
    });
    assert!(screen(&s, 80, 24).contains("Pods"));
}

#[tokio::test]
async fn narrow_screens_reach_dropped_columns_by_scrolling_right() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    wait_state(&mut s, "pods", |st| synced(st, ResourceKind::Pods)).await;
    s.dispatch(kmedic::app::Msg::Resize {
        width: 80,
        height: 24,
    });
    let text = screen(&s, 80, 24);
    assert!(!text.contains("NODE"), "80 columns drop NODE first\n{text}");
    let first_columns: Vec<String> = text
        .lines()
        .find(|l| l.contains("NAME"))
        .map(|l| l.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default();
    for _ in 0..4 {
        type_text(&mut s, "l");
    }
    let text = screen(&s, 80, 24);
    assert!(
        text.contains("NAME") && text.contains("NODE") && text.contains("worker-"),
        "{text}"
    );
    assert!(
        !text.contains("NAMESPACE"),
        "scrolled-out columns are hidden\n{text}"
    );
    for _ in 0..10 {
        type_text(&mut s, "h");
    }
    // Scrolling back shows the first columns again (which of them fit at 80 columns depends
    // on the longest pod name of the demo).
    let t = screen(&s, 80, 24);
    let header: Vec<String> = t
        .lines()
        .find(|l| l.contains("NAME"))
        .map(|l| l.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default();
    assert_eq!(header, first_columns, "{t}");
    assert!(!t.contains("NODE"), "{t}");
}

#[tokio::test]
async fn names_and_yaml_are_copied_with_osc52() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    wait_state(&mut s, "pods", |st| synced(st, ResourceKind::Pods)).await;
    let selected = s
        .state
        .selected_row()
        .map(|r| format!("pod/{} -n {}", r.key.name, r.key.namespace))
        .expect("a row");
    type_text(&mut s, "Y");
    let copied = s.take_clipboard();
    assert_eq!(copied.len(), 1);
    let expected = base64_encode(selected.as_bytes());
    assert!(
        copied[0].starts_with("\u{1b}]52;c;") && copied[0].contains(&expected),
        "{copied:?}"
    );
    assert!(
        screen(&s, 160, 40).contains(&format!("copied '{selected}'")),
        "the copied text pastes into kubectl: kubectl describe {selected}"
    );

    type_text(&mut s, "y");
    wait_for_screen(&mut s, "apiVersion").await;
    type_text(&mut s, "Y");
    let copied = s.take_clipboard();
    assert_eq!(copied.len(), 1, "the YAML is copied");
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[tokio::test]
async fn favourite_namespaces_are_listed_first_and_remembered() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    wait_state(&mut s, "namespaces", |st| {
        synced(st, ResourceKind::Namespaces)
    })
    .await;
    type_text(&mut s, "n");
    type_text(&mut s, "shop");
    s.dispatch(ctrl('f'));
    assert!(s.state.current_favourites().contains("shop"));
    s.dispatch(key(KeyCode::Esc));
    type_text(&mut s, "n");
    let text = screen(&s, 160, 40);
    let all = text.find("<all namespaces>").expect("all entry");
    let shop = text.find("★ shop").expect("favourite marked");
    let default = text.find("default").expect("other namespace");
    assert!(
        all < shop && shop < default,
        "favourites come right after all\n{text}"
    );

    let memory = kmedic::runtime::memory::from_state(&s.state);
    let mut fresh = session(&sim.kubeconfig_yaml(), None, true).await;
    kmedic::runtime::memory::apply_to(&memory, &mut fresh.state);
    assert!(
        fresh.state.current_favourites().contains("shop"),
        "favourites survive a restart"
    );
}

//! The Troubleshoot view's Nodes tab on the built-in demo, through the reducer, the runtime
//! (the engine thread answers the node's facts) and the renderer: Enter on a node's finding
//! opens the node's page (its findings, its pods with status and restarts, its events), every
//! key its footer names works, and Esc returns to the findings with the cursor where it was.
//! Also: the crash-looping kube-scheduler static pod belongs to the Control plane tab, not to
//! Applications.
#![allow(clippy::unwrap_used)]

mod support;

use crossterm::event::{KeyCode, KeyEvent};
use kmedic::app::overlay::Overlay;
use kmedic::app::screens;
use kmedic::config::key::KeySpec;
use kmedic::findings::Pane;
use kmedic::runtime::Session;
use support::*;

/// Moves to the tab of `pane`.
fn to_tab(s: &mut Session, pane: Pane) {
    for _ in 0..8 {
        if s.state.troubleshoot.current_tab().kind == kmedic::app::troubleshoot::TabKind::Pane(pane)
        {
            return;
        }
        type_text(s, "l");
    }
    panic!("no tab for {pane:?}");
}

/// The (check, object name) of each row of the tab shown.
fn rows(s: &Session) -> Vec<(String, String)> {
    let t = &s.state.troubleshoot;
    let a = t.analysis.as_ref().unwrap();
    t.rows()
        .iter()
        .map(|r| {
            let f = &a.findings[r.finding];
            (f.check.clone(), f.object.name.clone())
        })
        .collect()
}

/// What a key can change that the user sees.
fn fingerprint(st: &kmedic::app::state::AppState) -> String {
    let t = &st.troubleshoot;
    format!(
        "{:?}|{:?}|{}|{}/{}/{}",
        st.overlay,
        st.notice,
        st.stack.len(),
        t.tab,
        t.selected,
        t.detail_scroll
    )
}

/// Presses every key the footer names (on a copy of the state): each must be bound in the
/// screen's layer and change something or ask for something, without an error.
fn every_footer_key_works(s: &Session, text: &str) {
    let footer = text.lines().last().unwrap_or_default();
    let re = regex::Regex::new(r"<([^<>]+)> ([^<]*)").unwrap();
    let layer = screens::layer(&s.state);
    let hints: Vec<(String, String)> = re
        .captures_iter(footer)
        .map(|c| (c[1].to_string(), c[2].trim().to_string()))
        .collect();
    assert!(!hints.is_empty(), "no footer\n{text}");
    for (key, label) in hints {
        let spec = KeySpec::parse(&key).unwrap_or_else(|| panic!("footer key <{key}>"));
        let event = KeyEvent::new(spec.code, spec.modifiers);
        assert!(
            s.state.keymap.resolve(layer, &event).is_some(),
            "<{key}> {label} is not bound in [{}]",
            layer.section()
        );
        let mut probe = s.state.clone();
        let before = fingerprint(&probe);
        let effects = screens::on_key(&mut probe, &event);
        assert!(
            probe.notice.as_ref().is_none_or(|n| !n.error),
            "<{key}> {label} fails: {:?}",
            probe.notice
        );
        let after = fingerprint(&probe);
        let scrolls = label == "scroll" || label == "details";
        assert!(
            scrolls || !effects.is_empty() || before != after,
            "<{key}> {label} does nothing\n{text}"
        );
    }
}

#[tokio::test]
async fn enter_on_a_node_finding_opens_its_page_and_esc_returns_to_the_same_finding() {
    let (_sim, mut s, _) = frozen_demo().await;
    type_text(&mut s, "t");

    // The crashing kube-scheduler static pod: its control-plane finding owns the generic
    // crash finding; Applications does not list it as an application's failure.
    let apps = rows(&s);
    assert!(
        apps.iter().all(|(_, name)| name != "kube-scheduler-cp-1"),
        "{apps:?}"
    );
    to_tab(&mut s, Pane::ControlPlane);
    let cp = rows(&s);
    assert!(
        cp.contains(&("cp-component-failing".into(), "kube-scheduler-cp-1".into()))
            && cp.contains(&("pod-crashloop".into(), "kube-scheduler-cp-1".into())),
        "{cp:?}"
    );
    let t = &s.state.troubleshoot;
    let crash = t
        .rows()
        .into_iter()
        .find(|r| t.analysis.as_ref().unwrap().findings[r.finding].check == "pod-crashloop");
    assert!(
        crash.unwrap().symptom,
        "folded under the control-plane finding"
    );

    // The Nodes tab: select a symptom of worker-2's disk pressure (not the first row).
    to_tab(&mut s, Pane::Node);
    let at = rows(&s)
        .iter()
        .position(|(check, name)| check == "node-evictions" && name == "worker-2")
        .expect("worker-2's evictions");
    assert!(at > 0);
    for _ in 0..at {
        s.dispatch(key(KeyCode::Down));
    }
    let text = screen(&s, 160, 45);
    assert!(text.contains("<Enter> node page"), "{text}");
    every_footer_key_works(&s, &text);

    s.dispatch(key(KeyCode::Enter));
    assert!(matches!(s.state.overlay, Some(Overlay::NodePage(_))));
    let text = wait_for_screen(&mut s, "Pods (").await;
    for needle in [
        "Node worker-2: Ready",
        "Conditions: DiskPressure=True",
        "node.kubernetes.io/disk-pressure:NoSchedule",
        "[node-disk-pressure]",
        "└ WARNING Pod/monitoring/prometheus-6f4d8b7c59-vn2lc: pod was evicted",
        "Events (",
        "EvictionThresholdMet",
    ] {
        assert!(text.contains(needle), "the page shows {needle:?}\n{text}");
    }
    // The pods section: worker-2's pods, with namespace, name, status, ready and restarts.
    let pods: Vec<Vec<&str>> = text
        .lines()
        .skip_while(|l| !l.contains("Pods ("))
        .take_while(|l| !l.contains("Events ("))
        .map(|l| l.trim_matches(|c: char| c == '│' || c.is_whitespace()))
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert!(
        pods.contains(&vec![
            "kube-system",
            "kube-proxy-w8h5c",
            "CrashLoopBackOff",
            "0/1",
            "10"
        ]),
        "{pods:?}"
    );
    assert!(
        pods.iter()
            .all(|p| p.get(1) != Some(&"kube-flannel-ds-hm4wc")),
        "a pod of worker-3 is not on worker-2's page: {pods:?}"
    );
    assert!(
        !text.contains("kube-scheduler on cp-1"),
        "nor cp-1's findings\n{text}"
    );
    every_footer_key_works(&s, &text);

    // Esc: back to the Nodes tab, on the same finding.
    s.dispatch(key(KeyCode::Esc));
    assert!(matches!(s.state.overlay, Some(Overlay::Troubleshoot)));
    assert_eq!(
        s.state.troubleshoot.current_tab().kind,
        kmedic::app::troubleshoot::TabKind::Pane(Pane::Node)
    );
    assert_eq!(s.state.troubleshoot.selected, at);

    // `d` still describes the finding's object, and Enter on another tab too.
    type_text(&mut s, "d");
    assert!(matches!(s.state.overlay, Some(Overlay::Detail(_))));
    s.dispatch(key(KeyCode::Esc));
    to_tab(&mut s, Pane::App);
    s.dispatch(key(KeyCode::Enter));
    assert!(matches!(s.state.overlay, Some(Overlay::Detail(_))));
}

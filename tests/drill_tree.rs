//! Drill-down and the object tree against the simulated cluster: Enter on a Deployment, a Node
//! or a Namespace lists its pods under a breadcrumb, Esc returns with the cursor where it was;
//! `o` opens the owner/reference tree of the broken demo Deployments, coloured by findings,
//! and Enter on a node jumps to its finding.
#![allow(clippy::unwrap_used)]

mod support;

use crossterm::event::KeyCode;
use kmedic::app::overlay::Overlay;
use kmedic::config::{Theme, Token};
use kmedic::model::ResourceKind;
use kmedic::runtime::Session;
use support::*;

/// Moves the cursor of the table shown onto `name` (without a filter), returning its index.
async fn cursor_to(s: &mut Session, kind: ResourceKind, ns: &str, name: &str) -> usize {
    wait_state(s, "the row to be listed", |st| {
        st.rows(kind)
            .iter()
            .any(|r| r.key.name == name && r.key.namespace == ns)
    })
    .await;
    s.dispatch(key(KeyCode::Home));
    for i in 0..s.state.rows(kind).len() {
        let row = s.state.selected_row().unwrap();
        if row.key.name == name && row.key.namespace == ns {
            return i;
        }
        s.dispatch(key(KeyCode::Down));
    }
    panic!("{ns}/{name} not in the table");
}

fn drilled_pods(s: &Session) -> Vec<String> {
    let st = &s.state;
    let table = st.table().unwrap();
    table
        .visible
        .iter()
        .map(|&i| st.rows(ResourceKind::Pods)[i].key.name.to_string())
        .collect()
}

#[tokio::test]
async fn enter_drills_down_to_the_pods_and_esc_returns_with_the_cursor() {
    let (_sim, mut s, _) = frozen_demo().await;
    type_text(&mut s, "2");
    let at = cursor_to(&mut s, ResourceKind::Deployments, "shop", "recommender").await;
    assert!(
        at > 0,
        "the recommender row is not the first, so a reset cursor would show"
    );
    s.dispatch(key(KeyCode::Enter));
    assert!(matches!(s.state.overlay, Some(Overlay::Drill(_))));
    let text = wait_for_screen(&mut s, "recommender-84f6c9d7b5-tq5wz").await;
    assert!(
        text.contains("Deployments › deployment/shop/recommender › Pods"),
        "breadcrumb in the title\n{text}"
    );
    let pods = drilled_pods(&s);
    assert!(!pods.is_empty());
    assert!(
        pods.iter().all(|p| p.starts_with("recommender-")),
        "{pods:?}"
    );
    assert!(
        text.contains("ImagePullBackOff") || text.contains("ErrImagePull"),
        "{text}"
    );
    // The pods' own keys work in the drilled table: describe of a pod, and back to it.
    type_text(&mut s, "d");
    wait_for_screen(&mut s, "Containers:").await;
    s.dispatch(key(KeyCode::Esc));
    assert!(matches!(s.state.overlay, Some(Overlay::Drill(_))));

    s.dispatch(key(KeyCode::Esc));
    assert!(s.state.overlay.is_none() && s.state.stack.is_empty());
    assert_eq!(s.state.view, ResourceKind::Deployments);
    let row = s.state.selected_row().unwrap();
    assert_eq!(
        (row.key.namespace.as_str(), row.key.name.as_str()),
        ("shop", "recommender")
    );
    assert_eq!(s.state.table().unwrap().selected, at, "cursor where it was");
    assert!(s.state.following.is_empty(), "the engine stops following");
}

#[tokio::test]
async fn nodes_and_namespaces_drill_down_to_their_pods() {
    let (_sim, mut s, _) = frozen_demo().await;
    let pod = s
        .state
        .rows(ResourceKind::Pods)
        .iter()
        .find(|r| r.key.name == "cart-7c9d8b6f4-x2k9p")
        .cloned();
    let node = match pod.map(|p| p.links.clone()) {
        Some(kmedic::model::RowLinks::Pod { node, .. }) => node,
        other => panic!("cart pod row: {other:?}"),
    };
    type_text(&mut s, "4");
    cursor_to(&mut s, ResourceKind::Nodes, "", &node).await;
    s.dispatch(key(KeyCode::Enter));
    let text = wait_for_screen(&mut s, "cart-7c9d8b6f4-x2k9p").await;
    assert!(
        text.contains(&format!("Nodes › node/{node} › Pods")),
        "{text}"
    );
    let expected: usize = s
        .state
        .rows(ResourceKind::Pods)
        .iter()
        .filter(|r| matches!(&r.links, kmedic::model::RowLinks::Pod { node: n, .. } if *n == node))
        .count();
    assert_eq!(drilled_pods(&s).len(), expected);
    s.dispatch(key(KeyCode::Esc));

    type_text(&mut s, "5");
    cursor_to(&mut s, ResourceKind::Namespaces, "", "shop").await;
    s.dispatch(key(KeyCode::Enter));
    wait_for_screen(&mut s, "Namespaces › namespace/shop › Pods").await;
    wait_state(&mut s, "the shop pods", |st| {
        st.table().is_some_and(|t| !t.visible.is_empty())
    })
    .await;
    let shop = s
        .state
        .rows(ResourceKind::Pods)
        .iter()
        .filter(|r| r.key.namespace == "shop")
        .count();
    assert_eq!(drilled_pods(&s).len(), shop);
    s.dispatch(key(KeyCode::Esc));
    assert!(s.state.overlay.is_none());
}

#[tokio::test]
async fn the_tree_of_a_broken_deployment_leads_to_its_finding() {
    let (_sim, mut s, _) = frozen_demo().await;
    type_text(&mut s, "2");
    cursor_to(&mut s, ResourceKind::Deployments, "shop", "cart").await;
    type_text(&mut s, "o");
    assert!(matches!(s.state.overlay, Some(Overlay::Tree(_))));
    let text = wait_for_screen(&mut s, "Container cart").await;
    for needle in [
        "Object tree: deployment shop/cart",
        "Deployment cart",
        "ReplicaSet cart-7c9d8b6f4",
        "Pod cart-7c9d8b6f4-x2k9p",
        "CrashLoopBackOff",
        "uses ServiceAccount",
        "selected by Service cart",
    ] {
        assert!(text.contains(needle), "missing {needle:?}\n{text}");
    }
    // The pod's line is in the error colour, and says it has findings.
    let buffer = buffer(&s, 160, 40);
    let theme = Theme::builtin_default();
    let error = theme.style(Token::Error).fg;
    let (x, y) = find_text(&buffer, "Pod cart-7c9d8b6f4-x2k9p").unwrap();
    assert_eq!(buffer[(x, y)].fg, error.unwrap());
    let line: String = (0..buffer.area.width)
        .map(|i| buffer[(i, y)].symbol().to_string())
        .collect();
    assert!(line.contains("finding"), "{line}");

    // Enter on the pod: its finding in Troubleshoot; Back returns to the tree.
    let Some(Overlay::Tree(pane)) = &s.state.overlay else {
        unreachable!()
    };
    let pod_path = pane
        .visible()
        .into_iter()
        .position(|p| p.last().is_some_and(|id| id == "Pod/cart-7c9d8b6f4-x2k9p"))
        .unwrap();
    s.dispatch(key(KeyCode::Home));
    for _ in 0..pod_path {
        s.dispatch(key(KeyCode::Down));
    }
    s.dispatch(key(KeyCode::Enter));
    assert!(matches!(s.state.overlay, Some(Overlay::Troubleshoot)));
    let finding = s.state.troubleshoot.selected_finding().unwrap();
    assert_eq!(finding.object.kind, "Pod");
    assert_eq!(finding.object.name, "cart-7c9d8b6f4-x2k9p");
    s.dispatch(key(KeyCode::Esc));
    assert!(matches!(s.state.overlay, Some(Overlay::Tree(_))));

    // The image-pull Deployment's tree names the pull failure on its container.
    s.dispatch(key(KeyCode::Esc));
    cursor_to(&mut s, ResourceKind::Deployments, "shop", "recommender").await;
    type_text(&mut s, "o");
    let text = wait_for_screen(&mut s, "Container recommender").await;
    assert!(
        text.contains("ImagePullBackOff") || text.contains("ErrImagePull"),
        "{text}"
    );
}

/// Where `needle` starts on screen.
fn find_text(buffer: &ratatui::buffer::Buffer, needle: &str) -> Option<(u16, u16)> {
    for y in 0..buffer.area.height {
        let line: Vec<String> = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol().to_string())
            .collect();
        let text: String = line.concat();
        if let Some(byte) = text.find(needle) {
            // Cells hold one char each here (ASCII names), so the char index is the column.
            let col = text[..byte].chars().count();
            return Some((col as u16, y));
        }
    }
    None
}

#[tokio::test]
async fn drill_downs_say_when_their_pods_are_outside_the_namespace_shown() {
    let (_sim, mut s, _) = frozen_demo().await;
    command(&mut s, "ns shop");
    wait_state(&mut s, "the shop pods", |st| {
        !st.rows(ResourceKind::Pods).is_empty()
            && st
                .rows(ResourceKind::Pods)
                .iter()
                .all(|r| r.key.namespace == "shop")
    })
    .await;

    // cp-1 runs only kube-system pods: none is listed in shop, and the drill says why.
    type_text(&mut s, "4");
    cursor_to(&mut s, ResourceKind::Nodes, "", "cp-1").await;
    s.dispatch(key(KeyCode::Enter));
    let text = wait_for_screen(&mut s, "in other namespaces than shop").await;
    assert!(text.contains("press 0 to show all namespaces"), "{text}");
    assert!(text.contains("Pods 0 (+"), "{text}");
    assert!(!text.contains("match the filter"), "{text}");
    // Widening shows them, in the same drill-down.
    type_text(&mut s, "0");
    wait_state(&mut s, "cp-1's pods", |st| {
        st.table().is_some_and(|t| !t.visible.is_empty())
    })
    .await;
    assert!(
        drilled_pods(&s)
            .iter()
            .any(|p| p.starts_with("kube-apiserver"))
    );
    s.dispatch(key(KeyCode::Esc));

    // Another namespace than the one shown: its pods are not listed, and the drill says so
    // rather than "has no pods".
    command(&mut s, "ns shop");
    type_text(&mut s, "5");
    cursor_to(&mut s, ResourceKind::Namespaces, "", "payments").await;
    s.dispatch(key(KeyCode::Enter));
    let text = wait_for_screen(&mut s, "are not listed while namespace shop is selected").await;
    assert!(text.contains(":ns payments"), "{text}");
    assert!(!text.contains("has no pods"), "{text}");
    type_text(&mut s, "0");
    wait_state(&mut s, "the payments pods", |st| {
        st.table().is_some_and(|t| !t.visible.is_empty())
    })
    .await;
    let payments = s
        .state
        .rows(ResourceKind::Pods)
        .iter()
        .filter(|r| r.key.namespace == "payments")
        .count();
    assert!(payments > 0);
    assert_eq!(drilled_pods(&s).len(), payments);
}

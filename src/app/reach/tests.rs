//! The reach flow through the reducer and the renderer, on the demo's objects: the picker opens
//! from a finding, a pod row or a Service row, Enter asks the engine (`Effect::Reach`) with the
//! typed port, and the engine's answer for the demo's DNS-blocking NetworkPolicy is drawn hop by
//! hop with the deciding policy; every hint of the answer's footer does what it says.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;

use super::*;
use crate::app::action::{Action, Layer};
use crate::app::state::{KindData, Target as Conn};
use crate::app::{Msg, update};
use crate::cluster::Scope;
use crate::config::{Keymap, Theme};
use crate::model::{ObjKey, Row};

const SOURCE: &str = "payments/payments-7f5b8c9d6-kx7vq";

fn row(ns: &str, name: &str) -> Arc<Row> {
    Arc::new(Row {
        key: ObjKey::new(ns, name),
        cells: Vec::new(),
        health: Default::default(),
        links: Default::default(),
    })
}

fn state() -> AppState {
    let mut s = AppState::new(
        Conn::default(),
        Scope::All,
        true,
        Arc::new(Keymap::builtin_default()),
        Timestamp::UNIX_EPOCH,
    );
    s.width = 160;
    s.height = 40;
    s.kinds.insert(
        ResourceKind::Pods,
        KindData {
            rows: vec![
                row("payments", "payments-7f5b8c9d6-kx7vq"),
                row("shop", "frontend-5c7d9f8b6d-2hxkq"),
            ],
            synced: true,
            ..Default::default()
        },
    );
    s.kinds.insert(
        ResourceKind::Services,
        KindData {
            rows: vec![row("payments", "fraud-detector"), row("shop", "catalog")],
            synced: true,
            ..Default::default()
        },
    );
    s
}

fn press(s: &mut AppState, code: KeyCode) -> Vec<Effect> {
    let modifiers = match code {
        KeyCode::Char(c) if c.is_ascii_uppercase() => KeyModifiers::SHIFT,
        _ => KeyModifiers::NONE,
    };
    update(s, Msg::Key(KeyEvent::new(code, modifiers)))
}

fn typed(s: &mut AppState, text: &str) {
    for c in text.chars() {
        press(s, KeyCode::Char(c));
    }
}

fn screen(s: &AppState) -> String {
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(s.width, s.height)).unwrap();
    let theme = Theme::builtin_default();
    terminal.draw(|f| crate::ui::render(f, s, &theme)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// What the engine thread answers, from the demo's objects.
fn engine_answer(effect: &Effect) -> (u64, Result<Reach, String>) {
    let Effect::Reach {
        request,
        from,
        to,
        port,
    } = effect
    else {
        panic!("not a reach question: {effect:?}");
    };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    let snap =
        crate::troubleshoot::Snapshot::from_objects(crate::sim::scenario::load_path(&dir).unwrap());
    let answer =
        crate::troubleshoot::reach::reach(&snap, from, to, *port, crate::netpolicy::Protocol::Tcp);
    (*request, answer)
}

#[test]
fn from_a_pod_row_the_destination_is_picked_and_the_denied_hop_shown() {
    let mut s = state();
    // The Pods table, the payments pod selected.
    s.refresh_table(ResourceKind::Pods);
    let at = s
        .table()
        .unwrap()
        .visible
        .iter()
        .position(|&i| s.rows(ResourceKind::Pods)[i].key.namespace == "payments")
        .unwrap();
    for _ in 0..at {
        press(&mut s, KeyCode::Char('j'));
    }
    assert!(press(&mut s, KeyCode::Char('R')).is_empty());
    let Some(Overlay::ReachPicker(pick)) = &s.overlay else {
        panic!("R opens the picker: {:?}", s.overlay);
    };
    assert_eq!(pick.from.as_deref(), Some(SOURCE));
    assert_eq!(pick.choosing, End::To);
    assert_eq!(pick.entries().len(), 4, "pods and Services in scope");
    typed(&mut s, "fraud:8080");
    let text = screen(&s);
    assert!(
        text.contains("Reach from payments/payments-7f5b8c9d6-kx7vq to"),
        "{text}"
    );
    assert!(text.contains("svc/payments/fraud-detector"), "{text}");
    assert!(!text.contains("svc/shop/catalog"), "filtered out: {text}");
    let effects = press(&mut s, KeyCode::Enter);
    assert_eq!(
        effects,
        vec![Effect::Reach {
            request: 1,
            from: SOURCE.into(),
            to: Target::Service {
                namespace: "payments".into(),
                name: "fraud-detector".into()
            },
            port: Some(8080),
        }]
    );
    assert!(matches!(s.overlay, Some(Overlay::Reach(_))));
    assert!(screen(&s).contains("asking the engine"));
    let (request, answer) = engine_answer(&effects[0]);
    update(
        &mut s,
        Msg::Reached {
            request,
            result: answer,
        },
    );
    let text = screen(&s);
    assert!(text.contains("DENIED"), "{text}");
    assert!(
        text.contains("payments/restrict-egress"),
        "the deciding policy: {text}"
    );
    assert!(text.contains("verdict: DENIED (first at hop"), "{text}");
    // An answer to an older question is not shown in its place.
    update(
        &mut s,
        Msg::Reached {
            request: 99,
            result: Err("old".into()),
        },
    );
    assert!(!screen(&s).contains("old"));
}

#[test]
fn from_a_service_row_the_source_pod_is_picked() {
    let mut s = state();
    s.view = ResourceKind::Services;
    s.refresh_table(ResourceKind::Services);
    press(&mut s, KeyCode::Char('R'));
    let Some(Overlay::ReachPicker(pick)) = &s.overlay else {
        panic!("{:?}", s.overlay);
    };
    assert_eq!(pick.choosing, End::From);
    assert!(pick.to.as_deref().is_some_and(|t| t.starts_with("svc/")));
    assert!(
        pick.entries().iter().all(|e| !e.starts_with("svc/")),
        "pods only"
    );
    typed(&mut s, "frontend");
    let effects = press(&mut s, KeyCode::Enter);
    assert!(
        matches!(&effects[..], [Effect::Reach { from, port: None, .. }] if from == "shop/frontend-5c7d9f8b6d-2hxkq"),
        "{effects:?}"
    );
}

#[test]
fn from_the_network_tab_both_ends_are_picked_and_each_footer_hint_works() {
    let mut s = state();
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('t'), KeyModifiers::NONE)),
    );
    while s.troubleshoot.current_tab().kind
        != crate::app::troubleshoot::TabKind::Pane(crate::findings::Pane::Network)
    {
        press(&mut s, KeyCode::Char('l'));
    }
    let text = screen(&s);
    assert!(text.contains("reach"), "the Network tab offers R: {text}");
    press(&mut s, KeyCode::Char('R'));
    assert!(screen(&s).contains("Reach from pod"));
    typed(&mut s, "svc/payments");
    press(&mut s, KeyCode::Enter);
    assert!(
        matches!(s.overlay, Some(Overlay::ReachPicker(_))),
        "a Service is no source: the picker stays"
    );
    assert!(
        s.notice
            .as_ref()
            .is_some_and(|n| n.error && n.text.contains("no pod"))
    );
    for _ in 0.."svc/payments".len() {
        press(&mut s, KeyCode::Backspace);
    }
    typed(&mut s, "kx7vq");
    press(&mut s, KeyCode::Enter);
    // A typed IP address (nothing listed matches) is a destination too.
    typed(&mut s, "10.96.0.10:53");
    let effects = press(&mut s, KeyCode::Enter);
    let [effect] = &effects[..] else {
        panic!("{effects:?}")
    };
    assert!(
        matches!(
            effect,
            Effect::Reach {
                to: Target::Ip(_),
                port: Some(53),
                ..
            }
        ),
        "{effect:?}"
    );
    let (request, answer) = engine_answer(effect);
    update(
        &mut s,
        Msg::Reached {
            request,
            result: answer,
        },
    );
    // Every hint of the answer's footer does something there.
    for (action, label) in crate::app::screens::footer(&s) {
        let mut t = s.clone();
        let before = format!("{:?}", t.overlay);
        let effects = crate::app::screens::on_action(&mut t, Layer::Reach, action);
        let changed =
            format!("{:?}", t.overlay) != before || !effects.is_empty() || t.notice.is_some();
        assert!(changed || action == Action::Down, "'{label}' did nothing");
        if action == Action::Reach {
            assert!(
                matches!(&t.overlay, Some(Overlay::ReachPicker(p)) if p.from.as_deref() == Some(SOURCE))
            );
        }
    }
}

#[test]
fn a_port_is_split_from_the_filter_only_when_it_is_one() {
    assert_eq!(split_port("web:8080"), ("web", Some(8080)));
    assert_eq!(split_port("web"), ("web", None));
    assert_eq!(split_port("web:"), ("web:", None));
    assert_eq!(split_port("web:99999"), ("web:99999", None));
    assert_eq!(split_port("web:0"), ("web:0", None));
}

#[test]
fn a_long_hop_detail_wraps_under_itself() {
    use crate::troubleshoot::reach::{Hop, HopVerdict, Reach};
    let detail = "policy payments/restrict-egress selects the source pod and allows egress only to pods labelled app=fraud-detector on TCP 8443";
    let view = crate::app::reach::ReachView {
        request: 1,
        from: "payments/payments-7f5b8c9d6-kx7vq".into(),
        to: "svc/payments/fraud-detector".into(),
        port: None,
        result: Some(Ok(Reach {
            verdict: HopVerdict::Denied,
            hops: vec![Hop {
                hop: "egress".into(),
                verdict: HopVerdict::Denied,
                detail: detail.into(),
                policies: Vec::new(),
            }],
        })),
        view: Default::default(),
    };
    let rows = crate::app::reach::rows(&view, 60);
    let hop: Vec<&str> = rows
        .iter()
        .filter(|r| r.verdict == Some(HopVerdict::Denied) && !r.text.starts_with("verdict"))
        .map(|r| r.text.as_str())
        .collect();
    assert!(hop.len() > 2, "{hop:?}");
    assert!(
        hop[0].starts_with("  egress      DENIED   policy"),
        "{hop:?}"
    );
    for row in &hop[1..] {
        assert!(
            row.starts_with(&" ".repeat(23)),
            "indented under the detail: {row:?}"
        );
        assert!(!row[23..].starts_with(' '), "{row:?}");
    }
    assert!(
        rows.iter().all(|r| r.text.chars().count() <= 60),
        "{rows:?}"
    );
    let joined: Vec<&str> = hop.iter().map(|r| r.trim()).collect();
    assert_eq!(
        joined
            .join(" ")
            .replace("egress      DENIED   ", "egress DENIED "),
        format!("egress DENIED {detail}")
    );
}

//! The screen contract, checked: every key a screen's keymap layer binds is one the screen (or
//! the global keys) handles, every footer hint is bound and handled, and each screen's
//! `on_action` really takes the actions it declares. Then navigation and the quit question.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;

use super::*;
use crate::app::action::{Action, Layer};
use crate::app::overlay::{AccessView, CertsPane, DetailView, ObjectView};
use crate::app::picker::Picker;
use crate::app::state::Target;
use crate::app::text_view::TextView;
use crate::app::{Msg, update};
use crate::cluster::Scope;
use crate::config::Keymap;
use crate::model::{ObjKey, ResourceKind};

fn keymaps() -> Vec<(&'static str, Keymap)> {
    ["default", "vim"]
        .into_iter()
        .map(|name| (name, Keymap::shipped(name).unwrap()))
        .collect()
}

fn handled_under(layer: Layer, action: Action) -> bool {
    handles(layer).contains(&action) || global::HANDLES.contains(&action)
}

#[test]
fn every_bound_key_is_handled_by_its_screen() {
    for (name, keymap) in keymaps() {
        for layer in Layer::ALL {
            for binding in keymap.bindings(*layer) {
                assert!(
                    handled_under(*layer, binding.action),
                    "{name} [{}] binds {} to {:?}, which that screen ignores",
                    layer.section(),
                    binding.keys,
                    binding.action
                );
            }
        }
    }
}

#[test]
fn every_footer_hint_is_bound_and_handled() {
    for (name, keymap) in keymaps() {
        for layer in Layer::ALL {
            for footer in footers_of(*layer) {
                for (action, label) in footer {
                    assert!(
                        keymap.hint(*layer, *action).is_some(),
                        "{name} [{}]: footer offers '{label}' but no key is bound",
                        layer.section()
                    );
                    assert!(
                        handled_under(*layer, *action),
                        "{name} [{}]: footer offers '{label}', which does nothing there",
                        layer.section()
                    );
                }
            }
        }
    }
}

#[test]
fn no_footer_offers_a_key_or_a_label_twice() {
    for layer in Layer::ALL {
        for footer in footers_of(*layer) {
            for (i, (action, label)) in footer.iter().enumerate() {
                assert!(
                    footer[..i].iter().all(|(a, l)| a != action && l != label),
                    "[{}]: the footer offers {action:?} '{label}' twice",
                    layer.section()
                );
            }
        }
    }
}

fn label_of(s: &AppState, action: Action) -> Option<&'static str> {
    footer(s)
        .into_iter()
        .find(|(a, _)| *a == action)
        .map(|(_, l)| l)
}

#[test]
fn the_table_footer_says_what_q_and_o_do_there() {
    let mut s = state();
    assert_eq!(label_of(&s, Action::Back), Some("quit"));
    assert_eq!(label_of(&s, Action::Tree), Some("tree"));
    // A drill-down: q goes back to the table it came from.
    crate::app::drill::open(&mut s, "Deployment", ObjKey::new("shop", "web"));
    assert_eq!(label_of(&s, Action::Back), Some("back"));
    press(&mut s, KeyCode::Char('q'));
    assert!(s.overlay.is_none() && !s.confirm_quit);
    // A filter: q clears it first.
    crate::app::screens::table::set_filter(&mut s, "web");
    assert_eq!(label_of(&s, Action::Back), Some("clear filter"));
    // Kinds without an object tree do not offer one.
    let mut s = state();
    s.view = ResourceKind::Events;
    assert_eq!(label_of(&s, Action::Tree), None);
}

fn state() -> AppState {
    let mut s = AppState::new(
        Target::default(),
        Scope::Namespace("default".into()),
        true,
        Arc::new(Keymap::builtin_default()),
        Timestamp::UNIX_EPOCH,
    );
    s.width = 80;
    s.height = 24;
    s
}

fn object() -> ObjectView {
    ObjectView {
        resource: None,
        kind: ResourceKind::Pods,
        key: ObjKey::new("shop", "web-1"),
        request: 1,
        object: None,
        error: None,
        fetched_at: None,
        view: TextView::default(),
    }
}

/// A state with the screen of `layer` on top.
fn with_screen(layer: Layer) -> AppState {
    let mut s = state();
    let screen = match layer {
        Layer::Global | Layer::Table => None,
        Layer::Troubleshoot => Some(Overlay::Troubleshoot),
        Layer::Certs => Some(Overlay::Certs(Box::new(CertsPane {
            request: 1,
            view: None,
        }))),
        Layer::Access => Some(Overlay::Access(Box::new(AccessView {
            request: 1,
            lines: Some(Ok(Vec::new())),
            view: TextView::default(),
        }))),
        Layer::Detail => Some(Overlay::Detail(Box::new(DetailView {
            target: object(),
            lines: Vec::new(),
            related: None,
            related_request: 0,
            related_stale: false,
        }))),
        Layer::Yaml => Some(Overlay::Yaml(Box::new(crate::app::overlay::YamlView {
            target: object(),
            lines: vec!["a: 1".into()],
        }))),
        Layer::Logs => {
            let _ = crate::app::logs_pane::open_pod(&mut s, "shop", "web-1", None, false);
            s.overlay.take()
        }
        Layer::Picker => Some(Overlay::Namespaces(Picker::default())),
        Layer::Help => Some(Overlay::Help(TextView::default())),
        Layer::Tree => Some(Overlay::Tree(Box::new(crate::app::tree::TreePane::new(
            "Deployment",
            ObjKey::new("shop", "web"),
        )))),
        Layer::NodePage => Some(Overlay::NodePage(Box::new(
            crate::app::node_page::NodePagePane::new("worker-1"),
        ))),
        Layer::Reach => Some(Overlay::Reach(Box::new(crate::app::reach::ReachView {
            request: 1,
            from: "shop/web-1".into(),
            to: "svc/shop/db".into(),
            port: None,
            result: None,
            view: TextView::default(),
        }))),
    };
    if let Some(screen) = screen {
        nav::open(&mut s, screen);
    }
    s
}

#[test]
fn each_screen_takes_the_actions_it_declares() {
    for layer in Layer::ALL.iter().filter(|l| **l != Layer::Global) {
        for action in handles(*layer) {
            let mut s = with_screen(*layer);
            let own = match layer {
                Layer::Table => table::on_action(&mut s, *action),
                Layer::Troubleshoot => troubleshoot::on_action(&mut s, *action),
                Layer::Certs => certs::on_action(&mut s, *action),
                Layer::Access => access::on_action(&mut s, *action),
                Layer::Detail | Layer::Yaml => detail::on_action(&mut s, *action),
                Layer::Logs => logs::on_action(&mut s, *action),
                Layer::Picker => picker::on_action(&mut s, *action),
                Layer::Help => help::on_action(&mut s, *action),
                Layer::Tree => super::tree::on_action(&mut s, *action),
                Layer::NodePage => super::node_page::on_action(&mut s, *action),
                Layer::Reach => super::reach::on_action(&mut s, *action),
                Layer::Global => None,
            };
            assert!(
                own.is_some(),
                "[{}] declares {action:?} but passes it on",
                layer.section()
            );
        }
    }
    for action in global::HANDLES {
        let mut s = state();
        assert!(global::on_action(&mut s, *action).is_some(), "{action:?}");
    }
}

fn press(s: &mut AppState, code: KeyCode) -> Vec<Effect> {
    let modifiers = match code {
        KeyCode::Char(c) if c.is_ascii_uppercase() => KeyModifiers::SHIFT,
        _ => KeyModifiers::NONE,
    };
    update(s, Msg::Key(KeyEvent::new(code, modifiers)))
}

#[test]
fn q_is_back_everywhere_and_asks_before_quitting_from_the_top() {
    let mut s = state();
    nav::open(&mut s, Overlay::Troubleshoot);
    press(&mut s, KeyCode::Char('?'));
    assert!(matches!(s.overlay, Some(Overlay::Help(_))));
    press(&mut s, KeyCode::Char('q'));
    assert!(
        matches!(s.overlay, Some(Overlay::Troubleshoot)),
        "help → back"
    );
    press(&mut s, KeyCode::Char('q'));
    assert!(
        s.overlay.is_none() && !s.quit,
        "Troubleshoot → back to the table"
    );
    press(&mut s, KeyCode::Char('q'));
    assert!(s.confirm_quit && !s.quit, "the top asks first");
    press(&mut s, KeyCode::Char('n'));
    assert!(!s.confirm_quit && !s.quit, "any other key stays");
    press(&mut s, KeyCode::Char('q'));
    press(&mut s, KeyCode::Char('q'));
    assert!(
        !s.confirm_quit && !s.quit,
        "a second q is not the y the question asks for"
    );
    press(&mut s, KeyCode::Char('q'));
    press(&mut s, KeyCode::Char('y'));
    assert!(s.quit);
    let mut s = state();
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
    );
    assert!(s.quit, "Ctrl-c quits at once");
}

#[test]
fn describe_from_troubleshoot_returns_to_troubleshoot() {
    let mut s = state();
    nav::open(&mut s, Overlay::Troubleshoot);
    s.troubleshoot.tab = 2;
    let effects = detail::open(
        &mut s,
        ResourceKind::Pods,
        ObjKey::new("shop", "web-1"),
        false,
    );
    assert!(matches!(effects.as_slice(), [Effect::Fetch { .. }]));
    press(&mut s, KeyCode::Char('y'));
    assert!(
        matches!(s.overlay, Some(Overlay::Yaml(_))),
        "y switches in place"
    );
    press(&mut s, KeyCode::Esc);
    assert!(matches!(s.overlay, Some(Overlay::Troubleshoot)));
    assert_eq!(s.troubleshoot.tab, 2, "with its cursor");
    // Switching the table's view closes every screen.
    nav::open(&mut s, Overlay::Help(TextView::default()));
    press(&mut s, KeyCode::Char('2'));
    assert!(s.overlay.is_none() && s.stack.is_empty());
    assert_eq!(s.view, ResourceKind::Deployments);
}

fn row(ns: &str, name: &str) -> Arc<crate::model::Row> {
    use crate::model::{Cell, Health, Row, RowLinks};
    Arc::new(Row {
        key: ObjKey::new(ns, name),
        cells: vec![Cell::text(ns), Cell::text(name)],
        health: Health::Ok,
        links: RowLinks::None,
    })
}

fn rows(s: &mut AppState, kind: ResourceKind, names: &[&str]) {
    let generation = s.generation;
    let rows = names.iter().map(|n| row("shop", n)).collect();
    update(
        s,
        Msg::Rows {
            generation,
            kind,
            rows,
        },
    );
}

#[test]
fn enter_drills_down_the_engine_follows_and_back_restores_the_cursor() {
    use crate::relations::{Answer, Members, Query, Want};
    let mut s = state();
    rows(&mut s, ResourceKind::Pods, &["api-1", "web-1", "web-2"]);
    rows(&mut s, ResourceKind::Deployments, &["api", "db", "web"]);
    press(&mut s, KeyCode::Char('2'));
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Down);
    assert_eq!(s.selected_row().unwrap().key.name, "web");

    let effects = press(&mut s, KeyCode::Enter);
    let query = Query {
        want: Want::Members,
        kind: "Deployment".into(),
        key: ObjKey::new("shop", "web"),
    };
    assert_eq!(
        effects,
        vec![Effect::Follow {
            queries: vec![query.clone()]
        }]
    );
    assert_eq!(s.shown_kind(), ResourceKind::Pods);
    assert!(
        s.table().unwrap().visible.is_empty(),
        "nothing until the engine answers"
    );
    let generation = s.generation;
    let members = Members {
        kind: "Pod".into(),
        keys: vec![ObjKey::new("shop", "web-1"), ObjKey::new("shop", "web-2")],
        note: None,
    };
    update(
        &mut s,
        Msg::Related {
            generation,
            answers: vec![(query.clone(), Answer::Members(Some(members)))],
        },
    );
    let shown: Vec<String> = s
        .table()
        .unwrap()
        .visible
        .iter()
        .map(|&i| s.rows(ResourceKind::Pods)[i].key.name.to_string())
        .collect();
    assert_eq!(shown, ["web-1", "web-2"]);
    assert_eq!(
        crate::app::drill::breadcrumb(&s).unwrap(),
        "Deployments › deployment/shop/web"
    );
    press(&mut s, KeyCode::Down);
    assert_eq!(s.selected_row().unwrap().key.name, "web-2");

    let effects = press(&mut s, KeyCode::Esc);
    assert_eq!(effects, vec![Effect::Follow { queries: vec![] }]);
    assert!(s.overlay.is_none());
    assert_eq!(s.view, ResourceKind::Deployments);
    assert_eq!(
        s.selected_row().unwrap().key.name,
        "web",
        "cursor where it was"
    );
    assert_eq!(s.table().unwrap().selected, 2);

    // Rows that do not drill down open their describe.
    press(&mut s, KeyCode::Char('1'));
    let effects = press(&mut s, KeyCode::Enter);
    assert!(matches!(effects.as_slice(), [Effect::Fetch { .. }]));
    assert!(matches!(s.overlay, Some(Overlay::Detail(_))));
}

#[test]
fn an_open_node_describe_reads_its_pods_again_when_they_change() {
    let mut s = state();
    let effects = detail::open(&mut s, ResourceKind::Nodes, ObjKey::new("", "n1"), false);
    let (fetch, related) = match effects.as_slice() {
        [
            Effect::Fetch { request: a, .. },
            Effect::FetchRelated {
                request: b, kind, ..
            },
        ] => {
            assert_eq!(*kind, ResourceKind::Nodes);
            (*a, *b)
        }
        other => panic!("{other:?}"),
    };
    let node = serde_json::json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"},
        "status": {"allocatable": {"cpu": "2", "memory": "1Gi"}}});
    update(
        &mut s,
        Msg::Fetched {
            request: fetch,
            result: Ok(node),
        },
    );
    let pod = serde_json::json!({"metadata": {"namespace": "shop", "name": "web-1"},
        "spec": {"containers": [{"name": "a", "resources": {"requests": {"cpu": "500m"}}}]}});
    let answer = crate::model::detail::related::Related {
        pods: vec![pod],
        ..Default::default()
    };
    update(
        &mut s,
        Msg::FetchedRelated {
            request: related,
            result: Ok(Some(answer)),
        },
    );
    let Some(Overlay::Detail(d)) = &s.overlay else {
        panic!("describe is open");
    };
    let text: Vec<&str> = d.lines.iter().map(|l| l.text.as_str()).collect();
    assert!(
        text.iter()
            .any(|l| l.contains("Non-terminated Pods:  (1 in total)")),
        "{text:#?}"
    );
    assert!(text.iter().any(|l| l.contains("500m (25%)")), "{text:#?}");

    // A pod changes: read again, but not more often than every few seconds.
    rows(&mut s, ResourceKind::Pods, &["web-2"]);
    let t0 = s.now;
    let at = |secs: i64| Timestamp::from_second(t0.as_second() + secs).unwrap();
    assert!(update(&mut s, Msg::Tick(at(1))).is_empty());
    let effects = update(&mut s, Msg::Tick(at(6)));
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::FetchRelated {
                kind: ResourceKind::Nodes,
                ..
            }]
        ),
        "{effects:?}"
    );
    assert!(
        update(&mut s, Msg::Tick(at(7))).is_empty(),
        "once per change"
    );
}

//! Reducer tests of the log pane: effects are data, so opening, restarting and closing a pane
//! are checked without a cluster.

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;

use crate::app::logs_pane::open_pod;
use crate::app::overlay::Overlay;
use crate::app::state::Target;
use crate::app::{AppState, Effect, Msg, update};
use crate::cluster::Scope;
use crate::config::Keymap;
use crate::logs::spec::{LogEffect, LogNews, Range, StreamSpec};
use crate::logs::{LogLine, sanitize};

fn state() -> AppState {
    AppState::new(
        Target::default(),
        Scope::Namespace("default".into()),
        true,
        Arc::new(Keymap::builtin_default()),
        Timestamp::UNIX_EPOCH,
    )
}

fn press(state: &mut AppState, c: char) -> Vec<Effect> {
    let modifiers = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    update(state, Msg::Key(KeyEvent::new(KeyCode::Char(c), modifiers)))
}

fn stream_of(effects: &[Effect]) -> Option<(u64, StreamSpec)> {
    effects.iter().find_map(|e| match e {
        Effect::Logs(LogEffect::Stream { stream, spec, .. }) => Some((*stream, spec.clone())),
        _ => None,
    })
}

#[test]
fn opening_toggling_and_closing_are_effects() {
    let mut s = state();
    let effects = open_pod(&mut s, "default", "web-1", None, false);
    let (first, spec) = stream_of(&effects).expect("a stream is started");
    assert_eq!(
        spec,
        StreamSpec {
            namespace: "default".into(),
            pod: "web-1".into(),
            container: None,
            previous: false,
            follow: true,
            range: Range::Tail(500),
        }
    );
    let batch = vec![LogLine::log(0, None, sanitize::clean(b"hello"))];
    update(
        &mut s,
        Msg::Logs(LogNews::Lines {
            stream: first,
            lines: batch.clone(),
        }),
    );
    let effects = press(&mut s, 'p');
    assert!(effects.contains(&Effect::Logs(LogEffect::StopStream { stream: first })));
    let (second, spec) = stream_of(&effects).expect("restarted");
    assert!(spec.previous && !spec.follow);
    // Late lines of the replaced stream are ignored.
    update(
        &mut s,
        Msg::Logs(LogNews::Lines {
            stream: first,
            lines: batch,
        }),
    );
    let Some(Overlay::Logs(p)) = &s.overlay else {
        panic!("pane open");
    };
    assert!(p.buffer.is_empty() && second != first);
    let pane = p.id;
    let effects = press(&mut s, 'q');
    assert_eq!(effects, vec![Effect::Logs(LogEffect::StopPane { pane })]);
    assert!(s.overlay.is_none());
}

#[test]
fn switching_views_stops_the_pane() {
    let mut s = state();
    let _ = open_pod(&mut s, "default", "web-1", None, false);
    let effects = press(&mut s, '2');
    assert!(matches!(
        effects.as_slice(),
        [Effect::Logs(LogEffect::StopPane { .. })]
    ));
}

#[test]
fn help_goes_over_the_pane_and_leaving_it_brings_the_pane_back() {
    let mut s = state();
    let effects = open_pod(&mut s, "default", "web-1", None, false);
    let (stream, _) = stream_of(&effects).expect("a stream");
    assert!(
        press(&mut s, '?').is_empty(),
        "the stream keeps running under help"
    );
    assert!(matches!(s.overlay, Some(Overlay::Help(_))));
    let batch = vec![LogLine::log(0, None, sanitize::clean(b"while in help"))];
    update(
        &mut s,
        Msg::Logs(LogNews::Lines {
            stream,
            lines: batch,
        }),
    );
    let effects = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
    );
    assert!(effects.is_empty());
    let Some(Overlay::Logs(p)) = &s.overlay else {
        panic!("the pane is back");
    };
    assert_eq!(p.buffer.len(), 1, "lines that arrived meanwhile are there");
    let pane = p.id;
    press(&mut s, '?');
    let effects = press(&mut s, '2');
    assert_eq!(effects, vec![Effect::Logs(LogEffect::StopPane { pane })]);
    assert!(s.stack.is_empty() && s.overlay.is_none());
}

fn pane_with_lines(n: usize) -> AppState {
    let mut s = state();
    s.width = 80;
    s.height = 24;
    let effects = open_pod(&mut s, "default", "web-1", None, false);
    let (stream, _) = stream_of(&effects).expect("a stream");
    let lines = (0..n)
        .map(|i| LogLine::log(0, None, sanitize::clean(format!("line {i}").as_bytes())))
        .collect();
    update(&mut s, Msg::Logs(LogNews::Lines { stream, lines }));
    s
}

fn copied(effects: &[Effect]) -> Option<String> {
    effects.iter().find_map(|e| match e {
        Effect::Copy { text } => Some(text.clone()),
        _ => None,
    })
}

#[test]
fn g_v_j_j_j_y_copies_exactly_the_first_four_lines() {
    let mut s = pane_with_lines(100);
    for c in ['g', 'v', 'j', 'j', 'j'] {
        press(&mut s, c);
    }
    let Some(Overlay::Logs(p)) = &s.overlay else {
        panic!("the pane is open");
    };
    assert_eq!(
        crate::app::screens::logs::selection(p),
        Some((0, 3)),
        "the selection is the lines that are highlighted"
    );
    let text = copied(&press(&mut s, 'Y')).expect("Y copies");
    assert_eq!(text, "line 0\nline 1\nline 2\nline 3\n");
    let Some(Overlay::Logs(p)) = &s.overlay else {
        panic!("copying keeps the pane");
    };
    assert!(p.mark.is_none(), "copying ends the selection");
}

#[test]
fn a_selection_started_live_begins_at_the_newest_line_and_extends_up() {
    let mut s = pane_with_lines(50);
    for c in ['v', 'k', 'k'] {
        press(&mut s, c);
    }
    let text = copied(&press(&mut s, 'Y')).expect("Y copies");
    assert_eq!(text, "line 47\nline 48\nline 49\n");
}

#[test]
fn selecting_far_down_scrolls_the_view_with_the_selection() {
    let mut s = pane_with_lines(100);
    press(&mut s, 'g');
    press(&mut s, 'v');
    for _ in 0..30 {
        press(&mut s, 'j');
    }
    let Some(Overlay::Logs(p)) = &s.overlay else {
        panic!("pane");
    };
    assert_eq!(crate::app::screens::logs::selection(p), Some((0, 30)));
    assert_eq!(p.bottom, Some(30), "the moving end stays on screen");
}

#[test]
fn esc_while_selecting_cancels_the_selection_not_the_pane() {
    let mut s = pane_with_lines(10);
    press(&mut s, 'g');
    press(&mut s, 'v');
    let effects = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
    );
    assert!(effects.is_empty(), "no stream stops: {effects:?}");
    let Some(Overlay::Logs(p)) = &s.overlay else {
        panic!("the pane stays open");
    };
    assert!(p.mark.is_none());
    let effects = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
    );
    assert!(matches!(
        effects.as_slice(),
        [Effect::Logs(LogEffect::StopPane { .. })]
    ));
    assert!(s.overlay.is_none(), "the second Esc closes the pane");
}

#[test]
fn a_saved_multi_pod_tail_interleaves_pods_by_time() {
    let mut s = state();
    let _ = crate::app::logs_pane::open_pods(
        &mut s,
        Some("shop".into()),
        crate::logs::PodSet::Labels("app=web".into()),
    );
    let Some(Overlay::Logs(p)) = &mut s.overlay else {
        panic!("pane");
    };
    let at = |m: i64| Timestamp::from_second(1_000_000 + m * 60).ok();
    // Each pod's backlog arrives as one batch: pod a's hour, then pod b's.
    for (source, minute) in [(0u16, 0), (0, 2), (0, 4), (1, 1), (1, 3), (1, 5)] {
        let text = format!("{source}@{minute}");
        p.push(LogLine::log(
            source,
            at(minute),
            sanitize::clean(text.as_bytes()),
        ));
    }
    let (text, lines) = crate::app::logs_pane::export_by_time(p, false);
    assert_eq!(lines, 6);
    let order: Vec<&str> = text.lines().collect();
    assert_eq!(order, ["0@0", "1@1", "0@2", "1@3", "0@4", "1@5"]);
}

#[test]
fn a_multi_pod_backlog_is_shown_merged_by_time() {
    let mut s = state();
    let _ = crate::app::logs_pane::open_pods(
        &mut s,
        Some("shop".into()),
        crate::logs::PodSet::Labels("app=web".into()),
    );
    let Some(Overlay::Logs(p)) = &mut s.overlay else {
        panic!("pane");
    };
    let at = |m: i64| Timestamp::from_second(1_000_000 + m * 60).ok();
    let batch = |source: u16, minutes: &[i64]| {
        minutes
            .iter()
            .map(|m| {
                LogLine::log(
                    source,
                    at(*m),
                    sanitize::clean(format!("{source}@{m}").as_bytes()),
                )
            })
            .collect::<Vec<_>>()
    };
    p.push_batch(batch(0, &[0, 2, 4]));
    p.push_batch(batch(1, &[1, 3, 5]));
    let shown: Vec<&str> = p.buffer.iter().map(|s| s.line.text.as_str()).collect();
    assert_eq!(shown, ["0@0", "1@1", "0@2", "1@3", "0@4", "1@5"]);
    // Live lines after the backlog are appended as they come.
    p.push_batch(batch(0, &[6]));
    assert_eq!(p.buffer.len(), 7);
}

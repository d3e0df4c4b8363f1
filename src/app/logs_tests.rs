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

//! Reading a log pane while it streams: search with highlighted matches and n/N, filter and
//! inverse filter, scrolling back (the stream keeps running, a counter shows new lines, G
//! returns to live), saving the buffer to a file and copying lines with OSC 52.

#[path = "support/logs_fixtures.rs"]
mod logs_fixtures;
#[path = "support/sim_fixtures.rs"]
mod sim_fixtures;
mod support;

use base64::Engine;
use crossterm::event::KeyCode;
use kmedic::runtime::Session;
use logs_fixtures::*;
use sim_fixtures::*;
use support::*;

/// Lines on screen inside the pane (below its status line), as text.
fn body_lines(s: &Session) -> Vec<String> {
    screen(s, 160, 40)
        .lines()
        .skip(4)
        .take(34)
        .map(|l| l.trim_matches(|c| c == '│' || c == ' ').to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

async fn pane_with(lines: Vec<String>) -> (kmedic::sim::RunningSim, Session) {
    let sim = start_objects(small_cluster()).await;
    let last = lines.last().cloned().unwrap_or_default();
    write(&sim, &container("default", "web-1", "app"), &lines);
    let mut s = session(&sim.kubeconfig_yaml(), Some("default"), false).await;
    open_pod_logs(&mut s, "web-1").await;
    wait_state(&mut s, "the lines", |st| has_line(st, &last)).await;
    (sim, s)
}

fn submit(s: &mut Session, prefix: &str, text: &str) {
    type_text(s, prefix);
    type_text(s, text);
    s.dispatch(key(KeyCode::Enter));
}

fn mixed(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            if i % 3 == 0 {
                format!("ERROR request {i} failed")
            } else {
                format!("info request {i} ok")
            }
        })
        .collect()
}

#[tokio::test]
async fn search_highlights_and_jumps_filter_keeps_or_hides() {
    let (sim, mut s) = pane_with(mixed(90)).await;
    submit(&mut s, "/", "error");
    let notice = s.state.notice.clone().map(|n| n.text).unwrap_or_default();
    assert_eq!(notice, "30 matching lines for /error");
    let first = pane(&s.state).and_then(|p| p.current_hit);
    assert_eq!(first, Some(87), "starts at the newest match");
    type_text(&mut s, "N");
    assert_eq!(pane(&s.state).and_then(|p| p.current_hit), Some(84));
    type_text(&mut s, "n");
    type_text(&mut s, "n");
    assert_eq!(
        pane(&s.state).and_then(|p| p.current_hit),
        Some(0),
        "wraps around"
    );
    assert!(
        body_lines(&s).iter().any(|l| l == "ERROR request 0 failed"),
        "the match is on screen"
    );

    submit(&mut s, "&", "error");
    let shown = body_lines(&s);
    assert!(
        !shown.is_empty() && shown.iter().all(|l| l.starts_with("ERROR")),
        "{shown:?}"
    );
    submit(&mut s, "!", "error");
    let shown = body_lines(&s);
    assert!(
        !shown.is_empty() && shown.iter().all(|l| l.starts_with("info")),
        "{shown:?}"
    );
    assert!(screen(&s, 160, 40).contains("hide /error/"));

    // The stream goes on under a filter, and the filter applies to new lines.
    write(
        &sim,
        &container("default", "web-1", "app"),
        &["ERROR late".into(), "info late".into()],
    );
    wait_state(&mut s, "new lines", |st| has_line(st, "info late")).await;
    let shown = body_lines(&s);
    assert_eq!(
        shown.last().map(String::as_str),
        Some("info late"),
        "{shown:?}"
    );
    assert!(!shown.iter().any(|l| l == "ERROR late"));

    type_text(&mut s, "&");
    type_text(&mut s, "(");
    s.dispatch(key(KeyCode::Enter));
    assert!(
        s.state.notice.as_ref().is_some_and(|n| n.error),
        "a bad regex is reported"
    );
    s.dispatch(ctrl('u'));
    assert!(pane(&s.state).is_some_and(|p| p.filter.is_none() && p.search.is_none()));
}

#[tokio::test]
async fn scrolling_back_pauses_the_view_not_the_stream() {
    let (sim, mut s) = pane_with(numbered("line", 0..100)).await;
    assert_eq!(body_lines(&s).last().map(String::as_str), Some("line-99"));
    for _ in 0..5 {
        type_text(&mut s, "k");
    }
    assert_eq!(body_lines(&s).last().map(String::as_str), Some("line-94"));
    write(
        &sim,
        &container("default", "web-1", "app"),
        &numbered("new", 0..7),
    );
    wait_state(&mut s, "new lines while paused", |st| has_line(st, "new-6")).await;
    assert_eq!(
        body_lines(&s).last().map(String::as_str),
        Some("line-94"),
        "the view holds still"
    );
    let text = screen(&s, 160, 40);
    assert!(text.contains("paused, 7 new lines"), "{text}");
    type_text(&mut s, "G");
    assert_eq!(
        body_lines(&s).last().map(String::as_str),
        Some("new-6"),
        "back to live"
    );
    assert!(!screen(&s, 160, 40).contains("paused"));
    type_text(&mut s, "g");
    assert_eq!(body_lines(&s).first().map(String::as_str), Some("line-0"));
}

#[tokio::test]
async fn save_writes_the_buffer_and_copy_uses_osc52() {
    let (_sim, mut s) = pane_with(numbered("keep", 0..40)).await;
    let dir = tempfile::tempdir().expect("tempdir");
    s.state.log_settings.save_dir = dir.path().to_path_buf();
    type_text(&mut s, "S");
    wait_state(&mut s, "the save to finish", |st| {
        st.notice
            .as_ref()
            .is_some_and(|n| n.text.starts_with("saved 40 lines to"))
    })
    .await;
    // Saving again never overwrites the first file.
    s.state.notice = None;
    type_text(&mut s, "S");
    wait_state(&mut s, "the second save", |st| {
        st.notice
            .as_ref()
            .is_some_and(|n| n.text.starts_with("saved"))
    })
    .await;
    let files: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .collect();
    assert_eq!(files.len(), 2, "the second save made a new file");
    let saved = std::fs::read_to_string(files[0].path()).expect("saved file");
    let lines: Vec<&str> = saved.lines().collect();
    assert_eq!(lines.len(), 40);
    assert!(
        lines[0].ends_with(" keep-0") && lines[0].contains('T'),
        "time then text: {}",
        lines[0]
    );

    // Copy: mark, move up two lines, copy the selection.
    type_text(&mut s, "v");
    type_text(&mut s, "k");
    type_text(&mut s, "k");
    type_text(&mut s, "Y");
    let sequences = s.take_clipboard();
    assert_eq!(sequences.len(), 1);
    let payload = sequences[0]
        .strip_prefix("\u{1b}]52;c;")
        .and_then(|p| p.strip_suffix('\u{7}'))
        .expect("an OSC 52 sequence");
    let copied = base64::engine::general_purpose::STANDARD
        .decode(payload)
        .expect("base64");
    assert_eq!(
        String::from_utf8_lossy(&copied),
        "keep-37\nkeep-38\nkeep-39\n"
    );
}

fn stable(text: &str) -> String {
    let port = regex::Regex::new(r"127\.0\.0\.1:\d+").expect("regex");
    port.replace_all(text, "127.0.0.1:PORT").to_string()
}

/// Timestamps are of the moment the test wrote the lines.
fn stable_time(text: &str) -> String {
    let time = regex::Regex::new(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z").expect("regex");
    time.replace_all(&stable(text), "YYYY-MM-DDTHH:MM:SS.mmmZ")
        .to_string()
}

#[tokio::test]
async fn log_pane_snapshots_at_two_sizes() {
    let mut lines = mixed(30);
    lines.insert(
        20,
        "\u{1b}[1;31mFATAL\u{1b}[0m out of memory \u{7}".to_string(),
    );
    let (_sim, mut s) = pane_with(lines).await;
    wait_state(&mut s, "streaming", |st| {
        pane(st).and_then(|p| p.sources.first()).map(|s| &s.state)
            == Some(&kmedic::logs::StreamState::Streaming)
    })
    .await;
    submit(&mut s, "/", "error");
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        s.dispatch(kmedic::app::Msg::Resize {
            width: w,
            height: h,
        });
        insta::assert_snapshot!(format!("logs_search_{w}x{h}"), stable(&screen(&s, w, h)));
    }
    s.state.notice = None;
    s.dispatch(kmedic::app::Msg::Resize {
        width: 80,
        height: 24,
    });
    type_text(&mut s, "G");
    type_text(&mut s, "k");
    type_text(&mut s, "k");
    type_text(&mut s, "t");
    insta::assert_snapshot!(
        "logs_paused_timestamps_80x24",
        stable_time(&screen(&s, 80, 24))
    );
}

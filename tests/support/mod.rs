//! Shared test helpers: start the simulated cluster on 127.0.0.1, connect a session to it the
//! way the binary does (kubeconfig file → client → watches), and render frames to text.
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kmedic::app::Msg;
use kmedic::cluster::{ConnectOptions, build_client, load_kubeconfig};
use kmedic::config::{Keymap, Theme};
use kmedic::runtime::Session;
use kmedic::sim::{RunningSim, ScenarioSource, SimOptions};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// How long a test waits for a condition before failing.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// The built-in demo scenario, still (no liveness) so tests are deterministic.
pub async fn start_demo() -> RunningSim {
    kmedic::sim::start(SimOptions {
        source: ScenarioSource::Builtin,
        port: 0,
        live: false,
        forbidden: Vec::new(),
        log_generators: Vec::new(),
    })
    .await
    .expect("simulated cluster starts")
}

/// Writes `yaml` to a temp kubeconfig file that lives as long as the returned guard.
pub fn kubeconfig_file(yaml: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config");
    let mut file = std::fs::File::create(&path).expect("create kubeconfig");
    file.write_all(yaml.as_bytes()).expect("write kubeconfig");
    (dir, path)
}

/// A session on `kubeconfig_yaml`'s current context, as `kmedic [-n ns | -A]` would start.
pub async fn session(kubeconfig_yaml: &str, namespace: Option<&str>, all: bool) -> Session {
    let (dir, path) = kubeconfig_file(kubeconfig_yaml);
    // The session watches its kubeconfig for changes, so the file must outlive this function.
    let _kept = dir.keep();
    session_for_file(path, namespace, all).await
}

/// A session on the kubeconfig file at `path` (which the caller may edit later).
pub async fn session_for_file(path: PathBuf, namespace: Option<&str>, all: bool) -> Session {
    session_with_clock(path, namespace, all, kmedic::runtime::system_clock()).await
}

/// A session whose analysis judges ages against `clock`.
pub async fn session_with_clock(
    path: PathBuf,
    namespace: Option<&str>,
    all: bool,
    clock: kmedic::runtime::Clock,
) -> Session {
    let setup = load_kubeconfig(&ConnectOptions {
        kubeconfig: Some(path),
        context: None,
        namespace: namespace.map(str::to_string),
    })
    .expect("kubeconfig loads");
    let client = build_client(&setup, false).await.expect("client builds");
    let mut session = Session::start_with_clock(
        client,
        &setup,
        all,
        true,
        Arc::new(Keymap::builtin_default()),
        clock,
    );
    session.dispatch(Msg::Resize {
        width: 160,
        height: 40,
    });
    session
}

/// Renders the session's state into a `width`x`height` buffer (cells with their colours).
pub fn buffer(session: &Session, width: u16, height: u16) -> ratatui::buffer::Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    let theme = Theme::builtin_default();
    terminal
        .draw(|f| kmedic::ui::render(f, &session.state, &theme))
        .expect("draw");
    terminal.backend().buffer().clone()
}

/// Renders the session's state into a `width`x`height` text screen.
pub fn screen(session: &Session, width: u16, height: u16) -> String {
    let buffer = buffer(session, width, height);
    let mut out = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Types `text` key by key.
pub fn type_text(session: &mut Session, text: &str) {
    for c in text.chars() {
        let modifiers = if c.is_ascii_uppercase() {
            KeyModifiers::SHIFT
        } else {
            KeyModifiers::NONE
        };
        session.dispatch(Msg::Key(KeyEvent::new(KeyCode::Char(c), modifiers)));
    }
}

/// Runs a `:` command.
pub fn command(session: &mut Session, text: &str) {
    type_text(session, ":");
    type_text(session, text);
    session.dispatch(key(KeyCode::Enter));
}

/// Waits (processing cluster events) until the screen contains `needle`; returns the screen.
pub async fn wait_for_screen(session: &mut Session, needle: &str) -> String {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        let text = screen(session, 160, 40);
        if text.contains(needle) {
            return text;
        }
        if tokio::time::timeout_at(deadline, session.next())
            .await
            .is_err()
        {
            let text = screen(session, 160, 40);
            assert!(
                text.contains(needle),
                "screen never showed {needle:?}; last screen:\n{text}"
            );
            return text;
        }
    }
}

/// Waits until `done(state)` holds, failing the test with `what` otherwise.
pub async fn wait_state(
    session: &mut Session,
    what: &str,
    done: impl Fn(&kmedic::app::AppState) -> bool,
) {
    let ok = session.wait_until(DEADLINE, done).await;
    assert!(
        ok,
        "timed out waiting for {what}; screen:\n{}",
        screen(session, 160, 40)
    );
}

/// The built-in scenario frozen at its reference time, every kind synced and the analysis
/// settled: the same screens every run, for snapshots and the README's pictures.
pub async fn frozen_demo() -> (RunningSim, Session, jiff::Timestamp) {
    let reference: jiff::Timestamp = kmedic::sim::scenario::REFERENCE_TIME
        .parse()
        .expect("reference time");
    let objects = kmedic::sim::scenario::builtin(reference).expect("builtin scenario");
    let logs = kmedic::sim::scenario::seed_logs(&objects, reference);
    let sim = kmedic::sim::start(SimOptions {
        source: ScenarioSource::Objects(objects),
        port: 0,
        live: false,
        forbidden: Vec::new(),
        log_generators: Vec::new(),
    })
    .await
    .expect("sim");
    // The log lines the demo's containers have, at the reference time (seeded, so the same
    // lines every run).
    for log in logs {
        sim.store().apply(log).expect("seed a log line");
    }
    let (dir, path) = kubeconfig_file(&sim.kubeconfig_yaml());
    let _kept = dir.keep();
    let clock: kmedic::runtime::Clock = std::sync::Arc::new(move || reference);
    let mut s = session_with_clock(path, None, true, clock).await;
    wait_state(&mut s, "every kind to sync", |st| {
        kmedic::model::ResourceKind::WATCHED
            .iter()
            .all(|k| st.kinds.get(k).is_some_and(|d| d.synced))
    })
    .await;
    wait_state(&mut s, "the analysis to settle", |st| {
        st.troubleshoot
            .analysis
            .as_ref()
            .is_some_and(|a| !a.coverage.syncing)
    })
    .await;
    s.dispatch(Msg::Tick(reference));
    // The usage columns of both tables (metrics-server answers; the frozen cluster's usage
    // stays the same), read once here so every screen shows them from the start.
    wait_state(&mut s, "pod usage", |st| st.joins.pod_usage.is_some()).await;
    type_text(&mut s, "4");
    wait_state(&mut s, "node usage", |st| st.joins.node_usage.is_some()).await;
    type_text(&mut s, "1");
    wait_state(&mut s, "the pods table", |st| {
        st.view == kmedic::model::ResourceKind::Pods
    })
    .await;
    (sim, s, reference)
}

/// A screen with the simulated cluster's random port replaced.
pub fn stable(text: &str) -> String {
    let port = regex::Regex::new(r"127\.0\.0\.1:\d+").expect("regex");
    port.replace_all(text, "127.0.0.1:PORT").to_string()
}

#[allow(dead_code)]
pub mod pty;

#[allow(dead_code)]
pub mod bad_servers;

#[allow(dead_code)]
pub mod terminal_watch;

/// The text of the open YAML or describe view ("" when neither is open).
pub fn overlay_text(state: &kmedic::app::AppState) -> String {
    use kmedic::app::overlay::Overlay;
    match &state.overlay {
        Some(Overlay::Yaml(y)) => y.lines.join("\n"),
        Some(Overlay::Detail(d)) => d
            .lines
            .iter()
            .map(|l| l.text.clone())
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

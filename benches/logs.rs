//! Log pane benchmark. Part 1 (in process): 1,000,000 generated lines (ANSI, stack traces, long
//! lines, invalid UTF-8) are cleaned and fed through the reducer in batches; memory (RSS) is
//! sampled as they go, and a frame is drawn with the buffer full and a search active. Part 2
//! (end to end): the simulated cluster floods one container at 10,000 lines/s over HTTP on
//! 127.0.0.1; a loop shaped like the terminal loop applies messages and draws at most ~30
//! frames/s, while a key arrives every 50 ms; key-to-frame latency is measured from the key's
//! arrival time to the end of the frame that shows it. Run with `cargo bench --bench logs`.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;
use kmedic::app::logs_pane::{self, LogsPane};
use kmedic::app::overlay::Overlay;
use kmedic::app::state::Target;
use kmedic::app::{AppState, Msg, update};
use kmedic::cluster::{ConnectOptions, Scope, build_client, load_kubeconfig};
use kmedic::config::{Keymap, Theme};
use kmedic::logs::{LogLine, LogNews, sanitize};
use kmedic::model::ResourceKind;
use kmedic::runtime::Session;
use kmedic::sim::server::log_generator::{LogGenerator, LogStyle, to_wire};
use kmedic::sim::{ScenarioSource, SimOptions};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;
use support::rss_mib;

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples.get(i).copied().unwrap_or_default()
}

fn pane(state: &AppState) -> Option<&LogsPane> {
    match &state.overlay {
        Some(Overlay::Logs(p)) => Some(p),
        _ => None,
    }
}

fn generator(rate: u32, limit: Option<u64>) -> LogGenerator {
    LogGenerator {
        namespace: "default".into(),
        pod: "web-1".into(),
        container: "app".into(),
        rate,
        style: LogStyle {
            long_lines: 4_000,
            ..LogStyle::messy()
        },
        limit,
    }
}

fn draw(terminal: &mut Terminal<TestBackend>, state: &AppState, theme: &Theme) {
    terminal
        .draw(|f| kmedic::ui::render(f, state, theme))
        .expect("draw");
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    memory();
    runtime.block_on(flood());
}

fn memory() {
    const TOTAL: u64 = 1_000_000;
    const BATCH: usize = 2_000;
    println!("part 1: {TOTAL} lines through the reducer (default caps: 10,000 lines / 16 MiB)");
    let mut state = AppState::new(
        Target::default(),
        Scope::Namespace("default".into()),
        true,
        Arc::new(Keymap::builtin_default()),
        Timestamp::now(),
    );
    state.width = 160;
    state.height = 40;
    let _ = logs_pane::open_pod(&mut state, "default", "web-1", Some("app".into()), false);
    let stream = pane(&state)
        .and_then(|p| p.sources.first())
        .map_or(0, |s| s.stream);
    let g = generator(1, None);
    let rss_start = rss_mib();
    println!("  RSS before: {rss_start:.1} MiB");
    let started = Instant::now();
    let (mut event, mut lines_fed, mut next_report) = (0u64, 0u64, 10_000u64);
    let mut clean_time = Duration::ZERO;
    while lines_fed < TOTAL {
        let t = Instant::now();
        let mut batch = Vec::with_capacity(BATCH);
        while batch.len() < BATCH {
            for text in g.event(event) {
                let clean = sanitize::clean(&to_wire(text));
                batch.push(LogLine::log(0, Some(Timestamp::now()), clean));
            }
            event += 1;
        }
        clean_time += t.elapsed();
        lines_fed += batch.len() as u64;
        let _ = update(
            &mut state,
            Msg::Logs(LogNews::Lines {
                stream,
                lines: batch,
            }),
        );
        if lines_fed >= next_report {
            let p = pane(&state).map(|p| (p.buffer.len(), p.buffer.bytes(), p.buffer.dropped));
            println!(
                "  after {lines_fed:>9} lines: RSS {:.1} MiB; buffer {:?} (lines, accounted bytes, dropped)",
                rss_mib(),
                p.unwrap_or_default()
            );
            next_report *= 10;
        }
    }
    let took = started.elapsed();
    println!(
        "  {lines_fed} lines in {took:.2?} ({:.0} lines/s incl. generating + cleaning {clean_time:.2?})",
        lines_fed as f64 / took.as_secs_f64()
    );
    println!(
        "  RSS after: {:.1} MiB (+{:.1} MiB)",
        rss_mib(),
        rss_mib() - rss_start
    );

    // Drawing one frame with a full buffer and a search active.
    let _ = update(&mut state, key('/'));
    for c in "error".chars() {
        let _ = update(&mut state, key(c));
    }
    let _ = update(
        &mut state,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    let theme = Theme::builtin_default();
    let mut terminal = Terminal::new(TestBackend::new(160, 40)).expect("terminal");
    let mut samples = Vec::new();
    for i in 0..200 {
        let _ = update(&mut state, key(if i % 2 == 0 { 'w' } else { 't' }));
        let t = Instant::now();
        draw(&mut terminal, &state, &theme);
        samples.push(t.elapsed());
    }
    println!(
        "  frame with 10,000 lines, search on, wrap/timestamps toggling: p50 {:.2?}, p99 {:.2?}",
        percentile(&mut samples, 0.5),
        percentile(&mut samples, 0.99)
    );
}

fn key(c: char) -> Msg {
    let modifiers = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    Msg::Key(KeyEvent::new(KeyCode::Char(c), modifiers))
}

async fn connect(kubeconfig: &str) -> Session {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config");
    std::fs::write(&path, kubeconfig).expect("kubeconfig");
    let setup = load_kubeconfig(&ConnectOptions {
        kubeconfig: Some(path),
        context: None,
        namespace: Some("default".into()),
    })
    .expect("kubeconfig loads");
    let client = build_client(&setup, false).await.expect("client");
    let mut session = Session::start(
        client,
        &setup,
        false,
        true,
        Arc::new(Keymap::builtin_default()),
    );
    session.dispatch(Msg::Resize {
        width: 160,
        height: 40,
    });
    session
}

async fn flood() {
    const RATE: u32 = 10_000;
    const SECONDS: u64 = 10;
    println!("part 2: a container writes {RATE} lines/s; a key every 50 ms for {SECONDS} s");
    let objects = vec![
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}}),
        json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"namespace": "default", "name": "web-1", "labels": {"app": "web"}},
            "spec": {"containers": [{"name": "app", "image": "example/app:1"}]},
            "status": {"phase": "Running", "containerStatuses": [{"name": "app", "ready": true, "restartCount": 0, "image": "example/app:1", "imageID": "", "state": {"running": {"startedAt": "2026-01-01T00:00:00Z"}}}]}
        }),
    ];
    let sim = kmedic::sim::start(SimOptions {
        source: ScenarioSource::Objects(objects),
        port: 0,
        live: false,
        forbidden: Vec::new(),
        log_generators: vec![generator(RATE, None)],
    })
    .await
    .expect("sim");
    let mut s = connect(&sim.kubeconfig_yaml()).await;
    let synced = s
        .wait_until(Duration::from_secs(20), |st| {
            !st.rows(ResourceKind::Pods).is_empty()
        })
        .await;
    assert!(synced, "pods listed");
    s.dispatch(key('L'));
    let streaming = s
        .wait_until(Duration::from_secs(20), |st| {
            pane(st).is_some_and(|p| p.received > 0)
        })
        .await;
    assert!(streaming, "the pane streams");

    let theme = Theme::builtin_default();
    let mut terminal = Terminal::new(TestBackend::new(160, 40)).expect("terminal");
    let frame = Duration::from_millis(33);
    let mut last_frame = Instant::now();
    let mut keys = tokio::time::interval(Duration::from_millis(50));
    keys.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let start_received = pane(&s.state).map_or(0, |p| p.received);
    let start_batches = pane(&s.state).map_or(0, |p| p.batches);
    let rss_start = rss_mib();
    let started = Instant::now();
    let (mut latencies, mut frames, mut n) = (Vec::new(), 0u64, 0u64);
    while started.elapsed() < Duration::from_secs(SECONDS) {
        tokio::select! {
            arrived = keys.tick() => {
                // Alternate scrolling back and jumping to live, with timestamps toggling.
                let c = match n % 4 { 0 => 'k', 1 => 't', 2 => 'G', _ => 't' };
                n += 1;
                s.dispatch(key(c));
                draw(&mut terminal, &s.state, &theme);
                s.state.dirty = false;
                frames += 1;
                last_frame = Instant::now();
                latencies.push(arrived.into_std().elapsed());
            }
            () = s.next() => {
                if s.state.dirty && last_frame.elapsed() >= frame {
                    draw(&mut terminal, &s.state, &theme);
                    s.state.dirty = false;
                    frames += 1;
                    last_frame = Instant::now();
                }
            }
        }
    }
    let took = started.elapsed().as_secs_f64();
    let received = pane(&s.state).map_or(0, |p| p.received) - start_received;
    let batches = pane(&s.state).map_or(0, |p| p.batches) - start_batches;
    println!(
        "  received {:.0} lines/s in {:.0} batches/s ({:.0} lines per batch); {:.0} frames/s",
        received as f64 / took,
        batches as f64 / took,
        received as f64 / batches.max(1) as f64,
        frames as f64 / took
    );
    println!(
        "  key-to-frame latency over {} keys: p50 {:.2?}, p99 {:.2?}, max {:.2?}",
        latencies.len(),
        percentile(&mut latencies, 0.5),
        percentile(&mut latencies, 0.99),
        latencies.last().copied().unwrap_or_default()
    );
    let p = pane(&s.state);
    println!(
        "  buffer {} lines, {} dropped; RSS {:.1} MiB (+{:.1} MiB during the flood)",
        p.map_or(0, |p| p.buffer.len()),
        p.map_or(0, |p| p.buffer.dropped),
        rss_mib(),
        rss_mib() - rss_start
    );
}

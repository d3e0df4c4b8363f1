//! The simulated cluster's log generators through the log pane: messy output (stack traces,
//! very long lines, ANSI, other escapes, invalid UTF-8) arrives clean, and a flood arrives in
//! batches into a bounded buffer.

#[path = "support/logs_fixtures.rs"]
mod logs_fixtures;
#[path = "support/sim_fixtures.rs"]
mod sim_fixtures;
mod support;

use kmedic::sim::server::log_generator::{LogGenerator, LogStyle};
use logs_fixtures::*;
use sim_fixtures::*;
use support::*;

fn generator(rate: u32, style: LogStyle, limit: Option<u64>) -> LogGenerator {
    LogGenerator {
        namespace: "default".into(),
        pod: "web-1".into(),
        container: "app".into(),
        rate,
        style,
        limit,
    }
}

#[tokio::test]
async fn messy_output_arrives_clean() {
    let mut options = options(small_cluster(), Vec::new());
    options.log_generators = vec![generator(5_000, LogStyle::messy(), Some(400))];
    let sim = kmedic::sim::start(options).await.expect("sim");
    let mut s = session(&sim.kubeconfig_yaml(), Some("default"), false).await;
    s.state.log_settings.max_lines = 100_000;
    open_pod_logs(&mut s, "web-1").await;
    wait_state(&mut s, "all 400 events", |st| {
        texts(st).iter().any(|t| t.contains("handled request 398 "))
    })
    .await;
    let all = texts(&s.state);
    assert!(
        all.iter().any(|t| t.starts_with("Caused by:")),
        "stack traces"
    );
    assert!(
        all.iter().any(|t| t.starts_with("    at com.example")),
        "tabs become spaces"
    );
    assert!(all.iter().any(|t| t.len() >= 20_000), "long lines kept");
    assert!(
        all.iter()
            .any(|t| t.ends_with("bytes=\u{fffd}\u{fffd}\u{fffd}")),
        "invalid UTF-8 replaced"
    );
    assert!(
        all.iter().any(|t| t.starts_with("INFO handled request 0 ")),
        "SGR codes removed from text"
    );
    assert!(
        !all.iter().any(|t| t.contains("pwned")),
        "OSC title sequences removed"
    );
    assert!(
        all.iter().all(|t| !t.chars().any(char::is_control)),
        "no control characters"
    );
    let coloured = pane(&s.state).is_some_and(|p| p.buffer.iter().any(|l| !l.line.runs.is_empty()));
    assert!(coloured, "colours kept as runs");
    let text = screen(&s, 160, 40);
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'));
}

#[tokio::test]
async fn a_flood_arrives_in_batches_into_a_bounded_buffer() {
    let mut options = options(small_cluster(), Vec::new());
    options.log_generators = vec![generator(10_000, LogStyle::default(), Some(20_000))];
    let sim = kmedic::sim::start(options).await.expect("sim");
    let mut s = session(&sim.kubeconfig_yaml(), Some("default"), false).await;
    s.state.log_settings.max_lines = 1_000;
    open_pod_logs(&mut s, "web-1").await;
    wait_state(&mut s, "the flood to end", |st| {
        texts(st)
            .iter()
            .any(|t| t.contains("handled request 19999 "))
    })
    .await;
    let p = pane(&s.state).expect("pane");
    assert_eq!(p.buffer.len(), 1_000);
    assert!(p.received > 5_000, "received {}", p.received);
    assert_eq!(
        p.buffer.dropped,
        p.received - 1_000,
        "every line past the cap is counted as dropped"
    );
    assert!(
        p.received >= 10 * p.batches,
        "{} lines in {} batches: lines must be batched",
        p.received,
        p.batches
    );
}

//! The log pane against the simulated cluster over 127.0.0.1: follow, previous, tail/since,
//! container choice, waiting containers, stream states, and the untrusted-text cleaning.

#[path = "support/logs_fixtures.rs"]
mod logs_fixtures;
#[path = "support/sim_fixtures.rs"]
mod sim_fixtures;
mod support;

use crossterm::event::KeyCode;
use jiff::{SignedDuration, Timestamp};
use kmedic::logs::{Range, StreamState};
use logs_fixtures::*;
use serde_json::json;
use sim_fixtures::*;
use support::*;

fn state_of(st: &kmedic::app::AppState) -> Option<StreamState> {
    pane(st)
        .and_then(|p| p.sources.first())
        .map(|s| s.state.clone())
}

#[tokio::test]
async fn follow_shows_existing_then_new_lines_once() {
    let sim = start_objects(small_cluster()).await;
    let web = container("default", "web-1", "app");
    write(&sim, &web, &numbered("boot", 0..3));
    let mut s = session(&sim.kubeconfig_yaml(), Some("default"), false).await;
    open_pod_logs(&mut s, "web-1").await;
    wait_state(&mut s, "the existing lines", |st| has_line(st, "boot-2")).await;
    wait_state(&mut s, "streaming", |st| {
        state_of(st) == Some(StreamState::Streaming)
    })
    .await;
    write(&sim, &web, &numbered("live", 0..20));
    wait_state(&mut s, "followed lines", |st| has_line(st, "live-19")).await;
    let mut expected = numbered("boot", 0..3);
    expected.extend(numbered("live", 0..20));
    assert_eq!(texts(&s.state), expected, "every line once, in order");
    let text = wait_for_screen(&mut s, "live-19").await;
    assert!(text.contains("Logs default/web-1:app"), "{text}");
    assert!(
        text.contains("● streaming") && text.contains("follow"),
        "{text}"
    );
    assert_eq!(s.log_streams(), 1);

    // Closing the pane stops its stream.
    s.dispatch(key(KeyCode::Esc));
    assert!(pane(&s.state).is_none());
    assert_eq!(s.log_streams(), 0, "Esc cancels the stream");
}

#[tokio::test]
async fn previous_shows_the_crashed_instance_and_p_switches_back() {
    let sim = start_objects(small_cluster()).await;
    let web = container("default", "web-1", "app");
    write(&sim, &web, &numbered("before-crash", 0..5));
    sim.store().restart_container(web.clone());
    write(&sim, &web, &numbered("after-restart", 0..2));
    let mut s = session(&sim.kubeconfig_yaml(), Some("default"), false).await;
    select(&mut s, kmedic::model::ResourceKind::Pods, "web-1").await;
    type_text(&mut s, "P");
    wait_state(&mut s, "the previous instance's lines", |st| {
        has_line(st, "before-crash-4")
    })
    .await;
    wait_state(&mut s, "the previous log to end", |st| {
        matches!(state_of(st), Some(StreamState::Ended { .. }))
    })
    .await;
    assert_eq!(texts(&s.state), numbered("before-crash", 0..5));
    let text = wait_for_screen(&mut s, "previous").await;
    assert!(text.contains("ended: previous instance"), "{text}");

    type_text(&mut s, "p");
    wait_state(&mut s, "the current instance", |st| {
        has_line(st, "after-restart-1")
    })
    .await;
    assert_eq!(texts(&s.state), numbered("after-restart", 0..2));
}

#[tokio::test]
async fn tail_and_since_choose_how_far_back() {
    let sim = start_objects(small_cluster()).await;
    let web = container("default", "web-1", "app");
    let now = Timestamp::now();
    let store = sim.store();
    for i in 0..20 {
        let age = SignedDuration::from_mins(100 - i * 5);
        store.append_log(web.clone(), now - age, format!("old-{i}"));
    }
    let mut s = session(&sim.kubeconfig_yaml(), Some("default"), false).await;
    open_pod_logs(&mut s, "web-1").await;
    wait_state(&mut s, "all lines", |st| has_line(st, "old-19")).await;

    type_text(&mut s, "r");
    type_text(&mut s, "3");
    s.dispatch(key(KeyCode::Enter));
    wait_state(&mut s, "a tail of 3", |st| {
        pane(st).is_some_and(|p| p.range == Range::Tail(3)) && has_line(st, "old-19")
    })
    .await;
    assert_eq!(texts(&s.state), numbered("old", 17..20));

    type_text(&mut s, "r");
    type_text(&mut s, "22m");
    s.dispatch(key(KeyCode::Enter));
    wait_state(&mut s, "lines since 22 minutes", |st| {
        pane(st).is_some_and(|p| p.range == Range::Since(22 * 60)) && has_line(st, "old-19")
    })
    .await;
    // Ages 20, 15, 10, 5 minutes.
    assert_eq!(texts(&s.state), numbered("old", 16..20));
    let text = wait_for_screen(&mut s, "since 22m").await;
    assert!(text.contains("4 lines"), "{text}");

    type_text(&mut s, "r");
    type_text(&mut s, "soon");
    s.dispatch(key(KeyCode::Enter));
    assert!(
        s.state.notice.as_ref().is_some_and(|n| n.error),
        "a bad range is refused"
    );
}

#[tokio::test]
async fn containers_include_init_ones_and_c_cycles() {
    let mut api = pod(
        "default",
        "api-1",
        &["api", "sidecar"],
        "node-1",
        "Running",
        json!({"app": "api"}),
    );
    api["spec"]["initContainers"] = json!([{"name": "migrate", "image": "example/migrate:1"}]);
    api["status"]["initContainerStatuses"] = json!([{"name": "migrate", "ready": false, "restartCount": 0, "image": "example/migrate:1", "imageID": "", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]);
    let sim = start_objects(vec![namespace("default"), node("node-1"), api]).await;
    for (c, line) in [
        ("api", "from-api"),
        ("sidecar", "from-sidecar"),
        ("migrate", "from-migrate"),
    ] {
        write(&sim, &container("default", "api-1", c), &[line.to_string()]);
    }
    let mut s = session(&sim.kubeconfig_yaml(), Some("default"), false).await;
    open_pod_logs(&mut s, "api-1").await;
    wait_state(&mut s, "the default container", |st| {
        has_line(st, "from-api")
    })
    .await;
    let names: Vec<String> = pane(&s.state)
        .map(|p| {
            p.containers
                .iter()
                .map(|c| format!("{}{}", c.name, c.role))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(names, ["api", "sidecar", "migrateinit"]);
    type_text(&mut s, "c");
    wait_state(&mut s, "the sidecar", |st| has_line(st, "from-sidecar")).await;
    assert_eq!(texts(&s.state), ["from-sidecar"]);
    type_text(&mut s, "c");
    wait_state(&mut s, "the init container", |st| {
        has_line(st, "from-migrate")
    })
    .await;
    wait_for_screen(&mut s, "api-1:migrate").await;
    let text = wait_for_screen(
        &mut s,
        "ended: container terminated: Completed, exit code 0",
    )
    .await;
    assert!(text.contains("from-migrate"), "{text}");
}

#[tokio::test]
async fn following_across_a_container_restart_marks_it_and_continues() {
    let sim = start_objects(small_cluster()).await;
    let web = container("default", "web-1", "app");
    write(&sim, &web, &["first-life".to_string()]);
    let mut s = session(&sim.kubeconfig_yaml(), Some("default"), false).await;
    open_pod_logs(&mut s, "web-1").await;
    wait_state(&mut s, "the first instance", |st| {
        has_line(st, "first-life")
    })
    .await;
    wait_state(&mut s, "streaming", |st| {
        state_of(st) == Some(StreamState::Streaming)
    })
    .await;

    let mut restarted = simple_pod("default", "web-1");
    restarted["status"]["containerStatuses"][0]["restartCount"] = json!(1);
    restarted["status"]["containerStatuses"][0]["lastState"] =
        json!({"terminated": {"exitCode": 137, "reason": "OOMKilled"}});
    sim.store().upsert(restarted).expect("pod updates");
    sim.store().restart_container(web.clone());
    write(&sim, &web, &["second-life".to_string()]);
    wait_state(&mut s, "the new instance", |st| has_line(st, "second-life")).await;
    assert_eq!(
        texts(&s.state),
        ["first-life", "── container restarted ──", "second-life"]
    );
}

#[tokio::test]
async fn a_container_that_never_started_says_why_then_streams() {
    let mut stuck = simple_pod("default", "stuck-1");
    stuck["status"]["phase"] = json!("Pending");
    stuck["status"]["containerStatuses"][0]["state"] = json!({"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image \"example/app:1.0\"\u{7}\u{1b}[2J"}});
    let sim = start_objects(vec![namespace("default"), node("node-1"), stuck.clone()]).await;
    let mut s = session(&sim.kubeconfig_yaml(), Some("default"), false).await;
    open_pod_logs(&mut s, "stuck-1").await;
    let text = wait_for_screen(&mut s, "waiting: ImagePullBackOff").await;
    assert!(text.contains("Back-off pulling image"), "{text}");
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{text:?}"
    );

    // The image arrives: the container runs and writes.
    stuck["status"]["phase"] = json!("Running");
    stuck["status"]["containerStatuses"][0]["state"] =
        json!({"running": {"startedAt": "2026-01-01T00:00:00Z"}});
    sim.store().upsert(stuck).expect("pod updates");
    write(
        &sim,
        &container("default", "stuck-1", "app"),
        &["started".to_string()],
    );
    wait_state(&mut s, "the first line", |st| has_line(st, "started")).await;
}

#[tokio::test]
async fn ansi_is_rendered_or_stripped_and_control_characters_never_reach_the_screen() {
    let sim = start_objects(small_cluster()).await;
    let web = container("default", "web-1", "app");
    write(
        &sim,
        &web,
        &[
            "\u{1b}[31mred\u{1b}[0m plain \u{1b}]52;c;aGk=\u{7}bell\u{7} \u{1b}[2Jclear\u{8}"
                .to_string(),
        ],
    );
    let mut s = session(&sim.kubeconfig_yaml(), Some("default"), false).await;
    open_pod_logs(&mut s, "web-1").await;
    wait_state(&mut s, "the line", |st| {
        texts(st)
            .first()
            .is_some_and(|t| t.starts_with("red plain"))
    })
    .await;
    assert_eq!(texts(&s.state), ["red plain bell\u{2407} clear\u{2408}"]);
    let text = wait_for_screen(&mut s, "red plain").await;
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{text:?}"
    );
    let red = |s: &kmedic::runtime::Session| {
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(160, 40)).expect("terminal");
        let theme = kmedic::config::Theme::builtin_default();
        terminal
            .draw(|f| kmedic::ui::render(f, &s.state, &theme))
            .expect("draw");
        let buffer = terminal.backend().buffer().clone();
        buffer
            .content()
            .iter()
            .any(|c| c.symbol() == "r" && c.fg == ratatui::style::Color::Indexed(1))
    };
    assert!(red(&s), "ANSI red is drawn as a colour");
    type_text(&mut s, "a");
    assert!(!red(&s), "stripped when ANSI is off");
}

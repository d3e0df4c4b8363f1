//! Cluster, certificate and kubeconfig text is hostile: escape sequences in a termination
//! message, an event, a node condition, a Service selector, a certificate subject, a 403
//! `Status.message` or a context name must not retitle the terminal, clear it, write the
//! clipboard or reorder text (bidi overrides) — in `kmedic check` and `kmedic certs` output,
//! in every stderr message, and in JSON. The binary runs in a pseudo-terminal whose emulator
//! records titles and clipboard writes.
#![allow(clippy::unwrap_used)]

mod support;

#[path = "fixtures/certs/gen.rs"]
mod generated;

use std::path::Path;

use serde_json::{Value, json};
use support::bad_servers::{Reply, Scripted, kubeconfig_for_server};
use support::terminal_watch::{Watched, dangerous, emulate, run};

/// Retitles (OSC 0 and 2), clears the screen, homes the cursor, writes the clipboard (OSC 52),
/// reverses text (RLO) and sends a C1 CSI.
const ATTACK: &str = "\u{1b}]0;PWNED-TITLE\u{7}\u{1b}]2;PWNED2\u{7}\u{1b}[2J\u{1b}[H\u{1b}]52;c;cHduZWQ=\u{7}\u{202e}evil\u{9b}2J";

#[test]
fn the_watching_terminal_does_see_attacks() {
    // Proof that the emulator would notice: the raw attack retitles and writes the clipboard.
    let (_, tattle) = emulate(format!("before{ATTACK}").as_bytes(), 10, 80);
    assert!(
        tattle.titles.iter().any(|t| t == "PWNED-TITLE"),
        "{tattle:?}"
    );
    assert_eq!(tattle.clipboard, vec!["cHduZWQ=".to_string()]);
    let (screen, _) = emulate(format!("before{ATTACK}").as_bytes(), 10, 80);
    assert!(!screen.contains("before"), "CSI 2J cleared it: {screen}");
}

fn hostile_scenario(dir: &Path) -> std::path::PathBuf {
    let items = json!([
        {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-1"},
         "status": {"conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady",
            "message": format!("ok{ATTACK}")}]}},
        {"apiVersion": "v1", "kind": "Pod",
         "metadata": {"name": "api-5f6d7c8b9-abcde", "namespace": "web", "uid": "u1",
            "creationTimestamp": "2025-06-01T10:00:00Z", "labels": {"app": "api"}},
         "spec": {"nodeName": "node-1", "containers": [{"name": "api", "image": "example.com/api:1.0"}]},
         "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "False"}],
            "containerStatuses": [{"name": "api", "image": "example.com/api:1.0", "imageID": "",
                "ready": false, "restartCount": 9,
                "state": {"waiting": {"reason": "CrashLoopBackOff",
                    "message": "back-off 5m0s restarting failed container=api"}},
                "lastState": {"terminated": {"exitCode": 1, "reason": "Error",
                    "message": format!("boom{ATTACK}"), "finishedAt": "2025-06-01T10:30:00Z"}}}]}},
        {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "api.1", "namespace": "web"},
         "involvedObject": {"kind": "Pod", "name": "api-5f6d7c8b9-abcde", "namespace": "web"},
         "type": "Warning", "reason": "BackOff",
         "message": format!("Back-off restarting failed container{ATTACK}"),
         "count": 5, "lastTimestamp": "2025-06-01T10:30:00Z"},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "api", "namespace": "web"},
         "spec": {"clusterIP": "10.96.0.5", "selector": {"app": format!("api{ATTACK}")},
            "ports": [{"port": 80, "targetPort": 8080}]}}
    ]);
    let path = dir.join("hostile.json");
    let list = json!({"apiVersion": "v1", "kind": "List", "items": items});
    std::fs::write(&path, list.to_string()).unwrap();
    path
}

/// A YAML double-quoted scalar with every control, C1 and bidi character as a `\\u` escape.
fn yaml_quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        if c.is_control() || ('\u{2000}'..='\u{206f}').contains(&c) || c == '"' || c == '\\' {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out.push('"');
    out
}

fn assert_nothing_raw(watched: &Watched, first_line: &str) {
    let text = &watched.screen;
    assert!(
        watched.tattle.titles.is_empty(),
        "retitled: {:?}",
        watched.tattle
    );
    assert!(
        watched.tattle.clipboard.is_empty(),
        "clipboard: {:?}",
        watched.tattle
    );
    assert_eq!(dangerous(&watched.raw), Vec::<&str>::new(), "{text}");
    assert!(
        text.trim_start().starts_with(first_line),
        "the screen was not cleared: {text}"
    );
}

#[test]
fn check_text_shows_escape_sequences_instead_of_running_them() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = hostile_scenario(dir.path());
    let log = dir.path().join("kmedic.log");
    let watched = run(
        &[
            "check",
            "--scenario",
            scenario.to_str().unwrap(),
            "--log-file",
            log.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(watched.exit_code, 1, "{}", watched.screen);
    assert_nothing_raw(&watched, "ERROR (2)");
    for shown in [
        "termination message: boom␛]0;PWNED-TITLE␇␛]2;PWNED2␇␛[2J␛[H␛]52;c;cHduZWQ=␇<U+202E>evil<U+009B>2J",
        "Back-off restarting failed container␛]0;PWNED-TITLE␇",
        "Service/api: selector app=api␛]0;PWNED-TITLE␇",
    ] {
        assert!(
            watched.screen.contains(shown),
            "{shown}\n{}",
            watched.screen
        );
    }
    // Colours (kmedic's own SGR codes) are still there: stdout is a terminal.
    assert!(watched.raw.windows(4).any(|w| w == b"\x1b[1;"));
}

#[test]
fn check_json_escapes_every_unsafe_character_and_keeps_the_strings() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = hostile_scenario(dir.path());
    let out = std::process::Command::new(support::pty::BIN)
        .args(["check", "-o", "json", "--scenario"])
        .arg(&scenario)
        .arg("--log-file")
        .arg(dir.path().join("kmedic.log"))
        .output()
        .unwrap();
    assert_eq!(dangerous(&out.stdout), Vec::<&str>::new());
    assert!(!out.stdout.contains(&0x1b));
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = value.to_string();
    assert!(
        text.contains(
            &format!("boom{ATTACK}")
                .replace('\u{1b}', "\\u001b")
                .replace('\u{7}', "\\u0007")
        )
    );
    let evidence = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["evidence"].as_array().cloned().unwrap_or_default())
        .find(|e| e["label"] == "termination message")
        .unwrap();
    assert_eq!(
        evidence["value"],
        format!("boom{ATTACK}"),
        "JSON keeps the exact string"
    );
}

#[test]
fn certs_text_shows_a_hostile_subject_visibly() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    let pki = root.join("etc/kubernetes/pki");
    std::fs::create_dir_all(&pki).unwrap();
    let evil = generated::ca(&format!("kubernetes{ATTACK}"));
    std::fs::write(pki.join("ca.crt"), &evil.pair.cert_pem).unwrap();
    std::fs::write(pki.join("ca.key"), &evil.pair.key_pem).unwrap();
    let log = dir.path().join("kmedic.log");
    let watched = run(
        &[
            "certs",
            "--offline",
            "--host-root",
            root.to_str().unwrap(),
            "--log-file",
            log.to_str().unwrap(),
        ],
        &[("KUBECONFIG", "/nonexistent")],
    );
    assert_nothing_raw(&watched, "CERTIFICATE");
    assert!(
        watched.screen.contains("CN=kubernetes␛]0;PWNED-TITLE␇"),
        "{}",
        watched.screen
    );
}

#[test]
fn stderr_messages_show_server_text_and_context_names_visibly() {
    let message = format!("pods is forbidden{ATTACK}");
    let server = Scripted::start(move |_| Reply::status(403, "Forbidden", &message));
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("config");
    std::fs::write(&kubeconfig, kubeconfig_for_server(&server.url())).unwrap();
    let log = dir.path().join("kmedic.log");
    let args = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = vec![
            "check".into(),
            "--kubeconfig".into(),
            kubeconfig.display().to_string(),
            "--log-file".into(),
            log.display().to_string(),
        ];
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let first = args(&[]);
    let watched = run(&first.iter().map(String::as_str).collect::<Vec<_>>(), &[]);
    assert!(
        watched
            .screen
            .contains("could not list anything from http://127.0.0.1:"),
        "{}",
        watched.screen
    );
    assert!(
        watched
            .screen
            .contains(": pods is forbidden␛]0;PWNED-TITLE␇"),
        "{}",
        watched.screen
    );
    assert_nothing_raw(&watched, "kmedic: could not list");

    // A context name from a kubeconfig, echoed in the "not found" message.
    let hostile_context = format!("prod{ATTACK}");
    let text = kubeconfig_for_server(&server.url()).replace(
        "name: t\n",
        &format!("name: {}\n", yaml_quoted(&hostile_context)),
    );
    std::fs::write(&kubeconfig, text).unwrap();
    let second = args(&["--context", "nope"]);
    let watched = run(&second.iter().map(String::as_str).collect::<Vec<_>>(), &[]);
    assert_eq!(watched.exit_code, 2);
    assert!(
        watched.screen.contains("available: prod␛]0;PWNED-TITLE␇"),
        "{}",
        watched.screen
    );
    assert_nothing_raw(&watched, "kmedic: context \"nope\" not found");
}

//! End to end: the real `kmedic` binary in a pseudo-terminal against `kmedic serve-demo`, with
//! the log pane open: lines are drawn, and copying writes an OSC 52 sequence to the terminal.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const BIN: &str = env!("CARGO_BIN_EXE_kmedic");
const DEADLINE: Duration = Duration::from_secs(30);

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve_demo(dir: &std::path::Path) -> (KillOnDrop, std::path::PathBuf) {
    let kubeconfig = dir.join("demo.kubeconfig");
    let mut child = Command::new(BIN)
        .args(["serve-demo", "--frozen", "--write-kubeconfig"])
        .arg(&kubeconfig)
        .arg("--log-file")
        .arg(dir.join("serve.log"))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("serve-demo starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("serve-demo prints its address");
    (KillOnDrop(child), kubeconfig)
}

/// Waits until `check` holds on (screen text, raw bytes so far).
fn wait(
    parser: &Mutex<vt100::Parser>,
    raw: &Mutex<Vec<u8>>,
    what: &str,
    check: impl Fn(&str, &[u8]) -> bool,
) -> String {
    let start = Instant::now();
    loop {
        let text = parser
            .lock()
            .map(|p| p.screen().contents())
            .unwrap_or_default();
        let ok = raw.lock().map(|r| check(&text, &r)).unwrap_or(false);
        if ok {
            return text;
        }
        assert!(start.elapsed() < DEADLINE, "never saw {what}:\n{text}");
        std::thread::park_timeout(Duration::from_millis(50));
    }
}

#[test]
fn real_binary_tails_a_pod_and_copies_with_osc52() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_server, kubeconfig) = serve_demo(dir.path());
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 140,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("pty");
    let mut cmd = CommandBuilder::new(BIN);
    cmd.args([
        "--kubeconfig",
        &kubeconfig.display().to_string(),
        "-n",
        "kube-system",
        "--log-file",
        &dir.path().join("ui.log").display().to_string(),
        "--state-file",
        &dir.path().join("state.json").display().to_string(),
    ]);
    cmd.env("TERM", "xterm-256color");
    let _child = KillOnDropPty(pair.slave.spawn_command(cmd).expect("kmedic starts"));
    drop(pair.slave);
    let parser = Arc::new(Mutex::new(vt100::Parser::new(40, 140, 0)));
    let raw = Arc::new(Mutex::new(Vec::new()));
    let mut reader = pair.master.try_clone_reader().expect("reader");
    let (feed, record) = (parser.clone(), raw.clone());
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            if let Ok(mut p) = feed.lock() {
                p.process(&buf[..n]);
            }
            if let Ok(mut r) = record.lock() {
                r.extend_from_slice(&buf[..n]);
            }
        }
    });
    let mut writer = pair.master.take_writer().expect("writer");
    wait(&parser, &raw, "the coredns pods", |t, _| {
        t.contains("coredns-")
    });
    writer.write_all(b":logs deploy/coredns\r").expect("type");
    let text = wait(&parser, &raw, "tagged log lines", |t, _| {
        t.contains("Deployment/coredns") && t.contains("/coredns] ")
    });
    assert!(text.contains("streaming"), "{text}");
    writer.write_all(b"Y").expect("copy");
    let text = wait(&parser, &raw, "an OSC 52 sequence", |_, r| {
        r.windows(7).any(|w| w == b"\x1b]52;c;")
    });
    assert!(text.contains("copied"), "{text}");
    writer.write_all(b"q").expect("close the pane");
    wait(&parser, &raw, "the table again", |t, _| {
        !t.contains("Logs ") && t.contains("coredns-")
    });
}

struct KillOnDropPty(Box<dyn portable_pty::Child + Send + Sync>);

impl Drop for KillOnDropPty {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

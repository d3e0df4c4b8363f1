//! End to end: the real `kmedic` binary in a pseudo-terminal against a `kmedic serve-demo`
//! process, reading the screen through a terminal emulator (vt100).

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

/// Starts `kmedic serve-demo` and waits for its "serving" line.
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
    assert!(
        line.contains("serving at http://127.0.0.1:"),
        "unexpected first line: {line}"
    );
    (KillOnDrop(child), kubeconfig)
}

/// The screen as text, as a terminal would show it.
struct Screen {
    parser: Arc<Mutex<vt100::Parser>>,
}

impl Screen {
    fn contents(&self) -> String {
        self.parser
            .lock()
            .map(|p| p.screen().contents())
            .unwrap_or_default()
    }

    fn wait_for(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let text = self.contents();
            if text.contains(needle) {
                return text;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "screen never showed {needle:?}:\n{text}"
            );
            std::thread::park_timeout(Duration::from_millis(50));
        }
    }
}

/// The binary running in a pseudo-terminal, with its screen.
struct Ui {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    screen: Screen,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

fn spawn_ui(args: &[&str]) -> Ui {
    spawn_ui_with_term(args, "xterm-256color")
}

fn spawn_ui_with_term(args: &[&str], term: &str) -> Ui {
    let pty = native_pty_system();
    let pair = pty
        .openpty(PtySize {
            rows: 40,
            cols: 140,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("pty");
    let mut cmd = CommandBuilder::new(BIN);
    cmd.args(args);
    cmd.env("TERM", term);
    let child = pair
        .slave
        .spawn_command(cmd)
        .expect("kmedic starts in the pty");
    drop(pair.slave);
    let parser = Arc::new(Mutex::new(vt100::Parser::new(40, 140, 0)));
    let mut reader = pair.master.try_clone_reader().expect("reader");
    let feed = parser.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            if let Ok(mut p) = feed.lock() {
                p.process(&buf[..n]);
            }
        }
    });
    let writer = pair.master.take_writer().expect("writer");
    Ui {
        child,
        writer,
        screen: Screen { parser },
        _master: pair.master,
    }
}

impl Ui {
    fn quit(mut self) {
        self.writer.write_all(b"q").expect("quit");
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                assert!(status.success(), "clean exit: {status:?}");
                return;
            }
            assert!(start.elapsed() < DEADLINE, "kmedic did not exit on q");
            std::thread::park_timeout(Duration::from_millis(50));
        }
    }
}

#[test]
fn namespace_and_view_are_remembered_per_context_across_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_server, kubeconfig) = serve_demo(dir.path());
    let state = dir.path().join("state").join("kmedic-state.json");
    let log = dir.path().join("ui.log");
    let args = [
        "--kubeconfig",
        kubeconfig.to_str().expect("utf8"),
        "--state-file",
        state.to_str().expect("utf8"),
        "--log-file",
        log.to_str().expect("utf8"),
    ];

    let mut first = spawn_ui(&args);
    first.screen.wait_for("namespace: default");
    first.writer.write_all(b":svc kube-system\r").expect("type");
    first.screen.wait_for("kube-dns");
    first.quit();
    let saved = std::fs::read_to_string(&state).expect("state file written");
    assert!(
        saved.contains("kube-system") && saved.contains("services"),
        "{saved}"
    );

    let second = spawn_ui(&args);
    let text = second.screen.wait_for("kube-dns");
    assert!(
        text.contains("namespace: kube-system") && text.contains("Services"),
        "{text}"
    );
    second.quit();

    // An explicit -n wins over the memory.
    let mut explicit = args.to_vec();
    explicit.extend(["-n", "shop"]);
    let third = spawn_ui(&explicit);
    third.screen.wait_for("namespace: shop");
    third.quit();
}

#[test]
fn real_binary_in_a_pty_browses_the_demo_cluster() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_server, kubeconfig) = serve_demo(dir.path());

    let pty = native_pty_system();
    let pair = pty
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
        "-A",
        "--log-file",
        &dir.path().join("ui.log").display().to_string(),
        "--state-file",
        &dir.path().join("state.json").display().to_string(),
    ]);
    cmd.env("TERM", "xterm-256color");
    let mut child = pair
        .slave
        .spawn_command(cmd)
        .expect("kmedic starts in the pty");
    drop(pair.slave);

    let parser = Arc::new(Mutex::new(vt100::Parser::new(40, 140, 0)));
    let mut reader = pair.master.try_clone_reader().expect("reader");
    let feed = parser.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            if let Ok(mut p) = feed.lock() {
                p.process(&buf[..n]);
            }
        }
    });
    let mut writer = pair.master.take_writer().expect("writer");
    let screen = Screen {
        parser: parser.clone(),
    };

    let text = screen.wait_for("CrashLoopBackOff");
    assert!(
        text.contains("READ-ONLY") && text.contains("live"),
        "{text}"
    );
    assert!(
        parser
            .lock()
            .map(|p| p.screen().alternate_screen())
            .unwrap_or(false),
        "UI uses the alternate screen"
    );

    writer.write_all(b":no\r").expect("type");
    let text = screen.wait_for("NotReady");
    assert!(text.contains("Nodes"), "{text}");

    writer.write_all(b"q").expect("quit");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(start.elapsed() < DEADLINE, "kmedic did not exit on q");
        std::thread::park_timeout(Duration::from_millis(50));
    };
    assert!(status.success(), "clean exit: {status:?}");
    let start = Instant::now();
    while parser
        .lock()
        .map(|p| p.screen().alternate_screen())
        .unwrap_or(true)
    {
        assert!(
            start.elapsed() < DEADLINE,
            "terminal left on the alternate screen"
        );
        std::thread::park_timeout(Duration::from_millis(50));
    }
}

#[test]
fn bad_kubeconfig_is_reported_before_the_terminal_is_taken() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("broken.yaml");
    std::fs::write(&bad, "clusters: [\n  - {name: x\n").expect("write");
    let out = Command::new(BIN)
        .arg("--kubeconfig")
        .arg(&bad)
        .arg("--log-file")
        .arg(dir.path().join("log"))
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("broken.yaml") && stderr.contains("not valid"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "nothing drawn on stdout");

    let out = Command::new(BIN)
        .args(["--kubeconfig"])
        .arg(dir.path().join("missing"))
        .arg("--log-file")
        .arg(dir.path().join("log"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
}

#[test]
fn dumb_terminals_are_refused_with_a_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_server, kubeconfig) = serve_demo(dir.path());
    let pty = native_pty_system();
    let pair = pty
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("pty");
    let mut cmd = CommandBuilder::new(BIN);
    cmd.args([
        "--kubeconfig",
        &kubeconfig.display().to_string(),
        "--log-file",
        &dir.path().join("ui.log").display().to_string(),
        "--state-file",
        &dir.path().join("state.json").display().to_string(),
    ]);
    cmd.env("TERM", "dumb");
    let mut child = pair.slave.spawn_command(cmd).expect("spawn");
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().expect("reader");
    let mut output = Vec::new();
    let _ = reader.read_to_end(&mut output);
    let status = child.wait().expect("exit");
    assert!(!status.success());
    assert!(String::from_utf8_lossy(&output).contains("TERM=dumb"));
}

#[test]
fn works_under_the_terminals_of_ssh_and_tmux() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_server, kubeconfig) = serve_demo(dir.path());
    let state = dir.path().join("state.json");
    let log = dir.path().join("ui.log");
    for term in ["screen-256color", "tmux-256color", "xterm"] {
        let args = [
            "--kubeconfig",
            kubeconfig.to_str().expect("utf8"),
            "-A",
            "--state-file",
            state.to_str().expect("utf8"),
            "--log-file",
            log.to_str().expect("utf8"),
        ];
        let mut ui = spawn_ui_with_term(&args, term);
        ui.screen.wait_for("CrashLoopBackOff");
        ui.writer.write_all(b":no\r").expect("type");
        ui.screen.wait_for("NotReady");
        ui.quit();
    }
}

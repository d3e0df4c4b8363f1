//! Running the real `kmedic` binary: `serve-demo` as a child process, and the UI in a
//! pseudo-terminal whose output is read through a terminal emulator (vt100).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

pub const BIN: &str = env!("CARGO_BIN_EXE_kmedic");
pub const PTY_DEADLINE: Duration = Duration::from_secs(90);

/// A child process killed when dropped.
pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `kmedic serve-demo --frozen` and waits for its "serving at" line; returns the process
/// and the kubeconfig it wrote.
pub fn serve_demo(dir: &Path) -> (KillOnDrop, PathBuf) {
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

/// The binary in a pseudo-terminal: what it drew (parsed and raw) and its keyboard.
pub struct Ui {
    pub child: Box<dyn portable_pty::Child + Send + Sync>,
    pub writer: Box<dyn Write + Send>,
    pub parser: Arc<Mutex<vt100::Parser>>,
    pub raw: Arc<Mutex<Vec<u8>>>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Drop for Ui {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// Runs `kmedic ARGS` in a 140x40 terminal of type `term`.
pub fn spawn_ui(args: &[&str], term: &str) -> Ui {
    let (rows, cols) = (40, 140);
    let pair = native_pty_system()
        .openpty(PtySize {
            rows,
            cols,
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
    let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
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
    let writer = pair.master.take_writer().expect("writer");
    Ui {
        child,
        writer,
        parser,
        raw,
        _master: pair.master,
    }
}

impl Ui {
    pub fn contents(&self) -> String {
        self.parser
            .lock()
            .map(|p| p.screen().contents())
            .unwrap_or_default()
    }

    pub fn alternate_screen(&self) -> bool {
        self.parser
            .lock()
            .map(|p| p.screen().alternate_screen())
            .unwrap_or(false)
    }

    pub fn type_keys(&mut self, keys: &[u8]) {
        self.writer.write_all(keys).expect("type");
    }

    /// Waits until `check(screen text, raw output)` holds; returns the screen.
    pub fn wait(&self, what: &str, check: impl Fn(&str, &[u8]) -> bool) -> String {
        let start = Instant::now();
        loop {
            let text = self.contents();
            if self.raw.lock().map(|r| check(&text, &r)).unwrap_or(false) {
                return text;
            }
            assert!(start.elapsed() < PTY_DEADLINE, "never saw {what}:\n{text}");
            std::thread::park_timeout(Duration::from_millis(50));
        }
    }

    pub fn wait_for(&self, needle: &str) -> String {
        self.wait(needle, |text, _| text.contains(needle))
    }

    /// Waits for the process to exit by itself; returns its status.
    pub fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(start.elapsed() < PTY_DEADLINE, "kmedic did not exit");
            std::thread::park_timeout(Duration::from_millis(50));
        }
    }

    /// Presses `q` on the table, answers `y` to "Quit kmedic?", and checks kmedic exits
    /// cleanly and gives the terminal back.
    pub fn quit(mut self) {
        self.type_keys(b"q");
        self.wait_for("Quit kmedic?");
        self.type_keys(b"y");
        let status = self.wait_exit();
        assert!(status.success(), "clean exit: {status:?}");
        let start = Instant::now();
        while self.alternate_screen() {
            assert!(
                start.elapsed() < PTY_DEADLINE,
                "terminal left on the alternate screen"
            );
            std::thread::park_timeout(Duration::from_millis(50));
        }
    }
}

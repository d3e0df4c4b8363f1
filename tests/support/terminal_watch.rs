//! A terminal that tells on its programs: the real binary runs in a pseudo-terminal whose output
//! is fed to a vt100 emulator recording every attempt to set the window title or icon name, and
//! to write (or read) the clipboard — what OSC 0/1/2 and the tmux-style OSC 52 do.

use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

use super::pty::{BIN, PTY_DEADLINE};

/// What the emulated terminal was asked to do besides drawing.
#[derive(Debug, Default, Clone)]
pub struct Tattle {
    pub titles: Vec<String>,
    pub clipboard: Vec<String>,
}

impl vt100::Callbacks for Tattle {
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.titles
            .push(String::from_utf8_lossy(title).into_owned());
    }
    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, name: &[u8]) {
        self.titles.push(String::from_utf8_lossy(name).into_owned());
    }
    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, _ty: &[u8], data: &[u8]) {
        self.clipboard
            .push(String::from_utf8_lossy(data).into_owned());
    }
    fn paste_from_clipboard(&mut self, _: &mut vt100::Screen, _ty: &[u8]) {
        self.clipboard.push("<paste request>".into());
    }
}

/// A finished run: the screen as the terminal shows it, the raw bytes, what was attempted.
pub struct Watched {
    pub screen: String,
    pub raw: Vec<u8>,
    pub tattle: Tattle,
    pub success: bool,
    pub exit_code: u32,
}

/// Feeds `bytes` to a fresh tattling terminal of `rows`x`cols` (no scrollback needed when the
/// output fits).
pub fn emulate(bytes: &[u8], rows: u16, cols: u16) -> (String, Tattle) {
    let mut parser = vt100::Parser::new_with_callbacks(rows, cols, 0, Tattle::default());
    parser.process(bytes);
    (parser.screen().contents(), parser.callbacks().clone())
}

/// Runs `kmedic ARGS` to its end in a 300x250 pseudo-terminal (stdout and stderr both go to it),
/// with `env` added.
pub fn run(args: &[&str], env: &[(&str, &str)]) -> Watched {
    let (rows, cols) = (300, 250);
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
    cmd.env("TERM", "xterm-256color");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = pair
        .slave
        .spawn_command(cmd)
        .expect("kmedic starts in the pty");
    drop(pair.slave);
    let raw = Arc::new(Mutex::new(Vec::new()));
    let mut reader = pair.master.try_clone_reader().expect("reader");
    let record = raw.clone();
    let reading = std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            if let Ok(mut r) = record.lock() {
                r.extend_from_slice(&buf[..n]);
            }
        }
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(start.elapsed() < PTY_DEADLINE, "kmedic did not exit");
        std::thread::park_timeout(Duration::from_millis(20));
    };
    // The reader ends when the last writer (the child) is gone and the master is dropped.
    drop(pair.master);
    let _ = reading.join();
    let raw = raw.lock().map(|r| r.clone()).unwrap_or_default();
    let (screen, tattle) = emulate(&raw, rows, cols);
    Watched {
        screen,
        raw,
        tattle,
        success: status.success(),
        exit_code: status.exit_code(),
    }
}

/// Byte sequences that must never come out of kmedic raw: OSC and DCS introducers, the clear-
/// screen CSI, C1 CSI/OSC in UTF-8, and the bidi override / isolate characters.
pub fn dangerous(raw: &[u8]) -> Vec<&'static str> {
    let checks: &[(&str, &[u8])] = &[
        ("OSC", b"\x1b]"),
        ("DCS", b"\x1bP"),
        ("CSI 2J", b"\x1b[2J"),
        ("cursor home", b"\x1b[H"),
        ("C1 CSI", "\u{9b}".as_bytes()),
        ("C1 OSC", "\u{9d}".as_bytes()),
        ("BEL", b"\x07"),
        ("RLO", "\u{202e}".as_bytes()),
        ("LRI", "\u{2066}".as_bytes()),
    ];
    checks
        .iter()
        .filter(|(_, seq)| raw.windows(seq.len()).any(|w| w == *seq))
        .map(|(name, _)| *name)
        .collect()
}

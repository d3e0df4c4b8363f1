//! Configurable log generators for the simulated cluster: a container writes lines at a set
//! rate, optionally with multi-line stack traces, very long lines, ANSI colour codes and bytes
//! that are not valid UTF-8 — what chatty and messy pods do, so the log pane can be tested and
//! benchmarked. Off unless `SimOptions::log_generators` names some.
//!
//! Stored log lines are `String`s; a raw byte `b` (0x80–0xFF) that is not valid UTF-8 is kept
//! as the private-use character U+10FF00 + b and turned back into the byte on the wire
//! ([`to_wire`]).

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use tokio_util::sync::CancellationToken;

use super::log_buffer::ContainerKey;
use super::store::Store;

/// What a generator's lines look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LogStyle {
    /// Every 50th event is an exception with a multi-line stack trace.
    pub stack_traces: bool,
    /// Every 100th line is this many bytes long (0: off).
    pub long_lines: usize,
    /// Levels are coloured with ANSI SGR codes; every 200th line also carries other escapes.
    pub ansi: bool,
    /// Every 100th line has bytes that are not valid UTF-8.
    pub invalid_utf8: bool,
}

impl LogStyle {
    /// Everything on: the messiest pod.
    pub fn messy() -> Self {
        LogStyle {
            stack_traces: true,
            long_lines: 20_000,
            ansi: true,
            invalid_utf8: true,
        }
    }
}

/// One container that writes lines on its own.
#[derive(Debug, Clone, PartialEq)]
pub struct LogGenerator {
    pub namespace: String,
    pub pod: String,
    pub container: String,
    /// Lines per second.
    pub rate: u32,
    pub style: LogStyle,
    /// Stop after this many events (`None`: until the server stops).
    pub limit: Option<u64>,
}

const FIRST_RAW: u32 = 0x10_FF00;

/// A stored line as bytes on the wire (private-use stand-ins become raw bytes again).
pub fn to_wire(text: String) -> Vec<u8> {
    if !text.chars().any(|c| c as u32 >= FIRST_RAW + 0x80) {
        return text.into_bytes();
    }
    let mut out = Vec::with_capacity(text.len());
    let mut buf = [0u8; 4];
    for c in text.chars() {
        match (c as u32).checked_sub(FIRST_RAW) {
            Some(b @ 0x80..=0xff) => out.push(b as u8),
            _ => out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes()),
        }
    }
    out
}

fn raw(byte: u8) -> char {
    char::from_u32(FIRST_RAW + u32::from(byte)).unwrap_or('\u{fffd}')
}

const LEVELS: [(&str, &str); 4] = [
    ("INFO", "\u{1b}[32m"),
    ("DEBUG", "\u{1b}[36m"),
    ("WARN", "\u{1b}[33m"),
    ("ERROR", "\u{1b}[1;31m"),
];

impl LogGenerator {
    /// The lines of event `n` (one line, or several for a stack trace). Deterministic.
    pub fn event(&self, n: u64) -> Vec<String> {
        let style = self.style;
        if style.stack_traces && n % 50 == 49 {
            let mut lines = vec![format!(
                "ERROR request {n} failed: java.lang.IllegalStateException: connection pool exhausted"
            )];
            for depth in 0..8 {
                lines.push(format!(
                    "\tat com.example.shop.Pool.acquire(Pool.java:{})",
                    100 + depth * 7
                ));
            }
            lines.push("Caused by: java.net.SocketTimeoutException: connect timed out".into());
            return lines;
        }
        let (level, colour) = LEVELS[(n % 17 % 4) as usize];
        let mut line = if style.ansi {
            format!(
                "{colour}{level}\u{1b}[0m handled request {n} path=/api/items/{} status=200 took={}ms",
                n % 977,
                n % 113
            )
        } else {
            format!(
                "{level} handled request {n} path=/api/items/{} status=200 took={}ms",
                n % 977,
                n % 113
            )
        };
        if style.long_lines > 0 && n % 100 == 7 {
            line.push_str(" payload=");
            while line.len() < style.long_lines {
                line.push_str("abcdefghijklmnopqrstuvwxyz0123456789");
            }
        }
        if style.ansi && n % 200 == 13 {
            line.push_str(" \u{1b}]0;pwned title\u{7}\u{1b}[2J\u{1b}[H bell\u{7}");
        }
        if style.invalid_utf8 && n % 100 == 42 {
            line.push_str(" bytes=");
            line.extend([raw(0xff), raw(0xfe), raw(0xc3)]);
        }
        vec![line]
    }
}

/// Runs every generator until `shutdown` (or its limit). Writes in small steps (every 10 ms),
/// so a high rate is smooth rather than bursty.
pub async fn run(store: Arc<Store>, generators: Vec<LogGenerator>, shutdown: CancellationToken) {
    if generators.is_empty() {
        return;
    }
    const STEP: Duration = Duration::from_millis(10);
    let started = tokio::time::Instant::now();
    let mut written = vec![0u64; generators.len()];
    let mut ticker = tokio::time::interval(STEP);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = ticker.tick() => {}
        }
        let elapsed = started.elapsed().as_secs_f64();
        let mut all_done = true;
        for (generator, done) in generators.iter().zip(written.iter_mut()) {
            let due = (elapsed * f64::from(generator.rate)) as u64;
            let due = generator.limit.map_or(due, |l| due.min(l));
            all_done &= generator.limit.is_some_and(|l| *done >= l);
            let key = ContainerKey {
                namespace: generator.namespace.clone(),
                pod: generator.pod.clone(),
                container: generator.container.clone(),
            };
            while *done < due {
                let now = Timestamp::now();
                for line in generator.event(*done) {
                    store.append_log(key.clone(), now, line);
                }
                *done += 1;
            }
        }
        if all_done {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messy_lines_have_what_they_promise() {
        let g = LogGenerator {
            namespace: "ns".into(),
            pod: "p".into(),
            container: "c".into(),
            rate: 1,
            style: LogStyle::messy(),
            limit: None,
        };
        assert_eq!(g.event(49).len(), 10, "a stack trace");
        assert!(g.event(107)[0].len() >= 20_000, "a long line");
        assert!(g.event(0)[0].contains("\u{1b}[32m"), "ANSI colour");
        let wire = to_wire(g.event(42).remove(0));
        assert!(wire.ends_with(&[0xff, 0xfe, 0xc3]));
        assert!(
            std::str::from_utf8(&wire).is_err(),
            "invalid UTF-8 on the wire"
        );
        assert_eq!(to_wire("plain é".into()), "plain é".as_bytes());
    }
}

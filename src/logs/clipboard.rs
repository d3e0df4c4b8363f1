//! Getting lines out of the pane: OSC 52 clipboard sequences (work over SSH, no clipboard
//! daemon needed) and the default file name for saving.

use base64::Engine;
use jiff::Timestamp;

/// Most bytes put on the clipboard (terminals cap OSC 52 payloads; ~100 KB is widely safe).
pub const MAX_COPY_BYTES: usize = 100_000;

/// The OSC 52 sequence that sets the system clipboard to `text`.
pub fn osc52(text: &str) -> String {
    let mut end = text.len().min(MAX_COPY_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let payload = base64::engine::general_purpose::STANDARD.encode(&text.as_bytes()[..end]);
    format!("\x1b]52;c;{payload}\x07")
}

/// A file name for saved logs: `<what>-<UTC time>.log`, safe for any file system.
pub fn save_name(what: &str, now: Timestamp) -> String {
    let safe: String = what
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}-{}.log", now.strftime("%Y%m%dT%H%M%SZ"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_wraps_base64() {
        assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x07");
        let big = "é".repeat(MAX_COPY_BYTES);
        assert!(osc52(&big).len() < MAX_COPY_BYTES * 2);
    }

    #[test]
    fn save_names_are_safe() {
        let t: Timestamp = "2026-01-02T03:04:05Z"
            .parse()
            .unwrap_or(Timestamp::UNIX_EPOCH);
        assert_eq!(save_name("ns/pod:c", t), "ns_pod_c-20260102T030405Z.log");
    }
}

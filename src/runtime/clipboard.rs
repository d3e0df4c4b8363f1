//! The clipboard, app-wide: any screen's `Effect::Copy` becomes an OSC 52 sequence for the
//! terminal to write (works over SSH and in tmux with `set-clipboard on`; no clipboard daemon).

use base64::Engine;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_wraps_base64() {
        assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x07");
        let big = "é".repeat(MAX_COPY_BYTES);
        assert!(osc52(&big).len() < MAX_COPY_BYTES * 2);
    }
}

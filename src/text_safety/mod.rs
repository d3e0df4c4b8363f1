//! The one sanitiser for text that reaches a terminal or the log file. Cluster and node text is
//! hostile: an escape sequence in a pod name, an event message or a certificate subject could
//! retitle the terminal (OSC 0/2), clear it (CSI 2J), write the clipboard (OSC 52) or reorder
//! what is shown (bidi overrides). Every text sink (stdout of `check`/`certs`, every stderr
//! message, `kmedic.log`, the TUI's cluster strings) passes text through [`visible`] or
//! [`visible_lines`], which render such characters visibly instead of sending them raw:
//!
//! | character | shown as |
//! |---|---|
//! | C0 controls U+0000–U+001F (ESC, BEL, BS, CR, …) | their Unicode control picture: `␛` `␇` `␈` `␍` |
//! | newline | kept by [`visible_lines`]; `␊` in [`visible`] |
//! | tab | kept (it moves the cursor right and cannot inject anything) |
//! | DEL U+007F | `␡` |
//! | C1 controls U+0080–U+009F (8-bit CSI, OSC, DCS …) | `<U+009B>` |
//! | bidi and other invisible format controls (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069, U+2028/9, U+206A–U+206F) | `<U+202E>` |
//!
//! Since the ESC of every escape sequence becomes `␛`, the rest of the sequence is plain text
//! (`␛]0;title␇`): the reader sees what was attempted and the terminal does nothing.
//!
//! JSON output keeps the exact strings but escapes the same characters as `\uXXXX`
//! ([`json`]). New code that prints or logs text from a cluster, a node or a file must go
//! through these functions (or [`sink::eprint_message`] for stderr).

pub mod json;
pub mod sink;

use std::borrow::Cow;

/// How a character that must not reach a terminal raw is shown, if it is one.
enum Shown {
    Picture(char),
    CodePoint(u32),
}

/// Whether `c` is an invisible formatting control that can reorder or hide text: the bidi
/// marks, embeddings, overrides and isolates, the line and paragraph separators, and the
/// deprecated format controls.
pub fn is_bidi_or_format_control(c: char) -> bool {
    matches!(
        c,
        '\u{061c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{206a}'..='\u{206f}'
    )
}

/// Whether `c` must not reach a terminal raw (tab and newline aside, which the callers decide).
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_or_format_control(c)
}

fn shown(c: char) -> Option<Shown> {
    match c as u32 {
        n @ 0..=0x1f => char::from_u32(0x2400 + n).map(Shown::Picture),
        0x7f => Some(Shown::Picture('\u{2421}')),
        n @ 0x80..=0x9f => Some(Shown::CodePoint(n)),
        n if is_bidi_or_format_control(c) => Some(Shown::CodePoint(n)),
        _ => None,
    }
}

fn push_shown(out: &mut String, s: Shown) {
    match s {
        Shown::Picture(p) => out.push(p),
        Shown::CodePoint(n) => {
            out.push_str("<U+");
            out.push_str(&format!("{n:04X}"));
            out.push('>');
        }
    }
}

/// `text` on one line, safe for a terminal or a log line: every control character (newlines
/// included; tabs kept), C1 control and bidi/format control is rendered visibly.
pub fn visible(text: &str) -> Cow<'_, str> {
    render(text, false)
}

/// Like [`visible`] but keeps line breaks (`\n`, and `\r\n` becomes `\n`), for multi-line text
/// such as a log tail or an explanation.
pub fn visible_lines(text: &str) -> Cow<'_, str> {
    render(text, true)
}

fn needs_work(c: char, keep_newlines: bool) -> bool {
    match c {
        '\t' => false,
        '\n' => !keep_newlines,
        c => is_unsafe(c),
    }
}

fn render(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let Some(first) = text.find(|c| needs_work(c, keep_newlines)) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str(&text[..first]);
    let mut chars = text[first..].chars().peekable();
    while let Some(c) = chars.next() {
        if !needs_work(c, keep_newlines) {
            out.push(c);
            continue;
        }
        if keep_newlines && c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        }
        match shown(c) {
            Some(s) => push_shown(&mut out, s),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Text built by kmedic itself that may carry its own SGR colour codes (`ESC [ … m`) around
/// fields already passed through [`visible`]: keeps those SGR sequences and renders every other
/// unsafe character visibly, keeping newlines. The last pass before a coloured report is
/// written, so a field a renderer forgot to clean still cannot move the cursor, retitle the
/// terminal or write the clipboard.
pub fn visible_keeping_sgr(text: &str) -> Cow<'_, str> {
    if !text.contains(|c| needs_work(c, true)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(at) = rest.find('\u{1b}') {
        out.push_str(&visible_lines(&rest[..at]));
        let after = &rest[at + 1..];
        match sgr_len(after) {
            Some(len) => {
                out.push('\u{1b}');
                out.push_str(&after[..len]);
                rest = &after[len..];
            }
            None => {
                out.push('\u{241b}');
                rest = after;
            }
        }
    }
    out.push_str(&visible_lines(rest));
    Cow::Owned(out)
}

/// Length of `[` digits/semicolons `m` at the start of `s` (an SGR sequence after its ESC).
fn sgr_len(s: &str) -> Option<usize> {
    let body = s.strip_prefix('[')?;
    let params = body
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b';')
        .count();
    (params <= 32 && body.as_bytes().get(params) == Some(&b'm')).then_some(params + 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_become_visible_text() {
        let attack = "web\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}]52;c;cHduZWQ=\u{1b}\\x";
        assert_eq!(visible(attack), "web␛]0;pwned␇␛[2J␛]52;c;cHduZWQ=␛\\x");
        assert!(!visible(attack).chars().any(is_unsafe));
    }

    #[test]
    fn c1_bidi_and_del_are_shown_by_code_point() {
        assert_eq!(
            visible("a\u{9b}2Jb\u{202e}cba\u{2066}d\u{200f}\u{61c}\u{7f}"),
            "a<U+009B>2Jb<U+202E>cba<U+2066>d<U+200F><U+061C>␡"
        );
        assert_eq!(visible("line\u{2028}sep"), "line<U+2028>sep");
    }

    #[test]
    fn newlines_kept_only_when_asked() {
        assert_eq!(visible("a\nb\r\nc\rd\te"), "a␊b␍␊c␍d\te");
        assert_eq!(visible_lines("a\nb\r\nc\rd\te"), "a\nb\nc␍d\te");
    }

    #[test]
    fn clean_text_is_borrowed() {
        assert!(matches!(visible("plain ünïcode 日本"), Cow::Borrowed(_)));
        assert!(matches!(visible_lines("two\nlines"), Cow::Borrowed(_)));
    }

    #[test]
    fn own_colours_survive_and_foreign_sequences_do_not() {
        let text = "\u{1b}[1;31mERROR\u{1b}[0m name␛]0;x\u{1b}]2;t\u{7}\u{1b}[2J\n";
        assert_eq!(
            visible_keeping_sgr(text),
            "\u{1b}[1;31mERROR\u{1b}[0m name␛]0;x␛]2;t␇␛[2J\n"
        );
        assert_eq!(visible_keeping_sgr("\u{1b}"), "␛");
        assert_eq!(visible_keeping_sgr("\u{1b}[m"), "\u{1b}[m");
    }
}

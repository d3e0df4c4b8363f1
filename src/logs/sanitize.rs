//! Turns raw log bytes from the cluster (untrusted) into text that is safe to draw: invalid
//! UTF-8 is replaced, ANSI SGR colour codes become style runs (or are dropped), every other
//! escape sequence is removed and remaining control characters, C1 controls and bidi overrides
//! are shown visibly as [`crate::text_safety`] does everywhere (`␇`, `<U+202E>`).

/// A colour from an SGR sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnsiColor {
    /// One of the 16 basic colours (0–7 normal, 8–15 bright).
    Basic(u8),
    Indexed(u8),
    Rgb(u8, u8, u8),
}

/// Style from SGR codes that applies from byte `start` of the clean text to the next run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StyleRun {
    pub start: u32,
    pub fg: Option<AnsiColor>,
    pub bold: bool,
}

impl StyleRun {
    fn plain(&self) -> bool {
        self.fg.is_none() && !self.bold
    }
}

/// A cleaned line: printable text plus the colour runs found in it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CleanLine {
    pub text: String,
    pub runs: Vec<StyleRun>,
}

const ESC: char = '\u{1b}';

/// Cleans one line (without its trailing newline).
pub fn clean(raw: &[u8]) -> CleanLine {
    let decoded = String::from_utf8_lossy(raw);
    let mut out = CleanLine {
        text: String::with_capacity(decoded.len()),
        runs: Vec::new(),
    };
    let mut style = StyleRun::default();
    let mut chars = decoded.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ESC => match chars.peek().copied() {
                Some('[') => {
                    chars.next();
                    let mut params = String::new();
                    let mut last = None;
                    for p in chars.by_ref() {
                        if ('\u{40}'..='\u{7e}').contains(&p) {
                            last = Some(p);
                            break;
                        }
                        if params.len() < 64 {
                            params.push(p);
                        }
                    }
                    if last == Some('m') {
                        apply_sgr(&mut style, &params);
                        let start = out.text.len() as u32;
                        let run = StyleRun { start, ..style };
                        match out.runs.last_mut() {
                            Some(prev) if prev.start == start => *prev = run,
                            None if run.plain() => {}
                            _ => out.runs.push(run),
                        }
                    }
                }
                Some(']') | Some('P') | Some('_') | Some('^') => {
                    // OSC / DCS / APC / PM: skip to BEL or ST (ESC \).
                    chars.next();
                    while let Some(p) = chars.next() {
                        if p == '\u{7}' || (p == ESC && chars.next_if_eq(&'\\').is_some()) {
                            break;
                        }
                    }
                }
                Some(_) => {
                    chars.next();
                }
                None => {}
            },
            '\t' => out.text.push_str("    "),
            '\r' => {}
            // C0 controls as their pictures (␇), DEL as ␡; C1 controls and bidi/format
            // controls (which reorder what the terminal shows) by code point, as everywhere.
            c if crate::text_safety::is_unsafe(c) => {
                out.text
                    .push_str(&crate::text_safety::visible(c.encode_utf8(&mut [0; 4])));
            }
            c => out.text.push(c),
        }
    }
    out
}

fn apply_sgr(style: &mut StyleRun, params: &str) {
    let codes: Vec<u32> = params
        .split([';', ':'])
        .map(|p| p.parse().unwrap_or(0))
        .collect();
    let codes = if codes.is_empty() { vec![0] } else { codes };
    let mut i = 0;
    while i < codes.len() {
        match codes[i] {
            0 => *style = StyleRun::default(),
            1 => style.bold = true,
            22 => style.bold = false,
            n @ 30..=37 => style.fg = Some(AnsiColor::Basic((n - 30) as u8)),
            n @ 90..=97 => style.fg = Some(AnsiColor::Basic((n - 90 + 8) as u8)),
            39 => style.fg = None,
            38 => match codes.get(i + 1) {
                Some(5) => {
                    style.fg = codes.get(i + 2).map(|n| AnsiColor::Indexed(*n as u8));
                    i += 2;
                }
                Some(2) => {
                    let c = |k: usize| codes.get(i + k).copied().unwrap_or(0) as u8;
                    style.fg = Some(AnsiColor::Rgb(c(2), c(3), c(4)));
                    i += 4;
                }
                _ => {}
            },
            _ => {}
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_become_runs_and_escapes_vanish() {
        let line = clean(b"\x1b[31mERR\x1b[0m ok \x1b[1;92mgood\x1b[m");
        assert_eq!(line.text, "ERR ok good");
        assert_eq!(line.runs.len(), 4);
        assert_eq!(line.runs[0].fg, Some(AnsiColor::Basic(1)));
        assert_eq!(
            line.runs[1],
            StyleRun {
                start: 3,
                fg: None,
                bold: false
            }
        );
        assert_eq!(line.runs[2].fg, Some(AnsiColor::Basic(10)));
        assert!(line.runs[2].bold);
    }

    #[test]
    fn control_characters_and_other_sequences_are_neutralised() {
        let line =
            clean(b"a\x1b]0;title\x07b\x1b[2Jc\x08d\x00e\r\tf\xff\xfeg\x1b]52;c;SGVsbG8=\x1b\\h");
        assert_eq!(line.text, "abc\u{2408}d\u{2400}e    f\u{fffd}\u{fffd}gh");
        assert_eq!(
            clean("a\u{9b}b\u{7f}".as_bytes()).text,
            "a<U+009B>b\u{2421}"
        );
        assert!(!line.text.chars().any(|c| c.is_control()));
        let bidi = clean("x\u{202e}y".as_bytes());
        assert_eq!(bidi.text, "x<U+202E>y");
        let isolate = clean("a\u{2067}b\u{200f}".as_bytes());
        assert_eq!(isolate.text, "a<U+2067>b<U+200F>");
    }
}

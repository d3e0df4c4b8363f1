//! JSON output that is also safe to `cat`: serde_json escapes C0 controls already; this
//! formatter also writes DEL, the C1 controls and the bidi/format controls of
//! [`super::is_bidi_or_format_control`] as `\uXXXX`. Parsers get the exact original strings.

use std::io;

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};

use super::is_unsafe;

/// A pretty formatter that escapes every character [`is_unsafe`] reports.
struct SafePretty<'a>(PrettyFormatter<'a>);

impl Formatter for SafePretty<'_> {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if is_unsafe(c) {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                // Every unsafe character is in the Basic Multilingual Plane.
                write!(writer, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    // Pretty printing: delegate the layout to serde_json's own formatter.
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// `value` as pretty-printed JSON with a trailing newline, every unsafe character escaped.
pub fn to_string_pretty<T: Serialize + ?Sized>(value: &T) -> Result<String, String> {
    let mut out = Vec::with_capacity(4096);
    let mut ser =
        serde_json::Serializer::with_formatter(&mut out, SafePretty(PrettyFormatter::new()));
    value
        .serialize(&mut ser)
        .map_err(|e| format!("cannot encode JSON: {e}"))?;
    out.push(b'\n');
    String::from_utf8(out).map_err(|e| format!("cannot encode JSON: {e}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn unsafe_characters_are_escaped_and_round_trip() {
        let value = serde_json::json!({
            "name": "a\u{1b}]0;t\u{7}b\u{9b}c\u{202e}d\u{7f}e ünï"
        });
        let text = to_string_pretty(&value).unwrap();
        assert!(!text.chars().any(|c| is_unsafe(c) && c != '\n'), "{text}");
        assert!(
            text.contains(r"a\u001b]0;t\u0007b\u009bc\u202ed\u007fe ünï"),
            "{text}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
        assert_eq!(
            text,
            format!("{}\n", serde_json::to_string_pretty(&back).unwrap())
                .replace('\u{1b}', r"\u001b")
                .replace('\u{7}', r"\u0007")
                .replace('\u{9b}', r"\u009b")
                .replace('\u{202e}', r"\u202e")
                .replace('\u{7f}', r"\u007f")
        );
    }
}

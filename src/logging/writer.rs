//! The log file's writer: each event arrives as one write (the non-blocking worker hands over
//! whole formatted events) and leaves as exactly one line, with every unsafe character rendered
//! visibly (so `cat kmedic.log` cannot inject, and a message cannot forge a second entry) and
//! every PEM block, or base64 text of one, replaced by a marker.

use std::io::{self, Write};

use crate::text_safety::visible;

/// Writes each event as one sanitised, redacted line to `inner`.
#[derive(Debug)]
pub struct SafeLines<W> {
    inner: W,
}

impl<W: Write> SafeLines<W> {
    pub fn new(inner: W) -> Self {
        SafeLines { inner }
    }
}

impl<W: Write> Write for SafeLines<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let body = text.strip_suffix('\n').unwrap_or(&text);
        let mut line = visible(&redact_pem(body)).into_owned();
        line.push('\n');
        self.inner.write_all(line.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

const BEGIN: &str = "-----BEGIN ";
/// `-----BEGIN` in base64 (as a Secret's `data` holds a PEM file), at the start of a value.
const BEGIN_BASE64: &str = "LS0tLS1CRUdJT";
const REDACTED: &str = "[PEM redacted]";

/// `text` with every PEM block (`-----BEGIN …-----` to the matching `-----END …-----`, or to the
/// end when the end is missing) and every base64-encoded PEM file replaced by `[PEM redacted]`.
pub fn redact_pem(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(BEGIN) && !text.contains(BEGIN_BASE64) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let plain = rest.find(BEGIN);
        let encoded = rest.find(BEGIN_BASE64);
        let (at, is_plain) = match (plain, encoded) {
            (Some(p), Some(e)) if e < p => (e, false),
            (Some(p), _) => (p, true),
            (None, Some(e)) => (e, false),
            (None, None) => break,
        };
        out.push_str(&rest[..at]);
        out.push_str(REDACTED);
        rest = if is_plain {
            &rest[at..][pem_block_len(&rest[at..])..]
        } else {
            let run = rest[at..]
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
                .count();
            &rest[at + run..]
        };
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// Length of the PEM block at the start of `text` through its `-----END …-----` line, or all of
/// `text` when it has no end marker.
fn pem_block_len(text: &str) -> usize {
    let Some(end) = text.find("-----END ") else {
        return text.len();
    };
    let after = end + "-----END ".len();
    match text[after..].find("-----") {
        Some(close) => after + close + "-----".len(),
        None => text.len(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn pem_blocks_and_their_base64_are_redacted() {
        let key = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----";
        let text = format!("before {key} after");
        assert_eq!(redact_pem(&text), "before [PEM redacted] after");
        let escaped = text.replace('\n', "\\n");
        assert_eq!(redact_pem(&escaped), "before [PEM redacted] after");
        assert_eq!(
            redact_pem("x -----BEGIN RSA PRIVATE KEY-----\nMIIB"),
            "x [PEM redacted]"
        );
        assert_eq!(
            redact_pem(r#"{"tls.key":"LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1J=","n":1}"#),
            r#"{"tls.key":"[PEM redacted]","n":1}"#
        );
        assert_eq!(redact_pem("nothing here"), "nothing here");
    }

    #[test]
    fn each_event_is_one_clean_line() {
        let mut out = Vec::new();
        let mut w = SafeLines::new(&mut out);
        w.write_all(b"WARN msg=a\nFAKE ERROR forged\x1b]0;t\x07\n")
            .unwrap();
        w.write_all(b"INFO second\n").unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "WARN msg=a␊FAKE ERROR forged␛]0;t␇\nINFO second\n");
    }
}

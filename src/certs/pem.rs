//! A small, strict PEM reader: finds every `-----BEGIN X-----` … `-----END X-----` block in a
//! text, decodes its base64 body and reports malformed input as a clear error (never a panic).
//! Text outside blocks (comments, "Bag Attributes") is ignored, as openssl does.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// One decoded PEM block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PemBlock {
    /// The label, e.g. `CERTIFICATE`, `PRIVATE KEY`, `RSA PRIVATE KEY`.
    pub label: String,
    pub der: Vec<u8>,
    /// 1-based line of the BEGIN marker.
    pub line: usize,
}

/// Why a PEM text could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PemError {
    #[error("line {line}: BEGIN {label} has no matching END line")]
    Unterminated { label: String, line: usize },
    #[error("line {line}: END {found} does not match BEGIN {expected}")]
    Mismatched {
        expected: String,
        found: String,
        line: usize,
    },
    #[error("line {line}: END {label} without a BEGIN line")]
    Unopened { label: String, line: usize },
    #[error("block {label} at line {line}: invalid base64 ({message})")]
    Base64 {
        label: String,
        line: usize,
        message: String,
    },
    #[error("block {label} at line {line} is empty")]
    Empty { label: String, line: usize },
}

fn marker<'a>(line: &'a str, kind: &str) -> Option<&'a str> {
    line.trim()
        .strip_prefix("-----")?
        .strip_prefix(kind)?
        .strip_prefix(' ')?
        .strip_suffix("-----")
}

/// Parses every block of `text`, in order.
pub fn parse_pem(text: &str) -> Result<Vec<PemBlock>, PemError> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, usize, String)> = None;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if let Some(label) = marker(line, "BEGIN") {
            if let Some((label, line, _)) = open.take() {
                return Err(PemError::Unterminated { label, line });
            }
            open = Some((label.to_string(), number, String::new()));
        } else if let Some(label) = marker(line, "END") {
            let Some((expected, begin, body)) = open.take() else {
                return Err(PemError::Unopened {
                    label: label.to_string(),
                    line: number,
                });
            };
            if expected != label {
                return Err(PemError::Mismatched {
                    expected,
                    found: label.to_string(),
                    line: number,
                });
            }
            blocks.push(decode_block(expected, begin, &body)?);
        } else if let Some((_, _, body)) = open.as_mut() {
            // RFC 1421 headers ("Proc-Type: …") appear in encrypted legacy keys; skip them.
            if !line.contains(':') {
                body.push_str(line.trim());
            }
        }
    }
    if let Some((label, line, _)) = open {
        return Err(PemError::Unterminated { label, line });
    }
    Ok(blocks)
}

fn decode_block(label: String, line: usize, body: &str) -> Result<PemBlock, PemError> {
    if body.is_empty() {
        return Err(PemError::Empty { label, line });
    }
    match STANDARD.decode(body) {
        Ok(der) => Ok(PemBlock { label, der, line }),
        Err(e) => Err(PemError::Base64 {
            label,
            line,
            message: e.to_string(),
        }),
    }
}

/// Whether `bytes` look like PEM text rather than DER.
pub fn looks_like_pem(bytes: &[u8]) -> bool {
    bytes.windows(11).any(|w| w == b"-----BEGIN ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_blocks_and_reports_errors() {
        let text = "junk\n-----BEGIN CERTIFICATE-----\nAAEC\n-----END CERTIFICATE-----\n\
                    -----BEGIN PRIVATE KEY-----\nAw==\n-----END PRIVATE KEY-----\n";
        let blocks = parse_pem(text).expect("valid");
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].der, vec![0, 1, 2]);
        assert_eq!(blocks[1].label, "PRIVATE KEY");
        assert_eq!(blocks[1].line, 5);
        let err = parse_pem("-----BEGIN CERTIFICATE-----\nAAEC\n").expect_err("unterminated");
        assert!(err.to_string().contains("no matching END"), "{err}");
        let err = parse_pem("-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----")
            .expect_err("bad base64");
        assert!(err.to_string().contains("invalid base64"), "{err}");
        let err = parse_pem("-----BEGIN A-----\nAAEC\n-----END B-----").expect_err("mismatch");
        assert!(matches!(err, PemError::Mismatched { .. }));
    }
}

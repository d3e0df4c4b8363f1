//! Text files users hand to kmedic (kubeconfig, theme, keymap, scenario files): bytes that are
//! not UTF-8 are reported by line and column, as an editor shows them, not by byte index.

/// Where a file stops being UTF-8.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: not UTF-8 text (byte 0x{byte:02X})")]
pub struct NotUtf8 {
    /// 1-based line of the first invalid byte.
    pub line: usize,
    /// 1-based column (in characters) of the first invalid byte on its line.
    pub column: usize,
    pub byte: u8,
}

/// `bytes` as a `String`, or where the first invalid byte is.
pub fn decode_utf8(bytes: Vec<u8>) -> Result<String, NotUtf8> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let valid = &bytes[..at];
        let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        // The prefix is valid UTF-8 by definition, so this never falls back.
        let column = std::str::from_utf8(&valid[line_start..]).map_or(0, |s| s.chars().count()) + 1;
        NotUtf8 {
            line: valid.iter().filter(|b| **b == b'\n').count() + 1,
            column,
            byte: bytes.get(at).copied().unwrap_or_default(),
        }
    })
}

/// Whether `bytes` start with a UTF-16 byte order mark (kubeconfig files may be UTF-16).
pub fn has_utf16_bom(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_bad_byte_is_located_by_line_and_column() {
        let err = decode_utf8(b"a: 1\nb: \xc3\xa9\xff\nc".to_vec()).err();
        assert_eq!(
            err,
            Some(NotUtf8 {
                line: 2,
                column: 5,
                byte: 0xFF
            })
        );
        let shown = err.map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(shown, "line 2, column 5: not UTF-8 text (byte 0xFF)");
        assert_eq!(decode_utf8(b"ok\n".to_vec()).as_deref(), Ok("ok\n"));
        assert_eq!(decode_utf8(vec![0x80]).err().map(|e| e.line), Some(1));
    }
}

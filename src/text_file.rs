//! Text files users hand to kmedic (kubeconfig, theme, keymap, scenario files): bytes that are
//! not UTF-8 are reported by line and column, as an editor shows them, not by byte index; and
//! reading is bounded (only regular files, at most a given size), so a path that names a FIFO
//! or `/dev/zero` cannot hang kmedic or fill its memory.

use std::io::Read;
use std::path::Path;

/// Reads the regular file at `path` (symlinks followed), refusing anything else (a FIFO, a
/// device, a socket, a directory) and files larger than `max` bytes.
pub fn read_bounded(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::other(
            "not a regular file (a directory, FIFO, device or socket)",
        ));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(std::io::Error::other(format!(
            "larger than {} MiB",
            max / (1024 * 1024)
        )));
    }
    Ok(bytes)
}

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
    fn only_regular_files_of_bounded_size_are_read() {
        let dir = tempfile::tempdir().expect("tmp");
        let file = dir.path().join("f");
        std::fs::write(&file, b"0123456789").expect("write");
        assert_eq!(read_bounded(&file, 10).expect("read"), b"0123456789");
        assert!(read_bounded(&file, 9).is_err());
        assert!(read_bounded(dir.path(), 1 << 20).is_err());
        assert!(read_bounded(Path::new("/dev/zero"), 1 << 20).is_err());
    }

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

//! Opening and reading: read-only, `O_NONBLOCK` (a FIFO can never block the open), the type
//! checked before the open and again with `fstat` after it, and at most a fixed number of bytes.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use super::error::{FileKind, HostFsError};
use super::resolve::Resolved;

/// The bytes read from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileBytes {
    pub bytes: Vec<u8>,
    /// The file holds more than was read (the limit was reached).
    pub truncated: bool,
}

fn open(real: &Path, shown: &str, follow: bool) -> Result<File, HostFsError> {
    let mut flags = libc::O_NONBLOCK | libc::O_NOCTTY;
    if !follow {
        flags |= libc::O_NOFOLLOW;
    }
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(real)
        .map_err(|e| HostFsError::io(Path::new(shown), &e))?;
    let meta = file
        .metadata()
        .map_err(|e| HostFsError::io(Path::new(shown), &e))?;
    let kind = FileKind::of(meta.file_type());
    if kind != FileKind::File {
        return Err(HostFsError::NotRegular {
            path: shown.to_string(),
            kind,
        });
    }
    Ok(file)
}

fn read_capped(
    mut file: File,
    shown: &str,
    cap: u64,
    tail: bool,
) -> Result<FileBytes, HostFsError> {
    let io = |e: std::io::Error| HostFsError::io(Path::new(shown), &e);
    let size = file.metadata().map_err(io)?.len();
    if tail && size > cap {
        file.seek(SeekFrom::Start(size - cap)).map_err(io)?;
    }
    let mut bytes = Vec::new();
    file.by_ref()
        .take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    let mut truncated = tail && size > cap;
    if bytes.len() as u64 > cap {
        bytes.truncate(cap as usize);
        truncated = true;
    }
    Ok(FileBytes { bytes, truncated })
}

/// Reads a resolved host file: only a regular file is opened, and never through a symlink.
pub(crate) fn read_resolved(
    resolved: &Resolved,
    cap: u64,
    tail: bool,
) -> Result<FileBytes, HostFsError> {
    let shown = resolved.host_path.display().to_string();
    if resolved.kind != FileKind::File {
        return Err(HostFsError::NotRegular {
            path: shown,
            kind: resolved.kind,
        });
    }
    let file = open(&resolved.real_path, &shown, false)?;
    read_capped(file, &shown, cap, tail)
}

/// Reads an ordinary path of this machine (a scenario file, a kubeconfig) with the same care:
/// symlinks are followed by the operating system, but only a regular file is opened and at
/// most `cap` bytes are read. A file whose size is already over `cap` is not read at all
/// (`truncated` with no bytes): its callers refuse such files whole.
pub fn read_file_capped(path: &Path, cap: u64) -> Result<FileBytes, HostFsError> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| HostFsError::io(path, &e))?;
    let kind = FileKind::of(meta.file_type());
    if kind != FileKind::File {
        return Err(HostFsError::NotRegular { path: shown, kind });
    }
    if meta.len() > cap {
        return Ok(FileBytes {
            bytes: Vec::new(),
            truncated: true,
        });
    }
    let file = open(path, &shown, true)?;
    read_capped(file, &shown, cap, false)
}

//! What a host path resolves to, and why it could not be read.

use std::path::Path;

use serde::Serialize;

/// The type of a file system object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    File,
    Dir,
    Symlink,
    Fifo,
    CharDevice,
    BlockDevice,
    Socket,
    Other,
}

impl FileKind {
    pub fn of(file_type: std::fs::FileType) -> FileKind {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_symlink() {
            FileKind::Symlink
        } else if file_type.is_file() {
            FileKind::File
        } else if file_type.is_dir() {
            FileKind::Dir
        } else if file_type.is_fifo() {
            FileKind::Fifo
        } else if file_type.is_char_device() {
            FileKind::CharDevice
        } else if file_type.is_block_device() {
            FileKind::BlockDevice
        } else if file_type.is_socket() {
            FileKind::Socket
        } else {
            FileKind::Other
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            FileKind::File => "regular file",
            FileKind::Dir => "directory",
            FileKind::Symlink => "symlink",
            FileKind::Fifo => "named pipe (FIFO)",
            FileKind::CharDevice => "character device",
            FileKind::BlockDevice => "block device",
            FileKind::Socket => "socket",
            FileKind::Other => "special file",
        }
    }
}

/// Why a host path could not be used. `path` is the host path asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostFsError {
    #[error("{path}: no such file or directory")]
    NotFound { path: String },
    #[error("{path}: dangling symlink to {target}")]
    Dangling { path: String, target: String },
    #[error("{path}: too many levels of symbolic links (a symlink loop)")]
    Loop { path: String },
    #[error("{path}: not a directory")]
    NotADirectory { path: String },
    #[error("{path}: a {} is not read", kind.describe())]
    NotRegular { path: String, kind: FileKind },
    #[error("{path}: {message}")]
    Io { path: String, message: String },
}

impl HostFsError {
    pub(crate) fn io(path: &Path, e: &std::io::Error) -> HostFsError {
        if e.kind() == std::io::ErrorKind::NotFound {
            return HostFsError::NotFound {
                path: path.display().to_string(),
            };
        }
        HostFsError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        }
    }

    /// The reason without the path, for places that show the path already.
    pub fn reason(&self) -> String {
        match self {
            HostFsError::NotFound { .. } => "file does not exist".into(),
            HostFsError::Dangling { target, .. } => format!("dangling symlink to {target}"),
            HostFsError::Loop { .. } => "too many levels of symbolic links (a symlink loop)".into(),
            HostFsError::NotADirectory { .. } => "a path component is not a directory".into(),
            HostFsError::NotRegular { kind, .. } => {
                format!("a {} is not read", kind.describe())
            }
            HostFsError::Io { message, .. } => message.clone(),
        }
    }

    /// Whether the file (or its symlink's target) is simply absent.
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            HostFsError::NotFound { .. } | HostFsError::Dangling { .. }
        )
    }
}

//! Read-only access to a host's files under a root directory (a node's `/`, a support bundle, a
//! mounted disk image) that treats every file as hostile: paths resolve inside the root the way
//! a chroot would (an absolute symlink means that path under the root, `..` stops at the root),
//! symlink chains are bounded, only regular files are ever opened (never FIFOs, devices or
//! sockets), reads are capped, and directory listings and walks are bounded in depth and size.
//!
//! Every path given to [`HostFs`] is a *host path*: `/etc/kubernetes/pki/ca.crt` means that file
//! of the host, wherever the root is mounted here.

mod error;
mod read;
mod resolve;
mod walk;

use std::path::{Path, PathBuf};

pub use error::{FileKind, HostFsError};
pub use read::{FileBytes, read_file_capped};
pub use resolve::Resolved;
pub use walk::{DirEntry, DirListing, Walk};

/// How much of the host kmedic is willing to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes read from one file; more is reported as truncated.
    pub max_file_bytes: u64,
    /// Symlinks followed while resolving one path (Linux allows 40).
    pub max_symlinks: u32,
    /// Entries listed from one directory.
    pub max_dir_entries: usize,
    /// Directory levels a walk descends below its start.
    pub max_walk_depth: usize,
    /// Entries a walk looks at in total.
    pub max_walk_entries: usize,
}

/// Bytes read from one host file by default (8 MiB).
pub const DEFAULT_MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            max_symlinks: 40,
            max_dir_entries: 4096,
            max_walk_depth: 8,
            max_walk_entries: 20_000,
        }
    }
}

/// A host file system rooted at a directory of this machine. Opens are read-only.
#[derive(Debug, Clone)]
pub struct HostFs {
    root: PathBuf,
    limits: Limits,
}

impl HostFs {
    /// A host rooted at `root`, which must be a directory.
    pub fn new(root: &Path) -> Result<HostFs, HostFsError> {
        let meta = std::fs::metadata(root).map_err(|e| HostFsError::io(root, &e))?;
        if !meta.is_dir() {
            return Err(HostFsError::NotADirectory {
                path: root.display().to_string(),
            });
        }
        Ok(HostFs {
            root: root.to_path_buf(),
            limits: Limits::default(),
        })
    }

    /// The same host with other limits.
    pub fn with_limits(mut self, limits: Limits) -> HostFs {
        self.limits = limits;
        self
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Where a host path lies on this machine, without resolving anything (for display: the
    /// root joined with the path).
    pub fn local_path(&self, host_path: &Path) -> PathBuf {
        let relative = host_path.strip_prefix("/").unwrap_or(host_path);
        if relative.as_os_str().is_empty() {
            self.root.clone()
        } else {
            self.root.join(relative)
        }
    }

    /// Resolves a host path inside the root (symlinks followed, bounded).
    pub fn resolve(&self, host_path: &Path) -> Result<Resolved, HostFsError> {
        resolve::resolve(&self.root, host_path, self.limits.max_symlinks)
    }

    /// Whether the path resolves to anything (a file, a directory, a device …).
    pub fn exists(&self, host_path: &Path) -> bool {
        self.resolve(host_path).is_ok()
    }

    /// What the path resolves to.
    pub fn kind(&self, host_path: &Path) -> Result<FileKind, HostFsError> {
        self.resolve(host_path).map(|r| r.kind)
    }

    /// Whether the path is a symlink itself (its last component; not resolved).
    pub fn is_symlink(&self, host_path: &Path) -> bool {
        let Some(parent) = host_path.parent() else {
            return false;
        };
        let Some(name) = host_path.file_name() else {
            return false;
        };
        match self.resolve(parent) {
            Ok(dir) if dir.kind == FileKind::Dir => {
                std::fs::symlink_metadata(dir.real_path.join(name))
                    .is_ok_and(|m| m.file_type().is_symlink())
            }
            _ => false,
        }
    }

    /// The target of a symlink as written (not followed, not resolved): `socket:[4242]` for a
    /// file descriptor in `/proc/<pid>/fd`.
    pub fn read_link(&self, host_path: &Path) -> Result<PathBuf, HostFsError> {
        let shown = || host_path.display().to_string();
        let (Some(parent), Some(name)) = (host_path.parent(), host_path.file_name()) else {
            return Err(HostFsError::NotFound { path: shown() });
        };
        let dir = self.resolve(parent)?;
        if dir.kind != FileKind::Dir {
            return Err(HostFsError::NotADirectory { path: shown() });
        }
        std::fs::read_link(dir.real_path.join(name)).map_err(|e| HostFsError::io(host_path, &e))
    }

    /// The first bytes (up to the limit) of a regular file.
    pub fn read(&self, host_path: &Path) -> Result<FileBytes, HostFsError> {
        let resolved = self.resolve(host_path)?;
        read::read_resolved(&resolved, self.limits.max_file_bytes, false)
    }

    /// The last bytes (up to the limit) of a regular file: the tail of a long log.
    pub fn read_tail(&self, host_path: &Path) -> Result<FileBytes, HostFsError> {
        let resolved = self.resolve(host_path)?;
        read::read_resolved(&resolved, self.limits.max_file_bytes, true)
    }

    /// [`HostFs::read`] as text (invalid UTF-8 replaced).
    pub fn read_text(&self, host_path: &Path) -> Result<String, HostFsError> {
        self.read(host_path)
            .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
    }

    /// The entries of a directory, sorted by name, bounded.
    pub fn list_dir(&self, host_path: &Path) -> Result<DirListing, HostFsError> {
        walk::list_dir(self, host_path)
    }

    /// Files under a directory whose names `keep` accepts, bounded in depth and size. Symlinked
    /// directories are not entered (loops cannot form); symlinked files are listed.
    pub fn walk(&self, host_path: &Path, keep: &dyn Fn(&str) -> bool) -> Walk {
        walk::walk(self, host_path, keep)
    }
}

#[cfg(test)]
mod tests;

//! Bounded directory listings and walks. A walk never enters a symlinked directory and never
//! enters the same directory twice (by device and inode), so symlink loops and bind-mount loops
//! cannot make it run away; depth and the number of entries are capped as well.

use std::collections::HashSet;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::HostFs;
use super::error::{FileKind, HostFsError};

/// One entry of a directory: its name and what it is itself (a symlink is not followed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirEntry {
    /// The name (invalid UTF-8 replaced).
    pub name: String,
    /// The host path of the entry (inside the resolved directory).
    pub host_path: PathBuf,
    pub kind: FileKind,
}

/// A directory's entries, sorted by name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DirListing {
    pub entries: Vec<DirEntry>,
    /// More entries existed than the limit allows.
    pub truncated: bool,
}

/// Files found by a walk (host paths, sorted), and whether a limit stopped it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Walk {
    pub files: Vec<PathBuf>,
    pub truncated: bool,
}

pub(crate) fn list_dir(fs: &HostFs, host_path: &Path) -> Result<DirListing, HostFsError> {
    let dir = fs.resolve(host_path)?;
    if dir.kind != FileKind::Dir {
        return Err(HostFsError::NotADirectory {
            path: host_path.display().to_string(),
        });
    }
    let read =
        std::fs::read_dir(&dir.real_path).map_err(|e| HostFsError::io(&dir.host_path, &e))?;
    let max = fs.limits().max_dir_entries;
    let mut listing = DirListing::default();
    for entry in read.flatten() {
        if listing.entries.len() >= max {
            listing.truncated = true;
            break;
        }
        let kind = entry.file_type().map_or(FileKind::Other, FileKind::of);
        let name = entry.file_name();
        listing.entries.push(DirEntry {
            name: name.to_string_lossy().into_owned(),
            host_path: dir.host_path.join(&name),
            kind,
        });
    }
    listing.entries.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(listing)
}

pub(crate) fn walk(fs: &HostFs, start: &Path, keep: &dyn Fn(&str) -> bool) -> Walk {
    let limits = fs.limits();
    let mut out = Walk::default();
    let mut seen: HashSet<(u64, u64)> = HashSet::new();
    let mut budget = limits.max_walk_entries;
    let mut stack: Vec<(PathBuf, usize)> = vec![(start.to_path_buf(), 0)];
    'dirs: while let Some((dir, depth)) = stack.pop() {
        let Ok(resolved) = fs.resolve(&dir) else {
            continue;
        };
        if resolved.kind != FileKind::Dir
            || !seen.insert((resolved.meta.dev(), resolved.meta.ino()))
        {
            continue;
        }
        let Ok(listing) = list_dir(fs, &resolved.host_path) else {
            continue;
        };
        out.truncated |= listing.truncated;
        let mut subdirs = Vec::new();
        for entry in listing.entries {
            if budget == 0 {
                out.truncated = true;
                break 'dirs;
            }
            budget -= 1;
            match entry.kind {
                FileKind::Dir if depth < limits.max_walk_depth => {
                    subdirs.push((entry.host_path, depth + 1));
                }
                FileKind::Dir => out.truncated = true,
                _ if keep(&entry.name) => out.files.push(entry.host_path),
                _ => {}
            }
        }
        stack.extend(subdirs.into_iter().rev());
    }
    out.files.sort();
    out
}

//! Chroot-like path resolution: every component is looked at with `symlink_metadata` (never
//! followed by the operating system), symlinks are expanded by hand inside the root (absolute
//! targets restart at the root, `..` never climbs above it), and at most `max_links` symlinks
//! are followed.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::fs::Metadata;
use std::path::{Component, Path, PathBuf};

use super::error::{FileKind, HostFsError};

/// A host path resolved inside the root.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The resolved path as seen on the host (absolute, no symlinks, no `..`).
    pub host_path: PathBuf,
    /// Where it is on this machine (the root joined with `host_path`).
    pub real_path: PathBuf,
    pub kind: FileKind,
    /// Metadata of the final object (not a symlink).
    pub meta: Metadata,
}

fn components(path: &Path) -> impl DoubleEndedIterator<Item = OsString> + '_ {
    path.components().filter_map(|c| match c {
        Component::Normal(n) => Some(n.to_os_string()),
        Component::ParentDir => Some(OsString::from("..")),
        Component::CurDir | Component::RootDir | Component::Prefix(_) => None,
    })
}

fn host_string(done: &[OsString], rest: &VecDeque<OsString>) -> String {
    let mut p = PathBuf::from("/");
    p.extend(done.iter());
    p.extend(rest.iter());
    p.display().to_string()
}

/// Resolves `host_path` under `root`.
pub fn resolve(root: &Path, host_path: &Path, max_links: u32) -> Result<Resolved, HostFsError> {
    let asked = || host_path.display().to_string();
    let mut pending: VecDeque<OsString> = components(host_path).collect();
    let mut done: Vec<OsString> = Vec::new();
    let mut links = 0u32;
    // The symlink that was the last component asked for, and its target: a NotFound after it
    // is a dangling link.
    let mut last_link: Option<(String, String)> = None;
    let mut current: Option<Metadata> = None;
    while let Some(name) = pending.pop_front() {
        if name == ".." {
            done.pop();
            current = None;
            continue;
        }
        let mut real = root.to_path_buf();
        real.extend(done.iter());
        real.push(&name);
        let meta = match std::fs::symlink_metadata(&real) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some((path, target)) = last_link {
                    return Err(HostFsError::Dangling { path, target });
                }
                done.push(name);
                return Err(HostFsError::NotFound {
                    path: host_string(&done, &pending),
                });
            }
            Err(e) if e.raw_os_error() == Some(libc::ENOTDIR) => {
                return Err(HostFsError::NotADirectory { path: asked() });
            }
            Err(e) => return Err(HostFsError::io(Path::new(&asked()), &e)),
        };
        if meta.file_type().is_symlink() {
            links += 1;
            if links > max_links {
                return Err(HostFsError::Loop { path: asked() });
            }
            let target = std::fs::read_link(&real).map_err(|e| HostFsError::Io {
                path: asked(),
                message: e.to_string(),
            })?;
            if pending.is_empty() {
                done.push(name.clone());
                last_link = Some((host_string(&done, &pending), target.display().to_string()));
                done.pop();
            }
            if target.is_absolute() {
                done.clear();
            }
            for c in components(&target).rev() {
                pending.push_front(c);
            }
            current = None;
            continue;
        }
        if !pending.is_empty() && !meta.is_dir() {
            return Err(HostFsError::NotADirectory { path: asked() });
        }
        done.push(name);
        current = Some(meta);
    }
    let mut real_path = root.to_path_buf();
    real_path.extend(done.iter());
    let meta = match current {
        Some(m) => m,
        None => std::fs::symlink_metadata(&real_path)
            .map_err(|e| HostFsError::io(Path::new(&asked()), &e))?,
    };
    let mut resolved_host = PathBuf::from("/");
    resolved_host.extend(done.iter());
    Ok(Resolved {
        host_path: resolved_host,
        real_path,
        kind: FileKind::of(meta.file_type()),
        meta,
    })
}

//! `load_path`: objects from a scenario file, or from every YAML/JSON file under a directory
//! (which covers the layout `kubectl cluster-info dump --output-directory` writes). The walk
//! does not enter symlinked directories and is bounded; only regular files are opened (a FIFO
//! or a device named `*.yaml` is an error, not a hang) and each is read up to a size limit.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::parse::parse_text;
use super::{ScenarioError, builtin};

/// Loads a file or, recursively and in name order, every `*.yaml`, `*.yml`, `*.json` file in a
/// directory. Other files (such as the `logs.txt` of a cluster-info dump) are ignored.
///
/// When a file starts with the line `# kmedic-scenario: complete` (as the files of
/// `assets/demo` do), everything loaded is completed the way the built-in demo is (see
/// `builtin::complete`); otherwise objects are returned exactly as written, as a dump must be.
pub fn load_path(path: &Path) -> Result<Vec<Value>, ScenarioError> {
    let meta = fs::metadata(path).map_err(|e| io_err(path, &e, "cannot read"))?;
    let mut complete = false;
    let mut out = Vec::new();
    if meta.is_dir() {
        let mut files = Vec::new();
        let mut seen = HashSet::new();
        collect_files(path, 0, &mut seen, &mut files)?;
        for file in files {
            let (objects, directive) = load_file(&file)?;
            complete |= directive;
            out.extend(objects);
        }
    } else {
        let (objects, directive) = load_file(path)?;
        complete = directive;
        out = objects;
    }
    if complete {
        builtin::complete(&mut out);
    }
    Ok(out)
}

/// Bytes read from one scenario file at most.
const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

fn load_file(path: &Path) -> Result<(Vec<Value>, bool), ScenarioError> {
    let text = read_text(path)?;
    let directive = has_complete_directive(&text);
    Ok((parse_text(&path.display().to_string(), &text)?, directive))
}

/// Whether the file asks to be completed like the built-in demo (its first line is the
/// directive).
fn has_complete_directive(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .lines()
        .next()
        .is_some_and(|l| l.trim_end() == builtin::COMPLETE_DIRECTIVE)
}

/// The text of one scenario file: read with the host-file protections (no FIFOs or devices,
/// at most `MAX_FILE_BYTES`), decoded as UTF-8 with the line and column of a bad byte.
fn read_text(path: &Path) -> Result<String, ScenarioError> {
    let read = crate::hostfs::read_file_capped(path, MAX_FILE_BYTES).map_err(|e| {
        let message = if e.is_not_found() {
            "no such file or directory".to_string()
        } else {
            format!("cannot read: {}", e.reason())
        };
        ScenarioError {
            file: path.display().to_string(),
            line: None,
            message,
        }
    })?;
    if read.truncated {
        return Err(ScenarioError {
            file: path.display().to_string(),
            line: None,
            message: format!("larger than {} MiB: not read", MAX_FILE_BYTES >> 20),
        });
    }
    crate::text_file::decode_utf8(read.bytes).map_err(|e| ScenarioError {
        file: path.display().to_string(),
        line: Some(e.line),
        message: format!(
            "column {}: not UTF-8 text (byte 0x{:02X})",
            e.column, e.byte
        ),
    })
}

/// Like [`load_path`], each object with `file:line` of its document, and list markers (see
/// `parse_text_sourced`).
pub fn load_path_sourced(path: &Path) -> Result<Vec<(Value, String)>, ScenarioError> {
    let meta = fs::metadata(path).map_err(|e| io_err(path, &e, "cannot read"))?;
    let files = if meta.is_dir() {
        let mut files = Vec::new();
        let mut seen = HashSet::new();
        collect_files(path, 0, &mut seen, &mut files)?;
        files
    } else {
        vec![path.to_path_buf()]
    };
    let mut out = Vec::new();
    let mut complete = false;
    for file in files {
        let name = file.display().to_string();
        let text = read_text(&file)?;
        complete |= has_complete_directive(&text);
        for (v, line) in super::parse::parse_text_sourced(&name, &text)? {
            out.push((v, format!("{name}:{line}")));
        }
    }
    if complete {
        // Completed like the built-in demo: the objects are derived, not as written.
        let name = path.display().to_string();
        return Ok(load_path(path)?
            .into_iter()
            .map(|v| (v, name.clone()))
            .collect());
    }
    Ok(out)
}

/// Directories deeper than this are not entered.
const MAX_DEPTH: usize = 32;
/// Files collected from one directory tree at most.
const MAX_FILES: usize = 200_000;

fn collect_files(
    dir: &Path,
    depth: usize,
    seen: &mut HashSet<PathBuf>,
    out: &mut Vec<PathBuf>,
) -> Result<(), ScenarioError> {
    // A directory reached twice (through a symlink) is read once.
    let real = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    if depth > MAX_DEPTH || !seen.insert(real) {
        return Ok(());
    }
    let entries = fs::read_dir(dir).map_err(|e| io_err(dir, &e, "cannot list directory"))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if out.len() >= MAX_FILES {
            break;
        }
        if p.is_dir() && !p.is_symlink() {
            collect_files(&p, depth + 1, seen, out)?;
        } else if is_scenario_file(&p) && !p.is_dir() {
            out.push(p);
        }
    }
    Ok(())
}

fn is_scenario_file(p: &Path) -> bool {
    let ext = p
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    matches!(ext.as_deref(), Some("yaml" | "yml" | "json"))
}

fn io_err(path: &Path, e: &std::io::Error, what: &str) -> ScenarioError {
    let message = if e.kind() == std::io::ErrorKind::NotFound {
        "no such file or directory".to_string()
    } else {
        format!("{what}: {e}")
    };
    ScenarioError {
        file: path.display().to_string(),
        line: None,
        message,
    }
}

//! `load_path`: objects from a scenario file, or from every YAML/JSON file under a directory
//! (which covers the layout `kubectl cluster-info dump --output-directory` writes).

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

fn load_file(path: &Path) -> Result<(Vec<Value>, bool), ScenarioError> {
    let bytes = fs::read(path).map_err(|e| io_err(path, &e, "cannot read"))?;
    let text = String::from_utf8(bytes).map_err(|e| ScenarioError {
        file: path.display().to_string(),
        line: None,
        message: format!("not UTF-8 text: {e}"),
    })?;
    let directive = text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .is_some_and(|l| l.trim_end() == builtin::COMPLETE_DIRECTIVE);
    Ok((parse_text(&path.display().to_string(), &text)?, directive))
}

/// Directories deeper than this are not entered.
const MAX_DEPTH: usize = 32;

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
        if p.is_dir() {
            collect_files(&p, depth + 1, seen, out)?;
        } else if is_scenario_file(&p) {
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

//! What kmedic remembers between runs: per context, the last namespace (or all) and view. A
//! small JSON file under the user's data directory; a missing or unreadable file is no error.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The last place the user was in one context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remembered {
    /// `None` means all namespaces.
    pub namespace: Option<String>,
    /// The view's kubectl name, e.g. "pods".
    pub view: String,
    /// Namespaces marked as favourites in this context, listed first in the picker.
    #[serde(default)]
    pub favourites: Vec<String>,
}

/// Everything remembered, by context name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Memory {
    pub contexts: BTreeMap<String, Remembered>,
}

/// `~/.local/share/kmedic/state.json` or the platform's equivalent.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "kmedic").map(|d| d.data_dir().join("state.json"))
}

/// Reads the file; anything wrong with it is logged and an empty memory returned.
pub fn load(path: &Path) -> Memory {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).unwrap_or_else(|e| {
            tracing::warn!(file = %path.display(), error = %e, "state file unreadable; starting fresh");
            Memory::default()
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Memory::default(),
        Err(e) => {
            tracing::warn!(file = %path.display(), error = %e, "cannot read state file");
            Memory::default()
        }
    }
}

/// Writes the file atomically (temp file + rename) so a crash never leaves half a file.
pub fn save(path: &Path, memory: &Memory) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let text = serde_json::to_string_pretty(memory).map_err(std::io::Error::other)?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut temp, text.as_bytes())?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Puts what was remembered into the state: places per context and favourites.
pub fn apply_to(memory: &Memory, state: &mut crate::app::AppState) {
    for (context, place) in &memory.contexts {
        if let Some(view) = crate::model::ResourceKind::from_name(&place.view) {
            state
                .remembered
                .insert(context.clone(), (place.namespace.clone(), view));
        }
        if !place.favourites.is_empty() {
            state
                .favourites
                .insert(context.clone(), place.favourites.iter().cloned().collect());
        }
    }
}

/// What to remember of the state (call `AppState::remember` first for the current context).
pub fn from_state(state: &crate::app::AppState) -> Memory {
    let mut contexts: BTreeMap<String, Remembered> = state
        .remembered
        .iter()
        .map(|(context, (namespace, view))| {
            let remembered = Remembered {
                namespace: namespace.clone(),
                view: view.resource().to_string(),
                favourites: Vec::new(),
            };
            (context.clone(), remembered)
        })
        .collect();
    for (context, favourites) in &state.favourites {
        let entry = contexts
            .entry(context.clone())
            .or_insert_with(|| Remembered {
                namespace: None,
                view: "pods".to_string(),
                favourites: Vec::new(),
            });
        entry.favourites = favourites.iter().cloned().collect();
    }
    Memory { contexts }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_tolerates_garbage() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("nested").join("state.json");
        assert_eq!(
            load(&path),
            Memory::default(),
            "missing file is empty memory"
        );
        let mut memory = Memory::default();
        memory.contexts.insert(
            "prod".into(),
            Remembered {
                namespace: Some("shop".into()),
                view: "services".into(),
                favourites: vec!["shop".into(), "ops".into()],
            },
        );
        memory.contexts.insert(
            "dev".into(),
            Remembered {
                namespace: None,
                view: "pods".into(),
                favourites: Vec::new(),
            },
        );
        save(&path, &memory).expect("save");
        assert_eq!(load(&path), memory);
        // Files written before favourites existed still load.
        std::fs::write(
            &path,
            r#"{"contexts":{"old":{"namespace":"a","view":"pods"}}}"#,
        )
        .expect("write");
        assert_eq!(
            load(&path).contexts.get("old").map(|r| r.favourites.len()),
            Some(0)
        );
        std::fs::write(&path, "{not json").expect("write");
        assert_eq!(load(&path), Memory::default());
    }
}

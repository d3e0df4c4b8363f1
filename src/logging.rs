//! Program logs: to a file (never the terminal), through a non-blocking writer.

use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// The default log file: `$XDG_STATE_HOME/kmedic/kmedic.log` or the platform's equivalent.
pub fn default_log_file() -> PathBuf {
    let dirs = directories::ProjectDirs::from("", "", "kmedic");
    let dir = dirs
        .as_ref()
        .and_then(|d| d.state_dir().map(Path::to_path_buf))
        .or_else(|| dirs.as_ref().map(|d| d.data_local_dir().to_path_buf()))
        .unwrap_or_else(std::env::temp_dir);
    dir.join("kmedic.log")
}

/// Starts logging to `file`. Filter with `KMEDIC_LOG` (e.g. `KMEDIC_LOG=debug`). The guard must
/// live until exit so buffered lines are written.
pub fn init(file: &Path) -> Result<WorkerGuard, String> {
    let dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create log directory {}: {e}", dir.display()))?;
    let name = file
        .file_name()
        .ok_or_else(|| format!("log file {} has no file name", file.display()))?;
    let appender = tracing_appender::rolling::never(dir, name);
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_env("KMEDIC_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .map_err(|e| e.to_string())?;
    Ok(guard)
}

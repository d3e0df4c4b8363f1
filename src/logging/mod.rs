//! Program logs: to a file (never the terminal), through a non-blocking writer. The file is
//! private (mode 0600), every entry is one line with unsafe characters rendered visibly and PEM
//! blocks redacted ([`writer`]), and the client library's events that carry response bodies are
//! dropped whatever `KMEDIC_LOG` asks for ([`carries_response_data`]).

mod writer;

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use tracing::Metadata;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::Layer;
use tracing_subscriber::filter::FilterFn;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

pub use writer::{SafeLines, redact_pem};

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

/// Whether an event may carry data from a response body (or raw protocol bytes), so it never
/// reaches the log at any level:
/// - `kube_client::client` logs the whole body of a response that does not deserialise at
///   WARN (a Secret list with one malformed Secret puts every TLS key of the list in the
///   log), and error bodies at DEBUG/TRACE;
/// - the HTTP, TLS and WebSocket libraries log frames and headers (tokens) at DEBUG/TRACE.
pub fn carries_response_data(meta: &Metadata<'_>) -> bool {
    let target = meta.target();
    if target == "kube_client::client" {
        return true;
    }
    let wire = [
        "hyper",
        "hyper_util",
        "h2",
        "rustls",
        "tungstenite",
        "tokio_tungstenite",
    ]
    .iter()
    .any(|t| target == *t || target.strip_prefix(t).is_some_and(|r| r.starts_with("::")));
    wire && *meta.level() > tracing::Level::INFO
}

/// Opens (creating if needed) the log file for appending, readable by its owner only: a new
/// file is created with mode 0600 and an existing one with wider permissions is narrowed.
pub fn open_private(file: &Path) -> io::Result<File> {
    let handle = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(file)?;
    let mode = handle.metadata()?.permissions().mode();
    if mode & 0o077 != 0 {
        handle.set_permissions(std::fs::Permissions::from_mode(mode & 0o700))?;
    }
    Ok(handle)
}

/// Log lines waiting for the writer thread at most.
const LOG_QUEUE_LINES: usize = 4096;

/// Starts logging to `file`. Filter with `KMEDIC_LOG` (e.g. `KMEDIC_LOG=debug`). The guard must
/// live until exit so buffered lines are written.
pub fn init(file: &Path) -> Result<WorkerGuard, String> {
    let dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| format!("cannot create log directory {}: {e}", dir.display()))?;
    let handle =
        open_private(file).map_err(|e| format!("cannot open log file {}: {e}", file.display()))?;
    // The crate's default queue (128,000 lines) allocates about 4 MB up front; kmedic logs a
    // few lines a second, and a burst beyond this many waiting lines is dropped (lossy).
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(LOG_QUEUE_LINES)
        .lossy(true)
        .finish(SafeLines::new(handle));
    let filter = EnvFilter::try_from_env("KMEDIC_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(writer)
        .with_ansi(false)
        .with_filter(filter)
        .with_filter(FilterFn::new(|meta| !carries_response_data(meta)));
    tracing_subscriber::registry()
        .with(layer)
        .try_init()
        .map_err(|e| e.to_string())?;
    Ok(guard)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn new_and_existing_files_are_private() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("new.log");
        drop(open_private(&new).unwrap());
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&new), 0o600);
        let wide = dir.path().join("wide.log");
        std::fs::write(&wide, "old line\n").unwrap();
        std::fs::set_permissions(&wide, std::fs::Permissions::from_mode(0o644)).unwrap();
        drop(open_private(&wide).unwrap());
        assert_eq!(mode(&wide), 0o600);
        assert_eq!(std::fs::read_to_string(&wide).unwrap(), "old line\n");
    }
}

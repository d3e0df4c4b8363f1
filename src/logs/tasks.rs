//! The runtime side of the log pane: performs `LogEffect`s. Keeps a cancellation token per
//! stream and per pane (children of the session's) and writes saved files off the UI thread.

use std::collections::HashMap;

use kube::Client;
use tokio_util::sync::CancellationToken;

use super::pods;
use super::spec::{LogEffect, LogNews};
use super::stream::{self, Report, StreamTask};

/// Running log tasks.
#[derive(Default)]
pub struct LogTasks {
    /// pane id → its token (streams and the pod watch are children of it).
    panes: HashMap<u64, CancellationToken>,
    /// stream id → its token.
    streams: HashMap<u64, CancellationToken>,
}

impl LogTasks {
    pub fn perform(
        &mut self,
        effect: LogEffect,
        client: &Client,
        report: &Report,
        parent: &CancellationToken,
    ) {
        match effect {
            LogEffect::Stream {
                pane,
                stream,
                source,
                spec,
            } => {
                let token = self.pane(pane, parent).child_token();
                self.streams.insert(stream, token.clone());
                let task = StreamTask {
                    stream,
                    source,
                    spec,
                    report: report.clone(),
                };
                tokio::spawn(stream::run(client.clone(), task, token));
            }
            LogEffect::StopStream { stream } => {
                if let Some(token) = self.streams.remove(&stream) {
                    token.cancel();
                }
            }
            LogEffect::WatchPods {
                pane,
                namespace,
                set,
            } => {
                let token = self.pane(pane, parent).child_token();
                tokio::spawn(pods::run(
                    client.clone(),
                    pane,
                    namespace,
                    set,
                    report.clone(),
                    token,
                ));
            }
            LogEffect::StopPane { pane } => {
                if let Some(token) = self.panes.remove(&pane) {
                    token.cancel();
                }
                self.streams.retain(|_, t| !t.is_cancelled());
            }
            LogEffect::Save { path, text, lines } => {
                let report = report.clone();
                tokio::spawn(async move {
                    let result = save_new(&path, text.as_bytes())
                        .await
                        .map(|saved| (saved, lines))
                        .map_err(|e| format!("cannot save to {path}: {e}"));
                    report(LogNews::Saved { result });
                });
            }
        }
    }

    fn pane(&mut self, pane: u64, parent: &CancellationToken) -> CancellationToken {
        self.panes
            .entry(pane)
            .or_insert_with(|| parent.child_token())
            .clone()
    }

    /// Streams currently running (for tests and diagnostics).
    pub fn running(&self) -> usize {
        self.streams.values().filter(|t| !t.is_cancelled()).count()
    }
}

/// Writes a new file at `path`, or `path` with `-2`, `-3`… before the extension when it
/// exists: saving never overwrites a file. Returns the path written.
async fn save_new(path: &str, bytes: &[u8]) -> std::io::Result<String> {
    use tokio::io::AsyncWriteExt;
    let (stem, ext) = path.rsplit_once('.').unwrap_or((path, ""));
    for n in 1..100 {
        let candidate = match (n, ext) {
            (1, _) => path.to_string(),
            (_, "") => format!("{stem}-{n}"),
            (_, ext) => format!("{stem}-{n}.{ext}"),
        };
        let opened = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
            .await;
        match opened {
            Ok(mut file) => {
                file.write_all(bytes).await?;
                file.flush().await?;
                return Ok(candidate);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("too many files with this name"))
}

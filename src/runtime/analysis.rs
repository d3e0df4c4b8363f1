//! Running the troubleshooting engine for the UI: after a quiet period, list what the analyzers
//! read, analyse off the async threads, and report the findings as one message.

use std::time::{Duration, Instant};

use jiff::Timestamp;
use kube::Client;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use crate::app::Msg;
use crate::app::troubleshoot::Analysis;
use crate::cluster::Scope;
use crate::troubleshoot::{Options, analyze, group_by_root};

/// What to analyse, and how to tag the answer.
pub struct AnalysisRequest {
    pub request: u64,
    pub generation: u64,
    pub scope: Scope,
    pub delay: Duration,
    /// For error messages.
    pub server: String,
}

pub fn spawn_analysis(
    client: Client,
    job: AnalysisRequest,
    tx: UnboundedSender<Msg>,
    cancel: CancellationToken,
) {
    tokio::spawn(async move {
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(job.delay) => {}
        }
        let started = Instant::now();
        let namespace = match &job.scope {
            Scope::All => None,
            Scope::Namespace(ns) => Some(ns.clone()),
        };
        let listed = tokio::select! {
            () = cancel.cancelled() => return,
            listed = crate::launch_check::snapshot_from_cluster(&client, namespace.as_deref(), &job.server) => listed,
        };
        let result = match listed {
            Ok((snapshot, skipped)) => {
                let options = Options {
                    namespace,
                    ..Options::default()
                };
                let analysed = tokio::task::spawn_blocking(move || {
                    let findings = analyze(&snapshot, Timestamp::now(), &options);
                    let groups = group_by_root(&findings);
                    (findings, groups)
                })
                .await;
                match analysed {
                    Ok((findings, groups)) => Ok(Analysis {
                        findings,
                        groups,
                        skipped,
                        at: Timestamp::now(),
                        took: started.elapsed(),
                    }),
                    Err(e) => Err(format!("analysis failed: {e}")),
                }
            }
            Err(e) => Err(e),
        };
        let _ = tx.send(Msg::Analyzed {
            request: job.request,
            generation: job.generation,
            result,
        });
    });
}

//! The task behind one container's log stream: looks at the pod (waiting? which container?),
//! opens `GET …/log` with `timestamps=true`, cuts the body into lines, cleans them and sends
//! them in batches. When the connection drops it reconnects with `sinceTime` of the last line
//! and skips what it already sent, so nothing is duplicated or lost. Cancelled by its token.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, LogParams};
use kube::runtime::watcher;
use kube::{Client, Error};
use tokio_util::sync::CancellationToken;

use super::buffer::LogLine;
use super::pod_info::{self, Phase};
use super::reader::{Outcome, Resume, pump};
use super::spec::{LogNews, Range, StreamSpec, StreamState};

/// Where news go (the runtime wraps them into its messages).
pub type Report = Arc<dyn Fn(LogNews) + Send + Sync>;

const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// Identifies the stream in its reports.
#[derive(Clone)]
pub struct StreamTask {
    pub stream: u64,
    pub source: u16,
    pub spec: StreamSpec,
    pub report: Report,
}

/// Runs the stream until it ends or `cancel` fires.
pub async fn run(client: Client, task: StreamTask, cancel: CancellationToken) {
    tokio::select! {
        () = cancel.cancelled() => {}
        () = stream_loop(client, &task) => {}
    }
}

fn state(task: &StreamTask, state: StreamState) {
    (task.report)(LogNews::State {
        stream: task.stream,
        state: state.cleaned(),
    });
}

async fn stream_loop(client: Client, task: &StreamTask) {
    let api: Api<Pod> = Api::namespaced(client, &task.spec.namespace);
    let spec = &task.spec;
    let mut resume = Resume::default();
    let mut resumed = false;
    let mut backoff = Duration::from_millis(250);
    let mut container = spec.container.clone();
    let mut reported_containers = false;
    state(task, StreamState::Connecting);
    loop {
        let pod = match api.get_opt(&spec.pod).await {
            Ok(Some(pod)) => pod,
            Ok(None) => {
                let reason = if resumed {
                    "pod deleted"
                } else {
                    "pod not found"
                };
                return state(
                    task,
                    StreamState::Ended {
                        reason: reason.into(),
                    },
                );
            }
            Err(e) => {
                state(task, StreamState::Reconnecting { reason: short(&e) });
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
                continue;
            }
        };
        let Some(chosen) = container
            .clone()
            .or_else(|| pod_info::default_container(&pod))
        else {
            return state(
                task,
                StreamState::Failed {
                    error: "the pod has no containers".into(),
                },
            );
        };
        if !reported_containers {
            reported_containers = true;
            (task.report)(LogNews::Containers {
                stream: task.stream,
                containers: pod_info::containers(&pod),
                chosen: chosen.clone(),
            });
        }
        container = Some(chosen.clone());
        if !spec.previous
            && let Phase::Waiting(reason) = pod_info::phase(&pod, &chosen)
        {
            state(task, StreamState::Waiting { reason });
            wait_for_change(&api, &spec.pod, pod.metadata.resource_version.clone()).await;
            continue;
        }
        let instance = pod_info::instance(&pod, &chosen);
        // A container that ended for good writes nothing more: read what it wrote and stop.
        let finished = pod_info::terminated(&pod, &chosen)
            .filter(|_| !pod_info::restarts(&pod, &chosen) && !spec.previous);
        let follow = spec.follow && !spec.previous && finished.is_none();
        let since = resumed.then_some(resume.last).flatten();
        let params = params(spec, &chosen, follow, since);
        let reader = match api.log_stream(&spec.pod, &params).await {
            Ok(reader) => reader,
            Err(Error::Api(status)) if status.code == 404 => {
                return state(
                    task,
                    StreamState::Ended {
                        reason: "pod deleted".into(),
                    },
                );
            }
            Err(Error::Api(status)) if status.code == 400 => {
                return state(
                    task,
                    StreamState::Failed {
                        error: status.message.clone(),
                    },
                );
            }
            Err(e) => {
                state(task, StreamState::Reconnecting { reason: short(&e) });
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
                resumed = true;
                continue;
            }
        };
        state(task, StreamState::Streaming);
        backoff = Duration::from_millis(250);
        let mut skip = if resumed { resume.at_last } else { 0 };
        let outcome = pump(task, Box::pin(reader), &mut resume, &mut skip).await;
        if !follow {
            let reason = match (outcome, finished) {
                (Outcome::Failed(e), _) => format!("read failed: {e}"),
                (Outcome::Eof, Some(desc)) => format!("container terminated: {desc}"),
                (Outcome::Eof, None) if spec.previous => "previous instance's log".to_string(),
                (Outcome::Eof, None) => "end of log (not following)".to_string(),
            };
            return state(task, StreamState::Ended { reason });
        }
        match api.get_opt(&spec.pod).await {
            Ok(None) => {
                return state(
                    task,
                    StreamState::Ended {
                        reason: "pod deleted".into(),
                    },
                );
            }
            Ok(Some(now)) => {
                let version = now.metadata.resource_version.clone();
                if pod_info::instance(&now, &chosen) != instance {
                    let marker = LogLine::marker(
                        task.source,
                        Some(Timestamp::now()),
                        "── container restarted ──",
                    );
                    (task.report)(LogNews::Lines {
                        stream: task.stream,
                        lines: vec![marker],
                    });
                    resume = Resume::default();
                    resumed = false;
                    if let Some(reason) = pod_info::waiting_reason(&now, &chosen) {
                        state(task, StreamState::Waiting { reason });
                        wait_for_change(&api, &spec.pod, version).await;
                    }
                    continue;
                }
                let waiting = match pod_info::terminated(&now, &chosen) {
                    Some(desc) if !pod_info::restarts(&now, &chosen) => {
                        let reason = format!("container terminated: {desc}");
                        return state(task, StreamState::Ended { reason });
                    }
                    Some(desc) => Some(format!("terminated ({desc}), waiting for a restart")),
                    None => pod_info::waiting_reason(&now, &chosen),
                };
                if let Some(reason) = waiting {
                    state(task, StreamState::Waiting { reason });
                    wait_for_change(&api, &spec.pod, version).await;
                    resumed = true;
                    continue;
                }
            }
            Err(_) => {}
        }
        let reason = match outcome {
            Outcome::Eof => "stream closed by the server".to_string(),
            Outcome::Failed(e) => e,
        };
        state(task, StreamState::Reconnecting { reason });
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
        resumed = true;
    }
}

fn params(
    spec: &StreamSpec,
    container: &str,
    follow: bool,
    resume: Option<Timestamp>,
) -> LogParams {
    let mut params = LogParams {
        container: Some(container.to_string()),
        follow,
        previous: spec.previous,
        timestamps: true,
        ..LogParams::default()
    };
    match (resume, spec.range) {
        // kube rounds sinceTime to the nearest second, which may be later than `since`:
        // ask from the start of its second (lines before `since` are skipped when read).
        (Some(since), _) => params.since_time = Timestamp::from_second(since.as_second()).ok(),
        (None, Range::Tail(n)) => params.tail_lines = Some(n),
        (None, Range::Since(s)) => params.since_seconds = Some(s),
        (None, Range::All) => {}
    }
    params
}

fn short(e: &Error) -> String {
    let text = match e {
        Error::Api(status) => format!("{} {}", status.code, status.message),
        other => other.to_string(),
    };
    super::one_line(&text, 120)
}

/// Waits until the pod differs from the version `seen` (watching just that pod), or a while
/// if the watch fails.
async fn wait_for_change(api: &Api<Pod>, name: &str, seen: Option<String>) {
    let config = watcher::Config::default().fields(&format!("metadata.name={name}"));
    let mut events = Box::pin(watcher(api.clone(), config));
    let fallback = tokio::time::sleep(Duration::from_secs(30));
    tokio::pin!(fallback);
    let changed = |pod: &Pod| pod.metadata.resource_version != seen;
    loop {
        tokio::select! {
            () = &mut fallback => return,
            event = events.next() => match event {
                Some(Ok(watcher::Event::Apply(p) | watcher::Event::InitApply(p))) if changed(&p) => return,
                Some(Ok(watcher::Event::Delete(_))) => return,
                Some(Ok(_)) => {}
                Some(Err(_)) => {
                    tokio::time::sleep(Duration::from_secs(2)).await;
                    return;
                }
                None => return,
            }
        }
    }
}

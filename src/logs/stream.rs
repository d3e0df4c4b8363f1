//! The task behind one container's log stream: looks at the pod (waiting? which container?),
//! opens `GET …/log` with `timestamps=true`, cuts the body into lines, cleans them and sends
//! them in batches. When the connection drops it reconnects with `sinceTime` of the last line
//! and skips what it already sent, so nothing is duplicated or lost. Cancelled by its token.

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures::{AsyncBufRead, AsyncBufReadExt, StreamExt};
use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, LogParams};
use kube::runtime::watcher;
use kube::{Client, Error};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::buffer::LogLine;
use super::pod_info::{self, Phase};
use super::sanitize::clean;
use super::spec::{LogNews, Range, StreamSpec, StreamState, split_timestamp};

/// Where news go (the runtime wraps them into its messages).
pub type Report = Arc<dyn Fn(LogNews) + Send + Sync>;

/// Longest line kept; the rest is cut (and said so).
pub const MAX_LINE_BYTES: usize = 64 * 1024;
/// A batch is sent when it has this many lines…
const BATCH_LINES: usize = 2_000;
/// …or when its oldest line waited this long.
const BATCH_DELAY: Duration = Duration::from_millis(40);
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// Identifies the stream in its reports.
#[derive(Clone)]
pub struct StreamTask {
    pub stream: u64,
    pub source: u16,
    pub spec: StreamSpec,
    pub report: Report,
}

/// Resume point: the last line's time and how many lines with exactly that time were sent.
#[derive(Debug, Clone, Copy, Default)]
struct Resume {
    last: Option<Timestamp>,
    at_last: usize,
}

impl Resume {
    /// Whether a line with `time` was already sent; `skip` counts equal-time lines to skip.
    fn seen(&self, time: Option<Timestamp>, skip: &mut usize) -> bool {
        match (self.last, time) {
            (Some(last), Some(t)) if t < last => true,
            (Some(last), Some(t)) if t == last && *skip > 0 => {
                *skip -= 1;
                true
            }
            _ => false,
        }
    }

    fn sent(&mut self, time: Option<Timestamp>) {
        if let Some(t) = time {
            if self.last == Some(t) {
                self.at_last += 1;
            } else {
                self.last = Some(t);
                self.at_last = 1;
            }
        }
    }
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
        state,
    });
}

enum Outcome {
    /// The body ended (server closed it).
    Eof,
    Failed(String),
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

/// Reads lines until the body ends, sending them in batches.
async fn pump(
    task: &StreamTask,
    mut reader: Pin<Box<impl AsyncBufRead + ?Sized>>,
    resume: &mut Resume,
    skip: &mut usize,
) -> Outcome {
    let mut batch: Vec<LogLine> = Vec::new();
    let mut deadline: Option<Instant> = None;
    let mut partial: Vec<u8> = Vec::new();
    let mut cut = 0usize;
    let dedupe = *resume;
    loop {
        let read = match deadline {
            Some(at) => match tokio::time::timeout_at(at, reader.as_mut().fill_buf()).await {
                Ok(read) => Some(read.map(<[u8]>::to_vec)),
                Err(_) => None,
            },
            None => Some(reader.as_mut().fill_buf().await.map(<[u8]>::to_vec)),
        };
        let chunk = match read {
            None => {
                flush(task, &mut batch);
                deadline = None;
                continue;
            }
            Some(Err(e)) => {
                flush(task, &mut batch);
                return Outcome::Failed(super::one_line(&e.to_string(), 120));
            }
            Some(Ok(chunk)) => chunk,
        };
        if chunk.is_empty() {
            if !partial.is_empty() {
                emit(task, &mut batch, &partial, cut, dedupe, resume, skip);
            }
            flush(task, &mut batch);
            return Outcome::Eof;
        }
        reader.as_mut().consume(chunk.len());
        let mut rest = chunk.as_slice();
        while let Some(pos) = rest.iter().position(|b| *b == b'\n') {
            append_capped(&mut partial, &rest[..pos], &mut cut);
            emit(task, &mut batch, &partial, cut, dedupe, resume, skip);
            partial.clear();
            cut = 0;
            rest = &rest[pos + 1..];
        }
        append_capped(&mut partial, rest, &mut cut);
        if batch.len() >= BATCH_LINES {
            flush(task, &mut batch);
            deadline = None;
        } else if !batch.is_empty() && deadline.is_none() {
            deadline = Some(Instant::now() + BATCH_DELAY);
        }
    }
}

fn append_capped(line: &mut Vec<u8>, bytes: &[u8], cut: &mut usize) {
    let room = MAX_LINE_BYTES.saturating_sub(line.len());
    let take = bytes.len().min(room);
    line.extend_from_slice(&bytes[..take]);
    *cut += bytes.len() - take;
}

fn emit(
    task: &StreamTask,
    batch: &mut Vec<LogLine>,
    raw: &[u8],
    cut: usize,
    dedupe: Resume,
    resume: &mut Resume,
    skip: &mut usize,
) {
    let (time, text) = split_timestamp(raw);
    if dedupe.seen(time, skip) {
        return;
    }
    resume.sent(time);
    let mut line = clean(text);
    if cut > 0 {
        line.text.push_str(&format!(" … [{cut} more bytes cut]"));
    }
    batch.push(LogLine::log(task.source, time, line));
}

fn flush(task: &StreamTask, batch: &mut Vec<LogLine>) {
    if !batch.is_empty() {
        (task.report)(LogNews::Lines {
            stream: task.stream,
            lines: std::mem::take(batch),
        });
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resume_skips_exactly_what_was_sent() {
        let t = |s: i64| Timestamp::from_second(s).ok();
        let mut resume = Resume::default();
        for time in [t(1), t(2), t(2)] {
            resume.sent(time);
        }
        let mut skip = resume.at_last;
        // The server resends everything since second 2 (two lines we have, one new) and more.
        let seen: Vec<bool> = [t(1), t(2), t(2), t(2), t(3)]
            .into_iter()
            .map(|time| resume.seen(time, &mut skip))
            .collect();
        assert_eq!(seen, vec![true, true, true, false, false]);
    }
}

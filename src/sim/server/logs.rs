//! Pod logs (`/pods/{name}/log`): container choice, `previous`, `tailLines`, `sinceSeconds`,
//! `sinceTime`, `timestamps`, `limitBytes`, and `follow` streaming until the container
//! restarts, the pod is deleted or the server shuts down.

use std::convert::Infallible;

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use jiff::Timestamp;
use serde_json::Value;
use tokio::sync::{broadcast, mpsc};
use tokio_util::sync::CancellationToken;

use super::log_buffer::{ContainerKey, LogEvent, LogLine, rfc3339_nano};
use super::log_generator::to_wire;
use super::query::Params;
use super::status::{ApiError, text_response};
use super::store::Store;

fn container_names(pod: &Value, field: &str) -> Vec<String> {
    pod.pointer(&format!("/spec/{field}"))
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|c| c.get("name").and_then(Value::as_str))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn choose_container(pod: &Value, name: &str, requested: Option<&str>) -> Result<String, ApiError> {
    let containers = container_names(pod, "containers");
    let init = container_names(pod, "initContainers");
    let ephemeral = container_names(pod, "ephemeralContainers");
    match requested.filter(|c| !c.is_empty()) {
        Some(c)
            if containers
                .iter()
                .chain(&init)
                .chain(&ephemeral)
                .any(|x| x == c) =>
        {
            Ok(c.to_string())
        }
        Some(c) => Err(ApiError::bad_request(format!(
            "container {c} is not valid for pod {name}"
        ))),
        None if containers.len() == 1 => Ok(containers[0].clone()),
        None => {
            let mut message = format!(
                "a container name must be specified for pod {name}, choose one of: [{}]",
                containers.join(" ")
            );
            if !init.is_empty() {
                message.push_str(&format!(
                    " or one of the init containers: [{}]",
                    init.join(" ")
                ));
            }
            Err(ApiError::bad_request(message))
        }
    }
}

/// Which lines to send and how.
struct Options {
    timestamps: bool,
    since: Option<Timestamp>,
    limit_bytes: Option<usize>,
}

impl Options {
    fn keep(&self, line: &LogLine) -> bool {
        self.since.is_none_or(|since| line.time >= since)
    }

    fn format(&self, line: &LogLine) -> String {
        if self.timestamps {
            format!("{} {}\n", rfc3339_nano(line.time), line.line)
        } else {
            format!("{}\n", line.line)
        }
    }
}

fn since(params: &Params) -> Result<Option<Timestamp>, ApiError> {
    if let Some(seconds) = params.int("sinceSeconds")? {
        if seconds <= 0 {
            return Err(ApiError::bad_request(
                "sinceSeconds: Invalid value: must be greater than 0",
            ));
        }
        // Further back than representable: everything.
        let since = Timestamp::now().checked_sub(jiff::SignedDuration::from_secs(seconds));
        return Ok(Some(since.unwrap_or(Timestamp::MIN)));
    }
    match params.get("sinceTime").filter(|t| !t.is_empty()) {
        Some(text) => text.parse::<Timestamp>().map(Some).map_err(|_| {
            ApiError::bad_request(format!(
                "sinceTime: Invalid value: \"{text}\": not an RFC3339 time"
            ))
        }),
        None => Ok(None),
    }
}

/// Answers a log request for an existing pod.
pub fn logs(
    store: &Store,
    shutdown: CancellationToken,
    pod: &Value,
    namespace: &str,
    name: &str,
    params: &Params,
) -> Result<Response, ApiError> {
    let container = choose_container(pod, name, params.get("container"))?;
    let previous = params.bool("previous")?;
    let follow = params.bool("follow")?;
    let tail = params.int("tailLines")?;
    let options = Options {
        timestamps: params.bool("timestamps")?,
        since: since(params)?,
        limit_bytes: params.count("limitBytes")?.map(|n| n as usize),
    };
    let key = ContainerKey {
        namespace: namespace.to_string(),
        pod: name.to_string(),
        container: container.clone(),
    };
    let (logs, receiver) = store.logs(&key);
    let lines = if previous {
        logs.previous.ok_or_else(|| {
            ApiError::bad_request(format!(
                "previous terminated container \"{container}\" in pod \"{name}\" not found"
            ))
        })?
    } else {
        logs.current
    };
    let kept: Vec<&LogLine> = lines.iter().filter(|l| options.keep(l)).collect();
    let skip = match tail {
        Some(n) if n >= 0 => kept.len().saturating_sub(n as usize),
        _ => 0,
    };
    let mut text: String = kept[skip..].iter().map(|l| options.format(l)).collect();
    if let Some(limit) = options.limit_bytes {
        truncate_bytes(&mut text, limit);
    }
    if !follow || previous {
        return Ok(text_response(to_wire(text)));
    }
    let (tx, rx) = mpsc::channel::<Bytes>(256);
    tokio::spawn(follow_log(key, options, text, receiver, tx, shutdown));
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (Ok::<_, Infallible>(b), rx))
    });
    Ok(text_response(Body::from_stream(stream)))
}

fn truncate_bytes(text: &mut String, limit: usize) {
    if text.len() > limit {
        let mut cut = limit;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
}

async fn follow_log(
    key: ContainerKey,
    options: Options,
    initial: String,
    mut receiver: broadcast::Receiver<LogEvent>,
    tx: mpsc::Sender<Bytes>,
    shutdown: CancellationToken,
) {
    let mut sent = initial.len();
    if !initial.is_empty() && tx.send(Bytes::from(to_wire(initial))).await.is_err() {
        return;
    }
    loop {
        if options.limit_bytes.is_some_and(|limit| sent >= limit) {
            return;
        }
        let event = tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tx.closed() => return,
            event = receiver.recv() => event,
        };
        let mut text = match event {
            Ok(LogEvent::Line(k, line)) if k == key && options.keep(&line) => options.format(&line),
            Ok(LogEvent::Restarted(k)) if k == key => return,
            Ok(LogEvent::PodDeleted(ns, pod)) if ns == key.namespace && pod == key.pod => return,
            Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
            Err(broadcast::error::RecvError::Closed) => return,
        };
        if let Some(limit) = options.limit_bytes {
            truncate_bytes(&mut text, limit - sent);
        }
        sent += text.len();
        if tx.send(Bytes::from(to_wire(text))).await.is_err() {
            return;
        }
    }
}

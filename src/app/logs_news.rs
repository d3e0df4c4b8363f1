//! News from log tasks into the pane: batches of lines (appended to the bounded buffer), stream
//! states, the pod's containers, pods joining or leaving a multi-pod tail, finished saves.
//! Late news of streams the pane already replaced are dropped.

use crate::logs::LogLine;
use crate::logs::spec::{LogEffect, LogNews, StreamState};

use super::effect::Effect;
use super::logs_pane::{LogsPane, Source, next_id, pane};
use super::state::{AppState, Notice};

/// Applies news from a log task.
pub fn on_news(state: &mut AppState, news: LogNews) -> Vec<Effect> {
    if let LogNews::Saved { result } = news {
        state.notice = Some(match result {
            Ok((path, lines)) => Notice {
                text: format!("saved {lines} lines to {path}"),
                error: false,
            },
            Err(text) => Notice { text, error: true },
        });
        state.dirty = true;
        return Vec::new();
    }
    let mut new_ids = Vec::new();
    if let LogNews::PodJoined { containers, .. } = &news {
        for _ in containers {
            new_ids.push(next_id(state));
        }
    }
    let Some(p) = pane(state) else {
        return Vec::new();
    };
    let effects = apply_news(p, news, new_ids);
    state.dirty = true;
    effects
}

fn source_of(p: &LogsPane, stream: u64) -> Option<usize> {
    p.sources.iter().position(|s| s.stream == stream)
}

fn apply_news(p: &mut LogsPane, news: LogNews, new_ids: Vec<u64>) -> Vec<Effect> {
    match news {
        LogNews::Lines { stream, lines } => {
            if let Some(index) = source_of(p, stream) {
                p.batches += 1;
                p.received += lines.len() as u64;
                let lines = lines
                    .into_iter()
                    .map(|mut line| {
                        line.source = index as u16;
                        line
                    })
                    .collect();
                p.push_batch(lines);
            }
        }
        LogNews::State { stream, state } => {
            if let Some(index) = source_of(p, stream) {
                p.sources[index].state = state;
            }
        }
        LogNews::Containers {
            stream,
            containers,
            chosen,
        } => {
            if let Some(index) = source_of(p, stream) {
                p.sources[index].container = chosen;
                if !p.multi() {
                    p.containers = containers;
                }
            }
        }
        LogNews::PodJoined {
            pane,
            namespace,
            pod,
            containers,
        } if pane == p.id => {
            let first = p.sources.len();
            let rejoin = p.sources.iter().any(|s| s.pod == pod);
            for (container, stream) in containers.into_iter().zip(new_ids) {
                p.sources.push(Source {
                    namespace: namespace.clone(),
                    pod: pod.clone(),
                    container,
                    stream,
                    state: StreamState::Connecting,
                    left: false,
                });
            }
            if first < p.sources.len() {
                let note = if rejoin {
                    "pod came back"
                } else {
                    "pod joined"
                };
                p.push(LogLine::marker(
                    first as u16,
                    None,
                    format!("── {pod} {note} ──"),
                ));
            }
            let effects = (first..p.sources.len())
                .map(|i| {
                    Effect::Logs(LogEffect::Stream {
                        pane: p.id,
                        stream: p.sources[i].stream,
                        source: i as u16,
                        spec: p.stream_spec(&p.sources[i]),
                    })
                })
                .collect();
            return effects;
        }
        LogNews::PodLeft { pane, pod } if pane == p.id => {
            let mut effects = Vec::new();
            let mut first = None;
            for (i, s) in p
                .sources
                .iter_mut()
                .enumerate()
                .filter(|(_, s)| s.pod == pod && !s.left)
            {
                s.left = true;
                s.state = StreamState::Ended {
                    reason: "pod deleted".into(),
                };
                first.get_or_insert(i);
                effects.push(Effect::Logs(LogEffect::StopStream { stream: s.stream }));
            }
            if let Some(i) = first {
                p.push(LogLine::marker(i as u16, None, format!("── {pod} left ──")));
            }
            return effects;
        }
        LogNews::PodSetError { pane, error } if pane == p.id => p.error = Some(error),
        _ => {}
    }
    Vec::new()
}

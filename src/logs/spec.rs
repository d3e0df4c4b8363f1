//! What a log stream is asked for, the messages log tasks send back, and the effects the pane
//! asks the runtime to perform. Plain data, shared by the reducer and the runtime.

use jiff::Timestamp;

use super::buffer::LogLine;

/// How far back to start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Range {
    /// The last N lines (kubectl `--tail`).
    Tail(i64),
    /// Lines of the last N seconds (kubectl `--since`).
    Since(i64),
    /// Everything the server has.
    All,
}

impl Default for Range {
    fn default() -> Self {
        Range::Tail(DEFAULT_TAIL)
    }
}

/// Lines asked for when a pane opens.
pub const DEFAULT_TAIL: i64 = 500;

impl Range {
    /// Parses `200` (tail lines), `5m`/`1h`/`30s`/`2d` (since), or `all`.
    pub fn parse(text: &str) -> Result<Range, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("all") {
            return Ok(Range::All);
        }
        if let Ok(n) = text.parse::<i64>() {
            return if n >= 0 {
                Ok(Range::Tail(n))
            } else {
                Err("tail lines must not be negative".to_string())
            };
        }
        let (number, unit) = text.split_at(text.len().saturating_sub(1));
        let factor = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86_400,
            _ => {
                return Err(format!(
                    "'{text}': use a line count (200), a duration (5m, 1h) or 'all'"
                ));
            }
        };
        match number.parse::<i64>() {
            Ok(n) if n > 0 => Ok(Range::Since(n.saturating_mul(factor))),
            _ => Err(format!(
                "'{text}': the duration must be a positive whole number"
            )),
        }
    }

    pub fn label(&self) -> String {
        match self {
            Range::Tail(n) => format!("tail {n}"),
            Range::Since(s) if s % 3600 == 0 => format!("since {}h", s / 3600),
            Range::Since(s) if s % 60 == 0 => format!("since {}m", s / 60),
            Range::Since(s) => format!("since {s}s"),
            Range::All => "all".to_string(),
        }
    }
}

/// One container's log stream.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamSpec {
    pub namespace: String,
    pub pod: String,
    /// `None`: the pod's default container (the task reports which one it chose).
    pub container: Option<String>,
    pub previous: bool,
    pub follow: bool,
    pub range: Range,
}

/// Which pods a multi-pod tail follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PodSet {
    /// The selector of a workload (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job).
    Workload { kind: String, name: String },
    /// A Service's selector.
    Service { name: String },
    /// A label selector typed by the user.
    Labels(String),
}

impl PodSet {
    pub fn label(&self) -> String {
        match self {
            PodSet::Workload { kind, name } => format!("{kind}/{name}"),
            PodSet::Service { name } => format!("Service/{name}"),
            PodSet::Labels(selector) => format!("-l {selector}"),
        }
    }
}

/// The state of one stream, as the pane shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamState {
    Connecting,
    Streaming,
    Reconnecting {
        reason: String,
    },
    /// The container has not started; why (e.g. `ImagePullBackOff: …`).
    Waiting {
        reason: String,
    },
    Ended {
        reason: String,
    },
    Failed {
        error: String,
    },
}

impl StreamState {
    /// The same state with its text on one line, without control characters (reasons come
    /// from the cluster: untrusted).
    pub fn cleaned(self) -> StreamState {
        let clean = |text: String| super::one_line(&text, 240);
        match self {
            StreamState::Reconnecting { reason } => StreamState::Reconnecting {
                reason: clean(reason),
            },
            StreamState::Waiting { reason } => StreamState::Waiting {
                reason: clean(reason),
            },
            StreamState::Ended { reason } => StreamState::Ended {
                reason: clean(reason),
            },
            StreamState::Failed { error } => StreamState::Failed {
                error: clean(error),
            },
            other => other,
        }
    }

    pub fn label(&self) -> String {
        match self {
            StreamState::Connecting => "connecting…".to_string(),
            StreamState::Streaming => "streaming".to_string(),
            StreamState::Reconnecting { reason } => format!("reconnecting ({reason})"),
            StreamState::Waiting { reason } => format!("waiting: {reason}"),
            StreamState::Ended { reason } => format!("ended: {reason}"),
            StreamState::Failed { error } => format!("failed: {error}"),
        }
    }
}

/// A container of a pod, as a choice for the pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerChoice {
    pub name: String,
    /// "", "init" or "ephemeral".
    pub role: &'static str,
}

/// Something a log task reports. `stream` / `pane` ids let the reducer drop late news from
/// tasks it already replaced.
#[derive(Debug, Clone, PartialEq)]
pub enum LogNews {
    /// A batch of lines of one stream (never one message per line).
    Lines {
        stream: u64,
        lines: Vec<LogLine>,
    },
    State {
        stream: u64,
        state: StreamState,
    },
    /// The pod's containers and the one the stream uses.
    Containers {
        stream: u64,
        containers: Vec<ContainerChoice>,
        chosen: String,
    },
    /// A pod matching a multi-pod tail appeared (or was there at the start).
    PodJoined {
        pane: u64,
        namespace: String,
        pod: String,
        containers: Vec<String>,
    },
    /// A pod of a multi-pod tail went away.
    PodLeft {
        pane: u64,
        pod: String,
    },
    /// The pod set could not be resolved or watched.
    PodSetError {
        pane: u64,
        error: String,
    },
    /// A save finished.
    Saved {
        result: Result<(String, usize), String>,
    },
}

/// What the log pane asks the runtime to do.
#[derive(Debug, Clone, PartialEq)]
pub enum LogEffect {
    /// Start streaming `spec`, reporting as `stream`, lines tagged with `source`.
    Stream {
        pane: u64,
        stream: u64,
        source: u16,
        spec: StreamSpec,
    },
    /// Stop one stream.
    StopStream { stream: u64 },
    /// Watch the pods of `set` in `namespace`, reporting joins and leaves.
    WatchPods {
        pane: u64,
        /// `None`: every namespace (typed label selectors only).
        namespace: Option<String>,
        set: PodSet,
    },
    /// Stop everything the pane started.
    StopPane { pane: u64 },
    /// Write `text` to `path` (a local file; allowed in read-only mode).
    Save {
        path: String,
        text: String,
        lines: usize,
    },
}

/// Splits the RFC 3339 timestamp kubectl's `timestamps=true` puts before each line.
pub fn split_timestamp(line: &[u8]) -> (Option<Timestamp>, &[u8]) {
    let Some(space) = line.iter().take(40).position(|b| *b == b' ') else {
        return (None, line);
    };
    match std::str::from_utf8(&line[..space])
        .ok()
        .and_then(|t| t.parse::<Timestamp>().ok())
    {
        Some(time) => (Some(time), &line[space + 1..]),
        None => (None, line),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_like_kubectl_flags() {
        assert_eq!(Range::parse("200"), Ok(Range::Tail(200)));
        assert_eq!(Range::parse("5m"), Ok(Range::Since(300)));
        assert_eq!(Range::parse("1h"), Ok(Range::Since(3600)));
        assert_eq!(Range::parse(" all "), Ok(Range::All));
        assert!(Range::parse("-3").is_err());
        assert!(Range::parse("5x").is_err());
        assert!(Range::parse("m").is_err());
        assert_eq!(Range::Since(300).label(), "since 5m");
    }

    #[test]
    fn timestamps_are_split_off() {
        let (t, rest) = split_timestamp(b"2026-01-02T03:04:05.123Z hello world");
        assert_eq!(rest, b"hello world");
        assert_eq!(t.map(|t| t.as_second()), Some(1_767_323_045));
        let (t, rest) = split_timestamp(b"no time here");
        assert!(t.is_none());
        assert_eq!(rest, b"no time here");
    }
}

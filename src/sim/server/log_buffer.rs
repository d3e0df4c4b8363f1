//! Container logs kept by the store: a bounded ring of lines for each container's current
//! instance and, after a restart, its previous one; plus the notifications `follow` waits on.

use std::collections::VecDeque;

use jiff::Timestamp;

/// Most lines kept per container instance.
pub const MAX_LINES: usize = 5_000;

/// Identifies a container: namespace, pod, container.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContainerKey {
    pub namespace: String,
    pub pod: String,
    pub container: String,
}

/// One log line with the time it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    pub time: Timestamp,
    pub line: String,
}

/// The logs of one container.
#[derive(Debug, Default, Clone)]
pub struct ContainerLogs {
    pub current: VecDeque<LogLine>,
    pub previous: Option<VecDeque<LogLine>>,
}

impl ContainerLogs {
    pub fn push(&mut self, line: LogLine) {
        if self.current.len() >= MAX_LINES {
            self.current.pop_front();
        }
        self.current.push_back(line);
    }

    /// The container restarted: the current log becomes the previous one.
    pub fn restart(&mut self) {
        self.previous = Some(std::mem::take(&mut self.current));
    }
}

/// What `follow` streams are told about.
#[derive(Debug, Clone)]
pub enum LogEvent {
    Line(ContainerKey, LogLine),
    Restarted(ContainerKey),
    /// The pod (namespace, name) was deleted.
    PodDeleted(String, String),
}

/// Formats a timestamp like Kubernetes' RFC3339Nano (trailing zeros dropped).
pub fn rfc3339_nano(time: Timestamp) -> String {
    let secs = time.as_second();
    let nanos = time.subsec_nanosecond();
    let whole = Timestamp::from_second(secs).unwrap_or(time);
    let base = whole.strftime("%Y-%m-%dT%H:%M:%S").to_string();
    if nanos == 0 {
        format!("{base}Z")
    } else {
        let frac = format!("{nanos:09}");
        format!("{base}.{}Z", frac.trim_end_matches('0'))
    }
}

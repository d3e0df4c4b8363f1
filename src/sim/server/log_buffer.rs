//! Container logs kept by the store: a bounded ring of lines for each container's current
//! instance and, after a restart, its previous one; plus the notifications `follow` waits on.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use tokio::sync::broadcast;

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

/// Every container's logs, and the channel `follow` streams listen on.
pub struct LogStore {
    logs: Mutex<HashMap<ContainerKey, ContainerLogs>>,
    events: broadcast::Sender<LogEvent>,
}

impl Default for LogStore {
    fn default() -> Self {
        LogStore {
            logs: Mutex::new(HashMap::new()),
            events: broadcast::channel(16_384).0,
        }
    }
}

impl LogStore {
    fn with<T>(&self, f: impl FnOnce(&mut HashMap<ContainerKey, ContainerLogs>) -> T) -> T {
        f(&mut self.logs.lock().unwrap_or_else(|p| p.into_inner()))
    }

    pub fn append(&self, key: ContainerKey, time: Timestamp, line: String) {
        let line = LogLine { time, line };
        self.with(|logs| {
            logs.entry(key.clone()).or_default().push(line.clone());
            let _ = self.events.send(LogEvent::Line(key, line));
        });
    }

    pub fn restart(&self, key: ContainerKey) {
        self.with(|logs| {
            logs.entry(key.clone()).or_default().restart();
            let _ = self.events.send(LogEvent::Restarted(key));
        });
    }

    /// Forgets a deleted pod's logs and ends its `follow` streams.
    pub fn pod_deleted(&self, namespace: &str, pod: &str) {
        self.with(|logs| {
            logs.retain(|k, _| !(k.namespace == namespace && k.pod == pod));
            let _ = self
                .events
                .send(LogEvent::PodDeleted(namespace.to_string(), pod.to_string()));
        });
    }

    /// A copy of one container's logs and a receiver for what follows (taken atomically).
    pub fn snapshot(&self, key: &ContainerKey) -> (ContainerLogs, broadcast::Receiver<LogEvent>) {
        self.with(|logs| {
            (
                logs.get(key).cloned().unwrap_or_default(),
                self.events.subscribe(),
            )
        })
    }
}

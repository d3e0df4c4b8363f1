//! The log pane's state and its part of the reducer: opening a pane on a pod (or a set of
//! pods), taking in batches and stream states from log tasks, and what each action does while
//! the pane has the keyboard. Pure: it only returns `LogEffect`s for the runtime.

use crate::logs::buffer::LogBuffer;
use crate::logs::spec::{ContainerChoice, LogEffect, PodSet, Range, StreamSpec, StreamState};
use crate::logs::view::{Filter, Pattern};
use crate::logs::{LogLine, view};

use super::effect::Effect;
use super::overlay::Overlay;
use super::state::AppState;

/// Settings every new pane starts with (from the config; tests change them).
#[derive(Debug, Clone, PartialEq)]
pub struct LogSettings {
    pub max_lines: usize,
    pub max_bytes: usize,
    /// Render ANSI colours (true) or strip them (false).
    pub ansi: bool,
    /// Where saved logs go.
    pub save_dir: std::path::PathBuf,
    /// Lines each pod of a multi-pod tail starts with.
    pub multi_tail: i64,
}

impl Default for LogSettings {
    fn default() -> Self {
        LogSettings {
            max_lines: crate::logs::buffer::DEFAULT_MAX_LINES,
            max_bytes: crate::logs::buffer::DEFAULT_MAX_BYTES,
            ansi: true,
            save_dir: std::path::PathBuf::from("."),
            multi_tail: 50,
        }
    }
}

/// One stream of the pane: a container of a pod.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub namespace: String,
    pub pod: String,
    /// Empty until the stream says which container it chose.
    pub container: String,
    pub stream: u64,
    pub state: StreamState,
    /// The pod went away (multi-pod tail).
    pub left: bool,
}

impl Source {
    /// Short tag shown before each line of a multi-pod tail: the pod's last name segment.
    pub fn tag(&self, with_container: bool) -> String {
        let short = self.pod.rsplit('-').next().unwrap_or(&self.pod);
        if with_container {
            format!("{short}/{}", self.container)
        } else {
            short.to_string()
        }
    }
}

/// What the pane tails.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Pod {
        namespace: String,
        pod: String,
    },
    Pods {
        namespace: Option<String>,
        set: PodSet,
    },
}

/// The log pane.
#[derive(Debug, Clone)]
pub struct LogsPane {
    pub id: u64,
    pub target: Target,
    /// The options every stream of the pane uses (container only for a single pod).
    pub container: Option<String>,
    pub previous: bool,
    pub follow: bool,
    pub range: Range,
    pub containers: Vec<ContainerChoice>,
    pub sources: Vec<Source>,
    pub buffer: LogBuffer,
    pub timestamps: bool,
    pub wrap: bool,
    pub ansi: bool,
    pub search: Option<Pattern>,
    pub filter: Option<Filter>,
    /// Sequence number of the bottom line while scrolled back; `None` = live.
    pub bottom: Option<u64>,
    /// Lines that arrived while scrolled back.
    pub unseen: u64,
    /// The search hit jumped to last.
    pub current_hit: Option<u64>,
    /// Selection anchor (sequence number) for copying; `None`: not selecting.
    pub mark: Option<u64>,
    /// The moving end of the selection.
    pub cursor: Option<u64>,
    pub error: Option<String>,
    /// Batches and lines received (diagnostics: lines arrive in batches, not one by one).
    pub batches: u64,
    pub received: u64,
}

impl LogsPane {
    pub fn multi(&self) -> bool {
        matches!(self.target, Target::Pods { .. })
    }

    pub fn title(&self) -> String {
        match &self.target {
            Target::Pod { namespace, pod } => {
                let container = self
                    .sources
                    .first()
                    .map(|s| s.container.as_str())
                    .unwrap_or("");
                format!(
                    "{namespace}/{pod}{}{container}",
                    if container.is_empty() { "" } else { ":" }
                )
            }
            Target::Pods { namespace, set } => match namespace {
                Some(ns) => format!("{ns} {}", set.label()),
                None => format!("all namespaces {}", set.label()),
            },
        }
    }

    /// The filter, if one is set.
    pub fn filter(&self) -> Option<&Filter> {
        self.filter.as_ref()
    }

    pub(super) fn push(&mut self, line: LogLine) {
        let hit = self.search.as_ref().is_some_and(|p| p.matches(&line));
        let kept = self.filter.as_ref().is_none_or(|f| f.keeps(&line));
        if self.bottom.is_some() && kept {
            self.unseen += 1;
        }
        self.buffer.push(line, hit);
    }

    /// Takes in a batch of one stream. In a multi-pod tail each pod's backlog arrives as one
    /// batch, older than lines already shown; while the view is live and nothing is selected
    /// the buffer is merged by time, so the pods' lines interleave as they happened.
    pub(super) fn push_batch(&mut self, lines: Vec<LogLine>) {
        let newest = self.buffer.iter().rev().find_map(|s| s.line.time);
        let older = match (newest, lines.iter().find_map(|l| l.time)) {
            (Some(newest), Some(first)) => first < newest,
            _ => false,
        };
        let can_reorder = self.multi()
            && older
            && self.bottom.is_none()
            && self.mark.is_none()
            && self.current_hit.is_none();
        if !can_reorder {
            for line in lines {
                self.push(line);
            }
            return;
        }
        let dropped = self.buffer.dropped;
        let mut all: Vec<LogLine> = self.buffer.iter().map(|s| s.line.clone()).collect();
        all.extend(lines);
        let mut last: std::collections::HashMap<u16, jiff::Timestamp> = Default::default();
        let mut keyed: Vec<(jiff::Timestamp, LogLine)> = all
            .into_iter()
            .map(|line| {
                let time = match line.time {
                    Some(t) => *last.entry(line.source).insert_entry(t).get(),
                    None => last
                        .get(&line.source)
                        .copied()
                        .unwrap_or(jiff::Timestamp::MIN),
                };
                (time, line)
            })
            .collect();
        keyed.sort_by_key(|(t, _)| *t);
        self.buffer.clear();
        for (_, line) in keyed {
            self.push(line);
        }
        self.buffer.dropped += dropped;
    }

    pub(super) fn stream_spec(&self, source: &Source) -> StreamSpec {
        let multi = self.multi();
        StreamSpec {
            namespace: source.namespace.clone(),
            pod: source.pod.clone(),
            container: if multi || !source.container.is_empty() && self.container.is_some() {
                Some(source.container.clone())
            } else {
                self.container.clone()
            },
            previous: self.previous,
            follow: self.follow,
            range: self.range,
        }
    }
}

pub(super) fn next_id(state: &mut AppState) -> u64 {
    let id = state.next_request;
    state.next_request += 1;
    id
}

/// The log pane: on screen, or beneath the screens opened over it (help, …), where its
/// streams keep running.
pub fn pane(state: &mut AppState) -> Option<&mut LogsPane> {
    state
        .overlay
        .iter_mut()
        .chain(state.stack.iter_mut().rev())
        .find_map(|o| match o {
            Overlay::Logs(p) => Some(p.as_mut()),
            _ => None,
        })
}

fn new_pane(state: &mut AppState, target: Target, previous: bool) -> LogsPane {
    let settings = state.log_settings.clone();
    LogsPane {
        id: next_id(state),
        target,
        container: None,
        previous,
        follow: !previous,
        range: Range::default(),
        containers: Vec::new(),
        sources: Vec::new(),
        buffer: LogBuffer::new(settings.max_lines, settings.max_bytes),
        timestamps: false,
        wrap: false,
        ansi: settings.ansi,
        search: None,
        filter: None,
        bottom: None,
        unseen: 0,
        current_hit: None,
        mark: None,
        cursor: None,
        error: None,
        batches: 0,
        received: 0,
    }
}

/// Closes the pane on top (its streams stop) and returns to the screen beneath.
pub fn close(state: &mut AppState) -> Vec<Effect> {
    match &state.overlay {
        Some(Overlay::Logs(p)) => {
            let stop = vec![Effect::Logs(LogEffect::StopPane { pane: p.id })];
            super::nav::back(state);
            stop
        }
        _ => Vec::new(),
    }
}

/// Shows a new pane: in place of the pane on top (whose streams stop), else over the screen
/// it is opened from.
fn show(state: &mut AppState, p: LogsPane) -> Vec<Effect> {
    let mut effects = Vec::new();
    if let Some(Overlay::Logs(old)) = &state.overlay {
        effects.push(Effect::Logs(LogEffect::StopPane { pane: old.id }));
        super::nav::replace(state, Overlay::Logs(Box::new(p)));
    } else {
        super::nav::open(state, Overlay::Logs(Box::new(p)));
    }
    effects
}

/// Opens a pane on one pod (its default container until another is chosen).
pub fn open_pod(
    state: &mut AppState,
    namespace: &str,
    pod: &str,
    container: Option<String>,
    previous: bool,
) -> Vec<Effect> {
    let target = Target::Pod {
        namespace: namespace.to_string(),
        pod: pod.to_string(),
    };
    let mut p = new_pane(state, target, previous);
    p.container = container.clone();
    p.sources.push(Source {
        namespace: namespace.to_string(),
        pod: pod.to_string(),
        container: container.unwrap_or_default(),
        stream: next_id(state),
        state: StreamState::Connecting,
        left: false,
    });
    let start = start_all(&p);
    let mut effects = show(state, p);
    effects.extend(start);
    effects
}

/// Opens a multi-pod tail; pods are added as the pod watch reports them.
pub fn open_pods(state: &mut AppState, namespace: Option<String>, set: PodSet) -> Vec<Effect> {
    let mut p = new_pane(
        state,
        Target::Pods {
            namespace: namespace.clone(),
            set: set.clone(),
        },
        false,
    );
    p.range = Range::Tail(state.log_settings.multi_tail);
    let watch = Effect::Logs(LogEffect::WatchPods {
        pane: p.id,
        namespace,
        set,
    });
    let mut effects = show(state, p);
    effects.push(watch);
    effects
}

fn start_all(p: &LogsPane) -> Vec<Effect> {
    p.sources
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.left)
        .map(|(i, s)| {
            Effect::Logs(LogEffect::Stream {
                pane: p.id,
                stream: s.stream,
                source: i as u16,
                spec: p.stream_spec(s),
            })
        })
        .collect()
}

/// Stops every stream and starts them again with the pane's current options (new ids, so
/// late lines of the old streams are ignored); the buffer starts empty.
pub fn restart(state: &mut AppState) -> Vec<Effect> {
    let Some(live) = pane(state).map(|p| p.sources.iter().filter(|s| !s.left).count()) else {
        return Vec::new();
    };
    let ids: Vec<u64> = (0..live).map(|_| next_id(state)).collect();
    let Some(p) = pane(state) else {
        return Vec::new();
    };
    let mut effects: Vec<Effect> = p
        .sources
        .iter()
        .map(|s| Effect::Logs(LogEffect::StopStream { stream: s.stream }))
        .collect();
    p.sources.retain(|s| !s.left);
    for (source, id) in p.sources.iter_mut().zip(ids) {
        source.stream = id;
        source.state = StreamState::Connecting;
    }
    p.buffer.clear();
    p.bottom = None;
    p.unseen = 0;
    p.current_hit = None;
    p.mark = None;
    p.cursor = None;
    effects.extend(start_all(p));
    state.dirty = true;
    effects
}

/// Lines `from..=to` of the buffer as text for copying: time (when known), tag, text.
pub fn export(p: &LogsPane, from: u64, to: u64, with_time: bool) -> (String, usize) {
    let lines: Vec<&crate::logs::buffer::Stored> = p
        .buffer
        .forward_from(from)
        .take_while(|s| s.seq <= to)
        .filter(|s| view::kept(p.filter(), s))
        .collect();
    export_lines(p, &lines, with_time)
}

/// The whole buffer as text for saving, in time order: the lines of a multi-pod tail
/// interleave by their timestamps (each pod's backlog arrives as one batch). A line without
/// a time stays after the line it followed.
pub fn export_by_time(p: &LogsPane, with_time: bool) -> (String, usize) {
    let mut lines: Vec<(jiff::Timestamp, &crate::logs::buffer::Stored)> = Vec::new();
    let mut last: std::collections::HashMap<u16, jiff::Timestamp> = Default::default();
    for s in p.buffer.iter().filter(|s| view::kept(p.filter(), s)) {
        let time = match s.line.time {
            Some(t) => *last.entry(s.line.source).insert_entry(t).get(),
            None => last
                .get(&s.line.source)
                .copied()
                .unwrap_or(jiff::Timestamp::MIN),
        };
        lines.push((time, s));
    }
    lines.sort_by_key(|(t, _)| *t);
    let lines: Vec<&crate::logs::buffer::Stored> = lines.into_iter().map(|(_, s)| s).collect();
    export_lines(p, &lines, with_time)
}

fn export_lines(
    p: &LogsPane,
    lines: &[&crate::logs::buffer::Stored],
    with_time: bool,
) -> (String, usize) {
    let mut text = String::new();
    let mut count = 0;
    for s in lines {
        if with_time && let Some(t) = s.line.time {
            text.push_str(&t.to_string());
            text.push(' ');
        }
        if p.multi()
            && let Some(source) = p.sources.get(usize::from(s.line.source))
        {
            text.push_str(&format!("[{}] ", source.tag(true)));
        }
        text.push_str(&s.line.text);
        text.push('\n');
        count += 1;
    }
    (text, count)
}

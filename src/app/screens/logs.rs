//! The log pane: scrolling back (the view pauses, the stream does not), follow, previous
//! instance, containers, range, search and filters, saving, and selecting lines to copy
//! (`v` starts a selection at the top line on screen — the newest line when live — `j`/`k`
//! extend it, `Y` copies exactly the selected lines, `Esc` cancels it). Also opening a pane
//! from the table, from `:logs …` and from a typed label selector.

use crate::logs::save_name;
use crate::logs::spec::{LogEffect, StreamState};
use crate::logs::view::{self, Filter};

use super::super::action::Action;
use super::super::effect::Effect;
use super::super::input::{InputLine, InputPurpose};
use super::super::logs_pane::{self, LogsPane, export, pane, restart};
use super::super::state::{AppState, Notice};
use super::Hint;

pub const HANDLES: &[Action] = &[
    Action::Back,
    Action::Up,
    Action::Down,
    Action::PageUp,
    Action::PageDown,
    Action::Top,
    Action::Bottom,
    Action::JumpLive,
    Action::ToggleTimestamps,
    Action::ToggleWrap,
    Action::ToggleAnsi,
    Action::ToggleFollow,
    Action::LogsPrevious,
    Action::NextContainer,
    Action::Search,
    Action::Filter,
    Action::FilterOut,
    Action::LogRange,
    Action::ClearFilter,
    Action::SearchNext,
    Action::SearchPrevious,
    Action::Mark,
    Action::Copy,
    Action::Save,
];

pub const FOOTER: &[Hint] = &[
    (Action::Back, "close"),
    (Action::ToggleFollow, "follow"),
    (Action::LogsPrevious, "previous"),
    (Action::Search, "search"),
    (Action::Filter, "filter"),
    (Action::Mark, "select"),
    (Action::JumpLive, "live"),
    (Action::LogRange, "range"),
    (Action::Save, "save"),
    (Action::Help, "help"),
];

/// The footer while lines are being selected.
pub const SELECTING_FOOTER: &[Hint] = &[
    (Action::Down, "extend"),
    (Action::Up, "extend up"),
    (Action::Copy, "copy"),
    (Action::Back, "cancel"),
    (Action::Mark, "stop"),
];

pub(super) fn notice(state: &mut AppState, text: impl Into<String>, error: bool) {
    state.notice = Some(Notice {
        text: text.into(),
        error,
    });
}

/// Handles `action` while the log pane is on top.
pub fn on_action(state: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    let height = state.log_rows();
    let now = state.now;
    let save_dir = state.log_settings.save_dir.clone();
    let p = pane(state)?;
    let mut effects = Vec::new();
    if action == Action::Copy
        && let Some((from, to)) = selection(p)
    {
        let (text, lines) = export(p, from, to, p.timestamps);
        p.mark = None;
        p.cursor = None;
        return Some(copy_lines(state, text, lines, "selected"));
    }
    if p.mark.is_some()
        && let Some(effects) = selecting(p, action, height)
    {
        state.dirty = true;
        return Some(effects);
    }
    match action {
        Action::Back => return Some(logs_pane::close(state)),
        Action::Up => scroll(p, -1, height),
        Action::Down => scroll(p, 1, height),
        Action::PageUp => scroll(p, -(height as isize), height),
        Action::PageDown => scroll(p, height as isize, height),
        Action::Top => p.bottom = floor(p, height),
        Action::Bottom | Action::JumpLive => live(p),
        Action::ToggleTimestamps => p.timestamps = !p.timestamps,
        Action::ToggleWrap => p.wrap = !p.wrap,
        Action::ToggleAnsi => p.ansi = !p.ansi,
        Action::ToggleFollow => {
            p.follow = !p.follow;
            if p.follow {
                p.previous = false;
                return Some(restart(state));
            }
            for s in p.sources.iter_mut().filter(|s| !s.left) {
                effects.push(Effect::Logs(LogEffect::StopStream { stream: s.stream }));
                s.state = StreamState::Ended {
                    reason: "stopped (follow off)".into(),
                };
            }
        }
        Action::LogsPrevious => {
            p.previous = !p.previous;
            p.follow = !p.previous;
            return Some(restart(state));
        }
        Action::NextContainer => {
            if p.multi() || p.containers.len() < 2 {
                notice(state, "no other container", false);
                return Some(Vec::new());
            }
            let current = p
                .sources
                .first()
                .map(|s| s.container.clone())
                .unwrap_or_default();
            let at = p
                .containers
                .iter()
                .position(|c| c.name == current)
                .map_or(0, |i| i + 1);
            let next = p.containers[at % p.containers.len()].name.clone();
            p.container = Some(next.clone());
            if let Some(s) = p.sources.first_mut() {
                s.container = next;
            }
            return Some(restart(state));
        }
        Action::Search => state.input = Some(InputLine::new(InputPurpose::LogSearch, "")),
        Action::Filter => state.input = Some(InputLine::new(InputPurpose::LogFilter, "")),
        Action::FilterOut => state.input = Some(InputLine::new(InputPurpose::LogFilterOut, "")),
        Action::LogRange => state.input = Some(InputLine::new(InputPurpose::LogRange, "")),
        Action::ClearFilter => {
            p.filter = None;
            p.search = None;
            p.current_hit = None;
            p.buffer.rehit(|_| false);
            live(p);
        }
        Action::SearchNext | Action::SearchPrevious => {
            let from = p.current_hit.or(p.bottom);
            jump_to_hit(p, from, action == Action::SearchNext, height);
        }
        Action::Mark => {
            let start = start_line(p, height);
            p.mark = start;
            p.cursor = start;
        }
        Action::Copy => {
            let shown = view::window(&p.buffer, p.filter(), p.bottom, height, |_| 1);
            let from = shown.first().map_or(0, |s| s.seq);
            let to = shown.last().map_or(0, |s| s.seq);
            let (text, lines) = export(p, from, to, p.timestamps);
            return Some(copy_lines(state, text, lines, "on screen"));
        }
        Action::Save => {
            let (text, lines) = logs_pane::export_by_time(p, true);
            let path = save_dir.join(save_name(&p.title(), now));
            effects.push(Effect::Logs(LogEffect::Save {
                path: path.to_string_lossy().into_owned(),
                text,
                lines,
            }));
        }
        _ => return None,
    }
    state.dirty = true;
    Some(effects)
}

/// Keys while selecting: `j`/`k`, pages, `g`/`G` move the selection's end; `Y` copies the
/// selection; `Esc` or `v` ends it. `None`: the key does what it does otherwise.
fn selecting(p: &mut LogsPane, action: Action, height: usize) -> Option<Vec<Effect>> {
    let cursor = p.cursor.or(p.mark)?;
    let filter = p.filter.clone();
    let filter = filter.as_ref();
    let to = match action {
        Action::Up => view::back(&p.buffer, filter, cursor, 1),
        Action::Down => step_forward(p, filter, cursor, 1),
        Action::PageUp => view::back(&p.buffer, filter, cursor, height),
        Action::PageDown => step_forward(p, filter, cursor, height),
        Action::Top => p
            .buffer
            .iter()
            .find(|s| view::kept(filter, s))
            .map(|s| s.seq),
        Action::Bottom | Action::JumpLive => view::newest(&p.buffer, filter),
        Action::Back | Action::Mark => {
            p.mark = None;
            p.cursor = None;
            return Some(Vec::new());
        }
        _ => return None,
    };
    if let Some(to) = to {
        p.cursor = Some(to);
        show_line(p, to, height);
    }
    Some(Vec::new())
}

/// The kept line `k` lines after `from`, stopping at the newest.
fn step_forward(p: &LogsPane, filter: Option<&Filter>, from: u64, k: usize) -> Option<u64> {
    p.buffer
        .forward_from(from)
        .filter(|s| view::kept(filter, s))
        .take(k + 1)
        .last()
        .map(|s| s.seq)
}

/// Where a selection starts: the newest line when live, else the top line on screen.
fn start_line(p: &LogsPane, height: usize) -> Option<u64> {
    match p.bottom {
        None => view::newest(&p.buffer, p.filter()),
        Some(_) => view::window(&p.buffer, p.filter(), p.bottom, height, |_| 1)
            .first()
            .map(|s| s.seq),
    }
}

/// Scrolls so that line `seq` is on screen (the view pauses).
fn show_line(p: &mut LogsPane, seq: u64, height: usize) {
    let shown = view::window(&p.buffer, p.filter(), p.bottom, height, |_| 1);
    let (Some(first), Some(last)) = (shown.first().map(|s| s.seq), shown.last().map(|s| s.seq))
    else {
        return;
    };
    if seq < first {
        // The line becomes the top one: the bottom is height-1 lines further.
        let bottom = step_forward(p, p.filter(), seq, height.saturating_sub(1));
        p.bottom = bottom;
    } else if seq > last {
        p.bottom = Some(seq);
    }
}

/// The selected lines, oldest first, if a selection is open.
pub fn selection(p: &LogsPane) -> Option<(u64, u64)> {
    let mark = p.mark?;
    let cursor = p.cursor.unwrap_or(mark);
    Some((mark.min(cursor), mark.max(cursor)))
}

fn copy_lines(state: &mut AppState, text: String, lines: usize, what: &str) -> Vec<Effect> {
    notice(
        state,
        format!(
            "copied {lines} line{} {what} to the clipboard (OSC 52)",
            if lines == 1 { "" } else { "s" }
        ),
        false,
    );
    vec![Effect::Copy { text }]
}

pub(super) fn live(p: &mut LogsPane) {
    p.bottom = None;
    p.unseen = 0;
}

/// The lowest bottom line that still fills the screen; `None` if everything fits (stay live).
fn floor(p: &LogsPane, height: usize) -> Option<u64> {
    p.buffer
        .iter()
        .filter(|s| view::kept(p.filter(), s))
        .nth(height.saturating_sub(1))
        .map(|s| s.seq)
        .filter(|seq| Some(*seq) != view::newest(&p.buffer, p.filter()))
}

fn scroll(p: &mut LogsPane, delta: isize, height: usize) {
    let Some(current) = p.bottom.or_else(|| view::newest(&p.buffer, p.filter())) else {
        return;
    };
    let Some(lowest) = floor(p, height) else {
        return;
    };
    if delta < 0 {
        let to = view::back(&p.buffer, p.filter(), current, delta.unsigned_abs());
        p.bottom = to.map(|t| t.max(lowest));
    } else if p.bottom.is_some() {
        p.bottom = view::forward(&p.buffer, p.filter(), current, delta as usize);
        if p.bottom.is_none() {
            p.unseen = 0;
        }
    }
}

pub(super) fn jump_to_hit(p: &mut LogsPane, from: Option<u64>, forward: bool, height: usize) {
    let Some(hit) = view::next_hit(&p.buffer, p.filter(), from, forward) else {
        return;
    };
    p.current_hit = Some(hit);
    let below = view::forward(&p.buffer, p.filter(), hit, height / 2);
    match below {
        Some(bottom) => p.bottom = Some(bottom.max(floor(p, height).unwrap_or(0))),
        None if p.bottom.is_some() => {
            let newest = view::newest(&p.buffer, p.filter());
            p.bottom = newest.map(|n| n.max(floor(p, height).unwrap_or(0)));
        }
        None => {}
    }
}

//! The help page: scrolling through the sections generated from the keymap.

use super::super::action::{Action, Layer};
use super::super::effect::Effect;
use super::super::overlay::Overlay;
use super::super::state::AppState;
use super::Hint;
use crate::app::wrap::{width_of, wrap};

pub const HANDLES: &[Action] = &[
    Action::Up,
    Action::Down,
    Action::PageUp,
    Action::PageDown,
    Action::Top,
    Action::Bottom,
    Action::Back,
];

pub const FOOTER: &[Hint] = &[
    (Action::Back, "close"),
    (Action::Down, "scroll"),
    (Action::PageDown, "page"),
];

pub fn on_action(state: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    let height = state.text_height();
    let count = help_lines(state);
    let Some(Overlay::Help(view)) = &mut state.overlay else {
        return None;
    };
    let page = height as isize;
    match action {
        Action::Up => view.scroll_by(-1, count, height),
        Action::Down => view.scroll_by(1, count, height),
        Action::PageUp => view.scroll_by(-page, count, height),
        Action::PageDown => view.scroll_by(page, count, height),
        Action::Top => view.scroll_by(isize::MIN / 2, count, height),
        Action::Bottom => view.scroll_by(isize::MAX / 2, count, height),
        Action::Back => super::nav::back(state),
        _ => return None,
    }
    state.dirty = true;
    Some(Vec::new())
}

/// Widest the key column grows before longer keys push their description to the right.
const MAX_KEY_COLUMN: usize = 18;

/// One row of the help page.
#[derive(Debug, Clone, PartialEq)]
pub enum HelpRow {
    /// A section's title.
    Title(String),
    /// Keys (empty on the rows a long description wraps onto), padded to the description
    /// column, and (part of) the description.
    Entry(String, String),
    Blank,
}

/// The help page at `width` columns (inside its border): one section per keymap layer with
/// bindings, then the `:` commands; descriptions wrap under their column, never cut.
pub fn rows(state: &AppState, width: usize) -> Vec<HelpRow> {
    let sections: Vec<(Layer, Vec<(String, String)>)> = Layer::ALL
        .iter()
        .map(|layer| {
            let bindings = state
                .keymap
                .bindings(*layer)
                .into_iter()
                .map(|b| (super::key_text(&b.keys, state.ascii), b.desc))
                .collect();
            (*layer, bindings)
        })
        .collect();
    // One key column for the whole page, as wide as most keys; longer key lists push their
    // description right, always after two spaces.
    let column = sections
        .iter()
        .flat_map(|(_, b)| b.iter().map(|(k, _)| width_of(k)))
        .max()
        .unwrap_or(0)
        .min(MAX_KEY_COLUMN)
        + 2;
    let mut out = Vec::new();
    let entry = |out: &mut Vec<HelpRow>, keys: &str, desc: &str| {
        let pad = column.saturating_sub(width_of(keys)).max(2);
        let lead = format!("  {keys}{}", " ".repeat(pad));
        let indent = 2 + column;
        let first = width.saturating_sub(width_of(&lead)).max(MIN_DESC);
        let rest = width.saturating_sub(indent).max(MIN_DESC);
        let mut wrapped = wrap(&[((), desc.to_string())], first).into_iter();
        let head = wrapped.next().map(join).unwrap_or_default();
        out.push(HelpRow::Entry(lead, head.trim_end().to_string()));
        let tail: String = wrapped.map(join).collect();
        for row in wrap(&[((), tail)], rest).into_iter().map(join) {
            if !row.trim().is_empty() {
                out.push(HelpRow::Entry(
                    " ".repeat(indent),
                    row.trim_end().to_string(),
                ));
            }
        }
    };
    for (layer, bindings) in sections {
        if bindings.is_empty() {
            continue;
        }
        out.push(HelpRow::Title(format!("{}:", super::title(layer))));
        for (keys, desc) in &bindings {
            entry(&mut out, keys, desc);
        }
        out.push(HelpRow::Blank);
    }
    out.push(HelpRow::Title(
        "Commands (press : then type one, Enter runs it):".into(),
    ));
    for (command, desc) in super::command_line::COMMANDS {
        entry(&mut out, command, desc);
    }
    out
}

/// Narrowest a description is wrapped to, however narrow the terminal.
const MIN_DESC: usize = 12;

fn join(row: Vec<((), String)>) -> String {
    row.into_iter().map(|(_, t)| t).collect()
}

/// Rows of the help page on the current screen (its body less the border).
pub fn help_lines(state: &AppState) -> usize {
    let width = super::super::layout::body(state.width, state.height).width;
    rows(state, usize::from(width.saturating_sub(2))).len()
}

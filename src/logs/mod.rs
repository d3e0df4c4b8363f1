//! Pod logs: the stream tasks (one per container, plus a pod watch for multi-pod tails), the
//! bounded line buffer, cleaning of untrusted log text (ANSI, control characters, invalid
//! UTF-8), and the saved file's name. The pane's state and reducer are in `app::logs_pane` and
//! `app::screens::logs`; copying goes through the app-wide clipboard (`Effect::Copy`).

pub mod buffer;
pub mod command;
pub mod pod_info;
pub mod pods;
pub mod reader;
pub mod sanitize;
pub mod save;
pub mod spec;
pub mod stream;
pub mod tasks;
pub mod view;

pub use buffer::{LineKind, LogBuffer, LogLine};
pub use save::save_name;
pub use spec::{LogEffect, LogNews, PodSet, Range, StreamSpec, StreamState};

/// `text` on one line, at most `max` characters (for error messages in status lines).
pub fn one_line(text: &str, max: usize) -> String {
    let flat: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    if flat.chars().count() > max {
        let cut: String = flat.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    } else {
        flat
    }
}

//! The process's own text sinks: `kmedic: …` messages on stderr and reports on stdout. Both
//! pass their text through the sanitiser, so callers may hand them cluster strings.

use std::io::Write;

use super::{visible_keeping_sgr, visible_lines};

/// Writes `kmedic: {message}` and a newline to stderr, every unsafe character rendered visibly
/// (line breaks kept). Every stderr message of every subcommand goes through here.
pub fn eprint_message(message: &str) {
    let mut stderr = std::io::stderr().lock();
    // Nothing useful can be done when stderr itself is gone.
    let _ = writeln!(stderr, "kmedic: {}", visible_lines(message));
}

/// Writes a report to stdout: kmedic's own SGR colour codes are kept, every other unsafe
/// character is rendered visibly (line breaks kept).
pub fn write_stdout(report: &str) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(visible_keeping_sgr(report).as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("cannot write the output: {e}"))
}

//! Taking over and giving back the terminal. Restoring happens on drop, on panic (ratatui's hook)
//! and when the process is asked to stop.

use std::io::{self, IsTerminal};

use ratatui::DefaultTerminal;

/// Why the terminal cannot host the UI.
pub fn check_terminal() -> Result<(), String> {
    if !io::stdout().is_terminal() || !io::stdin().is_terminal() {
        return Err("kmedic needs an interactive terminal (stdin and stdout must be a TTY); for scripts, use `kmedic serve-demo` with kubectl".to_string());
    }
    if std::env::var("TERM").is_ok_and(|t| t == "dumb") {
        return Err("TERM=dumb cannot show a full-screen UI; run kmedic in a terminal emulator (e.g. TERM=xterm-256color)".to_string());
    }
    Ok(())
}

/// The terminal in raw mode on the alternate screen; restored when dropped.
pub struct TerminalGuard {
    pub terminal: DefaultTerminal,
}

impl TerminalGuard {
    pub fn enter() -> io::Result<Self> {
        // try_init also installs a panic hook that restores the terminal before the message.
        let terminal = ratatui::try_init()?;
        Ok(TerminalGuard { terminal })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

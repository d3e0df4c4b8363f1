//! The event loop and everything that performs I/O for the app: the session (state, watches,
//! effects), the terminal guard, and the loop that draws only when something changed.

pub mod analysis;
pub mod clipboard;
pub mod effects;
pub mod event_loop;
pub mod memory;
pub mod pull_pacing;
pub mod session;
pub mod terminal;
pub mod tls_secrets;

pub use analysis::{Clock, system_clock};
pub use event_loop::run_tui;
pub use session::Session;

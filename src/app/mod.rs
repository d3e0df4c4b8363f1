//! Application state and its reducer. Pure: no tokio, no kube client, no terminal. The runtime
//! feeds `Msg`s in and executes the `Effect`s that come out.

pub mod action;
pub mod command;
pub mod contexts;
pub mod effect;
pub mod input;
pub mod keys;
pub mod logs_keys;
pub mod logs_news;
pub mod logs_pane;
#[cfg(test)]
mod logs_tests;
pub mod msg;
pub mod overlay;
pub mod picker;
pub mod picker_keys;
pub mod state;
pub mod table;
pub mod text_view;
pub mod troubleshoot;
pub mod troubleshoot_keys;
pub mod update;

pub use effect::Effect;
pub use msg::Msg;
pub use state::AppState;
pub use update::update;

//! Application state and its reducer. Pure: no tokio, no kube client, no terminal. The runtime
//! feeds `Msg`s in and executes the `Effect`s that come out. Keys go to the screen on top of
//! the navigation stack (`screens/`), each of which owns its keymap layer.

pub mod action;
pub mod browse;
pub mod category;
pub mod command;
pub mod contexts;
pub mod drill;
pub mod effect;
pub mod finding_text;
pub mod history;
pub mod input;
pub mod layout;
pub mod logs_news;
pub mod logs_pane;
#[cfg(test)]
mod logs_tests;
pub mod msg;
pub mod nav;
pub mod node_local;
#[cfg(test)]
mod node_local_tests;
pub mod node_page;
pub mod overlay;
pub mod picker;
pub mod reach;
pub mod resources;
pub mod screens;
pub mod state;
pub mod table;
pub mod text_view;
pub mod tree;
pub mod troubleshoot;
pub mod update;
pub mod usage;
pub mod wrap;

pub use effect::Effect;
pub use msg::Msg;
pub use state::AppState;
pub use update::update;

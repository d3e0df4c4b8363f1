//! Application state and its reducer. Pure: no tokio, no kube client, no terminal.

pub mod action;

//! kmedic: a terminal UI that explores a Kubernetes cluster and walks its user through finding
//! out what is broken. The binary in `main.rs` is a thin shell over this library.

pub mod app;
pub mod certs;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod corefile;
pub mod findings;
pub mod hostfs;
pub mod launch;
pub mod launch_certs;
pub mod launch_check;
pub mod launch_node;
pub mod launch_reach;
pub mod logging;
pub mod logs;
pub mod model;
pub mod netpolicy;
pub mod node;
pub mod objects;
pub mod relations;
pub mod runtime;
pub mod sim;
pub mod text_file;
pub mod text_safety;
pub mod troubleshoot;
pub mod ui;

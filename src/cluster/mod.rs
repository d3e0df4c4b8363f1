//! The only module that talks to a cluster: kubeconfig loading, the client with its read-only
//! choke point, the watch tasks that keep compact row stores up to date, and one-off reads.

pub mod access;
pub mod client;
pub mod events;
pub mod fetch;
pub mod health;
pub mod kubeconfig;
pub mod readonly;
pub mod store;
pub mod watch;

pub use client::build_client;
pub use events::{ClusterEvent, Scope};
pub use kubeconfig::{ConnectOptions, KubeSetup, load_kubeconfig};
pub use store::RowStores;
pub use watch::WatchSet;

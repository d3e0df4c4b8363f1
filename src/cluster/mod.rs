//! The only module that talks to a cluster: kubeconfig loading, the client with its read-only
//! choke point, the watch tasks that keep compact row stores up to date, and one-off reads.

pub mod access;
pub mod browse;
pub mod client;
pub mod discovery;
pub mod errors;
pub mod events;
pub mod fetch;
pub mod health;
pub mod kubeconfig;
pub mod readonly;
pub mod reflector;
pub mod request_kind;
pub mod server_url;
pub mod store;
pub mod sync;
pub mod timeouts;
pub mod watch;

pub use client::{ClientSettings, build_client, build_client_with};
pub use events::{ClusterEvent, Scope};
pub use kubeconfig::{ConnectOptions, KubeSetup, load_kubeconfig};
pub use store::RowStores;
pub use watch::WatchSet;

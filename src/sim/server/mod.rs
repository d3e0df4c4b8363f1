//! The simulated cluster's HTTP server.

use std::net::SocketAddr;

use super::SimOptions;

/// A running simulated cluster.
pub struct RunningSim {
    pub addr: SocketAddr,
}

impl RunningSim {
    /// A kubeconfig (YAML) with one context `kmedic-demo` pointing at this server.
    pub fn kubeconfig_yaml(&self) -> String {
        todo!("H1")
    }

    /// Stops serving; open watches end.
    pub async fn shutdown(self) {
        todo!("H1")
    }
}

/// Loads the scenario and starts serving on 127.0.0.1.
pub async fn start(_opts: SimOptions) -> anyhow::Result<RunningSim> {
    todo!("H1")
}

//! kube-rs clients for the simulated cluster, and raw requests for what kube-rs has no
//! typed call for.

#![allow(dead_code)]

use futures::{AsyncBufReadExt, StreamExt};
use kmedic::sim::RunningSim;
use kube::Client;
use kube::config::{KubeConfigOptions, Kubeconfig};

/// A kube-rs client built from the server's kubeconfig.
pub async fn client(sim: &RunningSim) -> Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let kubeconfig = Kubeconfig::from_yaml(&sim.kubeconfig_yaml()).expect("kubeconfig parses");
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
        .await
        .expect("kubeconfig is usable");
    Client::try_from(config).expect("client builds")
}

pub fn get(path: &str) -> http::Request<Vec<u8>> {
    http::Request::get(path)
        .body(Vec::new())
        .expect("request builds")
}

/// A GET whose JSON answer (success or Status error) is returned.
pub async fn get_json(client: &Client, path: &str) -> Result<serde_json::Value, kube::Error> {
    client.request::<serde_json::Value>(get(path)).await
}

/// Opens a streaming GET and returns its lines.
pub async fn stream_lines(
    client: &Client,
    path: &str,
) -> futures::stream::BoxStream<'static, std::io::Result<String>> {
    let reader = client
        .request_stream(get(path))
        .await
        .expect("stream opens");
    Box::pin(reader).lines().boxed()
}

/// The HTTP code of a kube-rs error, if the server answered with a Status.
pub fn status_code(error: &kube::Error) -> Option<u16> {
    match error {
        kube::Error::Api(status) => Some(status.code),
        _ => None,
    }
}

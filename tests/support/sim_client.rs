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

/// (status code, body) of a plain HTTP/1.1 GET, for answers kube-rs would retry (503, 504)
/// or does not parse (health checks answer text, not Status).
pub async fn raw_get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        addr
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(30),
        stream.read_to_end(&mut response),
    )
    .await
    .unwrap()
    .unwrap();
    let text = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let code = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    (
        code,
        if chunked {
            dechunk(body)
        } else {
            body.to_string()
        },
    )
}

pub fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        body = &rest[n + 2..];
    }
    out
}

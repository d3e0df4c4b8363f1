//! Minimal misbehaving API servers on 127.0.0.1 for tests, each on its own thread: one that
//! accepts TCP and never answers, and a scripted HTTP/1.1 server that records every request it
//! receives (so a test can prove a refused request never reached it) and answers with whatever
//! the test's handler returns.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A server that accepts connections and never sends a byte. Connections are kept open until
/// the process ends.
pub struct Silent {
    pub addr: SocketAddr,
    accepted: Arc<Mutex<usize>>,
}

impl Silent {
    pub fn start() -> Silent {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("addr");
        let accepted = Arc::new(Mutex::new(0));
        let count = accepted.clone();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for stream in listener.incoming().flatten() {
                if let Ok(mut n) = count.lock() {
                    *n += 1;
                }
                held.push(stream);
            }
        });
        Silent { addr, accepted }
    }

    pub fn url(&self, scheme: &str) -> String {
        format!("{scheme}://{}", self.addr)
    }

    pub fn accepted(&self) -> usize {
        self.accepted.lock().map(|n| *n).unwrap_or_default()
    }
}

/// One request as the scripted server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
}

/// What the scripted server sends back.
pub enum Reply {
    /// A complete response.
    Full {
        status: u16,
        content_type: &'static str,
        body: String,
    },
    /// Headers of a chunked response, then each (pause, chunk) in turn, then the end.
    Chunked(Vec<(Duration, String)>),
    /// Headers promising `length` bytes, then nothing.
    Stall { length: usize },
    /// A complete `metav1.Status` failure with extra header lines (`Name: value`).
    StatusWith {
        code: u16,
        headers: Vec<String>,
        message: String,
    },
}

impl Reply {
    pub fn json(status: u16, body: impl Into<String>) -> Reply {
        Reply::Full {
            status,
            content_type: "application/json",
            body: body.into(),
        }
    }

    /// A `metav1.Status` failure, as the API server sends it.
    pub fn status(code: u16, reason: &str, message: &str) -> Reply {
        let body = serde_json::json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {},
            "status": "Failure", "message": message, "reason": reason, "code": code
        });
        Reply::json(code, body.to_string())
    }
}

type Handler = dyn Fn(&Received) -> Reply + Send + Sync;

/// An HTTP/1.1 server answering every request with its handler's reply (one request per
/// connection), recording what it received.
pub struct Scripted {
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Scripted {
    pub fn start(handler: impl Fn(&Received) -> Reply + Send + Sync + 'static) -> Scripted {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("addr");
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        let handler: Arc<Handler> = Arc::new(handler);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (log, handler) = (log.clone(), handler.clone());
                std::thread::spawn(move || serve(stream, &log, handler.as_ref()));
            }
        });
        Scripted { addr, received }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

fn serve(stream: TcpStream, log: &Mutex<Vec<Received>>, handler: &Handler) {
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = header.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    let request = Received {
        method,
        target,
        headers,
    };
    if let Ok(mut l) = log.lock() {
        l.push(request.clone());
    }
    let mut stream = stream;
    let _ = match handler(&request) {
        Reply::Full {
            status,
            content_type,
            body,
        } => write!(
            stream,
            "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
        Reply::StatusWith {
            code,
            headers,
            message,
        } => {
            let body = serde_json::json!({
                "kind": "Status", "apiVersion": "v1", "metadata": {},
                "status": "Failure", "message": message, "code": code
            })
            .to_string();
            let extra: String = headers.iter().map(|h| format!("{h}\r\n")).collect();
            write!(
                stream,
                "HTTP/1.1 {code} X\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
        }
        Reply::Chunked(chunks) => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
            let mut result = stream
                .write_all(head.as_bytes())
                .and_then(|()| stream.flush());
            for (pause, chunk) in chunks {
                std::thread::sleep(pause);
                result = result
                    .and_then(|()| write!(stream, "{:x}\r\n{chunk}\r\n", chunk.len()))
                    .and_then(|()| stream.flush());
            }
            result.and_then(|()| stream.write_all(b"0\r\n\r\n"))
        }
        Reply::Stall { length } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n{{\"kind\":"
            );
            let result = stream
                .write_all(head.as_bytes())
                .and_then(|()| stream.flush());
            // Hold the connection open without finishing the body.
            let mut sink = [0u8; 64];
            while stream.read(&mut sink).unwrap_or(0) > 0 {}
            result
        }
    };
}

/// A kubeconfig whose only context points at `server` with a bearer token.
pub fn kubeconfig_for_server(server: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: t\nclusters:\n- name: c\n  cluster: {{server: '{server}'}}\nusers:\n- name: u\n  user: {{token: t}}\ncontexts:\n- name: t\n  context: {{cluster: c, user: u, namespace: shop}}\n"
    )
}

//! The API server's own health, read through the kube client (GET only, so the read-only
//! choke point lets it through): `/version`, `/livez?verbose`, `/readyz?verbose`, and the few
//! `/metrics` samples kmedic reads (etcd database size, deprecated APIs requested). A failed
//! request is classified (refused, timeout, DNS, x509 expired / unknown authority / wrong
//! name, 401, 403, 429, 503) from the `kube::Error` and its chain of causes. Never panics;
//! timeouts are the client's.

use futures::{AsyncBufReadExt, StreamExt};
use kube::Client;

use super::kubeconfig::error_chain;
use crate::troubleshoot::{
    ApiHealth, ApiMetrics, Failure, HealthReport, Probed, ReachClass, ServerVersion,
    wanted_metric_line,
};

/// Lines of `/metrics` read at most (a large API server serves a few hundred thousand).
const MAX_METRIC_LINES: usize = 2_000_000;

/// Asks `/version`, `/livez?verbose` and `/readyz?verbose`. When the server cannot be
/// reached at all, the health endpoints are not asked again (each would wait for the same
/// timeout) and carry the same failure. `server` and `metrics` are left for the caller
/// (`ApiHealth::server` is only used in messages; see [`probe_metrics`]).
pub async fn probe(client: &Client) -> ApiHealth {
    let version = match get(client, "/version").await {
        Ok(answer) => match serde_json::from_str::<serde_json::Value>(&answer.body) {
            Ok(v) => Probed::Answered(ServerVersion {
                git_version: v["gitVersion"].as_str().unwrap_or_default().to_string(),
            }),
            Err(e) => Probed::Failed(other(&format!("/version is not JSON: {e}"))),
        },
        Err(f) => Probed::Failed(f),
    };
    if let Some(f) = version.failure().filter(|f| f.class.is_transport()) {
        let failed = Probed::Failed(f.clone());
        return ApiHealth {
            livez: failed.clone(),
            readyz: failed,
            version,
            ..ApiHealth::default()
        };
    }
    ApiHealth {
        livez: report(client, "/livez?verbose").await,
        readyz: report(client, "/readyz?verbose").await,
        version,
        ..ApiHealth::default()
    }
}

/// A response kmedic read whole: its HTTP status and body.
struct Answer {
    status: u16,
    body: String,
}

/// GETs `path` once (the client retries nothing, and the request timeout bounds it): a 2xx
/// answer is `Ok`, a 4xx/5xx answer is `Ok` when `keep` accepts its status and body, else a
/// [`Failure`] with its class, code, the server's message and `Retry-After`.
async fn get_keeping(
    client: &Client,
    path: &str,
    keep: impl Fn(u16, &str) -> bool,
) -> Result<Answer, Failure> {
    let request = http::Request::get(path)
        .body(kube::client::Body::empty())
        .map_err(|e| other(&e.to_string()))?;
    let response = client.send(request).await.map_err(|e| classify(&e))?;
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(http::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let bytes = response
        .into_body()
        .collect_bytes()
        .await
        .map_err(|e| classify(&e))?;
    let body = String::from_utf8_lossy(&bytes).into_owned();
    if status < 400 || keep(status, &body) {
        return Ok(Answer { status, body });
    }
    let message = serde_json::from_str::<kube::core::Status>(&body)
        .map(|s| s.message)
        .unwrap_or_else(|_| body.trim().to_string());
    let mut failure = of_status(status, &message);
    failure.retry_after = retry_after;
    Err(failure)
}

async fn get(client: &Client, path: &str) -> Result<Answer, Failure> {
    get_keeping(client, path, |_, _| false).await
}

/// The samples of `/metrics` kmedic reads, filtered line by line as they arrive (the whole
/// scrape is never held). Ordinary users are usually refused (403): that is a `Failed` with
/// class `Forbidden`, which the checks report as "not covered", not as a problem.
pub async fn probe_metrics(client: &Client) -> Probed<ApiMetrics> {
    let request = match http::Request::get("/metrics").body(Vec::new()) {
        Ok(r) => r,
        Err(e) => return Probed::Failed(other(&e.to_string())),
    };
    let reader = match client.request_stream(request).await {
        Ok(r) => r,
        Err(e) => return Probed::Failed(classify(&e)),
    };
    let mut lines = Box::pin(reader).lines();
    let mut kept = String::new();
    let mut read = 0usize;
    while let Some(line) = lines.next().await {
        let line = match line {
            Ok(l) => l,
            Err(e) => return Probed::Failed(classify_io(&e)),
        };
        read += 1;
        if wanted_metric_line(&line) {
            kept.push_str(&line);
            kept.push('\n');
        }
        if read >= MAX_METRIC_LINES {
            break;
        }
    }
    Probed::Answered(ApiMetrics::parse(&kept))
}

/// A verbose health endpoint: a 500 whose body is the report is an answer (the endpoint's
/// verdict), not a failure.
async fn report(client: &Client, path: &str) -> Probed<HealthReport> {
    match get_keeping(client, path, |_, body| looks_like_report(body.trim())).await {
        Ok(answer) => Probed::Answered(HealthReport::parse(answer.status, &answer.body)),
        Err(f) => Probed::Failed(f),
    }
}

fn looks_like_report(text: &str) -> bool {
    text.contains("[-]") || text.contains("[+]") || text.ends_with("check failed")
}

fn other(detail: &str) -> Failure {
    failure(ReachClass::Other, detail)
}

/// The failure an HTTP error status says, with the server's message.
fn of_status(code: u16, message: &str) -> Failure {
    let class = match code {
        401 => ReachClass::Unauthorized,
        403 => ReachClass::Forbidden,
        404 => ReachClass::NotFound,
        429 => ReachClass::TooManyRequests,
        502..=504 => ReachClass::Unavailable,
        _ => ReachClass::Other,
    };
    Failure {
        class,
        status: (code != 0).then_some(code),
        detail: crate::troubleshoot::bounded_detail(message),
        retry_after: None,
    }
}

/// The class of a failed request, from the error's structure (HTTP status, I/O error kind,
/// rustls certificate error) and, failing that, its text.
pub fn classify(e: &kube::Error) -> Failure {
    if let kube::Error::Api(status) = e {
        return of_status(status.code, &status.message);
    }
    if let Some(no_answer) = super::timeouts::no_answer(e) {
        return failure(ReachClass::Timeout, &no_answer.to_string());
    }
    let text = error_chain(e);
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if let Some(class) = structural(err) {
            return failure(class, &text);
        }
        source = err.source();
    }
    failure(classify_text(&text), &text)
}

fn classify_io(e: &std::io::Error) -> Failure {
    let text = e.to_string();
    failure(structural(e).unwrap_or_else(|| classify_text(&text)), &text)
}

fn failure(class: ReachClass, text: &str) -> Failure {
    Failure {
        class,
        status: None,
        detail: crate::troubleshoot::bounded_detail(text),
        retry_after: None,
    }
}

/// The class an error says by its type: an I/O error kind, or a rustls certificate error
/// (also when wrapped inside an I/O error, whose `source()` skips it).
fn structural(err: &(dyn std::error::Error + 'static)) -> Option<ReachClass> {
    if let Some(r) = err.downcast_ref::<rustls::Error>() {
        return Some(of_rustls(r));
    }
    if err.is::<super::timeouts::NoAnswer>() {
        return Some(ReachClass::Timeout);
    }
    let io = err.downcast_ref::<std::io::Error>()?;
    if let Some(r) = io.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        return Some(of_rustls(r));
    }
    match io.kind() {
        std::io::ErrorKind::ConnectionRefused => Some(ReachClass::Refused),
        std::io::ErrorKind::TimedOut
        | std::io::ErrorKind::HostUnreachable
        | std::io::ErrorKind::NetworkUnreachable => Some(ReachClass::Timeout),
        _ => None,
    }
}

fn of_rustls(e: &rustls::Error) -> ReachClass {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::Expired
            | C::ExpiredContext { .. }
            | C::NotValidYet
            | C::NotValidYetContext { .. } => ReachClass::CertExpired,
            C::UnknownIssuer => ReachClass::UnknownAuthority,
            C::NotValidForName | C::NotValidForNameContext { .. } => ReachClass::WrongName,
            _ => ReachClass::Tls,
        },
        _ => ReachClass::Tls,
    }
}

/// The class an error text says: rustls' and Go's (kubectl's) wordings both, so a message
/// copied from kubectl or a log classifies the same.
pub fn classify_text(text: &str) -> ReachClass {
    let t = text.to_ascii_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| t.contains(n));
    if has(&[
        "certificate has expired",
        "certificate expired",
        "not yet valid",
        "invalid peer certificate: expired",
        "invalid peer certificate: notvalidyet",
    ]) {
        ReachClass::CertExpired
    } else if has(&["unknown authority", "unknownissuer", "unknown issuer"]) {
        ReachClass::UnknownAuthority
    } else if has(&[
        "not valid for name",
        "notvalidforname",
        "certificate is valid for",
        "doesn't contain any ip sans",
    ]) {
        ReachClass::WrongName
    } else if has(&["connection refused", "was refused"]) {
        ReachClass::Refused
    } else if has(&[
        "dns error",
        "no such host",
        "name or service not known",
        "failed to lookup address",
        "temporary failure in name resolution",
        "nodename nor servname",
    ]) {
        ReachClass::Dns
    } else if has(&[
        "timed out",
        "timeout",
        "deadline has elapsed",
        "no route to host",
        "network is unreachable",
    ]) {
        ReachClass::Timeout
    } else if has(&["x509", "tls", "handshake", "invalid peer certificate"]) {
        ReachClass::Tls
    } else if has(&["unauthorized", "must be logged in"]) {
        ReachClass::Unauthorized
    } else if has(&["forbidden"]) {
        ReachClass::Forbidden
    } else if has(&["too many requests"]) {
        ReachClass::TooManyRequests
    } else if has(&["service unavailable"]) {
        ReachClass::Unavailable
    } else {
        ReachClass::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: u16, message: &str) -> kube::Error {
        kube::Error::Api(
            kube::core::Status::failure(message, "")
                .with_code(code)
                .boxed(),
        )
    }

    #[test]
    fn http_answers_are_classified_by_code() {
        for (code, class) in [
            (401, ReachClass::Unauthorized),
            (403, ReachClass::Forbidden),
            (404, ReachClass::NotFound),
            (429, ReachClass::TooManyRequests),
            (503, ReachClass::Unavailable),
            (500, ReachClass::Other),
        ] {
            let f = classify(&api(code, "x"));
            assert_eq!((f.class, f.status), (class, Some(code)));
        }
    }

    #[test]
    fn io_and_tls_errors_are_classified_by_type() {
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert_eq!(classify_io(&refused).class, ReachClass::Refused);
        let tls = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
        );
        assert_eq!(classify_io(&tls).class, ReachClass::UnknownAuthority);
        let expired = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::Expired),
        );
        assert_eq!(classify_io(&expired).class, ReachClass::CertExpired);
    }

    #[test]
    fn kubectl_and_rustls_wordings_classify_alike() {
        for (text, class) in [
            (
                "Unable to connect to the server: x509: certificate has expired or is not yet valid: current time 2026-01-01T12:00:00Z is after 2025-12-01T00:00:00Z",
                ReachClass::CertExpired,
            ),
            (
                "invalid peer certificate: certificate expired: verification time 1767268800 (UNIX), but certificate is not valid after 1764547200 (2721600 seconds ago)",
                ReachClass::CertExpired,
            ),
            (
                "Unable to connect to the server: x509: certificate signed by unknown authority",
                ReachClass::UnknownAuthority,
            ),
            (
                "invalid peer certificate: UnknownIssuer",
                ReachClass::UnknownAuthority,
            ),
            (
                "x509: certificate is valid for kubernetes, kubernetes.default, not cp.example.com",
                ReachClass::WrongName,
            ),
            (
                "invalid peer certificate: certificate not valid for name \"10.0.0.9\"; certificate is only valid for IpAddress(10.0.0.1)",
                ReachClass::WrongName,
            ),
            (
                "The connection to the server 172.30.1.2:6443 was refused - did you specify the right host or port?",
                ReachClass::Refused,
            ),
            (
                "ServiceError: client error (Connect): tcp connect error: Connection refused (os error 111)",
                ReachClass::Refused,
            ),
            (
                "dial tcp: lookup cp.example.invalid on 127.0.0.53:53: no such host",
                ReachClass::Dns,
            ),
            (
                "client error (Connect): dns error: failed to lookup address information: Name or service not known",
                ReachClass::Dns,
            ),
            ("dial tcp 10.0.0.1:6443: i/o timeout", ReachClass::Timeout),
            (
                "error: You must be logged in to the server (Unauthorized)",
                ReachClass::Unauthorized,
            ),
        ] {
            assert_eq!(classify_text(text), class, "{text}");
        }
    }

    #[test]
    fn a_failing_readyz_body_is_a_report() {
        assert!(looks_like_report(
            "[+]ping ok\n[-]etcd failed: reason withheld\nreadyz check failed"
        ));
        assert!(!looks_like_report(
            "forbidden: User \"x\" cannot get path \"/readyz\""
        ));
    }
}

//! What the API server says about itself, beside its objects: its version (`/version`), its
//! health reports (`/livez?verbose`, `/readyz?verbose`, parsed check by check), a few of its
//! metrics (etcd database size, deprecated APIs requested), and — when a request failed — why,
//! by class (refused, timeout, DNS, x509 expired …). Filled by `cluster::health::probe`; a
//! dump has none, and the checks that read it then say they could not look.

use serde::Serialize;

/// How a request to the API server failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReachClass {
    /// TCP connection refused: nothing listens at that address and port.
    Refused,
    /// The connection or the request timed out, or there is no route to the host.
    Timeout,
    /// The server's host name does not resolve.
    Dns,
    /// The server's certificate has expired, or is not valid yet.
    CertExpired,
    /// The server's certificate is not signed by a CA the kubeconfig trusts.
    UnknownAuthority,
    /// The server's certificate does not name the host kmedic connected to.
    WrongName,
    /// Another TLS failure (handshake, protocol, a client certificate the server rejects).
    Tls,
    /// HTTP 401: no credentials, or expired or invalid ones.
    Unauthorized,
    /// HTTP 403: authenticated, but not allowed.
    Forbidden,
    /// HTTP 404: the path is not served.
    NotFound,
    /// HTTP 429: too many requests (API priority and fairness is throttling).
    TooManyRequests,
    /// HTTP 503 (or 502/504 from a load balancer): not serving, overloaded or shutting down.
    Unavailable,
    /// Anything else (another HTTP error, an unreadable answer).
    Other,
}

impl ReachClass {
    /// Whether the server could not be talked to at all (as opposed to an HTTP answer).
    pub fn is_transport(self) -> bool {
        matches!(
            self,
            ReachClass::Refused
                | ReachClass::Timeout
                | ReachClass::Dns
                | ReachClass::CertExpired
                | ReachClass::UnknownAuthority
                | ReachClass::WrongName
                | ReachClass::Tls
        )
    }

    /// A short name: "connection refused", "x509: certificate expired" …
    pub fn label(self) -> &'static str {
        match self {
            ReachClass::Refused => "connection refused",
            ReachClass::Timeout => "timeout",
            ReachClass::Dns => "DNS lookup failed",
            ReachClass::CertExpired => "x509: certificate expired or not yet valid",
            ReachClass::UnknownAuthority => "x509: certificate signed by unknown authority",
            ReachClass::WrongName => "x509: certificate not valid for this host",
            ReachClass::Tls => "TLS handshake failed",
            ReachClass::Unauthorized => "401 Unauthorized",
            ReachClass::Forbidden => "403 Forbidden",
            ReachClass::NotFound => "404 Not Found",
            ReachClass::TooManyRequests => "429 Too Many Requests",
            ReachClass::Unavailable => "503 Service Unavailable",
            ReachClass::Other => "request failed",
        }
    }
}

/// A failed request: its class, the HTTP code when there was an answer, and the error text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub class: ReachClass,
    pub status: Option<u16>,
    /// The error with its causes, on one line (bounded).
    pub detail: String,
    /// Seconds the server asked clients to wait (`Retry-After` of a 429 or 503).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

/// The outcome of one request.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(tag = "state", content = "value", rename_all = "kebab-case")]
pub enum Probed<T> {
    /// Not asked (a dump, or not fetched on this pass).
    #[default]
    NotAsked,
    Answered(T),
    Failed(Failure),
}

impl<T> Probed<T> {
    pub fn answer(&self) -> Option<&T> {
        match self {
            Probed::Answered(t) => Some(t),
            _ => None,
        }
    }

    pub fn failure(&self) -> Option<&Failure> {
        match self {
            Probed::Failed(f) => Some(f),
            _ => None,
        }
    }
}

/// `GET /version`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerVersion {
    /// e.g. `v1.31.2`, `v1.30.4-eks-a737599`, `v1.29.3+k3s1`.
    pub git_version: String,
}

/// One line of a verbose health report: `[+]etcd ok` or `[-]etcd failed: reason withheld`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HealthCheck {
    /// e.g. `etcd`, `informer-sync`, `poststarthook/rbac/bootstrap-roles`, `shutdown`.
    pub name: String,
    pub ok: bool,
    /// What follows `failed:` (usually `reason withheld`).
    pub reason: String,
}

/// `/livez?verbose` or `/readyz?verbose` as answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HealthReport {
    /// 200 when healthy, 500 when a check fails.
    pub http_status: u16,
    pub checks: Vec<HealthCheck>,
    /// The last line said `… check passed`.
    pub passed: bool,
}

/// At most this many characters of error text are kept.
const MAX_DETAIL: usize = 600;
/// At most this many check lines are kept from a report.
const MAX_CHECKS: usize = 200;

/// Keeps at most `MAX_DETAIL` characters of an error text.
pub fn bounded_detail(text: &str) -> String {
    match text.char_indices().nth(MAX_DETAIL) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

impl HealthReport {
    /// Parses a verbose report (`[+]ping ok` … `readyz check failed`) answered with
    /// `http_status`. Lines it does not recognise are ignored.
    pub fn parse(http_status: u16, text: &str) -> HealthReport {
        let mut checks = Vec::new();
        let mut passed = false;
        for line in text.lines().map(str::trim) {
            let (ok, rest) = if let Some(rest) = line.strip_prefix("[+]") {
                (true, rest)
            } else if let Some(rest) = line.strip_prefix("[-]") {
                (false, rest)
            } else {
                if line.ends_with(" check passed") {
                    passed = true;
                }
                continue;
            };
            let (name, reason) = match rest.split_once(' ') {
                Some((name, tail)) => {
                    let reason = tail
                        .strip_prefix("failed:")
                        .or_else(|| tail.strip_prefix("failed"))
                        .map(str::trim)
                        .unwrap_or("");
                    (name, if ok { "" } else { reason })
                }
                None => (rest, ""),
            };
            if checks.len() < MAX_CHECKS && !name.is_empty() {
                checks.push(HealthCheck {
                    name: bounded_detail(name),
                    ok,
                    reason: bounded_detail(reason),
                });
            }
        }
        HealthReport {
            http_status,
            checks,
            passed: passed && http_status == 200,
        }
    }

    /// Whether the endpoint reports healthy.
    pub fn healthy(&self) -> bool {
        self.http_status == 200 && self.checks.iter().all(|c| c.ok)
    }

    /// The checks that failed.
    pub fn failing(&self) -> impl Iterator<Item = &HealthCheck> {
        self.checks.iter().filter(|c| !c.ok)
    }
}

/// A deprecated API version clients still request (`apiserver_requested_deprecated_apis`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeprecatedApi {
    pub group: String,
    pub version: String,
    pub resource: String,
    /// The release that removes it (empty when not announced).
    pub removed_release: String,
}

/// The metrics kmedic reads from the API server's `/metrics`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ApiMetrics {
    /// etcd database size per endpoint or storage cluster, in bytes
    /// (`apiserver_storage_size_bytes`, `apiserver_storage_db_total_size_in_bytes`,
    /// `etcd_db_total_size_in_bytes`, whichever the version serves).
    pub etcd_db_bytes: Vec<(String, f64)>,
    /// `etcd_server_leader_changes_seen_total`, when the scrape includes etcd's own metrics.
    pub etcd_leader_changes: Option<f64>,
    pub deprecated_apis: Vec<DeprecatedApi>,
}

/// The metric names [`ApiMetrics::parse`] reads (for filtering a large scrape line by line).
pub const METRIC_NAMES: &[&str] = &[
    "apiserver_storage_size_bytes",
    "apiserver_storage_db_total_size_in_bytes",
    "etcd_db_total_size_in_bytes",
    "etcd_server_leader_changes_seen_total",
    "apiserver_requested_deprecated_apis",
];

/// Whether a line of a Prometheus text scrape is a sample of a metric kmedic reads.
pub fn wanted_metric_line(line: &str) -> bool {
    !line.starts_with('#')
        && METRIC_NAMES.iter().any(|m| {
            line.strip_prefix(m)
                .is_some_and(|rest| rest.starts_with('{') || rest.starts_with(' '))
        })
}

/// One sample of a scrape: metric name, labels, value.
type Sample<'a> = (&'a str, Vec<(&'a str, &'a str)>, f64);

/// `name{a="x",b="y"} 12.5` → (name, labels, value).
fn sample(line: &str) -> Option<Sample<'_>> {
    let line = line.trim();
    let (head, value) = match line.find('}') {
        Some(end) => (&line[..=end], line[end + 1..].trim()),
        None => line.split_once(' ').map(|(h, v)| (h, v.trim()))?,
    };
    let value: f64 = value.split_whitespace().next()?.parse().ok()?;
    let (name, labels) = match head.split_once('{') {
        Some((name, rest)) => (name, rest.trim_end_matches('}')),
        None => (head, ""),
    };
    let mut out = Vec::new();
    for pair in labels.split("\",") {
        if let Some((k, v)) = pair.split_once("=\"") {
            out.push((k.trim().trim_start_matches(','), v.trim_end_matches('"')));
        }
    }
    Some((name, out, value))
}

impl ApiMetrics {
    /// Reads the samples of [`METRIC_NAMES`] from Prometheus text (other lines are skipped).
    pub fn parse(text: &str) -> ApiMetrics {
        let mut m = ApiMetrics::default();
        for line in text.lines().filter(|l| wanted_metric_line(l)) {
            let Some((name, labels, value)) = sample(line) else {
                continue;
            };
            let label = |k: &str| {
                labels
                    .iter()
                    .find(|(key, _)| *key == k)
                    .map(|(_, v)| v.to_string())
                    .unwrap_or_default()
            };
            match name {
                "apiserver_storage_size_bytes" => {
                    m.etcd_db_bytes.push((label("storage_cluster_id"), value));
                }
                "apiserver_storage_db_total_size_in_bytes" | "etcd_db_total_size_in_bytes" => {
                    m.etcd_db_bytes.push((label("endpoint"), value));
                }
                "etcd_server_leader_changes_seen_total" => m.etcd_leader_changes = Some(value),
                "apiserver_requested_deprecated_apis" if value > 0.0 => {
                    m.deprecated_apis.push(DeprecatedApi {
                        group: label("group"),
                        version: label("version"),
                        resource: label("resource"),
                        removed_release: label("removed_release"),
                    });
                }
                _ => {}
            }
        }
        m
    }
}

/// Everything known about the API server itself at one moment.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ApiHealth {
    /// The server URL, for messages (may be empty).
    pub server: String,
    pub version: Probed<ServerVersion>,
    pub livez: Probed<HealthReport>,
    pub readyz: Probed<HealthReport>,
    /// `/metrics` (often forbidden to ordinary users: then `Failed` with class `Forbidden`).
    pub metrics: Probed<ApiMetrics>,
}

impl ApiHealth {
    /// The failure that explains why the server could not be used: the first request that
    /// failed for a reason other than "not served" (a transport failure, 401, 403, 429, 503).
    pub fn unreachable(&self) -> Option<&Failure> {
        [
            self.version.failure(),
            self.livez.failure(),
            self.readyz.failure(),
        ]
        .into_iter()
        .flatten()
        .find(|f| f.class != ReachClass::NotFound)
    }

    /// The server's `gitVersion`, when `/version` answered.
    pub fn git_version(&self) -> Option<&str> {
        self.version.answer().map(|v| v.git_version.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_readyz_is_parsed_check_by_check() {
        let text = "[+]ping ok\n[+]log ok\n[-]etcd failed: reason withheld\n[+]informer-sync ok\n\
                    [-]poststarthook/rbac/bootstrap-roles failed: reason withheld\n[+]shutdown ok\n\
                    readyz check failed\n";
        let r = HealthReport::parse(500, text);
        assert!(!r.healthy() && !r.passed);
        let failing: Vec<&str> = r.failing().map(|c| c.name.as_str()).collect();
        assert_eq!(failing, ["etcd", "poststarthook/rbac/bootstrap-roles"]);
        assert_eq!(r.checks[2].reason, "reason withheld");
        let ok = HealthReport::parse(200, "[+]ping ok\n[+]etcd ok\nlivez check passed\n");
        assert!(ok.healthy() && ok.passed && ok.checks.len() == 2);
    }

    #[test]
    fn metrics_of_every_release_are_read_and_others_skipped() {
        let text = "# HELP apiserver_storage_size_bytes Size\n\
            apiserver_storage_size_bytes{storage_cluster_id=\"etcd-0\"} 2.097152e+09\n\
            etcd_db_total_size_in_bytes{endpoint=\"https://127.0.0.1:2379\"} 1048576\n\
            apiserver_requested_deprecated_apis{group=\"policy\",removed_release=\"1.25\",resource=\"podsecuritypolicies\",subresource=\"\",version=\"v1beta1\"} 1\n\
            apiserver_request_total{code=\"200\"} 5\n\
            etcd_server_leader_changes_seen_total 4\n";
        let m = ApiMetrics::parse(text);
        assert_eq!(
            m.etcd_db_bytes,
            vec![
                ("etcd-0".to_string(), 2_097_152_000.0),
                ("https://127.0.0.1:2379".to_string(), 1_048_576.0)
            ]
        );
        assert_eq!(m.etcd_leader_changes, Some(4.0));
        assert_eq!(m.deprecated_apis.len(), 1);
        assert_eq!(m.deprecated_apis[0].resource, "podsecuritypolicies");
        assert_eq!(m.deprecated_apis[0].removed_release, "1.25");
        assert!(!wanted_metric_line("apiserver_storage_size_bytes_total 3"));
    }

    #[test]
    fn the_reachability_failure_skips_unserved_paths() {
        let h = ApiHealth {
            livez: Probed::Failed(Failure {
                class: ReachClass::NotFound,
                status: Some(404),
                detail: "404".into(),
                retry_after: None,
            }),
            readyz: Probed::Failed(Failure {
                class: ReachClass::Refused,
                status: None,
                detail: "connection refused".into(),
                retry_after: None,
            }),
            ..ApiHealth::default()
        };
        assert_eq!(h.unreachable().map(|f| f.class), Some(ReachClass::Refused));
        assert_eq!(
            bounded_detail(&"x".repeat(700)).chars().count(),
            MAX_DETAIL + 1
        );
    }
}

//! C1 and C2: the API server as a client sees it. A request that failed is explained by its
//! class (refused, timeout, DNS, x509 expired / unknown authority / wrong name, 401, 403, 429,
//! 503) — the finding a user needs most on a dead cluster, shown even when nothing could be
//! listed. `/livez?verbose` and `/readyz?verbose` are read check by check: each failing check
//! named and explained, and "alive but not ready" (fix the dependency, do not restart) told
//! apart from "not alive".

use crate::findings::{Finding, ObjectRef, Severity};

use super::Ctx;
use super::build::FindingExt;
use super::cp_static_pods::cp;
use super::snapshot::{ApiHealth, Failure, HealthReport, Probed, ReachClass};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(h) = &ctx.snap.health else {
        return;
    };
    // A health endpoint refused (403) while /version answers says nothing about health: the
    // checks reading it are not covered, which coverage reports.
    let version_ok = h.version.answer().is_some();
    let failure = h
        .unreachable()
        .filter(|f| !(version_ok && f.class == ReachClass::Forbidden));
    if let Some(f) = failure {
        out.push(unreachable(h, f));
        if f.class.is_transport() {
            return;
        }
    }
    let readyz = h.readyz.answer().filter(|r| !r.healthy());
    match h.livez.answer().filter(|r| !r.healthy()) {
        Some(livez) => out.push(not_live(h, livez, readyz)),
        None => {
            if let Some(r) = readyz {
                out.push(not_ready(h, r, matches!(h.livez, Probed::Answered(_))));
            }
        }
    }
}

/// The object API-level findings are about.
pub fn apiserver_ref(h: &ApiHealth) -> ObjectRef {
    let name = if h.server.is_empty() {
        "kube-apiserver"
    } else {
        h.server.as_str()
    };
    ObjectRef::new("APIServer", "", name)
}

/// `host:port` of the server URL, for commands.
fn host_port(server: &str) -> String {
    let rest = server.split_once("://").map(|(_, r)| r).unwrap_or(server);
    let hp = rest.split('/').next().unwrap_or(rest);
    if hp.is_empty() {
        "<server>:6443".to_string()
    } else {
        hp.to_string()
    }
}

/// The port of `host:port`, 6443 (kubeadm's) when none is given.
fn port_of(host_port: &str) -> &str {
    match host_port.rsplit_once(':') {
        Some((_, p)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => p,
        _ => "6443",
    }
}

fn host_of(server: &str) -> String {
    let hp = host_port(server);
    match hp.rsplit_once(':') {
        Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => {
            h.trim_matches(['[', ']']).to_string()
        }
        _ => hp,
    }
}

fn unreachable(h: &ApiHealth, f: &Failure) -> Finding {
    let hp = host_port(&h.server);
    let host = host_of(&h.server);
    let (severity, why, steps): (Severity, &str, Vec<String>) = match f.class {
        ReachClass::Refused => (
            Severity::Critical,
            "Nothing accepts connections at the API server's address: the API server is down \
             (crashed, its static pod not started, etcd down so it exits), or the kubeconfig \
             names the wrong port.",
            vec![
                "kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}'".into(),
                "on a control-plane node: sudo ss -ltnp | grep 6443".into(),
                "on a control-plane node: sudo crictl ps -a --name kube-apiserver; sudo crictl logs <container-id>".into(),
                "on a control-plane node: sudo crictl ps -a --name etcd".into(),
            ],
        ),
        ReachClass::Timeout => (
            Severity::Critical,
            "The API server did not answer in time: the network path is broken (firewall, \
             security group, load balancer without healthy backends, VPN down), or the host is off.",
            vec![
                format!("nc -vz -w 5 {host} {}", port_of(&hp)),
                format!(
                    "check the load balancer's health checks and the firewall rules for port {}",
                    port_of(&hp)
                ),
            ],
        ),
        ReachClass::Dns => (
            Severity::Critical,
            "The API server's host name does not resolve from here: a typo in the kubeconfig, a \
             private DNS name reachable only inside a network, or the DNS record was removed.",
            vec![format!("getent hosts {host}"), format!("nslookup {host}")],
        ),
        ReachClass::CertExpired => (
            Severity::Critical,
            "The API server's certificate has expired (or is not valid yet — then a clock is \
             wrong): every client fails the TLS handshake. kubeadm certificates last one year \
             and are renewed only by upgrades or `kubeadm certs renew`.",
            vec![
                "on a control-plane node: sudo kubeadm certs check-expiration".into(),
                "on a control-plane node: sudo kubeadm certs renew all, then restart the control-plane static pods".into(),
                format!("openssl s_client -connect {hp} </dev/null 2>/dev/null | openssl x509 -noout -dates"),
                "date -u   (here and on the control-plane node: a wrong clock makes valid certificates look expired)".into(),
            ],
        ),
        ReachClass::UnknownAuthority => (
            Severity::Critical,
            "The API server presents a certificate not signed by the CA your kubeconfig trusts: \
             the cluster was rebuilt or its CA rotated, or the kubeconfig belongs to another cluster.",
            vec![
                "kubectl config view --minify --raw -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d | openssl x509 -noout -subject -enddate".into(),
                format!("openssl s_client -connect {hp} -showcerts </dev/null | openssl x509 -noout -issuer"),
                "copy a fresh kubeconfig from /etc/kubernetes/admin.conf on a control-plane node".into(),
            ],
        ),
        ReachClass::WrongName => (
            Severity::Critical,
            "The API server's certificate does not name the host you connect to (a new IP, a \
             load balancer name, or a DNS alias not in its subjectAltNames).",
            vec![
                format!("openssl s_client -connect {hp} </dev/null 2>/dev/null | openssl x509 -noout -ext subjectAltName"),
                "add the name to apiServer.certSANs in the kubeadm configuration and regenerate: sudo kubeadm init phase certs apiserver".into(),
                "or connect with a name the certificate already lists".into(),
            ],
        ),
        ReachClass::Tls => (
            Severity::Critical,
            "The TLS handshake with the API server failed.",
            vec![format!("openssl s_client -connect {hp} </dev/null")],
        ),
        ReachClass::Unauthorized => (
            Severity::Critical,
            "The API server does not accept your credentials (401): the client certificate has \
             expired or was signed by another CA, the token expired or was revoked, or the \
             OIDC login needs refreshing.",
            vec![
                "kubectl config view --minify --raw -o jsonpath='{.users[0].user.client-certificate-data}' | base64 -d | openssl x509 -noout -subject -enddate".into(),
                "kubectl auth whoami".into(),
            ],
        ),
        ReachClass::Forbidden => (
            Severity::Error,
            "You are authenticated, but RBAC does not allow this request (403): a wrong group \
             (O=) in the client certificate, or a missing (Cluster)RoleBinding.",
            vec!["kubectl auth whoami".into(), "kubectl auth can-i --list".into()],
        ),
        ReachClass::TooManyRequests => (
            Severity::Error,
            "The API server throttles requests (429, API priority and fairness): too many clients \
             or a controller in a hot loop.",
            vec![
                "kubectl get --raw /debug/api_priority_and_fairness/dump_priority_levels".into(),
                "kubectl get flowschemas,prioritylevelconfigurations".into(),
            ],
        ),
        ReachClass::Unavailable => (
            Severity::Critical,
            "The API server (or the load balancer in front of it) answers 503: it is shutting \
             down, still starting, overloaded, or the load balancer has no healthy backend.",
            vec![
                "kubectl get --raw '/readyz?verbose'".into(),
                "check the load balancer's backends and their health checks".into(),
            ],
        ),
        ReachClass::NotFound | ReachClass::Other => (
            Severity::Error,
            "A request to the API server failed.",
            vec!["kubectl cluster-info".into()],
        ),
    };
    let mut finding = cp(
        "api-reachability",
        severity,
        apiserver_ref(h),
        format!("cannot use the API server: {}", f.class.label()),
    )
    .explain(match f.retry_after {
        Some(secs) => format!(
            "{why} It asks clients to wait {secs} s before trying again (Retry-After); kmedic \
             asked once and did not retry."
        ),
        None => why.to_string(),
    })
    .with("error", f.detail.clone());
    if let Some(code) = f.status {
        finding = finding.with("HTTP status", code.to_string());
    }
    if let Some(secs) = f.retry_after {
        finding = finding.with("Retry-After", format!("{secs} s"));
    }
    if !h.server.is_empty() {
        finding = finding.with("server", h.server.clone());
    }
    for s in steps {
        finding = finding.step(s);
    }
    finding
}

/// What a failing health check means.
pub fn explain_check(name: &str) -> &'static str {
    match name {
        "etcd" => {
            "the API server cannot reach etcd (etcd down or unreachable, wrong --etcd-servers, or its etcd client certificate is bad)"
        }
        "etcd-readiness" => {
            "etcd does not answer a readiness request in time (slow disk, no quorum)"
        }
        "informer-sync" => {
            "the API server's caches have not synced yet: it is still starting, or etcd is slow"
        }
        "shutdown" => {
            "the API server is shutting down gracefully (a restart or an upgrade is in progress)"
        }
        "ping" | "log" => "the API server's basic self-check fails",
        "poststarthook/rbac/bootstrap-roles" => {
            "start-up is not finished: the default RBAC roles are not ensured yet (usually because etcd is slow or unreachable)"
        }
        "poststarthook/start-apiextensions-controllers" | "poststarthook/crd-informer-synced" => {
            "CustomResourceDefinitions are not served yet"
        }
        "autoregister-completion" => "aggregated APIs (APIServices) are not all registered yet",
        n if n.starts_with("kms-provider") => {
            "the KMS plugin used to encrypt Secrets at rest does not answer"
        }
        n if n.starts_with("poststarthook/") => {
            "a start-up step (post-start hook) has not completed"
        }
        _ => "this check failed",
    }
}

fn etcd_related(name: &str) -> bool {
    name.starts_with("etcd")
}

fn failing_evidence(mut f: Finding, endpoint: &str, r: &HealthReport) -> Finding {
    f = f.with(
        &format!("{endpoint} HTTP status"),
        r.http_status.to_string(),
    );
    for c in r.failing() {
        let reason = if c.reason.is_empty() {
            "failed".to_string()
        } else {
            format!("failed: {}", c.reason)
        };
        f = f.with(
            &format!("{endpoint} [-]{}", c.name),
            format!("{reason} — {}", explain_check(&c.name)),
        );
    }
    f
}

fn names(r: &HealthReport) -> String {
    let n: Vec<&str> = r.failing().map(|c| c.name.as_str()).collect();
    if n.is_empty() {
        format!("HTTP {}", r.http_status)
    } else {
        n.join(", ")
    }
}

fn not_live(h: &ApiHealth, livez: &HealthReport, readyz: Option<&HealthReport>) -> Finding {
    let mut f = cp(
        "apiserver-not-live",
        Severity::Critical,
        apiserver_ref(h),
        format!("the API server reports itself not alive: {}", names(livez)),
    )
    .explain(
        "/livez fails: the API server process is unhealthy and its liveness probe will have \
         the kubelet restart it.",
    );
    for c in livez.failing() {
        f = f.explain(format!("{}: {}.", c.name, explain_check(&c.name)));
    }
    f = failing_evidence(f, "livez", livez);
    if let Some(r) = readyz {
        f = failing_evidence(f, "readyz", r);
    }
    f.step("kubectl get --raw '/livez?verbose'")
        .step("kubectl -n kube-system logs -l component=kube-apiserver --tail=100")
        .step("on a control-plane node: sudo crictl logs $(sudo crictl ps -a --name kube-apiserver -q | head -1)")
}

fn not_ready(h: &ApiHealth, r: &HealthReport, live: bool) -> Finding {
    let etcd = r.failing().any(|c| etcd_related(&c.name));
    let shutting_down = r.failing().any(|c| c.name == "shutdown");
    let mut f = cp(
        "apiserver-not-ready",
        if etcd {
            Severity::Critical
        } else {
            Severity::Error
        },
        apiserver_ref(h),
        format!(
            "the API server is {}not ready: {}",
            if live { "alive but " } else { "" },
            names(r)
        ),
    )
    .explain(if live {
        "/livez passes but /readyz fails: the process runs, but it does not serve — a \
         dependency is missing. Restarting it does not help; fix what the failing checks name."
    } else {
        "/readyz fails: the API server does not serve requests reliably."
    });
    for c in r.failing() {
        f = f.explain(format!("{}: {}.", c.name, explain_check(&c.name)));
    }
    if shutting_down {
        f = f.explain("A shutdown in progress is expected during a restart; it is a problem only if it lasts.");
    }
    f = failing_evidence(f, "readyz", r).step("kubectl get --raw '/readyz?verbose'");
    if etcd {
        f = f
            .step("kubectl -n kube-system get pods -l component=etcd -o wide")
            .step("on a control-plane node: sudo crictl ps -a --name etcd; sudo crictl logs <etcd-container-id>")
            .step("on a control-plane node: sudo ETCDCTL_API=3 etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt --key=/etc/kubernetes/pki/etcd/healthcheck-client.key endpoint health");
    }
    f.step("kubectl -n kube-system logs -l component=kube-apiserver --tail=100")
}

#[cfg(test)]
#[path = "cp_api_tests.rs"]
mod tests;

//! `cluster::health::probe` over real sockets on 127.0.0.1: the simulated cluster's /version,
//! /livez and /readyz; an API server whose /readyz fails on etcd and whose /metrics is
//! forbidden or served; and the failures a client meets — connection refused, a certificate
//! signed by another CA, an expired certificate, a certificate for another name — each
//! classified and turned into its control-plane finding.

#![allow(clippy::unwrap_used)]

#[path = "fixtures/certs/gen.rs"]
mod generated;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use generated::{Leaf, ca, leaf};
use jiff::Timestamp;
use kmedic::cluster::health::{probe, probe_metrics};
use kmedic::cluster::{
    ClientSettings, ConnectOptions, build_client, build_client_with, load_kubeconfig,
};
use kmedic::findings::{Finding, Severity};
use kmedic::sim::{ScenarioSource, SimOptions, SimTls};
use kmedic::troubleshoot::{ApiHealth, Change, Options, Probed, ReachClass, Snapshot, analyze};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

async fn client_for(kubeconfig_yaml: &str) -> (tempfile::TempDir, kube::Client) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    std::fs::write(&path, kubeconfig_yaml).unwrap();
    let setup = load_kubeconfig(&ConnectOptions {
        kubeconfig: Some(path),
        ..Default::default()
    })
    .unwrap();
    (dir, build_client(&setup, false).await.unwrap())
}

fn kubeconfig(server: &str, ca_pem: Option<&str>) -> String {
    use base64::Engine;
    let ca = ca_pem
        .map(|p| {
            format!(
                "\n    certificate-authority-data: {}",
                base64::engine::general_purpose::STANDARD.encode(p)
            )
        })
        .unwrap_or_default();
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: {server}{ca}\n\
         users:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: x\n  context:\n    cluster: c\n    user: u\n\
         current-context: x\n"
    )
}

fn findings(h: ApiHealth) -> Vec<Finding> {
    let mut snap = Snapshot::default();
    snap.apply(Change::health(h));
    analyze(&snap, Timestamp::now(), &Options::default())
}

fn failure_class(h: &ApiHealth) -> Option<ReachClass> {
    h.version.failure().map(|f| f.class)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulated_cluster_is_healthy_and_its_checks_are_parsed() {
    let sim = kmedic::sim::start(SimOptions {
        source: ScenarioSource::Builtin,
        live: false,
        ..SimOptions::default()
    })
    .await
    .unwrap();
    let (_dir, client) = client_for(&sim.kubeconfig_yaml()).await;
    let h = probe(&client).await;
    assert_eq!(h.git_version(), Some("v1.33.2"));
    let readyz = h.readyz.answer().unwrap();
    assert!(readyz.healthy() && readyz.passed);
    assert!(readyz.checks.iter().any(|c| c.name == "etcd" && c.ok));
    assert!(readyz.checks.iter().any(|c| c.name == "informer-sync"));
    assert!(h.livez.answer().unwrap().healthy());
    assert!(findings(h).is_empty());
    // The simulated cluster serves no /metrics: not covered, not a problem.
    let m = probe_metrics(&client).await;
    assert!(
        matches!(m, Probed::Failed(ref f) if f.class == ReachClass::NotFound),
        "{m:?}"
    );
}

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

const VERSION: &str = r#"{"major":"1","minor":"31","gitVersion":"v1.31.2","gitCommit":"x","gitTreeState":"clean","buildDate":"2024-10-22T20:28:14Z","goVersion":"go1.22.8","compiler":"gc","platform":"linux/amd64"}"#;
const READYZ_ETCD: &str = "[+]ping ok\n[+]log ok\n[-]etcd failed: reason withheld\n[-]etcd-readiness failed: reason withheld\n[+]informer-sync ok\n[+]poststarthook/start-apiserver-admission-initializer ok\n[+]shutdown ok\nreadyz check failed\n";
const FORBIDDEN: &str = r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"forbidden: User \"dev\" cannot get path \"/metrics\"","reason":"Forbidden","details":{},"code":403}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alive_but_not_ready_on_etcd_and_metrics_refused_or_read() {
    let app = Router::new()
        .route(
            "/version",
            get(|| async { ([("content-type", "application/json")], VERSION) }),
        )
        .route(
            "/livez",
            get(|| async { "[+]ping ok\n[+]log ok\n[+]etcd ok\nlivez check passed\n" }),
        )
        .route(
            "/readyz",
            get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, READYZ_ETCD) }),
        )
        .route(
            "/metrics",
            get(|| async {
                (
                    StatusCode::FORBIDDEN,
                    [("content-type", "application/json")],
                    FORBIDDEN,
                )
            }),
        );
    let server = serve(app).await;
    let (_dir, client) = client_for(&kubeconfig(&server, None)).await;
    let mut h = probe(&client).await;
    let r = h.readyz.answer().unwrap();
    assert_eq!(r.http_status, 500);
    let failing: Vec<&str> = r.failing().map(|c| c.name.as_str()).collect();
    assert_eq!(failing, ["etcd", "etcd-readiness"]);
    h.metrics = probe_metrics(&client).await;
    assert_eq!(
        h.metrics.failure().map(|f| f.class),
        Some(ReachClass::Forbidden)
    );
    let f = findings(h);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].check, "apiserver-not-ready");
    assert_eq!(f[0].severity, Severity::Critical);
    assert!(
        f[0].summary
            .contains("alive but not ready: etcd, etcd-readiness")
    );

    let scrape = "# HELP apiserver_storage_size_bytes Size of the storage database file physically allocated in bytes.\n\
        # TYPE apiserver_storage_size_bytes gauge\n\
        apiserver_storage_size_bytes{storage_cluster_id=\"etcd-0\"} 2.05e+09\n\
        apiserver_request_total{code=\"200\",verb=\"GET\"} 1234\n";
    let app = Router::new().route("/metrics", get(move || async move { scrape }));
    let server = serve(app).await;
    let (_dir, client) = client_for(&kubeconfig(&server, None)).await;
    let m = probe_metrics(&client).await;
    let m = m.answer().unwrap();
    assert_eq!(m.etcd_db_bytes, vec![("etcd-0".to_string(), 2.05e9)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_refused_is_classified_and_explained() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let (_dir, client) = client_for(&kubeconfig(&format!("http://127.0.0.1:{port}"), None)).await;
    let mut h = probe(&client).await;
    assert_eq!(failure_class(&h), Some(ReachClass::Refused), "{h:?}");
    assert_eq!(
        h.readyz.failure().map(|f| f.class),
        Some(ReachClass::Refused)
    );
    h.server = format!("http://127.0.0.1:{port}");
    let f = findings(h);
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].check.as_str(), f[0].severity),
        ("api-reachability", Severity::Critical)
    );
    assert_eq!(
        f[0].summary,
        "cannot use the API server: connection refused"
    );
}

/// A server answering every request with `code` and `Retry-After: 7`, counting requests.
async fn always(code: StatusCode) -> (String, Arc<AtomicUsize>) {
    let asked = Arc::new(AtomicUsize::new(0));
    let count = asked.clone();
    let app = Router::new().fallback(move || {
        let count = count.clone();
        async move {
            count.fetch_add(1, Ordering::SeqCst);
            let body = format!(
                r#"{{"kind":"Status","apiVersion":"v1","metadata":{{}},"status":"Failure","message":"the server is busy ({})","code":{}}}"#,
                code.as_u16(),
                code.as_u16()
            );
            (
                code,
                [("content-type", "application/json"), ("retry-after", "7")],
                body,
            )
        }
    });
    (serve(app).await, asked)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_and_unavailable_are_classified_at_once_with_retry_after() {
    for (code, class, label) in [
        (
            StatusCode::TOO_MANY_REQUESTS,
            ReachClass::TooManyRequests,
            "429 Too Many Requests",
        ),
        (
            StatusCode::SERVICE_UNAVAILABLE,
            ReachClass::Unavailable,
            "503 Service Unavailable",
        ),
    ] {
        let (server, asked) = always(code).await;
        let (_dir, client) = client_for(&kubeconfig(&server, None)).await;
        let mut h = probe(&client).await;
        let f = h.version.failure().unwrap().clone();
        assert_eq!(
            (f.class, f.status, f.retry_after),
            (class, Some(code.as_u16()), Some(7))
        );
        assert!(f.detail.contains("the server is busy"), "{}", f.detail);
        // Each of /version, /livez and /readyz asked once: no hidden retries.
        assert_eq!(asked.load(Ordering::SeqCst), 3);
        h.server = server;
        let found = findings(h);
        let a = found
            .iter()
            .find(|x| x.check == "api-reachability")
            .unwrap();
        assert_eq!(a.summary, format!("cannot use the API server: {label}"));
        assert!(a.explanation.contains("wait 7 s"), "{}", a.explanation);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_server_is_a_timeout_and_health_is_not_asked_again() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let server = format!("http://{}", listener.local_addr().unwrap());
    let (_dir, path) = {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        std::fs::write(&path, kubeconfig(&server, None)).unwrap();
        (dir, path)
    };
    let setup = load_kubeconfig(&ConnectOptions {
        kubeconfig: Some(path),
        ..Default::default()
    })
    .unwrap();
    let settings = ClientSettings {
        connect_timeout: Some(Duration::from_secs(1)),
        request_timeout: Some(Duration::from_secs(1)),
        access_reviews: true,
    };
    let client = build_client_with(&setup, false, &settings).await.unwrap();
    let h = probe(&client).await;
    let f = h.version.failure().unwrap();
    assert_eq!(f.class, ReachClass::Timeout, "{f:?}");
    assert!(
        f.detail.contains("did not answer within 1s"),
        "{}",
        f.detail
    );
    // A timeout is the transport failing: /livez and /readyz carry it, not asked again.
    assert_eq!(h.livez.failure(), Some(f));
    drop(listener);
}

const SANS: [&str; 2] = ["127.0.0.1", "kubernetes"];

async fn https(chain: String, key: String) -> kmedic::sim::RunningSim {
    kmedic::sim::start_https(
        SimOptions {
            source: ScenarioSource::Objects(vec![]),
            live: false,
            ..SimOptions::default()
        },
        SimTls {
            cert_chain_pem: chain,
            key_pem: key,
            ca_pem: None,
        },
    )
    .await
    .unwrap()
}

async fn class_against(
    sim: &kmedic::sim::RunningSim,
    trusted_ca_pem: &str,
) -> (ApiHealth, Vec<Finding>) {
    let (_dir, client) = client_for(&kubeconfig(&sim.url(), Some(trusted_ca_pem))).await;
    let h = probe(&client).await;
    let f = findings(h.clone());
    (h, f)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn x509_failures_are_told_apart() {
    let real = ca("kubernetes");
    let other = ca("another-cluster");
    let good = leaf(
        &real,
        Leaf {
            cn: "kube-apiserver",
            sans: &SANS,
            server: true,
            ..Leaf::default()
        },
    );
    let sim = https(good.cert_pem.clone(), good.key_pem.clone()).await;
    let (h, _) = class_against(&sim, &real.pair.cert_pem).await;
    assert_eq!(
        h.git_version(),
        Some("v1.33.2"),
        "the right CA verifies: {h:?}"
    );
    let (h, f) = class_against(&sim, &other.pair.cert_pem).await;
    assert_eq!(
        failure_class(&h),
        Some(ReachClass::UnknownAuthority),
        "{h:?}"
    );
    assert!(f[0].summary.contains("unknown authority"));

    let expired = leaf(
        &real,
        Leaf {
            cn: "kube-apiserver",
            sans: &SANS,
            server: true,
            from_days: -400,
            to_days: -35,
            ..Leaf::default()
        },
    );
    let sim = https(expired.cert_pem.clone(), expired.key_pem.clone()).await;
    let (h, f) = class_against(&sim, &real.pair.cert_pem).await;
    assert_eq!(failure_class(&h), Some(ReachClass::CertExpired), "{h:?}");
    assert!(
        f[0].next_steps
            .iter()
            .any(|s| s.contains("kubeadm certs check-expiration"))
    );

    let wrong = leaf(
        &real,
        Leaf {
            cn: "kube-apiserver",
            sans: &["cp.example.com"],
            server: true,
            ..Leaf::default()
        },
    );
    let sim = https(wrong.cert_pem.clone(), wrong.key_pem.clone()).await;
    let (h, _) = class_against(&sim, &real.pair.cert_pem).await;
    assert_eq!(failure_class(&h), Some(ReachClass::WrongName), "{h:?}");
}

//! The simulated cluster served over HTTPS with chains generated at test time: the serving
//! chain is captured from the TLS handshake (also when it does not verify), checked against
//! the kubeconfig's CA and the names clients use, and TLS Secrets are read from the cluster.

#[path = "fixtures/certs/gen.rs"]
mod generated;

use std::path::{Path, PathBuf};

use generated::{Ca, Leaf, b64, ca, leaf};
use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;
use kmedic::certs::collect::CertSources;
use kmedic::certs::{CertsReport, ChainVerdict, SourceKind};
use kmedic::cluster::{ConnectOptions, build_client, load_kubeconfig};
use kmedic::sim::{RunningSim, ScenarioSource, SimOptions, SimTls};
use kube::api::{Api, ListParams};
use serde_json::json;

const API_SANS: [&str; 6] = [
    "127.0.0.1",
    "kubernetes",
    "kubernetes.default",
    "kubernetes.default.svc",
    "kubernetes.default.svc.cluster.local",
    "10.96.0.1",
];

fn objects(secret_chain: &str, secret_key: &str, secret_ca: &str) -> Vec<serde_json::Value> {
    vec![
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}}),
        json!({"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": "kubernetes", "namespace": "default"},
               "spec": {"clusterIP": "10.96.0.1", "ports": [{"port": 443}]}}),
        json!({"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
               "metadata": {"name": "web-tls", "namespace": "default"},
               "data": {"tls.crt": b64(secret_chain), "tls.key": b64(secret_key), "ca.crt": b64(secret_ca)}}),
        json!({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
               "metadata": {"name": "not-tls", "namespace": "default"}, "data": {"x": "eA=="}}),
    ]
}

async fn serve(
    chain: String,
    key: String,
    kubeconfig_ca: &Ca,
    objects: Vec<serde_json::Value>,
) -> RunningSim {
    let opts = SimOptions {
        source: ScenarioSource::Objects(objects),
        live: false,
        ..SimOptions::default()
    };
    let tls = SimTls {
        cert_chain_pem: chain,
        key_pem: key,
        ca_pem: Some(kubeconfig_ca.pair.cert_pem.clone()),
    };
    kmedic::sim::start_https(opts, tls)
        .await
        .expect("HTTPS simulated cluster starts")
}

fn write_kubeconfig(dir: &Path, sim: &RunningSim) -> PathBuf {
    let path = dir.join("kubeconfig");
    std::fs::write(&path, sim.kubeconfig_yaml()).expect("write kubeconfig");
    path
}

async fn certs_report(kubeconfig: &Path, root: &Path) -> CertsReport {
    let sources = CertSources {
        kubeconfig: Some(kubeconfig.to_path_buf()),
        context: None,
        host_root: root.to_path_buf(),
        offline: false,
    };
    kmedic::certs::collect::collect(&sources, Timestamp::now())
        .await
        .expect("certs runs")
}

async fn pods_listed(kubeconfig: &Path) -> Result<usize, String> {
    let setup = load_kubeconfig(&ConnectOptions {
        kubeconfig: Some(kubeconfig.to_path_buf()),
        ..Default::default()
    })
    .map_err(|e| e.to_string())?;
    let client = build_client(&setup, false).await?;
    Api::<Pod>::all(client)
        .list(&ListParams::default())
        .await
        .map(|l| l.items.len())
        .map_err(|e| e.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn served_chain_with_intermediate_verifies_and_secrets_are_read() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = ca("kubernetes");
    let intermediate = generated::intermediate(&root, "kubernetes-intermediate");
    let server = leaf(
        &intermediate,
        Leaf {
            cn: "kube-apiserver",
            sans: &API_SANS,
            server: true,
            ..Leaf::default()
        },
    );
    let chain = format!("{}{}", server.cert_pem, intermediate.pair.cert_pem);
    let web_ca = ca("web-ca");
    let web = leaf(
        &web_ca,
        Leaf {
            cn: "web",
            sans: &["web.default.svc"],
            server: true,
            ..Leaf::default()
        },
    );
    let web_chain = format!("{}{}", web.cert_pem, web_ca.pair.cert_pem);
    let sim = serve(
        chain,
        server.key_pem.clone(),
        &root,
        objects(&web_chain, &web.key_pem, &web_ca.pair.cert_pem),
    )
    .await;
    let kubeconfig = write_kubeconfig(dir.path(), &sim);
    assert!(sim.url().starts_with("https://127.0.0.1:"));
    assert_eq!(
        pods_listed(&kubeconfig).await,
        Ok(0),
        "a verifying kube client works over HTTPS"
    );

    let empty = dir.path().join("root");
    std::fs::create_dir(&empty).expect("mkdir");
    let report = certs_report(&kubeconfig, &empty).await;
    let served = report
        .certificates
        .iter()
        .find(|e| e.source == SourceKind::TlsHandshake)
        .expect("captured");
    assert_eq!(served.chain.len(), 2);
    let expected = kmedic::certs::parse_certificates(server.cert_pem.as_bytes()).expect("leaf");
    assert_eq!(
        served.chain[0].sha256_fingerprint,
        expected[0].sha256_fingerprint
    );
    assert!(
        matches!(served.verdict, Some(ChainVerdict::Trusted { .. })),
        "{:?}",
        served.verdict
    );
    assert!(
        served.required_names.contains(&"10.96.0.1".to_string()),
        "{:?}",
        served.required_names
    );
    assert!(served.required_names.contains(&"127.0.0.1".to_string()));
    let secret = report
        .certificates
        .iter()
        .find(|e| e.name == "default/web-tls tls.crt")
        .expect("TLS secret");
    assert_eq!(secret.chain.len(), 2, "every certificate of tls.crt");
    assert!(
        matches!(secret.verdict, Some(ChainVerdict::Trusted { .. })),
        "{:?}",
        secret.verdict
    );
    assert_eq!(secret.key, Some(kmedic::certs::KeyMatch::Matches));
    assert!(
        report
            .certificates
            .iter()
            .any(|e| e.name == "default/web-tls ca.crt")
    );
    assert!(
        !report
            .certificates
            .iter()
            .any(|e| e.name.contains("not-tls"))
    );
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_serving_certificate_is_captured_and_explained() {
    let dir = tempfile::tempdir().expect("tmp");
    let trusted = ca("kubernetes");
    let impostor = ca("kubernetes");
    let server = leaf(
        &impostor,
        Leaf {
            cn: "kube-apiserver",
            sans: &["kubernetes"],
            server: true,
            ..Leaf::default()
        },
    );
    let web_ca = ca("web-ca");
    let web = leaf(
        &web_ca,
        Leaf {
            cn: "web",
            sans: &["web.default.svc"],
            server: true,
            ..Leaf::default()
        },
    );
    let sim = serve(
        server.cert_pem.clone(),
        server.key_pem.clone(),
        &trusted,
        objects(&web.cert_pem, &web.key_pem, &web_ca.pair.cert_pem),
    )
    .await;
    let kubeconfig = write_kubeconfig(dir.path(), &sim);
    let refused = pods_listed(&kubeconfig).await;
    assert!(
        refused.is_err(),
        "a verifying client refuses it: {refused:?}"
    );

    let empty = dir.path().join("root");
    std::fs::create_dir(&empty).expect("mkdir");
    let report = certs_report(&kubeconfig, &empty).await;
    let served = report
        .certificates
        .iter()
        .find(|e| e.source == SourceKind::TlsHandshake)
        .expect("captured anyway");
    let expected = kmedic::certs::parse_certificates(server.cert_pem.as_bytes()).expect("leaf");
    assert_eq!(
        served.chain[0].sha256_fingerprint,
        expected[0].sha256_fingerprint
    );
    let checks: Vec<&str> = report.findings.iter().map(|f| f.check.as_str()).collect();
    assert!(checks.contains(&"cert-ca-mismatch"), "{checks:?}");
    let san = report
        .findings
        .iter()
        .find(|f| f.check == "cert-san-missing")
        .expect("SAN finding");
    assert!(san.summary.contains("127.0.0.1"), "{}", san.summary);
    assert!(report.fails());

    // The binary, on the same server: exit code 1 and JSON naming the findings.
    let kubeconfig_arg = kubeconfig.display().to_string();
    let root_arg = empty.display().to_string();
    let log = dir.path().join("kmedic.log").display().to_string();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_kmedic"))
            .args([
                "certs",
                "--kubeconfig",
                &kubeconfig_arg,
                "--host-root",
                &root_arg,
                "-o",
                "json",
                "--log-file",
                &log,
            ])
            .output()
            .expect("kmedic runs")
    })
    .await
    .expect("join");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let handshake = value["certificates"]
        .as_array()
        .expect("list")
        .iter()
        .find(|c| c["source"] == "tls-handshake")
        .cloned()
        .expect("handshake entry");
    assert_eq!(handshake["verdict"]["result"], "same-name-different-ca");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_server_is_a_warning_not_a_failure() {
    let dir = tempfile::tempdir().expect("tmp");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let authority = ca("kubernetes");
    let client = leaf(&authority, Leaf::default());
    let kubeconfig = dir.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        generated::kubeconfig(
            &format!("https://127.0.0.1:{port}"),
            &authority.pair.cert_pem,
            &client,
        ),
    )
    .expect("write");
    let report = certs_report(&kubeconfig, dir.path()).await;
    let checks: Vec<&str> = report.findings.iter().map(|f| f.check.as_str()).collect();
    assert_eq!(checks, vec!["cert-handshake-failed"]);
    assert!(!report.fails());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renewed_on_disk_but_still_serving_the_old_certificate() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("root");
    let cas = generated::kubeadm_root(&root);
    const SANS: [&str; 7] = [
        "127.0.0.1",
        "192.168.1.10",
        "kubernetes",
        "kubernetes.default",
        "kubernetes.default.svc",
        "kubernetes.default.svc.cluster.local",
        "10.96.0.1",
    ];
    let old = leaf(
        &cas.ca,
        Leaf {
            cn: "kube-apiserver",
            sans: &SANS,
            from_days: -300,
            to_days: 65,
            server: true,
            ..Leaf::default()
        },
    );
    let renewed = leaf(
        &cas.ca,
        Leaf {
            cn: "kube-apiserver",
            sans: &SANS,
            server: true,
            ..Leaf::default()
        },
    );
    generated::overwrite(&root, "etc/kubernetes/pki/apiserver.crt", &renewed.cert_pem);
    generated::overwrite(&root, "etc/kubernetes/pki/apiserver.key", &renewed.key_pem);
    let sim = serve(
        old.cert_pem.clone(),
        old.key_pem.clone(),
        &cas.ca,
        objects(&renewed.cert_pem, &renewed.key_pem, &cas.ca.pair.cert_pem),
    )
    .await;
    let kubeconfig = write_kubeconfig(dir.path(), &sim);
    let report = certs_report(&kubeconfig, &root).await;
    let checks: Vec<&str> = report.findings.iter().map(|f| f.check.as_str()).collect();
    assert_eq!(checks, vec!["cert-not-reloaded"], "{:#?}", report.findings);
    assert_eq!(
        report.findings[0].severity,
        kmedic::findings::Severity::Warning
    );
    sim.shutdown().await;
}

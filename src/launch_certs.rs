//! `kmedic certs`: collects certificates from the kubeconfig, the node PKI under
//! `--host-root` and the current context's TLS handshake, then prints the kubeadm-style
//! tables and the findings (text or JSON). Exit code: 0 nothing wrong, 1 an error or critical
//! finding, 2 could not run.

use std::path::Path;
use std::time::Duration;

use jiff::Timestamp;

use crate::certs::{self, CertEntry, CertsReport};
use crate::cli::{CertsArgs, ConnectArgs, OutputFormat};
use crate::cluster::kubeconfig::kubeconfig_paths;
use crate::cluster::{ConnectOptions, load_kubeconfig};
use crate::findings::{Evidence, Finding, ObjectRef, Pane, Severity};

/// How long the capture handshake may take.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);

/// Runs `kmedic certs` and returns the exit code.
pub async fn run(connect: &ConnectArgs, args: &CertsArgs) -> Result<u8, String> {
    let now = Timestamp::now();
    let report = collect(connect, args, now).await?;
    let text = match args.output {
        OutputFormat::Json => {
            serde_json::to_string_pretty(&report).map_err(|e| format!("cannot encode JSON: {e}"))?
                + "\n"
        }
        OutputFormat::Text => certs::report::render_text(&report, now),
    };
    print!("{text}");
    Ok(if report.fails() { 1 } else { 0 })
}

/// Gathers every source; fails only when there is nothing at all to inspect or an explicit
/// `--kubeconfig` cannot be used.
pub async fn collect(
    connect: &ConnectArgs,
    args: &CertsArgs,
    now: Timestamp,
) -> Result<CertsReport, String> {
    if let Some(explicit) = &connect.kubeconfig {
        if !explicit.exists() {
            return Err(format!("kubeconfig {} does not exist", explicit.display()));
        }
    }
    if !args.host_root.is_dir() {
        return Err(format!(
            "--host-root {} is not a directory",
            args.host_root.display()
        ));
    }
    let files = kubeconfig_paths(connect.kubeconfig.as_deref()).unwrap_or_default();
    let mut entries: Vec<CertEntry> = certs::from_kubeconfig::collect(&files);
    entries.extend(certs::node::collect(&args.host_root));
    let mut extra = Vec::new();
    let options = ConnectOptions {
        kubeconfig: connect.kubeconfig.clone(),
        context: connect.context.clone(),
        namespace: None,
    };
    let setup = load_kubeconfig(&options);
    match (&setup, args.offline) {
        (Ok(setup), false) => {
            let base = setup
                .files
                .first()
                .and_then(|f| f.parent())
                .map(Path::to_path_buf)
                .unwrap_or_default();
            let ca = certs::served::context_ca(&setup.kubeconfig, &setup.context, &base);
            let served =
                certs::served::collect(&setup.server, &setup.context, ca, None, HANDSHAKE_TIMEOUT);
            match served.await {
                Ok(entry) => entries.push(entry),
                Err(message) => extra.push(no_handshake(&setup.server, message)),
            }
        }
        (Err(problem), _) if connect.kubeconfig.is_some() || connect.context.is_some() => {
            return Err(problem.to_string());
        }
        _ => {}
    }
    if entries.is_empty() && extra.is_empty() {
        return Err(format!(
            "no certificates to inspect: no usable kubeconfig and no Kubernetes PKI under {}",
            args.host_root.display()
        ));
    }
    let mut report = CertsReport::new(entries, now);
    report.findings.extend(extra);
    report.findings.sort_by(|a, b| a.severity.cmp(&b.severity));
    Ok(report)
}

fn no_handshake(server: &str, message: String) -> Finding {
    Finding {
        pane: Pane::Certs,
        check: "cert-handshake-failed".into(),
        severity: Severity::Warning,
        object: ObjectRef::new("APIServer", "", server),
        summary: format!("the API server's certificate could not be captured: {message}"),
        explanation:
            "Without a TLS handshake kmedic cannot show which certificate the API server presents."
                .into(),
        evidence: vec![Evidence::new("server", server)],
        next_steps: vec![format!(
            "openssl s_client -connect {} -showcerts </dev/null",
            server.trim_start_matches("https://")
        )],
        caused_by: Vec::new(),
    }
}

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
use crate::cluster::{ConnectOptions, KubeSetup, build_client, load_kubeconfig};
use crate::findings::{Evidence, Finding, ObjectRef, Pane, Severity};

/// How long the capture handshake may take.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);

/// Runs `kmedic certs` and returns the exit code.
pub async fn run(connect: &ConnectArgs, args: &CertsArgs) -> Result<u8, String> {
    let now = Timestamp::now();
    let report = collect(connect, args, now).await?;
    let text = match args.output {
        OutputFormat::Json => crate::text_safety::json::to_string_pretty(&report)?,
        OutputFormat::Text => certs::report::render_text(&report, now),
    };
    crate::text_safety::sink::write_stdout(&text)?;
    Ok(if report.fails() { 1 } else { 0 })
}

/// Gathers every source; fails only when there is nothing at all to inspect or an explicit
/// `--kubeconfig` cannot be used.
pub async fn collect(
    connect: &ConnectArgs,
    args: &CertsArgs,
    now: Timestamp,
) -> Result<CertsReport, String> {
    if let Some(explicit) = connect.kubeconfig.as_ref().filter(|k| !k.exists()) {
        return Err(format!("kubeconfig {} does not exist", explicit.display()));
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
    let mut extra = certs::from_kubeconfig::insecure_clusters(&files);
    let options = ConnectOptions {
        kubeconfig: connect.kubeconfig.clone(),
        context: connect.context.clone(),
        namespace: None,
    };
    let setup = load_kubeconfig(&options);
    let mut notes = Vec::new();
    match (&setup, args.offline) {
        (Ok(setup), false) => {
            let (served, cluster_extra, cluster_notes) = from_cluster(setup, now).await;
            entries.extend(served);
            extra.extend(cluster_extra);
            notes.extend(cluster_notes);
        }
        (Err(problem), false) if problem.is_broken_cluster() => {
            return Err(problem.to_string());
        }
        (Err(problem), true) if problem.is_broken_cluster() => {
            notes.push(format!("no handshake possible: {problem}"));
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
    report.notes = notes;
    report.findings.extend(extra);
    report.findings.sort_by_key(|f| f.severity);
    Ok(report)
}

/// The current context's serving chain, then (when the API answers) the in-cluster
/// certificates. Returns entries, findings and notes about sources that were skipped.
async fn from_cluster(
    setup: &KubeSetup,
    now: Timestamp,
) -> (Vec<CertEntry>, Vec<Finding>, Vec<String>) {
    let mut entries = Vec::new();
    let mut findings = Vec::new();
    let mut notes = Vec::new();
    let base = setup
        .files
        .first()
        .and_then(|f| f.parent())
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let ca = certs::served::context_ca(&setup.kubeconfig, &setup.context, &base);
    let served =
        certs::served::collect(&setup.server, &setup.context, ca, None, HANDSHAKE_TIMEOUT).await;
    let mut served_index = None;
    match served {
        Ok(entry) => {
            served_index = Some(entries.len());
            entries.push(entry);
        }
        Err(message) if setup.server.starts_with("http://") => notes.push(message),
        Err(message) => {
            findings.push(no_handshake(&setup.server, message));
            return (entries, findings, notes);
        }
    }
    let client = match build_client(setup, false).await {
        Ok(client) => client,
        Err(e) => {
            notes.push(format!("cluster objects not read: {e}"));
            return (entries, findings, notes);
        }
    };
    let Some(ip) = certs::cluster::service_ip(&client).await else {
        notes.push("cluster objects not read: the API server did not answer".into());
        return (entries, findings, notes);
    };
    if let Some(entry) = served_index
        .and_then(|i| entries.get_mut(i))
        .filter(|e| !e.required_names.contains(&ip))
    {
        entry.required_names.push(ip);
    }
    let (cluster_entries, cluster_findings, skipped) = certs::cluster::collect(&client, now).await;
    entries.extend(cluster_entries);
    findings.extend(cluster_findings);
    notes.extend(skipped.into_iter().map(|s| format!("not read: {s}")));
    (entries, findings, notes)
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

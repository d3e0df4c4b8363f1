//! Gathering every certificate kmedic can see: the kubeconfig's, the node PKI under a host
//! root, the API server's served chain (a TLS handshake) and, when the API answers, the
//! certificates kept in cluster objects. Used by `kmedic certs` and the UI's Certificates
//! screen alike.

use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Timestamp;

use super::{CertEntry, CertsReport};
use crate::cluster::kubeconfig::kubeconfig_paths;
use crate::cluster::{ConnectOptions, KubeSetup, build_client, load_kubeconfig};
use crate::findings::{Evidence, Finding, ObjectRef, Pane, Severity};

/// How long the capture handshake may take when `--connect-timeout 0` asks to wait forever.
const HANDSHAKE_FOREVER: Duration = Duration::from_secs(24 * 3600);

/// What the cluster part found: entries, findings, notes about skipped sources, and why the
/// API server could not be inspected at all when it did not answer in time.
#[derive(Default)]
struct FromCluster {
    entries: Vec<CertEntry>,
    findings: Vec<Finding>,
    notes: Vec<String>,
    unanswered: Option<String>,
}

/// Where to look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertSources {
    /// An explicit kubeconfig (else `$KUBECONFIG` or `~/.kube/config`).
    pub kubeconfig: Option<PathBuf>,
    /// The context whose API server is inspected (else the current one).
    pub context: Option<String>,
    /// Root of the node's file system (`/` on a node).
    pub host_root: PathBuf,
    /// Do not connect to the cluster (no handshake, no cluster objects).
    pub offline: bool,
}

/// Gathers every source; fails only when there is nothing at all to inspect or an explicit
/// `--kubeconfig` cannot be used.
pub async fn collect(sources: &CertSources, now: Timestamp) -> Result<CertsReport, String> {
    let (connect, args) = (sources, sources);
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
    let mut entries: Vec<CertEntry> = super::from_kubeconfig::collect(&files);
    entries.extend(super::node::collect(&args.host_root));
    let mut extra = super::from_kubeconfig::insecure_clusters(&files);
    let options = ConnectOptions {
        kubeconfig: connect.kubeconfig.clone(),
        context: connect.context.clone(),
        namespace: None,
    };
    let setup = load_kubeconfig(&options);
    let mut notes = Vec::new();
    let mut unanswered = None;
    match (&setup, args.offline) {
        (Ok(setup), false) => {
            let found = from_cluster(setup, now).await;
            entries.extend(found.entries);
            extra.extend(found.findings);
            notes.extend(found.notes);
            notes.extend(found.unanswered.clone());
            unanswered = found.unanswered;
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
        if let Some(why) = unanswered {
            return Err(format!(
                "{why}; its certificates were not inspected, and there was nothing else to inspect"
            ));
        }
        return Err(format!(
            "no certificates to inspect: no usable kubeconfig and no Kubernetes PKI under {}",
            args.host_root.display()
        ));
    }
    let mut report = CertsReport::new(entries, now);
    report.notes = notes;
    report.unanswered = unanswered;
    report.findings.extend(extra);
    report.findings.sort_by_key(|f| f.severity);
    Ok(report)
}

/// The current context's serving chain, then (when the API answers) the in-cluster
/// certificates.
async fn from_cluster(setup: &KubeSetup, now: Timestamp) -> FromCluster {
    let mut out = FromCluster::default();
    let base = setup
        .files
        .first()
        .and_then(|f| f.parent())
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let ca = super::served::context_ca(&setup.kubeconfig, &setup.context, &base);
    let wait = crate::cluster::client::default_settings()
        .connect_timeout
        .unwrap_or(HANDSHAKE_FOREVER);
    let served = super::served::collect(&setup.server, &setup.context, ca, None, wait).await;
    let mut served_index = None;
    match served {
        Ok(entry) => {
            served_index = Some(out.entries.len());
            out.entries.push(entry);
        }
        Err(message) if setup.server.starts_with("http://") => out.notes.push(message),
        Err(message) if message.contains(super::handshake::NO_HANDSHAKE) => {
            out.unanswered = Some(format!(
                "the API server {} {} {} (is it up and reachable? wait longer with --connect-timeout; 0 waits forever)",
                setup.server,
                super::handshake::NO_HANDSHAKE,
                crate::cluster::timeouts::human(wait)
            ));
            return out;
        }
        Err(message) => {
            out.findings.push(no_handshake(&setup.server, message));
            return out;
        }
    }
    let client = match build_client(setup, false).await {
        Ok(client) => client,
        Err(e) => {
            out.notes.push(format!("cluster objects not read: {e}"));
            return out;
        }
    };
    let ip = match super::cluster::service_ip(&client).await {
        Ok(Some(ip)) => ip,
        Ok(None) => {
            out.notes
                .push("cluster objects not read: the API server did not answer".into());
            return out;
        }
        Err(no_answer) => {
            out.unanswered = Some(no_answer);
            return out;
        }
    };
    if let Some(entry) = served_index
        .and_then(|i| out.entries.get_mut(i))
        .filter(|e| !e.required_names.contains(&ip))
    {
        entry.required_names.push(ip);
    }
    let (cluster_entries, cluster_findings, skipped) = super::cluster::collect(&client, now).await;
    out.entries.extend(cluster_entries);
    out.findings.extend(cluster_findings);
    out.notes
        .extend(skipped.into_iter().map(|s| format!("not read: {s}")));
    out
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

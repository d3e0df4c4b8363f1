//! Certificates named by kubeconfig files: every context's cluster CA and client certificate
//! (with its key), each client certificate checked against its cluster's CA.

use std::collections::HashSet;
use std::path::Path;

use super::entry::{CertEntry, Role, SourceKind, Trust};
use super::info::{CertInfo, parse_certificates};
use super::kubefile::{KubeFile, Material, PathRules, load_material, read_kubefile};
use super::verify::key_matches;
use crate::findings::ObjectRef;

/// Fills `entry.chain` (or `entry.error`) from loaded bytes.
pub fn fill_chain(entry: &mut CertEntry, bytes: Result<Vec<u8>, String>) {
    match bytes.and_then(|b| parse_certificates(&b).map_err(|e| e.to_string())) {
        Ok(chain) => entry.chain = chain,
        Err(e) => entry.error = Some(e),
    }
}

/// Compares the key `material` with the entry's leaf.
pub fn check_key(
    entry: &mut CertEntry,
    material: Option<Material>,
    field: &str,
    rules: &PathRules,
) {
    let Some(material) = material else {
        return;
    };
    if entry.leaf().is_none() {
        return;
    }
    let (bytes, _) = load_material(&material, field, rules);
    check_key_bytes(entry, bytes);
}

/// Compares loaded key bytes (or why they could not be loaded) with the entry's leaf.
pub fn check_key_bytes(entry: &mut CertEntry, bytes: Result<Vec<u8>, String>) {
    let Some(leaf) = entry.leaf() else {
        return;
    };
    entry.key = Some(match bytes {
        Ok(bytes) => key_matches(leaf, &String::from_utf8_lossy(&bytes)),
        Err(e) => super::verify::KeyMatch::Unreadable(e),
    });
}

/// What one kubeconfig file holds: CA entries and client entries.
pub fn collect_file(
    path: &Path,
    file: &KubeFile,
    rules: &PathRules,
    kind: SourceKind,
    only_context: Option<&str>,
) -> Vec<CertEntry> {
    let mut out = Vec::new();
    let mut seen_clusters = HashSet::new();
    for ctx in &file.contexts {
        if only_context.is_some_and(|c| c != ctx.name) {
            continue;
        }
        let cluster = file.cluster(&ctx.context.cluster);
        let ca_material = cluster
            .and_then(|c| Material::pick(&c.certificate_authority_data, &c.certificate_authority));
        let mut ca_certs: Vec<CertInfo> = Vec::new();
        if let Some(material) = ca_material {
            let (bytes, location) = load_material(&material, "certificate-authority", rules);
            let mut entry = CertEntry::new(
                kind,
                format!("cluster CA ({})", ctx.context.cluster),
                format!(
                    "{}: cluster {} {location}",
                    path.display(),
                    ctx.context.cluster
                ),
                ObjectRef::new("KubeconfigCluster", "", ctx.context.cluster.clone()),
                Role::Ca,
            );
            entry.critical = true;
            fill_chain(&mut entry, bytes);
            ca_certs = entry.chain.clone();
            if seen_clusters.insert(ctx.context.cluster.clone()) {
                out.push(entry);
            }
        }
        let Some(user) = file.user(&ctx.context.user) else {
            continue;
        };
        let Some(cert) = Material::pick(&user.client_certificate_data, &user.client_certificate)
        else {
            continue;
        };
        let (bytes, location) = load_material(&cert, "client-certificate", rules);
        let mut entry = CertEntry::new(
            kind,
            format!("client certificate ({})", ctx.name),
            format!("{}: user {} {location}", path.display(), ctx.context.user),
            ObjectRef::new("KubeconfigContext", "", ctx.name.clone()),
            Role::Client,
        );
        fill_chain(&mut entry, bytes);
        if !ca_certs.is_empty() {
            entry.trust(Trust {
                name: format!("cluster CA ({})", ctx.context.cluster),
                certs: ca_certs,
            });
        }
        let key = Material::pick(&user.client_key_data, &user.client_key);
        check_key(&mut entry, key, "client-key", rules);
        out.push(entry);
    }
    out
}

/// Every context of every kubeconfig file (relative paths resolve against each file's
/// directory). A file that cannot be read becomes an entry with an error.
pub fn collect(files: &[std::path::PathBuf]) -> Vec<CertEntry> {
    let mut out = Vec::new();
    for path in files {
        if !path.exists() {
            continue;
        }
        let rules = PathRules {
            base: path.parent().map(Path::to_path_buf).unwrap_or_default(),
            root: None,
        };
        match read_kubefile(path) {
            Ok(file) => out.extend(collect_file(
                path,
                &file,
                &rules,
                SourceKind::Kubeconfig,
                None,
            )),
            Err(e) => {
                let mut entry = CertEntry::new(
                    SourceKind::Kubeconfig,
                    "kubeconfig",
                    path.display().to_string(),
                    ObjectRef::new("File", "", path.display().to_string()),
                    Role::Unknown,
                );
                entry.error = Some(e);
                out.push(entry);
            }
        }
    }
    out
}

/// Clusters that turn TLS verification off (`insecure-skip-tls-verify: true`).
pub fn insecure_clusters(files: &[std::path::PathBuf]) -> Vec<crate::findings::Finding> {
    use crate::findings::{Evidence, Finding, Pane, Severity};
    let mut out = Vec::new();
    for path in files {
        let Ok(file) = read_kubefile(path) else {
            continue;
        };
        for cluster in file
            .clusters
            .iter()
            .filter(|c| c.cluster.insecure_skip_tls_verify == Some(true))
        {
            out.push(Finding {
                pane: Pane::Certs,
                check: "kubeconfig-insecure".into(),
                severity: Severity::Warning,
                object: ObjectRef::new("KubeconfigCluster", "", cluster.name.clone()),
                summary: format!(
                    "cluster {} in {} skips TLS verification",
                    cluster.name,
                    path.display()
                ),
                explanation: "With insecure-skip-tls-verify the client accepts any certificate, so a wrong or intercepted API server goes unnoticed (and certificate problems are hidden).".into(),
                evidence: vec![Evidence::new(
                    "server",
                    cluster.cluster.server.clone().unwrap_or_default(),
                )],
                next_steps: vec![format!(
                    "kubectl config set-cluster {} --insecure-skip-tls-verify=false --certificate-authority=<ca.crt> --embed-certs",
                    cluster.name
                )],
                caused_by: Vec::new(),
            });
        }
    }
    out
}

//! A node's PKI under `--host-root` (read-only): kubeadm's `/etc/kubernetes/pki/**`, the
//! certificates embedded in `/etc/kubernetes/*.conf`, and `/var/lib/kubelet/pki/`. Each
//! certificate is checked against the CA kubeadm would use for it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::entry::{CertEntry, Identity, KubeadmRow, Role, SourceKind, Trust};
use super::from_kubeconfig::{check_key, collect_file, fill_chain};
use super::info::CertInfo;
use super::kubefile::{Material, PathRules, read_kubefile};
use super::names::{
    DEFAULT_SERVICE_RANGE, first_service_ip, manifest_flag, service_names, url_host,
};
use crate::findings::ObjectRef;

/// kubeadm's CAs: table name and path under `pki/`.
const CAS: [(&str, &str); 3] = [
    ("ca", "ca"),
    ("etcd-ca", "etcd/ca"),
    ("front-proxy-ca", "front-proxy-ca"),
];

/// kubeadm's leaf certificates: table name, path under `pki/`, CA, role, critical.
const LEAVES: [(&str, &str, &str, Role, bool); 7] = [
    ("apiserver", "apiserver", "ca", Role::Server, true),
    (
        "apiserver-etcd-client",
        "apiserver-etcd-client",
        "etcd-ca",
        Role::Client,
        true,
    ),
    (
        "apiserver-kubelet-client",
        "apiserver-kubelet-client",
        "ca",
        Role::Client,
        false,
    ),
    (
        "etcd-healthcheck-client",
        "etcd/healthcheck-client",
        "etcd-ca",
        Role::Client,
        false,
    ),
    ("etcd-peer", "etcd/peer", "etcd-ca", Role::Peer, true),
    ("etcd-server", "etcd/server", "etcd-ca", Role::Server, true),
    (
        "front-proxy-client",
        "front-proxy-client",
        "front-proxy-ca",
        Role::Client,
        true,
    ),
];

/// Kubeconfigs kubeadm lists, and whether losing them stops a control-plane component.
const CONFS: [(&str, bool); 4] = [
    ("admin.conf", false),
    ("controller-manager.conf", true),
    ("scheduler.conf", true),
    ("super-admin.conf", false),
];

fn file_entry(name: &str, path: &Path, role: Role) -> CertEntry {
    let location = path.display().to_string();
    let mut entry = CertEntry::new(
        SourceKind::Node,
        name,
        location.clone(),
        ObjectRef::new("File", "", location),
        role,
    );
    if path.is_symlink() && !path.exists() {
        let target = std::fs::read_link(path).unwrap_or_default();
        entry.error = Some(format!("dangling symlink to {}", target.display()));
    } else if path.exists() {
        fill_chain(
            &mut entry,
            std::fs::read(path).map_err(|e| format!("{}: {e}", path.display())),
        );
    } else {
        entry.error = Some(super::entry::MISSING.into());
    }
    entry
}

fn key_of(entry: &mut CertEntry, key: &Path) {
    if key.exists() {
        let rules = PathRules {
            base: PathBuf::new(),
            root: None,
        };
        check_key(
            entry,
            Some(Material::File(key.display().to_string())),
            "key",
            &rules,
        );
    }
}

/// Everything found under `root`. Empty when the root has no Kubernetes files.
pub fn collect(root: &Path) -> Vec<CertEntry> {
    let etc = root.join("etc/kubernetes");
    let pki = etc.join("pki");
    let mut out = Vec::new();
    let mut cas: HashMap<&str, Vec<CertInfo>> = HashMap::new();
    let has_pki = pki.is_dir();
    let has_etcd = pki.join("etcd").is_dir();
    let ca_key_missing = |ca: &str| {
        let path = CAS.iter().find(|(n, _)| *n == ca).map_or("ca", |(_, p)| p);
        !pki.join(format!("{path}.key")).exists()
    };
    for (name, path) in CAS {
        let crt = pki.join(format!("{path}.crt"));
        if !has_pki || (name == "etcd-ca" && !has_etcd && !crt.exists()) {
            continue;
        }
        let mut entry = file_entry(name, &crt, Role::Ca);
        entry.critical = true;
        key_of(&mut entry, &pki.join(format!("{path}.key")));
        entry.kubeadm = Some(KubeadmRow {
            name: name.into(),
            authority: String::new(),
            externally_managed: ca_key_missing(name),
        });
        cas.insert(name, entry.chain.clone());
        out.push(entry);
    }
    let confs = read_confs(root, &etc);
    let required = apiserver_names(&etc, &confs);
    for (name, path, ca, role, critical) in LEAVES {
        let crt = pki.join(format!("{path}.crt"));
        if !has_pki || (path.starts_with("etcd/") && !has_etcd) {
            continue;
        }
        let mut entry = file_entry(name, &crt, role);
        entry.critical = critical;
        key_of(&mut entry, &pki.join(format!("{path}.key")));
        if let Some(ca_certs) = cas.get(ca).filter(|c| !c.is_empty()) {
            entry.trust(Trust {
                name: ca.into(),
                certs: ca_certs.clone(),
            });
        }
        if name == "apiserver" {
            entry.required_names = required.clone();
        }
        entry.kubeadm = Some(KubeadmRow {
            name: name.into(),
            authority: ca.into(),
            externally_managed: ca_key_missing(ca),
        });
        out.push(entry);
    }
    let cluster_ca = cas.get("ca").cloned().unwrap_or_default();
    for (conf_name, path, file) in confs {
        let rules = PathRules {
            base: etc.clone(),
            root: Some(root.to_path_buf()),
        };
        let listed = CONFS.iter().find(|(n, _)| *n == conf_name);
        for mut entry in collect_file(&path, &file, &rules, SourceKind::Node, None) {
            entry.name = format!("{conf_name}: {}", entry.name);
            if !cluster_ca.is_empty() {
                entry.trust(Trust {
                    name: "ca".into(),
                    certs: cluster_ca.clone(),
                });
            }
            if let (Role::Client, Some((_, critical))) = (entry.role, listed) {
                entry.identity = conf_identity(&conf_name);
                entry.name = conf_name.clone();
                entry.critical = *critical;
                entry.kubeadm = Some(KubeadmRow {
                    name: conf_name.clone(),
                    authority: "ca".into(),
                    externally_managed: has_pki && ca_key_missing("ca"),
                });
            }
            out.push(entry);
        }
    }
    out.extend(kubelet(root, &cluster_ca));
    out.extend(other_pki_files(&pki, &cas));
    out
}

/// What kubeadm issues each kubeconfig to.
fn conf_identity(conf: &str) -> Option<Identity> {
    let (cn_prefix, groups, reason): (&str, &[&str], &str) = match conf {
        "admin.conf" => (
            "",
            &["kubeadm:cluster-admins", "system:masters"],
            "admin.conf grants cluster-admin through its group",
        ),
        "super-admin.conf" => (
            "",
            &["system:masters"],
            "super-admin.conf bypasses RBAC through system:masters",
        ),
        "controller-manager.conf" => (
            "system:kube-controller-manager",
            &[],
            "RBAC binds the controller-manager's roles to CN=system:kube-controller-manager",
        ),
        "scheduler.conf" => (
            "system:kube-scheduler",
            &[],
            "RBAC binds the scheduler's roles to CN=system:kube-scheduler",
        ),
        _ => return None,
    };
    Some(Identity {
        cn_prefix: cn_prefix.into(),
        any_group: groups.iter().map(|g| g.to_string()).collect(),
        reason: reason.into(),
    })
}

type Conf = (String, PathBuf, super::kubefile::KubeFile);

fn read_confs(_root: &Path, etc: &Path) -> Vec<Conf> {
    let Ok(dir) = std::fs::read_dir(etc) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = dir
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "conf") && p.is_file())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let name = p.file_name()?.to_string_lossy().to_string();
            let file = read_kubefile(&p).ok()?;
            Some((name, p, file))
        })
        .collect()
}

/// The names the API server's certificate must cover on this node.
fn apiserver_names(etc: &Path, confs: &[Conf]) -> Vec<String> {
    let manifest =
        std::fs::read_to_string(etc.join("manifests/kube-apiserver.yaml")).unwrap_or_default();
    let mut names = service_names("cluster.local");
    let range = manifest_flag(&manifest, "service-cluster-ip-range")
        .unwrap_or_else(|| DEFAULT_SERVICE_RANGE.into());
    names.extend(first_service_ip(&range));
    names.extend(manifest_flag(&manifest, "advertise-address"));
    for (_, _, file) in confs {
        for cluster in &file.clusters {
            names.extend(cluster.cluster.server.as_deref().and_then(url_host));
        }
    }
    let mut unique = Vec::new();
    for name in names {
        if !unique.contains(&name) {
            unique.push(name);
        }
    }
    unique
}

fn kubelet(root: &Path, cluster_ca: &[CertInfo]) -> Vec<CertEntry> {
    let dir = root.join("var/lib/kubelet/pki");
    let mut out = Vec::new();
    if !dir.is_dir() {
        return out;
    }
    let client = dir.join("kubelet-client-current.pem");
    if client.exists() || client.is_symlink() {
        let mut entry = file_entry("kubelet client", &client, Role::Client);
        entry.identity = Some(Identity {
            cn_prefix: "system:node:".into(),
            any_group: vec!["system:nodes".into()],
            reason: "The Node authorizer only admits a kubelet as system:node:<name> in group system:nodes".into(),
        });
        key_of(&mut entry, &client);
        if !cluster_ca.is_empty() {
            entry.trust(Trust {
                name: "ca".into(),
                certs: cluster_ca.to_vec(),
            });
        }
        out.push(entry);
    }
    for (name, crt, key) in [
        ("kubelet serving", "kubelet.crt", "kubelet.key"),
        (
            "kubelet serving",
            "kubelet-server-current.pem",
            "kubelet-server-current.pem",
        ),
    ] {
        let path = dir.join(crt);
        if path.exists() {
            let mut entry = file_entry(name, &path, Role::Server);
            key_of(&mut entry, &dir.join(key));
            out.push(entry);
        }
    }
    out
}

/// Certificates under `pki/` that kubeadm does not know (custom CAs, webhooks …).
fn other_pki_files(pki: &Path, cas: &HashMap<&str, Vec<CertInfo>>) -> Vec<CertEntry> {
    let mut files = Vec::new();
    walk(pki, &mut files, 0);
    files.sort();
    let known: Vec<PathBuf> = CAS
        .iter()
        .map(|(_, p)| *p)
        .chain(LEAVES.iter().map(|l| l.1))
        .map(|p| pki.join(format!("{p}.crt")))
        .collect();
    let mut out = Vec::new();
    for path in files.into_iter().filter(|p| !known.contains(p)) {
        let name = path
            .strip_prefix(pki)
            .unwrap_or(&path)
            .display()
            .to_string();
        let mut entry = file_entry(&name, &path, Role::Unknown);
        if let Some(leaf) = entry.leaf().cloned() {
            if leaf.is_ca {
                entry.role = Role::Ca;
            }
            if !leaf.is_self_signed() {
                let found = cas
                    .iter()
                    .find(|(_, certs)| certs.iter().any(|c| c.subject == leaf.issuer));
                if let Some((ca, certs)) = found {
                    entry.trust(Trust {
                        name: ca.to_string(),
                        certs: certs.clone(),
                    });
                }
            }
        }
        let key = path.with_extension("key");
        key_of(&mut entry, &key);
        out.push(entry);
    }
    out
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, depth: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() && depth < 4 {
            walk(&path, files, depth + 1);
        } else if path.extension().is_some_and(|x| x == "crt" || x == "pem") {
            files.push(path);
        }
    }
}

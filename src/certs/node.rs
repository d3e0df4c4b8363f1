//! A node's PKI under `--host-root` (read-only): kubeadm's `/etc/kubernetes/pki/**`, the
//! certificates embedded in `/etc/kubernetes/*.conf`, and `/var/lib/kubelet/pki/`. Each
//! certificate is checked against the CA kubeadm would use for it. Every file is read through
//! [`HostFs`]: paths resolve inside the root (an absolute symlink means that path under the
//! root), loops, FIFOs and devices are refused, and reads are capped.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::entry::{CertEntry, Identity, KubeadmRow, Role, SourceKind, Trust};
use super::from_kubeconfig::{check_key_bytes, collect_file, fill_chain};
use super::info::CertInfo;
use super::kubefile::{PathRules, parse_kubefile};
use super::names::{
    DEFAULT_SERVICE_RANGE, first_service_ip, manifest_flag, service_names, url_host,
};
use crate::findings::ObjectRef;
use crate::hostfs::{FileKind, HostFs};

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

/// Reads a host file for a certificate entry: the bytes, or why not (missing, dangling, loop,
/// not a regular file, too large).
pub fn read_host_file(fs: &HostFs, host_path: &Path) -> Result<Vec<u8>, String> {
    match fs.read(host_path) {
        Ok(file) if file.truncated => Err(format!(
            "larger than {} MiB: not read",
            fs.limits().max_file_bytes / (1024 * 1024)
        )),
        Ok(file) => Ok(file.bytes),
        Err(e) => Err(e.reason()),
    }
}

fn file_entry(fs: &HostFs, name: &str, path: &Path, role: Role) -> CertEntry {
    let location = fs.local_path(path).display().to_string();
    let mut entry = CertEntry::new(
        SourceKind::Node,
        name,
        location.clone(),
        ObjectRef::new("File", "", location),
        role,
    );
    match read_host_file(fs, path) {
        Ok(bytes) => fill_chain(&mut entry, Ok(bytes)),
        Err(reason) => entry.error = Some(reason),
    }
    entry
}

fn key_of(fs: &HostFs, entry: &mut CertEntry, key: &Path) {
    match fs.read(key) {
        Err(e) if e.is_not_found() => {}
        _ => check_key_bytes(entry, read_host_file(fs, key)),
    }
}

/// Everything found under `root`. Empty when the root has no Kubernetes files (or is not a
/// directory).
pub fn collect(root: &Path) -> Vec<CertEntry> {
    match HostFs::new(root) {
        Ok(fs) => collect_from(&fs),
        Err(_) => Vec::new(),
    }
}

/// Everything found on a host.
pub fn collect_from(fs: &HostFs) -> Vec<CertEntry> {
    let etc = PathBuf::from("/etc/kubernetes");
    let pki = etc.join("pki");
    let is_dir = |p: &Path| fs.kind(p).is_ok_and(|k| k == FileKind::Dir);
    let mut out = Vec::new();
    let mut cas: HashMap<&str, Vec<CertInfo>> = HashMap::new();
    let has_pki = is_dir(&pki);
    let has_etcd = is_dir(&pki.join("etcd"));
    // A worker joined with kubeadm has only `pki/ca.crt`: the control-plane files are not
    // missing there, they do not belong.
    let control_plane = fs.exists(&pki.join("apiserver.crt"))
        || fs.exists(&pki.join("apiserver.key"))
        || fs.exists(&etc.join("manifests/kube-apiserver.yaml"));
    let ca_key_missing = |ca: &str| {
        let path = CAS.iter().find(|(n, _)| *n == ca).map_or("ca", |(_, p)| p);
        !fs.exists(&pki.join(format!("{path}.key")))
    };
    for (name, path) in CAS {
        let crt = pki.join(format!("{path}.crt"));
        if !has_pki
            || (name == "etcd-ca" && !has_etcd && !fs.exists(&crt))
            || (!control_plane && !fs.exists(&crt))
        {
            continue;
        }
        let mut entry = file_entry(fs, name, &crt, Role::Ca);
        entry.critical = true;
        key_of(fs, &mut entry, &pki.join(format!("{path}.key")));
        entry.kubeadm = Some(KubeadmRow {
            name: name.into(),
            authority: String::new(),
            externally_managed: ca_key_missing(name),
        });
        cas.insert(name, entry.chain.clone());
        out.push(entry);
    }
    let confs = read_confs(fs, &etc);
    let required = apiserver_names(fs, &etc, &confs);
    for (name, path, ca, role, critical) in LEAVES {
        let crt = pki.join(format!("{path}.crt"));
        if !has_pki
            || (path.starts_with("etcd/") && !has_etcd)
            || (!control_plane && !fs.exists(&crt))
        {
            continue;
        }
        let mut entry = file_entry(fs, name, &crt, role);
        entry.critical = critical;
        key_of(fs, &mut entry, &pki.join(format!("{path}.key")));
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
            base: fs.local_path(&etc),
            root: Some(fs.root().to_path_buf()),
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
    out.extend(kubelet(fs, &cluster_ca));
    out.extend(other_pki_files(fs, &pki, &cas));
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

fn read_confs(fs: &HostFs, etc: &Path) -> Vec<Conf> {
    let Ok(listing) = fs.list_dir(etc) else {
        return Vec::new();
    };
    listing
        .entries
        .into_iter()
        .filter(|e| e.name.ends_with(".conf"))
        .filter(|e| fs.kind(&e.host_path).is_ok_and(|k| k == FileKind::File))
        .filter_map(|e| {
            let shown = fs.local_path(&e.host_path);
            let text = String::from_utf8(read_host_file(fs, &e.host_path).ok()?).ok()?;
            let file = parse_kubefile(&text, &shown.display().to_string()).ok()?;
            Some((e.name, shown, file))
        })
        .collect()
}

/// The names the API server's certificate must cover on this node.
fn apiserver_names(fs: &HostFs, etc: &Path, confs: &[Conf]) -> Vec<String> {
    let manifest = fs
        .read_text(&etc.join("manifests/kube-apiserver.yaml"))
        .unwrap_or_default();
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

fn kubelet(fs: &HostFs, cluster_ca: &[CertInfo]) -> Vec<CertEntry> {
    let dir = PathBuf::from("/var/lib/kubelet/pki");
    let mut out = Vec::new();
    if !fs.kind(&dir).is_ok_and(|k| k == FileKind::Dir) {
        return out;
    }
    let client = dir.join("kubelet-client-current.pem");
    if fs.exists(&client) || fs.is_symlink(&client) {
        let mut entry = file_entry(fs, "kubelet client", &client, Role::Client);
        entry.identity = Some(Identity {
            cn_prefix: "system:node:".into(),
            any_group: vec!["system:nodes".into()],
            reason: "The Node authorizer only admits a kubelet as system:node:<name> in group system:nodes".into(),
        });
        key_of(fs, &mut entry, &client);
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
        if fs.exists(&path) {
            let mut entry = file_entry(fs, name, &path, Role::Server);
            key_of(fs, &mut entry, &dir.join(key));
            out.push(entry);
        }
    }
    out
}

/// Certificates under `pki/` that kubeadm does not know (custom CAs, webhooks …).
fn other_pki_files(fs: &HostFs, pki: &Path, cas: &HashMap<&str, Vec<CertInfo>>) -> Vec<CertEntry> {
    let files = fs
        .walk(pki, &|name| {
            name.ends_with(".crt") || name.ends_with(".pem")
        })
        .files;
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
        let mut entry = file_entry(fs, &name, &path, Role::Unknown);
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
        key_of(fs, &mut entry, &path.with_extension("key"));
        out.push(entry);
    }
    out
}

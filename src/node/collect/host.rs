//! Host facts from `/proc` and `/etc`: swap areas, listening TCP sockets, the node's name.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::certs::CertEntry;
use crate::hostfs::HostFs;
use crate::node::model::{Coverage, KubeletChain, SwapArea};
use crate::node::parse::proc_net::{self, Listener, Process};

/// File descriptors looked at in `/proc/<pid>/fd` at most, over all processes.
const MAX_FDS: usize = 200_000;

/// `/proc/swaps`, or `None` with a coverage note.
pub fn swap(fs: &HostFs, coverage: &mut Vec<Coverage>) -> Option<Vec<SwapArea>> {
    match fs.read_text(Path::new("/proc/swaps")) {
        Ok(text) => Some(proc_net::swaps(&text)),
        Err(e) => {
            coverage.push(Coverage::new("/proc/swaps (swap)", e.reason()));
            None
        }
    }
}

/// The listening sockets of `/proc/net/tcp` and `/proc/net/tcp6`; `None` when neither could be
/// read.
pub fn listeners(fs: &HostFs, coverage: &mut Vec<Coverage>) -> Option<Vec<Listener>> {
    let mut found = None;
    let mut errors = Vec::new();
    for file in ["/proc/net/tcp", "/proc/net/tcp6"] {
        match fs.read_text(Path::new(file)) {
            Ok(text) => found
                .get_or_insert_with(Vec::new)
                .extend(proc_net::listeners(&text)),
            Err(e) => errors.push(format!("{file}: {}", e.reason())),
        }
    }
    if found.is_none() {
        coverage.push(Coverage::new("listening ports", errors.join("; ")));
    }
    if let Some(listeners) = found.as_mut() {
        let owners = socket_owners(fs, listeners.iter().map(|l| l.inode).collect());
        for l in listeners.iter_mut() {
            l.process = owners.get(&l.inode).cloned();
        }
    }
    found
}

/// Which process holds each socket inode, from the `socket:[inode]` links in
/// `/proc/<pid>/fd` (readable as root; bounded).
fn socket_owners(fs: &HostFs, wanted: Vec<u64>) -> HashMap<u64, Process> {
    let mut owners = HashMap::new();
    let Ok(procs) = fs.list_dir(Path::new("/proc")) else {
        return owners;
    };
    let mut budget = MAX_FDS;
    for entry in procs.entries {
        let Ok(pid) = entry.name.parse::<u32>() else {
            continue;
        };
        let fd_dir = PathBuf::from(format!("/proc/{pid}/fd"));
        let Ok(fds) = fs.list_dir(&fd_dir) else {
            continue;
        };
        for fd in fds.entries {
            if budget == 0 || owners.len() == wanted.len() {
                return owners;
            }
            budget -= 1;
            let Ok(target) = fs.read_link(&fd.host_path) else {
                continue;
            };
            let target = target.to_string_lossy();
            let inode = target
                .strip_prefix("socket:[")
                .and_then(|r| r.strip_suffix(']'))
                .and_then(|n| n.parse::<u64>().ok());
            if let Some(inode) = inode.filter(|i| wanted.contains(i)) {
                let comm = fs
                    .read_text(Path::new(&format!("/proc/{pid}/comm")))
                    .map(|c| c.trim().chars().take(64).collect())
                    .unwrap_or_default();
                owners.insert(inode, Process { pid, comm });
            }
        }
    }
    owners
}

/// The node's name: the kubelet client certificate's `system:node:<name>`, else
/// `--hostname-override`, else `/etc/hostname`.
pub fn node_name(fs: &HostFs, certs: &[CertEntry], kubelet: &KubeletChain) -> Option<String> {
    let from_cert = certs
        .iter()
        .filter(|e| e.name == "kubelet client")
        .filter_map(|e| e.leaf()?.common_name.clone())
        .find_map(|cn| cn.strip_prefix("system:node:").map(str::to_string));
    from_cert
        .or_else(|| kubelet.flag("hostname-override").map(str::to_string))
        .or_else(|| {
            fs.read_text(Path::new("/etc/hostname"))
                .ok()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty() && t.len() < 256)
        })
}

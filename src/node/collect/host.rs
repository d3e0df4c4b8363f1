//! Host facts from `/proc` and `/etc`: swap areas, listening TCP sockets, the node's name.

use std::path::Path;

use crate::certs::CertEntry;
use crate::hostfs::HostFs;
use crate::node::model::{Coverage, KubeletChain, SwapArea};
use crate::node::parse::proc_net::{self, Listener};

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
    found
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

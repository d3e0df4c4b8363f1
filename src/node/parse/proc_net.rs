//! `/proc/net/tcp`, `/proc/net/tcp6` (listening sockets, the data behind `ss -ltn` and
//! `netstat -plnt`) and `/proc/swaps`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::Serialize;

use crate::node::model::SwapArea;

/// A TCP socket in state LISTEN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listener {
    pub address: IpAddr,
    pub port: u16,
    /// The socket's inode (to find its process in `/proc/<pid>/fd`).
    pub inode: u64,
    /// The process holding it (`kube-apiserver (pid 1234)`), when it could be found.
    pub process: Option<Process>,
}

/// A process, from `/proc/<pid>/comm` (the kernel cuts the name at 15 characters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Process {
    pub pid: u32,
    pub comm: String,
}

impl Listener {
    /// `127.0.0.1:10259`, `[::]:6443`, with its process when known.
    pub fn display(&self) -> String {
        let addr = match self.address {
            IpAddr::V4(a) => format!("{a}:{}", self.port),
            IpAddr::V6(a) => format!("[{a}]:{}", self.port),
        };
        match &self.process {
            Some(p) => format!("{addr} ({} pid {})", p.comm, p.pid),
            None => addr,
        }
    }
}

/// The kernel prints addresses as the bytes of the in-memory value, word by word in host
/// order; the nodes kmedic reads are little-endian (x86-64, arm64).
fn address(hex: &str) -> Option<IpAddr> {
    match hex.len() {
        8 => {
            let word = u32::from_str_radix(hex, 16).ok()?;
            Some(IpAddr::V4(Ipv4Addr::from(word.swap_bytes())))
        }
        32 => {
            let mut bytes = [0u8; 16];
            for (i, chunk) in bytes.chunks_mut(4).enumerate() {
                let word = u32::from_str_radix(hex.get(i * 8..i * 8 + 8)?, 16).ok()?;
                chunk.copy_from_slice(&word.to_le_bytes());
            }
            Some(IpAddr::V6(Ipv6Addr::from(bytes)))
        }
        _ => None,
    }
}

/// The listening sockets of a `/proc/net/tcp` or `/proc/net/tcp6` file. Lines that do not
/// parse are skipped.
pub fn listeners(text: &str) -> Vec<Listener> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (local, state, inode) = (fields.get(1)?, fields.get(3)?, fields.get(9)?);
            if *state != "0A" {
                return None;
            }
            let (addr, port) = local.split_once(':')?;
            Some(Listener {
                address: address(addr)?,
                port: u16::from_str_radix(port, 16).ok()?,
                inode: inode.parse().ok()?,
                process: None,
            })
        })
        .collect()
}

/// The swap areas in use.
pub fn swaps(text: &str) -> Vec<SwapArea> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            Some(SwapArea {
                filename: f.first()?.to_string(),
                kind: f.get(1)?.to_string(),
                size_kib: f.get(2)?.parse().ok()?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listeners_of_both_families() {
        let tcp = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0100007F:2A0B 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 31337 1 0000000000000000 100 0 0 10 0\n   1: 0A01A8C0:0016 0B01A8C0:D431 01 00000000:00000000 02:0009C2C6 00000000     0        0 4242 2 0000000000000000 20 4 30 10 -1\n";
        let l = listeners(tcp);
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].display(), "127.0.0.1:10763");
        let tcp6 = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 00000000000000000000000000000000:192B 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2222 1 0000000000000000 100 0 0 10 0\n   1: 00000000000000000000000001000000:2A0A 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2223 1 0000000000000000 100 0 0 10 0\n";
        let l = listeners(tcp6);
        assert_eq!(l[0].display(), "[::]:6443");
        assert_eq!(l[1].display(), "[::1]:10762");
        let s = swaps(
            "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/swap.img                               file\t\t4194300\t\t0\t\t-2\n",
        );
        assert_eq!(s[0].filename, "/swap.img");
        assert_eq!(s[0].size_kib, 4_194_300);
        assert!(swaps("Filename\tType\tSize\tUsed\tPriority\n").is_empty());
    }
}

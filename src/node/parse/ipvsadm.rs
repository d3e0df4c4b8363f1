//! `ipvsadm -Ln` (and `ipvsadm-save -n`) output: IPVS virtual services (protocol, address,
//! port) and their real servers, as kube-proxy's IPVS mode programs them (one virtual service
//! per Service IP and port, one real server per endpoint; weight 0 marks a terminating
//! endpoint that takes no new connections). Pure and forgiving.

use serde::Serialize;

/// One virtual service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VirtualService {
    /// `TCP`, `UDP` or `SCTP`.
    pub protocol: String,
    pub address: String,
    pub port: u16,
    /// Real servers that take new connections (weight above 0), `ip:port` (IPv6 bracketed).
    pub real: Vec<String>,
}

/// `10.96.0.1:443` / `[fd00::1]:443` → (address, port).
fn split_host_port(text: &str) -> Option<(String, u16)> {
    let (host, port) = text.rsplit_once(':')?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() {
        return None;
    }
    Some((host.to_string(), port.parse().ok()?))
}

/// A real server as kmedic writes endpoints (`ip:port`, IPv6 in brackets).
fn endpoint(text: &str) -> Option<String> {
    let (host, port) = split_host_port(text)?;
    Some(if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    })
}

fn protocol(word: &str) -> Option<&'static str> {
    match word {
        "TCP" | "-t" => Some("TCP"),
        "UDP" | "-u" => Some("UDP"),
        "SCTP" | "--sctp-service" => Some("SCTP"),
        _ => None,
    }
}

/// Reads `ipvsadm -Ln` or `ipvsadm-save -n`.
pub fn parse(text: &str) -> Vec<VirtualService> {
    let mut out: Vec<VirtualService> = Vec::new();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            // ipvsadm -Ln: `TCP  10.96.0.1:443 rr` / `  -> 172.18.0.2:6443  Masq  1  0  0`
            [proto, addr, ..] if protocol(proto).is_some() && !proto.starts_with('-') => {
                if let (Some(p), Some((address, port))) = (protocol(proto), split_host_port(addr)) {
                    out.push(VirtualService {
                        protocol: p.to_string(),
                        address,
                        port,
                        real: Vec::new(),
                    });
                }
            }
            ["->", real, _forward, weight, ..] => {
                let serving = weight.parse::<u32>().is_ok_and(|w| w > 0);
                if let (Some(vs), Some(e), true) = (out.last_mut(), endpoint(real), serving) {
                    vs.real.push(e);
                }
            }
            // ipvsadm-save -n: `-A -t 10.96.0.1:443 -s rr` / `-a -t VIP:P -r RIP:P -m -w 1`
            ["-A", proto, addr, ..] => {
                if let (Some(p), Some((address, port))) = (protocol(proto), split_host_port(addr)) {
                    out.push(VirtualService {
                        protocol: p.to_string(),
                        address,
                        port,
                        real: Vec::new(),
                    });
                }
            }
            ["-a", proto, addr, "-r", real, rest @ ..] => {
                let weight = rest
                    .windows(2)
                    .find(|w| w[0] == "-w")
                    .and_then(|w| w[1].parse::<u32>().ok())
                    .unwrap_or(1);
                let (Some(p), Some((address, port)), Some(e)) =
                    (protocol(proto), split_host_port(addr), endpoint(real))
                else {
                    continue;
                };
                if weight == 0 {
                    continue;
                }
                if let Some(vs) = out
                    .iter_mut()
                    .find(|v| v.protocol == p && v.address == address && v.port == port)
                {
                    vs.real.push(e);
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LN: &str = "IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.96.0.1:443 rr
  -> 172.18.0.2:6443              Masq    1      3          0
UDP  10.96.0.10:53 rr
  -> 10.244.0.3:53                Masq    1      0          4
  -> 10.244.0.4:53                Masq    0      0          1
TCP  [fd00:10:96::a]:80 rr
  -> [fd00:10:244::5]:8080        Masq    1      0          0
TCP  10.96.120.30:80 rr
";

    #[test]
    fn list_output_with_terminating_and_ipv6_real_servers() {
        let vs = parse(LN);
        assert_eq!(vs.len(), 4);
        assert_eq!(vs[0].real, vec!["172.18.0.2:6443"]);
        assert_eq!(vs[1].protocol, "UDP");
        assert_eq!(
            vs[1].real,
            vec!["10.244.0.3:53"],
            "weight 0 takes no new connections"
        );
        assert_eq!(vs[2].address, "fd00:10:96::a");
        assert_eq!(vs[2].real, vec!["[fd00:10:244::5]:8080"]);
        assert!(vs[3].real.is_empty());
    }

    #[test]
    fn save_output() {
        let vs = parse(
            "-A -t 10.96.0.1:443 -s rr\n-a -t 10.96.0.1:443 -r 172.18.0.2:6443 -m -w 1\n-A -u 10.96.0.10:53 -s rr\n-a -u 10.96.0.10:53 -r 10.244.0.3:53 -m -w 0\n",
        );
        assert_eq!(vs.len(), 2);
        assert_eq!(vs[0].real, vec!["172.18.0.2:6443"]);
        assert!(vs[1].real.is_empty());
        assert!(parse("garbage\n-> x\n-a -t").is_empty());
    }
}

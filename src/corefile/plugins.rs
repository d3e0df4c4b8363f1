//! The plugins the DNS chain cares about, read out of a parsed Corefile: `kubernetes` (its
//! zones, `pods` mode, `fallthrough`), `forward` (the zone it covers and its upstreams), and
//! stub domains (server blocks for zones other than the root that forward elsewhere).

use std::net::IpAddr;

use super::model::{Corefile, Directive, ServerBlock, normalize_zone};

/// One `kubernetes` plugin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KubernetesPlugin {
    /// Its zones (arguments), else the server block's zones; normalised (`cluster.local.`).
    pub zones: Vec<String>,
    /// `pods insecure|verified|disabled`, when set.
    pub pods: Option<String>,
    /// `fallthrough` is present.
    pub fallthrough: bool,
    pub line: usize,
    /// Index into `Corefile::server_blocks`.
    pub server_block: usize,
}

/// One upstream of `forward`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ForwardTarget {
    /// An address: `8.8.8.8`, `dns://1.1.1.1:53`, `tls://9.9.9.9`, `[::1]:53`.
    Address {
        raw: String,
        scheme: String,
        ip: IpAddr,
        port: u16,
    },
    /// A resolv.conf-style file whose nameservers are used (`/etc/resolv.conf`: the node's,
    /// since the CoreDNS pods run with `dnsPolicy: Default`).
    ResolvConf { path: String },
    /// An environment placeholder (`{$UPSTREAM}`), known only at run time.
    Placeholder { raw: String },
    /// Neither an address nor a file (CoreDNS refuses it).
    Invalid { raw: String },
}

impl ForwardTarget {
    pub(crate) fn parse(raw: &str) -> ForwardTarget {
        if raw.contains("{$") || raw.contains("{%") {
            return ForwardTarget::Placeholder { raw: raw.into() };
        }
        let (scheme, rest) = match raw.split_once("://") {
            Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
            None => ("dns".to_string(), raw),
        };
        if scheme == "dns"
            && !raw.contains("://")
            && (rest.contains('/') || rest.ends_with(".conf"))
        {
            return ForwardTarget::ResolvConf { path: raw.into() };
        }
        let default_port = if scheme == "tls" { 853 } else { 53 };
        let address = if let Some(inner) = rest.strip_prefix('[') {
            inner.split_once(']').and_then(|(ip, tail)| {
                let port = match tail.strip_prefix(':') {
                    Some(port) => port.parse().ok()?,
                    None if tail.is_empty() => default_port,
                    None => return None,
                };
                Some((ip.parse().ok()?, port))
            })
        } else if let Ok(ip) = rest.parse::<IpAddr>() {
            Some((ip, default_port))
        } else {
            rest.rsplit_once(':').and_then(|(ip, port)| {
                Some((
                    ip.parse::<std::net::Ipv4Addr>().ok()?.into(),
                    port.parse().ok()?,
                ))
            })
        };
        match address {
            Some((ip, port)) if matches!(scheme.as_str(), "dns" | "tls") => {
                ForwardTarget::Address {
                    raw: raw.into(),
                    scheme,
                    ip,
                    port,
                }
            }
            _ => ForwardTarget::Invalid { raw: raw.into() },
        }
    }

    /// True for an address on the loopback network (127.0.0.0/8, ::1): inside the CoreDNS
    /// pod that is CoreDNS itself (or nothing), a forwarding loop.
    pub fn is_loopback(&self) -> bool {
        matches!(self, ForwardTarget::Address { ip, .. } if ip.to_canonical().is_loopback())
    }

    /// As written.
    pub fn raw(&self) -> &str {
        match self {
            ForwardTarget::Address { raw, .. }
            | ForwardTarget::Placeholder { raw }
            | ForwardTarget::Invalid { raw } => raw,
            ForwardTarget::ResolvConf { path } => path,
        }
    }
}

/// One `forward FROM TO…` plugin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForwardPlugin {
    /// The zone it forwards (`.` for everything), normalised.
    pub from: String,
    pub targets: Vec<ForwardTarget>,
    pub line: usize,
    /// Index into `Corefile::server_blocks`.
    pub server_block: usize,
}

/// A server block for zones other than the root that forwards them elsewhere.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StubDomain {
    pub zones: Vec<String>,
    pub port: Option<u16>,
    pub targets: Vec<ForwardTarget>,
    pub line: usize,
    pub server_block: usize,
}

fn kubernetes_of(index: usize, block: &ServerBlock, d: &Directive) -> KubernetesPlugin {
    let zones = if d.args.is_empty() {
        block.zones().into_iter().map(str::to_string).collect()
    } else {
        d.args.iter().map(|z| normalize_zone(z)).collect()
    };
    KubernetesPlugin {
        zones,
        pods: d.sub("pods").next().and_then(|p| p.args.first().cloned()),
        fallthrough: d.sub("fallthrough").next().is_some(),
        line: d.line,
        server_block: index,
    }
}

fn forward_of(index: usize, d: &Directive) -> ForwardPlugin {
    ForwardPlugin {
        from: d
            .args
            .first()
            .map_or_else(String::new, |z| normalize_zone(z)),
        targets: d
            .args
            .iter()
            .skip(1)
            .map(|t| ForwardTarget::parse(t))
            .collect(),
        line: d.line,
        server_block: index,
    }
}

impl Corefile {
    /// Every `kubernetes` plugin, in order.
    pub fn kubernetes(&self) -> Vec<KubernetesPlugin> {
        let mut found = Vec::new();
        for (index, block) in self.server_blocks.iter().enumerate() {
            for d in block.directives_named("kubernetes") {
                found.push(kubernetes_of(index, block, d));
            }
        }
        found
    }

    /// The zones the kubernetes plugin answers for (`cluster.local.`, `in-addr.arpa.` …).
    pub fn kubernetes_zones(&self) -> Vec<String> {
        let mut zones: Vec<String> = Vec::new();
        for zone in self.kubernetes().into_iter().flat_map(|k| k.zones) {
            if !zones.contains(&zone) {
                zones.push(zone);
            }
        }
        zones
    }

    /// Every `forward` plugin, in order (its server block gives the zones it serves).
    pub fn forwards(&self) -> Vec<ForwardPlugin> {
        let mut found = Vec::new();
        for (index, block) in self.server_blocks.iter().enumerate() {
            for d in block.directives_named("forward") {
                found.push(forward_of(index, d));
            }
        }
        found
    }

    /// Forward targets of the server blocks serving the root zone.
    pub fn root_forward_targets(&self) -> Vec<ForwardTarget> {
        self.forwards()
            .into_iter()
            .filter(|f| self.server_blocks[f.server_block].serves_root())
            .flat_map(|f| f.targets)
            .collect()
    }

    /// True when a root server block forwards to a resolv.conf file: then the node's
    /// `/etc/resolv.conf` decides the upstream (a `127.0.0.53` stub there is a loop).
    pub fn forwards_to_resolv_conf(&self) -> bool {
        self.root_forward_targets()
            .iter()
            .any(|t| matches!(t, ForwardTarget::ResolvConf { .. }))
    }

    /// True when every server block serving the root zone has `loop` (false without any).
    pub fn has_loop(&self) -> bool {
        let mut roots = self
            .server_blocks
            .iter()
            .filter(|b| b.serves_root())
            .peekable();
        roots.peek().is_some() && roots.all(|b| b.has("loop"))
    }

    /// Server blocks for non-root zones that forward.
    pub fn stub_domains(&self) -> Vec<StubDomain> {
        let mut found = Vec::new();
        for (index, block) in self.server_blocks.iter().enumerate() {
            if block.serves_root() {
                continue;
            }
            let forwards: Vec<&Directive> = block.directives_named("forward").collect();
            if forwards.is_empty() {
                continue;
            }
            found.push(StubDomain {
                zones: block.zones().into_iter().map(str::to_string).collect(),
                port: block.keys.first().and_then(|k| k.port),
                targets: forwards
                    .iter()
                    .flat_map(|d| forward_of(index, d).targets)
                    .collect(),
                line: block.line,
                server_block: index,
            });
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forward_targets_in_every_notation() {
        let address = |raw: &str| match ForwardTarget::parse(raw) {
            ForwardTarget::Address {
                scheme, ip, port, ..
            } => Some((scheme, ip.to_string(), port)),
            _ => None,
        };
        assert_eq!(
            address("8.8.8.8"),
            Some(("dns".into(), "8.8.8.8".into(), 53))
        );
        assert_eq!(
            address("8.8.8.8:5353"),
            Some(("dns".into(), "8.8.8.8".into(), 5353))
        );
        assert_eq!(
            address("dns://1.1.1.1"),
            Some(("dns".into(), "1.1.1.1".into(), 53))
        );
        assert_eq!(
            address("tls://9.9.9.9"),
            Some(("tls".into(), "9.9.9.9".into(), 853))
        );
        assert_eq!(address("[::1]:53"), Some(("dns".into(), "::1".into(), 53)));
        assert_eq!(
            address("2001:4860:4860::8888"),
            Some(("dns".into(), "2001:4860:4860::8888".into(), 53))
        );
        assert_eq!(
            ForwardTarget::parse("/etc/resolv.conf"),
            ForwardTarget::ResolvConf {
                path: "/etc/resolv.conf".into()
            }
        );
        assert!(matches!(
            ForwardTarget::parse("{$UPSTREAM}"),
            ForwardTarget::Placeholder { .. }
        ));
        for bad in [
            "dns.google",
            "8.8.8.8:dns",
            "[::1",
            "https://1.1.1.1",
            "999.1.1.1",
        ] {
            assert!(
                matches!(ForwardTarget::parse(bad), ForwardTarget::Invalid { .. }),
                "{bad}"
            );
        }
        assert!(ForwardTarget::parse("127.0.0.53").is_loopback());
        assert!(ForwardTarget::parse("[::1]:53").is_loopback());
        assert!(!ForwardTarget::parse("10.0.0.2").is_loopback());
    }
}

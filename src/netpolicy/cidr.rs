//! CIDR blocks for `ipBlock.cidr` / `ipBlock.except`, IPv4 and IPv6: parsing (a host part
//! that is not zero is masked and flagged), containment of an address and of another block.

use std::fmt;
use std::net::IpAddr;

/// A parsed CIDR block, stored with its host bits cleared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

/// The result of parsing: the block, and whether the text had host bits set
/// (`10.0.0.1/24` is read as `10.0.0.0/24`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParsedCidr {
    pub cidr: Cidr,
    pub had_host_bits: bool,
}

impl Cidr {
    /// Parses `address/prefix`; the prefix is required.
    pub fn parse(text: &str) -> Result<ParsedCidr, String> {
        let trimmed = text.trim();
        let Some((addr_text, prefix_text)) = trimmed.split_once('/') else {
            return Err(format!("{text:?} is not a CIDR (expected address/prefix)"));
        };
        let addr: IpAddr = addr_text
            .parse()
            .map_err(|_| format!("{text:?} is not a CIDR: {addr_text:?} is not an IP address"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix: u8 = prefix_text
            .parse()
            .ok()
            .filter(|p| *p <= max)
            .ok_or_else(|| format!("{text:?} is not a CIDR: prefix must be 0..={max}"))?;
        let network = mask(addr, prefix);
        Ok(ParsedCidr {
            cidr: Cidr { network, prefix },
            had_host_bits: network != addr,
        })
    }

    /// True when `ip` lies in the block. An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) is
    /// compared as the IPv4 address it carries; otherwise families never match.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        match (self.network, ip) {
            (IpAddr::V4(_), IpAddr::V4(_)) | (IpAddr::V6(_), IpAddr::V6(_)) => {
                mask(ip, self.prefix) == self.network
            }
            _ => false,
        }
    }

    /// True when every address of `other` lies in this block.
    pub fn contains_cidr(&self, other: &Cidr) -> bool {
        other.prefix >= self.prefix && self.contains(other.network)
    }

    pub fn is_ipv6(&self) -> bool {
        self.network.is_ipv6()
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

fn mask(ip: IpAddr, prefix: u8) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => {
            let bits = u32::from(v4);
            let keep = if prefix == 0 {
                0
            } else {
                u32::MAX << (32 - u32::from(prefix))
            };
            IpAddr::V4((bits & keep).into())
        }
        IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            let keep = if prefix == 0 {
                0
            } else {
                u128::MAX << (128 - u32::from(prefix))
            };
            IpAddr::V6((bits & keep).into())
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn cidr(s: &str) -> Cidr {
        Cidr::parse(s).unwrap().cidr
    }

    #[test]
    fn ipv4_containment_at_the_edges() {
        let c = cidr("172.17.0.0/16");
        assert!(c.contains(ip("172.17.0.0")));
        assert!(c.contains(ip("172.17.255.255")));
        assert!(!c.contains(ip("172.18.0.0")));
        assert!(!c.contains(ip("172.16.255.255")));
        assert!(cidr("0.0.0.0/0").contains(ip("8.8.8.8")));
        assert!(cidr("10.1.2.3/32").contains(ip("10.1.2.3")));
        assert!(!cidr("10.1.2.3/32").contains(ip("10.1.2.4")));
    }

    #[test]
    fn ipv6_containment_and_families_never_mix() {
        let c = cidr("2001:db8::/64");
        assert!(c.contains(ip("2001:db8::1")));
        assert!(c.contains(ip("2001:db8:0:0:ffff:ffff:ffff:ffff")));
        assert!(!c.contains(ip("2001:db8:0:1::1")));
        assert!(!c.contains(ip("10.0.0.1")));
        assert!(!cidr("0.0.0.0/0").contains(ip("::1")));
        assert!(cidr("::/0").contains(ip("fd00::5")));
        assert!(c.is_ipv6());
    }

    #[test]
    fn ipv4_mapped_ipv6_is_compared_as_ipv4() {
        assert!(cidr("10.0.0.0/8").contains(ip("::ffff:10.2.3.4")));
    }

    #[test]
    fn host_bits_are_masked_and_flagged() {
        let parsed = Cidr::parse("10.0.0.1/24").unwrap();
        assert!(parsed.had_host_bits);
        assert_eq!(parsed.cidr.to_string(), "10.0.0.0/24");
        assert!(!Cidr::parse("10.0.0.0/24").unwrap().had_host_bits);
    }

    #[test]
    fn invalid_text_is_an_error() {
        for bad in [
            "",
            "10.0.0.0",
            "10.0.0.0/33",
            "::/129",
            "x/8",
            "10.0.0.0/-1",
            "10.0.0.0/a",
        ] {
            assert!(Cidr::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn block_containment() {
        let outer = cidr("172.17.0.0/16");
        assert!(outer.contains_cidr(&cidr("172.17.1.0/24")));
        assert!(outer.contains_cidr(&outer));
        assert!(!outer.contains_cidr(&cidr("172.0.0.0/8")));
        assert!(!outer.contains_cidr(&cidr("10.0.0.0/24")));
        assert!(!outer.contains_cidr(&cidr("::/0")));
    }
}

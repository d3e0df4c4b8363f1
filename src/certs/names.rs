//! The names clients use to reach the API server: the in-cluster service names, the service
//! IP (first address of the service range) and hosts of `server:` URLs.

/// The DNS names every in-cluster client uses for the API server.
pub fn service_names(cluster_domain: &str) -> Vec<String> {
    vec![
        "kubernetes".into(),
        "kubernetes.default".into(),
        "kubernetes.default.svc".into(),
        format!("kubernetes.default.svc.{cluster_domain}"),
    ]
}

/// The default service range of kubeadm.
pub const DEFAULT_SERVICE_RANGE: &str = "10.96.0.0/12";

/// The `kubernetes` Service's IP: the first address of the range (IPv4 or IPv6).
pub fn first_service_ip(range: &str) -> Option<String> {
    let first = range.split(',').next()?.trim();
    let (net, _) = first.split_once('/')?;
    match net.parse::<std::net::IpAddr>().ok()? {
        std::net::IpAddr::V4(v4) => {
            Some(std::net::Ipv4Addr::from(u32::from(v4).checked_add(1)?).to_string())
        }
        std::net::IpAddr::V6(v6) => {
            Some(std::net::Ipv6Addr::from(u128::from(v6).checked_add(1)?).to_string())
        }
    }
}

/// The host of a `server:` URL (`https://host:6443/path` → `host`), brackets of IPv6 removed.
pub fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next()?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        authority.split(':').next()?
    };
    (!host.is_empty()).then(|| host.to_string())
}

/// The value of `--flag=value` (or `--flag value`) in a static pod manifest's text.
pub fn manifest_flag(text: &str, flag: &str) -> Option<String> {
    let prefix = format!("--{flag}");
    for line in text.lines() {
        let item = line
            .trim()
            .trim_start_matches("- ")
            .trim()
            .trim_matches(['"', '\'']);
        if let Some(value) = item.strip_prefix(&prefix).and_then(|r| r.strip_prefix('=')) {
            return Some(value.trim().to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_ranges_urls_and_manifests() {
        assert_eq!(
            first_service_ip("10.96.0.0/12").as_deref(),
            Some("10.96.0.1")
        );
        assert_eq!(first_service_ip("fd00::/108").as_deref(), Some("fd00::1"));
        assert_eq!(
            url_host("https://10.0.0.5:6443").as_deref(),
            Some("10.0.0.5")
        );
        assert_eq!(url_host("https://[::1]:6443/x").as_deref(), Some("::1"));
        assert_eq!(
            url_host("https://api.example.com").as_deref(),
            Some("api.example.com")
        );
        let manifest = "    - --advertise-address=192.168.1.10\n    - --service-cluster-ip-range=10.100.0.0/16\n";
        assert_eq!(
            manifest_flag(manifest, "service-cluster-ip-range").as_deref(),
            Some("10.100.0.0/16")
        );
        assert_eq!(
            manifest_flag(manifest, "advertise-address").as_deref(),
            Some("192.168.1.10")
        );
    }
}

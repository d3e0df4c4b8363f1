//! Whether a kubeconfig `server:` can be used as an API server URL (an absolute `http://` or
//! `https://` URL with a host; a path prefix, as behind Rancher, is allowed), and why not.

/// Why `server` cannot be used as an API server URL, if it cannot: it must be an absolute
/// `http://` or `https://` URL with a host (a path, as behind Rancher, is allowed).
pub fn problem(server: &str) -> Option<String> {
    let uri: http::Uri = match server.parse() {
        Ok(uri) => uri,
        Err(e) => return Some(format!("not a URL ({e})")),
    };
    match uri.scheme_str() {
        Some("https" | "http") => {}
        Some(other) => return Some(format!("scheme \"{other}\" is neither https nor http")),
        None => return Some("no scheme (https://)".to_string()),
    }
    match uri.host() {
        Some(host) if !host.is_empty() => {}
        _ => return Some("no host".to_string()),
    }
    if uri.query().is_some() {
        return Some("a server URL has no query (?…)".to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_with_scheme_and_host_are_usable() {
        assert_eq!(problem("https://rancher.example/k8s/clusters/c-1"), None);
        assert_eq!(problem("http://[::1]:8080"), None);
        assert_eq!(problem("https://10.0.0.1:6443"), None);
        for bad in [
            "127.0.0.1:6443",
            "htps://h",
            "https://",
            "https://a b",
            "https://h?x=1",
            "/api",
        ] {
            assert!(problem(bad).is_some(), "{bad}");
        }
    }
}

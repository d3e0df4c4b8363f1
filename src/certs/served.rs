//! The API server's serving chain as the current context's TLS handshake presents it, checked
//! against the context's CA and the names clients use.

use std::path::Path;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use kube::config::Kubeconfig;

use super::entry::{CertEntry, Role, SourceKind, Trust};
use super::handshake::capture_chain;
use super::info::{CertInfo, parse_certificates};
use super::names::{service_names, url_host};
use crate::findings::ObjectRef;

/// The cluster CA of `context` in a loaded kubeconfig (inline data or file).
pub fn context_ca(kubeconfig: &Kubeconfig, context: &str, base: &Path) -> Option<Vec<CertInfo>> {
    let cluster_name = kubeconfig
        .contexts
        .iter()
        .find(|c| c.name == context)?
        .context
        .as_ref()?
        .cluster
        .clone();
    let cluster = kubeconfig
        .clusters
        .iter()
        .find(|c| c.name == cluster_name)?
        .cluster
        .as_ref()?;
    let bytes = if let Some(data) = cluster.certificate_authority_data.as_deref() {
        STANDARD
            .decode(data.split_whitespace().collect::<String>())
            .ok()?
    } else {
        let file = Path::new(cluster.certificate_authority.as_deref()?);
        crate::text_file::read_bounded(&base.join(file), 16 * 1024 * 1024).ok()?
    };
    parse_certificates(&bytes).ok()
}

/// Port of a `server:` URL (default 443).
fn url_port(url: &str) -> u16 {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let port = match authority.rsplit_once(']') {
        Some((_, after)) => after.strip_prefix(':'),
        None => authority.rsplit_once(':').map(|(_, p)| p),
    };
    port.and_then(|p| p.parse().ok()).unwrap_or(443)
}

/// Captures and describes the serving chain of `server` (an `https://` URL). `service_ip` is
/// the `kubernetes` Service's IP when known. Returns `Err` when no handshake was possible.
pub async fn collect(
    server: &str,
    context: &str,
    ca: Option<Vec<CertInfo>>,
    service_ip: Option<String>,
    timeout: Duration,
) -> Result<CertEntry, String> {
    let host = url_host(server).ok_or_else(|| format!("no host in server URL {server}"))?;
    if !server.starts_with("https://") {
        return Err(format!(
            "{server} does not use TLS; no serving certificate to inspect"
        ));
    }
    let ders = capture_chain(&host, url_port(server), timeout).await?;
    let mut entry = CertEntry::new(
        SourceKind::TlsHandshake,
        format!("API server ({context})"),
        server.to_string(),
        ObjectRef::new("APIServer", "", server.to_string()),
        Role::Server,
    );
    entry.critical = true;
    for der in ders {
        match CertInfo::from_der(&der) {
            Ok(info) => entry.chain.push(info),
            Err(e) => entry.error = Some(format!("presented certificate is not valid X.509: {e}")),
        }
    }
    let mut names = vec![host];
    names.extend(service_names("cluster.local"));
    names.extend(service_ip);
    for name in names {
        if !entry.required_names.contains(&name) {
            entry.required_names.push(name);
        }
    }
    if let Some(ca) = ca.filter(|c| !c.is_empty()) {
        entry.trust(Trust {
            name: format!("certificate-authority of context {context}"),
            certs: ca,
        });
    }
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_of_server_urls() {
        assert_eq!(url_port("https://127.0.0.1:6443"), 6443);
        assert_eq!(url_port("https://[::1]:8443/x"), 8443);
        assert_eq!(url_port("https://api.example.com"), 443);
    }
}

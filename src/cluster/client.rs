//! Building a kube `Client` for a context: TLS with rustls/ring, the read-only layer, the
//! connect and request timeouts (each request asked once: no hidden retries), and the NO_PROXY
//! rule that kube ignores for the cluster address.

use std::sync::OnceLock;
use std::time::Duration;

use kube::client::ClientBuilder;
use kube::config::KubeConfigOptions;
use kube::{Client, Config};

use super::kubeconfig::{KubeSetup, error_chain};
use super::readonly::{Policy, ReadOnlyLayer};
use super::timeouts::DeadlineLayer;

/// Default wait for a TCP/TLS connection before reporting the cluster unreachable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default wait for the answer to an ordinary request (kubectl has none; 30 s is long enough
/// for a 50,000-pod list page and short enough not to look hung).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// How every client of this process talks to the API server (from the command line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSettings {
    /// TCP and TLS connection; `None` waits forever.
    pub connect_timeout: Option<Duration>,
    /// Ordinary requests, and the first answer of watches and log follows; `None` waits forever.
    pub request_timeout: Option<Duration>,
    /// Whether access reviews (POSTs recorded as `create` in audit logs) may be sent.
    pub access_reviews: bool,
}

impl Default for ClientSettings {
    fn default() -> Self {
        ClientSettings {
            connect_timeout: Some(CONNECT_TIMEOUT),
            request_timeout: Some(REQUEST_TIMEOUT),
            access_reviews: true,
        }
    }
}

static SETTINGS: OnceLock<ClientSettings> = OnceLock::new();

/// Sets the settings [`build_client`] uses, once, from the command line (later calls are
/// ignored and return false).
pub fn set_default_settings(settings: ClientSettings) -> bool {
    SETTINGS.set(settings).is_ok()
}

/// The settings [`build_client`] uses.
pub fn default_settings() -> ClientSettings {
    SETTINGS.get().cloned().unwrap_or_default()
}

/// A kube error for a person: kmedic's own refusals (read-only, access reviews off),
/// [`super::timeouts::NoAnswer`] and HTTP error answers in their own words, anything else as
/// its error chain.
pub fn describe_error(error: &kube::Error) -> String {
    if let Some(no_answer) = super::timeouts::no_answer(error) {
        return no_answer.with_hint();
    }
    if let kube::Error::Service(inner) = error
        && (inner.is::<super::readonly::AccessReviewsOff>()
            || inner.is::<super::readonly::WriteRefused>())
    {
        return inner.to_string();
    }
    if let kube::Error::Api(status) = error {
        return api_status(status.code, &status.message);
    }
    error_chain(error)
}

/// An HTTP error answer in words: `the API server answered 503 Service Unavailable: …`.
pub fn api_status(code: u16, message: &str) -> String {
    let reason = http::StatusCode::from_u16(code)
        .ok()
        .and_then(|c| c.canonical_reason())
        .unwrap_or("");
    let head = format!("the API server answered {code} {reason}");
    let head = head.trim_end();
    match message.trim() {
        "" => head.to_string(),
        m => format!("{head}: {m}"),
    }
}

/// Installs the ring crypto provider once; mixing providers panics at the first TLS handshake.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Creates the client for `setup`'s context with the process's [`ClientSettings`]. Requests
/// that would change the cluster are refused inside the client unless `allow_writes`.
pub async fn build_client(setup: &KubeSetup, allow_writes: bool) -> Result<Client, String> {
    build_client_with(setup, allow_writes, &default_settings()).await
}

/// [`build_client`] with explicit settings.
pub async fn build_client_with(
    setup: &KubeSetup,
    allow_writes: bool,
    settings: &ClientSettings,
) -> Result<Client, String> {
    install_crypto_provider();
    let options = KubeConfigOptions {
        context: Some(setup.context.clone()),
        cluster: None,
        user: None,
    };
    let mut config = Config::from_custom_kubeconfig(setup.kubeconfig.clone(), &options)
        .await
        .map_err(|e| explain_config_error(setup, &error_chain(&e)))?;
    config.default_namespace = setup.namespace.clone();
    config.connect_timeout = settings.connect_timeout;
    // kube retries 429, 503 and 504 up to 15 times by default, hidden inside the request
    // timeout: the user would see "did not answer" instead of what the server said. A request
    // is asked once; the UI's watch loops and reconnect loop do the retrying, visibly.
    config.default_retry = false;
    apply_no_proxy(
        &mut config,
        std::env::var("NO_PROXY")
            .or_else(|_| std::env::var("no_proxy"))
            .ok(),
    );
    let policy = Policy {
        allow_writes,
        access_reviews: settings.access_reviews,
        base_path: config.cluster_url.path().to_string(),
    };
    let builder = ClientBuilder::try_from(config)
        .map_err(|e| explain_config_error(setup, &error_chain(&e)))?;
    Ok(builder
        .with_layer(&DeadlineLayer::new(
            &setup.server,
            settings.connect_timeout,
            settings.request_timeout,
        ))
        .with_layer(&ReadOnlyLayer::with_policy(policy))
        .build())
}

/// Says which exec credential plugin failed, or which client certificate the TLS library
/// refuses, when that is the problem.
fn explain_config_error(setup: &KubeSetup, chain: &str) -> String {
    if chain.contains("UnsupportedCertVersion") {
        return explain_v1_certificate(setup);
    }
    let plugin = setup
        .kubeconfig
        .auth_infos
        .iter()
        .find(|u| u.name == setup.user)
        .and_then(|u| u.auth_info.as_ref())
        .and_then(|a| a.exec.as_ref())
        .and_then(|e| e.command.clone());
    match plugin {
        Some(command) if chain.contains("auth exec") || chain.contains("exec auth") => {
            let detail = match (
                debug_field(chain, "stderr: \""),
                chain.find("failed with status "),
            ) {
                (Some(stderr), Some(at)) => {
                    let status = chain[at + "failed with status ".len()..]
                        .split(':')
                        .take(2)
                        .collect::<Vec<_>>()
                        .join(":");
                    format!("({}) {}", status.trim(), stderr.trim())
                }
                _ => chain
                    .rsplit("auth exec")
                    .next()
                    .unwrap_or(chain)
                    .trim_start_matches([':', ' '])
                    .to_string(),
            };
            format!(
                "context {}: exec credential plugin '{command}' of user '{}' failed: {detail} (is it installed and on PATH? try running it by hand)",
                setup.context, setup.user
            )
        }
        _ => format!("context {}: {chain}", setup.context),
    }
}

/// rustls (through webpki) accepts only X.509 version 3 certificates; old hand-made client
/// certificates (`openssl x509 -req` without extensions) are version 1.
fn explain_v1_certificate(setup: &KubeSetup) -> String {
    let auth = setup
        .kubeconfig
        .auth_infos
        .iter()
        .find(|u| u.name == setup.user)
        .and_then(|u| u.auth_info.as_ref());
    let which = match auth.and_then(|a| a.client_certificate.as_deref()) {
        Some(file) => format!("{file} (client-certificate of user '{}')", setup.user),
        None => format!("the client-certificate-data of user '{}'", setup.user),
    };
    format!(
        "context {}: {which} is an X.509 version 1 certificate. kmedic's TLS library accepts only \
         version 3 certificates (kubectl accepts both), so it cannot present it to the API server. \
         Re-issue it as version 3 with the same key and CA, e.g. `openssl x509 -req -in user.csr \
         -CA ca.crt -CAkey ca.key -days 365 -out user.crt -extfile <(printf \
         'extendedKeyUsage=clientAuth')` (any -extfile makes a version 3 certificate)",
        setup.context
    )
}

/// The text of a quoted field in a `{:?}` dump (e.g. a process `Output`'s stderr), unescaped.
fn debug_field(text: &str, prefix: &str) -> Option<String> {
    let start = text.find(prefix)? + prefix.len();
    let mut out = String::new();
    let mut chars = text[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out.split_whitespace().collect::<Vec<_>>().join(" ")),
            '\\' => match chars.next() {
                Some('n' | 't' | 'r') => out.push(' '),
                Some(other) => out.push(other),
                None => break,
            },
            other => out.push(other),
        }
    }
    None
}

/// Drops the proxy when the cluster's host is listed in NO_PROXY (exact host, `.suffix`,
/// `suffix`, or `*`).
pub fn apply_no_proxy(config: &mut Config, no_proxy: Option<String>) {
    let (Some(_), Some(list)) = (&config.proxy_url, no_proxy) else {
        return;
    };
    let Some(host) = config
        .cluster_url
        .host()
        .map(|h| h.trim_matches(['[', ']']).to_ascii_lowercase())
    else {
        return;
    };
    let exempt = list
        .split(',')
        .map(|e| e.trim().to_ascii_lowercase())
        .any(|entry| {
            let entry = entry.split(':').next().unwrap_or_default().to_string();
            !entry.is_empty()
                && (entry == "*"
                    || entry == host
                    || host.ends_with(&format!(".{}", entry.trim_start_matches('.'))))
        });
    if exempt {
        config.proxy_url = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_proxy_exempts_the_cluster_host() {
        let mut config = Config::new("https://api.corp.example:6443".parse().expect("uri"));
        config.proxy_url = Some("http://proxy:3128".parse().expect("uri"));
        apply_no_proxy(&mut config, Some("localhost, .corp.example".into()));
        assert!(config.proxy_url.is_none());

        let mut config = Config::new("https://127.0.0.1:6443".parse().expect("uri"));
        config.proxy_url = Some("http://proxy:3128".parse().expect("uri"));
        apply_no_proxy(&mut config, Some("10.0.0.1,example.org".into()));
        assert!(config.proxy_url.is_some());
        apply_no_proxy(&mut config, Some("127.0.0.1".into()));
        assert!(config.proxy_url.is_none());
    }
}

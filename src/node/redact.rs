//! Secrets found on a node never leave kmedic: private key blocks, kubeconfig key data and
//! tokens, bootstrap token secrets (`abcdef.0123456789abcdef` keeps its public id) and bearer
//! tokens are replaced before any node text becomes evidence.

use std::sync::LazyLock;

use regex::Regex;

static PRIVATE_KEY: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?s)-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)",
    )
    .ok()
});

static ASSIGNED: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)((?:client-key-data|token|tokenFile|password|secret|bearer-token)["']?\s*[:=]\s*["']?)[^\s"',}]+"#,
    )
    .ok()
});

static FLAG: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)(--(?:token|password|bearer-token|discovery-token)(?:=|\s+))(\S+)").ok()
});

static BEARER: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?i)(\bBearer\s+)[A-Za-z0-9._~+/=-]+").ok());

static BOOTSTRAP: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\b([a-z0-9]{6})\.[a-z0-9]{16}\b").ok());

/// What replaces a secret.
pub const REDACTED: &str = "<redacted>";

/// The text with every secret it recognises replaced.
pub fn redact(text: &str) -> String {
    let mut out = text.to_string();
    if let Some(re) = PRIVATE_KEY.as_ref() {
        out = re.replace_all(&out, "<private key removed>").into_owned();
    }
    if let Some(re) = BOOTSTRAP.as_ref() {
        out = re.replace_all(&out, format!("$1.{REDACTED}")).into_owned();
    }
    if let Some(re) = FLAG.as_ref() {
        out = re
            .replace_all(&out, |c: &regex::Captures<'_>| {
                let value = c.get(2).map_or("", |m| m.as_str());
                if value.ends_with(REDACTED) {
                    format!("{}{value}", &c[1])
                } else {
                    format!("{}{REDACTED}", &c[1])
                }
            })
            .into_owned();
    }
    for re in [&ASSIGNED, &BEARER].into_iter().flat_map(|r| r.as_ref()) {
        out = re
            .replace_all(&out, |c: &regex::Captures<'_>| {
                let whole = c.get(0).map_or("", |m| m.as_str());
                if whole.ends_with(REDACTED) {
                    whole.to_string()
                } else {
                    format!("{}{REDACTED}", &c[1])
                }
            })
            .into_owned();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_replaced_and_ids_kept() {
        let line = "kubeadm join 192.168.1.10:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:1234";
        let r = redact(line);
        assert!(!r.contains("0123456789abcdef"), "{r}");
        assert!(r.contains("abcdef.") && r.contains("sha256:1234"), "{r}");
        let yaml = "users:\n- name: u\n  user:\n    client-key-data: LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0t\n    token: s3cr3t-value\n";
        let r = redact(yaml);
        assert!(!r.contains("LS0tLS1") && !r.contains("s3cr3t"), "{r}");
        let pem = "a\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB\n-----END EC PRIVATE KEY-----\nb";
        assert_eq!(redact(pem), "a\n<private key removed>\nb");
        assert_eq!(
            redact("Authorization: Bearer eyJhbGciOi.x.y"),
            "Authorization: Bearer <redacted>"
        );
        assert_eq!(redact("nothing secret here"), "nothing secret here");
    }
}

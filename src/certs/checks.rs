//! Turns collected certificates into findings: expiry, validity window, wrong CA (by
//! signature), missing SANs, key mismatch and a client group that is almost `system:masters`.

use jiff::{Timestamp, ToSpan};

use super::entry::CertEntry;
use super::info::CertInfo;
use super::verify::{ChainVerdict, KeyMatch};
use crate::findings::{Evidence, Finding, Pane, Severity};

/// A certificate expiring within this many days is a warning.
pub const WARN_DAYS: i64 = 30;
/// A CA expiring within this many days is a warning (every leaf must be re-issued with it).
pub const CA_WARN_DAYS: i64 = 365;
/// A certificate expiring within this many days is an error.
pub const ERROR_DAYS: i64 = 7;

/// Every finding about `entries` at time `now`.
pub fn findings(entries: &[CertEntry], now: Timestamp) -> Vec<Finding> {
    let mut out = Vec::new();
    for entry in entries {
        entry_findings(entry, now, &mut out);
    }
    out.sort_by_key(|f| f.severity);
    out
}

pub(super) fn finding(
    entry: &CertEntry,
    check: &str,
    severity: Severity,
    summary: String,
) -> Finding {
    Finding {
        pane: Pane::Certs,
        check: check.into(),
        severity,
        object: entry.object.clone(),
        summary,
        explanation: String::new(),
        evidence: vec![Evidence::new("location", entry.location.clone())],
        next_steps: Vec::new(),
        caused_by: Vec::new(),
    }
}

fn cert_evidence(cert: &CertInfo) -> Vec<Evidence> {
    vec![
        Evidence::new("subject", cert.subject.clone()),
        Evidence::new("issuer", cert.issuer.clone()),
        Evidence::new("not before", cert.not_before.to_string()),
        Evidence::new("not after", cert.not_after.to_string()),
        Evidence::new("sha256", cert.sha256_fingerprint.clone()),
    ]
}

pub(super) fn renew_steps(entry: &CertEntry) -> Vec<String> {
    let Some(row) = &entry.kubeadm else {
        // A kubeconfig's client certificate is located as "<file>: user <name> [<cert file>]".
        if let Some((conf, rest)) = entry.location.split_once(": user ") {
            let (user, file) = rest.split_once(' ').unwrap_or((rest, ""));
            return vec![if file.is_empty() {
                format!(
                    "issue a new client certificate for user {user} and put it in {conf} (client-certificate-data)"
                )
            } else {
                format!(
                    "issue a new client certificate for user {user} of {conf} and replace {file}"
                )
            }];
        }
        if entry.object.kind == "Secret" {
            let (ns, name) = (&entry.object.namespace, &entry.object.name);
            return vec![
                format!(
                    "kubectl -n {ns} get certificate.cert-manager.io -o wide   (managed by cert-manager? then: kubectl -n {ns} describe certificate <name>, and renew it there)"
                ),
                format!(
                    "kubectl -n {ns} create secret tls {name} --cert=new.crt --key=new.key --dry-run=client -o yaml | kubectl apply -f -   (a new certificate made by hand)"
                ),
                inspect_step(entry),
            ];
        }
        return vec![format!(
            "issue a new certificate for {} and replace it",
            entry.location
        )];
    };
    let mut steps = vec![format!("kubeadm certs renew {}", row.name)];
    if row.name == "admin.conf" || row.name == "super-admin.conf" {
        steps.push(format!(
            "cp /etc/kubernetes/{} ~/.kube/config   # where it was copied before",
            row.name
        ));
    } else {
        steps.push("restart the static pods that use it (move their manifests out of /etc/kubernetes/manifests and back)".into());
    }
    steps
}

/// The command that shows the certificate by hand.
fn inspect_step(entry: &CertEntry) -> String {
    let o = &entry.object;
    match o.kind.as_str() {
        "File" => format!("openssl x509 -in {} -noout -text", o.name),
        "Secret" => {
            let key = entry.location.rsplit(' ').next().unwrap_or("tls.crt");
            format!(
                "kubectl -n {} get secret {} -o jsonpath='{{.data.{}}}' | base64 -d | openssl x509 -noout -text",
                o.namespace,
                o.name,
                key.replace('.', "\\.")
            )
        }
        _ => format!("check {} ({})", entry.location, o.kind),
    }
}

fn entry_findings(entry: &CertEntry, now: Timestamp, out: &mut Vec<Finding>) {
    if let Some(error) = &entry.error {
        let mut f = finding(
            entry,
            "cert-unreadable",
            Severity::Error,
            format!("{}: {error}", entry.name),
        );
        f.explanation =
            "The certificate could not be read, so whatever uses it fails to start or to connect."
                .into();
        f.next_steps = vec![inspect_step(entry)];
        out.push(f);
    }
    for cert in &entry.chain {
        validity_findings(entry, cert, now, out);
    }
    let Some(leaf) = entry.leaf() else { return };
    chain_findings(entry, leaf, out);
    let missing: Vec<&String> = entry
        .required_names
        .iter()
        .filter(|name| !leaf.covers(name))
        .collect();
    if !missing.is_empty() {
        let list = missing.iter().map(|s| s.as_str()).collect::<Vec<_>>();
        let mut f = finding(
            entry,
            "cert-san-missing",
            Severity::Error,
            format!("{} does not cover {}", entry.name, list.join(", ")),
        );
        f.explanation = format!(
            "Clients connecting with a name the certificate does not list fail with \"x509: certificate is valid for {}, not {}\".",
            leaf.dns_names
                .iter()
                .chain(&leaf.ip_addresses)
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
            list[0]
        );
        f.evidence
            .push(Evidence::new("DNS names", leaf.dns_names.join(", ")));
        f.evidence
            .push(Evidence::new("IP addresses", leaf.ip_addresses.join(", ")));
        f.next_steps = vec![
            "add the names to apiServer.certSANs in the kubeadm configuration".into(),
            "rm apiserver.crt apiserver.key && kubeadm init phase certs apiserver --config <config>".into(),
        ];
        out.push(f);
    }
    match &entry.key {
        Some(KeyMatch::Mismatch) => {
            let mut f = finding(
                entry,
                "cert-key-mismatch",
                Severity::Error,
                format!(
                    "{}: the private key does not belong to the certificate",
                    entry.name
                ),
            );
            f.explanation = "The program using this pair fails with \"tls: private key does not match public key\".".into();
            f.next_steps =
                vec!["restore the matching key, or issue a new certificate for this key".into()];
            out.push(f);
        }
        Some(KeyMatch::Unreadable(why)) => out.push(finding(
            entry,
            "cert-key-unreadable",
            Severity::Warning,
            format!(
                "{}: the private key could not be checked: {why}",
                entry.name
            ),
        )),
        _ => {}
    }
    super::identity::identity_and_usage(entry, leaf, out);
}

fn validity_findings(entry: &CertEntry, cert: &CertInfo, now: Timestamp, out: &mut Vec<Finding>) {
    let who = cert
        .common_name
        .clone()
        .unwrap_or_else(|| cert.subject.clone());
    let mut push = |check: &str, severity: Severity, summary: String, why: &str| {
        let mut f = finding(entry, check, severity, summary);
        f.explanation = why.into();
        f.evidence.extend(cert_evidence(cert));
        f.next_steps = renew_steps(entry);
        out.push(f);
    };
    if cert.not_after < now {
        let severity = if entry.critical || cert.is_ca {
            Severity::Critical
        } else {
            Severity::Error
        };
        push(
            "cert-expired",
            severity,
            format!("{} ({who}) expired on {}", entry.name, cert.not_after),
            "Every TLS connection using it fails with \"x509: certificate has expired or is not yet valid\".",
        );
    } else if cert.not_before > now {
        if let Some(f) = push_not_yet_valid(entry, cert, &who) {
            out.push(f);
        }
    } else if cert.not_after < now + (ERROR_DAYS * 24).hours() {
        push(
            "cert-expiring",
            Severity::Error,
            format!(
                "{} ({who}) expires within {ERROR_DAYS} days, on {}",
                entry.name, cert.not_after
            ),
            "Once it expires every connection using it fails; renew it now.",
        );
    } else if cert.not_after < now + (WARN_DAYS * 24).hours()
        || (cert.is_ca && cert.not_after < now + (CA_WARN_DAYS * 24).hours())
    {
        push(
            "cert-expiring",
            Severity::Warning,
            format!(
                "{} ({who}) expires within {} days, on {}",
                entry.name,
                if cert.is_ca { CA_WARN_DAYS } else { WARN_DAYS },
                cert.not_after
            ),
            if cert.is_ca {
                "Once the CA expires every certificate it signed stops verifying; plan the CA rotation (every leaf must be re-issued) now."
            } else {
                "Once it expires every connection using it fails; schedule its renewal."
            },
        );
    }
}

fn push_not_yet_valid(entry: &CertEntry, cert: &CertInfo, who: &str) -> Option<Finding> {
    let mut f = finding(
        entry,
        "cert-not-yet-valid",
        Severity::Error,
        format!(
            "{} ({who}) is not valid before {}",
            entry.name, cert.not_before
        ),
    );
    f.explanation = "It was issued for the future: a clock is wrong here or where it was generated. Connections fail with \"x509: certificate has expired or is not yet valid: current time … is before …\".".into();
    f.evidence.extend(cert_evidence(cert));
    f.next_steps = vec!["check the clocks (timedatectl; chronyc tracking) and fix NTP".into()];
    Some(f)
}

fn chain_findings(entry: &CertEntry, leaf: &CertInfo, out: &mut Vec<Finding>) {
    let authority = entry.authority.clone().unwrap_or_default();
    let (check, summary, why) = match &entry.verdict {
        Some(ChainVerdict::SameNameDifferentCa { issuer }) => (
            "cert-ca-mismatch",
            format!(
                "{} names issuer {issuer} but is not signed by {authority}",
                entry.name
            ),
            "The issuer name matches the CA, but the CA's key does not verify the signature: it was signed by another CA with the same name (often a regenerated CA). Peers trusting this CA reject it with \"x509: certificate signed by unknown authority\".",
        ),
        Some(ChainVerdict::UnknownAuthority { issuer }) => (
            "cert-unknown-authority",
            format!("{} is signed by {issuer}, not by {authority}", entry.name),
            "Peers trusting this CA reject it with \"x509: certificate signed by unknown authority\".",
        ),
        _ => return,
    };
    let mut f = finding(entry, check, Severity::Error, summary);
    f.explanation = why.into();
    f.evidence.extend(cert_evidence(leaf));
    if let Some(trust) = &entry.trust {
        for ca in &trust.certs {
            f.evidence.push(Evidence::new(
                "expected CA",
                format!("{} ({})", ca.subject, ca.sha256_fingerprint),
            ));
        }
    }
    f.next_steps = vec![
        format!("openssl verify -CAfile <{authority}> {}", entry.location),
        "re-issue the certificate with the right CA, or distribute the CA that signed it".into(),
    ];
    out.push(f);
}

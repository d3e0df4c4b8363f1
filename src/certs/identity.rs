//! Checks on what a certificate may be used for and who it says it is: extended key usage
//! against its role, weak cryptography, the identity a component needs, and a client group
//! that is almost `system:masters`.

use super::checks::{finding, renew_steps};
use super::entry::{CertEntry, Role};
use super::info::CertInfo;
use crate::findings::{Evidence, Finding, Severity};

/// Every usage and identity finding for the leaf of `entry`.
pub fn identity_and_usage(entry: &CertEntry, leaf: &CertInfo, out: &mut Vec<Finding>) {
    if entry.role == Role::Client {
        group_findings(entry, leaf, out);
    }
    usage_findings(entry, leaf, out);
    identity_findings(entry, leaf, out);
}

fn usage_findings(entry: &CertEntry, leaf: &CertInfo, out: &mut Vec<Finding>) {
    let eku = &leaf.extended_key_usage;
    let allows = |usage: &str| {
        eku.is_empty()
            || eku
                .iter()
                .any(|u| u == usage || u == "Any Extended Key Usage")
    };
    let missing = match entry.role {
        Role::Server if !allows("TLS Web Server Authentication") => Some("server"),
        Role::Client if !allows("TLS Web Client Authentication") => Some("client"),
        _ => None,
    };
    if let Some(kind) = missing {
        let mut f = finding(
            entry,
            "cert-usage",
            Severity::Error,
            format!(
                "{} is used as a {kind} certificate but its extended key usage does not allow it",
                entry.name
            ),
        );
        f.explanation = format!(
            "Peers reject a {kind} certificate without \"TLS Web {} Authentication\" in its extended key usage.",
            if kind == "server" { "Server" } else { "Client" }
        );
        f.evidence
            .push(Evidence::new("extended key usage", eku.join(", ")));
        f.next_steps = renew_steps(entry);
        out.push(f);
    }
    let weak_rsa = leaf.key_type == "RSA" && leaf.key_bits.is_some_and(|b| b < 2048);
    let sha1 = leaf
        .signature_algorithm
        .to_ascii_lowercase()
        .contains("sha1");
    if weak_rsa || sha1 {
        let mut f = finding(
            entry,
            "cert-weak-crypto",
            Severity::Warning,
            format!("{} uses weak cryptography", entry.name),
        );
        f.explanation = "RSA keys shorter than 2048 bits and SHA-1 signatures are refused by current TLS libraries (Go rejects SHA-1 certificates).".into();
        f.evidence.push(Evidence::new(
            "public key",
            format!("{} {:?}", leaf.key_type, leaf.key_bits),
        ));
        f.evidence
            .push(Evidence::new("signature", leaf.signature_algorithm.clone()));
        f.next_steps = renew_steps(entry);
        out.push(f);
    }
}

fn identity_findings(entry: &CertEntry, leaf: &CertInfo, out: &mut Vec<Finding>) {
    let Some(identity) = &entry.identity else {
        return;
    };
    let cn = leaf.common_name.clone().unwrap_or_default();
    let cn_ok = cn.starts_with(&identity.cn_prefix);
    let group_ok = identity.any_group.is_empty()
        || leaf
            .organizations
            .iter()
            .any(|o| identity.any_group.contains(o));
    if cn_ok && group_ok {
        return;
    }
    let mut wanted = Vec::new();
    if !identity.cn_prefix.is_empty() {
        wanted.push(format!("CN={}…", identity.cn_prefix));
    }
    if !identity.any_group.is_empty() {
        wanted.push(format!("O={}", identity.any_group.join(" or O=")));
    }
    let mut f = finding(
        entry,
        "cert-identity",
        Severity::Error,
        format!(
            "{} is issued to {} but needs {}",
            entry.name,
            leaf.subject,
            wanted.join(", ")
        ),
    );
    f.explanation = format!(
        "{}; with another identity its requests are refused (401/403).",
        identity.reason
    );
    f.evidence
        .push(Evidence::new("subject", leaf.subject.clone()));
    f.next_steps = renew_steps(entry);
    out.push(f);
}

/// The group that grants cluster-admin through the certificate alone.
pub const MASTERS: &str = "system:masters";

/// Whether `group` looks like a mistyped `system:masters`.
pub fn near_masters(group: &str) -> bool {
    group != MASTERS && edit_distance(&group.trim().to_ascii_lowercase(), MASTERS) <= 3
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

fn group_findings(entry: &CertEntry, leaf: &CertInfo, out: &mut Vec<Finding>) {
    for group in leaf.organizations.iter().filter(|g| near_masters(g)) {
        let mut f = finding(
            entry,
            "cert-group-typo",
            Severity::Error,
            format!(
                "{}: group \"{group}\" is close to but not \"{MASTERS}\"",
                entry.name
            ),
        );
        f.explanation = format!(
            "Kubernetes takes the certificate's O= as groups; \"{group}\" is not \"{MASTERS}\", so the user gets 403 Forbidden where an administrator was intended."
        );
        f.evidence
            .push(Evidence::new("subject", leaf.subject.clone()));
        f.next_steps = vec![format!(
            "issue a new certificate with -subj \"/CN={}/O={MASTERS}\"",
            leaf.common_name.clone().unwrap_or_default()
        )];
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masters_typos_are_close() {
        assert!(near_masters("ystem:masters"));
        assert!(near_masters("system:master"));
        assert!(near_masters("System:Masters"));
        assert!(!near_masters("system:masters"));
        assert!(!near_masters("system:nodes"));
        assert!(!near_masters("kubeadm:cluster-admins"));
    }
}

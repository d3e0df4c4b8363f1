//! kmedic's certificate fields compared with `openssl x509 -text -noout` for the same file
//! (certificates made by rcgen, and RSA ones made by openssl itself). openssl must be
//! installed: without it these tests fail rather than skip.

#[path = "fixtures/certs/gen.rs"]
mod generated;

use std::path::Path;
use std::process::Command;

use generated::{Leaf, ca, intermediate, leaf};
use kmedic::certs::{CertInfo, KeyMatch, key_matches, parse_certificates};

fn openssl(args: &[&str]) -> String {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl must be installed for this test");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The line after the first line that contains `header`, trimmed.
fn after(text: &str, header: &str) -> Option<String> {
    let mut lines = text.lines();
    lines.find(|l| l.contains(header))?;
    lines.next().map(|l| l.trim().to_string())
}

fn value_of(text: &str, prefix: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.trim().strip_prefix(prefix).map(|v| v.trim().to_string()))
}

fn openssl_date(t: jiff::Timestamp) -> String {
    t.strftime("%b %e %H:%M:%S %Y GMT").to_string()
}

fn compare(path: &Path) -> CertInfo {
    let file = path.to_str().expect("utf-8 path");
    let ours =
        parse_certificates(&std::fs::read(path).expect("read")).expect("kmedic parses")[0].clone();
    let text = openssl(&["x509", "-in", file, "-noout", "-text"]);

    // Subject and issuer as openssl prints them by default: "CN = a, O = b".
    let subject = value_of(&text, "Subject:").expect("subject");
    let fields: Vec<(String, String)> = subject
        .split(", ")
        .filter_map(|p| {
            p.split_once(" = ")
                .map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect();
    let cn = fields
        .iter()
        .find(|(k, _)| k == "CN")
        .map(|(_, v)| v.clone());
    let orgs: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k == "O")
        .map(|(_, v)| v.clone())
        .collect();
    assert_eq!(ours.common_name, cn, "{text}");
    assert_eq!(ours.organizations, orgs, "{text}");
    let issuer = value_of(&text, "Issuer:").expect("issuer");
    assert_eq!(ours.issuer.replace('=', " = "), issuer, "{text}");

    let serial = openssl(&["x509", "-in", file, "-noout", "-serial"]);
    let serial = serial
        .trim()
        .trim_start_matches("serial=")
        .trim_start_matches('0')
        .to_string();
    assert_eq!(
        ours.serial
            .replace(':', "")
            .to_uppercase()
            .trim_start_matches('0'),
        serial
    );

    let dates = openssl(&["x509", "-in", file, "-noout", "-dates"]);
    assert_eq!(
        value_of(&dates, "notBefore="),
        Some(openssl_date(ours.not_before))
    );
    assert_eq!(
        value_of(&dates, "notAfter="),
        Some(openssl_date(ours.not_after))
    );

    let fingerprint = openssl(&["x509", "-in", file, "-noout", "-fingerprint", "-sha256"]);
    let fingerprint = fingerprint
        .trim()
        .split_once('=')
        .map(|(_, v)| v.to_string());
    assert_eq!(fingerprint, Some(ours.sha256_fingerprint.clone()));

    assert_eq!(
        value_of(&text, "Signature Algorithm:"),
        Some(ours.signature_algorithm.clone())
    );
    let bits = value_of(&text, "Public-Key:").expect("key size");
    assert_eq!(bits, format!("({} bit)", ours.key_bits.expect("bits")));
    let algorithm = value_of(&text, "Public Key Algorithm:").expect("algorithm");
    let expected = match ours.key_type.as_str() {
        "RSA" => "rsaEncryption",
        "EC" => "id-ecPublicKey",
        other => other,
    };
    assert_eq!(algorithm, expected);

    let sans = after(&text, "X509v3 Subject Alternative Name").unwrap_or_default();
    let mut dns = Vec::new();
    let mut ips = Vec::new();
    for part in sans.split(", ").filter(|p| !p.is_empty()) {
        if let Some(d) = part.strip_prefix("DNS:") {
            dns.push(d.to_string());
        } else if let Some(ip) = part.strip_prefix("IP Address:") {
            ips.push(ip.to_string());
        }
    }
    assert_eq!(ours.dns_names, dns, "{text}");
    // openssl writes IPv6 uncompressed and upper-case; compare the addresses, not the text.
    let parse = |list: &[String]| {
        list.iter()
            .map(|a| a.parse::<std::net::IpAddr>().expect("IP"))
            .collect::<Vec<_>>()
    };
    assert_eq!(parse(&ours.ip_addresses), parse(&ips), "{text}");

    let usage = after(&text, "X509v3 Key Usage").unwrap_or_default();
    assert_eq!(ours.key_usage.join(", "), usage, "{text}");
    let eku = after(&text, "X509v3 Extended Key Usage").unwrap_or_default();
    assert_eq!(ours.extended_key_usage.join(", "), eku, "{text}");
    let constraints = after(&text, "X509v3 Basic Constraints").unwrap_or_default();
    let expected = match (ours.is_ca, ours.path_len) {
        (true, Some(n)) => format!("CA:TRUE, pathlen:{n}"),
        (true, None) => "CA:TRUE".into(),
        (false, _) => "CA:FALSE".into(),
    };
    if !constraints.is_empty() {
        assert_eq!(constraints, expected, "{text}");
    } else {
        assert!(!ours.is_ca);
    }
    let ski = after(&text, "X509v3 Subject Key Identifier");
    assert_eq!(ours.subject_key_id, ski, "{text}");
    let aki = after(&text, "X509v3 Authority Key Identifier")
        .map(|a| a.trim_start_matches("keyid:").to_string());
    assert_eq!(ours.authority_key_id, aki, "{text}");
    ours
}

#[test]
fn rcgen_certificates_match_openssl() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = ca("kubernetes");
    let mid = intermediate(&root, "kubernetes-intermediate");
    let server = leaf(
        &mid,
        Leaf {
            cn: "kube-apiserver",
            orgs: &["system:masters", "team"],
            sans: &[
                "kubernetes",
                "kubernetes.default.svc",
                "10.96.0.1",
                "fd00::1",
            ],
            server: true,
            ..Leaf::default()
        },
    );
    for (name, pem) in [
        ("root.crt", &root.pair.cert_pem),
        ("mid.crt", &mid.pair.cert_pem),
        ("server.crt", &server.cert_pem),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, pem).expect("write");
        compare(&path);
    }
    let der = dir.path().join("server.der");
    std::fs::write(&der, &server.der).expect("write");
    let from_der = parse_certificates(&std::fs::read(&der).expect("read")).expect("DER")[0].clone();
    assert_eq!(
        from_der.sha256_fingerprint,
        compare(&dir.path().join("server.crt")).sha256_fingerprint
    );
}

#[test]
fn openssl_rsa_certificates_and_keys() {
    let dir = tempfile::tempdir().expect("tmp");
    let crt = dir.path().join("rsa.crt");
    let key = dir.path().join("rsa.key");
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "30",
        "-subj",
        "/CN=kube-admin/O=ystem:masters",
        "-addext",
        "subjectAltName=DNS:admin.example,IP:10.0.0.1",
        "-keyout",
        key.to_str().expect("path"),
        "-out",
        crt.to_str().expect("path"),
    ]);
    let info = compare(&crt);
    assert_eq!(info.key_type, "RSA");
    assert_eq!(info.key_bits, Some(2048));
    assert_eq!(info.signature_algorithm, "sha256WithRSAEncryption");
    let pkcs8 = std::fs::read_to_string(&key).expect("key");
    assert_eq!(key_matches(&info, &pkcs8), KeyMatch::Matches);
    let pkcs1 = openssl(&["rsa", "-in", key.to_str().expect("path"), "-traditional"]);
    assert!(pkcs1.contains("BEGIN RSA PRIVATE KEY"));
    assert_eq!(key_matches(&info, &pkcs1), KeyMatch::Matches);
    let other = dir.path().join("other.key");
    openssl(&[
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-out",
        other.to_str().expect("path"),
    ]);
    assert_eq!(
        key_matches(&info, &std::fs::read_to_string(&other).expect("key")),
        KeyMatch::Mismatch
    );
    // An EC key in SEC1 form, as `openssl ecparam -genkey` writes it.
    let ec_key = openssl(&["ecparam", "-name", "prime256v1", "-genkey", "-noout"]);
    assert!(ec_key.contains("BEGIN EC PRIVATE KEY"));
    assert_eq!(key_matches(&info, &ec_key), KeyMatch::Mismatch);
}

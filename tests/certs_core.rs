//! Certificate parsing, chain verification by signature, key matching and findings, on
//! certificates generated at test time.

#[path = "fixtures/certs/gen.rs"]
mod generated;

use generated::{Leaf, ca, leaf};
use jiff::Timestamp;
use kmedic::certs::checks::findings;
use kmedic::certs::{
    CertEntry, CertError, ChainVerdict, KeyMatch, Role, SourceKind, Trust, key_matches,
    parse_certificates, verify_chain,
};
use kmedic::findings::{ObjectRef, Severity};

fn entry(role: Role, pem: &str) -> CertEntry {
    let mut e = CertEntry::new(
        SourceKind::Node,
        "test",
        "/test.crt",
        ObjectRef::new("File", "", "/test.crt"),
        role,
    );
    e.chain = parse_certificates(pem.as_bytes()).expect("parses");
    e
}

fn checks_of(e: &CertEntry) -> Vec<(String, Severity)> {
    findings(std::slice::from_ref(e), Timestamp::now())
        .into_iter()
        .map(|f| (f.check, f.severity))
        .collect()
}

#[test]
fn fields_of_a_generated_leaf() {
    let ca = ca("kubernetes");
    let pair = leaf(
        &ca,
        Leaf {
            cn: "kube-apiserver",
            orgs: &["system:masters"],
            sans: &["kubernetes", "10.96.0.1"],
            server: true,
            ..Leaf::default()
        },
    );
    let certs = parse_certificates(pair.cert_pem.as_bytes()).expect("parses");
    let c = &certs[0];
    assert_eq!(c.common_name.as_deref(), Some("kube-apiserver"));
    assert_eq!(c.organizations, vec!["system:masters"]);
    assert_eq!(c.issuer_common_name.as_deref(), Some("kubernetes"));
    assert_eq!(c.dns_names, vec!["kubernetes"]);
    assert_eq!(c.ip_addresses, vec!["10.96.0.1"]);
    assert_eq!(c.key_type, "EC");
    assert_eq!(c.key_bits, Some(256));
    assert_eq!(c.signature_algorithm, "ecdsa-with-SHA256");
    assert_eq!(c.extended_key_usage, vec!["TLS Web Server Authentication"]);
    assert!(!c.is_ca);
    assert_eq!(c.sha256_fingerprint.len(), 32 * 3 - 1);
    assert!(c.covers("kubernetes") && c.covers("10.96.0.1") && !c.covers("kubernetes.default"));
    let ca_info = &parse_certificates(ca.pair.cert_pem.as_bytes()).expect("ca")[0];
    assert!(ca_info.is_ca && ca_info.is_self_signed());
    assert!(ca_info.key_usage.contains(&"Certificate Sign".to_string()));
}

#[test]
fn multi_certificate_bundle_keeps_every_certificate() {
    let a = ca("a");
    let b = ca("b");
    let bundle = format!(
        "# comment\n{}\n{}{}",
        a.pair.cert_pem, b.pair.key_pem, b.pair.cert_pem
    );
    let certs = parse_certificates(bundle.as_bytes()).expect("bundle");
    let names: Vec<_> = certs.iter().filter_map(|c| c.common_name.clone()).collect();
    assert_eq!(names, vec!["a", "b"]);
    let der = parse_certificates(&a.pair.der).expect("DER too");
    assert_eq!(der[0].sha256_fingerprint, certs[0].sha256_fingerprint);
}

#[test]
fn malformed_pem_is_a_clear_error() {
    let a = ca("a");
    let truncated = &a.pair.cert_pem[..a.pair.cert_pem.len() - 30];
    let err = parse_certificates(truncated.as_bytes()).expect_err("truncated");
    assert!(err.to_string().contains("no matching END"), "{err}");
    let garbled = a.pair.cert_pem.replacen('M', "!", 3);
    let err = parse_certificates(garbled.as_bytes()).expect_err("garbled");
    assert!(err.to_string().contains("invalid base64"), "{err}");
    let not_x509 = "-----BEGIN CERTIFICATE-----\nAAECAwQF\n-----END CERTIFICATE-----\n";
    let err = parse_certificates(not_x509.as_bytes()).expect_err("not x509");
    assert!(matches!(err, CertError::X509 { index: 1, .. }), "{err}");
    assert_eq!(
        parse_certificates(b"hello").expect_err("nothing"),
        CertError::NoCertificate
    );
    assert!(parse_certificates(&[0x30, 0x82, 0xff]).is_err());
}

#[test]
fn expired_not_yet_valid_and_expiring_soon() {
    let ca = ca("kubernetes");
    let expired = leaf(
        &ca,
        Leaf {
            from_days: -400,
            to_days: -2,
            ..Leaf::default()
        },
    );
    let mut e = entry(Role::Client, &expired.cert_pem);
    assert_eq!(
        checks_of(&e),
        vec![("cert-expired".into(), Severity::Error)]
    );
    e.critical = true;
    assert_eq!(
        checks_of(&e),
        vec![("cert-expired".into(), Severity::Critical)]
    );

    let future = leaf(
        &ca,
        Leaf {
            from_days: 2,
            to_days: 300,
            ..Leaf::default()
        },
    );
    assert_eq!(
        checks_of(&entry(Role::Client, &future.cert_pem)),
        vec![("cert-not-yet-valid".into(), Severity::Error)]
    );

    let soon = leaf(
        &ca,
        Leaf {
            to_days: 20,
            ..Leaf::default()
        },
    );
    assert_eq!(
        checks_of(&entry(Role::Client, &soon.cert_pem)),
        vec![("cert-expiring".into(), Severity::Warning)]
    );
    let very_soon = leaf(
        &ca,
        Leaf {
            to_days: 3,
            ..Leaf::default()
        },
    );
    assert_eq!(
        checks_of(&entry(Role::Client, &very_soon.cert_pem)),
        vec![("cert-expiring".into(), Severity::Error)]
    );

    let ageing_ca = generated::ca_window("ageing-ca", -3000, 200);
    assert_eq!(
        checks_of(&entry(Role::Ca, &ageing_ca.pair.cert_pem)),
        vec![("cert-expiring".into(), Severity::Warning)]
    );
    let expired_ca = generated::ca_window("old-ca", -4000, -1);
    assert_eq!(
        checks_of(&entry(Role::Ca, &expired_ca.pair.cert_pem)),
        vec![("cert-expired".into(), Severity::Critical)]
    );
}

#[test]
fn same_name_different_ca_is_caught_by_signature() {
    let real = ca("kubernetes");
    let impostor = ca("kubernetes");
    let pair = leaf(&impostor, Leaf::default());
    let chain = parse_certificates(pair.cert_pem.as_bytes()).expect("leaf");
    let trusted = parse_certificates(real.pair.cert_pem.as_bytes()).expect("ca");
    assert_eq!(chain[0].issuer, trusted[0].subject, "same issuer name");
    assert!(matches!(
        verify_chain(&chain, &trusted),
        Some(ChainVerdict::SameNameDifferentCa { .. })
    ));
    let right = parse_certificates(impostor.pair.cert_pem.as_bytes()).expect("ca");
    assert!(matches!(
        verify_chain(&chain, &right),
        Some(ChainVerdict::Trusted { .. })
    ));
    let other = parse_certificates(ca("other").pair.cert_pem.as_bytes()).expect("ca");
    assert!(matches!(
        verify_chain(&chain, &other),
        Some(ChainVerdict::UnknownAuthority { .. })
    ));

    let mut e = entry(Role::Client, &pair.cert_pem);
    e.trust(Trust {
        name: "ca".into(),
        certs: trusted,
    });
    assert_eq!(
        checks_of(&e),
        vec![("cert-ca-mismatch".into(), Severity::Error)]
    );
}

#[test]
fn intermediates_in_the_file_are_followed() {
    let root = ca("root");
    let intermediate = generated::intermediate(&root, "intermediate");
    let pair = leaf(&intermediate, Leaf::default());
    let bundle = format!("{}{}", pair.cert_pem, intermediate.pair.cert_pem);
    let chain = parse_certificates(bundle.as_bytes()).expect("chain");
    let trusted = parse_certificates(root.pair.cert_pem.as_bytes()).expect("root");
    assert!(matches!(
        verify_chain(&chain, &trusted),
        Some(ChainVerdict::Trusted { .. })
    ));
    assert!(matches!(
        verify_chain(&chain[..1], &trusted),
        Some(ChainVerdict::UnknownAuthority { .. })
    ));
}

#[test]
fn wrong_san_is_reported() {
    let ca = ca("kubernetes");
    let pair = leaf(
        &ca,
        Leaf {
            sans: &["kubernetes", "10.96.0.1"],
            server: true,
            ..Leaf::default()
        },
    );
    let mut e = entry(Role::Server, &pair.cert_pem);
    e.required_names = vec![
        "kubernetes".into(),
        "kubernetes.default.svc".into(),
        "10.96.0.1".into(),
    ];
    let all = findings(std::slice::from_ref(&e), Timestamp::now());
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].check, "cert-san-missing");
    assert!(
        all[0].summary.contains("kubernetes.default.svc"),
        "{}",
        all[0].summary
    );
    assert!(!all[0].summary.contains("10.96.0.1"), "{}", all[0].summary);
}

#[test]
fn key_mismatch_and_match() {
    let ca = ca("kubernetes");
    let a = leaf(&ca, Leaf::default());
    let b = leaf(&ca, Leaf::default());
    let cert = &parse_certificates(a.cert_pem.as_bytes()).expect("a")[0];
    assert_eq!(key_matches(cert, &a.key_pem), KeyMatch::Matches);
    assert_eq!(key_matches(cert, &b.key_pem), KeyMatch::Mismatch);
    assert!(matches!(
        key_matches(cert, "garbage"),
        KeyMatch::Unreadable(_)
    ));
    let mut e = entry(Role::Client, &a.cert_pem);
    e.key = Some(key_matches(cert, &b.key_pem));
    assert_eq!(
        checks_of(&e),
        vec![("cert-key-mismatch".into(), Severity::Error)]
    );
}

#[test]
fn group_close_to_system_masters() {
    let ca = ca("kubernetes");
    let typo = leaf(
        &ca,
        Leaf {
            cn: "kube-admin",
            orgs: &["ystem:masters"],
            ..Leaf::default()
        },
    );
    assert_eq!(
        checks_of(&entry(Role::Client, &typo.cert_pem)),
        vec![("cert-group-typo".into(), Severity::Error)]
    );
    let fine = leaf(
        &ca,
        Leaf {
            cn: "kube-admin",
            orgs: &["system:masters"],
            ..Leaf::default()
        },
    );
    assert!(checks_of(&entry(Role::Client, &fine.cert_pem)).is_empty());
}

#[test]
fn usage_must_fit_the_role() {
    let ca = ca("kubernetes");
    let client_only = leaf(
        &ca,
        Leaf {
            cn: "kube-apiserver",
            ..Leaf::default()
        },
    );
    assert_eq!(
        checks_of(&entry(Role::Server, &client_only.cert_pem)),
        vec![("cert-usage".into(), Severity::Error)]
    );
    assert!(checks_of(&entry(Role::Client, &client_only.cert_pem)).is_empty());
}

#[test]
fn mangled_input_never_panics() {
    let authority = ca("kubernetes");
    let pair = leaf(
        &authority,
        Leaf {
            sans: &["a.example", "10.0.0.1"],
            ..Leaf::default()
        },
    );
    let cert = parse_certificates(pair.cert_pem.as_bytes()).expect("valid")[0].clone();
    let pem = pair.cert_pem.as_bytes();
    for cut in (0..pem.len()).step_by(7) {
        let _ = parse_certificates(&pem[..cut]);
        let _ = key_matches(&cert, &pair.key_pem[..cut.min(pair.key_pem.len())]);
    }
    for cut in 0..pair.der.len() {
        let _ = parse_certificates(&pair.der[..cut]);
    }
    let mut seed = 0x9e37_79b9_u32;
    for round in 0..300 {
        let mut der = pair.der.clone();
        for _ in 0..(round % 5 + 1) {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let at = seed as usize % der.len();
            der[at] ^= (seed >> 24) as u8 | 1;
        }
        if let Ok(certs) = parse_certificates(&der) {
            // Whatever decodes must still be checkable without panicking.
            let _ = verify_chain(&certs, std::slice::from_ref(&cert));
            let _ = findings(&[entry(Role::Server, &pair.cert_pem)], Timestamp::now());
        }
    }
}

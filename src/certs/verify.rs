//! Trust checks that look at signatures, not only at names: is a certificate signed by a given
//! CA, what does its chain end in, and does a private key belong to a certificate.

use rustls::pki_types::{PrivateKeyDer, PrivatePkcs1KeyDer, PrivatePkcs8KeyDer, PrivateSec1KeyDer};
use serde::Serialize;
use x509_parser::prelude::{FromDer, X509Certificate};
use x509_parser::x509::SubjectPublicKeyInfo;

use super::info::CertInfo;
use super::pem::{PemError, parse_pem};

/// Whether `issuer`'s public key verifies `cert`'s signature.
pub fn signed_by(cert: &CertInfo, issuer: &CertInfo) -> bool {
    let (Ok((_, c)), Ok((_, i))) = (
        X509Certificate::from_der(&cert.der),
        X509Certificate::from_der(&issuer.der),
    ) else {
        return false;
    };
    c.verify_signature(Some(i.public_key())).is_ok()
}

/// The outcome of checking a chain against the CA that should trust it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum ChainVerdict {
    /// Every link verifies and the last one is signed by a trusted CA (`anchor` = its subject).
    Trusted { anchor: String },
    /// The issuer name matches a trusted CA but the signature does not verify: a different CA
    /// with the same name (typically a regenerated CA).
    SameNameDifferentCa { issuer: String },
    /// No trusted CA (and no certificate in the chain) signed the last certificate.
    UnknownAuthority { issuer: String },
}

/// Walks `chain` (leaf first, then intermediates as served or stored) up to one of `trusted`.
/// A link is accepted only when the signature verifies.
pub fn verify_chain(chain: &[CertInfo], trusted: &[CertInfo]) -> Option<ChainVerdict> {
    let mut current = chain.first()?;
    let mut rest: Vec<&CertInfo> = chain.iter().skip(1).collect();
    for _ in 0..=chain.len() {
        if let Some(anchor) = trusted.iter().find(|ca| signed_by(current, ca)) {
            return Some(ChainVerdict::Trusted {
                anchor: anchor.subject.clone(),
            });
        }
        let next = rest
            .iter()
            .position(|c| c.subject == current.issuer && signed_by(current, c));
        match next {
            Some(index) => current = rest.remove(index),
            None => break,
        }
    }
    let issuer = current.issuer.clone();
    if trusted.iter().any(|ca| ca.subject == issuer) {
        Some(ChainVerdict::SameNameDifferentCa { issuer })
    } else {
        Some(ChainVerdict::UnknownAuthority { issuer })
    }
}

/// Whether a private key matches a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyMatch {
    Matches,
    Mismatch,
    /// The key could not be read or its type is not supported; the text says why.
    Unreadable(String),
}

/// Reads the first private key in a PEM text (PKCS#8, PKCS#1 RSA or SEC1 EC).
pub fn parse_private_key(text: &str) -> Result<PrivateKeyDer<'static>, String> {
    let blocks = parse_pem(text).map_err(|e: PemError| e.to_string())?;
    for block in blocks {
        let key = match block.label.as_str() {
            "PRIVATE KEY" => PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(block.der)),
            "RSA PRIVATE KEY" => PrivateKeyDer::Pkcs1(PrivatePkcs1KeyDer::from(block.der)),
            "EC PRIVATE KEY" => PrivateKeyDer::Sec1(PrivateSec1KeyDer::from(block.der)),
            "ENCRYPTED PRIVATE KEY" => return Err("the private key is encrypted".into()),
            _ => continue,
        };
        return Ok(key);
    }
    Err("no private key found".into())
}

/// Compares the public key derived from `key_pem` with `cert`'s.
pub fn key_matches(cert: &CertInfo, key_pem: &str) -> KeyMatch {
    let key = match parse_private_key(key_pem) {
        Ok(key) => key,
        Err(e) => return KeyMatch::Unreadable(e),
    };
    let signer = match rustls::crypto::ring::sign::any_supported_type(&key) {
        Ok(signer) => signer,
        Err(e) => return KeyMatch::Unreadable(format!("unsupported private key: {e}")),
    };
    let Some(spki) = signer.public_key() else {
        return KeyMatch::Unreadable("cannot derive the public key".into());
    };
    let Ok((_, from_key)) = SubjectPublicKeyInfo::from_der(spki.as_ref()) else {
        return KeyMatch::Unreadable("cannot decode the derived public key".into());
    };
    let Ok((_, parsed)) = X509Certificate::from_der(&cert.der) else {
        return KeyMatch::Unreadable("cannot decode the certificate".into());
    };
    if parsed.public_key().subject_public_key.data == from_key.subject_public_key.data {
        KeyMatch::Matches
    } else {
        KeyMatch::Mismatch
    }
}

//! One certificate's facts, decoded with x509-parser: the fields `openssl x509 -text` shows
//! plus the computed ones (SHA-256 fingerprint, residual time).

use jiff::Timestamp;
use serde::Serialize;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::objects::{oid_registry, oid2sn};
use x509_parser::prelude::{FromDer, X509Certificate};
use x509_parser::public_key::PublicKey;

use super::pem::{PemError, looks_like_pem, parse_pem};

/// Everything kmedic shows about one certificate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CertInfo {
    /// Subject distinguished name, e.g. `CN=kube-apiserver`.
    pub subject: String,
    pub common_name: Option<String>,
    /// Subject organisations (Kubernetes groups for client certificates).
    pub organizations: Vec<String>,
    pub issuer: String,
    pub issuer_common_name: Option<String>,
    /// Lower-case hex bytes separated by colons, as openssl prints it.
    pub serial: String,
    pub dns_names: Vec<String>,
    pub ip_addresses: Vec<String>,
    #[serde(serialize_with = "as_string")]
    pub not_before: Timestamp,
    #[serde(serialize_with = "as_string")]
    pub not_after: Timestamp,
    /// `RSA`, `EC`, `Ed25519`, … .
    pub key_type: String,
    pub key_bits: Option<usize>,
    /// Short name, e.g. `sha256WithRSAEncryption`, `ecdsa-with-SHA256`.
    pub signature_algorithm: String,
    /// openssl's wording, e.g. `Digital Signature`, `Certificate Sign`.
    pub key_usage: Vec<String>,
    /// openssl's wording, e.g. `TLS Web Server Authentication`.
    pub extended_key_usage: Vec<String>,
    pub is_ca: bool,
    pub path_len: Option<u32>,
    pub subject_key_id: Option<String>,
    pub authority_key_id: Option<String>,
    /// Upper-case hex pairs separated by colons.
    pub sha256_fingerprint: String,
    /// The DER encoding (not serialised).
    #[serde(skip)]
    pub der: Vec<u8>,
}

fn as_string<S: serde::Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_string())
}

/// Why certificates could not be read from some bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertError {
    #[error("malformed PEM: {0}")]
    Pem(#[from] PemError),
    #[error("certificate {index} is not a valid X.509 certificate: {message}")]
    X509 { index: usize, message: String },
    #[error("no certificate found")]
    NoCertificate,
}

impl CertInfo {
    /// Decodes one DER certificate.
    pub fn from_der(der: &[u8]) -> Result<CertInfo, String> {
        let (_, cert) = X509Certificate::from_der(der).map_err(|e| e.to_string())?;
        Ok(describe(&cert, der))
    }

    /// Whether this certificate is self-signed (issuer = subject and its own key verifies it).
    pub fn is_self_signed(&self) -> bool {
        self.subject == self.issuer && super::verify::signed_by(self, self)
    }

    /// Whether `host` (a DNS name or an IP address) is covered by the SANs.
    pub fn covers(&self, host: &str) -> bool {
        let host = host.trim_matches(['[', ']']);
        if let Ok(ip) = host.parse::<std::net::IpAddr>() {
            return self.ip_addresses.iter().any(|a| a.parse().ok() == Some(ip));
        }
        let host = host.to_ascii_lowercase();
        self.dns_names.iter().any(|name| {
            let name = name.to_ascii_lowercase();
            match name.strip_prefix("*.") {
                Some(suffix) => host
                    .split_once('.')
                    .is_some_and(|(first, rest)| !first.is_empty() && rest == suffix),
                None => name == host,
            }
        })
    }
}

/// Reads every certificate in `bytes`: a PEM bundle (non-certificate blocks such as keys are
/// skipped) or a single DER certificate.
pub fn parse_certificates(bytes: &[u8]) -> Result<Vec<CertInfo>, CertError> {
    if !looks_like_pem(bytes) {
        if bytes.first() == Some(&0x30) {
            return CertInfo::from_der(bytes)
                .map(|c| vec![c])
                .map_err(|message| CertError::X509 { index: 1, message });
        }
        return Err(CertError::NoCertificate);
    }
    let text = String::from_utf8_lossy(bytes);
    let mut certs = Vec::new();
    for block in parse_pem(&text)? {
        if block.label == "CERTIFICATE" || block.label == "TRUSTED CERTIFICATE" {
            let info = CertInfo::from_der(&block.der).map_err(|message| CertError::X509 {
                index: certs.len() + 1,
                message,
            })?;
            certs.push(info);
        }
    }
    if certs.is_empty() {
        return Err(CertError::NoCertificate);
    }
    Ok(certs)
}

fn hex(bytes: &[u8], upper: bool) -> String {
    bytes
        .iter()
        .map(|b| {
            if upper {
                format!("{b:02X}")
            } else {
                format!("{b:02x}")
            }
        })
        .collect::<Vec<_>>()
        .join(":")
}

fn timestamp(t: &x509_parser::time::ASN1Time) -> Timestamp {
    Timestamp::from_second(t.timestamp()).unwrap_or(Timestamp::MIN)
}

fn describe(cert: &X509Certificate<'_>, der: &[u8]) -> CertInfo {
    let first = |it: &mut dyn Iterator<Item = &x509_parser::x509::AttributeTypeAndValue<'_>>| {
        it.next().and_then(|a| a.as_str().ok()).map(str::to_string)
    };
    let tbs = &cert.tbs_certificate;
    let mut info = CertInfo {
        subject: tbs.subject.to_string(),
        common_name: first(&mut tbs.subject.iter_common_name()),
        organizations: tbs
            .subject
            .iter_organization()
            .filter_map(|a| a.as_str().ok().map(str::to_string))
            .collect(),
        issuer: tbs.issuer.to_string(),
        issuer_common_name: first(&mut tbs.issuer.iter_common_name()),
        serial: hex(tbs.raw_serial(), false),
        dns_names: Vec::new(),
        ip_addresses: Vec::new(),
        not_before: timestamp(&tbs.validity.not_before),
        not_after: timestamp(&tbs.validity.not_after),
        key_type: String::new(),
        key_bits: None,
        signature_algorithm: oid_name(&cert.signature_algorithm.algorithm),
        key_usage: Vec::new(),
        extended_key_usage: Vec::new(),
        is_ca: false,
        path_len: None,
        subject_key_id: None,
        authority_key_id: None,
        sha256_fingerprint: hex(
            ring::digest::digest(&ring::digest::SHA256, der).as_ref(),
            true,
        ),
        der: der.to_vec(),
    };
    (info.key_type, info.key_bits) = key_description(cert);
    for ext in tbs.extensions() {
        apply_extension(&mut info, ext.parsed_extension());
    }
    info
}

fn apply_extension(info: &mut CertInfo, ext: &ParsedExtension<'_>) {
    match ext {
        ParsedExtension::SubjectAlternativeName(san) => {
            for name in &san.general_names {
                match name {
                    GeneralName::DNSName(d) => info.dns_names.push(d.to_string()),
                    GeneralName::IPAddress(bytes) => {
                        if let Some(ip) = ip_from_bytes(bytes) {
                            info.ip_addresses.push(ip.to_string());
                        }
                    }
                    _ => {}
                }
            }
        }
        ParsedExtension::KeyUsage(ku) => {
            let names = [
                (ku.digital_signature(), "Digital Signature"),
                (ku.non_repudiation(), "Non Repudiation"),
                (ku.key_encipherment(), "Key Encipherment"),
                (ku.data_encipherment(), "Data Encipherment"),
                (ku.key_agreement(), "Key Agreement"),
                (ku.key_cert_sign(), "Certificate Sign"),
                (ku.crl_sign(), "CRL Sign"),
                (ku.encipher_only(), "Encipher Only"),
                (ku.decipher_only(), "Decipher Only"),
            ];
            info.key_usage = names
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, n)| n.to_string())
                .collect();
        }
        ParsedExtension::ExtendedKeyUsage(eku) => {
            let names = [
                (eku.any, "Any Extended Key Usage"),
                (eku.server_auth, "TLS Web Server Authentication"),
                (eku.client_auth, "TLS Web Client Authentication"),
                (eku.code_signing, "Code Signing"),
                (eku.email_protection, "E-mail Protection"),
                (eku.time_stamping, "Time Stamping"),
                (eku.ocsp_signing, "OCSP Signing"),
            ];
            info.extended_key_usage = names
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, n)| n.to_string())
                .collect();
            info.extended_key_usage
                .extend(eku.other.iter().map(|oid| oid.to_id_string()));
        }
        ParsedExtension::BasicConstraints(bc) => {
            info.is_ca = bc.ca;
            info.path_len = bc.path_len_constraint;
        }
        ParsedExtension::SubjectKeyIdentifier(id) => info.subject_key_id = Some(hex(id.0, true)),
        ParsedExtension::AuthorityKeyIdentifier(aki) => {
            info.authority_key_id = aki.key_identifier.as_ref().map(|id| hex(id.0, true));
        }
        _ => {}
    }
}

fn ip_from_bytes(bytes: &[u8]) -> Option<std::net::IpAddr> {
    match bytes.len() {
        4 => <[u8; 4]>::try_from(bytes).ok().map(std::net::IpAddr::from),
        16 => <[u8; 16]>::try_from(bytes).ok().map(std::net::IpAddr::from),
        _ => None,
    }
}

fn oid_name(oid: &x509_parser::der_parser::oid::Oid<'_>) -> String {
    oid2sn(oid, oid_registry())
        .map(str::to_string)
        .unwrap_or_else(|_| oid.to_id_string())
}

fn key_description(cert: &X509Certificate<'_>) -> (String, Option<usize>) {
    let spki = cert.public_key();
    match spki.parsed() {
        Ok(PublicKey::RSA(rsa)) => ("RSA".into(), Some(rsa.key_size())),
        Ok(PublicKey::EC(point)) => ("EC".into(), Some(point.key_size())),
        Ok(PublicKey::DSA(_)) => ("DSA".into(), None),
        _ => {
            let name = oid_name(&spki.algorithm.algorithm);
            let bits = (name == "ed25519" || name == "Ed25519").then_some(256);
            (name, bits)
        }
    }
}

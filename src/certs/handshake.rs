//! Captures the certificate chain a TLS server presents, even when it would not verify, so a
//! wrong certificate can be shown and explained. The accepting verifier is used only for this
//! capture connection (no request is sent), never for the real client.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use tokio::net::TcpStream;

/// Records the presented chain and accepts it (signatures of the handshake itself are still
/// checked against the presented leaf key).
#[derive(Debug)]
struct Recorder {
    chain: Arc<Mutex<Vec<Vec<u8>>>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let mut chain = self.chain.lock().unwrap_or_else(|p| p.into_inner());
        chain.clear();
        chain.push(end_entity.to_vec());
        chain.extend(intermediates.iter().map(|c| c.to_vec()));
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// Words of the error when the server accepts no connection or completes no handshake in time.
pub const NO_HANDSHAKE: &str = "did not complete a TLS handshake within";

/// Connects to `host:port`, completes a TLS handshake and returns the DER certificates the
/// server presented (leaf first). Nothing is sent after the handshake.
pub async fn capture_chain(
    host: &str,
    port: u16,
    timeout: Duration,
) -> Result<Vec<Vec<u8>>, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let chain = Arc::new(Mutex::new(Vec::new()));
    let recorder = Recorder {
        chain: chain.clone(),
        algorithms: provider.signature_verification_algorithms,
    };
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(recorder))
        .with_no_client_auth();
    let name = ServerName::try_from(host.trim_matches(['[', ']']).to_string())
        .map_err(|e| format!("{host} is not a valid server name: {e}"))?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let work = async {
        let tcp = TcpStream::connect((host.trim_matches(['[', ']']), port))
            .await
            .map_err(|e| format!("cannot connect to {host}:{port}: {e}"))?;
        connector
            .connect(name, tcp)
            .await
            .map_err(|e| format!("TLS handshake with {host}:{port} failed: {e}"))
    };
    match tokio::time::timeout(timeout, work).await {
        Err(_) => {
            return Err(format!(
                "{host}:{port} {NO_HANDSHAKE} {}",
                crate::cluster::timeouts::human(timeout)
            ));
        }
        Ok(result) => drop(result?),
    }
    let captured = chain.lock().unwrap_or_else(|p| p.into_inner()).clone();
    if captured.is_empty() {
        return Err(format!("{host}:{port} presented no certificate"));
    }
    Ok(captured)
}

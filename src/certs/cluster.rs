//! Certificates kept in the cluster, read through the read-only client: `kubernetes.io/tls`
//! Secrets (every certificate of `tls.crt`, and `ca.crt`), CertificateSigningRequests, and the
//! `caBundle` of webhook configurations and APIServices, checked against their service's
//! serving certificate when a TLS Secret for `<service>.<namespace>.svc` is found.

use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::api::admissionregistration::v1::{
    MutatingWebhookConfiguration, ValidatingWebhookConfiguration, WebhookClientConfig,
};
use k8s_openapi::api::certificates::v1::CertificateSigningRequest;
use k8s_openapi::api::core::v1::{Secret, Service};
use k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::APIService;
use kube::Client;
use kube::api::{Api, ListParams};

pub use super::csr::{csr_entry, csr_finding};
use super::entry::{CertEntry, Role, SourceKind};
use super::info::parse_certificates;
use super::verify::{ChainVerdict, key_matches, verify_chain};
use crate::findings::{Evidence, Finding, ObjectRef, Pane, Severity};

/// How long one list may take.
const LIST_TIMEOUT: Duration = Duration::from_secs(10);

/// The `kubernetes` Service's cluster IP, when it can be read; `Err` (naming the server and
/// the wait) when the API server did not answer in time.
pub async fn service_ip(client: &Client) -> Result<Option<String>, String> {
    let api = Api::<Service>::namespaced(client.clone(), "default");
    let svc = match tokio::time::timeout(LIST_TIMEOUT, api.get("kubernetes")).await {
        Ok(Ok(svc)) => svc,
        Ok(Err(e)) => {
            return match crate::cluster::timeouts::no_answer(&e) {
                Some(no_answer) => Err(no_answer.with_hint()),
                None => Ok(None),
            };
        }
        Err(_) => return Ok(None),
    };
    Ok(svc
        .spec
        .and_then(|s| s.cluster_ip)
        .filter(|ip| !ip.is_empty() && ip != "None"))
}

async fn list<K>(api: Api<K>, params: &ListParams) -> Result<Vec<K>, String>
where
    K: Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    match tokio::time::timeout(LIST_TIMEOUT, api.list(params)).await {
        Ok(Ok(list)) => Ok(list.items),
        Ok(Err(kube::Error::Api(status))) if status.code == 404 => {
            Err("not served by this cluster".into())
        }
        Ok(Err(kube::Error::Api(status))) => Err(format!("{} ({})", status.message, status.code)),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("timed out".into()),
    }
}

/// A webhook or APIService that trusts its backend through a `caBundle`.
#[derive(Debug, Clone)]
pub struct CaBundleUser {
    pub object: ObjectRef,
    /// e.g. `webhook pod-policy.example.com`.
    pub label: String,
    pub ca_bundle: Vec<u8>,
    /// (namespace, name) of the backing Service.
    pub service: Option<(String, String)>,
}

/// Everything the cluster holds, plus findings that are not about one certificate (CSRs,
/// lists that failed). Lists the server does not serve or refuses are skipped with a note.
pub async fn collect(
    client: &Client,
    now: Timestamp,
) -> (Vec<CertEntry>, Vec<Finding>, Vec<String>) {
    let mut entries = Vec::new();
    let mut findings = Vec::new();
    let mut skipped = Vec::new();
    let tls = ListParams::default().fields("type=kubernetes.io/tls");
    match list(Api::<Secret>::all(client.clone()), &tls).await {
        Ok(secrets) => entries.extend(secrets.iter().flat_map(tls_secret_entries)),
        Err(e) => skipped.push(format!("TLS Secrets: {e}")),
    }
    match list(
        Api::<CertificateSigningRequest>::all(client.clone()),
        &ListParams::default(),
    )
    .await
    {
        Ok(csrs) => {
            findings.extend(csrs.iter().filter_map(|c| csr_finding(c, now)));
            entries.extend(csrs.iter().map(|c| csr_entry(c, now)));
        }
        Err(e) => skipped.push(format!("CertificateSigningRequests: {e}")),
    }
    let mut users = Vec::new();
    let all = ListParams::default();
    match list(
        Api::<ValidatingWebhookConfiguration>::all(client.clone()),
        &all,
    )
    .await
    {
        Ok(items) => users.extend(items.iter().flat_map(validating_users)),
        Err(e) => skipped.push(format!("ValidatingWebhookConfigurations: {e}")),
    }
    match list(
        Api::<MutatingWebhookConfiguration>::all(client.clone()),
        &all,
    )
    .await
    {
        Ok(items) => users.extend(items.iter().flat_map(mutating_users)),
        Err(e) => skipped.push(format!("MutatingWebhookConfigurations: {e}")),
    }
    match list(Api::<APIService>::all(client.clone()), &all).await {
        Ok(items) => users.extend(items.iter().filter_map(api_service_user)),
        Err(e) => skipped.push(format!("APIServices: {e}")),
    }
    let (bundle_entries, bundle_findings) = ca_bundles(&users, &entries);
    entries.extend(bundle_entries);
    findings.extend(bundle_findings);
    (entries, findings, skipped)
}

/// `tls.crt` (all certificates, leaf first) checked against `ca.crt` when present, and
/// `ca.crt` itself.
pub fn tls_secret_entries(secret: &Secret) -> Vec<CertEntry> {
    let ns = secret.metadata.namespace.clone().unwrap_or_default();
    let name = secret.metadata.name.clone().unwrap_or_default();
    let data = secret.data.clone().unwrap_or_default();
    let object = ObjectRef::new("Secret", ns.clone(), name.clone());
    let mut out = Vec::new();
    let mut ca_chain = Vec::new();
    if let Some(ca) = data.get("ca.crt").filter(|b| !b.0.is_empty()) {
        let mut entry = CertEntry::new(
            SourceKind::Cluster,
            format!("{ns}/{name} ca.crt"),
            format!("Secret {ns}/{name} ca.crt"),
            object.clone(),
            Role::Ca,
        );
        match parse_certificates(&ca.0) {
            Ok(chain) => entry.chain = chain,
            Err(e) => entry.error = Some(e.to_string()),
        }
        ca_chain = entry.chain.clone();
        out.push(entry);
    }
    let mut entry = CertEntry::new(
        SourceKind::Cluster,
        format!("{ns}/{name} tls.crt"),
        format!("Secret {ns}/{name} tls.crt"),
        object,
        Role::Server,
    );
    match data.get("tls.crt").map(|b| parse_certificates(&b.0)) {
        Some(Ok(chain)) => entry.chain = chain,
        Some(Err(e)) => entry.error = Some(e.to_string()),
        None => entry.error = Some("the Secret has no tls.crt".into()),
    }
    if let (Some(key), Some(leaf)) = (data.get("tls.key"), entry.leaf()) {
        entry.key = Some(key_matches(leaf, &String::from_utf8_lossy(&key.0)));
    }
    // Only a ca.crt that is not itself the leaf is an independent trust anchor.
    if !ca_chain.is_empty()
        && entry
            .leaf()
            .is_some_and(|l| !ca_chain.iter().any(|c| c.der == l.der))
    {
        entry.trust(super::entry::Trust {
            name: format!("{ns}/{name} ca.crt"),
            certs: ca_chain,
        });
    }
    out.push(entry);
    out
}

fn bundle_user(
    kind: &str,
    config: &str,
    webhook: &str,
    bundle: Option<&Vec<u8>>,
    service: Option<(String, String)>,
) -> Option<CaBundleUser> {
    let bundle = bundle.filter(|b| !b.is_empty())?.clone();
    Some(CaBundleUser {
        object: ObjectRef::new(kind, "", config),
        label: format!("webhook {webhook}"),
        ca_bundle: bundle,
        service,
    })
}

fn validating_users(c: &ValidatingWebhookConfiguration) -> Vec<CaBundleUser> {
    let webhooks = c
        .webhooks
        .iter()
        .flatten()
        .map(|w| (&w.name, &w.client_config));
    webhook_users(
        "ValidatingWebhookConfiguration",
        c.metadata.name.as_deref(),
        webhooks,
    )
}

fn mutating_users(c: &MutatingWebhookConfiguration) -> Vec<CaBundleUser> {
    let webhooks = c
        .webhooks
        .iter()
        .flatten()
        .map(|w| (&w.name, &w.client_config));
    webhook_users(
        "MutatingWebhookConfiguration",
        c.metadata.name.as_deref(),
        webhooks,
    )
}

/// The caBundle users of one webhook configuration (validating and mutating ones share the
/// client config shape).
fn webhook_users<'a>(
    kind: &str,
    name: Option<&str>,
    webhooks: impl Iterator<Item = (&'a String, &'a WebhookClientConfig)>,
) -> Vec<CaBundleUser> {
    let name = name.unwrap_or_default().to_string();
    webhooks
        .filter_map(|(webhook, config)| {
            let svc = config
                .service
                .as_ref()
                .map(|s| (s.namespace.clone(), s.name.clone()));
            bundle_user(
                kind,
                &name,
                webhook,
                config.ca_bundle.as_ref().map(|b| &b.0),
                svc,
            )
        })
        .collect()
}

fn api_service_user(a: &APIService) -> Option<CaBundleUser> {
    let name = a.metadata.name.clone().unwrap_or_default();
    let spec = a.spec.as_ref()?;
    let svc = spec.service.as_ref().map(|s| {
        (
            s.namespace.clone().unwrap_or_default(),
            s.name.clone().unwrap_or_default(),
        )
    });
    let mut user = bundle_user(
        "APIService",
        &name,
        &name,
        spec.ca_bundle.as_ref().map(|b| &b.0),
        svc,
    )?;
    user.label = format!("APIService {name}");
    Some(user)
}

/// The caBundles as CA entries, and a finding for each one that does not verify the serving
/// certificate found for its Service (a TLS Secret in its namespace covering
/// `<service>.<namespace>.svc`).
pub fn ca_bundles(users: &[CaBundleUser], secrets: &[CertEntry]) -> (Vec<CertEntry>, Vec<Finding>) {
    let mut entries = Vec::new();
    let mut findings = Vec::new();
    for user in users {
        let mut entry = CertEntry::new(
            SourceKind::Cluster,
            format!("{} {} caBundle", user.object.name, user.label),
            format!("{} {} caBundle", user.object.kind, user.object.name),
            user.object.clone(),
            Role::Ca,
        );
        match parse_certificates(&user.ca_bundle) {
            Ok(chain) => entry.chain = chain,
            Err(e) => entry.error = Some(e.to_string()),
        }
        let Some((ns, svc)) = &user.service else {
            entries.push(entry);
            continue;
        };
        let host = format!("{svc}.{ns}.svc");
        let serving = secrets.iter().find(|s| {
            s.role == Role::Server
                && s.object.namespace == *ns
                && s.leaf().is_some_and(|l| l.covers(&host))
        });
        if let (Some(serving), false) = (serving, entry.chain.is_empty()) {
            let verdict = verify_chain(&serving.chain, &entry.chain);
            if !matches!(verdict, Some(ChainVerdict::Trusted { .. }) | None) {
                findings.push(Finding {
                    pane: Pane::Certs,
                    check: "cert-cabundle-mismatch".into(),
                    severity: Severity::Error,
                    object: user.object.clone(),
                    summary: format!("the caBundle of {} does not verify the serving certificate of {host}", user.label),
                    explanation: "The API server calls the backend over TLS and checks its certificate against the caBundle; every call fails with \"x509: certificate signed by unknown authority\", so admission requests (or the aggregated API) fail.".into(),
                    evidence: vec![
                        Evidence::new("serving certificate", serving.location.clone()),
                        Evidence::new("issuer", serving.leaf().map(|l| l.issuer.clone()).unwrap_or_default()),
                        Evidence::new("caBundle", entry.chain.iter().map(|c| c.subject.clone()).collect::<Vec<_>>().join("; ")),
                    ],
                    next_steps: vec![
                        format!("put the CA that signed {} into the caBundle (or let cert-manager's cainjector do it)", serving.location),
                    ],
                    caused_by: Vec::new(),
                });
            }
        }
        entries.push(entry);
    }
    (entries, findings)
}

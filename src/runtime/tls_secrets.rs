//! Ingress TLS certificates on a live cluster. Secrets are watched metadata-only (their values
//! never leave the API server for the watch), so the check "the TLS Secret's certificate covers
//! the Ingress hosts" has no certificate to read. For each Secret named by an Ingress's
//! `spec.tls[].secretName` (and only those, and only when the network pane is analysed), the
//! engine thread asks for that one Secret with a GET through the client's read-only choke
//! point. The answer is decoded at once into the compact Secret: key names and the leaf
//! certificate's facts (SANs, notAfter, issuer); `tls.key` and every other value are dropped
//! with the response text and never logged. A Secret is read once per watched version: a
//! watch event that changes its metadata replaces the compact object, which asks again. A
//! refused GET becomes a coverage note ("could not read Secret shop/web-tls: forbidden …"),
//! so the Ingress is never reported as fine when its certificate was not looked at.

use std::collections::HashMap;
use std::sync::Arc;

use kube::Client;

use crate::findings::Pane;
use crate::model::ObjKey;
use crate::objects::{Kind, Secret};
use crate::troubleshoot::{Change, Engine, Skipped};

/// Secrets read at most per analysis pass.
const MAX_READS: usize = 20;

/// The answer to one GET, for the engine thread.
pub struct SecretRead {
    pub key: ObjKey,
    /// The (metadata-only) object the read was asked for: the answer is applied only while
    /// the snapshot still holds it (not after a deletion or a newer watch event).
    pub asked: Arc<Secret>,
    pub result: Result<crate::objects::Object, String>,
}

/// Where answers go (the engine thread's queue).
pub type Feedback = Arc<dyn Fn(SecretRead) + Send + Sync>;

/// Reads the TLS Secrets Ingresses name, off the engine thread.
pub struct TlsSecretReader {
    pub client: Client,
    pub runtime: tokio::runtime::Handle,
    pub feedback: Feedback,
    /// Per Secret, the watched version last asked about.
    asked: HashMap<ObjKey, Arc<Secret>>,
}

impl TlsSecretReader {
    pub fn new(client: Client, runtime: tokio::runtime::Handle, feedback: Feedback) -> Self {
        TlsSecretReader {
            client,
            runtime,
            feedback,
            asked: HashMap::new(),
        }
    }

    /// Starts a GET for every TLS Secret an Ingress names whose values were not read for the
    /// version the snapshot holds.
    pub fn read_new(&mut self, engine: &Engine) {
        let panes = &engine.options().panes;
        if !panes.is_empty() && !panes.contains(&Pane::Network) {
            return;
        }
        let mut started = 0;
        for (key, secret) in wanted(engine) {
            if started >= MAX_READS {
                break;
            }
            if self
                .asked
                .get(&key)
                .is_some_and(|old| Arc::ptr_eq(old, &secret))
            {
                continue;
            }
            self.asked.insert(key.clone(), secret.clone());
            started += 1;
            let client = self.client.clone();
            let tx = self.feedback.clone();
            self.runtime.spawn(async move {
                let result = get(client, &key).await;
                tx(SecretRead {
                    key,
                    asked: secret,
                    result,
                });
            });
        }
    }
}

/// The Secrets named by Ingress TLS entries whose values are not known (metadata-only).
pub fn wanted(engine: &Engine) -> Vec<(ObjKey, Arc<Secret>)> {
    let snap = engine.snapshot();
    let mut out: Vec<(ObjKey, Arc<Secret>)> = Vec::new();
    for ing in snap.ingresses.iter() {
        let ns = ing.metadata.namespace.as_deref().unwrap_or("");
        let names = ing
            .spec
            .iter()
            .flat_map(|s| s.tls.iter().flatten())
            .filter_map(|t| t.secret_name.as_deref());
        for name in names {
            let key = ObjKey::new(ns, name);
            if out.iter().any(|(k, _)| *k == key) {
                continue;
            }
            if let Some(secret) = snap.secrets.get(&key)
                && secret.keys.is_none()
                && secret.tls_leaf.is_none()
            {
                out.push((key, secret.clone()));
            }
        }
    }
    out
}

/// GETs one Secret and decodes it into the compact form (the response text is dropped here).
async fn get(client: Client, key: &ObjKey) -> Result<crate::objects::Object, String> {
    let path = format!("/api/v1/namespaces/{}/secrets", key.namespace);
    let req = kube::core::Request::new(path)
        .get(&key.name, &kube::api::GetParams::default())
        .map_err(|e| e.to_string())?;
    let text = client.request_text(req).await.map_err(|e| match e {
        kube::Error::Api(status) if status.code == 403 => {
            format!("forbidden ({})", status.message)
        }
        kube::Error::Api(status) => format!("{} ({})", status.reason, status.message),
        other => other.to_string(),
    })?;
    crate::objects::decode_text(Kind::Secret, &text).map_err(|e| e.to_string())
}

/// Applies an answer to the engine: the Secret with its certificate facts, or a note that its
/// values could not be read. Nothing when the snapshot moved on since the question.
pub fn apply(engine: &mut Engine, read: SecretRead) -> bool {
    let current = engine.snapshot().secrets.get(&read.key);
    if !current.is_some_and(|c| Arc::ptr_eq(c, &read.asked)) {
        return false;
    }
    let change = match read.result {
        Ok(object) => Change::Upsert(object),
        Err(reason) => Change::Malformed(Skipped {
            kind: "Secret".to_string(),
            namespace: read.key.namespace.to_string(),
            name: read.key.name.to_string(),
            reason: format!("{reason}: its certificate was not checked against the Ingress hosts"),
            source: None,
        }),
    };
    engine.apply(change);
    true
}

/// `kmedic check` on a live cluster: reads every wanted TLS Secret once (at most
/// `MAX_READS` × 5) and applies the answers, before the one analysis.
pub async fn read_all(client: &Client, engine: &mut Engine, panes: &[Pane]) {
    if !panes.is_empty() && !panes.contains(&Pane::Network) {
        return;
    }
    let wanted = wanted(engine);
    let reads = futures::future::join_all(wanted.into_iter().take(MAX_READS * 5).map(
        |(key, asked)| async move {
            let result = get(client.clone(), &key).await;
            SecretRead { key, asked, result }
        },
    ))
    .await;
    for read in reads {
        apply(engine, read);
    }
}

//! Compact admission webhook configurations, APIServices and CertificateSigningRequests:
//! the cluster-wide objects that can block writes, break discovery or leave nodes uncertified.

use serde::{Deserialize, Serialize};

use super::list::List;
use super::meta::{Condition, LabelSelector, ObjectMeta};
use super::str::Str;

/// A Validating- or MutatingWebhookConfiguration.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WebhookConfiguration {
    pub metadata: ObjectMeta,
    pub webhooks: Option<List<Webhook>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Webhook {
    pub name: Str,
    pub failure_policy: Option<Str>,
    pub side_effects: Option<Str>,
    pub timeout_seconds: Option<i32>,
    pub client_config: WebhookClientConfig,
    pub rules: Option<List<RuleWithOperations>>,
    pub namespace_selector: Option<LabelSelector>,
    pub object_selector: Option<LabelSelector>,
    pub match_policy: Option<Str>,
}

impl Webhook {
    /// `Fail` unless set otherwise (the API's default for v1).
    pub fn fails_closed(&self) -> bool {
        self.failure_policy.as_deref().unwrap_or("Fail") == "Fail"
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WebhookClientConfig {
    pub service: Option<ServiceReference>,
    pub url: Option<Str>,
    pub ca_bundle: Option<Str>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceReference {
    pub namespace: Option<Str>,
    pub name: Option<Str>,
    pub port: Option<i32>,
    pub path: Option<Str>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RuleWithOperations {
    pub operations: Option<List<Str>>,
    pub api_groups: Option<List<Str>>,
    pub api_versions: Option<List<Str>>,
    pub resources: Option<List<Str>>,
    pub scope: Option<Str>,
}

impl WebhookConfiguration {
    pub fn compact(&mut self) {
        self.metadata.compact();
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ApiService {
    pub metadata: ObjectMeta,
    pub spec: Option<ApiServiceSpec>,
    pub status: Option<ApiServiceStatus>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ApiServiceSpec {
    pub service: Option<ServiceReference>,
    pub group: Option<Str>,
    pub version: Option<Str>,
    #[serde(rename = "insecureSkipTLSVerify")]
    pub insecure_skip_tls_verify: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ApiServiceStatus {
    pub conditions: Option<List<Condition>>,
}

impl ApiService {
    pub fn compact(&mut self) {
        self.metadata.compact();
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CertificateSigningRequest {
    pub metadata: ObjectMeta,
    pub spec: CsrSpec,
    pub status: Option<CsrStatus>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CsrSpec {
    pub signer_name: Str,
    pub username: Option<Str>,
    pub usages: Option<List<Str>>,
    pub expiration_seconds: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CsrStatus {
    pub conditions: Option<List<Condition>>,
    /// The issued certificate (base64 PEM), when there is one.
    pub certificate: Option<Str>,
}

impl CertificateSigningRequest {
    pub fn compact(&mut self) {
        self.metadata.compact();
    }
}

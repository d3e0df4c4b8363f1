//! Compact namespaces, ConfigMaps, Secrets and ServiceAccounts. A ConfigMap keeps its key
//! names, and the content only of the few cluster configuration maps checks parse; a Secret
//! keeps its type and key names at most, never a value.

use serde::{Deserialize, Deserializer, Serialize};

use super::list::List;
use super::map::Map;
use super::meta::{Condition, LocalObjectReference, ObjectMeta};
use super::pod::Present;
use super::str::Str;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Namespace {
    pub metadata: ObjectMeta,
    pub status: Option<NamespaceStatus>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NamespaceStatus {
    pub phase: Option<Str>,
    pub conditions: Option<List<Condition>>,
}

impl Namespace {
    pub fn compact(&mut self) {
        self.metadata.compact();
    }
}

/// ConfigMaps whose content is kept (namespace, name): the configuration of cluster
/// components that the control-plane, DNS and kube-proxy checks parse.
pub const KEPT_CONFIGMAPS: &[(&str, &str)] = &[
    ("kube-system", "coredns"),
    ("kube-system", "kube-proxy"),
    ("kube-system", "kubeadm-config"),
    ("kube-system", "kubelet-config"),
    ("kube-system", "cluster-info"),
    ("kube-public", "cluster-info"),
];

/// Largest value kept of a kept ConfigMap.
const MAX_KEPT_VALUE: usize = 256 * 1024;

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ConfigMap {
    pub metadata: ObjectMeta,
    /// Keys of `data` and `binaryData`, sorted.
    pub keys: List<Str>,
    /// Content of the configuration maps in [`KEPT_CONFIGMAPS`]; empty for all others.
    pub data: Map,
}

impl<'de> Deserialize<'de> for ConfigMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize, Default)]
        #[serde(rename_all = "camelCase", default)]
        struct Raw {
            metadata: ObjectMeta,
            data: Option<Map<String>>,
            binary_data: Option<Map<Present>>,
        }
        let raw = Raw::deserialize(d)?;
        let keep = KEPT_CONFIGMAPS
            .iter()
            .any(|(ns, name)| raw.metadata.namespace() == *ns && raw.metadata.name() == *name);
        let mut keys: Vec<Str> = raw.data.iter().flatten().map(|(k, _)| k.clone()).collect();
        keys.extend(raw.binary_data.iter().flatten().map(|(k, _)| k.clone()));
        keys.sort();
        keys.dedup();
        let data = if keep {
            Map::from_pairs(
                raw.data
                    .iter()
                    .flatten()
                    .filter(|(_, v)| v.len() <= MAX_KEPT_VALUE)
                    .map(|(k, v)| (k.clone(), Str::new(v)))
                    .collect(),
            )
        } else {
            Map::default()
        };
        Ok(ConfigMap {
            metadata: raw.metadata,
            keys: keys.into(),
            data,
        })
    }
}

impl ConfigMap {
    pub fn compact(&mut self) {
        self.metadata.compact();
    }

    pub fn has_key(&self, key: &str) -> bool {
        self.keys.iter().any(|k| k == key)
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Secret {
    pub metadata: ObjectMeta,
    /// Unknown when only the metadata was read.
    #[serde(rename = "type")]
    pub type_: Option<Str>,
    /// Key names of `data` and `stringData`; `None` when only the metadata was read.
    pub keys: Option<List<Str>>,
    /// The first certificate of `tls.crt` (public; the values themselves, the key above all,
    /// are never kept), or why it cannot be read. `None` when there is no `tls.crt`.
    pub tls_leaf: Option<Result<crate::certs::CertInfo, String>>,
}

/// The leaf of a `tls.crt` value: base64 in `data`, PEM text in `stringData`.
fn tls_leaf(
    value: &serde_json::Value,
    base64: bool,
) -> Option<Result<crate::certs::CertInfo, String>> {
    use base64::Engine as _;
    let text = value.as_str()?;
    let bytes = if base64 {
        match base64::engine::general_purpose::STANDARD.decode(text.trim()) {
            Ok(b) => b,
            Err(e) => return Some(Err(format!("tls.crt is not base64: {e}"))),
        }
    } else {
        text.as_bytes().to_vec()
    };
    if bytes.is_empty() {
        return Some(Err("tls.crt is empty".to_string()));
    }
    Some(
        crate::certs::parse_certificates(&bytes)
            .map_err(|e| e.to_string())
            .and_then(|chain| {
                chain
                    .into_iter()
                    .next()
                    .ok_or_else(|| "tls.crt holds no certificate".to_string())
            }),
    )
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize, Default)]
        #[serde(rename_all = "camelCase", default)]
        struct Raw {
            metadata: ObjectMeta,
            #[serde(rename = "type")]
            type_: Option<Str>,
            data: Option<Map<serde_json::Value>>,
            string_data: Option<Map<serde_json::Value>>,
        }
        let raw = Raw::deserialize(d)?;
        let find = |m: &Option<Map<serde_json::Value>>| {
            m.iter()
                .flatten()
                .find(|(k, _)| k.as_str() == "tls.crt")
                .map(|(_, v)| v.clone())
        };
        let tls = find(&raw.data)
            .and_then(|v| tls_leaf(&v, true))
            .or_else(|| find(&raw.string_data).and_then(|v| tls_leaf(&v, false)));
        let keys = if raw.data.is_none() && raw.string_data.is_none() && raw.type_.is_none() {
            None
        } else {
            let mut keys: Vec<Str> = raw.data.iter().flatten().map(|(k, _)| k.clone()).collect();
            keys.extend(raw.string_data.iter().flatten().map(|(k, _)| k.clone()));
            keys.sort();
            keys.dedup();
            Some(keys.into())
        };
        Ok(Secret {
            metadata: raw.metadata,
            type_: raw.type_,
            keys,
            tls_leaf: tls,
        })
    }
}

impl Secret {
    pub fn compact(&mut self) {
        self.metadata.compact();
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceAccount {
    pub metadata: ObjectMeta,
    pub image_pull_secrets: Option<List<LocalObjectReference>>,
    pub automount_service_account_token: Option<bool>,
}

impl ServiceAccount {
    pub fn compact(&mut self) {
        self.metadata.compact();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_keep_key_names_never_values() {
        let s: Secret = serde_json::from_value(serde_json::json!({
            "apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
            "metadata": {"name": "tls", "namespace": "shop"},
            "data": {"tls.crt": "LS0t", "tls.key": "LS0tLS1CRUdJTiBQUklWQVRF"}
        }))
        .expect("secret");
        let text = format!("{s:?}");
        assert!(!text.contains("LS0t"), "{text}");
        assert_eq!(s.keys.as_deref().map(|k| k.len()), Some(2));
        let meta_only: Secret =
            serde_json::from_value(serde_json::json!({"metadata": {"name": "x"}})).expect("meta");
        assert_eq!(meta_only.keys, None);
    }

    #[test]
    fn only_cluster_configuration_maps_keep_content() {
        let coredns: ConfigMap = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "coredns", "namespace": "kube-system"},
            "data": {"Corefile": ".:53 {\n    forward . /etc/resolv.conf\n}\n"}
        }))
        .expect("cm");
        assert!(coredns.data.get("Corefile").is_some());
        let app: ConfigMap = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "app", "namespace": "shop"},
            "data": {"password": "x"}, "binaryData": {"blob": "AAAA"}
        }))
        .expect("cm");
        assert!(app.data.is_empty());
        assert!(app.has_key("password") && app.has_key("blob"));
    }
}

//! Compact storage objects: claims, volumes and storage classes.

use serde::{Deserialize, Serialize};

use super::list::List;
use super::map::Map;
use super::meta::{Condition, ObjectMeta, ObjectReference, Quantity};
use super::pod::Present;
use super::str::Str;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PersistentVolumeClaim {
    pub metadata: ObjectMeta,
    pub spec: Option<PersistentVolumeClaimSpec>,
    pub status: Option<PersistentVolumeClaimStatus>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PersistentVolumeClaimSpec {
    pub access_modes: Option<List<Str>>,
    pub storage_class_name: Option<Str>,
    pub volume_name: Option<Str>,
    pub volume_mode: Option<Str>,
    pub resources: Option<VolumeResources>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VolumeResources {
    pub requests: Option<Map<Quantity>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PersistentVolumeClaimStatus {
    pub phase: Option<Str>,
    pub access_modes: Option<List<Str>>,
    pub capacity: Option<Map<Quantity>>,
    pub conditions: Option<List<Condition>>,
}

impl PersistentVolumeClaim {
    pub fn compact(&mut self) {
        self.metadata.compact();
    }

    pub fn phase(&self) -> &str {
        self.status
            .as_ref()
            .and_then(|s| s.phase.as_deref())
            .unwrap_or("")
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PersistentVolume {
    pub metadata: ObjectMeta,
    pub spec: Option<PersistentVolumeSpec>,
    pub status: Option<PersistentVolumeStatus>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PersistentVolumeSpec {
    pub capacity: Option<Map<Quantity>>,
    pub access_modes: Option<List<Str>>,
    pub storage_class_name: Option<Str>,
    pub persistent_volume_reclaim_policy: Option<Str>,
    pub claim_ref: Option<ObjectReference>,
    pub volume_mode: Option<Str>,
    pub node_affinity: Option<Present>,
    pub csi: Option<CsiPersistentVolumeSource>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CsiPersistentVolumeSource {
    pub driver: Str,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PersistentVolumeStatus {
    pub phase: Option<Str>,
    pub reason: Option<Str>,
    pub message: Option<Str>,
}

impl PersistentVolume {
    pub fn compact(&mut self) {
        self.metadata.compact();
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StorageClass {
    pub metadata: ObjectMeta,
    pub provisioner: Str,
    pub volume_binding_mode: Option<Str>,
    pub reclaim_policy: Option<Str>,
    pub allow_volume_expansion: Option<bool>,
}

impl StorageClass {
    pub fn compact(&mut self) {
        self.metadata.compact();
    }

    /// Marked as the default class (GA or beta annotation).
    pub fn is_default(&self) -> bool {
        [
            "storageclass.kubernetes.io/is-default-class",
            "storageclass.beta.kubernetes.io/is-default-class",
        ]
        .iter()
        .any(|k| self.metadata.annotation(k) == Some("true"))
    }
}

//! Which resource types a store serves: the built-in ones, plus the custom types of the
//! CustomResourceDefinitions it holds; and the copies an object has in other API versions
//! (core/v1 ↔ events.k8s.io/v1 Events, autoscaling/v2 ↔ v1 HPAs, the served versions of a
//! custom resource).

use serde_json::{Value, json};

use super::resources::{self, RESOURCES, split_api_version};
use super::store::{Inner, Store};
use super::{crd, event_mirror, hpa_convert, registry};

impl Inner {
    /// The type an object with this apiVersion and kind is stored as.
    pub(super) fn resolve_kind(&self, api_version: &str, kind: &str) -> Option<usize> {
        if let Some(i) = resources::by_kind(api_version, kind) {
            return Some(i);
        }
        let (group, version) = split_api_version(api_version);
        self.custom.iter().map(|(i, _)| *i).find(|i| {
            let r = resources::get(*i);
            r.group == group && r.version == version && r.kind == kind
        })
    }

    /// The type served at `group/version/plural`.
    pub(super) fn resolve_plural(&self, group: &str, version: &str, plural: &str) -> Option<usize> {
        if let Some(i) = resources::by_plural(group, version, plural) {
            return Some(i);
        }
        self.custom.iter().map(|(i, _)| *i).find(|i| {
            let r = resources::get(*i);
            r.group == group && r.version == version && r.plural == plural
        })
    }

    pub(super) fn serve_crd(&mut self, crd: &Value) {
        let name = crd
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        self.unserve_crd(&name);
        for t in crd::types(crd) {
            // A custom type never shadows a built-in one.
            if resources::by_plural(&t.group, &t.version, &t.plural).is_some() {
                continue;
            }
            let index = registry::register(&t);
            self.custom.push((index, name.clone()));
        }
    }

    pub(super) fn unserve_crd(&mut self, name: &str) {
        self.custom.retain(|(_, crd)| crd != name);
    }

    /// The copies of `object` in the other API versions that serve it.
    pub(super) fn mirrors_of(&self, object: &Value) -> Vec<Value> {
        let api_version = object
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or("");
        let kind = object.get("kind").and_then(Value::as_str).unwrap_or("");
        match (api_version, kind) {
            ("v1", "Event") => vec![event_mirror::to_events_v1(object)],
            ("events.k8s.io/v1", "Event") => vec![event_mirror::to_core_v1(object)],
            ("autoscaling/v2", "HorizontalPodAutoscaler") => vec![hpa_convert::to_v1(object)],
            ("autoscaling/v1", "HorizontalPodAutoscaler") => vec![hpa_convert::to_v2(object)],
            _ => self.custom_versions(object, api_version, kind),
        }
    }

    /// A custom resource in its other served versions (conversion strategy None: only the
    /// apiVersion changes).
    fn custom_versions(&self, object: &Value, api_version: &str, kind: &str) -> Vec<Value> {
        let (group, version) = split_api_version(api_version);
        let Some(own) = self.resolve_kind(api_version, kind) else {
            return Vec::new();
        };
        if own < RESOURCES.len() {
            return Vec::new();
        }
        let crd_name = self
            .custom
            .iter()
            .find(|(i, _)| *i == own)
            .map(|(_, n)| n.clone());
        self.custom
            .iter()
            .filter(|(i, n)| *i != own && Some(n) == crd_name.as_ref())
            .map(|(i, _)| resources::get(*i))
            .filter(|r| r.group == group && r.kind == kind && r.version != version)
            .map(|r| {
                let mut copy = object.clone();
                copy["apiVersion"] = json!(r.api_version());
                if let Some(meta) = copy.get_mut("metadata").and_then(Value::as_object_mut) {
                    meta.remove("resourceVersion");
                }
                copy
            })
            .collect()
    }
}

impl Store {
    /// The type an object with this apiVersion and kind belongs to in this store.
    pub fn resolve_kind(&self, api_version: &str, kind: &str) -> Option<usize> {
        self.lock().resolve_kind(api_version, kind)
    }

    /// The type this store serves at `group/version/plural`.
    pub fn resolve_plural(&self, group: &str, version: &str, plural: &str) -> Option<usize> {
        self.lock().resolve_plural(group, version, plural)
    }

    /// The custom types this store serves, with the name of the CRD defining each.
    pub fn custom_types(&self) -> Vec<(usize, String)> {
        self.lock().custom.clone()
    }
}

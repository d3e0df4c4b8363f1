//! Read queries on the store: get one object, list all, and the paged, filtered visit that
//! list requests use.

use std::ops::Bound;
use std::sync::Arc;

use serde_json::Value;

use super::resources::{self, PODS};
use super::store::{ObjectKey, Store};

impl Store {
    pub fn get(&self, resource: usize, namespace: Option<&str>, name: &str) -> Option<Arc<Value>> {
        let namespace = if resources::get(resource).namespaced {
            namespace.unwrap_or("default")
        } else {
            ""
        };
        self.lock()
            .objects
            .get(resource)?
            .get(&(namespace.to_string(), name.to_string()))
            .cloned()
    }

    /// Every object of a type (optionally one namespace), in key order.
    pub fn list_all(&self, resource: usize, namespace: Option<&str>) -> Vec<Arc<Value>> {
        self.visit(resource, namespace, None, |_, _| true, usize::MAX, false)
            .0
    }

    /// Objects of a type in key order, starting after `after`, that pass `keep`, at most
    /// `limit`; returns them, how many more matching objects follow (`Some(1)` at least when
    /// `count_rest` is false: the scan stops at the first one), and the resourceVersion.
    pub fn visit(
        &self,
        resource: usize,
        namespace: Option<&str>,
        after: Option<&ObjectKey>,
        keep: impl Fn(&ObjectKey, &Value) -> bool,
        limit: usize,
        count_rest: bool,
    ) -> (Vec<Arc<Value>>, Option<usize>, u64) {
        let inner = self.lock();
        let Some(map) = inner.objects.get(resource) else {
            return (Vec::new(), None, inner.rv);
        };
        let start = match (after, namespace) {
            (Some(after), _) => Bound::Excluded(after.clone()),
            (None, Some(ns)) => Bound::Included((ns.to_string(), String::new())),
            (None, None) => Bound::Unbounded,
        };
        let mut items = Vec::new();
        let mut remaining = 0usize;
        for (key, object) in map.range((start, Bound::Unbounded)) {
            if namespace.is_some_and(|ns| key.0 != ns) {
                break;
            }
            if !keep(key, object) {
                continue;
            }
            if items.len() < limit {
                items.push(object.clone());
            } else {
                remaining += 1;
                if !count_rest {
                    break;
                }
            }
        }
        let more = (remaining > 0).then_some(remaining);
        (items, more, inner.rv)
    }

    /// A pod by namespace and name.
    pub fn get_pod(&self, namespace: &str, name: &str) -> Option<Arc<Value>> {
        self.get(PODS, Some(namespace), name)
    }

    /// An object by apiVersion, kind, namespace (ignored for cluster-scoped kinds) and name.
    pub fn find(
        &self,
        api_version: &str,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<Arc<Value>> {
        self.get(self.resolve_kind(api_version, kind)?, namespace, name)
    }
}

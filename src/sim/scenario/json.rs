//! Small, panic-free helpers to read plain JSON Kubernetes objects.

use serde_json::Value;

/// JSON pointer lookup without the allocations of `Value::pointer` (which unescapes every
/// token into a new string); this matters when a step looks at 50,000 pods.
pub trait Ptr {
    fn at(&self, ptr: &str) -> Option<&Value>;
}

impl Ptr for Value {
    fn at(&self, ptr: &str) -> Option<&Value> {
        if ptr.is_empty() {
            return Some(self);
        }
        let mut cur = self;
        for tok in ptr.strip_prefix('/')?.split('/') {
            let unescaped;
            let key = if tok.contains('~') {
                unescaped = tok.replace("~1", "/").replace("~0", "~");
                unescaped.as_str()
            } else {
                tok
            };
            cur = match cur {
                Value::Object(m) => m.get(key)?,
                Value::Array(a) => a.get(key.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(cur)
    }
}

/// The string at a JSON pointer, or "".
pub fn s<'a>(v: &'a Value, ptr: &str) -> &'a str {
    v.at(ptr).and_then(Value::as_str).unwrap_or_default()
}

/// `metadata.namespace`.
pub fn ns(v: &Value) -> &str {
    s(v, "/metadata/namespace")
}

/// `metadata.name`.
pub fn name(v: &Value) -> &str {
    s(v, "/metadata/name")
}

/// The controlling owner (kind, name), or the first owner.
pub fn owner(v: &Value) -> Option<(&str, &str)> {
    let owners = v.at("/metadata/ownerReferences")?.as_array()?;
    let pick = owners
        .iter()
        .find(|o| o.get("controller").and_then(Value::as_bool) == Some(true))
        .or_else(|| owners.first())?;
    Some((s(pick, "/kind"), s(pick, "/name")))
}

/// Whether `v` is owned by the object of the given kind and name (same namespace assumed).
pub fn owned_by(v: &Value, kind: &str, owner_name: &str) -> bool {
    owner(v) == Some((kind, owner_name))
}

/// Whether the pod counts as ready: its Ready condition, else all containers ready.
pub fn pod_ready(pod: &Value) -> bool {
    if let Some(conds) = pod.at("/status/conditions").and_then(Value::as_array)
        && let Some(ready) = conds.iter().find(|c| s(c, "/type") == "Ready")
    {
        return s(ready, "/status") == "True";
    }
    let statuses = pod
        .at("/status/containerStatuses")
        .and_then(Value::as_array);
    s(pod, "/status/phase") == "Running"
        && statuses.is_some_and(|l| {
            !l.is_empty() && l.iter().all(|c| c.get("ready") == Some(&Value::Bool(true)))
        })
}

/// Whether the pod is being deleted.
pub fn terminating(v: &Value) -> bool {
    v.at("/metadata/deletionTimestamp")
        .is_some_and(|t| !t.is_null())
}

/// Whether every `key: value` of the selector is among the labels.
pub fn selector_matches(selector: &Value, labels: Option<&Value>) -> bool {
    let Some(sel) = selector.as_object() else {
        return false;
    };
    if sel.is_empty() {
        return false;
    }
    let labels = labels.and_then(Value::as_object);
    sel.iter()
        .all(|(k, want)| labels.and_then(|l| l.get(k)) == Some(want))
}

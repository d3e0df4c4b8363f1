//! Why a crash-looping container dies, read from its own spec: a path flag
//! (`--kubeconfig=…`, `--config=…`) that no volume of the pod provides — a file-mounted
//! hostPath at another path, or a ConfigMap/Secret volume without that key. This is what the
//! users' notes break on purpose (a scheduler kubeconfig renamed in the static manifest, a
//! kube-proxy DaemonSet pointing at a config file its ConfigMap does not have), and the log
//! lines of such a container say so.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::json::{self, Ptr};

/// The keys of every ConfigMap and Secret, by (kind, namespace, name).
#[derive(Debug, Default, Clone)]
pub struct VolumeSources(HashMap<(String, String, String), HashSet<String>>);

impl VolumeSources {
    /// Indexes the ConfigMaps and Secrets among `objects`.
    pub fn from_objects<'a>(objects: impl IntoIterator<Item = &'a Value>) -> Self {
        let mut out = VolumeSources::default();
        for o in objects {
            let kind = json::s(o, "/kind");
            if !matches!(kind, "ConfigMap" | "Secret") {
                continue;
            }
            let mut keys = HashSet::new();
            for field in ["/data", "/binaryData", "/stringData"] {
                if let Some(map) = o.at(field).and_then(Value::as_object) {
                    keys.extend(map.keys().cloned());
                }
            }
            out.0.insert(
                (
                    kind.to_string(),
                    json::ns(o).to_string(),
                    json::name(o).to_string(),
                ),
                keys,
            );
        }
        out
    }

    fn keys(&self, kind: &str, ns: &str, name: &str) -> Option<&HashSet<String>> {
        self.0
            .get(&(kind.to_string(), ns.to_string(), name.to_string()))
    }
}

/// A flag pointing at a file the container cannot see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingFile {
    pub flag: String,
    pub path: String,
}

fn exists(pod: &Value, container: &Value, path: &str, sources: &VolumeSources) -> bool {
    let mounts = container
        .at("/volumeMounts")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let covering = mounts
        .iter()
        .filter(|m| {
            let at = json::s(m, "/mountPath").trim_end_matches('/');
            !at.is_empty() && (path == at || path.starts_with(&format!("{at}/")))
        })
        .max_by_key(|m| json::s(m, "/mountPath").len());
    let Some(mount) = covering else {
        return false;
    };
    let at = json::s(mount, "/mountPath").trim_end_matches('/');
    let rest = path[at.len()..].trim_start_matches('/');
    let volume = pod
        .at("/spec/volumes")
        .and_then(Value::as_array)
        .and_then(|vs| {
            vs.iter()
                .find(|v| json::s(v, "/name") == json::s(mount, "/name"))
        });
    let Some(volume) = volume else {
        return false;
    };
    let (kind, source_name, items) = if let Some(cm) = volume.get("configMap") {
        ("ConfigMap", json::s(cm, "/name"), cm.get("items"))
    } else if let Some(secret) = volume.get("secret") {
        (
            "Secret",
            json::s(secret, "/secretName"),
            secret.get("items"),
        )
    } else {
        // hostPath, emptyDir, PVCs: what is inside cannot be known here.
        return true;
    };
    if rest.is_empty() {
        return true;
    }
    if let Some(items) = items.and_then(Value::as_array) {
        return items.iter().any(|i| json::s(i, "/path") == rest);
    }
    match sources.keys(kind, json::ns(pod), source_name) {
        Some(keys) => keys.contains(rest),
        None => true,
    }
}

/// The first path flag of container `name` in `pod` whose file the container cannot see.
pub fn missing_file(pod: &Value, name: &str, sources: &VolumeSources) -> Option<MissingFile> {
    let container = pod
        .at("/spec/containers")
        .and_then(Value::as_array)?
        .iter()
        .find(|c| json::s(c, "/name") == name)?;
    let args = ["/command", "/args"]
        .iter()
        .filter_map(|f| container.at(f).and_then(Value::as_array))
        .flatten()
        .filter_map(Value::as_str);
    for arg in args {
        let Some((flag, path)) = arg.split_once('=') else {
            continue;
        };
        let watched = matches!(
            flag,
            "--kubeconfig"
                | "--config"
                | "--authentication-kubeconfig"
                | "--authorization-kubeconfig"
        );
        if watched && path.starts_with('/') && !exists(pod, container, path, sources) {
            return Some(MissingFile {
                flag: flag.to_string(),
                path: path.to_string(),
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flags_pointing_past_the_volumes() {
        let cm = json!({"kind": "ConfigMap", "metadata": {"name": "kube-proxy", "namespace": "kube-system"},
            "data": {"config.conf": "", "kubeconfig.conf": ""}});
        let sources = VolumeSources::from_objects([&cm]);
        let proxy = |flag: &str| {
            json!({"metadata": {"namespace": "kube-system"}, "spec": {
                "containers": [{"name": "kube-proxy", "command": ["kube-proxy", flag],
                    "volumeMounts": [{"name": "kube-proxy", "mountPath": "/var/lib/kube-proxy"}]}],
                "volumes": [{"name": "kube-proxy", "configMap": {"name": "kube-proxy"}}]}})
        };
        assert_eq!(
            missing_file(
                &proxy("--config=/var/lib/kube-proxy/configuration.conf"),
                "kube-proxy",
                &sources
            )
            .map(|m| m.path),
            Some("/var/lib/kube-proxy/configuration.conf".to_string())
        );
        assert!(
            missing_file(
                &proxy("--config=/var/lib/kube-proxy/config.conf"),
                "kube-proxy",
                &sources
            )
            .is_none()
        );
        let scheduler = json!({"spec": {"containers": [{"name": "s",
            "command": ["kube-scheduler", "--kubeconfig=/etc/kubernetes/kube-scheduler.conf"],
            "volumeMounts": [{"name": "kubeconfig", "mountPath": "/etc/kubernetes/scheduler.conf"}]}],
            "volumes": [{"name": "kubeconfig", "hostPath": {"path": "/etc/kubernetes/scheduler.conf"}}]}});
        assert_eq!(
            missing_file(&scheduler, "s", &sources).map(|m| m.flag),
            Some("--kubeconfig".to_string())
        );
    }
}

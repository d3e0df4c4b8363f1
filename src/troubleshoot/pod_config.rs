//! CreateContainerConfigError: the kubelet cannot build a container's environment or security
//! context. Names the missing ConfigMap, Secret or key (from the message and by checking every
//! non-optional reference of the container against the snapshot), with near-miss key hints.

use crate::objects::Kind;
use crate::objects::{Container, ContainerStatus, Pod};
use regex::Regex;
use std::sync::LazyLock;

use super::Ctx;
use super::build::{FindingExt, app, ns_flag, obj};
use super::container::{spec, statuses, waiting_message, waiting_reason};
use crate::findings::{Finding, Severity};

static MISSING_OBJECT: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"(secret|configmap) "([^"]+)" not found"#).ok());
static MISSING_KEY: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"couldn't find key (\S+) in (Secret|ConfigMap) (?:([^/\s]+)/)?(\S+)").ok()
});

/// A reference from a container to a ConfigMap or Secret (or one key of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    pub kind: &'static str,
    pub name: String,
    pub key: Option<String>,
}

impl Missing {
    fn describe(&self) -> String {
        match &self.key {
            Some(k) => format!("key {k} in {} {}", self.kind, self.name),
            None => format!("{} {}", self.kind, self.name),
        }
    }
}

pub fn check(ctx: &Ctx, pod: &Pod, out: &mut Vec<Finding>) {
    for (_, c) in statuses(pod) {
        if waiting_reason(c) == Some("CreateContainerConfigError") {
            out.push(config_error(ctx, pod, c));
        }
    }
}

/// What the kubelet's message names as missing.
pub fn parse_message(message: &str) -> Option<Missing> {
    if let Some(c) = MISSING_KEY.as_ref().and_then(|r| r.captures(message)) {
        let kind = if &c[2] == "Secret" {
            "Secret"
        } else {
            "ConfigMap"
        };
        return Some(Missing {
            kind,
            name: c[4].to_string(),
            key: Some(c[1].to_string()),
        });
    }
    let c = MISSING_OBJECT.as_ref()?.captures(message)?;
    let kind = if &c[1] == "secret" {
        "Secret"
    } else {
        "ConfigMap"
    };
    Some(Missing {
        kind,
        name: c[2].to_string(),
        key: None,
    })
}

/// Whether the object exists, and its keys when they are known (a Secret read as metadata
/// only has no `data`: its keys are unknown).
fn keys(ctx: &Ctx, ns: &str, kind: &str, name: &str) -> Option<Option<Vec<String>>> {
    if kind == "Secret" {
        let s = ctx.snap.secret(ns, name)?;
        Some(
            s.keys
                .as_ref()
                .map(|k| k.iter().map(|k| k.to_string()).collect()),
        )
    } else {
        let c = ctx.snap.configmap(ns, name)?;
        Some(Some(c.keys.iter().map(|k| k.to_string()).collect()))
    }
}

/// Every non-optional ConfigMap/Secret reference of the container's env that the snapshot
/// shows missing (only for kinds that were listed).
pub fn missing_refs(ctx: &Ctx, ns: &str, c: &Container) -> Vec<Missing> {
    let mut refs: Vec<(Missing, bool)> = Vec::new();
    for e in c.env.iter().flatten() {
        let Some(from) = &e.value_from else { continue };
        if let Some(r) = &from.config_map_key_ref {
            let m = Missing {
                kind: "ConfigMap",
                name: r.name.to_string(),
                key: Some(r.key.to_string()),
            };
            refs.push((m, r.optional.unwrap_or(false)));
        }
        if let Some(r) = &from.secret_key_ref {
            let m = Missing {
                kind: "Secret",
                name: r.name.to_string(),
                key: Some(r.key.to_string()),
            };
            refs.push((m, r.optional.unwrap_or(false)));
        }
    }
    for e in c.env_from.iter().flatten() {
        if let Some(r) = &e.config_map_ref {
            let m = Missing {
                kind: "ConfigMap",
                name: r.name.to_string(),
                key: None,
            };
            refs.push((m, r.optional.unwrap_or(false)));
        }
        if let Some(r) = &e.secret_ref {
            let m = Missing {
                kind: "Secret",
                name: r.name.to_string(),
                key: None,
            };
            refs.push((m, r.optional.unwrap_or(false)));
        }
    }
    let mut out = Vec::new();
    for (m, optional) in refs {
        if optional || !Kind::by_name(m.kind).is_some_and(|k| ctx.snap.has_kind(k)) {
            continue;
        }
        match keys(ctx, ns, m.kind, &m.name) {
            None => out.push(Missing { key: None, ..m }),
            Some(None) => {}
            Some(Some(keys)) => {
                if m.key.as_ref().is_some_and(|k| !keys.contains(k)) {
                    out.push(m);
                }
            }
        }
    }
    out.dedup();
    out
}

/// Keys that look like `wanted` (same letters ignoring case and `_`/`-`, or a prefix).
fn near_misses(wanted: &str, keys: &[String]) -> Vec<String> {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase()
    };
    let w = norm(wanted);
    keys.iter()
        .filter(|k| {
            let n = norm(k);
            n == w || (w.len() >= 3 && (n.starts_with(&w) || w.starts_with(&n)))
        })
        .cloned()
        .collect()
}

fn config_error(ctx: &Ctx, pod: &Pod, c: &ContainerStatus) -> Finding {
    let o = obj("Pod", &pod.metadata);
    let nsf = ns_flag(&o.namespace);
    let message = waiting_message(c);
    let mut missing: Vec<Missing> = parse_message(message).into_iter().collect();
    if let Some(container) = spec(pod, &c.name) {
        for m in missing_refs(ctx, &o.namespace, container) {
            if !missing.contains(&m) {
                missing.push(m);
            }
        }
    }
    let non_root = message.contains("runAsNonRoot");
    let what = match (missing.first(), non_root) {
        (Some(m), _) => format!("{} is missing", m.describe()),
        (None, true) => "runAsNonRoot but the image runs as root".to_string(),
        (None, false) => "configuration error".to_string(),
    };
    let mut f = app(
        "pod-config-error",
        Severity::Error,
        o.clone(),
        format!("container {} cannot be created: {what}", c.name),
    )
    .explain(if non_root {
        "The pod's securityContext requires a non-root user, but the image's user is root and \
         no runAsUser is set, so the kubelet refuses to start it."
    } else {
        "The kubelet cannot build the container's environment: a ConfigMap, Secret or key it \
         references (and not marked optional) does not exist in the pod's namespace."
    })
    .with("container", c.name.clone())
    .with("state", format!("CreateContainerConfigError: {message}"));
    for m in &missing {
        f = f.with(
            "missing",
            format!("{} (namespace {})", m.describe(), o.namespace),
        );
        if let Some(key) = &m.key
            && let Some(Some(existing)) = keys(ctx, &o.namespace, m.kind, &m.name)
        {
            let close = near_misses(key, &existing);
            if !close.is_empty() {
                f = f.with("did you mean", close.join(", "));
            }
        }
    }
    for m in missing.iter().take(1) {
        let kind = m.kind.to_ascii_lowercase();
        f = f.step(format!("kubectl get {kind} {}{nsf} -o yaml", m.name));
    }
    if non_root {
        f = f.step("set securityContext.runAsUser to a non-zero UID, or use a non-root image");
    }
    f.events(ctx, &["Failed"], false)
        .step(format!("kubectl describe pod {}{nsf}", o.name))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testutil::*;
    use super::*;
    use serde_json::json;

    fn configerr(message: &str) -> serde_json::Value {
        pod(
            "web",
            json!({"containers": [{"name": "app", "image": "x", "env": [
                {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db-secret", "key": "password"}}},
                {"name": "DB_HOST", "valueFrom": {"configMapKeyRef": {"name": "app-config", "key": "DB_HOST"}}}]}]}),
            json!({"phase": "Pending", "containerStatuses": [{"name": "app", "image": "x",
                "imageID": "", "ready": false, "restartCount": 0,
                "state": {"waiting": {"reason": "CreateContainerConfigError", "message": message}}}]}),
        )
    }

    #[test]
    fn messages_are_parsed() {
        assert_eq!(
            parse_message("secret \"db-secret\" not found"),
            Some(Missing {
                kind: "Secret",
                name: "db-secret".into(),
                key: None
            })
        );
        assert_eq!(
            parse_message("couldn't find key DB_HOST in ConfigMap default/app-config"),
            Some(Missing {
                kind: "ConfigMap",
                name: "app-config".into(),
                key: Some("DB_HOST".into())
            })
        );
    }

    #[test]
    fn names_the_missing_secret() {
        let f = run(vec![configerr("secret \"db-secret\" not found")]);
        let p = one(&f, "pod-config-error");
        assert!(
            p.summary.contains("Secret db-secret is missing"),
            "{}",
            p.summary
        );
    }

    #[test]
    fn names_the_missing_key_with_a_near_miss() {
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "app-config", "namespace": "ns"}, "data": {"DB_HOSTNAME": "db"}});
        let secret = json!({"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "db-secret", "namespace": "ns"}, "data": {"password": "eA=="}});
        let f = run(vec![
            configerr("couldn't find key DB_HOST in ConfigMap ns/app-config"),
            cm,
            secret,
        ]);
        let p = one(&f, "pod-config-error");
        assert!(
            p.summary.contains("key DB_HOST in ConfigMap app-config"),
            "{}",
            p.summary
        );
        assert!(evidence_text(p).contains("did you mean: DB_HOSTNAME"));
        assert_eq!(
            p.evidence.iter().filter(|e| e.label == "missing").count(),
            1
        );
    }

    #[test]
    fn secret_known_by_metadata_only_is_not_reported_missing_a_key() {
        let secret = json!({"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "db-secret", "namespace": "ns"}});
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "app-config", "namespace": "ns"}, "data": {"DB_HOST": "db"}});
        let f = run(vec![configerr("some other problem"), secret, cm]);
        let p = one(&f, "pod-config-error");
        assert!(
            !evidence_text(p).contains("missing"),
            "{}",
            evidence_text(p)
        );
    }

    #[test]
    fn run_as_non_root() {
        let f = run(vec![configerr(
            "container has runAsNonRoot and image will run as root (pod: \"web\", container: app)",
        )]);
        assert!(one(&f, "pod-config-error").summary.contains("runAsNonRoot"));
    }
}

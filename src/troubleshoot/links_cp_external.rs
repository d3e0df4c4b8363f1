//! Root-cause links to findings of other engines: writes rejected by a webhook that fails
//! closed with no ready endpoints (`webhook-no-endpoints`, the application checks'), and
//! what an expired certificate (`cert-expired`, the certificate engine's) breaks — matched by
//! the certificate's name or path to the component it serves.

use std::collections::HashMap;

use crate::findings::{CauseRef, Finding};

use super::Ctx;
use super::links_cp::{Links, cause, component_in};

/// Whether an expired certificate (by its name or path) breaks `component` (`None`: the
/// client's own credentials).
pub(super) fn cert_breaks(name: &str, component: Option<&str>) -> bool {
    let n = name.to_ascii_lowercase();
    let file = n.rsplit('/').next().unwrap_or(&n);
    let ca = file == "ca.crt" || file == "ca" || n.ends_with(" ca") || n.contains("kubernetes-ca");
    match component {
        Some("kube-scheduler") => ca || n.contains("scheduler"),
        Some("kube-controller-manager") => ca || n.contains("controller-manager"),
        Some("kube-apiserver") => ca || n.contains("apiserver") || n.contains("front-proxy"),
        Some("etcd") => n.contains("etcd"),
        Some(other) => n.contains(other),
        None => ca || n.contains("admin") || n.contains("kubeconfig") || n.contains("apiserver"),
    }
}

/// Writes rejected by a webhook ← that webhook failing closed with no ready endpoints.
pub(super) fn webhook_symptoms(ctx: &Ctx, l: &mut Links) {
    let roots: Vec<&Finding> = l
        .with_check(&["webhook-no-endpoints"])
        .map(|(_, f)| f)
        .collect();
    if roots.is_empty() {
        return;
    }
    let configs = ctx
        .snap
        .validating_webhooks
        .iter()
        .chain(ctx.snap.mutating_webhooks.iter());
    let mut by_webhook: HashMap<&str, &str> = HashMap::new();
    for c in configs {
        for w in c.webhooks.iter().flatten() {
            by_webhook.insert(w.name.as_str(), c.metadata.name());
        }
    }
    let mut add = Vec::new();
    for (i, f) in l.findings.iter().enumerate() {
        if f.check == "webhook-no-endpoints" {
            continue;
        }
        let texts = std::iter::once(f.summary.as_str())
            .chain(std::iter::once(f.explanation.as_str()))
            .chain(f.evidence.iter().map(|e| e.value.as_str()));
        let Some(hook) = texts.filter_map(called_webhook).next() else {
            continue;
        };
        let config = by_webhook.get(hook).copied();
        let matching: Vec<CauseRef> = roots
            .iter()
            .filter(|r| {
                config.is_some_and(|c| r.object.name == c)
                    || r.summary.contains(hook)
                    || r.evidence.iter().any(|e| e.value.contains(hook))
            })
            .map(|r| cause(r))
            .collect();
        add.push((i, matching));
    }
    for (i, c) in add {
        l.add(i, c);
    }
}

/// The webhook named in `failed calling webhook "name"`.
pub fn called_webhook(text: &str) -> Option<&str> {
    let rest = text.split("failed calling webhook \"").nth(1)?;
    let name = rest.split('"').next()?;
    (!name.is_empty()).then_some(name)
}

/// Expired certificates ← what they break.
pub(super) fn certificate_causes(l: &mut Links) {
    if l.with_check(&["cert-expired"]).next().is_none() {
        return;
    }
    let mut add = Vec::new();
    for (i, f) in l.findings.iter().enumerate() {
        let x509 = || {
            f.summary.contains("x509")
                || f.evidence
                    .iter()
                    .any(|e| e.value.contains("x509: certificate has expired"))
        };
        let causes = match f.check.as_str() {
            "api-reachability" if f.summary.contains("expired") => {
                l.expired_certs(Some("kube-apiserver"))
            }
            "api-reachability" if f.summary.contains("401") => l.expired_certs(None),
            "cp-component-failing" | "cp-component-restarts" if x509() => {
                l.expired_certs(component_in(&f.object))
            }
            "cp-leader-lease-stale" => l.expired_certs(component_in(&f.object)),
            "apiserver-not-ready"
                if f.evidence
                    .iter()
                    .any(|e| e.label.starts_with("readyz [-]etcd")) =>
            {
                l.expired_certs(Some("etcd"))
            }
            _ => Vec::new(),
        };
        add.push((i, causes));
    }
    for (i, c) in add {
        l.add(i, c);
    }
}

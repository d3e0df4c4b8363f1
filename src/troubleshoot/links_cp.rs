//! Root-cause links of the control-plane and node panes (§3 of the reference): a control-plane
//! component found failing explains its stale leader Lease and the generic crash findings of
//! its own mirror pod; the scheduler's failure (pod or Lease) explains pods Pending with no
//! scheduling attempt; the controller manager's explains Deployments it never reconciled
//! (generation not observed, no ReplicaSet); a webhook with `failurePolicy: Fail` and no ready
//! endpoints (`webhook-no-endpoints`) explains the writes it rejects; an expired certificate
//! (`cert-expired`) explains the component, Lease or connection it breaks; etcd down explains
//! the API server's failures; an API server outage explains all nodes NotReady; node pressure
//! explains the evictions from that node.
//!
//! Decision on mirror pods: the generic `pod-*` findings of a control-plane mirror pod are
//! kept (their evidence is useful in the application pane) but linked as symptoms of the
//! control-plane finding, so they fold under it and are never a root cause of their own.

use std::collections::HashMap;

use crate::findings::{CauseRef, Evidence, Finding, ObjectRef};

use super::Ctx;
use super::cp_pods::COMPONENTS;
use super::node_pods::{evicted_for, eviction_reason};

/// Findings of the control-plane pane that stand for a component being down.
const COMPONENT_DOWN: &[&str] = &["cp-component-failing", "cp-component-missing"];
const LEASE_DOWN: &[&str] = &["cp-leader-lease-stale", "cp-leader-lease-missing"];
const API_DOWN: &[&str] = &[
    "api-reachability",
    "apiserver-not-live",
    "apiserver-not-ready",
];

fn cause(f: &Finding) -> CauseRef {
    CauseRef {
        check: f.check.clone(),
        object: f.object.clone(),
    }
}

/// The component a control-plane finding is about (mirror pod `<component>-<node>` or
/// Lease `kube-system/<component>`).
fn component_in(o: &ObjectRef) -> Option<&'static str> {
    if o.namespace != "kube-system" {
        return None;
    }
    match o.kind.as_str() {
        "Lease" => COMPONENTS
            .iter()
            .copied()
            .chain(["cloud-controller-manager"])
            .find(|c| o.name == *c),
        "Pod" => COMPONENTS
            .iter()
            .copied()
            .find(|c| o.name.strip_prefix(c).is_some_and(|r| r.starts_with('-'))),
        _ => None,
    }
}

/// Whether an expired certificate (by its name or path) breaks `component` (`None`: the
/// client's own credentials).
fn cert_breaks(name: &str, component: Option<&str>) -> bool {
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

struct Links<'f> {
    findings: &'f [Finding],
    by_object: HashMap<(&'f str, &'f str, &'f str), Vec<usize>>,
    new: Vec<(usize, CauseRef)>,
}

impl<'f> Links<'f> {
    fn new(findings: &'f [Finding]) -> Self {
        let mut by_object: HashMap<(&str, &str, &str), Vec<usize>> = HashMap::new();
        for (i, f) in findings.iter().enumerate() {
            let o = &f.object;
            by_object
                .entry((o.kind.as_str(), o.namespace.as_str(), o.name.as_str()))
                .or_default()
                .push(i);
        }
        Links {
            findings,
            by_object,
            new: Vec::new(),
        }
    }

    fn idx_on(&self, kind: &str, ns: &str, name: &str) -> Vec<usize> {
        self.by_object
            .get(&(kind, ns, name))
            .cloned()
            .unwrap_or_default()
    }

    fn on(&self, kind: &str, ns: &str, name: &str) -> Vec<&'f Finding> {
        let findings = self.findings;
        self.idx_on(kind, ns, name)
            .into_iter()
            .filter_map(|i| findings.get(i))
            .collect()
    }

    fn with_check<'a>(
        &'a self,
        checks: &'a [&str],
    ) -> impl Iterator<Item = (usize, &'f Finding)> + 'a {
        self.findings
            .iter()
            .enumerate()
            .filter(move |(_, f)| checks.contains(&f.check.as_str()))
    }

    /// The findings that say `component` is down: its pods first, then its Lease.
    fn down(&self, component: &str) -> Vec<CauseRef> {
        let pods = self
            .with_check(COMPONENT_DOWN)
            .filter(|(_, f)| component_in(&f.object) == Some(component) && f.object.kind == "Pod");
        let lease = self
            .with_check(LEASE_DOWN)
            .filter(|(_, f)| f.object.kind == "Lease" && f.object.name == component);
        pods.chain(lease).map(|(_, f)| cause(f)).collect()
    }

    fn expired_certs(&self, component: Option<&str>) -> Vec<CauseRef> {
        self.with_check(&["cert-expired"])
            .filter(|(_, f)| cert_breaks(&f.object.name, component))
            .map(|(_, f)| cause(f))
            .collect()
    }

    fn add(&mut self, i: usize, causes: impl IntoIterator<Item = CauseRef>) {
        for c in causes {
            self.new.push((i, c));
        }
    }
}

/// Fills `caused_by` for the control-plane and node rules (and adds the evidence of the
/// symptoms a down controller manager leaves).
pub fn link(ctx: &Ctx, findings: &mut [Finding]) {
    let mut l = Links::new(findings);
    mirror_pod_symptoms(&mut l);
    component_chains(&mut l);
    scheduler_symptoms(ctx, &mut l);
    let kcm_evidence = controller_manager_symptoms(ctx, &mut l);
    webhook_symptoms(ctx, &mut l);
    certificate_causes(&mut l);
    outage(ctx, &mut l);
    node_pressure(ctx, &mut l);
    let new = std::mem::take(&mut l.new);
    for (i, c) in new {
        if let Some(f) = findings.get_mut(i) {
            let is_self = c.check == f.check && c.object == f.object;
            if !is_self && !f.caused_by.contains(&c) && f.caused_by.len() < 10 {
                f.caused_by.push(c);
            }
        }
    }
    for (i, evidence) in kcm_evidence {
        if let Some(f) = findings.get_mut(i)
            && !f.evidence.contains(&evidence)
        {
            f.evidence.push(evidence);
        }
    }
}

/// The generic pod findings of a control-plane mirror pod fold under its control-plane finding.
fn mirror_pod_symptoms(l: &mut Links) {
    let mut add = Vec::new();
    for (i, f) in l.findings.iter().enumerate() {
        if !f.check.starts_with("pod-")
            || f.object.kind != "Pod"
            || f.object.namespace != "kube-system"
        {
            continue;
        }
        let roots = l
            .on("Pod", "kube-system", &f.object.name)
            .into_iter()
            .filter(|r| r.check.starts_with("cp-component-"))
            .map(cause);
        add.push((i, roots.collect::<Vec<_>>()));
    }
    for (i, c) in add {
        l.add(i, c);
    }
}

/// A stale Lease is explained by its component's pods failing; an API server failing on
/// etcd by etcd's pods; a component that cannot reach the API server by the API server's.
fn component_chains(l: &mut Links) {
    let mut add = Vec::new();
    for (i, f) in l.findings.iter().enumerate() {
        let Some(component) = component_in(&f.object) else {
            continue;
        };
        if LEASE_DOWN.contains(&f.check.as_str()) {
            let pods: Vec<CauseRef> = l
                .down(component)
                .into_iter()
                .filter(|c| c.object.kind == "Pod")
                .collect();
            add.push((i, pods));
        }
        if f.check.starts_with("cp-component-") && f.object.kind == "Pod" {
            let dependency = if f.summary.contains("etcd unreachable") {
                Some("etcd")
            } else if f.summary.contains("API server unreachable") {
                Some("kube-apiserver")
            } else {
                None
            };
            if let Some(d) = dependency.filter(|d| *d != component) {
                add.push((i, l.down(d)));
            }
        }
    }
    for (i, f) in l.findings.iter().enumerate() {
        let etcd_failing = f.check == "apiserver-not-ready"
            && f.evidence
                .iter()
                .any(|e| e.label.starts_with("readyz [-]etcd"));
        if etcd_failing {
            add.push((i, l.down("etcd")));
        }
    }
    for (i, c) in add {
        l.add(i, c);
    }
}

/// Pods Pending with no scheduling attempt ← the default scheduler down or leaderless.
fn scheduler_symptoms(ctx: &Ctx, l: &mut Links) {
    let roots = l.down("kube-scheduler");
    if roots.is_empty() {
        return;
    }
    let mut add = Vec::new();
    for (i, f) in l.with_check(&["pod-not-scheduled"]) {
        let default = ctx
            .snap
            .pods
            .find(&f.object.namespace, &f.object.name)
            .and_then(|p| p.spec.as_ref())
            .and_then(|s| s.scheduler_name.as_deref())
            .is_none_or(|s| s == "default-scheduler");
        if default {
            add.push(i);
        }
    }
    for i in add {
        l.add(i, roots.clone());
    }
}

/// Deployments the controller manager never reconciled ← the controller manager down; the
/// down finding gets the symptoms it can see (unreconciled Deployments, NotReady nodes never
/// tainted) as evidence.
fn controller_manager_symptoms(ctx: &Ctx, l: &mut Links) -> Vec<(usize, Evidence)> {
    let roots = l.down("kube-controller-manager");
    if roots.is_empty() {
        return Vec::new();
    }
    let snap = ctx.snap;
    let mut stale: Vec<String> = Vec::new();
    let mut add = Vec::new();
    for d in snap.deployments.iter() {
        let wants = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1) > 0;
        let generation = d.metadata.generation.unwrap_or(0);
        let observed = d
            .status
            .as_ref()
            .and_then(|s| s.observed_generation)
            .unwrap_or(0);
        let no_rs = wants
            && snap.has_kind(crate::objects::Kind::ReplicaSet)
            && d.metadata.uid.as_deref().is_some_and(|u| {
                !snap
                    .owned_by(u)
                    .iter()
                    .any(|(k, _)| *k == crate::objects::Kind::ReplicaSet)
            });
        if generation > observed || no_rs {
            let (ns, name) = (d.metadata.namespace(), d.metadata.name());
            stale.push(if generation > observed {
                format!("{ns}/{name} (generation {generation}, observed {observed})")
            } else {
                format!("{ns}/{name} (no ReplicaSet)")
            });
            add.extend(l.idx_on("Deployment", ns, name));
        }
    }
    for i in add {
        l.add(i, roots.clone());
    }
    let lagging = lagging_endpoints(ctx);
    let untainted: Vec<&str> = snap
        .nodes
        .iter()
        .filter(|n| !n.is_ready() && super::node::untainted(n))
        .map(|n| n.metadata.name())
        .collect();
    let mut evidence = Vec::new();
    let root_idx: Vec<usize> = l
        .findings
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            roots
                .iter()
                .any(|r| r.check == f.check && r.object == f.object)
        })
        .map(|(i, _)| i)
        .collect();
    for i in root_idx {
        if !stale.is_empty() {
            stale.truncate(10);
            evidence.push((
                i,
                Evidence::new("Deployments not reconciled", stale.join(", ")),
            ));
        }
        if !untainted.is_empty() {
            evidence.push((
                i,
                Evidence::new("NotReady nodes never tainted", untainted.join(", ")),
            ));
        }
        if !lagging.is_empty() {
            evidence.push((
                i,
                Evidence::new(
                    "Services whose endpoints miss their ready pods",
                    lagging.join(", "),
                ),
            ));
        }
    }
    evidence
}

/// Services with Ready selected pods but no ready endpoint at all: the endpoint controllers
/// (in kube-controller-manager) are not updating them. Only looked at when the controller
/// manager is down; at most 10 reported.
fn lagging_endpoints(ctx: &Ctx) -> Vec<String> {
    use crate::objects::Kind;
    let snap = ctx.snap;
    if !snap.has_kind(Kind::EndpointSlice) || !snap.has_kind(Kind::Pod) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for svc in snap.services.iter() {
        let (ns, name) = (svc.metadata.namespace(), svc.metadata.name());
        let Some(selector) = svc
            .spec
            .as_ref()
            .and_then(|s| s.selector.as_ref())
            .filter(|s| !s.is_empty())
        else {
            continue;
        };
        let ready_pod = snap
            .pods_selected(ns, selector)
            .any(super::service::is_ready);
        let ready_endpoint = snap
            .slices_of(ns, name)
            .iter()
            .any(|s| s.endpoints.iter().any(|e| e.is_ready()));
        if ready_pod && !ready_endpoint {
            out.push(format!("{ns}/{name}"));
            if out.len() >= 10 {
                break;
            }
        }
    }
    out
}

/// Writes rejected by a webhook ← that webhook failing closed with no ready endpoints.
fn webhook_symptoms(ctx: &Ctx, l: &mut Links) {
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
fn certificate_causes(l: &mut Links) {
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

/// All nodes NotReady while the API server is down: the outage is the API server's (or
/// etcd's), not the nodes'.
fn outage(ctx: &Ctx, l: &mut Links) {
    let total = ctx.snap.nodes.len();
    let not_ready = ctx.snap.nodes.iter().filter(|n| !n.is_ready()).count();
    if total == 0 || not_ready < total {
        return;
    }
    let mut roots: Vec<CauseRef> = l.with_check(API_DOWN).map(|(_, f)| cause(f)).collect();
    roots.extend(l.down("kube-apiserver"));
    roots.extend(l.down("etcd"));
    if roots.is_empty() {
        return;
    }
    let idx: Vec<usize> = l
        .with_check(&["node-not-ready", "node-heartbeat-stale"])
        .map(|(i, _)| i)
        .collect();
    for i in idx {
        l.add(i, roots.clone());
    }
}

/// Evictions from a node under pressure ← that pressure.
fn node_pressure(ctx: &Ctx, l: &mut Links) {
    let pressure: Vec<(usize, &Finding)> = l
        .with_check(&[
            "node-memory-pressure",
            "node-disk-pressure",
            "node-pid-pressure",
        ])
        .collect();
    if pressure.is_empty() {
        return;
    }
    let on_node = |node: &str, resource: Option<&str>| -> Vec<CauseRef> {
        pressure
            .iter()
            .filter(|(_, f)| f.object.name == node)
            .filter(|(_, f)| {
                resource.is_none_or(|r| {
                    matches!(
                        (f.check.as_str(), r),
                        ("node-memory-pressure", "memory")
                            | (
                                "node-disk-pressure",
                                "ephemeral-storage" | "nodefs" | "imagefs"
                            )
                            | ("node-pid-pressure", "pids")
                    )
                })
            })
            .map(|(_, f)| cause(f))
            .collect()
    };
    let mut add = Vec::new();
    for (i, f) in l.findings.iter().enumerate() {
        match f.check.as_str() {
            "node-evictions" | "node-warning-events" => {
                add.push((i, on_node(&f.object.name, None)))
            }
            "pod-evicted" => {
                let Some(p) = ctx.snap.pods.find(&f.object.namespace, &f.object.name) else {
                    continue;
                };
                let node = super::cp_pods::node_of(p);
                let why = eviction_reason(p).unwrap_or_default();
                let resource = evicted_for(&why);
                let mut c = on_node(node, resource);
                if c.is_empty() && resource.is_none() {
                    c = on_node(node, None);
                }
                add.push((i, c));
            }
            _ => {}
        }
    }
    for (i, c) in add {
        l.add(i, c);
    }
}

#[cfg(test)]
#[path = "links_cp_tests.rs"]
mod tests;

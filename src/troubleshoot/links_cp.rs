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
//! The rules live in `links_cp` (components and the scheduler), `links_cp_kcm` (the
//! controller manager), `links_cp_external` (webhooks, certificates) and `links_node`.
//!
//! Decision on mirror pods: the generic `pod-*` findings of a control-plane mirror pod are
//! kept (their evidence, a probe's failures for instance, can add to the control-plane
//! finding) but the control-plane finding owns them: they are linked as its symptoms and move
//! to the control-plane pane, so they fold under it and are never an application's root
//! cause of their own (the Applications tab would otherwise list the crashing kube-scheduler
//! as "the application exited with an error").

use std::collections::HashMap;

use crate::findings::{CauseRef, Finding, ObjectRef};

use super::Ctx;
use super::cp_pods::COMPONENTS;

/// Findings of the control-plane pane that stand for a component being down.
pub(super) const COMPONENT_DOWN: &[&str] = &["cp-component-failing", "cp-component-missing"];
pub(super) const LEASE_DOWN: &[&str] = &["cp-leader-lease-stale", "cp-leader-lease-missing"];
pub(super) const API_DOWN: &[&str] = &[
    "api-reachability",
    "apiserver-not-live",
    "apiserver-not-ready",
];

pub(super) fn cause(f: &Finding) -> CauseRef {
    CauseRef {
        check: f.check.clone(),
        object: f.object.clone(),
    }
}

/// The component a control-plane finding is about (mirror pod `<component>-<node>` or
/// Lease `kube-system/<component>`).
pub(super) fn component_in(o: &ObjectRef) -> Option<&'static str> {
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

pub(super) struct Links<'f> {
    pub(super) findings: &'f [Finding],
    by_object: HashMap<(&'f str, &'f str, &'f str), Vec<usize>>,
    new: Vec<(usize, CauseRef)>,
}

impl<'f> Links<'f> {
    pub(super) fn new(findings: &'f [Finding]) -> Self {
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

    pub(super) fn idx_on(&self, kind: &str, ns: &str, name: &str) -> Vec<usize> {
        self.by_object
            .get(&(kind, ns, name))
            .cloned()
            .unwrap_or_default()
    }

    pub(super) fn on(&self, kind: &str, ns: &str, name: &str) -> Vec<&'f Finding> {
        let findings = self.findings;
        self.idx_on(kind, ns, name)
            .into_iter()
            .filter_map(|i| findings.get(i))
            .collect()
    }

    pub(super) fn with_check<'a>(
        &'a self,
        checks: &'a [&str],
    ) -> impl Iterator<Item = (usize, &'f Finding)> + 'a {
        self.findings
            .iter()
            .enumerate()
            .filter(move |(_, f)| checks.contains(&f.check.as_str()))
    }

    /// The findings that say `component` is down: its pods first, then its Lease.
    pub(super) fn down(&self, component: &str) -> Vec<CauseRef> {
        let pods = self
            .with_check(COMPONENT_DOWN)
            .filter(|(_, f)| component_in(&f.object) == Some(component) && f.object.kind == "Pod");
        let lease = self
            .with_check(LEASE_DOWN)
            .filter(|(_, f)| f.object.kind == "Lease" && f.object.name == component);
        pods.chain(lease).map(|(_, f)| cause(f)).collect()
    }

    pub(super) fn expired_certs(&self, component: Option<&str>) -> Vec<CauseRef> {
        self.with_check(&["cert-expired"])
            .filter(|(_, f)| super::links_cp_external::cert_breaks(&f.object.name, component))
            .map(|(_, f)| cause(f))
            .collect()
    }

    pub(super) fn add(&mut self, i: usize, causes: impl IntoIterator<Item = CauseRef>) {
        for c in causes {
            self.new.push((i, c));
        }
    }
}

/// Fills `caused_by` for the control-plane and node rules (and adds the evidence of the
/// symptoms a down controller manager leaves).
pub fn link(ctx: &Ctx, findings: &mut [Finding]) {
    let mut l = Links::new(findings);
    let owned = mirror_pod_symptoms(ctx, &mut l);
    component_chains(&mut l);
    scheduler_symptoms(ctx, &mut l);
    let kcm_evidence = super::links_cp_kcm::controller_manager_symptoms(ctx, &mut l);
    super::links_cp_external::webhook_symptoms(ctx, &mut l);
    super::links_cp_external::certificate_causes(&mut l);
    super::links_node::outage(ctx, &mut l);
    super::links_node::node_pressure(ctx, &mut l);
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
    for i in owned {
        if let Some(f) = findings.get_mut(i) {
            f.pane = crate::findings::Pane::ControlPlane;
        }
    }
    escalate_components(findings);
}

/// A failing or missing component whose failure leaves the cluster without it (a critical
/// control-plane symptom: no leader at all) is critical too, so the root cause is never
/// shown below its own symptom.
fn escalate_components(findings: &mut [Finding]) {
    use crate::findings::{Pane, Severity};
    let critical: Vec<CauseRef> = findings
        .iter()
        .filter(|f| f.pane == Pane::ControlPlane && f.severity == Severity::Critical)
        .flat_map(|f| f.caused_by.iter().cloned())
        .filter(|c| COMPONENT_DOWN.contains(&c.check.as_str()))
        .collect();
    for f in findings.iter_mut() {
        if critical.contains(&cause(f)) {
            f.severity = Severity::Critical;
        }
    }
}

/// The generic pod findings of a control-plane mirror pod fold under its control-plane finding;
/// returns those the control-plane pane takes over (the pod is a kube-system mirror pod of a
/// component, by its annotations or owner and its `component` label or name).
fn mirror_pod_symptoms(ctx: &Ctx, l: &mut Links) -> Vec<usize> {
    let mut add = Vec::new();
    let mut owned = Vec::new();
    for (i, f) in l.findings.iter().enumerate() {
        if !f.check.starts_with("pod-")
            || f.object.kind != "Pod"
            || f.object.namespace != "kube-system"
        {
            continue;
        }
        let roots: Vec<CauseRef> = l
            .on("Pod", "kube-system", &f.object.name)
            .into_iter()
            .filter(|r| r.check.starts_with("cp-component-"))
            .map(cause)
            .collect();
        let mirror = ctx
            .snap
            .pods
            .find("kube-system", &f.object.name)
            .and_then(super::cp_pods::component_of)
            .is_some();
        if mirror && !roots.is_empty() {
            owned.push(i);
        }
        add.push((i, roots));
    }
    for (i, c) in add {
        l.add(i, c);
    }
    owned
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

#[cfg(test)]
#[path = "links_cp_tests.rs"]
mod tests;

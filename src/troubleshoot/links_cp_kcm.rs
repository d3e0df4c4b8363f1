//! Root-cause links of a controller manager that is down (no active leader, or its static
//! pod failing): the Deployments it never reconciled (generation not observed, no
//! ReplicaSet) and the NotReady nodes its node lifecycle controller never tainted
//! (`node-not-tainted`) fold under it, and the symptoms without findings of their own
//! (Services whose endpoints miss their ready pods) become its evidence, with the untainted
//! nodes named there too.

use crate::findings::Evidence;

use super::Ctx;
use super::links_cp::Links;

/// Deployments the controller manager never reconciled ← the controller manager down; the
/// down finding gets the symptoms it can see (unreconciled Deployments, NotReady nodes never
/// tainted) as evidence.
pub(super) fn controller_manager_symptoms(ctx: &Ctx, l: &mut Links) -> Vec<(usize, Evidence)> {
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
    // NotReady nodes never tainted: the node lifecycle controller runs in the controller
    // manager.
    add.extend(l.with_check(&["node-not-tainted"]).map(|(i, _)| i));
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

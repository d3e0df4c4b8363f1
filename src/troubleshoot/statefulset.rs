//! StatefulSets: the governing Service (`spec.serviceName`) missing, a volumeClaimTemplate
//! naming a StorageClass that does not exist, pods not ready (naming the ordinal that blocks
//! the others under `OrderedReady`), and a rolling update (possibly partitioned) that waits
//! for a pod that does not become ready, including the broken pod the controller will not
//! replace by itself.

use crate::objects::{Kind, Pod, StatefulSet};

use super::Ctx;
use super::build::{FindingExt, app, ns_flag, obj, secs_since};
use super::workload_pods::{is_ready, pod_state};
use crate::findings::{Finding, Severity};

pub fn check(ctx: &Ctx, sts: &StatefulSet, out: &mut Vec<Finding>) {
    let Some(spec) = sts.spec.as_ref() else {
        return;
    };
    let o = obj("StatefulSet", &sts.metadata);
    let nsf = ns_flag(&o.namespace);
    if let Some(svc) = spec.service_name.as_deref().filter(|s| !s.is_empty())
        && ctx.snap.has_kind(Kind::Service)
        && ctx.snap.services.find(&o.namespace, svc).is_none()
    {
        out.push(
            app(
                "statefulset-service-missing",
                Severity::Warning,
                o.clone(),
                format!("governing Service {svc} does not exist"),
            )
            .explain(format!(
                "spec.serviceName names the headless Service that gives each pod its stable DNS \
                 name ({}-0.{svc}.{}.svc). Without it those names do not resolve: the pods run, \
                 but peers that find each other by them (databases, clusters) cannot.",
                o.name, o.namespace
            ))
            .with("spec.serviceName", svc)
            .step(format!("kubectl get service {svc}{nsf}"))
            .step(format!(
                "create a headless Service {svc} (clusterIP: None) selecting the StatefulSet's pods"
            )),
        );
    }
    if ctx.snap.has_kind(Kind::StorageClass) {
        for t in spec.volume_claim_templates.iter().flatten() {
            let Some(class) = t
                .spec
                .as_ref()
                .and_then(|s| s.storage_class_name.as_deref())
                .filter(|c| !c.is_empty())
            else {
                continue;
            };
            if ctx.snap.storage_classes.find("", class).is_none() {
                out.push(
                    app(
                        "statefulset-storageclass-missing",
                        Severity::Error,
                        o.clone(),
                        format!(
                            "volumeClaimTemplate {} uses StorageClass {class}, which does not exist",
                            t.metadata.name()
                        ),
                    )
                    .explain(
                        "Each pod gets a PersistentVolumeClaim from the template; with a \
                         StorageClass that does not exist nothing provisions a volume, the claims \
                         stay Pending and so do the pods.",
                    )
                    .with("storageClassName", class)
                    .step("kubectl get storageclass")
                    .step(format!("kubectl get pvc{nsf}")),
                );
            }
        }
    }
    if ctx.snap.has_kind(Kind::Pod)
        && let Some(f) = readiness(ctx, sts)
    {
        out.push(f);
    }
}

/// The pods by ordinal, `start..start+replicas`.
fn ordinals<'a>(ctx: &Ctx<'a>, sts: &StatefulSet) -> Vec<(i32, String, Option<&'a Pod>)> {
    let spec = sts.spec.as_ref();
    let replicas = spec.and_then(|s| s.replicas).unwrap_or(1);
    let start = spec
        .and_then(|s| s.ordinals.as_ref())
        .and_then(|o| o.start)
        .unwrap_or(0);
    let ns = sts.metadata.namespace();
    (start..start.saturating_add(replicas))
        .take(1000)
        .map(|i| {
            let name = format!("{}-{i}", sts.metadata.name());
            let pod = ctx.snap.pods.find(ns, &name);
            (i, name, pod)
        })
        .collect()
}

fn readiness(ctx: &Ctx, sts: &StatefulSet) -> Option<Finding> {
    let spec = sts.spec.as_ref()?;
    let status = sts.status.as_ref();
    let replicas = spec.replicas.unwrap_or(1);
    let ready = status.and_then(|s| s.ready_replicas).unwrap_or(0);
    if replicas == 0 {
        return None;
    }
    let grace = ctx.opts.creating_grace.as_secs() as i64;
    let pods = ordinals(ctx, sts);
    let settled = |p: &Pod| {
        p.metadata
            .creation_timestamp
            .is_none_or(|t| secs_since(t.ts(), ctx.now()) >= grace)
    };
    // A pod created moments ago: the controller is at work.
    if pods.iter().any(|(_, _, p)| p.is_some_and(|p| !settled(p))) {
        return None;
    }
    let ordered = spec
        .pod_management_policy
        .as_deref()
        .unwrap_or("OrderedReady")
        == "OrderedReady";
    let old_enough = sts
        .metadata
        .creation_timestamp
        .is_none_or(|t| secs_since(t.ts(), ctx.now()) >= grace);
    // A missing pod counts once the controller should have made it: under OrderedReady when
    // the ordinal before it has been Ready for a while, otherwise once the set is not new.
    let ready_since = |p: &Pod| {
        crate::objects::condition(
            p.status.as_ref().and_then(|s| s.conditions.as_deref()),
            "Ready",
        )
        .filter(|c| c.is_true())
        .map(|c| {
            c.last_transition_time
                .is_none_or(|t| secs_since(t.ts(), ctx.now()) >= grace)
        })
        .unwrap_or(false)
    };
    let not_ready: Vec<&(i32, String, Option<&Pod>)> = pods
        .iter()
        .enumerate()
        .filter(|(k, (_, _, p))| match p {
            Some(p) => !is_ready(p),
            None if !ordered || *k == 0 => old_enough,
            None => pods
                .get(k - 1)
                .and_then(|(_, _, prev)| *prev)
                .is_some_and(&ready_since),
        })
        .map(|(_, x)| x)
        .collect();
    if not_ready.is_empty() || (ready >= replicas && not_ready.iter().all(|x| x.2.is_none())) {
        return None;
    }
    let o = obj("StatefulSet", &sts.metadata);
    let nsf = ns_flag(&o.namespace);
    let update_rev = status.and_then(|s| s.update_revision.as_deref());
    let current_rev = status.and_then(|s| s.current_revision.as_deref());
    let rolling = update_rev.is_some() && current_rev.is_some() && update_rev != current_rev;
    let on_delete = spec
        .update_strategy
        .as_ref()
        .and_then(|u| u.type_.as_deref())
        == Some("OnDelete");
    let partition = spec
        .update_strategy
        .as_ref()
        .and_then(|u| u.rolling_update.as_ref())
        .and_then(|r| r.partition)
        .unwrap_or(0);
    let describe = |(_, name, pod): &(i32, String, Option<&Pod>)| match pod {
        Some(p) => format!("{name}: {}", pod_state(p)),
        None => format!("{name}: not created"),
    };
    // The lowest ordinal not ready is what OrderedReady waits for.
    let blocker = not_ready.first().copied()?;
    let blocked: Vec<&str> = pods
        .iter()
        .filter(|(i, _, p)| *i > blocker.0 && p.is_none())
        .map(|(_, n, _)| n.as_str())
        .collect();
    let revision_of = |p: &Pod| {
        p.metadata
            .label("controller-revision-hash")
            .map(str::to_string)
    };
    let mut f = if rolling && !on_delete {
        // Updates go from the highest ordinal down to the partition.
        let waiting_on = not_ready
            .iter()
            .rev()
            .find(|(i, _, _)| *i >= partition)
            .copied()
            .unwrap_or(blocker);
        let old_and_broken = waiting_on
            .2
            .and_then(revision_of)
            .is_some_and(|r| Some(r.as_str()) == current_rev);
        let mut f = app(
            "statefulset-rollout-stuck",
            Severity::Error,
            o.clone(),
            format!(
                "rolling update stuck at {}: {} of {replicas} pods updated",
                waiting_on.1,
                status.and_then(|s| s.updated_replicas).unwrap_or(0)
            ),
        )
        .explain(format!(
            "A StatefulSet updates its pods one at a time from the highest ordinal down{}, and \
             waits for each to be Running and Ready before the next. {} is not ready, so the \
             update does not go on.",
            if partition > 0 {
                format!(" to the partition ({partition})")
            } else {
                String::new()
            },
            waiting_on.1
        ))
        .with("waiting on", describe(waiting_on))
        .with(
            "revisions",
            format!(
                "current {} → update {}",
                current_rev.unwrap_or("?"),
                update_rev.unwrap_or("?")
            ),
        );
        if old_and_broken {
            f = f
                .explain(
                    "That pod still runs the old revision and is broken: the controller waits for \
                     it to become Ready before replacing it, which never happens. Fix the cause \
                     in the template, then delete the pod so it is recreated at the new revision.",
                )
                .step(format!("kubectl delete pod {}{nsf}", waiting_on.1));
        }
        if partition > 0 {
            f = f.with("partition", partition.to_string());
        }
        f.step(format!(
            "kubectl rollout status statefulset/{}{nsf}",
            o.name
        ))
    } else {
        let summary = if ordered && !blocked.is_empty() {
            format!(
                "{ready}/{replicas} ready: {} blocks the rest ({} not created)",
                blocker.1,
                blocked.len()
            )
        } else {
            format!(
                "{ready}/{replicas} ready: {}",
                not_ready
                    .iter()
                    .take(3)
                    .map(|x| x.1.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let mut f = app("statefulset-not-ready", Severity::Error, o.clone(), summary);
        if ordered {
            f = f.explain(format!(
                "With podManagementPolicy OrderedReady pods are created one by one in ordinal \
                 order, each only after the previous one is Running and Ready. {} is not ready, \
                 so the higher ordinals wait for it.",
                blocker.1
            ));
        } else {
            f = f.explain("Some of the StatefulSet's pods are not ready (policy Parallel).");
        }
        if !blocked.is_empty() {
            f = f.with("waiting to be created", blocked.join(", "));
        }
        f
    };
    for x in not_ready.iter().take(5) {
        f = f.with("pod", describe(x));
    }
    if let Some(name) = blocker.2.map(|p| p.metadata.name()) {
        f = f.step(format!("kubectl describe pod {name}{nsf}"));
    }
    Some(
        f.events(ctx, &[], false)
            .step(format!("kubectl describe statefulset {}{nsf}", o.name)),
    )
}

#[cfg(test)]
#[path = "statefulset_tests.rs"]
mod tests;

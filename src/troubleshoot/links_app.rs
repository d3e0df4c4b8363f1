//! Root-cause links of the application checks beyond Deployments, Services and Jobs
//! (`links`): DaemonSets and StatefulSets caused by their pods' failures (or their nodes'),
//! evicted pods by their node, budgets that block drains by their unhealthy pods, a workload
//! template's missing reference as the cause of its pods' failures, ReplicaSets refused by a
//! webhook by that webhook's broken backend, the webhook by its Service, autoscalers by the
//! metrics API, and runs the controller missed by the controller manager.

use std::collections::HashMap;

use crate::findings::{CauseRef, Finding};
use crate::objects::Pod;

use super::Ctx;
use super::links::{Key, causes_of, key_of, pod_causes};
use super::workload::{quoted_after, webhook_config};

/// The (finding index, causes) pairs these rules add.
pub fn links(
    ctx: &Ctx,
    index: &HashMap<Key, Vec<usize>>,
    findings: &[Finding],
) -> Vec<(usize, Vec<CauseRef>)> {
    let mut out = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        let (ns, name) = (f.object.namespace.as_str(), f.object.name.as_str());
        let mut causes: Vec<CauseRef> = Vec::new();
        match f.check.as_str() {
            "daemonset-unavailable" | "daemonset-rollout-stuck" => {
                for p in controlled_pods(ctx, ns, "DaemonSet", name) {
                    causes.extend(pod_causes(index, findings, ns, child(p)));
                }
                for e in f
                    .evidence
                    .iter()
                    .filter_map(|e| e.label.strip_prefix("node "))
                {
                    causes.extend(causes_of(index, findings, &key_of("Node", "", e)));
                }
            }
            "statefulset-not-ready" | "statefulset-rollout-stuck" => {
                for p in controlled_pods(ctx, ns, "StatefulSet", name) {
                    causes.extend(pod_causes(index, findings, ns, child(p)));
                }
            }
            "pdb-blocks-eviction" => {
                if let Some(pdb) = ctx.snap.pdbs.find(ns, name)
                    && let Some(sel) = pdb.spec.as_ref().and_then(|s| s.selector.as_ref())
                {
                    for p in super::workload_pods::pods_matching(ctx, pdb.metadata.namespace(), sel)
                    {
                        causes.extend(pod_causes(index, findings, ns, child(p)));
                    }
                }
            }
            "pod-config-error"
            | "pod-stuck-creating"
            | "pod-image-pull"
            | "pod-missing-reference"
            | "pod-unschedulable" => {
                if let Some(pod) = ctx.snap.pods.find(ns, name)
                    && let Some((kind, owner)) = top_owner(ctx, pod)
                {
                    let k = key_of(&kind, ns, &owner);
                    causes.extend(
                        causes_of(index, findings, &k)
                            .into_iter()
                            .filter(|c| c.check == "workload-missing-reference"),
                    );
                }
            }
            "replicaset-failed-create" => {
                let message = f
                    .evidence
                    .iter()
                    .find(|e| e.label == "FailedCreate")
                    .map(|e| e.value.as_str());
                if let Some(webhook) =
                    message.and_then(|m| quoted_after(m, "failed calling webhook"))
                    && let Some((kind, config)) = webhook_config(ctx, webhook)
                {
                    let kind = if kind.starts_with("validating") {
                        "ValidatingWebhookConfiguration"
                    } else {
                        "MutatingWebhookConfiguration"
                    };
                    causes.extend(causes_of(index, findings, &key_of(kind, "", config)));
                }
                if let Some(rs) = ctx.snap.replicasets.find(ns, name)
                    && let Some(owner) = rs.metadata.controller()
                {
                    causes.extend(
                        causes_of(index, findings, &key_of(&owner.kind, ns, &owner.name))
                            .into_iter()
                            .filter(|c| c.check == "workload-missing-reference"),
                    );
                }
            }
            "webhook-no-endpoints" => {
                for e in &f.evidence {
                    if let Some(target) = e
                        .value
                        .strip_prefix("Service ")
                        .and_then(|v| v.split(' ').next())
                        && let Some((svc_ns, svc)) = target.split_once('/')
                    {
                        causes.extend(causes_of(index, findings, &key_of("Service", svc_ns, svc)));
                    }
                }
            }
            "hpa-not-scaling" => {
                for kind in ["APIService", "ApiService"] {
                    causes.extend(causes_of(
                        index,
                        findings,
                        &key_of(kind, "", "v1beta1.metrics.k8s.io"),
                    ));
                }
            }
            "cronjob-missed-schedules" | "job-deadline-exceeded" => {
                causes.extend(causes_of(
                    index,
                    findings,
                    &key_of("Lease", "kube-system", "kube-controller-manager"),
                ));
            }
            _ => {}
        }
        if !causes.is_empty() {
            causes.truncate(10);
            out.push((i, causes));
        }
    }
    out
}

fn child(p: &Pod) -> (&str, &str) {
    (
        p.metadata.name(),
        p.spec
            .as_ref()
            .and_then(|s| s.node_name.as_deref())
            .unwrap_or(""),
    )
}

/// Pods of a namespace whose controller is `kind`/`name`.
fn controlled_pods<'a>(ctx: &Ctx<'a>, ns: &'a str, kind: &str, name: &str) -> Vec<&'a Pod> {
    ctx.snap
        .pods_in(ns)
        .filter(|p| {
            p.metadata
                .controller()
                .is_some_and(|o| o.kind == kind && o.name == name)
        })
        .collect()
}

/// The workload at the top of a pod's owner chain: (kind, name).
fn top_owner(ctx: &Ctx, pod: &Pod) -> Option<(String, String)> {
    let ns = pod.metadata.namespace();
    let mut owner = pod.metadata.controller()?.clone();
    for _ in 0..3 {
        let next = match owner.kind.as_str() {
            "ReplicaSet" => ctx
                .snap
                .replicasets
                .find(ns, &owner.name)
                .and_then(|r| r.metadata.controller()),
            "Job" => ctx
                .snap
                .jobs
                .find(ns, &owner.name)
                .and_then(|j| j.metadata.controller()),
            _ => None,
        };
        match next {
            Some(n) => owner = n.clone(),
            None => break,
        }
    }
    Some((owner.kind.to_string(), owner.name.to_string()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testutil::*;
    use super::super::{Ctx, Options, Snapshot};
    use crate::findings::{Finding, ObjectRef, Pane, Severity};
    use serde_json::json;

    /// A finding another pane would make (the metrics APIService down, a node under pressure).
    fn other_pane(check: &str, kind: &str, ns: &str, name: &str) -> Finding {
        Finding {
            pane: Pane::ControlPlane,
            check: check.to_string(),
            severity: Severity::Error,
            object: ObjectRef::new(kind, ns, name),
            summary: String::new(),
            explanation: String::new(),
            evidence: Vec::new(),
            next_steps: Vec::new(),
            caused_by: Vec::new(),
        }
    }

    fn linked(objects: Vec<serde_json::Value>, extra: Finding, check: &str) -> Vec<String> {
        let snap = Snapshot::from_objects(objects);
        let opts = Options::default();
        let ctx = Ctx::new(&snap, now(), &opts);
        let mut findings = super::super::analyze(&snap, now(), &opts);
        findings.push(extra);
        for f in &mut findings {
            f.caused_by.clear();
        }
        super::super::links::link(&ctx, &mut findings);
        findings
            .iter()
            .find(|f| f.check == check)
            .map(|f| {
                f.caused_by
                    .iter()
                    .map(|c| format!("{} {}", c.check, c.object.name))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn an_autoscaler_without_metrics_is_caused_by_the_metrics_api() {
        let hpa = json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "web", "namespace": "ns"},
            "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "maxReplicas": 4},
            "status": {"conditions": [{"type": "ScalingActive", "status": "False", "reason": "FailedGetResourceMetric",
                "lastTransitionTime": ago(3600),
                "message": "unable to fetch metrics from resource metrics API: the server is currently unable to handle the request (get pods.metrics.k8s.io)"}]}});
        let cause = other_pane(
            "apiservice-unavailable",
            "APIService",
            "",
            "v1beta1.metrics.k8s.io",
        );
        assert_eq!(
            linked(vec![hpa], cause, "hpa-not-scaling"),
            vec!["apiservice-unavailable v1beta1.metrics.k8s.io"]
        );
    }

    #[test]
    fn an_eviction_is_caused_by_its_nodes_pressure() {
        let p = pod(
            "web",
            json!({"nodeName": "w2", "containers": [{"name": "app", "image": "x"}]}),
            json!({"phase": "Failed", "reason": "Evicted", "message": "The node had condition: [DiskPressure]. "}),
        );
        let cause = other_pane("node-disk-pressure", "Node", "", "w2");
        assert_eq!(
            linked(vec![p], cause, "pod-evicted"),
            vec!["node-disk-pressure w2"]
        );
    }

    #[test]
    fn missed_runs_are_caused_by_a_stale_controller_manager_lease() {
        let cj = json!({"apiVersion": "batch/v1", "kind": "CronJob",
            "metadata": {"name": "hello", "namespace": "ns", "creationTimestamp": ago(86400)},
            "spec": {"schedule": "*/5 * * * *", "jobTemplate": {}},
            "status": {"lastScheduleTime": ago(7200)}});
        let cause = other_pane(
            "leader-lease-stale",
            "Lease",
            "kube-system",
            "kube-controller-manager",
        );
        assert_eq!(
            linked(vec![cj], cause, "cronjob-missed-schedules"),
            vec!["leader-lease-stale kube-controller-manager"]
        );
    }
}

//! Which analyzer runs on what. Analysis has two kinds of work:
//!
//! - **object checks**: the checks of one object (a pod, a Deployment, a Service …). They run
//!   for every object on a full analysis, and only for the objects whose inputs changed on an
//!   incremental one (see `engine::deps` for what a change touches). Their findings are kept
//!   per object.
//! - **cluster checks**: checks over the cluster as a whole (nodes, control plane, DNS …). They
//!   run on every pass, so they must cost in proportion to nodes and system namespaces, never
//!   to all pods.
//!
//! To add an analyzer: write `fn check_x(ctx: &Ctx, obj: &X, out: &mut Vec<Finding>)` in its
//! own file, call it from [`check_object`] for its kind (or from [`check_cluster`]), and list
//! its check ids with the kinds they read in [`CHECKS`], so coverage can say what could not be
//! checked.

use crate::findings::{Finding, Pane};
use crate::model::ObjKey;
use crate::objects::Kind;

use super::Ctx;

/// A check: its id, pane, the kinds it must read to give an answer, and what else it reads
/// from the API server besides objects.
#[derive(Debug, Clone, Copy)]
pub struct CheckInfo {
    pub id: &'static str,
    pub pane: Pane,
    pub needs: &'static [Kind],
    pub probes: &'static [Probe],
}

/// Data a check reads that is not a kind of object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    /// `/version`, `/livez?verbose`, `/readyz?verbose` (`Snapshot::health`).
    Health,
    /// The API server's `/metrics` (often forbidden to ordinary users).
    Metrics,
}

const fn check(id: &'static str, pane: Pane, needs: &'static [Kind]) -> CheckInfo {
    CheckInfo {
        id,
        pane,
        needs,
        probes: &[],
    }
}

const fn probed(
    id: &'static str,
    pane: Pane,
    needs: &'static [Kind],
    probes: &'static [Probe],
) -> CheckInfo {
    CheckInfo {
        id,
        pane,
        needs,
        probes,
    }
}

const POD: &[Kind] = &[Kind::Pod];
const POD_EVENTS: &[Kind] = &[Kind::Pod, Kind::Event];

/// Every check, with what it reads.
pub const CHECKS: &[CheckInfo] = &[
    check("pod-crashloop", Pane::App, POD),
    check("pod-oomkilled", Pane::App, POD),
    check("pod-restarts", Pane::App, POD),
    check("pod-start-error", Pane::App, POD),
    check("pod-init-failing", Pane::App, POD),
    check("pod-image-pull", Pane::App, POD_EVENTS),
    check(
        "pod-config-error",
        Pane::App,
        &[Kind::Pod, Kind::ConfigMap, Kind::Secret],
    ),
    check("pod-unschedulable", Pane::App, &[Kind::Pod, Kind::Node]),
    check("pod-not-scheduled", Pane::App, POD),
    check("pod-scheduling-gated", Pane::App, POD),
    check("pod-stuck-creating", Pane::App, POD_EVENTS),
    check("pod-readiness-failing", Pane::App, POD_EVENTS),
    check("pod-liveness-failing", Pane::App, POD_EVENTS),
    check("pod-evicted", Pane::App, POD),
    check("pod-failed", Pane::App, POD),
    check("pod-stuck-terminating", Pane::App, &[Kind::Pod, Kind::Node]),
    check("deployment-stuck", Pane::App, &[Kind::Deployment]),
    check(
        "deployment-unavailable",
        Pane::App,
        &[Kind::Deployment, Kind::Pod],
    ),
    check("replicaset-failed-create", Pane::App, &[Kind::ReplicaSet]),
    check("job-failed", Pane::App, &[Kind::Job]),
    check("job-suspended", Pane::App, &[Kind::Job]),
    check("job-deadline-exceeded", Pane::App, &[Kind::Job]),
    check("cronjob-suspended", Pane::App, &[Kind::CronJob]),
    check("cronjob-invalid-schedule", Pane::App, &[Kind::CronJob]),
    check("cronjob-missed-schedules", Pane::App, &[Kind::CronJob]),
    check("cronjob-blocked", Pane::App, &[Kind::CronJob, Kind::Job]),
    check(
        "daemonset-unavailable",
        Pane::App,
        &[Kind::DaemonSet, Kind::Node, Kind::Pod],
    ),
    check(
        "daemonset-rollout-stuck",
        Pane::App,
        &[Kind::DaemonSet, Kind::Node, Kind::Pod],
    ),
    check(
        "daemonset-misscheduled",
        Pane::App,
        &[Kind::DaemonSet, Kind::Node, Kind::Pod],
    ),
    check(
        "daemonset-nodes-excluded",
        Pane::App,
        &[Kind::DaemonSet, Kind::Node],
    ),
    check(
        "statefulset-service-missing",
        Pane::App,
        &[Kind::StatefulSet, Kind::Service],
    ),
    check(
        "statefulset-storageclass-missing",
        Pane::App,
        &[Kind::StatefulSet, Kind::StorageClass],
    ),
    check(
        "statefulset-not-ready",
        Pane::App,
        &[Kind::StatefulSet, Kind::Pod],
    ),
    check(
        "statefulset-rollout-stuck",
        Pane::App,
        &[Kind::StatefulSet, Kind::Pod],
    ),
    check(
        "hpa-target-missing",
        Pane::App,
        &[
            Kind::HorizontalPodAutoscaler,
            Kind::Deployment,
            Kind::StatefulSet,
        ],
    ),
    check(
        "hpa-missing-requests",
        Pane::App,
        &[
            Kind::HorizontalPodAutoscaler,
            Kind::Deployment,
            Kind::StatefulSet,
        ],
    ),
    check(
        "hpa-not-scaling",
        Pane::App,
        &[Kind::HorizontalPodAutoscaler],
    ),
    check("hpa-at-max", Pane::App, &[Kind::HorizontalPodAutoscaler]),
    check(
        "pdb-blocks-eviction",
        Pane::App,
        &[Kind::PodDisruptionBudget],
    ),
    check(
        "pdb-no-pods",
        Pane::App,
        &[Kind::PodDisruptionBudget, Kind::Pod],
    ),
    check(
        "pdb-overlap",
        Pane::App,
        &[Kind::PodDisruptionBudget, Kind::Pod],
    ),
    check(
        "ingress-class-missing",
        Pane::Network,
        &[Kind::Ingress, Kind::IngressClass],
    ),
    check(
        "ingress-no-class",
        Pane::Network,
        &[Kind::Ingress, Kind::IngressClass],
    ),
    check(
        "ingress-no-controller",
        Pane::Network,
        &[Kind::Ingress, Kind::IngressClass],
    ),
    check(
        "ingress-backend-missing",
        Pane::Network,
        &[Kind::Ingress, Kind::Service],
    ),
    check(
        "ingress-backend-port-missing",
        Pane::Network,
        &[Kind::Ingress, Kind::Service],
    ),
    check(
        super::ingress_backend_ready::CHECK,
        Pane::Network,
        &[
            Kind::Ingress,
            Kind::Service,
            Kind::EndpointSlice,
            Kind::Endpoints,
        ],
    ),
    check(
        "ingress-tls-secret-missing",
        Pane::Network,
        &[Kind::Ingress, Kind::Secret],
    ),
    check(
        "ingress-tls-secret-invalid",
        Pane::Network,
        &[Kind::Ingress, Kind::Secret],
    ),
    check(
        "ingress-tls-host-mismatch",
        Pane::Network,
        &[Kind::Ingress, Kind::Secret],
    ),
    check(
        "ingress-tls-cert-expired",
        Pane::Network,
        &[Kind::Ingress, Kind::Secret],
    ),
    check("pv-released", Pane::App, &[Kind::PersistentVolume]),
    check("pv-failed", Pane::App, &[Kind::PersistentVolume]),
    check(
        "storageclass-multiple-defaults",
        Pane::App,
        &[Kind::StorageClass],
    ),
    check("pod-container-exited", Pane::App, POD),
    check("pod-not-ready", Pane::App, POD_EVENTS),
    check(
        "pod-missing-reference",
        Pane::App,
        &[
            Kind::Pod,
            Kind::ConfigMap,
            Kind::Secret,
            Kind::ServiceAccount,
            Kind::PersistentVolumeClaim,
        ],
    ),
    check(
        "workload-missing-reference",
        Pane::App,
        &[
            Kind::ConfigMap,
            Kind::Secret,
            Kind::ServiceAccount,
            Kind::PersistentVolumeClaim,
        ],
    ),
    check(
        "webhook-service-missing",
        Pane::App,
        &[
            Kind::ValidatingWebhookConfiguration,
            Kind::MutatingWebhookConfiguration,
            Kind::Service,
        ],
    ),
    check(
        "webhook-no-endpoints",
        Pane::App,
        &[
            Kind::ValidatingWebhookConfiguration,
            Kind::MutatingWebhookConfiguration,
            Kind::Service,
            Kind::EndpointSlice,
        ],
    ),
    check(
        "service-no-pods",
        Pane::Network,
        &[Kind::Service, Kind::Pod],
    ),
    check(
        "service-port-mismatch",
        Pane::Network,
        &[Kind::Service, Kind::Pod],
    ),
    check(
        "service-no-ready-endpoints",
        Pane::Network,
        &[Kind::Service, Kind::Pod],
    ),
    check(
        "pvc-pending",
        Pane::App,
        &[Kind::PersistentVolumeClaim, Kind::StorageClass, Kind::Event],
    ),
    check("pvc-lost", Pane::App, &[Kind::PersistentVolumeClaim]),
    // Network pane.
    check("service-lb-no-address", Pane::Network, &[Kind::Service]),
    check(
        "service-externalname-invalid",
        Pane::Network,
        &[Kind::Service],
    ),
    check(
        "service-nodeport-out-of-range",
        Pane::Network,
        &[Kind::Service],
    ),
    check("service-nodeport-clash", Pane::Network, &[Kind::Service]),
    check(
        "service-local-policy-no-endpoints",
        Pane::Network,
        &[Kind::Service, Kind::EndpointSlice, Kind::Node],
    ),
    check("service-session-affinity", Pane::Network, &[Kind::Service]),
    check(
        "service-publishes-not-ready",
        Pane::Network,
        &[Kind::Service, Kind::EndpointSlice],
    ),
    check(
        "service-unreachable-by-policy",
        Pane::Network,
        &[Kind::Service, Kind::Pod, Kind::NetworkPolicy],
    ),
    check("dns-service-missing", Pane::Network, &[Kind::Service]),
    check(
        "dns-pods-not-ready",
        Pane::Network,
        &[Kind::Service, Kind::Pod],
    ),
    check(
        "dns-no-endpoints",
        Pane::Network,
        &[Kind::Service, Kind::Pod, Kind::EndpointSlice],
    ),
    check("dns-corefile-invalid", Pane::Network, &[Kind::ConfigMap]),
    check("pod-dns-bypass", Pane::Network, &[Kind::Pod, Kind::Service]),
    check("dns-corefile-problem", Pane::Network, &[Kind::ConfigMap]),
    check(
        "netpol-selects-no-pods",
        Pane::Network,
        &[Kind::NetworkPolicy, Kind::Pod],
    ),
    check(
        "netpol-isolates-unreachable",
        Pane::Network,
        &[Kind::NetworkPolicy, Kind::Pod, Kind::Namespace],
    ),
    check(
        "netpol-blocks-dns",
        Pane::Network,
        &[Kind::NetworkPolicy, Kind::Pod, Kind::Service],
    ),
    check(
        "dataplane-agent-not-ready",
        Pane::Network,
        &[Kind::DaemonSet, Kind::Pod, Kind::EndpointSlice],
    ),
    check("pod-sandbox-network", Pane::Network, POD_EVENTS),
    check("node-not-ready", Pane::Node, &[Kind::Node]),
    check("node-not-tainted", Pane::Node, &[Kind::Node]),
    // Control plane (cluster checks).
    probed("api-reachability", Pane::ControlPlane, &[], HEALTH),
    probed("apiserver-not-live", Pane::ControlPlane, &[], HEALTH),
    probed("apiserver-not-ready", Pane::ControlPlane, &[], HEALTH),
    check("cp-component-missing", Pane::ControlPlane, NODE_POD),
    check("cp-component-failing", Pane::ControlPlane, NODE_POD),
    check("cp-component-restarts", Pane::ControlPlane, POD),
    check("cp-not-static-pods", Pane::ControlPlane, NODE_POD),
    check("cp-leader-lease-stale", Pane::ControlPlane, &[Kind::Lease]),
    check(
        "cp-leader-lease-missing",
        Pane::ControlPlane,
        &[Kind::Lease, Kind::Pod],
    ),
    check("cp-leader-flapping", Pane::ControlPlane, &[Kind::Lease]),
    check(
        "cp-leader-unknown-holder",
        Pane::ControlPlane,
        &[Kind::Lease, Kind::Node],
    ),
    check("apiserver-lease-stale", Pane::ControlPlane, &[Kind::Lease]),
    check("cp-version-skew", Pane::ControlPlane, POD),
    probed(
        "apiserver-deprecated-apis",
        Pane::ControlPlane,
        &[],
        METRICS,
    ),
    probed("etcd-db-size", Pane::ControlPlane, &[], METRICS),
    // Only when the scrape holds etcd's own metrics, which the API server does not serve:
    // otherwise reported as not covered (`uncovered_probes`).
    probed("etcd-leader-changes", Pane::ControlPlane, &[], METRICS),
    // Worker nodes (cluster checks).
    check("node-memory-pressure", Pane::Node, &[Kind::Node]),
    check("node-disk-pressure", Pane::Node, &[Kind::Node]),
    check("node-pid-pressure", Pane::Node, &[Kind::Node]),
    check("node-network-unavailable", Pane::Node, &[Kind::Node]),
    check("node-problem-condition", Pane::Node, &[Kind::Node]),
    check(
        "node-heartbeat-stale",
        Pane::Node,
        &[Kind::Node, Kind::Lease],
    ),
    check("node-cordoned", Pane::Node, &[Kind::Node]),
    check(
        "node-taint-untolerated",
        Pane::Node,
        &[
            Kind::Node,
            Kind::Pod,
            Kind::DaemonSet,
            Kind::Deployment,
            Kind::StatefulSet,
        ],
    ),
    check("node-overcommitted", Pane::Node, NODE_POD),
    check("node-capacity-full", Pane::Node, NODE_POD),
    check("node-evictions", Pane::Node, NODE_POD),
    check("node-network-agent-not-ready", Pane::Node, NODE_POD),
    check("node-version-skew", Pane::Node, &[Kind::Node, Kind::Pod]),
    check("node-version-outlier", Pane::Node, &[Kind::Node]),
    check(
        "node-warning-events",
        Pane::Node,
        &[Kind::Node, Kind::Event],
    ),
];

const NODE_POD: &[Kind] = &[Kind::Node, Kind::Pod];
const HEALTH: &[Probe] = &[Probe::Health];
const METRICS: &[Probe] = &[Probe::Metrics];

/// Why a check cannot give an answer on this snapshot (empty: it is covered): the kinds it
/// needs that are not listed, and the API server probes that did not answer.
pub fn uncovered(snap: &super::Snapshot, info: &CheckInfo) -> Vec<String> {
    let mut out: Vec<String> = snap
        .coverage
        .missing(info.needs)
        .map(|(k, s)| format!("{}: {}", k.name(), s.describe()))
        .collect();
    out.extend(uncovered_probes(snap, info).into_iter().map(|(_, why)| why));
    out
}

/// The API server probes a check reads that did not answer, with why.
pub fn uncovered_probes(snap: &super::Snapshot, info: &CheckInfo) -> Vec<(Probe, String)> {
    let mut out = Vec::new();
    for p in info.probes {
        let why = match (p, &snap.health) {
            (_, None) if snap.coverage.from_dump => {
                Some("the API server's health was not probed (a dump)".to_string())
            }
            (_, None) => Some("the API server's health has not been probed yet".to_string()),
            // api-reachability is answered by any of the three requests failing or not.
            (Probe::Health, Some(_)) if info.id == "api-reachability" => None,
            (Probe::Health, Some(h)) => [&h.livez, &h.readyz]
                .into_iter()
                .find_map(|r| r.failure())
                .map(|f| format!("/livez and /readyz could not be read: {}", f.class.label())),
            (Probe::Metrics, Some(h)) => match &h.metrics {
                super::Probed::Answered(m)
                    if info.id == "etcd-leader-changes" && m.etcd_leader_changes.is_none() =>
                {
                    Some(super::cp_etcd::LEADER_CHANGES_NOT_SERVED.to_string())
                }
                super::Probed::Answered(_) => None,
                super::Probed::NotAsked => Some("/metrics was not read".to_string()),
                super::Probed::Failed(f) => {
                    Some(format!("/metrics could not be read: {}", f.class.label()))
                }
            },
        };
        out.extend(why.map(|w| (*p, w)));
    }
    out
}

/// The kinds that have object checks, in the order a full analysis visits them.
pub const SUBJECT_KINDS: &[Kind] = &[
    Kind::Pod,
    Kind::Deployment,
    Kind::ReplicaSet,
    Kind::StatefulSet,
    Kind::DaemonSet,
    Kind::Job,
    Kind::CronJob,
    Kind::Service,
    Kind::Ingress,
    Kind::PersistentVolumeClaim,
    Kind::PersistentVolume,
    Kind::HorizontalPodAutoscaler,
    Kind::PodDisruptionBudget,
    Kind::NetworkPolicy,
    Kind::Namespace,
    Kind::Node,
];

/// Runs the checks of one object (nothing when it no longer exists).
pub fn check_object(ctx: &Ctx, kind: Kind, key: &ObjKey, out: &mut Vec<Finding>) {
    let snap = ctx.snap;
    match kind {
        Kind::Pod => {
            if let Some(pod) = snap.pods.get(key) {
                super::pod_crash::check(ctx, pod, out);
                super::pod_image::check(ctx, pod, out);
                super::pod_config::check(ctx, pod, out);
                super::pod_pending::check(ctx, pod, out);
                super::pod_lifecycle::check(ctx, pod, out);
                super::net_sandbox::check(ctx, pod, out);
                super::pod_probe::check(ctx, pod, out);
                super::pod_exit::check(ctx, pod, out);
                super::pod_ready::check(ctx, pod, out);
                super::references::check_pod(ctx, pod, out);
            }
        }
        Kind::Deployment => {
            if let Some(d) = snap.deployments.get(key) {
                super::workload::check_deployment(ctx, d, out);
            }
            super::references::check_workload(ctx, kind, key, out);
        }
        Kind::ReplicaSet => {
            if let Some(r) = snap.replicasets.get(key) {
                super::workload::check_replicaset(ctx, r, out);
            }
            super::references::check_workload(ctx, kind, key, out);
        }
        Kind::StatefulSet => {
            if let Some(s) = snap.statefulsets.get(key) {
                super::statefulset::check(ctx, s, out);
            }
            super::references::check_workload(ctx, kind, key, out);
        }
        Kind::DaemonSet => {
            if let Some(d) = snap.daemonsets.get(key) {
                super::daemonset::check(ctx, d, out);
            }
            super::references::check_workload(ctx, kind, key, out);
        }
        Kind::Job => {
            if let Some(j) = snap.jobs.get(key) {
                super::job::check(ctx, j, out);
            }
            super::references::check_workload(ctx, kind, key, out);
        }
        Kind::CronJob => {
            if let Some(c) = snap.cronjobs.get(key) {
                super::cronjob::check(ctx, c, out);
            }
            super::references::check_workload(ctx, kind, key, out);
        }
        Kind::Ingress => {
            if let Some(i) = snap.ingresses.get(key) {
                super::ingress::check(ctx, i, out);
            }
        }
        Kind::PersistentVolume => {
            if let Some(p) = snap.pvs.get(key) {
                super::storage::check_volume(ctx, p, out);
            }
        }
        Kind::HorizontalPodAutoscaler => {
            if let Some(h) = snap.hpas.get(key) {
                super::hpa::check(ctx, h, out);
            }
        }
        Kind::PodDisruptionBudget => {
            if let Some(b) = snap.pdbs.get(key) {
                super::pdb::check(ctx, b, out);
            }
        }
        Kind::Service => {
            if let Some(s) = snap.services.get(key) {
                super::service::check_service(ctx, s, out);
                super::net_service_types::check(ctx, s, out);
                super::net_service_policy::check(ctx, s, out);
            }
        }
        Kind::NetworkPolicy => {
            if let Some(np) = snap.network_policies.get(key) {
                super::net_policy::check(ctx, np, out);
            }
        }
        Kind::PersistentVolumeClaim => {
            if let Some(p) = snap.pvcs.get(key) {
                super::pvc::check_claim(ctx, p, out);
            }
        }
        Kind::Node => {
            if let Some(n) = snap.nodes.get(key) {
                super::node_conditions::check_node(ctx, n, out);
                super::node_capacity::check_node(ctx, n, out);
                super::node_pods::check_node(ctx, n, out);
                super::node_events::check_node(ctx, n, out);
            }
        }
        _ => {}
    }
}

/// A check over the cluster as a whole (not one object's): its name, for benchmarks and
/// logs, and the function.
pub type ClusterCheck = (&'static str, fn(&Ctx, &mut Vec<Finding>));

/// The checks over the cluster as a whole, in the order they run.
pub const CLUSTER_CHECKS: &[ClusterCheck] = &[
    ("nodes", super::node::check_nodes),
    ("webhooks", super::webhook::check),
    (
        "default-storage-classes",
        super::storage::check_default_classes,
    ),
    // Control plane and worker nodes: proportional to nodes and kube-system.
    ("api-server", super::cp_api::check),
    ("static-pods", super::cp_static_pods::check),
    ("leases", super::cp_leases::check),
    ("versions", super::cp_version::check),
    ("etcd", super::cp_etcd::check),
    ("node-heartbeats", super::node_heartbeat::check),
    ("node-taints", super::node_taints::check),
    ("node-scheduling", super::node_scheduling::check),
    ("node-versions", super::node_versions::check),
    // Network: proportional to Services and kube-system's DNS objects.
    (
        "node-port-clashes",
        super::net_service_types::check_node_port_clashes,
    ),
    ("dns", super::net_dns::check),
    ("dns-bypass", super::net_dns_bypass::check),
    ("dataplane", super::net_dataplane::check),
    // Certificates: what the certificate inspection found, as it found it.
    ("certificates", certificate_findings),
];

fn certificate_findings(ctx: &Ctx, out: &mut Vec<Finding>) {
    if let Some(reading) = &ctx.snap.certificates {
        out.extend(reading.findings.iter().cloned());
    }
}

/// Runs the checks over the cluster as a whole.
pub fn check_cluster(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (_, check) in CLUSTER_CHECKS {
        check(ctx, out);
    }
}

/// Every object with checks (of `namespace` only, when given; cluster-scoped objects always).
pub fn subjects(ctx: &Ctx) -> Vec<(Kind, ObjKey)> {
    let snap = ctx.snap;
    let mut out = Vec::new();
    let ns = ctx.opts.namespace.as_deref();
    macro_rules! keys {
        ($table:expr, $kind:expr) => {
            for (key, _, _) in $table.entries() {
                if ns.is_none_or(|ns| key.namespace.is_empty() || key.namespace == ns) {
                    out.push(($kind, key.clone()));
                }
            }
        };
    }
    keys!(snap.pods, Kind::Pod);
    keys!(snap.deployments, Kind::Deployment);
    keys!(snap.replicasets, Kind::ReplicaSet);
    keys!(snap.statefulsets, Kind::StatefulSet);
    keys!(snap.daemonsets, Kind::DaemonSet);
    keys!(snap.jobs, Kind::Job);
    keys!(snap.cronjobs, Kind::CronJob);
    keys!(snap.services, Kind::Service);
    keys!(snap.ingresses, Kind::Ingress);
    keys!(snap.pvcs, Kind::PersistentVolumeClaim);
    keys!(snap.pvs, Kind::PersistentVolume);
    keys!(snap.hpas, Kind::HorizontalPodAutoscaler);
    keys!(snap.pdbs, Kind::PodDisruptionBudget);
    keys!(snap.network_policies, Kind::NetworkPolicy);
    keys!(snap.namespaces, Kind::Namespace);
    keys!(snap.nodes, Kind::Node);
    out
}

/// The information about a check id.
pub fn info(id: &str) -> Option<&'static CheckInfo> {
    CHECKS.iter().find(|c| c.id == id)
}

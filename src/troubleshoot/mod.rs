//! The troubleshooting engine: pure analyzers over a consistent [`Snapshot`] of cluster objects.
//!
//! ```text
//! let snapshot = Snapshot::from_objects(objects).with_previous_logs(logs);
//! let findings = troubleshoot::analyze(&snapshot, now, &Options::default());
//! for group in troubleshoot::group_by_root(&findings) { … }
//! ```
//! `analyze` does no I/O and never awaits. Findings come back ordered root causes first
//! (severity, namespace, object), each symptom carrying `caused_by` links to the findings that
//! explain it. One file per analyzer; `links` chains them, `output` renders text and JSON.

mod build;
pub(crate) mod container;
pub mod coverage_report;
mod cp_api;
mod cp_crash;
mod cp_etcd;
mod cp_leases;
mod cp_log;
mod cp_pods;
mod cp_static_pods;
mod cp_version;
mod cron_schedule;
mod cronjob;
mod daemonset;
pub mod engine;
mod grouping;
mod hpa;
mod ingress;
mod ingress_backend_ready;
mod job;
mod links;
mod links_app;
mod links_cp;
mod links_cp_external;
mod links_cp_kcm;
mod links_net;
mod links_node;
pub mod links_node_local;
mod net_adapt;
mod net_dataplane;
mod net_dns;
mod net_dns_bypass;
mod net_near_miss;
mod net_policy;
mod net_sandbox;
mod net_service_policy;
mod net_service_types;
mod node;
mod node_capacity;
mod node_conditions;
mod node_events;
mod node_fit;
mod node_heartbeat;
mod node_page;
mod node_pods;
mod node_scheduling;
mod node_taints;
mod node_versions;
pub mod output;
pub mod pane_scope;
mod pdb;
mod pod_config;
mod pod_crash;
mod pod_evicted;
mod pod_exit;
mod pod_history;
mod pod_image;
mod pod_lifecycle;
mod pod_pending;
mod pod_probe;
mod pod_ready;
mod pvc;
pub mod reach;
mod references;
pub mod registry;
mod scheduler_message;
mod service;
mod snapshot;
mod statefulset;
mod storage;
mod volume_events;
mod webhook;
mod workload;
pub(crate) mod workload_pods;

#[cfg(test)]
mod cp_healthy_tests;
#[cfg(test)]
mod net_tests;
#[cfg(test)]
mod reach_tests;
#[cfg(test)]
pub(crate) mod testutil;
#[cfg(test)]
mod testutil_cp;

use std::time::Duration;

use jiff::Timestamp;

use crate::findings::{Finding, Pane};

/// One event, whichever API it came from.
pub type EventRecord = crate::objects::Event;
pub use coverage_report::{CoverageReport, Gap};
pub use engine::{Engine, Pass};
pub use grouping::{RootGroup, group_by_root};
pub use node_capacity::{largest_allocatable, pod_request};
pub use node_page::{NodePage, node_findings, node_page};
pub use snapshot::{
    ApiHealth, ApiMetrics, DeprecatedApi, Failure, HealthCheck, HealthReport, METRIC_NAMES, Probed,
    ReachClass, ServerVersion, bounded_detail, wanted_metric_line,
};
pub use snapshot::{
    CertificateReading, Change, ContainerKey, Coverage, KindState, Skipped, Snapshot, Table,
    no_objects_error,
};

/// Thresholds and filters of one analysis.
#[derive(Debug, Clone)]
pub struct Options {
    /// Only objects in this namespace are analysed, and only their findings reported
    /// (cluster-scoped findings that explain them are kept). `None`: every namespace. A UI can
    /// use it to re-analyse just the namespaces whose objects changed.
    pub namespace: Option<String>,
    /// Only these panes; empty means all.
    pub panes: Vec<Pane>,
    /// A running container restarted more often than this (recently) is reported.
    pub restart_threshold: i32,
    /// How recent a restart must be to count for the restart and OOM checks.
    pub restart_window: Duration,
    /// A pod Pending for less than this is still being scheduled.
    pub pending_grace: Duration,
    /// A pod with no scheduling attempt after this long points at the scheduler.
    pub unscheduled_grace: Duration,
    /// Extra time beyond the grace period before a deleted pod counts as stuck.
    pub terminating_grace: Duration,
    /// How long a container may stay in ContainerCreating before it is reported.
    pub creating_grace: Duration,
    /// Probe failure events older than this are history, not a current problem.
    pub event_window: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            namespace: None,
            panes: Vec::new(),
            restart_threshold: 3,
            restart_window: Duration::from_secs(24 * 3600),
            pending_grace: Duration::from_secs(30),
            unscheduled_grace: Duration::from_secs(60),
            terminating_grace: Duration::from_secs(60),
            creating_grace: Duration::from_secs(120),
            event_window: Duration::from_secs(30 * 60),
        }
    }
}

/// Everything the analyzers need besides the snapshot.
pub struct Ctx<'a> {
    pub snap: &'a Snapshot,
    pub opts: &'a Options,
    now: Timestamp,
    /// Whether a check read the clock since the last [`Ctx::take_clock_read`]: the engine
    /// re-checks such objects when time passes, and only those.
    clock_read: std::cell::Cell<bool>,
}

impl<'a> Ctx<'a> {
    pub fn new(snap: &'a Snapshot, now: Timestamp, opts: &'a Options) -> Ctx<'a> {
        Ctx {
            snap,
            opts,
            now,
            clock_read: std::cell::Cell::new(false),
        }
    }

    /// The time the analysis judges ages against. Reading it marks the check being run as
    /// time-dependent, so every age comparison must go through here.
    pub fn now(&self) -> Timestamp {
        self.clock_read.set(true);
        self.now
    }

    /// Whether the clock was read since the last call (and forgets it).
    pub fn take_clock_read(&self) -> bool {
        self.clock_read.replace(false)
    }
}

/// Runs every analyzer over the snapshot; root causes first, symptoms linked to them.
pub fn analyze(snapshot: &Snapshot, now: Timestamp, opts: &Options) -> Vec<Finding> {
    let ctx = Ctx::new(snapshot, now, opts);
    let mut findings = Vec::new();
    for (kind, key) in registry::subjects(&ctx) {
        registry::check_object(&ctx, kind, &key, &mut findings);
    }
    registry::check_cluster(&ctx, &mut findings);
    finish(&ctx, findings)
}

/// The steps after the checks: escalations that look at many findings at once, root-cause
/// links, the pane and namespace filter, and the order.
pub(crate) fn finish(ctx: &Ctx, mut findings: Vec<Finding>) -> Vec<Finding> {
    pod_pending::escalate(&mut findings);
    links::link(ctx, &mut findings);
    filter(&mut findings, ctx.opts);
    grouping::order(&mut findings);
    findings
}

/// Keeps the findings of the asked panes and namespace, plus the causes they link to.
fn filter(findings: &mut Vec<Finding>, opts: &Options) {
    let wanted = |f: &Finding| {
        (opts.panes.is_empty() || opts.panes.contains(&f.pane))
            && (cluster_level(f)
                || opts
                    .namespace
                    .as_ref()
                    .is_none_or(|ns| f.object.namespace == *ns))
    };
    let causes: std::collections::HashSet<(String, crate::findings::ObjectRef)> = findings
        .iter()
        .filter(|f| wanted(f))
        .flat_map(|f| f.caused_by.iter())
        .map(|c| (c.check.clone(), c.object.clone()))
        .collect();
    findings.retain(|f| {
        wanted(f)
            || (opts.panes.is_empty() || opts.panes.contains(&f.pane))
                && causes.contains(&(f.check.clone(), f.object.clone()))
    });
}

/// Namespaces of the cluster's own components.
pub const SYSTEM_NAMESPACES: &[&str] = &["kube-system", "kube-node-lease", "kube-public"];

/// Whether a finding is about the cluster as a whole (nodes, control plane, certificates,
/// cluster DNS and networking), which every namespace's view shows.
pub fn cluster_level(f: &Finding) -> bool {
    f.object.namespace.is_empty()
        || matches!(f.pane, Pane::ControlPlane | Pane::Node | Pane::Certs)
        || (f.pane == Pane::Network && SYSTEM_NAMESPACES.contains(&f.object.namespace.as_str()))
}

/// The containers whose previous logs would help explain a finding (crash loops, failing init
/// containers), as (namespace, pod, container). `kmedic check` fetches these.
pub fn containers_needing_previous_logs(snapshot: &Snapshot) -> Vec<ContainerKey> {
    container::crashed_containers(snapshot)
}

/// [`containers_needing_previous_logs`] among the pods these findings are about: what the
/// live engine asks after each pass (cheap: it never walks every pod).
pub fn containers_needing_previous_logs_for(
    snapshot: &Snapshot,
    findings: &[Finding],
) -> Vec<ContainerKey> {
    let mut pods: Vec<(&str, &str)> = findings
        .iter()
        .filter(|f| f.object.kind == "Pod")
        .map(|f| (f.object.namespace.as_str(), f.object.name.as_str()))
        .collect();
    pods.sort_unstable();
    pods.dedup();
    container::crashed_containers_of(
        pods.into_iter()
            .filter_map(|(ns, name)| snapshot.pods.find(ns, name)),
    )
}

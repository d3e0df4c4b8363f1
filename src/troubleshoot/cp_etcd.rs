//! etcd as the API server sees it: the size of its database (from the API server's
//! `/metrics`: `apiserver_storage_size_bytes`, or the older `*_db_total_size_in_bytes`) against
//! the backend quota (`--quota-backend-bytes` of the etcd static pod, 2 GiB by default). When
//! the database reaches the quota etcd raises the NOSPACE alarm and refuses every write. The
//! member pods are checked with the other static pods, the `etcd` readyz check with the API
//! server's health. `/metrics` is often forbidden: then this check is not covered.
//!
//! Leader changes (`etcd_server_leader_changes_seen_total`) are etcd's own metric: the API
//! server's `/metrics` does not carry it, etcd serves it on its metrics port on each
//! control-plane node. A scrape that holds it gets it as evidence of the size finding; else
//! `etcd-leader-changes` is reported as not covered, saying where to read it, rather than
//! passed in silence. A total since the member started says nothing without a time window,
//! so kmedic does not judge it.

use crate::findings::{Finding, Severity};
use crate::model::quantity::humanize_bytes;

use super::Ctx;
use super::build::FindingExt;
use super::cp_api::apiserver_ref;
use super::cp_pods::{command_line, flag, mirror_pods};
use super::cp_static_pods::cp;

/// Why `etcd-leader-changes` is not covered when the API server's `/metrics` answered.
pub const LEADER_CHANGES_NOT_SERVED: &str = "the API server's /metrics does not carry etcd's \
     leader changes: etcd serves etcd_server_leader_changes_seen_total on its own metrics \
     endpoint on each control-plane node (kubeadm: curl -s http://127.0.0.1:2381/metrics | grep \
     leader_changes, on the node)";

/// Leader changes (in total) from which the count is shown (etcd's alert: 4 within 15 min).
const LEADER_CHANGES_NOTED: f64 = 4.0;

/// etcd's default backend quota.
const DEFAULT_QUOTA: f64 = 2.0 * 1024.0 * 1024.0 * 1024.0;
const WARN_RATIO: f64 = 0.80;
const ERROR_RATIO: f64 = 0.95;

/// The quota the etcd static pods run with (the smallest, when they differ).
fn quota(ctx: &Ctx) -> (f64, String) {
    mirror_pods(ctx.snap)
        .into_iter()
        .filter(|(c, _)| *c == "etcd")
        .filter_map(|(_, p)| {
            flag(&command_line(p), "quota-backend-bytes")?
                .parse::<f64>()
                .ok()
        })
        .filter(|q| *q > 0.0)
        .min_by(|a, b| a.total_cmp(b))
        .map(|q| {
            (
                q,
                "--quota-backend-bytes of the etcd static pod".to_string(),
            )
        })
        .unwrap_or((
            DEFAULT_QUOTA,
            "etcd's default (no --quota-backend-bytes)".to_string(),
        ))
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(h) = &ctx.snap.health else { return };
    let Some(m) = h.metrics.answer() else { return };
    // Fewer than etcd's own alert threshold (4 within 15 minutes) is not worth a line even
    // if they all happened just now.
    if let Some(n) = m.etcd_leader_changes.filter(|n| *n >= LEADER_CHANGES_NOTED) {
        out.push(
            cp(
                "etcd-leader-changes",
                Severity::Info,
                apiserver_ref(h),
                format!("etcd has seen {n} leader change(s) since its members started"),
            )
            .explain(
                "A counter since each member started: a few are normal (restarts, upgrades); \
                 many within minutes mean members lose their leader (slow disks, network \
                 latency between members, an overloaded node) and writes stall meanwhile. Read \
                 it again in a few minutes: an increase of 4 or more within 15 minutes is what \
                 etcd's own alerts call a high number of leader changes.",
            )
            .with("etcd_server_leader_changes_seen_total", format!("{n}"))
            .step("on a control-plane node: curl -s http://127.0.0.1:2381/metrics | grep -E 'leader_changes|has_leader|wal_fsync_duration_seconds_sum'"),
        );
    }
    let Some((endpoint, size)) = m.etcd_db_bytes.iter().max_by(|a, b| a.1.total_cmp(&b.1)) else {
        return;
    };
    let (quota, source) = quota(ctx);
    let ratio = size / quota;
    let severity = if ratio >= ERROR_RATIO {
        Severity::Error
    } else if ratio >= WARN_RATIO {
        Severity::Warning
    } else {
        return;
    };
    let mut f = cp(
        "etcd-db-size",
        severity,
        apiserver_ref(h),
        format!(
            "the etcd database is {} of its {} quota ({:.0}%)",
            humanize_bytes(*size),
            humanize_bytes(quota),
            ratio * 100.0
        ),
    )
    .explain(
        "When the database reaches the quota, etcd raises the NOSPACE alarm and refuses every \
         write (\"etcdserver: mvcc: database space exceeded\"): nothing can be created or \
         updated. Compact the history and defragment, find what grows (Events, a CRD in a \
         hot loop), or raise the quota.",
    )
    .with("database size", humanize_bytes(*size))
    .with("quota", format!("{} ({source})", humanize_bytes(quota)));
    if !endpoint.is_empty() {
        f = f.with("etcd", endpoint.clone());
    }
    // Fewer than etcd's own alert threshold (4 within 15 minutes) is not worth a line even
    // if they all happened just now.
    if let Some(n) = m.etcd_leader_changes.filter(|n| *n >= LEADER_CHANGES_NOTED) {
        f = f.with("leader changes seen", format!("{n}"));
    }
    out.push(
        f.step("on a control-plane node: sudo ETCDCTL_API=3 etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt --key=/etc/kubernetes/pki/etcd/healthcheck-client.key endpoint status -w table")
            .step("… etcdctl alarm list; etcdctl defrag (one member at a time)")
            .step("kubectl get --raw /metrics | grep apiserver_storage_objects | sort -k2 -n | tail"),
    );
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::snapshot::{ApiHealth, ApiMetrics, Failure, Probed, ReachClass};
    use super::super::testutil::*;
    use super::super::testutil_cp::*;
    use super::super::{Change, Options, Snapshot, analyze};
    use crate::findings::Severity;
    use serde_json::json;

    fn with_size(objects: Vec<serde_json::Value>, bytes: f64) -> Vec<crate::findings::Finding> {
        let mut snap = Snapshot::from_objects(objects);
        snap.apply(Change::health(ApiHealth {
            metrics: Probed::Answered(ApiMetrics {
                etcd_db_bytes: vec![("etcd-0".into(), bytes)],
                etcd_leader_changes: None,
                deprecated_apis: vec![],
            }),
            ..ApiHealth::default()
        }));
        analyze(&snap, now(), &Options::default())
    }

    #[test]
    fn a_database_near_the_default_quota() {
        let gib = 1024.0 * 1024.0 * 1024.0;
        assert!(with_size(healthy_cluster(), 0.5 * gib).is_empty());
        let f = with_size(healthy_cluster(), 1.7 * gib);
        assert_eq!(one(&f, "etcd-db-size").severity, Severity::Warning);
        let f = with_size(healthy_cluster(), 1.98 * gib);
        let e = one(&f, "etcd-db-size");
        assert_eq!(e.severity, Severity::Error);
        assert!(e.summary.contains("(99%)"), "{}", e.summary);
    }

    #[test]
    fn the_quota_flag_of_the_etcd_pod_is_used() {
        let mut c = healthy_cluster();
        let mut etcd = mirror("etcd", "cp-1", VERSION);
        etcd["spec"]["containers"][0]["command"]
            .as_array_mut()
            .unwrap()
            .push(json!("--quota-backend-bytes=8589934592"));
        replace(&mut c, "etcd-cp-1", etcd);
        let gib = 1024.0 * 1024.0 * 1024.0;
        assert!(with_size(c, 1.98 * gib).is_empty());
    }

    /// What a v1.26 API server answers (trimmed): HELP/TYPE lines with stability levels,
    /// scientific notation, histograms and other metrics around the ones kmedic reads.
    const APISERVER_1_26: &str = "\
# HELP apiserver_request_total [STABLE] Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.
# TYPE apiserver_request_total counter
apiserver_request_total{code=\"200\",component=\"apiserver\",dry_run=\"\",group=\"\",resource=\"pods\",scope=\"cluster\",subresource=\"\",verb=\"LIST\",version=\"v1\"} 1342
# HELP apiserver_storage_db_total_size_in_bytes [ALPHA] Total size of the storage database file physically allocated in bytes.
# TYPE apiserver_storage_db_total_size_in_bytes gauge
apiserver_storage_db_total_size_in_bytes{endpoint=\"https://127.0.0.1:2379\"} 1.954971648e+09
# HELP apiserver_storage_objects [STABLE] Number of stored objects at the time of last check split by kind.
# TYPE apiserver_storage_objects gauge
apiserver_storage_objects{resource=\"events\"} 412873
# HELP etcd_request_duration_seconds [ALPHA] Etcd request latency in seconds for each operation and object type.
# TYPE etcd_request_duration_seconds histogram
etcd_request_duration_seconds_bucket{operation=\"get\",type=\"/registry/pods\",le=\"0.005\"} 1021
etcd_request_duration_seconds_sum{operation=\"get\",type=\"/registry/pods\"} 3.2917
";

    fn probed(metrics: ApiMetrics) -> Snapshot {
        let mut snap = Snapshot::from_objects(healthy_cluster());
        snap.apply(Change::health(ApiHealth {
            metrics: Probed::Answered(metrics),
            version: Probed::Answered(super::super::snapshot::ServerVersion {
                git_version: VERSION.into(),
            }),
            ..ApiHealth::default()
        }));
        snap
    }

    #[test]
    fn a_real_scrape_gives_the_size_and_says_leader_changes_are_not_there() {
        let m = ApiMetrics::parse(APISERVER_1_26);
        assert_eq!(m.etcd_leader_changes, None);
        let snap = probed(m);
        let f = analyze(&snap, now(), &Options::default());
        let size = one(&f, "etcd-db-size");
        assert_eq!(size.severity, Severity::Warning, "91% of the default 2 GiB");
        assert!(size.summary.contains("(91%)"), "{}", size.summary);
        assert!(
            evidence_text(size).contains("etcd: https://127.0.0.1:2379"),
            "{}",
            evidence_text(size)
        );
        assert!(f.iter().all(|x| x.check != "etcd-leader-changes"));
        // Not judged, and said so: where etcd serves them.
        let cov = super::super::CoverageReport::of(&snap, &[crate::findings::Pane::ControlPlane]);
        let gap = cov
            .gaps
            .iter()
            .find(|g| g.checks.iter().any(|c| c == "etcd-leader-changes"))
            .unwrap_or_else(|| panic!("{cov:?}"));
        assert_eq!(gap.reason, super::LEADER_CHANGES_NOT_SERVED);
        assert!(gap.reason.contains("2381"));
        assert!(!cov.complete);
        assert!(gap.checks.iter().all(|c| c != "etcd-db-size"), "{gap:?}");
    }

    #[test]
    fn a_scrape_with_etcds_own_metrics_reports_its_leader_changes() {
        // etcd's own endpoint (kubeadm: 127.0.0.1:2381), merged into the scrape.
        let text = format!(
            "{APISERVER_1_26}# HELP etcd_server_leader_changes_seen_total The number of leader changes seen.\n\
             # TYPE etcd_server_leader_changes_seen_total counter\n\
             etcd_server_leader_changes_seen_total 7\n"
        );
        let snap = probed(ApiMetrics::parse(&text));
        let f = analyze(&snap, now(), &Options::default());
        let lc = one(&f, "etcd-leader-changes");
        assert_eq!(lc.severity, Severity::Info, "a total is not judged");
        assert!(lc.summary.contains("7 leader change"), "{}", lc.summary);
        let cov = super::super::CoverageReport::of(&snap, &[crate::findings::Pane::ControlPlane]);
        assert!(
            cov.gaps
                .iter()
                .all(|g| g.checks.iter().all(|c| c != "etcd-leader-changes")),
            "{cov:?}"
        );
    }

    #[test]
    fn forbidden_metrics_are_not_a_problem() {
        let mut snap = Snapshot::default();
        snap.apply(Change::health(ApiHealth {
            metrics: Probed::Failed(Failure {
                class: ReachClass::Forbidden,
                status: Some(403),
                detail: "forbidden".into(),
                retry_after: None,
            }),
            version: Probed::Answered(super::super::snapshot::ServerVersion {
                git_version: "v1.31.2".into(),
            }),
            ..ApiHealth::default()
        }));
        assert!(analyze(&snap, now(), &Options::default()).is_empty());
    }
}

//! etcd as the API server sees it: the size of its database (from the API server's
//! `/metrics`: `apiserver_storage_size_bytes`, or the older `*_db_total_size_in_bytes`) against
//! the backend quota (`--quota-backend-bytes` of the etcd static pod, 2 GiB by default). When
//! the database reaches the quota etcd raises the NOSPACE alarm and refuses every write. The
//! member pods are checked with the other static pods, the `etcd` readyz check with the API
//! server's health. `/metrics` is often forbidden: then this check is not covered.

use crate::findings::{Finding, Severity};
use crate::model::quantity::humanize_bytes;

use super::Ctx;
use super::build::FindingExt;
use super::cp_api::apiserver_ref;
use super::cp_pods::{command_line, flag, mirror_pods};
use super::cp_static_pods::cp;

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
    if let Some(n) = m.etcd_leader_changes {
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

//! Heartbeats: Leases are renewed by whoever holds them — kubelets every 10 s
//! (`kube-node-lease`), leader-elected controllers every 2 s, API servers every 10 s — and
//! live kubelets post their node status every 5 minutes when nothing changes. A Lease that
//! is already stale when the driver first sees it (or that someone else rewrote with an old
//! renewTime) belongs to a dead component: it is never renewed, and its node's status is no
//! longer posted.

use std::sync::Arc;

use jiff::Timestamp;
use serde_json::{Value, json};

use super::json::{self, Ptr};
use super::liveness::Liveness;
use super::timeshift::format_time;
use crate::sim::mutation::Mutation;

/// How often a kubelet posts its status when nothing changed (`nodeStatusReportFrequency`).
const NODE_STATUS_PERIOD: i64 = 300;

fn key(lease: &Value) -> String {
    format!("{}/{}", json::ns(lease), json::name(lease))
}

fn micros(t: &str) -> Option<i64> {
    t.parse::<Timestamp>().ok().map(|t| t.as_microsecond())
}

/// How often the holder renews this Lease.
fn period(lease: &Value) -> i64 {
    let duration = lease
        .at("/spec/leaseDurationSeconds")
        .and_then(Value::as_i64)
        .unwrap_or(40);
    if json::ns(lease) == "kube-node-lease" {
        10
    } else if duration <= 60 {
        2
    } else {
        10
    }
}

impl Liveness {
    /// Whether the holder of `lease` is alive (as of this step's renewals).
    pub(super) fn lease_alive(&self, lease: &Value) -> bool {
        self.renewed.contains_key(&key(lease))
    }

    pub(super) fn renew_leases(
        &mut self,
        leases: &[Arc<Value>],
        now: Timestamp,
        out: &mut Vec<Mutation>,
    ) {
        for lease in leases {
            let k = key(lease);
            let renew = json::s(lease, "/spec/renewTime");
            let ours = self.renewed.get(&k).is_some_and(|r| r == renew);
            let Some(renewed_at) = micros(renew) else {
                self.renewed.remove(&k);
                continue;
            };
            let age = (now.as_microsecond() - renewed_at) / 1_000_000;
            let duration = lease
                .at("/spec/leaseDurationSeconds")
                .and_then(Value::as_i64)
                .unwrap_or(40);
            if !ours && age > duration {
                self.renewed.remove(&k);
                continue;
            }
            if age < period(lease) {
                self.renewed.insert(k, renew.to_string());
                continue;
            }
            let mut new = (**lease).clone();
            if let Some(meta) = new.get_mut("metadata").and_then(Value::as_object_mut) {
                meta.remove("resourceVersion");
                meta.remove("managedFields");
            }
            let at = Timestamp::from_microsecond(now.as_microsecond() + self.rng.i64(0..999_999))
                .unwrap_or(now)
                .min(now);
            let stamp = format_time(at, true);
            new["spec"]["renewTime"] = json!(stamp);
            self.renewed.insert(k, stamp);
            out.push(Mutation::Upsert(new));
        }
    }

    /// Live kubelets post their node status every 5 minutes (the conditions' heartbeats).
    pub(super) fn post_node_status(
        &mut self,
        nodes: &[Arc<Value>],
        leases: &[Arc<Value>],
        now: Timestamp,
        out: &mut Vec<Mutation>,
    ) {
        for node in nodes {
            let name = json::name(node);
            let lease = leases
                .iter()
                .find(|l| json::ns(l) == "kube-node-lease" && json::name(l) == name);
            let Some(conditions) = node.at("/status/conditions").and_then(Value::as_array) else {
                continue;
            };
            let ready = conditions.iter().find(|c| json::s(c, "/type") == "Ready");
            let alive = match lease {
                Some(l) => self.lease_alive(l),
                None => ready.is_some_and(|c| json::s(c, "/status") == "True"),
            };
            let last = ready
                .map(|c| json::s(c, "/lastHeartbeatTime"))
                .and_then(|t| t.parse::<Timestamp>().ok());
            let Some(last) = last else { continue };
            if !alive || now.as_second() - last.as_second() < NODE_STATUS_PERIOD {
                continue;
            }
            let mut new = (**node).clone();
            if let Some(meta) = new.get_mut("metadata").and_then(Value::as_object_mut) {
                meta.remove("resourceVersion");
                meta.remove("managedFields");
            }
            if let Some(list) = new
                .pointer_mut("/status/conditions")
                .and_then(Value::as_array_mut)
            {
                for c in list.iter_mut().filter_map(Value::as_object_mut) {
                    c.insert("lastHeartbeatTime".into(), json!(format_time(now, false)));
                }
            }
            out.push(Mutation::Upsert(new));
        }
    }
}

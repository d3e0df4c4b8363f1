//! The controllers the liveness driver plays, every 10 s: a ReplicaSet with fewer active pods
//! than it wants gets new ones from its template (a deleted or evicted pod is replaced); the
//! scheduler binds them to a Ready, untainted node — but only while it holds its Lease, so with
//! a dead scheduler they stay Pending with no scheduling attempt; the kubelet starts them a
//! few seconds later with an address from the node's pod CIDR; and the endpoints controllers
//! rewrite the Endpoints/EndpointSlices of Services whose pods changed.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use jiff::Timestamp;
use serde_json::Value;

use super::events::{self, EventSpec};
use super::json::{self, Ptr};
use super::liveness::{Liveness, World, later};
use super::loglines;
use super::logs::Target;
use super::{endpoints, pods};
use crate::sim::mutation::Mutation;

/// Seconds between two reconciliations.
const RECONCILE_PERIOD: i64 = 10;

fn active(pod: &Value) -> bool {
    !json::terminating(pod) && !matches!(json::s(pod, "/status/phase"), "Succeeded" | "Failed")
}

fn schedulable(node: &Value) -> bool {
    let ready = node
        .at("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|c| {
            c.iter()
                .any(|c| json::s(c, "/type") == "Ready" && json::s(c, "/status") == "True")
        });
    let tainted = node
        .at("/spec/taints")
        .and_then(Value::as_array)
        .is_some_and(|t| {
            t.iter()
                .any(|t| matches!(json::s(t, "/effect"), "NoSchedule" | "NoExecute"))
        });
    ready && !tainted && node.at("/spec/unschedulable") != Some(&Value::Bool(true))
}

fn node_ip(node: &Value) -> &str {
    node.at("/status/addresses")
        .and_then(Value::as_array)
        .and_then(|a| a.iter().find(|a| json::s(a, "/type") == "InternalIP"))
        .map_or("", |a| json::s(a, "/address"))
}

impl Liveness {
    /// Whether a scheduler is running: it holds the kube-scheduler Lease, or there is none.
    fn scheduler_alive(&self, world: &World) -> bool {
        world
            .leases
            .iter()
            .find(|l| json::ns(l) == "kube-system" && json::name(l) == "kube-scheduler")
            .is_none_or(|l| self.lease_alive(l))
    }

    pub(super) fn reconcile(&mut self, world: &World, now: Timestamp, out: &mut Vec<Mutation>) {
        let due = *self.next_reconcile.get_or_insert_with(|| {
            Timestamp::from_second(now.as_second() + RECONCILE_PERIOD).unwrap_or(now)
        });
        if due > now {
            return;
        }
        self.next_reconcile = Timestamp::from_second(now.as_second() + RECONCILE_PERIOD).ok();
        let mut by_owner: HashMap<(&str, &str), usize> = HashMap::new();
        for pod in world.pods.iter().filter(|p| active(p)) {
            if let Some(("ReplicaSet", rs)) = json::owner(pod) {
                *by_owner.entry((json::ns(pod), rs)).or_default() += 1;
            }
        }
        let scheduler = self.scheduler_alive(world);
        for rs in world.replica_sets {
            let want = rs.at("/spec/replicas").and_then(Value::as_u64).unwrap_or(1) as usize;
            let have = by_owner
                .get(&(json::ns(rs), json::name(rs)))
                .copied()
                .unwrap_or(0);
            for _ in have..want {
                self.create_pod(rs, world, scheduler, now, out);
            }
        }
        self.refresh_endpoints(world.pods, out);
    }

    fn create_pod(
        &mut self,
        rs: &Value,
        world: &World,
        scheduler: bool,
        now: Timestamp,
        out: &mut Vec<Mutation>,
    ) {
        let name = format!("{}-{}", json::name(rs), pods::random_suffix(&mut self.rng));
        let Some(pod) = pods::from_template(rs, &name, now) else {
            return;
        };
        let ns = json::ns(rs).to_string();
        let rs_event = EventSpec {
            ns: &ns,
            kind: "ReplicaSet",
            api_version: "apps/v1",
            name: json::name(rs),
            uid: json::s(rs, "/metadata/uid"),
            field_path: None,
            reason: "SuccessfulCreate",
            message: format!("Created pod: {name}"),
            warning: false,
            component: "replicaset-controller",
            host: None,
        };
        let ev = match self.latest_event(&ns, json::name(rs), "SuccessfulCreate") {
            Some(ev) => {
                let mut ev = events::repeat(ev, now);
                ev["message"] = serde_json::json!(format!("Created pod: {name}"));
                ev
            }
            None => events::event(&rs_event, now, &name),
        };
        self.emit(ev, out);
        let nodes: Vec<&Arc<Value>> = world.nodes.iter().filter(|n| schedulable(n)).collect();
        if !scheduler || nodes.is_empty() {
            out.push(Mutation::Upsert(pod));
            return;
        }
        let node = nodes[self.rng.usize(..nodes.len())];
        let Some(bound) = pods::scheduled(&pod, json::name(node), node_ip(node), now) else {
            out.push(Mutation::Upsert(pod));
            return;
        };
        out.push(Mutation::Upsert(bound.clone()));
        let scheduled = EventSpec {
            ns: &ns,
            kind: "Pod",
            api_version: "v1",
            name: &name,
            uid: json::s(&bound, "/metadata/uid"),
            field_path: None,
            reason: "Scheduled",
            message: format!("Successfully assigned {ns}/{name} to {}", json::name(node)),
            warning: false,
            component: "default-scheduler",
            host: None,
        };
        let ev = events::event(&scheduled, now, "scheduled");
        self.emit(ev, out);
        let at = later(&mut self.rng, now, 3, 6);
        self.starting.push((ns, name, at));
    }

    pub(super) fn start_pending(&mut self, world: &World, now: Timestamp, out: &mut Vec<Mutation>) {
        let (due, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.starting)
            .into_iter()
            .partition(|s| s.2 <= now);
        self.starting = waiting;
        for (ns, name, at) in due {
            let Some(pod) = world
                .pods
                .iter()
                .find(|p| json::ns(p) == ns && json::name(p) == name)
            else {
                // Not visible yet: try again next step.
                if now.as_second() - at.as_second() < 30 {
                    self.starting.push((ns, name, at));
                }
                continue;
            };
            let node_name = json::s(pod, "/spec/nodeName");
            let Some(node) = world.nodes.iter().find(|n| json::name(n) == node_name) else {
                continue;
            };
            let used: Vec<&str> = world
                .pods
                .iter()
                .filter(|p| json::s(p, "/spec/nodeName") == node_name)
                .map(|p| json::s(p, "/status/podIP"))
                .collect();
            let candidate = pods::free_pod_ip(node, &used, &mut self.rng).unwrap_or_default();
            let ip = pods::pod_network_ip(pod, &candidate);
            let Some(new) = pods::started(pod, now, &ip) else {
                continue;
            };
            out.push(Mutation::Upsert(new.clone()));
            let containers: Vec<(String, String)> = new
                .at("/spec/containers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|c| {
                    (
                        json::s(c, "/name").to_string(),
                        json::s(c, "/image").to_string(),
                    )
                })
                .collect();
            for (c, image) in &containers {
                let field = format!("spec.containers{{{c}}}");
                for (reason, message) in [
                    (
                        "Pulled",
                        format!("Container image \"{image}\" already present on machine"),
                    ),
                    ("Created", format!("Created container: {c}")),
                    ("Started", format!("Started container {c}")),
                ] {
                    let e = EventSpec {
                        ns: &ns,
                        kind: "Pod",
                        api_version: "v1",
                        name: &name,
                        uid: json::s(&new, "/metadata/uid"),
                        field_path: Some(&field),
                        reason,
                        message,
                        warning: false,
                        component: "kubelet",
                        host: Some(node_name),
                    };
                    let ev = events::event(&e, now, c);
                    self.emit(ev, out);
                }
                let t = Target {
                    ns: &ns,
                    pod: &name,
                    container: c,
                    flavor: loglines::flavor(c, image),
                    cause: None,
                };
                for line in loglines::startup(t.flavor, c, now) {
                    out.push(t.log(now, line));
                }
            }
        }
    }

    /// Rewrites the Endpoints and EndpointSlices of the Services of every namespace whose pods
    /// changed (addresses, readiness, phase) since the last reconciliation.
    fn refresh_endpoints(&mut self, all: &[Arc<Value>], out: &mut Vec<Mutation>) {
        let mut by_ns: HashMap<&str, Vec<&Value>> = HashMap::new();
        for pod in all {
            by_ns.entry(json::ns(pod)).or_default().push(pod);
        }
        let mut changed: Vec<String> = Vec::new();
        for (ns, pods) in &by_ns {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            for p in pods {
                (
                    json::name(p),
                    json::s(p, "/status/podIP"),
                    json::pod_ready(p),
                    active(p),
                )
                    .hash(&mut h);
            }
            let sig = h.finish();
            match self.endpoint_inputs.insert((*ns).to_string(), sig) {
                Some(old) if old != sig => changed.push((*ns).to_string()),
                _ => {}
            }
        }
        for ns in changed {
            let pods = by_ns.get(ns.as_str()).cloned().unwrap_or_default();
            for svc in self.services.iter().filter(|s| json::ns(s) == ns) {
                for o in endpoints::for_service(svc, &pods) {
                    out.push(Mutation::Upsert(o));
                }
            }
        }
    }
}

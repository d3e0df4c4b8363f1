//! The synthetic generator: a deterministic cluster of any size for benchmarks, shaped like a
//! real one. Nodes `node-0001..` (the first one or three are kubeadm control-plane nodes once
//! the cluster has 3 or 50 nodes) with a pod CIDR each and a Lease; the system namespaces with
//! the control plane's mirror pods, kube-proxy on every node and CoreDNS (when the pod budget
//! allows); namespaces `ns-001..` with Deployments of up to 16 pods (each with two earlier
//! ReplicaSet revisions), a Service, Endpoints and EndpointSlice, a ConfigMap and Secret per
//! app, a database StatefulSet and a CronJob with its last Job, and events for the failing
//! pods (about 2%: CrashLoopBackOff, ImagePullBackOff, Unschedulable). Exactly the requested
//! number of pods, nodes and application namespaces.

use jiff::Timestamp;
use serde_json::Value;

use super::synth_objects::{self as so, App, NodeSpec, Placement, PodState};
use super::timeshift::ago;
use super::{cluster_defaults, endpoints, ids, synth_extra, synth_system};

/// Pods per Deployment, at most.
const PODS_PER_APP: usize = 16;
/// Earlier ReplicaSet revisions each Deployment keeps.
const OLD_REVISIONS: usize = 2;
/// Pods a namespace needs before it also gets a StatefulSet (3 pods) and a CronJob (1 pod).
const EXTRAS_FROM: usize = 40;

/// The nodes of a synthetic cluster.
pub struct Cluster {
    pub names: Vec<String>,
    pub ips: Vec<String>,
    /// The first three octets of each node's /24 pod CIDR.
    pub cidrs: Vec<String>,
    pub created: String,
    control_planes: usize,
}

impl Cluster {
    fn new(nodes: usize, created: String) -> Self {
        let control_planes = match nodes {
            0..=2 => 0,
            3..=49 => 1,
            _ => 3,
        };
        Cluster {
            names: (1..=nodes).map(|i| format!("node-{i:04}")).collect(),
            ips: (0..nodes)
                .map(|i| format!("10.1.{}.{}", i / 250, i % 250 + 1))
                .collect(),
            // kubeadm's default 10.244.0.0/16 holds 256 /24s; bigger clusters use 10.64.0.0/10.
            cidrs: (0..nodes)
                .map(|i| {
                    if nodes <= 256 {
                        format!("10.244.{i}")
                    } else {
                        format!("10.{}.{}", 64 + i / 256, i % 256)
                    }
                })
                .collect(),
            created,
            control_planes,
        }
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn control_planes(&self) -> usize {
        self.control_planes
    }

    /// Nodes that run workloads (all of them when there is no dedicated control plane).
    pub fn workers(&self) -> Vec<usize> {
        let all: Vec<usize> = (self.control_planes..self.len()).collect();
        if all.is_empty() {
            (0..self.len()).collect()
        } else {
            all
        }
    }

    /// The `seq`-th pod address of node `node`'s pod CIDR.
    pub fn pod_ip(&self, node: usize, seq: usize) -> String {
        format!("{}.{}", self.cidrs[node], 2 + seq % 250)
    }
}

/// Exactly `pods` pods, `nodes` nodes and `namespaces` application namespaces (with no
/// namespace asked for, application pods go to `default`).
pub fn synthetic(pods: usize, nodes: usize, namespaces: usize, now: Timestamp) -> Vec<Value> {
    let mut out = Vec::with_capacity(nodes * 3 + namespaces * 8 + pods * 2);
    let cluster = Cluster::new(nodes, ago(now, 90 * 86400));
    let heartbeat = ago(now, 7);
    for i in 0..cluster.len() {
        let cidr = format!("{}.0/24", cluster.cidrs[i]);
        out.push(so::node(&NodeSpec {
            name: &cluster.names[i],
            ip: &cluster.ips[i],
            cidr: &cidr,
            control_plane: i < cluster.control_planes(),
            created: &cluster.created,
            heartbeat: &heartbeat,
        }));
    }
    synth_system::node_leases(&cluster, now, &mut out);
    let system = synth_system::pod_count(&cluster);
    let with_system = nodes > 0 && pods >= system * 2;
    if with_system {
        synth_system::kube_system(&cluster, now, &mut out);
    }
    out.extend(cluster_defaults::local_api_services(&serde_json::json!(
        cluster.created
    )));
    let mut ns_names: Vec<String> = (1..=namespaces).map(|i| format!("ns-{i:03}")).collect();
    if ns_names.is_empty() && pods > 0 {
        ns_names.push("default".into());
    }
    for ns in synth_system::NAMESPACES {
        out.push(so::namespace(ns, &cluster.created));
        out.extend(synth_extra::namespace_basics(ns, &cluster.created));
    }
    for ns in ns_names.iter().filter(|n| *n != "default") {
        out.push(so::namespace(ns, &cluster.created));
        out.extend(synth_extra::namespace_basics(ns, &cluster.created));
    }
    // Formatting timestamps is comparatively slow: pods pick theirs from a fixed set.
    let starts: Vec<String> = (0..TIMES)
        .map(|i| ago(now, 600 + i as i64 * 2593))
        .collect();
    let restarts: Vec<String> = (0..240).map(|i| ago(now, 30 + i as i64)).collect();
    let workers = cluster.workers();
    let mut ctx = Ctx {
        cluster: &cluster,
        workers: &workers,
        starts: &starts,
        restarts: &restarts,
        global: 0,
    };
    let app_pods = pods - if with_system { system } else { 0 };
    for (ni, ns) in ns_names.iter().enumerate() {
        // Pods of this namespace: an even share, the first namespaces take the remainder.
        let mut share = app_pods / ns_names.len() + usize::from(ni < app_pods % ns_names.len());
        if share >= EXTRAS_FROM && !workers.is_empty() {
            let places: Vec<Place> = (0..4).map(|_| ctx.place_next()).collect();
            let at = |k: usize| ctx.placement(&places[k], "", k);
            let sts_at: Vec<Placement> = (0..3).map(at).collect();
            out.extend(synth_extra::statefulset(
                ns,
                &ctx.starts[ni % TIMES],
                &sts_at,
            ));
            let last_run = Timestamp::from_second((now.as_second() / 3600) * 3600).unwrap_or(now);
            out.extend(synth_extra::cronjob(ns, &cluster.created, &at(3), last_run));
            share -= 4;
        }
        let apps = share.div_ceil(PODS_PER_APP);
        let mut left = share;
        for ai in 0..apps {
            let replicas = left.div_ceil(apps - ai);
            left -= replicas;
            let name = format!("app-{:03}", ai + 1);
            let hash = ids::hex(&[ns, &name], 10);
            let image = format!("registry.example.com/{name}:1.{}.{}", ai % 7, ni % 13);
            let created = ago(now, 3600 * (24 + ((ni * 31 + ai * 7) % 2000) as i64));
            let app = App {
                ns,
                name: &name,
                hash: &hash,
                image: &image,
                created: &created,
            };
            let nowhere = Place {
                node: None,
                ip: String::new(),
            };
            let proto = so::pod(&app, &ctx.placement(&nowhere, "", 0), PodState::Running);
            let mut group = Vec::with_capacity(replicas);
            for _ in 0..replicas {
                group.push(make_pod(&app, &proto, &mut ctx));
            }
            let ready = group.iter().filter(|p| super::json::pod_ready(p)).count();
            let [dep, rs, svc] = so::workload(&app, replicas, ready, OLD_REVISIONS + 1);
            let refs: Vec<&Value> = group.iter().collect();
            let [ep, slice] = endpoints::for_service(&svc, &refs);
            out.extend([dep, rs, svc, ep, slice]);
            out.extend(so::old_revisions(&app, OLD_REVISIONS));
            out.extend(synth_extra::app_config(&app));
            for pod in group.iter().filter(|p| !super::json::pod_ready(p)) {
                out.extend(synth_extra::events_of(pod, now));
            }
            out.extend(group);
        }
    }
    out
}

/// Distinct start times pods are spread over (about 30 days).
const TIMES: usize = 997;

/// A pod's node (index into the cluster) and address.
struct Place {
    node: Option<usize>,
    ip: String,
}

struct Ctx<'a> {
    cluster: &'a Cluster,
    workers: &'a [usize],
    starts: &'a [String],
    restarts: &'a [String],
    /// Pods placed so far (round-robin over the workers).
    global: usize,
}

impl Ctx<'_> {
    /// The next pod's node and address (round-robin over the workers).
    fn place_next(&mut self) -> Place {
        let g = self.global;
        self.global += 1;
        match self.workers.len() {
            0 => Place {
                node: None,
                ip: String::new(),
            },
            n => {
                let node = self.workers[g % n];
                Place {
                    node: Some(node),
                    ip: self.cluster.pod_ip(node, g / n + 1),
                }
            }
        }
    }

    /// Where a pod placed at `place` runs; `g` picks its times.
    fn placement<'b>(&'b self, place: &'b Place, name: &'b str, g: usize) -> Placement<'b> {
        let (node, host_ip) = match place.node {
            Some(i) => (self.cluster.names[i].as_str(), self.cluster.ips[i].as_str()),
            None => ("", ""),
        };
        Placement {
            name,
            node,
            host_ip,
            pod_ip: &place.ip,
            started: &self.starts[(g * 7919) % TIMES],
            restarted: &self.restarts[g % self.restarts.len()],
            nodes: self.cluster.len(),
        }
    }
}

fn make_pod(app: &App, proto: &Value, ctx: &mut Ctx) -> Value {
    let g = ctx.global;
    let state = match g % 150 {
        _ if ctx.workers.is_empty() => PodState::Unschedulable,
        37 => PodState::CrashLoop,
        81 => PodState::ImagePull,
        127 => PodState::Unschedulable,
        _ => PodState::Running,
    };
    let name = format!(
        "{}-{}-{}",
        app.name,
        app.hash,
        ids::suffix(&[app.ns, app.name, &g.to_string()], 5)
    );
    let place = ctx.place_next();
    let at = ctx.placement(&place, &name, g);
    if state != PodState::Running {
        return so::pod(app, &at, state);
    }
    // A running pod is the app's prototype with its own name, place and times.
    let mut pod = proto.clone();
    let uid = ids::uid("Pod", app.ns, &name);
    let cid = ids::container_id(app.ns, &name, app.name, 0);
    set(&mut pod, &["metadata", "name"], &name);
    set(&mut pod, &["metadata", "uid"], &uid);
    set(&mut pod, &["metadata", "creationTimestamp"], at.started);
    set(&mut pod, &["spec", "nodeName"], at.node);
    set(&mut pod, &["status", "hostIP"], at.host_ip);
    set(&mut pod, &["status", "podIP"], at.pod_ip);
    set(&mut pod, &["status", "startTime"], at.started);
    if let Some(status) = pod.get_mut("status") {
        set(status, &["hostIPs", "0", "ip"], at.host_ip);
        set(status, &["podIPs", "0", "ip"], at.pod_ip);
    }
    if let Some(Value::Array(list)) = pod
        .get_mut("status")
        .and_then(|s| s.get_mut("containerStatuses"))
    {
        for cs in list.iter_mut() {
            set(cs, &["state", "running", "startedAt"], at.started);
            set(cs, &["containerID"], &cid);
        }
    }
    if let Some(Value::Array(list)) = pod.get_mut("status").and_then(|s| s.get_mut("conditions")) {
        for c in list.iter_mut() {
            set(c, &["lastTransitionTime"], at.started);
        }
    }
    pod
}

/// Sets the string at a path of object keys (or array indices), if that path exists.
fn set(v: &mut Value, path: &[&str], to: &str) {
    let mut cur = v;
    for key in path {
        let next = match cur {
            Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            other => other.get_mut(*key),
        };
        match next {
            Some(next) => cur = next,
            None => return,
        }
    }
    *cur = Value::String(to.to_string());
}

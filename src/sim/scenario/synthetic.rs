//! The synthetic generator: a deterministic cluster of any size for benchmarks, with nodes
//! `node-0001..`, namespaces `ns-001..`, a few Deployments (ReplicaSet, Service, Endpoints)
//! per namespace and about 2% of pods failing (CrashLoopBackOff, ImagePullBackOff, Pending).

use jiff::Timestamp;
use serde_json::Value;

use super::endpoints;
use super::ids;
use super::synth_objects::{self as so, App, Placement, PodState};
use super::timeshift::ago;

/// Pods per Deployment, at most.
const PODS_PER_APP: usize = 16;

/// Exactly `pods` pods, `nodes` nodes and `namespaces` namespaces (with no namespace asked
/// for, pods go to `default`, which is then created).
pub fn synthetic(pods: usize, nodes: usize, namespaces: usize, now: Timestamp) -> Vec<Value> {
    let mut out = Vec::with_capacity(nodes + namespaces + pods * 2);
    let cluster_created = ago(now, 90 * 86400);
    let heartbeat = ago(now, 7);
    let node_names: Vec<String> = (1..=nodes).map(|i| format!("node-{i:04}")).collect();
    let node_ips: Vec<String> = (0..nodes)
        .map(|i| format!("10.1.{}.{}", i / 250, i % 250 + 1))
        .collect();
    for (n, ip) in node_names.iter().zip(&node_ips) {
        out.push(so::node(n, ip, &cluster_created, &heartbeat));
    }
    let mut ns_names: Vec<String> = (1..=namespaces).map(|i| format!("ns-{i:03}")).collect();
    if ns_names.is_empty() && pods > 0 {
        ns_names.push("default".into());
    }
    for ns in &ns_names {
        out.push(so::namespace(ns, &cluster_created));
    }
    // Formatting timestamps is comparatively slow: pods pick theirs from a fixed set.
    let starts: Vec<String> = (0..TIMES)
        .map(|i| ago(now, 600 + i as i64 * 2593))
        .collect();
    let restarts: Vec<String> = (0..240).map(|i| ago(now, 30 + i as i64)).collect();
    let ctx = Ctx {
        nodes: &node_names,
        ips: &node_ips,
        starts: &starts,
        restarts: &restarts,
    };
    let mut global = 0usize;
    for (ni, ns) in ns_names.iter().enumerate() {
        // Pods of this namespace: an even share, the first namespaces take the remainder.
        let share = pods / ns_names.len() + usize::from(ni < pods % ns_names.len());
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
            let proto = so::pod(&app, &ctx.placement("", 0), PodState::Running);
            let mut group = Vec::with_capacity(replicas);
            for _ in 0..replicas {
                group.push(make_pod(&app, &proto, global, &ctx));
                global += 1;
            }
            let ready = group.iter().filter(|p| super::json::pod_ready(p)).count();
            let [dep, rs, svc] = so::workload(&app, replicas, ready);
            let refs: Vec<&Value> = group.iter().collect();
            let [ep, slice] = endpoints::for_service(&svc, &refs);
            out.extend([dep, rs, svc, ep, slice]);
            out.extend(group);
        }
    }
    out
}

/// Distinct start times pods are spread over (about 30 days).
const TIMES: usize = 997;

struct Ctx<'a> {
    nodes: &'a [String],
    ips: &'a [String],
    starts: &'a [String],
    restarts: &'a [String],
}

impl Ctx<'_> {
    fn placement<'b>(&'b self, name: &'b str, g: usize) -> Placement<'b> {
        let (node, host_ip) = match self.nodes.len() {
            0 => ("", ""),
            n => (self.nodes[g % n].as_str(), self.ips[g % n].as_str()),
        };
        Placement {
            name,
            node,
            host_ip,
            pod_ip: "",
            started: &self.starts[(g * 7919) % TIMES],
            restarted: &self.restarts[g % self.restarts.len()],
            nodes: self.nodes.len(),
        }
    }
}

fn make_pod(app: &App, proto: &Value, g: usize, ctx: &Ctx) -> Value {
    let state = match g % 150 {
        _ if ctx.nodes.is_empty() => PodState::Unschedulable,
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
    let n = g + 1;
    let pod_ip = format!("10.{}.{}.{}", 64 + n / 65536, (n / 256) % 256, n % 256);
    let mut at = ctx.placement(&name, g);
    at.pod_ip = &pod_ip;
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
    set(&mut pod, &["status", "podIP"], &pod_ip);
    set(&mut pod, &["status", "startTime"], at.started);
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

/// Sets the string at a path of object keys, if that path exists.
fn set(v: &mut Value, path: &[&str], to: &str) {
    let mut cur = v;
    for key in path {
        match cur.get_mut(*key) {
            Some(next) => cur = next,
            None => return,
        }
    }
    *cur = Value::String(to.to_string());
}

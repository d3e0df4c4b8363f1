//! Tests of the built-in demo's control-plane, node and network failures (documented at the
//! top of `assets/demo/00-cluster.yaml`), of its timestamps being moved to `now`, and of
//! loading `assets/demo` as a scenario directory, which gives the same objects.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failure

use jiff::Timestamp;
use serde_json::Value;

use super::{builtin, json};

fn now() -> Timestamp {
    "2026-11-21T08:00:00Z".parse().unwrap()
}

fn objects() -> Vec<Value> {
    builtin(now()).unwrap()
}

fn find<'a>(objs: &'a [Value], kind: &str, ns: &str, name: &str) -> &'a Value {
    objs.iter()
        .find(|o| json::s(o, "/kind") == kind && json::ns(o) == ns && json::name(o) == name)
        .unwrap_or_else(|| panic!("{kind} {ns}/{name} missing"))
}

fn of_kind<'a>(objs: &'a [Value], kind: &str) -> Vec<&'a Value> {
    objs.iter()
        .filter(|o| json::s(o, "/kind") == kind)
        .collect()
}

fn condition<'a>(o: &'a Value, kind: &str) -> &'a Value {
    o.pointer("/status/conditions")
        .and_then(Value::as_array)
        .and_then(|c| c.iter().find(|c| c["type"] == kind))
        .unwrap_or_else(|| panic!("{} has no {kind} condition", json::name(o)))
}

#[test]
fn the_control_plane_and_node_failures_are_present() {
    let objs = objects();
    let at = |t: &str| t.parse::<Timestamp>().unwrap().as_second();
    let now = now().as_second();
    // C1: the scheduler crash-loops on a kubeconfig that no volume provides; its lease is stale.
    let scheduler = find(&objs, "Pod", "kube-system", "kube-scheduler-cp-1");
    assert_eq!(json::owner(scheduler), Some(("Node", "cp-1")));
    let cs = &scheduler["status"]["containerStatuses"][0];
    assert_eq!(cs["state"]["waiting"]["reason"], "CrashLoopBackOff");
    assert!(json::s(cs, "/state/waiting/message").starts_with("back-off 5m0s"));
    let sources = super::crash_cause::VolumeSources::from_objects(&objs);
    assert_eq!(
        super::crash_cause::missing_file(scheduler, "kube-scheduler", &sources).map(|m| m.path),
        Some("/etc/kubernetes/kube-scheduler.conf".to_string())
    );
    let lease = find(&objs, "Lease", "kube-system", "kube-scheduler");
    let duration = lease["spec"]["leaseDurationSeconds"].as_i64().unwrap();
    assert!(now - at(json::s(lease, "/spec/renewTime")) > duration * 10);
    assert!(json::s(lease, "/spec/holderIdentity").starts_with("cp-1_"));
    let kcm = find(&objs, "Lease", "kube-system", "kube-controller-manager");
    assert!(now - at(json::s(kcm, "/spec/renewTime")) <= 15);
    for pod in [
        "monitoring/prometheus-6f4d8b7c59-r7tq2",
        "shop/cache-warmer-29454465-6vbqk",
    ] {
        let (ns, name) = pod.split_once('/').unwrap();
        let p = find(&objs, "Pod", ns, name);
        assert_eq!(p["status"]["phase"], "Pending");
        assert!(
            p.pointer("/spec/nodeName").is_none() && p.pointer("/status/conditions").is_none(),
            "{pod}: no scheduling attempt"
        );
        assert!(
            at(json::s(p, "/metadata/creationTimestamp")) > at(json::s(lease, "/spec/renewTime"))
        );
        assert!(
            !of_kind(&objs, "Event")
                .iter()
                .any(|e| json::s(e, "/involvedObject/name") == name)
        );
    }
    let identity = of_kind(&objs, "Lease")
        .into_iter()
        .find(|l| {
            json::s(l, "/metadata/labels/apiserver.kubernetes.io~1identity") == "kube-apiserver"
        })
        .unwrap();
    assert!(json::name(identity).starts_with("apiserver-"));
    // C2: worker-1's kubelet is two minors behind the API server.
    let w1 = find(&objs, "Node", "", "worker-1");
    assert_eq!(w1["status"]["nodeInfo"]["kubeletVersion"], "v1.31.9");
    // N1 and N2.
    let w3 = find(&objs, "Node", "", "worker-3");
    assert_eq!(condition(w3, "Ready")["status"], "Unknown");
    let w3_lease = find(&objs, "Lease", "kube-node-lease", "worker-3");
    assert!(now - at(json::s(w3_lease, "/spec/renewTime")) > 40);
    let w2 = find(&objs, "Node", "", "worker-2");
    assert_eq!(condition(w2, "DiskPressure")["status"], "True");
    assert_eq!(
        w2["spec"]["taints"][0]["key"],
        "node.kubernetes.io/disk-pressure"
    );
    let evicted = find(&objs, "Pod", "monitoring", "prometheus-6f4d8b7c59-vn2lc");
    assert_eq!(
        (
            evicted["status"]["phase"].as_str(),
            evicted["status"]["reason"].as_str()
        ),
        (Some("Failed"), Some("Evicted"))
    );
    assert!(
        json::s(evicted, "/status/message")
            .starts_with("The node was low on resource: ephemeral-storage.")
    );
    let events = of_kind(&objs, "Event");
    for reason in [
        "EvictionThresholdMet",
        "FreeDiskSpaceFailed",
        "NodeHasDiskPressure",
    ] {
        assert!(
            events
                .iter()
                .any(|e| json::s(e, "/involvedObject/name") == "worker-2"
                    && json::s(e, "/reason") == reason),
            "{reason}"
        );
    }
    // Every node carries a Lease and the standard conditions.
    for node in of_kind(&objs, "Node") {
        find(&objs, "Lease", "kube-node-lease", json::name(node));
        for c in [
            "Ready",
            "MemoryPressure",
            "DiskPressure",
            "PIDPressure",
            "NetworkUnavailable",
        ] {
            condition(node, c);
        }
    }
}

#[test]
fn the_network_failures_are_present() {
    let objs = objects();
    // X1: the payments pods may not reach DNS.
    let policy = find(&objs, "NetworkPolicy", "payments", "restrict-egress");
    assert_eq!(policy["spec"]["policyTypes"], serde_json::json!(["Egress"]));
    assert!(!policy.to_string().contains("53"));
    // X2: kube-proxy rollout stuck, 2 of 4 ready, the new pod dies of the missing config file.
    let ds = find(&objs, "DaemonSet", "kube-system", "kube-proxy");
    assert_eq!(
        (
            ds["status"]["desiredNumberScheduled"].as_i64(),
            ds["status"]["numberReady"].as_i64(),
            ds["status"]["updatedNumberScheduled"].as_i64()
        ),
        (Some(4), Some(2), Some(1))
    );
    let sources = super::crash_cause::VolumeSources::from_objects(&objs);
    let new = find(&objs, "Pod", "kube-system", "kube-proxy-w8h5c");
    assert_eq!(
        super::crash_cause::missing_file(new, "kube-proxy", &sources).map(|m| m.path),
        Some("/var/lib/kube-proxy/configuration.conf".to_string())
    );
    let old = find(&objs, "Pod", "kube-system", "kube-proxy-kx9lr");
    assert!(super::crash_cause::missing_file(old, "kube-proxy", &sources).is_none());
    // X3: a LoadBalancer Service without an address for more than 30 minutes.
    let lb = find(&objs, "Service", "shop", "storefront-lb");
    assert_eq!(lb["spec"]["type"], "LoadBalancer");
    assert!(lb["status"]["loadBalancer"].get("ingress").is_none());
    let created: Timestamp = json::s(lb, "/metadata/creationTimestamp").parse().unwrap();
    assert!(now().as_second() - created.as_second() > 30 * 60);
    // X4: cart's EndpointSlice lists its pod, not ready.
    let slice = of_kind(&objs, "EndpointSlice")
        .into_iter()
        .find(|s| {
            json::ns(s) == "shop"
                && json::s(s, "/metadata/labels/kubernetes.io~1service-name") == "cart"
        })
        .unwrap();
    assert_eq!(slice["endpoints"].as_array().map(Vec::len), Some(1));
    assert_eq!(slice["endpoints"][0]["conditions"]["ready"], false);
}

#[test]
fn loading_assets_demo_gives_the_builtin_objects() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    let mut loaded = super::load_path(&dir).unwrap();
    let mut builtin = super::builtin::objects_at_reference().unwrap();
    let key = |o: &Value| {
        (
            json::s(o, "/kind").to_string(),
            json::ns(o).to_string(),
            json::name(o).to_string(),
        )
    };
    loaded.sort_by_key(key);
    builtin.sort_by_key(key);
    assert_eq!(loaded.len(), builtin.len());
    for (a, b) in loaded.iter().zip(&builtin) {
        assert_eq!(a, b, "{:?}", key(a));
    }
    // The raw files stay raw when the directive is absent.
    let raw = super::load_path(&dir.join("20-shop.yaml")).unwrap();
    let pod = raw
        .iter()
        .find(|o| json::name(o) == "frontend-5c7d9f8b6d-2hxkq")
        .unwrap();
    assert!(pod.pointer("/metadata/labels").is_none());
}

#[test]
fn timestamps_are_moved_to_now() {
    let objs = objects();
    let mut newest = None::<Timestamp>;
    let mut oldest = None::<Timestamp>;
    fn walk(v: &Value, f: &mut dyn FnMut(Timestamp)) {
        match v {
            Value::String(s) if s.len() >= 20 && s.as_bytes().get(10) == Some(&b'T') => {
                if let Ok(t) = s.parse::<Timestamp>() {
                    f(t)
                }
            }
            Value::Array(a) => a.iter().for_each(|i| walk(i, f)),
            Value::Object(m) => m.values().for_each(|i| walk(i, f)),
            _ => {}
        }
    }
    for o in &objs {
        walk(o, &mut |t| {
            newest = Some(newest.map_or(t, |n| n.max(t)));
            oldest = Some(oldest.map_or(t, |n| n.min(t)));
        });
    }
    let (newest, oldest) = (newest.unwrap(), oldest.unwrap());
    assert!(newest <= now());
    assert!(
        now().as_second() - newest.as_second() < 60,
        "newest {newest}"
    );
    let age_days = (now().as_second() - oldest.as_second()) / 86400;
    assert!(
        (39..=41).contains(&age_days),
        "cluster is {age_days} days old"
    );
    let cart = find(&objs, "Pod", "shop", "cart-7c9d8b6f4-x2k9p");
    let created: Timestamp = json::s(cart, "/metadata/creationTimestamp")
        .parse()
        .unwrap();
    assert_eq!(now().as_second() - created.as_second(), 2 * 3600);
}

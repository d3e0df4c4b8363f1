//! Tests of the network pane's checks: each flags its failure and stays quiet on the healthy
//! shape of the same objects.

#![allow(clippy::unwrap_used)]
use super::testutil::*;
use crate::findings::{Pane, Severity};
use serde_json::{Value, json};

fn svc(name: &str, spec: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": name, "namespace": "ns", "uid": format!("svc-{name}"),
                     "creationTimestamp": ago(3600)},
        "spec": spec, "status": {"loadBalancer": {}}})
}

fn labelled(name: &str, ns: &str, labels: Value, ready: bool, ports: Value) -> Value {
    let mut p = pod(
        name,
        json!({"nodeName": "worker-1", "containers": [{"name": "app", "image": "x", "ports": ports}]}),
        json!({"phase": "Running", "podIP": format!("10.244.1.{}", name.len()),
               "conditions": [{"type": "Ready", "status": if ready {"True"} else {"False"}}]}),
    );
    p["metadata"]["namespace"] = json!(ns);
    p["metadata"]["labels"] = labels;
    p
}

fn policy(name: &str, ns: &str, spec: Value) -> Value {
    json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": ns, "uid": format!("np-{name}"), "generation": 1,
                     "creationTimestamp": ago(600)},
        "spec": spec})
}

fn namespace(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Namespace",
        "metadata": {"name": name, "labels": {"kubernetes.io/metadata.name": name}}})
}

/// kube-dns and one ready CoreDNS pod, as kubeadm creates them.
fn cluster_dns(ready: bool) -> Vec<Value> {
    let mut s = svc(
        "kube-dns",
        json!({"clusterIP": "10.96.0.10", "selector": {"k8s-app": "kube-dns"},
            "ports": [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                      {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                      {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}]}),
    );
    s["metadata"]["namespace"] = json!("kube-system");
    let p = labelled(
        "coredns-674b8bbfcf-4xk2p",
        "kube-system",
        json!({"k8s-app": "kube-dns"}),
        ready,
        json!([{"name": "dns", "containerPort": 53, "protocol": "UDP"},
               {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"},
               {"name": "metrics", "containerPort": 9153, "protocol": "TCP"}]),
    );
    vec![s, p, namespace("kube-system"), namespace("ns")]
}

#[test]
fn load_balancer_without_address_says_how_long() {
    let mut lb = svc(
        "store",
        json!({"type": "LoadBalancer", "clusterIP": "10.96.1.1",
            "ports": [{"port": 80, "nodePort": 31080, "targetPort": 8080}]}),
    );
    let f = run(vec![lb.clone()]);
    let s = one(&f, "service-lb-no-address");
    assert_eq!(s.pane, Pane::Network);
    assert!(s.summary.contains("60m"), "{}", s.summary);
    lb["status"]["loadBalancer"] = json!({"ingress": [{"ip": "203.0.113.7"}]});
    assert!(run(vec![lb.clone()]).is_empty());
    // A brand-new one is still being provisioned.
    lb["status"]["loadBalancer"] = json!({});
    lb["metadata"]["creationTimestamp"] = json!(ago(30));
    assert!(run(vec![lb]).is_empty());
}

#[test]
fn external_name_must_be_a_host_name() {
    let bad = svc(
        "ext",
        json!({"type": "ExternalName", "externalName": "https://db.example.com:5432"}),
    );
    let ip = svc(
        "ip",
        json!({"type": "ExternalName", "externalName": "192.0.2.10"}),
    );
    let good = svc(
        "ok",
        json!({"type": "ExternalName", "externalName": "db.example.com"}),
    );
    let f = run(vec![bad, ip, good]);
    let flagged: Vec<_> = f
        .iter()
        .filter(|x| x.check == "service-externalname-invalid")
        .map(|x| x.object.name.as_str())
        .collect();
    assert_eq!(flagged, vec!["ext", "ip"]);
}

#[test]
fn node_ports_out_of_range_and_clashing() {
    let a = svc(
        "a",
        json!({"type": "NodePort", "clusterIP": "10.96.1.1", "ports": [{"port": 80, "nodePort": 8080}]}),
    );
    let b = svc(
        "b",
        json!({"type": "NodePort", "clusterIP": "10.96.1.2", "ports": [{"port": 80, "nodePort": 30080}]}),
    );
    let c = svc(
        "c",
        json!({"type": "NodePort", "clusterIP": "10.96.1.3", "ports": [{"port": 81, "nodePort": 30080}]}),
    );
    let udp = svc(
        "d",
        json!({"type": "NodePort", "clusterIP": "10.96.1.4", "ports": [{"port": 81, "protocol": "UDP", "nodePort": 30080}]}),
    );
    let f = run(vec![a, b, c, udp]);
    assert!(
        one(&f, "service-nodeport-out-of-range")
            .summary
            .contains("8080")
    );
    let clashes: Vec<_> = f
        .iter()
        .filter(|x| x.check == "service-nodeport-clash")
        .map(|x| x.object.name.as_str())
        .collect();
    // UDP 30080 is another port than TCP 30080.
    assert_eq!(clashes, vec!["b", "c"]);
}

fn slice(service: &str, endpoints: Value) -> Value {
    json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": format!("{service}-abcde"), "namespace": "ns",
                     "labels": {"kubernetes.io/service-name": service}},
        "addressType": "IPv4", "endpoints": endpoints,
        "ports": [{"name": "", "port": 8080, "protocol": "TCP"}]})
}

fn node(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name},
        "status": {"conditions": [{"type": "Ready", "status": "True"}]}})
}

#[test]
fn local_traffic_policy_names_the_nodes_that_drop_traffic() {
    let s = svc(
        "web",
        json!({"type": "NodePort", "clusterIP": "10.96.1.1", "externalTrafficPolicy": "Local",
            "ports": [{"port": 80, "nodePort": 30080, "targetPort": 8080}]}),
    );
    let on_one = slice(
        "web",
        json!([{"addresses": ["10.244.1.5"], "nodeName": "worker-1",
                "conditions": {"ready": true, "serving": true, "terminating": false}}]),
    );
    let f = run(vec![s.clone(), on_one, node("worker-1"), node("worker-2")]);
    let l = one(&f, "service-local-policy-no-endpoints");
    assert!(evidence_text(l).contains("nodes without endpoints: worker-2"));
    let on_both = slice(
        "web",
        json!([{"addresses": ["10.244.1.5"], "nodeName": "worker-1", "conditions": {"ready": true}},
               {"addresses": ["10.244.2.5"], "nodeName": "worker-2", "conditions": {"ready": true}}]),
    );
    let f = run(vec![s, on_both, node("worker-1"), node("worker-2")]);
    assert!(f.is_empty(), "{:?}", ids(&f));
}

#[test]
fn session_affinity_on_a_headless_service_does_nothing() {
    let s = svc(
        "db",
        json!({"clusterIP": "None", "sessionAffinity": "ClientIP", "ports": [{"port": 5432}]}),
    );
    let ok = svc(
        "web",
        json!({"clusterIP": "10.96.1.1", "sessionAffinity": "ClientIP",
               "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 10800}}, "ports": [{"port": 80}]}),
    );
    let f = run(vec![s, ok]);
    assert_eq!(one(&f, "service-session-affinity").object.name, "db");
}

#[test]
fn protocol_mismatch_is_a_port_problem() {
    let s = svc(
        "dns",
        json!({"clusterIP": "10.96.1.1", "selector": {"app": "dns"},
               "ports": [{"port": 53, "protocol": "UDP", "targetPort": 53}]}),
    );
    let p = labelled(
        "dns-1",
        "ns",
        json!({"app": "dns"}),
        true,
        json!([{"containerPort": 53, "protocol": "TCP"}]),
    );
    let f = run(vec![s, p]);
    let m = one(&f, "service-port-mismatch");
    assert_eq!(m.pane, Pane::Network);
    assert!(m.summary.contains("declared as TCP"), "{}", m.summary);
}

#[test]
fn dns_chain_reports_coredns_not_ready() {
    let f = run(cluster_dns(false));
    let d = one(&f, "dns-pods-not-ready");
    assert_eq!(d.severity, Severity::Critical);
    assert!(
        run(cluster_dns(true))
            .iter()
            .all(|x| !x.check.starts_with("dns-"))
    );
}

#[test]
fn corefile_forwarding_to_loopback_is_flagged() {
    let cm = |forward: &str| {
        json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "coredns", "namespace": "kube-system"},
            "data": {"Corefile": format!(".:53 {{\n    errors\n    health\n    kubernetes cluster.local in-addr.arpa ip6.arpa {{\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n    }}\n    forward . {forward}\n    cache 30\n    loop\n    reload\n}}\n")}})
    };
    let mut objs = cluster_dns(true);
    objs.push(cm("127.0.0.53"));
    let f = run(objs);
    let c = one(&f, "dns-corefile-problem");
    assert!(c.summary.contains("line 8"), "{}", c.summary);
    let mut objs = cluster_dns(true);
    objs.push(cm("/etc/resolv.conf"));
    assert!(run(objs).iter().all(|x| !x.check.starts_with("dns-")));
}

fn payments_pod() -> Value {
    labelled(
        "payments-7f5b8c9d6-kx7vq",
        "ns",
        json!({"app": "payments"}),
        true,
        json!([{"containerPort": 8080}]),
    )
}

#[test]
fn egress_policy_without_dns_rule_blocks_dns() {
    let restrict = policy(
        "restrict-egress",
        "ns",
        json!({"podSelector": {"matchLabels": {"app": "payments"}}, "policyTypes": ["Egress"],
               "egress": [{"to": [{"ipBlock": {"cidr": "10.20.0.0/16"}}], "ports": [{"protocol": "TCP", "port": 5432}]}]}),
    );
    let mut objs = cluster_dns(true);
    objs.push(payments_pod());
    objs.push(restrict);
    let f = run(objs);
    let d = one(&f, "netpol-blocks-dns");
    assert!(d.summary.contains("UDP 53"), "{}", d.summary);
    assert!(d.summary.contains("TCP 53"), "{}", d.summary);
    assert!(evidence_text(d).contains("ns/restrict-egress"));

    let allows_dns = policy(
        "restrict-egress",
        "ns",
        json!({"podSelector": {"matchLabels": {"app": "payments"}}, "policyTypes": ["Egress"],
               "egress": [{"to": [{"ipBlock": {"cidr": "10.20.0.0/16"}}], "ports": [{"protocol": "TCP", "port": 5432}]},
                          {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                                   "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
                           "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]}]}),
    );
    let mut objs = cluster_dns(true);
    objs.push(payments_pod());
    objs.push(allows_dns);
    let f = run(objs);
    assert!(f.is_empty(), "{:?}", ids(&f));
}

#[test]
fn policy_selecting_nothing_and_policy_whose_rules_match_nothing() {
    let typo = policy(
        "allow-web",
        "ns",
        json!({"podSelector": {"matchLabels": {"app": "paymnts"}}, "ingress": [{}]}),
    );
    let f = run(vec![payments_pod(), typo, namespace("ns")]);
    assert_eq!(one(&f, "netpol-selects-no-pods").object.name, "allow-web");

    let dead_rule = policy(
        "only-frontend",
        "ns",
        json!({"podSelector": {"matchLabels": {"app": "payments"}},
               "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "frontnd"}}}]}]}),
    );
    let frontend = labelled(
        "frontend-1",
        "ns",
        json!({"app": "frontend"}),
        true,
        json!([]),
    );
    let f = run(vec![
        payments_pod(),
        frontend.clone(),
        dead_rule,
        namespace("ns"),
    ]);
    let c = one(&f, "netpol-isolates-unreachable");
    assert!(evidence_text(c).contains("payments-7f5b8c9d6-kx7vq"));

    // A deliberate deny-all is not reported as a mistake.
    let deny_all = policy(
        "deny-all",
        "ns",
        json!({"podSelector": {}, "policyTypes": ["Ingress"]}),
    );
    let f = run(vec![payments_pod(), frontend, deny_all, namespace("ns")]);
    assert!(
        f.iter().all(|x| x.check != "netpol-isolates-unreachable"),
        "{:?}",
        ids(&f)
    );
}

#[test]
fn service_unreachable_from_its_namespace() {
    let s = svc(
        "payments",
        json!({"clusterIP": "10.96.2.2", "selector": {"app": "payments"},
               "ports": [{"port": 80, "targetPort": 8080}]}),
    );
    let client = labelled("shop-1", "ns", json!({"app": "shop"}), true, json!([]));
    let only_monitoring = policy(
        "only-metrics",
        "ns",
        json!({"podSelector": {"matchLabels": {"app": "payments"}},
               "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "shop"}}}], "ports": [{"port": 9090}]}]}),
    );
    let f = run(vec![
        s.clone(),
        payments_pod(),
        client.clone(),
        only_monitoring,
        namespace("ns"),
    ]);
    let u = one(&f, "service-unreachable-by-policy");
    assert!(evidence_text(u).contains("ns/only-metrics"));
    let right_port = policy(
        "only-metrics",
        "ns",
        json!({"podSelector": {"matchLabels": {"app": "payments"}},
               "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "shop"}}}], "ports": [{"port": 8080}]}]}),
    );
    let f = run(vec![s, payments_pod(), client, right_port, namespace("ns")]);
    assert!(f.is_empty(), "{:?}", ids(&f));
}

fn kube_proxy_pod(name: &str, node: &str, ready: bool) -> Value {
    let mut p = labelled(
        name,
        "kube-system",
        json!({"k8s-app": "kube-proxy"}),
        ready,
        json!([]),
    );
    p["spec"]["nodeName"] = json!(node);
    p["spec"]["hostNetwork"] = json!(true);
    p["status"]["startTime"] = json!(ago(3000));
    p["metadata"]["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "DaemonSet",
        "name": "kube-proxy", "uid": "ds-kube-proxy", "controller": true}]);
    p
}

#[test]
fn kube_proxy_not_ready_names_nodes_and_exposed_services() {
    let ds = json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": "kube-proxy", "namespace": "kube-system", "uid": "ds-kube-proxy",
                     "labels": {"k8s-app": "kube-proxy"}, "generation": 1},
        "spec": {"selector": {"matchLabels": {"k8s-app": "kube-proxy"}},
                 "template": {"metadata": {"labels": {"k8s-app": "kube-proxy"}},
                              "spec": {"containers": [{"name": "kube-proxy", "image": "registry.k8s.io/kube-proxy:v1.33.2"}]}}},
        "status": {"desiredNumberScheduled": 2, "currentNumberScheduled": 2, "numberReady": 1,
                   "numberMisscheduled": 0, "observedGeneration": 1}});
    let np = svc(
        "web",
        json!({"type": "NodePort", "clusterIP": "10.96.1.1", "ports": [{"port": 80, "nodePort": 30080}]}),
    );
    let f = run(vec![
        ds.clone(),
        np.clone(),
        kube_proxy_pod("kube-proxy-a", "worker-1", true),
        kube_proxy_pod("kube-proxy-b", "worker-2", false),
    ]);
    let d = one(&f, "dataplane-agent-not-ready");
    assert!(d.summary.contains("worker-2"), "{}", d.summary);
    assert!(d.summary.contains("1 of 2"), "{}", d.summary);
    assert!(evidence_text(d).contains("ns/web"));
    let f = run(vec![
        ds,
        np,
        kube_proxy_pod("kube-proxy-a", "worker-1", true),
        kube_proxy_pod("kube-proxy-b", "worker-2", true),
    ]);
    assert!(f.iter().all(|x| x.check != "dataplane-agent-not-ready"));
}

#[test]
fn a_missing_dns_service_is_reported_only_when_kube_system_was_read() {
    let mut other = svc(
        "metrics-server",
        json!({"clusterIP": "10.96.3.3", "ports": [{"port": 443}]}),
    );
    other["metadata"]["namespace"] = json!("kube-system");
    let f = run(vec![other]);
    assert_eq!(one(&f, "dns-service-missing").severity, Severity::Critical);
    // Only other namespaces' Services were read: nothing can be said about kube-system.
    let f = run(vec![svc(
        "web",
        json!({"clusterIP": "10.96.1.1", "ports": [{"port": 80}]}),
    )]);
    assert!(f.is_empty(), "{:?}", ids(&f));
}

#[test]
fn pods_that_bypass_cluster_dns() {
    let mut objects = cluster_dns(true);
    let with = |name: &str, spec: Value| {
        let mut p = labelled(name, "ns", json!({"app": name}), true, json!([]));
        for (k, v) in spec.as_object().unwrap() {
            p["spec"][k] = v.clone();
        }
        p
    };
    // The kubelet gives a host-network pod with ClusterFirst (the default) the node's DNS.
    objects.push(with("agent", json!({"hostNetwork": true})));
    objects.push(with(
        "fixed",
        json!({"hostNetwork": true, "dnsPolicy": "ClusterFirstWithHostNet"}),
    ));
    objects.push(with(
        "outside",
        json!({"dnsPolicy": "None", "dnsConfig": {"nameservers": ["8.8.8.8"]}}),
    ));
    objects.push(with(
        "own-cluster-dns",
        json!({"dnsPolicy": "None", "dnsConfig": {"nameservers": ["10.96.0.10"]}}),
    ));
    let mut kube_proxy = with("kube-proxy-x7k2p", json!({"hostNetwork": true}));
    kube_proxy["metadata"]["namespace"] = json!("kube-system");
    objects.push(kube_proxy);
    let f = run(objects);
    let flagged: Vec<(&str, Severity)> = f
        .iter()
        .filter(|x| x.check == "pod-dns-bypass")
        .map(|x| (x.object.name.as_str(), x.severity))
        .collect();
    assert_eq!(
        flagged,
        vec![("agent", Severity::Warning), ("outside", Severity::Info)],
        "{:?}",
        ids(&f)
    );
    let agent = f.iter().find(|x| x.object.name == "agent").unwrap();
    assert_eq!(agent.pane, Pane::Network);
    assert!(agent.summary.contains("node's DNS"), "{}", agent.summary);
    assert!(
        agent
            .next_steps
            .iter()
            .any(|s| s.contains("dnsPolicy: ClusterFirstWithHostNet")),
        "{:?}",
        agent.next_steps
    );
}

//! The check matrix's NET fixtures (§4.4 items 12-14) and its NET negative, with policies
//! shaped as the API server returns them (defaulted policyTypes, managedFields, uid …).

use kmedic::netpolicy::{
    DefaultPattern, DefaultPolicy, DnsStatus, DnsTarget, Endpoint, PolicySet, Protocol,
    SideVerdict, Traffic,
};

use crate::support::{World, id, policies};

/// A policy as `kubectl get netpol -o yaml` prints it from a live API server.
fn served(namespace: &str, name: &str, uid: &str, spec: &str) -> String {
    format!(
        r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{{"annotations":{{}},"name":"{name}","namespace":"{namespace}"}}}}
  creationTimestamp: "2026-11-20T09:14:03Z"
  generation: 1
  managedFields:
  - apiVersion: networking.k8s.io/v1
    fieldsType: FieldsV1
    fieldsV1:
      f:metadata:
        f:annotations:
          .: {{}}
          f:kubectl.kubernetes.io/last-applied-configuration: {{}}
      f:spec:
        f:podSelector: {{}}
        f:policyTypes: {{}}
    manager: kubectl-client-side-apply
    operation: Update
    time: "2026-11-20T09:14:03Z"
  name: {name}
  namespace: {namespace}
  resourceVersion: "48213"
  uid: {uid}
spec:
{spec}
"#
    )
}

fn coredns(world: &World) -> Vec<kmedic::netpolicy::PodEndpoint> {
    world
        .pods
        .iter()
        .filter(|p| p.namespace.name == "kube-system")
        .cloned()
        .collect()
}

#[test]
fn fixture_12_default_deny_ingress_blocks_web_to_db_and_is_recognised() {
    let world = World::new();
    let yaml = served(
        "prod",
        "deny-all",
        "0b7f3f0e-5a0c-4c7e-9d0e-1f2a3b4c5d6e",
        "  podSelector: {}\n  policyTypes:\n  - Ingress",
    );
    let set = PolicySet::new(&policies(&yaml));
    assert!(set.issues().is_empty(), "{:?}", set.issues());
    let verdict = world.check(&set, "prod/web", "prod/db", "TCP 3306");
    assert!(!verdict.allowed);
    assert_eq!(verdict.egress, SideVerdict::NotIsolated);
    assert_eq!(
        verdict.ingress,
        SideVerdict::Denied {
            isolated_by: vec![id("prod", "deny-all")],
            misses: vec![]
        }
    );
    let lines = set.explain(&verdict, &world.end("prod/web"), &world.end("prod/db"));
    assert_eq!(
        lines,
        vec![
            "egress allowed: pod prod/web is not selected by any egress policy".to_string(),
            "denied: pod prod/db is selected by ingress policy prod/deny-all, which allows no ingress at all".to_string(),
        ]
    );
    assert_eq!(
        set.default_patterns(),
        vec![DefaultPolicy {
            policy: id("prod", "deny-all"),
            pattern: DefaultPattern::DenyAllIngress
        }]
    );
}

const WEB_EGRESS_SPEC: &str = "  podSelector:
    matchLabels:
      app: web
  policyTypes:
  - Egress
  egress:
  - to:
    - podSelector:
        matchLabels:
          app: db
    ports:
    - port: 3306
      protocol: TCP";

#[test]
fn fixture_13_egress_policy_without_dns_blocks_lookups_on_both_protocols() {
    let world = World::new();
    let yaml = served(
        "prod",
        "web-egress",
        "6f1d2c3b-aaaa-4bbb-8ccc-123456789abc",
        WEB_EGRESS_SPEC,
    );
    let set = PolicySet::new(&policies(&yaml));
    let dns_pods = coredns(&world);
    let check = set.dns_egress(world.pod("prod/web"), &DnsTarget::port_53(&dns_pods));
    assert!(check.is_blocked());
    assert_eq!(
        check.blocked_protocols(),
        vec![Protocol::Udp, Protocol::Tcp]
    );
    assert_eq!(check.udp.status(), DnsStatus::Blocked);
    assert_eq!(check.udp.blocked.len(), 2);
    let (_, verdict) = &check.udp.blocked[0];
    assert_eq!(
        verdict.denying_sides(),
        vec![kmedic::netpolicy::Direction::Egress]
    );
    let from = world.end("prod/web");
    let to = Endpoint::Pod(&dns_pods[0]);
    assert_eq!(
        set.explain(verdict, &from, &to)[0],
        "denied: pod prod/web is selected by egress policy prod/web-egress, whose rules allow only TCP 3306 to pods app=db in namespace prod"
    );
    // The same policy still lets web reach db: the finding is about DNS, not the app path.
    assert!(world.check(&set, "prod/web", "prod/db", "TCP 3306").allowed);
    // Pods the policy does not select resolve names fine.
    let cache = set.dns_egress(world.pod("prod/cache"), &DnsTarget::port_53(&dns_pods));
    assert!(!cache.is_blocked());
    assert_eq!(cache.udp.status(), DnsStatus::Allowed);
}

#[test]
fn fixture_14_policy_selecting_nothing() {
    let world = World::new();
    let yaml = served(
        "prod",
        "web-policy",
        "9d8c7b6a-1111-4222-8333-444455556666",
        "  podSelector:\n    matchLabels:\n      app: wbe\n  policyTypes:\n  - Ingress",
    );
    let set = PolicySet::new(&policies(&yaml));
    assert_eq!(
        set.policies_selecting_no_pods(&world.pods),
        vec![id("prod", "web-policy")]
    );
    assert!(
        set.selected_pods(&id("prod", "web-policy"), &world.pods)
            .is_empty()
    );
    // And since it selects nothing, nothing is isolated by it.
    assert!(
        world
            .check(&set, "staging/client", "prod/web", "TCP 8080")
            .allowed
    );
}

#[test]
fn negative_default_deny_plus_allow_for_the_client_is_reachable() {
    let world = World::new();
    let yaml = [
        served("prod", "default-deny", "11111111-2222-4333-8444-555555555555", "  podSelector: {}\n  policyTypes:\n  - Ingress"),
        served(
            "prod",
            "allow-web-to-db",
            "22222222-3333-4444-8555-666666666666",
            "  podSelector:\n    matchLabels:\n      app: db\n  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n          app: web\n    ports:\n    - port: 3306\n      protocol: TCP\n  policyTypes:\n  - Ingress",
        ),
    ]
    .join("---\n");
    let set = PolicySet::new(&policies(&yaml));
    let verdict = world.check(&set, "prod/web", "prod/db", "TCP 3306");
    assert!(verdict.allowed, "{verdict:?}");
    assert_eq!(verdict.policies(), vec![id("prod", "allow-web-to-db")]);
    // The default deny still holds for everyone else.
    assert!(
        !world
            .check(&set, "prod/cache", "prod/db", "TCP 3306")
            .allowed
    );
    assert!(
        !world
            .check(&set, "prod/web", "prod/cache", "TCP 6379")
            .allowed
    );
}

const ALLOW_DNS_UDP_ONLY: &str = "  podSelector: {}
  policyTypes:
  - Egress
  egress:
  - to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: kube-system
      podSelector:
        matchLabels:
          k8s-app: kube-dns
    ports:
    - port: 53
      protocol: UDP";

#[test]
fn dns_allowed_on_udp_only_reports_tcp_blocked() {
    let world = World::new();
    let yaml = served(
        "prod",
        "allow-dns",
        "33333333-4444-4555-8666-777777777777",
        ALLOW_DNS_UDP_ONLY,
    );
    let set = PolicySet::new(&policies(&yaml));
    let dns_pods = coredns(&world);
    let check = set.dns_egress(world.pod("prod/web"), &DnsTarget::port_53(&dns_pods));
    assert_eq!(check.udp.status(), DnsStatus::Allowed);
    assert_eq!(check.tcp.status(), DnsStatus::Blocked);
    assert_eq!(check.blocked_protocols(), vec![Protocol::Tcp]);
}

#[test]
fn dns_allowed_on_both_protocols_is_not_blocked() {
    let world = World::new();
    let spec = format!("{ALLOW_DNS_UDP_ONLY}\n    - port: 53\n      protocol: TCP");
    let yaml = served(
        "prod",
        "allow-dns",
        "44444444-5555-4666-8777-888888888888",
        &spec,
    );
    let set = PolicySet::new(&policies(&yaml));
    let dns_pods = coredns(&world);
    let check = set.dns_egress(world.pod("prod/web"), &DnsTarget::port_53(&dns_pods));
    assert!(!check.is_blocked());
    assert_eq!(check.tcp.reachable, vec![0, 1]);
}

#[test]
fn dns_blocked_by_ingress_isolation_of_coredns_names_the_ingress_side() {
    let world = World::new();
    let yaml = served(
        "kube-system",
        "deny-all",
        "55555555-6666-4777-8888-999999999999",
        "  podSelector: {}\n  policyTypes:\n  - Ingress",
    );
    let set = PolicySet::new(&policies(&yaml));
    let dns_pods = coredns(&world);
    let check = set.dns_egress(world.pod("prod/web"), &DnsTarget::port_53(&dns_pods));
    assert_eq!(
        check.blocked_protocols(),
        vec![Protocol::Udp, Protocol::Tcp]
    );
    let (_, verdict) = &check.tcp.blocked[1];
    assert_eq!(
        verdict.denying_sides(),
        vec![kmedic::netpolicy::Direction::Ingress]
    );
}

#[test]
fn dns_partially_reachable_and_service_ip_only_rules() {
    let world = World::new();
    let dns_pods = coredns(&world);
    // Egress opened to one CoreDNS pod's IP only: half the lookups fail.
    let partial = served(
        "prod",
        "dns-one-pod",
        "66666666-7777-4888-8999-aaaaaaaaaaaa",
        "  podSelector: {}\n  policyTypes:\n  - Egress\n  egress:\n  - to:\n    - ipBlock:\n        cidr: 10.244.0.5/32\n    ports:\n    - port: 53\n      protocol: UDP",
    );
    let set = PolicySet::new(&policies(&partial));
    let check = set.dns_egress(world.pod("prod/web"), &DnsTarget::port_53(&dns_pods));
    assert_eq!(check.udp.status(), DnsStatus::Partial);
    assert_eq!(check.udp.reachable, vec![0]);
    // Egress opened to the kube-dns ClusterIP only: blocked at the endpoints, and flagged.
    let cluster_ip = served(
        "prod",
        "dns-cluster-ip",
        "77777777-8888-4999-8aaa-bbbbbbbbbbbb",
        "  podSelector: {}\n  policyTypes:\n  - Egress\n  egress:\n  - to:\n    - ipBlock:\n        cidr: 10.96.0.10/32\n    ports:\n    - port: 53\n      protocol: UDP\n    - port: 53\n      protocol: TCP",
    );
    let set = PolicySet::new(&policies(&cluster_ip));
    let target = DnsTarget {
        service: Some(("10.96.0.10".parse().unwrap(), 53)),
        ..DnsTarget::port_53(&dns_pods)
    };
    let check = set.dns_egress(world.pod("prod/web"), &target);
    assert_eq!(check.udp.status(), DnsStatus::Blocked);
    assert!(check.udp.service_ip_allowed);
    assert!(check.tcp.service_ip_allowed);
    // No endpoints: nothing to evaluate, not "blocked".
    let none = set.dns_egress(world.pod("prod/web"), &DnsTarget::port_53(&[]));
    assert_eq!(none.udp.status(), DnsStatus::NoEndpoints);
    assert!(!none.is_blocked());
    // A pod in a namespace without policies is unaffected.
    let verdict = set.evaluate(
        world.end("staging/client"),
        Endpoint::Pod(&dns_pods[0]),
        Traffic::udp(53),
    );
    assert!(verdict.allowed);
}

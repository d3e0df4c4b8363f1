//! What a verdict carries besides allowed/denied: the issues list, the caveats, the per-rule misses,
//! and the explanations; and the namespace name label.

use std::collections::BTreeMap;

use kmedic::netpolicy::{
    Caveat, Direction, Endpoint, IssueKind, NAMESPACE_NAME_LABEL, NamespaceInfo, RuleMiss, RuleRef,
    SideVerdict,
};

use crate::support::{World, id, labels, set};

#[test]
fn issues_name_the_field_and_kind() {
    let set = set(r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: messy, namespace: prod}
spec:
  podSelector: {matchExpressions: [{key: app, operator: In}]}
  policyTypes: [Ingress, egress]
  ingress:
  - from:
    - ipBlock: {cidr: 10.0.0.1/24, except: [10.1.0.0/24]}
    - ipBlock: {cidr: not-a-cidr}
    ports:
    - {port: http, endPort: 90}
    - {port: 80, protocol: ICMP}
  egress:
  - {}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: nospec, namespace: prod}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: nowhere}
spec: {podSelector: {}}
"#);
    let got: Vec<(String, IssueKind, String)> = set
        .issues()
        .iter()
        .map(|i| (i.policy.to_string(), i.kind, i.field.clone()))
        .collect();
    let want = vec![
        ("prod/messy", IssueKind::Invalid, "spec.podSelector"),
        ("prod/messy", IssueKind::Invalid, "spec.policyTypes[1]"),
        ("prod/messy", IssueKind::NoEffect, "spec.egress"),
        (
            "prod/messy",
            IssueKind::Normalized,
            "spec.ingress[0].from[0].ipBlock.cidr",
        ),
        (
            "prod/messy",
            IssueKind::Invalid,
            "spec.ingress[0].from[0].ipBlock.except[0]",
        ),
        (
            "prod/messy",
            IssueKind::Invalid,
            "spec.ingress[0].from[1].ipBlock.cidr",
        ),
        (
            "prod/messy",
            IssueKind::Invalid,
            "spec.ingress[0].ports[0].endPort",
        ),
        (
            "prod/messy",
            IssueKind::Invalid,
            "spec.ingress[0].ports[1].protocol",
        ),
        ("prod/nospec", IssueKind::Normalized, "spec"),
        ("/nowhere", IssueKind::Invalid, "metadata"),
    ];
    let want: Vec<(String, IssueKind, String)> = want
        .into_iter()
        .map(|(p, k, f)| (p.to_string(), k, f.to_string()))
        .collect();
    assert_eq!(got, want);
    // The policy without namespace is left out; the one without spec denies all ingress.
    assert_eq!(set.len(), 2);
    let world = World::new();
    assert!(
        !world
            .check(&set, "prod/web", "prod/cache", "TCP 6379")
            .allowed
    );
}

#[test]
fn caveats_for_ipblock_on_pod_ip_and_host_network_pods() {
    let mut world = World::new();
    let set = set(r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-range, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{ipBlock: {cidr: 10.244.2.0/24}}]
  - from: [{podSelector: {matchLabels: {app: cache}}}]
"#);
    let verdict = world.check(&set, "staging/client", "prod/db", "TCP 3306");
    assert!(verdict.allowed);
    assert_eq!(
        verdict.caveats,
        vec![Caveat::IpBlockOnPodIp {
            rules: vec![RuleRef {
                policy: id("prod", "db-from-range"),
                direction: Direction::Ingress,
                rule_index: 0
            }]
        }]
    );
    // Allowed by a selector rule: no caveat even though an ipBlock exists.
    assert!(
        world
            .check(&set, "prod/cache", "prod/db", "TCP 3306")
            .caveats
            .is_empty()
    );
    // A denial carries the per-rule misses.
    let denied = world.check(&set, "prod/web", "prod/db", "TCP 3306");
    let SideVerdict::Denied { misses, .. } = &denied.ingress else {
        panic!("{denied:?}")
    };
    assert_eq!(
        misses,
        &vec![
            RuleMiss {
                rule: RuleRef {
                    policy: id("prod", "db-from-range"),
                    direction: Direction::Ingress,
                    rule_index: 0
                },
                peer_matched: false,
                port_matched: true
            },
            RuleMiss {
                rule: RuleRef {
                    policy: id("prod", "db-from-range"),
                    direction: Direction::Ingress,
                    rule_index: 1
                },
                peer_matched: false,
                port_matched: true
            },
        ]
    );
    let index = world.pod_index("staging/client");
    world.pods[index].host_network = true;
    let verdict = world.check(&set, "staging/client", "prod/db", "TCP 3306");
    assert!(verdict.caveats.contains(&Caveat::HostNetworkPod {
        pod: "staging/client".into()
    }));
}

#[test]
fn explanations_read_as_sentences() {
    let world = World::new();
    let set = set(r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-egress, namespace: prod}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - to: [{namespaceSelector: {matchLabels: {user: alice}}, podSelector: {matchLabels: {role: client}}}]
    ports: [{port: 8000, endPort: 8100}, {protocol: UDP}]
  - to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.244.0.0/16]}}]
    ports: [{port: http}]
"#);
    assert_eq!(
        set.describe_rules(&id("prod", "web-egress"), Direction::Egress)
            .unwrap(),
        vec![
            "TCP 8000-8100, every UDP port to pods role=client in namespaces user=alice"
                .to_string(),
            "TCP port named http to addresses in 10.0.0.0/8 except 10.244.0.0/16".to_string(),
        ]
    );
    assert_eq!(
        set.describe_rules(&id("prod", "web-egress"), Direction::Ingress),
        Some(vec![])
    );
    assert_eq!(
        set.describe_rules(&id("prod", "missing"), Direction::Ingress),
        None
    );
    let verdict = world.check(&set, "prod/web", "staging/client", "TCP 8050");
    assert_eq!(
        set.explain(&verdict, &world.end("prod/web"), &world.end("staging/client")),
        vec![
            "egress allowed by prod/web-egress rule 0 (TCP 8000-8100, every UDP port to pods role=client in namespaces user=alice)".to_string(),
            "ingress allowed: pod staging/client is not selected by any ingress policy".to_string(),
        ]
    );
    let both_ips = set.evaluate(
        world.end("ip:1.1.1.1"),
        world.end("ip:8.8.8.8"),
        crate::support::parse_traffic("TCP 1"),
    );
    assert!(both_ips.allowed);
    assert_eq!(
        set.explain(
            &both_ips,
            &world.end("ip:1.1.1.1"),
            &world.end("ip:8.8.8.8")
        ),
        vec!["allowed: neither end is a pod, so no NetworkPolicy applies".to_string()]
    );
    let self_verdict = set.evaluate(
        world.end("prod/web"),
        world.end("prod/web"),
        crate::support::parse_traffic("TCP 1"),
    );
    assert_eq!(
        set.explain(
            &self_verdict,
            &world.end("prod/web"),
            &world.end("prod/web")
        )[0],
        "egress allowed: a pod can always reach itself"
    );
    let _ = Endpoint::Ip("::1".parse().unwrap()).describe();
}

#[test]
fn namespace_info_always_carries_its_name_label() {
    let ns = NamespaceInfo::new("payments", labels(&[("team", "x")]));
    assert_eq!(
        ns.labels.get(NAMESPACE_NAME_LABEL).map(String::as_str),
        Some("payments")
    );
    let explicit = NamespaceInfo::new(
        "a",
        BTreeMap::from([(NAMESPACE_NAME_LABEL.to_string(), "a".to_string())]),
    );
    assert_eq!(explicit.labels.len(), 1);
}

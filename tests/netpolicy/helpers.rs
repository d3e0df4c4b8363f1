//! The helpers the network findings use (selection, dead peers, closed pods, default
//! patterns), the issues list, the caveats and the explanations.

use kmedic::netpolicy::{
    ClosedReason, DeadPeerReason, DefaultPattern, Direction, PolicyId, RuleRef,
};

use crate::support::{World, id, set};

#[test]
fn selected_pods_follow_namespace_and_labels() {
    let world = World::new();
    let set = set(r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: prod}
spec:
  podSelector: {matchLabels: {app: web}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: all, namespace: staging}
spec:
  podSelector: {}
"#);
    let web = set.selected_pods(&id("prod", "web"), &world.pods);
    assert_eq!(web, vec![world.pod_index("prod/web")]);
    let all = set.selected_pods(&id("staging", "all"), &world.pods);
    assert_eq!(
        all,
        vec![
            world.pod_index("staging/client"),
            world.pod_index("staging/web")
        ]
    );
    assert!(set.selects(&id("prod", "web"), world.pod("prod/web")));
    assert!(!set.selects(&id("prod", "web"), world.pod("staging/web")));
    assert!(
        set.selected_pods(&id("prod", "nope"), &world.pods)
            .is_empty()
    );
    assert!(set.policies_selecting_no_pods(&world.pods).is_empty());
    assert_eq!(
        set.isolating_policies(world.pod("prod/web"), Direction::Ingress),
        vec![id("prod", "web")]
    );
    assert!(!set.is_isolated(world.pod("prod/web"), Direction::Egress));
}

#[test]
fn peers_matching_nothing_are_reported_with_reason() {
    let world = World::new();
    let set = set(r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - podSelector: {matchLabels: {app: wbe}}
    - namespaceSelector: {matchLabels: {team: nobody}}
    - namespaceSelector: {matchLabels: {user: alice}}
      podSelector: {matchLabels: {app: db}}
    - podSelector: {matchLabels: {app: web}}
    - ipBlock: {cidr: 192.0.2.0/24}
  egress:
  - to:
    - podSelector: {matchExpressions: [{key: app, operator: Bogus}]}
"#);
    let dead = set.peers_matching_nothing(&world.pods, &world.namespaces);
    let summary: Vec<(Direction, usize, DeadPeerReason, String)> = dead
        .iter()
        .map(|d| {
            (
                d.rule.direction,
                d.peer_index,
                d.reason,
                d.description.clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                Direction::Ingress,
                0,
                DeadPeerReason::NoPodMatches,
                "pods app=wbe in namespace prod".to_string()
            ),
            (
                Direction::Ingress,
                1,
                DeadPeerReason::NoNamespaceMatches,
                "every pod in namespaces team=nobody".to_string()
            ),
            (
                Direction::Ingress,
                2,
                DeadPeerReason::NoPodMatches,
                "pods app=db in namespaces user=alice".to_string()
            ),
            (
                Direction::Egress,
                0,
                DeadPeerReason::Invalid,
                "an invalid peer (matches nothing)".to_string()
            ),
        ]
    );
}

#[test]
fn namespaces_known_only_from_pods_still_count() {
    let world = World::new();
    let set = set(r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {user: alice}}}]
"#);
    assert!(set.peers_matching_nothing(&world.pods, &[]).is_empty());
}

#[test]
fn isolated_pods_without_any_way_in() {
    let world = World::new();
    let set = set(r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: staging}
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-typo, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: wbe}}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-wrong-port-name, namespace: prod}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - ports: [{port: https}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: cache-from-block, namespace: prod}
spec:
  podSelector: {matchLabels: {app: cache}}
  ingress:
  - from: [{ipBlock: {cidr: 192.0.2.0/24}}]
"#);
    let closed = set.isolated_without_allow(&world.pods, &world.namespaces, Direction::Ingress);
    let got: Vec<(String, Vec<PolicyId>, ClosedReason)> = closed
        .iter()
        .map(|c| {
            (
                world.pods[c.pod_index].key(),
                c.isolated_by.clone(),
                c.reason.clone(),
            )
        })
        .collect();
    let rule = |ns: &str, name: &str| RuleRef {
        policy: id(ns, name),
        direction: Direction::Ingress,
        rule_index: 0,
    };
    assert_eq!(
        got,
        vec![
            (
                "prod/web".to_string(),
                vec![id("prod", "web-wrong-port-name")],
                ClosedReason::RulesMatchNothing {
                    rules: vec![rule("prod", "web-wrong-port-name")]
                }
            ),
            (
                "prod/db".to_string(),
                vec![id("prod", "db-from-typo")],
                ClosedReason::RulesMatchNothing {
                    rules: vec![rule("prod", "db-from-typo")]
                }
            ),
            (
                "staging/client".to_string(),
                vec![id("staging", "deny-all")],
                ClosedReason::NoRules
            ),
            (
                "staging/web".to_string(),
                vec![id("staging", "deny-all")],
                ClosedReason::NoRules
            ),
        ]
    );
    // Egress: nobody is egress-isolated.
    assert!(
        set.isolated_without_allow(&world.pods, &world.namespaces, Direction::Egress)
            .is_empty()
    );
}

#[test]
fn default_patterns_are_recognised_and_only_for_namespace_wide_policies() {
    let set = set(r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: a-deny-both, namespace: prod}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: b-allow-all, namespace: prod}
spec:
  podSelector: {}
  ingress: [{}]
  egress: [{}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: c-web-only, namespace: prod}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: d-some-rules, namespace: prod}
spec:
  podSelector: {}
  ingress:
  - from: [{podSelector: {}}]
"#);
    let got: Vec<(String, DefaultPattern)> = set
        .default_patterns()
        .into_iter()
        .map(|d| (d.policy.name, d.pattern))
        .collect();
    assert_eq!(
        got,
        vec![
            ("a-deny-both".to_string(), DefaultPattern::DenyAllIngress),
            ("a-deny-both".to_string(), DefaultPattern::DenyAllEgress),
            ("b-allow-all".to_string(), DefaultPattern::AllowAllIngress),
            ("b-allow-all".to_string(), DefaultPattern::AllowAllEgress),
        ]
    );
}

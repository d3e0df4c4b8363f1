//! NetworkPolicyPeer, LabelSelector and IPBlock rules of the API reference and the concepts
//! page's "Behavior of to and from selectors", one row per rule (the `rule` field cites it).

use crate::support::{Case, Want::*, run};

const DB_FROM_WEB: &str = r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-web, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
"#;

const ALICE_AND_CLIENT: &str = r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: alice-clients, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from:
    - namespaceSelector:
        matchLabels: {user: alice}
      podSelector:
        matchLabels: {role: client}
"#;

const ALICE_OR_CLIENT: &str = r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: alice-or-clients, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from:
    - namespaceSelector:
        matchLabels: {user: alice}
    - podSelector:
        matchLabels: {role: client}
"#;

const BY_NAMESPACE: &str = r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-alice-ns, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {user: alice}}
"#;

const ALL_NAMESPACES: &str = r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-any-pod, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from:
    - namespaceSelector: {}
"#;

const METADATA_NAME: &str = r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-staging, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: staging
"#;

#[test]
fn pod_and_namespace_selectors() {
    let db = "prod/db";
    run(&[
        Case {
            rule: "Peer.podSelector alone: pods in the policy's own namespace (matching pod there)",
            yaml: DB_FROM_WEB,
            from: "prod/web",
            to: db,
            traffic: "TCP 3306",
            want: Allow,
            deciding: &["prod/db-from-web"],
        },
        Case {
            rule: "Peer.podSelector alone: same labels in another namespace do not match",
            yaml: DB_FROM_WEB,
            from: "staging/web",
            to: db,
            traffic: "TCP 3306",
            want: DenyIngress,
            deciding: &["prod/db-from-web"],
        },
        Case {
            rule: "Peer.podSelector present but empty selects all pods (of the policy's namespace)",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: same-namespace, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {}}]
"#,
            from: "prod/cache",
            to: db,
            traffic: "TCP 3306",
            want: Allow,
            deciding: &["prod/same-namespace"],
        },
        Case {
            rule: "Peer.podSelector {}: pods of other namespaces are not included",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: same-namespace, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {}}]
"#,
            from: "staging/client",
            to: db,
            traffic: "TCP 3306",
            want: DenyIngress,
            deciding: &["prod/same-namespace"],
        },
        Case {
            rule: "Peer.namespaceSelector alone: all pods in the selected namespaces",
            yaml: BY_NAMESPACE,
            from: "staging/web",
            to: db,
            traffic: "TCP 3306",
            want: Allow,
            deciding: &["prod/from-alice-ns"],
        },
        Case {
            rule: "Peer.namespaceSelector alone: namespaces without the label are not selected",
            yaml: BY_NAMESPACE,
            from: "other/client",
            to: db,
            traffic: "TCP 3306",
            want: DenyIngress,
            deciding: &["prod/from-alice-ns"],
        },
        Case {
            rule: "Peer.namespaceSelector alone: the policy's own namespace is not implied",
            yaml: BY_NAMESPACE,
            from: "prod/web",
            to: db,
            traffic: "TCP 3306",
            want: DenyIngress,
            deciding: &["prod/from-alice-ns"],
        },
        Case {
            rule: "Peer.namespaceSelector present but empty selects all namespaces",
            yaml: ALL_NAMESPACES,
            from: "other/client",
            to: db,
            traffic: "TCP 3306",
            want: Allow,
            deciding: &["prod/from-any-pod"],
        },
        Case {
            rule: "Peer.namespaceSelector {}: pods only, not cluster-external addresses",
            yaml: ALL_NAMESPACES,
            from: "ip:8.8.8.8",
            to: db,
            traffic: "TCP 3306",
            want: DenyIngress,
            deciding: &["prod/from-any-pod"],
        },
        Case {
            rule: "concepts: both selectors in ONE peer = role=client pods in user=alice namespaces (match)",
            yaml: ALICE_AND_CLIENT,
            from: "staging/client",
            to: db,
            traffic: "TCP 3306",
            want: Allow,
            deciding: &["prod/alice-clients"],
        },
        Case {
            rule: "concepts: both selectors in ONE peer: right namespace, wrong pod labels",
            yaml: ALICE_AND_CLIENT,
            from: "staging/web",
            to: db,
            traffic: "TCP 3306",
            want: DenyIngress,
            deciding: &["prod/alice-clients"],
        },
        Case {
            rule: "concepts: both selectors in ONE peer: right pod labels, wrong namespace",
            yaml: ALICE_AND_CLIENT,
            from: "other/client",
            to: db,
            traffic: "TCP 3306",
            want: DenyIngress,
            deciding: &["prod/alice-clients"],
        },
        Case {
            rule: "concepts: both selectors in ONE peer: role=client in the policy's own namespace is not enough",
            yaml: ALICE_AND_CLIENT,
            from: "prod/web",
            to: db,
            traffic: "TCP 3306",
            want: DenyIngress,
            deciding: &["prod/alice-clients"],
        },
        Case {
            rule: "concepts: TWO peers = any pod of user=alice namespaces OR role=client in the local namespace (first)",
            yaml: ALICE_OR_CLIENT,
            from: "staging/web",
            to: db,
            traffic: "TCP 3306",
            want: Allow,
            deciding: &["prod/alice-or-clients"],
        },
        Case {
            rule: "concepts: TWO peers (second: local role=client)",
            yaml: ALICE_OR_CLIENT,
            from: "prod/web",
            to: db,
            traffic: "TCP 3306",
            want: Allow,
            deciding: &["prod/alice-or-clients"],
        },
        Case {
            rule: "concepts: TWO peers: role=client in a namespace that is not alice's and not local",
            yaml: ALICE_OR_CLIENT,
            from: "other/client",
            to: db,
            traffic: "TCP 3306",
            want: DenyIngress,
            deciding: &["prod/alice-or-clients"],
        },
        Case {
            rule: "Peer: namespaceSelector {} with podSelector = matching pods in every namespace",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-anywhere, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from:
    - namespaceSelector: {}
      podSelector: {matchLabels: {app: web}}
"#,
            from: "staging/web",
            to: db,
            traffic: "TCP 3306",
            want: Allow,
            deciding: &["prod/web-anywhere"],
        },
        Case {
            rule: "concepts: target a namespace by name via kubernetes.io/metadata.name (match)",
            yaml: METADATA_NAME,
            from: "staging/client",
            to: db,
            traffic: "TCP 3306",
            want: Allow,
            deciding: &["prod/from-staging"],
        },
        Case {
            rule: "concepts: target a namespace by name via kubernetes.io/metadata.name (other namespace)",
            yaml: METADATA_NAME,
            from: "other/client",
            to: db,
            traffic: "TCP 3306",
            want: DenyIngress,
            deciding: &["prod/from-staging"],
        },
        Case {
            rule: "Peer selectors select pods only: a bare address equal to a selected pod's IP is not matched",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-to-db, namespace: prod}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - to: [{podSelector: {matchLabels: {app: db}}}]
"#,
            from: "prod/web",
            to: "ip:10.244.1.20",
            traffic: "TCP 3306",
            want: DenyEgress,
            deciding: &["prod/web-to-db"],
        },
    ]);
}

#[test]
fn label_selector_operators() {
    run(&[
        Case {
            rule: "LabelSelectorRequirement In: value in the set",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: env-in, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from:
    - namespaceSelector:
        matchExpressions: [{key: env, operator: In, values: [staging, dev]}]
"#,
            from: "staging/client",
            to: "prod/db",
            traffic: "TCP 3306",
            want: Allow,
            deciding: &["prod/env-in"],
        },
        Case {
            rule: "LabelSelectorRequirement In: value outside the set",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: env-in, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from:
    - namespaceSelector:
        matchExpressions: [{key: env, operator: In, values: [staging, dev]}]
"#,
            from: "prod/web",
            to: "prod/db",
            traffic: "TCP 3306",
            want: DenyIngress,
            deciding: &["prod/env-in"],
        },
        Case {
            rule: "LabelSelectorRequirement NotIn: an object without the key matches",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: env-notin, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from:
    - namespaceSelector:
        matchExpressions: [{key: env, operator: NotIn, values: [prod]}]
"#,
            from: "other/client",
            to: "prod/db",
            traffic: "TCP 3306",
            want: Allow,
            deciding: &["prod/env-notin"],
        },
        Case {
            rule: "LabelSelectorRequirement NotIn: the excluded value does not match",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: env-notin, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from:
    - namespaceSelector:
        matchExpressions: [{key: env, operator: NotIn, values: [prod]}]
"#,
            from: "prod/web",
            to: "prod/db",
            traffic: "TCP 3306",
            want: DenyIngress,
            deciding: &["prod/env-notin"],
        },
        Case {
            rule: "LabelSelectorRequirement Exists",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: has-user, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from:
    - namespaceSelector:
        matchExpressions: [{key: user, operator: Exists}]
"#,
            from: "other/client",
            to: "prod/db",
            traffic: "TCP 3306",
            want: Allow,
            deciding: &["prod/has-user"],
        },
        Case {
            rule: "LabelSelectorRequirement DoesNotExist",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: no-env, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from:
    - namespaceSelector:
        matchExpressions: [{key: env, operator: DoesNotExist}]
"#,
            from: "staging/client",
            to: "prod/db",
            traffic: "TCP 3306",
            want: DenyIngress,
            deciding: &["prod/no-env"],
        },
        Case {
            rule: "LabelSelector: matchLabels and matchExpressions are ANDed (both hold)",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: backend-not-db, namespace: prod}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from:
    - podSelector:
        matchLabels: {tier: backend}
        matchExpressions: [{key: app, operator: NotIn, values: [db]}]
"#,
            from: "prod/cache",
            to: "prod/web",
            traffic: "TCP 8080",
            want: Allow,
            deciding: &["prod/backend-not-db"],
        },
        Case {
            rule: "LabelSelector: matchLabels and matchExpressions are ANDed (expression fails)",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: backend-not-db, namespace: prod}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from:
    - podSelector:
        matchLabels: {tier: backend}
        matchExpressions: [{key: app, operator: NotIn, values: [db]}]
"#,
            from: "prod/db",
            to: "prod/web",
            traffic: "TCP 8080",
            want: DenyIngress,
            deciding: &["prod/backend-not-db"],
        },
        Case {
            rule: "spec.podSelector matchExpressions select the isolated pods (In)",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: backends-closed, namespace: prod}
spec:
  podSelector:
    matchExpressions: [{key: app, operator: In, values: [db, cache]}]
  policyTypes: [Ingress]
"#,
            from: "prod/web",
            to: "prod/cache",
            traffic: "TCP 6379",
            want: DenyIngress,
            deciding: &["prod/backends-closed"],
        },
        Case {
            rule: "LabelSelectorRequirement: unknown operator is invalid; the peer matches nothing",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: bad-peer, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from:
    - podSelector:
        matchExpressions: [{key: app, operator: Equals, values: [web]}]
"#,
            from: "prod/web",
            to: "prod/db",
            traffic: "TCP 3306",
            want: DenyIngress,
            deciding: &["prod/bad-peer"],
        },
        Case {
            rule: "LabelSelectorRequirement: In without values is invalid; an invalid spec.podSelector selects nothing",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: bad-selector, namespace: prod}
spec:
  podSelector:
    matchExpressions: [{key: app, operator: In}]
  policyTypes: [Ingress]
"#,
            from: "prod/web",
            to: "prod/db",
            traffic: "TCP 3306",
            want: Allow,
            deciding: &[],
        },
    ]);
}

const EXAMPLE_IPBLOCK: &str = r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: cache-from-block, namespace: prod}
spec:
  podSelector: {matchLabels: {app: cache}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - ipBlock:
        cidr: 172.17.0.0/16
        except: [172.17.1.0/24]
    ports:
    - {protocol: TCP, port: 6379}
"#;

const V6_BLOCK: &str = r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-egress-v6, namespace: prod}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - to:
    - ipBlock:
        cidr: 2001:db8::/32
        except: ["2001:db8:1::/48"]
"#;

const INTERNET_NOT_PODS: &str = r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: internet-only, namespace: prod}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - to:
    - ipBlock:
        cidr: 0.0.0.0/0
        except: [10.244.0.0/16]
"#;

#[test]
fn ip_blocks() {
    run(&[
        Case {
            rule: "IPBlock.cidr (concepts example 172.17.0.0/16): an address inside is admitted",
            yaml: EXAMPLE_IPBLOCK,
            from: "ip:172.17.0.5",
            to: "prod/cache",
            traffic: "TCP 6379",
            want: Allow,
            deciding: &["prod/cache-from-block"],
        },
        Case {
            rule: "IPBlock.except: 172.17.1.0/24 is carved out of the block",
            yaml: EXAMPLE_IPBLOCK,
            from: "ip:172.17.1.5",
            to: "prod/cache",
            traffic: "TCP 6379",
            want: DenyIngress,
            deciding: &["prod/cache-from-block"],
        },
        Case {
            rule: "concepts: 172.17.2.0-172.17.255.255 remains admitted above the except",
            yaml: EXAMPLE_IPBLOCK,
            from: "ip:172.17.200.1",
            to: "prod/cache",
            traffic: "TCP 6379",
            want: Allow,
            deciding: &["prod/cache-from-block"],
        },
        Case {
            rule: "IPBlock.cidr: an address outside the block",
            yaml: EXAMPLE_IPBLOCK,
            from: "ip:172.18.0.1",
            to: "prod/cache",
            traffic: "TCP 6379",
            want: DenyIngress,
            deciding: &["prod/cache-from-block"],
        },
        Case {
            rule: "IPBlock with ports: the port must match too",
            yaml: EXAMPLE_IPBLOCK,
            from: "ip:172.17.0.5",
            to: "prod/cache",
            traffic: "TCP 6380",
            want: DenyIngress,
            deciding: &["prod/cache-from-block"],
        },
        Case {
            rule: "IPBlock.cidr IPv6 (2001:db8::/32): inside",
            yaml: V6_BLOCK,
            from: "prod/web",
            to: "ip:2001:db8::5",
            traffic: "TCP 443",
            want: Allow,
            deciding: &["prod/web-egress-v6"],
        },
        Case {
            rule: "IPBlock.except IPv6: 2001:db8:1::/48 carved out",
            yaml: V6_BLOCK,
            from: "prod/web",
            to: "ip:2001:db8:1::5",
            traffic: "TCP 443",
            want: DenyEgress,
            deciding: &["prod/web-egress-v6"],
        },
        Case {
            rule: "IPBlock: an IPv6 block never matches an IPv4 address",
            yaml: V6_BLOCK,
            from: "prod/web",
            to: "ip:8.8.8.8",
            traffic: "TCP 443",
            want: DenyEgress,
            deciding: &["prod/web-egress-v6"],
        },
        Case {
            rule: "IPBlock 0.0.0.0/0 except the pod network: the internet is admitted",
            yaml: INTERNET_NOT_PODS,
            from: "prod/web",
            to: "ip:8.8.8.8",
            traffic: "TCP 443",
            want: Allow,
            deciding: &["prod/internet-only"],
        },
        Case {
            rule: "IPBlock on pod IPs (our documented choice): a pod whose IP is in except is not admitted",
            yaml: INTERNET_NOT_PODS,
            from: "prod/web",
            to: "prod/db",
            traffic: "TCP 3306",
            want: DenyEgress,
            deciding: &["prod/internet-only"],
        },
        Case {
            rule: "IPBlock on pod IPs (our documented choice): a pod whose IP is in the block is admitted",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-staging-range, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{ipBlock: {cidr: 10.244.2.0/24}}]
"#,
            from: "staging/client",
            to: "prod/db",
            traffic: "TCP 3306",
            want: Allow,
            deciding: &["prod/db-from-staging-range"],
        },
        Case {
            rule: "IPBlock on pod IPs: a dual-stack pod is matched by its IPv6 address",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-v6-pods, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{ipBlock: {cidr: "fd00:10:244::/48"}}]
"#,
            from: "prod/dual",
            to: "prod/db",
            traffic: "TCP 3306",
            want: Allow,
            deciding: &["prod/db-from-v6-pods"],
        },
        Case {
            rule: "Peer.ipBlock: if set, neither other field can be (invalid peer matches nothing)",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: mixed-peer, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from:
    - ipBlock: {cidr: 10.244.0.0/16}
      podSelector: {matchLabels: {app: web}}
"#,
            from: "prod/web",
            to: "prod/db",
            traffic: "TCP 3306",
            want: DenyIngress,
            deciding: &["prod/mixed-peer"],
        },
        Case {
            rule: "Peer with no field set is invalid and matches nothing",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: empty-peer, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{}]
"#,
            from: "prod/web",
            to: "prod/db",
            traffic: "TCP 3306",
            want: DenyIngress,
            deciding: &["prod/empty-peer"],
        },
    ]);
}

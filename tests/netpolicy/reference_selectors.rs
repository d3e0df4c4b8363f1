//! NetworkPolicyPeer selector rules of the API reference and the concepts page's "Behavior of
//! to and from selectors" (podSelector, namespaceSelector, both in one peer vs two peers, the
//! kubernetes.io/metadata.name label), one row per rule (the `rule` field cites it).

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

//! NetworkPolicyIngressRule / EgressRule rules of the API reference (from/to and ports, each
//! empty or missing = everything, items ORed, both halves must match), one row per rule.

use crate::support::{Case, Want::*, run};

const DB_FROM_WEB: &str = r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-web, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from:
    - podSelector: {matchLabels: {app: web}}
    ports:
    - {protocol: TCP, port: 3306}
"#;

#[test]
fn rule_from_to_and_ports() {
    run(&[
        Case {
            rule: "IngressRule: traffic must match both ports and from (from matches, port does not)",
            yaml: DB_FROM_WEB,
            from: "prod/web",
            to: "prod/db",
            traffic: "TCP 3307",
            want: DenyIngress,
            deciding: &["prod/db-from-web"],
        },
        Case {
            rule: "IngressRule: traffic must match both ports and from (port matches, from does not)",
            yaml: DB_FROM_WEB,
            from: "prod/cache",
            to: "prod/db",
            traffic: "TCP 3306",
            want: DenyIngress,
            deciding: &["prod/db-from-web"],
        },
        Case {
            rule: "IngressRule: traffic must match both ports and from (both match)",
            yaml: DB_FROM_WEB,
            from: "prod/web",
            to: "prod/db",
            traffic: "TCP 3306",
            want: Allow,
            deciding: &["prod/db-from-web"],
        },
        Case {
            rule: "IngressRule.from: empty or missing matches all sources (missing, with ports)",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-3306, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - ports: [{port: 3306}]
"#,
            from: "ip:8.8.8.8",
            to: "prod/db",
            traffic: "TCP 3306",
            want: Allow,
            deciding: &["prod/db-3306"],
        },
        Case {
            rule: "IngressRule.from: empty list matches all sources",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-3306, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: []
    ports: [{port: 3306}]
"#,
            from: "other/client",
            to: "prod/db",
            traffic: "TCP 3306",
            want: Allow,
            deciding: &["prod/db-3306"],
        },
        Case {
            rule: "IngressRule.ports: empty or missing matches all ports",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-web, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: []
"#,
            from: "prod/web",
            to: "prod/db",
            traffic: "UDP 5000",
            want: Allow,
            deciding: &["prod/db-from-web"],
        },
        Case {
            rule: "IngressRule.from: items are ORed (second item matches)",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-two, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from:
    - podSelector: {matchLabels: {app: web}}
    - podSelector: {matchLabels: {app: cache}}
"#,
            from: "prod/cache",
            to: "prod/db",
            traffic: "TCP 3306",
            want: Allow,
            deciding: &["prod/db-from-two"],
        },
        Case {
            rule: "IngressRule.ports: items are ORed (second item matches)",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-ports, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - ports: [{port: 3306}, {port: 33060}]
"#,
            from: "prod/web",
            to: "prod/db",
            traffic: "TCP 33060",
            want: Allow,
            deciding: &["prod/db-ports"],
        },
        Case {
            rule: "spec.ingress: a match of at least one rule suffices (second rule matches)",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-rules, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: 3306}]
  - from: [{podSelector: {matchLabels: {app: cache}}}]
    ports: [{port: 9104}]
"#,
            from: "prod/cache",
            to: "prod/db",
            traffic: "TCP 9104",
            want: Allow,
            deciding: &["prod/db-rules"],
        },
        Case {
            rule: "spec.ingress: rules do not mix (web's peer with cache's port matches no single rule)",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-rules, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: 3306}]
  - from: [{podSelector: {matchLabels: {app: cache}}}]
    ports: [{port: 9104}]
"#,
            from: "prod/web",
            to: "prod/db",
            traffic: "TCP 9104",
            want: DenyIngress,
            deciding: &["prod/db-rules"],
        },
        Case {
            rule: "EgressRule.to: empty or missing matches all destinations (ports only)",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-dns-anywhere, namespace: prod}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
"#,
            from: "prod/web",
            to: "ip:8.8.8.8",
            traffic: "UDP 53",
            want: Allow,
            deciding: &["prod/web-dns-anywhere"],
        },
        Case {
            rule: "EgressRule: traffic must match both ports and to",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-to-db, namespace: prod}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - to: [{podSelector: {matchLabels: {app: db}}}]
    ports: [{port: 3306}]
"#,
            from: "prod/web",
            to: "prod/cache",
            traffic: "TCP 3306",
            want: DenyEgress,
            deciding: &["prod/web-to-db"],
        },
        Case {
            rule: "EgressRule.ports: empty or missing matches all ports",
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
            to: "prod/db",
            traffic: "SCTP 9",
            want: Allow,
            deciding: &["prod/web-to-db"],
        },
    ]);
}

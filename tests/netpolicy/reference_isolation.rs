//! NetworkPolicySpec and the concepts page's isolation rules (podSelector, policyTypes defaults,
//! default policies, additivity, both ends, own pod and node), one row per rule (`rule` cites it).

use crate::support::{Case, Want::*, run};

const DENY_INGRESS_PROD: &str = r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-ingress, namespace: prod}
spec:
  podSelector: {}
  policyTypes: [Ingress]
"#;

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
fn isolation_and_policy_types() {
    run(&[
        Case {
            rule: "concepts: by default pods are non-isolated; they accept traffic from any source",
            yaml: "",
            from: "prod/web",
            to: "prod/db",
            traffic: "TCP 3306",
            want: Allow,
            deciding: &[],
        },
        Case {
            rule: "spec.podSelector: an empty podSelector matches all pods in this namespace (policy isolates db)",
            yaml: DENY_INGRESS_PROD,
            from: "prod/web",
            to: "prod/db",
            traffic: "TCP 3306",
            want: DenyIngress,
            deciding: &["prod/default-deny-ingress"],
        },
        Case {
            rule: "spec.ingress: if this field is empty then this NetworkPolicy does not allow any traffic (ingress: [] written out)",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: prod}
spec:
  podSelector: {}
  ingress: []
"#,
            from: "staging/client",
            to: "prod/web",
            traffic: "TCP 8080",
            want: DenyIngress,
            deciding: &["prod/deny"],
        },
        Case {
            rule: "spec.podSelector absent: the server-side field is a struct, absent reads as empty = all pods",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: no-selector, namespace: prod}
spec:
  policyTypes: [Ingress]
"#,
            from: "prod/web",
            to: "prod/cache",
            traffic: "TCP 6379",
            want: DenyIngress,
            deciding: &["prod/no-selector"],
        },
        Case {
            rule: "concepts: other pods in the namespace that are not selected by any NetworkPolicy continue to accept all traffic",
            yaml: DB_FROM_WEB,
            from: "staging/client",
            to: "prod/cache",
            traffic: "TCP 6379",
            want: Allow,
            deciding: &[],
        },
        Case {
            rule: "spec.policyTypes default: all policies are assumed to affect ingress (no policyTypes, no ingress section)",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: bare, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
"#,
            from: "prod/web",
            to: "prod/db",
            traffic: "TCP 3306",
            want: DenyIngress,
            deciding: &["prod/bare"],
        },
        Case {
            rule: "spec.policyTypes default: without an egress section the policy does not affect egress",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: bare, namespace: prod}
spec:
  podSelector: {matchLabels: {app: web}}
"#,
            from: "prod/web",
            to: "ip:8.8.8.8",
            traffic: "UDP 53",
            want: Allow,
            deciding: &[],
        },
        Case {
            rule: "spec.policyTypes default: policies that contain an egress section are assumed to affect egress",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-egress, namespace: prod}
spec:
  podSelector: {matchLabels: {app: web}}
  egress:
  - to:
    - podSelector: {matchLabels: {app: db}}
"#,
            from: "prod/web",
            to: "prod/cache",
            traffic: "TCP 6379",
            want: DenyEgress,
            deciding: &["prod/web-egress"],
        },
        Case {
            rule: "spec.policyTypes default: an egress section also keeps Ingress (web is now ingress-isolated too)",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-egress, namespace: prod}
spec:
  podSelector: {matchLabels: {app: web}}
  egress:
  - to:
    - podSelector: {matchLabels: {app: db}}
"#,
            from: "staging/client",
            to: "prod/web",
            traffic: "TCP 8080",
            want: DenyIngress,
            deciding: &["prod/web-egress"],
        },
        Case {
            rule: "spec.policyTypes: an egress-only policy must say [Egress]; it leaves ingress alone",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-egress, namespace: prod}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - to:
    - podSelector: {matchLabels: {app: db}}
"#,
            from: "staging/client",
            to: "prod/web",
            traffic: "TCP 8080",
            want: Allow,
            deciding: &[],
        },
        Case {
            rule: "spec.policyTypes: a no-egress policy must include Egress (policyTypes [Egress], no egress section = deny all egress)",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-egress, namespace: prod}
spec:
  podSelector: {}
  policyTypes: [Egress]
"#,
            from: "prod/web",
            to: "prod/db",
            traffic: "TCP 3306",
            want: DenyEgress,
            deciding: &["prod/default-deny-egress"],
        },
        Case {
            rule: "spec.policyTypes: [] (empty list) is defaulted like an absent field",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: empty-types, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: []
"#,
            from: "prod/web",
            to: "prod/db",
            traffic: "TCP 3306",
            want: DenyIngress,
            deciding: &["prod/empty-types"],
        },
        Case {
            rule: "spec.policyTypes [Ingress] explicitly: egress rules present are ignored",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ingress-only, namespace: prod}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
  ingress: [{}]
  egress:
  - to:
    - podSelector: {matchLabels: {app: db}}
"#,
            from: "prod/web",
            to: "prod/cache",
            traffic: "TCP 6379",
            want: Allow,
            deciding: &[],
        },
        Case {
            rule: "concepts: default deny all ingress and all egress ([Ingress, Egress], no rules)",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-all, namespace: prod}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
"#,
            from: "prod/web",
            to: "prod/db",
            traffic: "TCP 3306",
            want: DenyBoth,
            deciding: &["prod/default-deny-all"],
        },
        Case {
            rule: "concepts: default allow all ingress (ingress: [{}]) even when another policy isolates the pod",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-ingress, namespace: prod}
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all-ingress, namespace: prod}
spec:
  podSelector: {}
  ingress:
  - {}
  policyTypes: [Ingress]
"#,
            from: "ip:8.8.8.8",
            to: "prod/db",
            traffic: "UDP 9999",
            want: Allow,
            deciding: &["prod/allow-all-ingress"],
        },
        Case {
            rule: "concepts: default allow all egress (egress: [{}], policyTypes [Egress])",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-egress, namespace: prod}
spec:
  podSelector: {}
  policyTypes: [Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all-egress, namespace: prod}
spec:
  podSelector: {}
  egress:
  - {}
  policyTypes: [Egress]
"#,
            from: "prod/web",
            to: "ip:2001:db8::5",
            traffic: "SCTP 1",
            want: Allow,
            deciding: &["prod/allow-all-egress"],
        },
        Case {
            rule: "concepts: policies are additive; the union of the rules of every policy selecting the pod applies",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-web, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: backend-from-cache, namespace: prod}
spec:
  podSelector: {matchLabels: {tier: backend}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: cache}}}]
"#,
            from: "prod/cache",
            to: "prod/db",
            traffic: "TCP 3306",
            want: Allow,
            deciding: &["prod/backend-from-cache"],
        },
        Case {
            rule: "concepts: additive; traffic admitted by neither selecting policy is denied, both named",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-web, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: backend-from-cache, namespace: prod}
spec:
  podSelector: {matchLabels: {tier: backend}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: cache}}}]
"#,
            from: "prod/sig",
            to: "prod/db",
            traffic: "TCP 3306",
            want: DenyIngress,
            deciding: &["prod/backend-from-cache", "prod/db-from-web"],
        },
        Case {
            rule: "concepts: a flow needs the source's egress AND the destination's ingress (egress allowed, ingress denied)",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-egress-all, namespace: prod}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress: [{}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: cache-closed, namespace: prod}
spec:
  podSelector: {matchLabels: {app: cache}}
  policyTypes: [Ingress]
"#,
            from: "prod/web",
            to: "prod/cache",
            traffic: "TCP 6379",
            want: DenyIngress,
            deciding: &["prod/web-egress-all", "prod/cache-closed"],
        },
        Case {
            rule: "concepts: policies of another namespace do not select this namespace's pods",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: staging}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
"#,
            from: "prod/web",
            to: "prod/db",
            traffic: "TCP 3306",
            want: Allow,
            deciding: &[],
        },
        Case {
            rule: "concepts: a policy in the destination's namespace isolates it even if the source's namespace has none",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: staging}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
"#,
            from: "prod/web",
            to: "staging/web",
            traffic: "TCP 8080",
            want: DenyIngress,
            deciding: &["staging/deny-all"],
        },
        Case {
            rule: "concepts: a pod cannot block access to itself",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: prod}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
"#,
            from: "prod/web",
            to: "prod/web",
            traffic: "TCP 8080",
            want: Allow,
            deciding: &[],
        },
        Case {
            rule: "spec.ingress: traffic is allowed if the source is the pod's local node",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: prod}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
"#,
            from: "node:node-1:192.168.56.11",
            to: "prod/web",
            traffic: "TCP 8080",
            want: Allow,
            deciding: &[],
        },
        Case {
            rule: "concepts: traffic to the node where the pod runs is always allowed (egress, kubelet probes' peer)",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: prod}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
"#,
            from: "prod/web",
            to: "node:node-1:192.168.56.11",
            traffic: "TCP 10250",
            want: Allow,
            deciding: &[],
        },
        Case {
            rule: "concepts: another node is not the pod's node; only ipBlock rules can admit it",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: prod}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
"#,
            from: "node:node-2:192.168.56.12",
            to: "prod/web",
            traffic: "TCP 8080",
            want: DenyIngress,
            deciding: &["prod/deny-all"],
        },
    ]);
}

//! LabelSelector rules of the API reference (matchLabels and matchExpressions ANDed; In, NotIn,
//! Exists, DoesNotExist; invalid selectors), one row per rule (the `rule` field cites it).

use crate::support::{Case, Want::*, run};

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

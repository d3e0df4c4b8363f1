//! Named ports of the API reference: resolved against the destination pod's container ports (for
//! ingress and egress rules), protocol included; endPort and numeric strings are invalid with names.

use crate::support::{Case, Want::*, run};

const WEB_NAMED_HTTP: &str = r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-http, namespace: prod}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - ports: [{port: http}]
"#;

const EGRESS_NAMED_MYSQL: &str = r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-to-mysql, namespace: prod}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - to: [{podSelector: {matchLabels: {tier: backend}}}]
    ports: [{port: mysql}]
"#;

const EGRESS_NAMED_HTTP: &str = r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-to-http, namespace: prod}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - ports: [{port: http}]
"#;

const METRICS_UDP_NAMED: &str = r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: metrics-udp, namespace: prod}
spec:
  podSelector: {matchLabels: {app: metrics}}
  ingress:
  - ports: [{port: metrics, protocol: UDP}]
"#;

#[test]
fn named_ports() {
    run(&[
        Case {
            rule: "NetworkPolicyPort.port: a named port on a pod (ingress: the selected pod's containerPort)",
            yaml: WEB_NAMED_HTTP,
            from: "staging/client",
            to: "prod/web",
            traffic: "TCP 8080",
            want: Allow,
            deciding: &["prod/web-http"],
        },
        Case {
            rule: "named port: another number on the same pod does not match",
            yaml: WEB_NAMED_HTTP,
            from: "staging/client",
            to: "prod/web",
            traffic: "TCP 80",
            want: DenyIngress,
            deciding: &["prod/web-http"],
        },
        Case {
            rule: "named port: the name's protocol (TCP by default) must match the traffic",
            yaml: WEB_NAMED_HTTP,
            from: "staging/client",
            to: "prod/web",
            traffic: "UDP 8080",
            want: DenyIngress,
            deciding: &["prod/web-http"],
        },
        Case {
            rule: "named port in an egress rule resolves against the destination pod (db declares mysql=3306)",
            yaml: EGRESS_NAMED_MYSQL,
            from: "prod/web",
            to: "prod/db",
            traffic: "TCP 3306",
            want: Allow,
            deciding: &["prod/web-to-mysql"],
        },
        Case {
            rule: "egress named port: a destination that does not declare the name is not admitted on that number",
            yaml: EGRESS_NAMED_MYSQL,
            from: "prod/web",
            to: "prod/cache",
            traffic: "TCP 3306",
            want: DenyEgress,
            deciding: &["prod/web-to-mysql"],
        },
        Case {
            rule: "egress named port: not resolved against the source (web's own http=8080 does not open 8080 to db)",
            yaml: EGRESS_NAMED_HTTP,
            from: "prod/web",
            to: "prod/db",
            traffic: "TCP 8080",
            want: DenyEgress,
            deciding: &["prod/web-to-http"],
        },
        Case {
            rule: "egress named port: a destination declaring http=8080 is admitted",
            yaml: EGRESS_NAMED_HTTP,
            from: "prod/web",
            to: "staging/web",
            traffic: "TCP 8080",
            want: Allow,
            deciding: &["prod/web-to-http"],
        },
        Case {
            rule: "egress named port: an address that is not a pod has no named ports",
            yaml: EGRESS_NAMED_HTTP,
            from: "prod/web",
            to: "ip:93.184.216.34",
            traffic: "TCP 8080",
            want: DenyEgress,
            deciding: &["prod/web-to-http"],
        },
        Case {
            rule: "named port with protocol UDP: the UDP containerPort of that name matches",
            yaml: METRICS_UDP_NAMED,
            from: "prod/web",
            to: "prod/metrics",
            traffic: "UDP 9100",
            want: Allow,
            deciding: &["prod/metrics-udp"],
        },
        Case {
            rule: "named port with protocol UDP: the TCP port of the same name and number does not",
            yaml: METRICS_UDP_NAMED,
            from: "prod/web",
            to: "prod/metrics",
            traffic: "TCP 9100",
            want: DenyIngress,
            deciding: &["prod/metrics-udp"],
        },
        Case {
            rule: "named SCTP port",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: diameter-named, namespace: prod}
spec:
  podSelector: {matchLabels: {app: sig}}
  ingress:
  - ports: [{port: diameter, protocol: SCTP}]
"#,
            from: "prod/web",
            to: "prod/sig",
            traffic: "SCTP 3868",
            want: Allow,
            deciding: &["prod/diameter-named"],
        },
        Case {
            rule: "named port without protocol means TCP: the SCTP port of that name does not match",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: diameter-tcp, namespace: prod}
spec:
  podSelector: {matchLabels: {app: sig}}
  ingress:
  - ports: [{port: diameter}]
"#,
            from: "prod/web",
            to: "prod/sig",
            traffic: "SCTP 3868",
            want: DenyIngress,
            deciding: &["prod/diameter-tcp"],
        },
        Case {
            rule: "NetworkPolicyPort.endPort cannot be used with a named port (invalid, matches nothing)",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: named-range, namespace: prod}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - ports: [{port: http, endPort: 8090}]
"#,
            from: "staging/client",
            to: "prod/web",
            traffic: "TCP 8080",
            want: DenyIngress,
            deciding: &["prod/named-range"],
        },
        Case {
            rule: "a numeric string port \"3306\" is neither a number nor a name (invalid, matches nothing)",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: string-number, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - ports: [{port: "3306"}]
"#,
            from: "prod/web",
            to: "prod/db",
            traffic: "TCP 3306",
            want: DenyIngress,
            deciding: &["prod/string-number"],
        },
    ]);
}

//! NetworkPolicyPort rules of the API reference (protocol default, numeric and named ports,
//! endPort, protocol-only entries, SCTP) and the concepts page's port-range example.

use crate::support::{Case, Want::*, run};

const DB_3306: &str = r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-3306, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - ports: [{port: 3306}]
"#;

const WEB_UDP_ONLY: &str = r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-udp, namespace: prod}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - ports: [{protocol: UDP}]
"#;

const MULTI_PORT_EGRESS: &str = r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: multi-port-egress, namespace: prod}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - to:
    - ipBlock: {cidr: 10.0.0.0/24}
    ports:
    - protocol: TCP
      port: 32000
      endPort: 32768
"#;

const SCTP_DIAMETER: &str = r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: diameter, namespace: prod}
spec:
  podSelector: {matchLabels: {app: sig}}
  ingress:
  - ports: [{protocol: SCTP, port: 3868}]
"#;

#[test]
fn numeric_ports_protocols_and_ranges() {
    run(&[
        Case {
            rule: "NetworkPolicyPort.protocol: if not specified, defaults to TCP (TCP matches)",
            yaml: DB_3306,
            from: "prod/web",
            to: "prod/db",
            traffic: "TCP 3306",
            want: Allow,
            deciding: &["prod/db-3306"],
        },
        Case {
            rule: "NetworkPolicyPort.protocol defaults to TCP (so UDP on the same port does not match)",
            yaml: DB_3306,
            from: "prod/web",
            to: "prod/db",
            traffic: "UDP 3306",
            want: DenyIngress,
            deciding: &["prod/db-3306"],
        },
        Case {
            rule: "NetworkPolicyPort.port: if present, only the specified protocol AND port match",
            yaml: DB_3306,
            from: "prod/web",
            to: "prod/db",
            traffic: "TCP 3307",
            want: DenyIngress,
            deciding: &["prod/db-3306"],
        },
        Case {
            rule: "NetworkPolicyPort.port: not provided = all port numbers (of the protocol)",
            yaml: WEB_UDP_ONLY,
            from: "prod/web",
            to: "ip:9.9.9.9",
            traffic: "UDP 40000",
            want: Allow,
            deciding: &["prod/web-udp"],
        },
        Case {
            rule: "NetworkPolicyPort with only protocol: other protocols do not match",
            yaml: WEB_UDP_ONLY,
            from: "prod/web",
            to: "ip:9.9.9.9",
            traffic: "TCP 443",
            want: DenyEgress,
            deciding: &["prod/web-udp"],
        },
        Case {
            rule: "concepts SCTP support: protocol SCTP matches SCTP traffic",
            yaml: SCTP_DIAMETER,
            from: "prod/web",
            to: "prod/sig",
            traffic: "SCTP 3868",
            want: Allow,
            deciding: &["prod/diameter"],
        },
        Case {
            rule: "protocol SCTP does not match TCP on the same port",
            yaml: SCTP_DIAMETER,
            from: "prod/web",
            to: "prod/sig",
            traffic: "TCP 3868",
            want: DenyIngress,
            deciding: &["prod/diameter"],
        },
        Case {
            rule: "NetworkPolicyPort.endPort: range port..=endPort inclusive (lower edge)",
            yaml: MULTI_PORT_EGRESS,
            from: "prod/web",
            to: "ip:10.0.0.7",
            traffic: "TCP 32000",
            want: Allow,
            deciding: &["prod/multi-port-egress"],
        },
        Case {
            rule: "NetworkPolicyPort.endPort: inclusive upper edge",
            yaml: MULTI_PORT_EGRESS,
            from: "prod/web",
            to: "ip:10.0.0.7",
            traffic: "TCP 32768",
            want: Allow,
            deciding: &["prod/multi-port-egress"],
        },
        Case {
            rule: "NetworkPolicyPort.endPort: above the range",
            yaml: MULTI_PORT_EGRESS,
            from: "prod/web",
            to: "ip:10.0.0.7",
            traffic: "TCP 32769",
            want: DenyEgress,
            deciding: &["prod/multi-port-egress"],
        },
        Case {
            rule: "NetworkPolicyPort.endPort: below the range",
            yaml: MULTI_PORT_EGRESS,
            from: "prod/web",
            to: "ip:10.0.0.7",
            traffic: "TCP 31999",
            want: DenyEgress,
            deciding: &["prod/multi-port-egress"],
        },
        Case {
            rule: "concepts port range example: the destination must also be in 10.0.0.0/24",
            yaml: MULTI_PORT_EGRESS,
            from: "prod/web",
            to: "ip:10.0.1.7",
            traffic: "TCP 32100",
            want: DenyEgress,
            deciding: &["prod/multi-port-egress"],
        },
        Case {
            rule: "NetworkPolicyPort.endPort must be >= port: equal is a one-port range",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: one-port-range, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - ports: [{port: 3306, endPort: 3306}]
"#,
            from: "prod/web",
            to: "prod/db",
            traffic: "TCP 3306",
            want: Allow,
            deciding: &["prod/one-port-range"],
        },
        Case {
            rule: "NetworkPolicyPort.endPort below port is invalid: the entry matches nothing",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: backwards-range, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - ports: [{port: 3306, endPort: 3300}]
"#,
            from: "prod/web",
            to: "prod/db",
            traffic: "TCP 3303",
            want: DenyIngress,
            deciding: &["prod/backwards-range"],
        },
        Case {
            rule: "NetworkPolicyPort.endPort cannot be defined if port is not defined (invalid, matches nothing)",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: endport-alone, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - ports: [{endPort: 3306}]
"#,
            from: "prod/web",
            to: "prod/db",
            traffic: "TCP 3306",
            want: DenyIngress,
            deciding: &["prod/endport-alone"],
        },
        Case {
            rule: "protocol values are TCP, UDP or SCTP: lower-case 'tcp' is rejected by the API (matches nothing)",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: lower-protocol, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - ports: [{port: 3306, protocol: tcp}]
"#,
            from: "prod/web",
            to: "prod/db",
            traffic: "TCP 3306",
            want: DenyIngress,
            deciding: &["prod/lower-protocol"],
        },
        Case {
            rule: "a port number outside 1-65535 is invalid (matches nothing)",
            yaml: r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: port-zero, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - ports: [{port: 0}, {port: 70000}]
"#,
            from: "prod/web",
            to: "prod/db",
            traffic: "TCP 3306",
            want: DenyIngress,
            deciding: &["prod/port-zero"],
        },
    ]);
}

//! IPBlock and NetworkPolicyPeer.ipBlock rules of the API reference and the concepts page's
//! example (cidr, except, IPv6, pod IPs as our documented choice), one row per rule.

use crate::support::{Case, Want::*, run};

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

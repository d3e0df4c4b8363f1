//! Properties over random policies (valid and invalid mixed): nothing panics, the order of
//! the policies never changes a verdict (policies are additive), `allowed` is exactly "both
//! sides permit", and a side is reported not isolated only when no policy of that direction
//! selects the pod.

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer,
    NetworkPolicyPort, NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{
    LabelSelector, LabelSelectorRequirement, ObjectMeta,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kmedic::netpolicy::{Direction, Endpoint, PolicySet, Protocol, SideVerdict, Traffic};

use crate::support::World;

fn pick<'a>(rng: &mut fastrand::Rng, items: &[&'a str]) -> &'a str {
    items[rng.usize(..items.len())]
}

fn selector(rng: &mut fastrand::Rng) -> LabelSelector {
    let keys = [
        "app",
        "role",
        "tier",
        "env",
        "user",
        "k8s-app",
        "kubernetes.io/metadata.name",
    ];
    let values = [
        "web", "db", "cache", "client", "backend", "prod", "staging", "alice", "kube-dns",
    ];
    let mut s = LabelSelector::default();
    if rng.bool() {
        let mut m = BTreeMap::new();
        for _ in 0..rng.usize(0..3) {
            m.insert(pick(rng, &keys).to_string(), pick(rng, &values).to_string());
        }
        s.match_labels = Some(m);
    }
    if rng.u8(..4) == 0 {
        let ops = ["In", "NotIn", "Exists", "DoesNotExist", "Bogus"];
        let exprs = (0..rng.usize(1..3))
            .map(|_| LabelSelectorRequirement {
                key: pick(rng, &keys).into(),
                operator: pick(rng, &ops).into(),
                values: rng.bool().then(|| {
                    (0..rng.usize(0..3))
                        .map(|_| pick(rng, &values).to_string())
                        .collect()
                }),
            })
            .collect();
        s.match_expressions = Some(exprs);
    }
    s
}

fn peer(rng: &mut fastrand::Rng) -> NetworkPolicyPeer {
    let cidrs = [
        "10.244.0.0/16",
        "10.244.1.0/24",
        "0.0.0.0/0",
        "172.17.0.0/16",
        "fd00::/8",
        "2001:db8::/32",
        "bad",
        "10.244.1.20/32",
        "10.0.0.1/8",
    ];
    let mut p = NetworkPolicyPeer::default();
    match rng.u8(..5) {
        0 => {
            p.ip_block = Some(IPBlock {
                cidr: pick(rng, &cidrs).into(),
                except: rng.bool().then(|| vec![pick(rng, &cidrs).to_string()]),
            })
        }
        1 => p.namespace_selector = Some(selector(rng)),
        2 => {
            p.namespace_selector = Some(selector(rng));
            p.pod_selector = Some(selector(rng));
        }
        3 => p.pod_selector = Some(selector(rng)),
        _ => {
            if rng.bool() {
                p.pod_selector = Some(selector(rng));
                p.ip_block = Some(IPBlock {
                    cidr: "10.0.0.0/8".into(),
                    except: None,
                });
            }
        }
    }
    p
}

fn port(rng: &mut fastrand::Rng) -> NetworkPolicyPort {
    let names = [
        "http", "mysql", "dns", "dns-tcp", "metrics", "diameter", "53", "",
    ];
    let protocols = ["TCP", "UDP", "SCTP", "tcp", "ICMP"];
    NetworkPolicyPort {
        protocol: rng.bool().then(|| pick(rng, &protocols).to_string()),
        port: match rng.u8(..3) {
            0 => None,
            1 => Some(IntOrString::Int(rng.i32(-5..70000).min(rng.i32(0..9200)))),
            _ => Some(IntOrString::String(pick(rng, &names).into())),
        },
        end_port: (rng.u8(..4) == 0).then(|| rng.i32(0..70000)),
    }
}

fn list<T>(rng: &mut fastrand::Rng, make: impl Fn(&mut fastrand::Rng) -> T) -> Option<Vec<T>> {
    match rng.u8(..4) {
        0 => None,
        1 => Some(Vec::new()),
        _ => Some((0..rng.usize(1..4)).map(|_| make(rng)).collect()),
    }
}

fn policy(rng: &mut fastrand::Rng, index: usize) -> NetworkPolicy {
    let namespaces = ["prod", "staging", "other", "kube-system"];
    let types = ["Ingress", "Egress", "ingress"];
    NetworkPolicy {
        metadata: ObjectMeta {
            name: Some(format!("p{index}")),
            namespace: Some(pick(rng, &namespaces).into()),
            ..Default::default()
        },
        spec: Some(NetworkPolicySpec {
            pod_selector: rng.u8(..8).ne(&0).then(|| selector(rng)),
            policy_types: list(rng, |r| pick(r, &types).to_string()),
            ingress: list(rng, |r| NetworkPolicyIngressRule {
                from: list(r, peer),
                ports: list(r, port),
            }),
            egress: list(rng, |r| NetworkPolicyEgressRule {
                to: list(r, peer),
                ports: list(r, port),
            }),
        }),
    }
}

#[test]
fn random_policies_keep_the_invariants() {
    let world = World::new();
    let mut rng = fastrand::Rng::with_seed(0x6b6d_6564_6963);
    let mut ends: Vec<Endpoint> = world.pods.iter().map(Endpoint::Pod).collect();
    ends.push(world.end("ip:172.17.0.5"));
    ends.push(world.end("ip:2001:db8::5"));
    ends.push(world.end("node:node-1:192.168.56.11"));
    let traffics = [
        Traffic::tcp(3306),
        Traffic::udp(53),
        Traffic::tcp(53),
        Traffic::sctp(3868),
        Traffic::tcp(8080),
        Traffic {
            port: 9100,
            protocol: Protocol::Udp,
        },
    ];
    let mut denied = 0;
    for round in 0..60 {
        let policies: Vec<NetworkPolicy> =
            (0..rng.usize(1..7)).map(|i| policy(&mut rng, i)).collect();
        let forward = PolicySet::new(&policies);
        let reversed: Vec<NetworkPolicy> = policies.iter().rev().cloned().collect();
        let backward = PolicySet::new(&reversed);
        for from in &ends {
            for to in &ends {
                let traffic = traffics[rng.usize(..traffics.len())];
                let a = forward.evaluate(*from, *to, traffic);
                let b = backward.evaluate(*from, *to, traffic);
                assert_eq!(a, b, "round {round}: order changed the verdict");
                assert_eq!(a.allowed, a.egress.permits() && a.ingress.permits());
                if !a.allowed {
                    denied += 1;
                }
                if let (SideVerdict::NotIsolated, Endpoint::Pod(pod)) = (&a.egress, from) {
                    assert!(!forward.is_isolated(pod, Direction::Egress));
                }
                if let (SideVerdict::NotIsolated, Endpoint::Pod(pod)) = (&a.ingress, to) {
                    assert!(!forward.is_isolated(pod, Direction::Ingress));
                }
                let _ = forward.explain(&a, from, to);
            }
        }
        let _ = forward.peers_matching_nothing(&world.pods, &world.namespaces);
        let _ = forward.isolated_without_allow(&world.pods, &world.namespaces, Direction::Ingress);
        let _ = forward.default_patterns();
    }
    // The generator must actually produce denials, or the properties prove little.
    assert!(denied > 100, "only {denied} denials");
}

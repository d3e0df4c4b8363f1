//! Rule ports: compiling a `NetworkPolicyPort` (protocol defaulting to TCP, a numeric port, a
//! numeric range with `endPort`, a named port, or a protocol alone = every port of it) and
//! matching it against the traffic. Named ports resolve against the destination pod's
//! container ports, for ingress and egress rules alike; an address that is not a pod has no
//! named ports.

use k8s_openapi::api::networking::v1::NetworkPolicyPort;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::compile::IssueSink;
use super::endpoint::{Endpoint, Protocol, Traffic};

/// A compiled port entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum CompiledPort {
    /// No `port`: every port of the protocol.
    AllOf(Protocol),
    /// `port` (and `endPort`): `first..=last`.
    Range {
        protocol: Protocol,
        first: u16,
        last: u16,
    },
    /// A named port of the destination pod.
    Named { protocol: Protocol, name: String },
    /// An entry the API server would reject; it matches nothing.
    Invalid,
}

impl CompiledPort {
    pub(crate) fn compile(port: &NetworkPolicyPort, field: &str, sink: &mut IssueSink) -> Self {
        let protocol = match port.protocol.as_deref() {
            None => Protocol::Tcp,
            Some(text) => match Protocol::parse(text) {
                Some(p) => p,
                None => {
                    sink.invalid(
                        &format!("{field}.protocol"),
                        &format!("unsupported protocol {text:?} (TCP, UDP or SCTP)"),
                    );
                    return CompiledPort::Invalid;
                }
            },
        };
        match (&port.port, port.end_port) {
            (None, None) => CompiledPort::AllOf(protocol),
            (None, Some(_)) => {
                sink.invalid(
                    &format!("{field}.endPort"),
                    "endPort may only be set together with a numeric port",
                );
                CompiledPort::Invalid
            }
            (Some(IntOrString::Int(number)), end) => {
                let Some(first) = port_number(*number) else {
                    sink.invalid(
                        &format!("{field}.port"),
                        &format!("{number} is not a port number (1-65535)"),
                    );
                    return CompiledPort::Invalid;
                };
                let last = match end {
                    None => first,
                    Some(end) => match port_number(end) {
                        Some(last) if last >= first => last,
                        _ => {
                            sink.invalid(
                                &format!("{field}.endPort"),
                                &format!(
                                    "endPort {end} must be a port number not below port {first}"
                                ),
                            );
                            return CompiledPort::Invalid;
                        }
                    },
                };
                CompiledPort::Range {
                    protocol,
                    first,
                    last,
                }
            }
            (Some(IntOrString::String(name)), end) => {
                if end.is_some() {
                    sink.invalid(
                        &format!("{field}.endPort"),
                        "endPort cannot be used with a named port",
                    );
                    return CompiledPort::Invalid;
                }
                if name.is_empty() || name.bytes().all(|b| b.is_ascii_digit()) {
                    sink.invalid(
                        &format!("{field}.port"),
                        &format!("{name:?} is neither a port number nor a port name (a name needs a letter)"),
                    );
                    return CompiledPort::Invalid;
                }
                CompiledPort::Named {
                    protocol,
                    name: name.clone(),
                }
            }
        }
    }

    /// Does this entry admit `traffic` arriving at `destination`?
    pub(crate) fn matches(&self, traffic: Traffic, destination: &Endpoint<'_>) -> bool {
        match self {
            CompiledPort::Invalid => false,
            CompiledPort::AllOf(protocol) => *protocol == traffic.protocol,
            CompiledPort::Range {
                protocol,
                first,
                last,
            } => *protocol == traffic.protocol && (*first..=*last).contains(&traffic.port),
            CompiledPort::Named { protocol, name } => {
                *protocol == traffic.protocol
                    && destination.pod().is_some_and(|pod| {
                        pod.ports.iter().any(|p| {
                            p.name.as_deref() == Some(name.as_str())
                                && p.protocol == *protocol
                                && p.number == traffic.port
                        })
                    })
            }
        }
    }
}

fn port_number(value: i32) -> Option<u16> {
    u16::try_from(value).ok().filter(|p| *p >= 1)
}

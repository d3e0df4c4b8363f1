//! Builders that turn full Kubernetes objects into compact `Row`s (one per kind), following
//! what `kubectl get` prints. Pure functions: no I/O, unit tested.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Endpoints, Event, Namespace, Node, Pod, Service};

use super::Row;

/// A Pod as the Pods table shows it: ready `2/3`, kubectl's status word, restarts with the time
/// of the last one, age, IP, node. `links` = `RowLinks::Pod`.
pub fn pod_row(_pod: &Pod) -> Row {
    todo!("H3")
}

/// Node: status (Ready / NotReady / Unknown, plus `,SchedulingDisabled`), roles from
/// `node-role.kubernetes.io/*` labels, kubelet version, age, allocatable CPU and memory.
/// The PODS cell is `Cell::Joined`.
pub fn node_row(_node: &Node) -> Row {
    todo!("H3")
}

/// Service: type, cluster IP, external IP, ports (`80/TCP`, `80:30080/TCP`), selector
/// (`app=web,tier=fe` or `<none>`), ENDPOINTS = `Cell::Joined`, age.
pub fn service_row(_svc: &Service) -> Row {
    todo!("H3")
}

pub fn namespace_row(_ns: &Namespace) -> Row {
    todo!("H3")
}

pub fn deployment_row(_d: &Deployment) -> Row {
    todo!("H3")
}

/// core/v1 Event. `links` = `RowLinks::Event` naming the involved object.
pub fn event_row(_e: &Event) -> Row {
    todo!("H3")
}

/// Endpoints: `links` = `RowLinks::Endpoints { ready, total }`.
pub fn endpoints_row(_e: &Endpoints) -> Row {
    todo!("H3")
}

//! The Services table row: type, cluster IP, external IP, ports and selector like kubectl.

use crate::objects::{LoadBalancerStatus, Service, ServicePort, Str};

use super::{created, meta_key, name_cell, namespace_cell, or_none};
use crate::model::{Cell, Health, Row, RowLinks};

/// kubectl truncates load-balancer addresses to this many characters in the narrow table.
const LOAD_BALANCER_WIDTH: usize = 16;

/// Service: type, cluster IP, external IP, ports (`80/TCP`, `80:30080/TCP`), selector
/// (`app=web,tier=fe` or `<none>`), ENDPOINTS = `Cell::Joined`, age.
pub fn service_row(svc: &Service) -> Row {
    let key = meta_key(&svc.metadata);
    let spec = svc.spec.clone().unwrap_or_default();
    let type_ = spec
        .type_
        .as_deref()
        .filter(|t| !t.is_empty())
        .unwrap_or("ClusterIP")
        .to_string();
    let selector = spec
        .selector
        .as_ref()
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_else(|| "<none>".to_string());
    let lb = svc.status.as_ref().and_then(|s| s.load_balancer.as_ref());
    let cells = vec![
        namespace_cell(&svc.metadata),
        name_cell(&svc.metadata),
        Cell::text(&type_),
        Cell::Text(or_none(spec.cluster_ip.as_ref())),
        Cell::text(external_ip(
            &type_,
            spec.external_ips.as_deref().unwrap_or(&[]),
            spec.external_name.as_ref(),
            lb,
        )),
        Cell::text(ports(spec.ports.as_deref().unwrap_or(&[]))),
        Cell::text(selector),
        Cell::Joined,
        Cell::Age(created(&svc.metadata)),
    ];
    Row {
        key,
        cells,
        health: Health::Ok,
        links: RowLinks::None,
    }
}

/// `80/TCP,443:30443/TCP`, or `<none>` without ports.
pub fn ports(ports: &[ServicePort]) -> String {
    if ports.is_empty() {
        return "<none>".to_string();
    }
    ports
        .iter()
        .map(|p| {
            let proto = p.protocol.as_deref().unwrap_or("TCP");
            match p.node_port.filter(|n| *n > 0) {
                Some(np) => format!("{}:{np}/{proto}", p.port),
                None => format!("{}/{proto}", p.port),
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn load_balancer_addresses(lb: Option<&LoadBalancerStatus>) -> String {
    let joined = lb
        .and_then(|lb| lb.ingress.as_ref())
        .map(|ing| {
            ing.iter()
                .filter_map(|i| {
                    i.ip.as_deref()
                        .filter(|s| !s.is_empty())
                        .or(i.hostname.as_deref().filter(|s| !s.is_empty()))
                })
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    if joined.chars().count() > LOAD_BALANCER_WIDTH {
        let head: String = joined.chars().take(LOAD_BALANCER_WIDTH - 3).collect();
        format!("{head}...")
    } else {
        joined
    }
}

/// kubectl's EXTERNAL-IP column.
fn external_ip(
    type_: &str,
    external_ips: &[Str],
    external_name: Option<&Str>,
    lb: Option<&LoadBalancerStatus>,
) -> String {
    match type_ {
        "ClusterIP" | "NodePort" => {
            if external_ips.is_empty() {
                "<none>".to_string()
            } else {
                external_ips.join(",")
            }
        }
        "LoadBalancer" => {
            let lb_ips = load_balancer_addresses(lb);
            let mut all: Vec<String> = Vec::new();
            if !lb_ips.is_empty() {
                all.extend(lb_ips.split(',').map(str::to_string));
            }
            all.extend(external_ips.iter().map(|s| s.to_string()));
            if all.is_empty() {
                "<pending>".to_string()
            } else {
                all.join(",")
            }
        }
        "ExternalName" => or_none(external_name).to_string(),
        _ => "<unknown>".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::build::obj;
    use serde_json::json;

    fn svc(spec: serde_json::Value, status: serde_json::Value) -> Service {
        obj(json!({
            "metadata": {"name": "web", "namespace": "shop"},
            "spec": spec,
            "status": status
        }))
    }

    fn text(row: &Row, i: usize) -> String {
        match &row.cells[i] {
            Cell::Text(s) => s.to_string(),
            other => panic!("not text: {other:?}"),
        }
    }

    #[test]
    fn cluster_ip_service() {
        let row = service_row(&svc(
            json!({"type": "ClusterIP", "clusterIP": "10.96.0.10",
                   "selector": {"tier": "fe", "app": "web"},
                   "ports": [{"port": 80, "protocol": "TCP"}, {"port": 53, "protocol": "UDP"}]}),
            json!({}),
        ));
        assert_eq!(row.cells.len(), 9);
        assert_eq!(text(&row, 0), "shop");
        assert_eq!(text(&row, 2), "ClusterIP");
        assert_eq!(text(&row, 3), "10.96.0.10");
        assert_eq!(text(&row, 4), "<none>");
        assert_eq!(text(&row, 5), "80/TCP,53/UDP");
        assert_eq!(text(&row, 6), "app=web,tier=fe");
        assert_eq!(row.cells[7], Cell::Joined);
    }

    #[test]
    fn node_port_and_headless() {
        let row = service_row(&svc(
            json!({"type": "NodePort", "clusterIP": "10.0.0.1",
                   "ports": [{"port": 80, "nodePort": 30080}, {"port": 443, "nodePort": 30443, "protocol": "TCP"}]}),
            json!({}),
        ));
        assert_eq!(text(&row, 5), "80:30080/TCP,443:30443/TCP");
        assert_eq!(text(&row, 6), "<none>");
        let row = service_row(&svc(
            json!({"type": "ClusterIP", "clusterIP": "None"}),
            json!({}),
        ));
        assert_eq!(text(&row, 3), "None");
        assert_eq!(text(&row, 5), "<none>");
    }

    #[test]
    fn load_balancer_external_ip() {
        let pending = service_row(&svc(
            json!({"type": "LoadBalancer", "clusterIP": "10.0.0.2"}),
            json!({}),
        ));
        assert_eq!(text(&pending, 4), "<pending>");
        let ip = service_row(&svc(
            json!({"type": "LoadBalancer", "externalIPs": ["5.6.7.8"]}),
            json!({"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}),
        ));
        assert_eq!(text(&ip, 4), "1.2.3.4,5.6.7.8");
        let host = service_row(&svc(
            json!({"type": "LoadBalancer"}),
            json!({"loadBalancer": {"ingress": [{"hostname": "lb.example.com"}]}}),
        ));
        assert_eq!(text(&host, 4), "lb.example.com");
        let long = service_row(&svc(
            json!({"type": "LoadBalancer"}),
            json!({"loadBalancer": {"ingress": [{"hostname": "a-very-long-name.elb.amazonaws.com"}]}}),
        ));
        assert_eq!(text(&long, 4), "a-very-long-n...");
        let ext = service_row(&svc(
            json!({"type": "ClusterIP", "externalIPs": ["9.9.9.9"]}),
            json!({}),
        ));
        assert_eq!(text(&ext, 4), "9.9.9.9");
    }

    #[test]
    fn external_name() {
        let row = service_row(&svc(
            json!({"type": "ExternalName", "externalName": "db.example.com"}),
            json!({}),
        ));
        assert_eq!(text(&row, 2), "ExternalName");
        assert_eq!(text(&row, 3), "<none>");
        assert_eq!(text(&row, 4), "db.example.com");
    }

    #[test]
    fn empty_service_never_panics() {
        let row = service_row(&Service::default());
        assert_eq!(row.cells.len(), 9);
    }
}

//! Service describe body: type, IPs, ports (`name port/proto → targetPort`), selector,
//! session affinity and traffic policies.

use k8s_openapi::api::core::v1::Service;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::out::Out;
use crate::model::Cell;
use crate::model::build::service_row;

/// `endpoints`: `None` while kubectl's extra reads are not there (nothing is printed),
/// `Some(None)` when the Service has no Endpoints object.
pub(crate) fn describe(
    out: &mut Out,
    svc: &Service,
    lite: &crate::objects::Service,
    endpoints: Option<Option<&serde_json::Value>>,
) {
    let spec = svc.spec.clone().unwrap_or_default();
    let row = service_row(lite);
    let cell = |i: usize| match row.cells.get(i) {
        Some(Cell::Text(s)) => s.to_string(),
        _ => String::new(),
    };
    out.field(0, "Type:", cell(2));
    out.string_map(0, "Selector:", spec.selector.as_ref(), "=");
    out.field(0, "IP:", cell(3));
    let ips = spec.cluster_ips.clone().unwrap_or_default();
    if ips.len() > 1 {
        out.field(0, "IPs:", ips.join(","));
    }
    if let Some(families) = spec.ip_families.as_deref().filter(|f| !f.is_empty()) {
        out.field(0, "IP Families:", families.join(","));
    }
    out.field_opt(0, "IP Family Policy:", spec.ip_family_policy.as_deref());
    out.field(0, "External IP:", cell(4));
    out.field_opt(0, "External Name:", spec.external_name.as_deref());

    let ports = spec.ports.as_deref().unwrap_or(&[]);
    if ports.is_empty() {
        out.field(0, "Ports:", "<none>");
    } else {
        out.heading("Ports:");
        for p in ports {
            let proto = p.protocol.as_deref().unwrap_or("TCP");
            let name = p
                .name
                .as_deref()
                .filter(|n| !n.is_empty())
                .unwrap_or("<unset>");
            let target = match &p.target_port {
                Some(IntOrString::Int(i)) => format!("{i}/{proto}"),
                Some(IntOrString::String(s)) => format!("{s}/{proto}"),
                None => format!("{}/{proto}", p.port),
            };
            let mut line = format!("  {name}  {}/{proto} → {target}", p.port);
            if let Some(np) = p.node_port.filter(|n| *n > 0) {
                line.push_str(&format!("  (node port {np})"));
            }
            out.line(line);
        }
    }
    if let Some(endpoints) = endpoints {
        super::related::service_endpoints(out, endpoints);
    }
    out.field(
        0,
        "Session Affinity:",
        spec.session_affinity.as_deref().unwrap_or("None"),
    );
    out.field_opt(
        0,
        "External Traffic Policy:",
        spec.external_traffic_policy.as_deref(),
    );
    out.field_opt(
        0,
        "Internal Traffic Policy:",
        spec.internal_traffic_policy.as_deref(),
    );
    if let Some(c) = spec.load_balancer_class.as_deref() {
        out.field(0, "LoadBalancer Class:", c);
    }
}

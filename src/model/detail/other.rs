//! Describe bodies of the smaller kinds: Namespace, Event, Endpoints, and a generic fallback
//! for objects that do not parse as their kind.

use k8s_openapi::api::core::v1::{Endpoints, Event, Namespace};
use serde_json::Value;

use super::out::{Out, clip};
use crate::model::build::event_type_health;
use crate::model::{Health, build};

/// Namespace: its phase.
pub(crate) fn namespace(out: &mut Out, ns: &Namespace, lite: &crate::objects::Namespace) {
    let row = build::namespace_row(lite);
    let phase = ns
        .status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("Unknown");
    out.field_h(0, "Status:", phase, row.health);
    for c in ns
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
    {
        if c.status == "True" {
            let msg = c.message.as_deref().map(clip).unwrap_or_default();
            out.field_h(2, &format!("{}:", c.type_), msg, Health::Warning);
        }
    }
}

/// Event: every field.
pub(crate) fn event(out: &mut Out, e: &Event, lite: &crate::objects::Event) {
    let type_ = e.type_.as_deref().unwrap_or("Normal");
    out.field_h(0, "Type:", type_, event_type_health(type_));
    out.field(0, "Reason:", e.reason.as_deref().unwrap_or("<none>"));
    out.field(
        0,
        "Message:",
        clip(e.message.as_deref().unwrap_or("<none>")),
    );
    out.field(0, "Count:", lite.count.max(1).to_string());
    if let Some(t) = lite.last_seen {
        let text = out.time(t);
        out.field(0, "Last Seen:", text);
    }
    if let Some(t) = &e.first_timestamp {
        let text = out.time(t.0);
        out.field(0, "First Timestamp:", text);
    }
    if let Some(t) = &e.last_timestamp {
        let text = out.time(t.0);
        out.field(0, "Last Timestamp:", text);
    }
    if let Some(t) = &e.event_time {
        let text = out.time(t.0);
        out.field(0, "Event Time:", text);
    }
    out.heading("Involved Object:");
    let o = &e.involved_object;
    out.field(2, "Kind:", o.kind.as_deref().unwrap_or("<none>"));
    out.field(2, "Name:", o.name.as_deref().unwrap_or("<none>"));
    out.field_opt(2, "Namespace:", o.namespace.as_deref());
    out.field_opt(2, "Field Path:", o.field_path.as_deref());
    out.field_opt(2, "API Version:", o.api_version.as_deref());
    out.field_opt(2, "UID:", o.uid.as_deref());
    if let Some(s) = &e.source {
        let from = [s.component.as_deref(), s.host.as_deref()]
            .into_iter()
            .flatten()
            .filter(|x| !x.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        if !from.is_empty() {
            out.field(0, "Source:", from);
        }
    }
    out.field_opt(0, "Reporting Component:", e.reporting_component.as_deref());
    out.field_opt(0, "Reporting Instance:", e.reporting_instance.as_deref());
    out.field_opt(0, "Action:", e.action.as_deref());
    if let Some(r) = &e.related {
        let related = format!(
            "{}/{}",
            r.kind.as_deref().unwrap_or("?"),
            r.name.as_deref().unwrap_or("?")
        );
        out.field(0, "Related:", related);
    }
}

/// Endpoints: each subset's ready and not-ready addresses and ports.
pub(crate) fn endpoints(out: &mut Out, e: &Endpoints) {
    let subsets = e.subsets.as_deref().unwrap_or(&[]);
    if subsets.is_empty() {
        out.field(0, "Subsets:", "<none>");
        return;
    }
    out.heading("Subsets:");
    for ss in subsets {
        let ips = |a: Option<&Vec<k8s_openapi::api::core::v1::EndpointAddress>>| {
            let v: Vec<&str> = a.into_iter().flatten().map(|a| a.ip.as_str()).collect();
            if v.is_empty() {
                "<none>".to_string()
            } else {
                v.join(",")
            }
        };
        out.field(2, "Addresses:", ips(ss.addresses.as_ref()));
        let not_ready = ips(ss.not_ready_addresses.as_ref());
        if not_ready == "<none>" {
            out.field(2, "NotReadyAddresses:", not_ready);
        } else {
            out.field_h(2, "NotReadyAddresses:", not_ready, Health::Warning);
        }
        out.line("  Ports:");
        for p in ss.ports.iter().flatten() {
            let proto = p.protocol.as_deref().unwrap_or("TCP");
            out.line(format!(
                "    {}  {}/{proto}",
                p.name.as_deref().unwrap_or("<unset>"),
                p.port
            ));
        }
    }
}

/// Fallback for objects that do not parse: the `status` object's scalar fields.
pub(crate) fn generic_status(out: &mut Out, obj: &Value) {
    if let Some(status) = obj["status"].as_object() {
        out.heading("Status:");
        for (k, v) in status {
            let shown = match v {
                Value::String(s) => clip(s),
                Value::Number(_) | Value::Bool(_) => v.to_string(),
                _ => continue,
            };
            out.field(2, &format!("{k}:"), shown);
        }
    }
}

//! The Endpoints row: kubectl's ENDPOINTS text and ready/total address counts.

use std::collections::BTreeSet;

use crate::objects::{EndpointAddress, Endpoints};

use super::{created, meta_key, name_cell, namespace_cell};
use crate::model::{Cell, Health, Row, RowLinks};

/// kubectl shows at most this many endpoints before `+ N more...`.
const MAX_SHOWN: usize = 3;

fn host_port(ip: &str, port: i32) -> String {
    if ip.contains(':') {
        format!("[{ip}]:{port}")
    } else {
        format!("{ip}:{port}")
    }
}

/// kubectl's ENDPOINTS text: `10.1.0.5:8080,10.1.0.6:8080 + 3 more...` or `<none>`.
pub fn format_endpoints(e: &Endpoints) -> String {
    let mut list: Vec<String> = Vec::new();
    let mut count = 0usize;
    let mut more = false;
    for ss in e.subsets.iter().flatten() {
        let addrs: &[EndpointAddress] = ss.addresses.as_deref().unwrap_or(&[]);
        let ports = ss.ports.as_deref().unwrap_or(&[]);
        if ports.is_empty() {
            count += addrs.len();
            for a in addrs {
                if list.len() == MAX_SHOWN {
                    more = true;
                    break;
                }
                list.push(a.ip.to_string());
            }
            continue;
        }
        for p in ports {
            count += addrs.len();
            for a in addrs {
                if list.len() == MAX_SHOWN {
                    more = true;
                    break;
                }
                list.push(host_port(&a.ip, p.port.unwrap_or(0)));
            }
        }
    }
    let joined = list.join(",");
    if more {
        format!("{joined} + {} more...", count - MAX_SHOWN)
    } else if joined.is_empty() {
        "<none>".to_string()
    } else {
        joined
    }
}

/// Ready and total addresses: unique IPs per subset (ports do not multiply them).
pub fn address_counts(e: &Endpoints) -> (u32, u32) {
    let (mut ready, mut total) = (0u32, 0u32);
    for ss in e.subsets.iter().flatten() {
        let r: BTreeSet<&str> = ss
            .addresses
            .iter()
            .flatten()
            .map(|a| a.ip.as_str())
            .collect();
        let nr: BTreeSet<&str> = ss
            .not_ready_addresses
            .iter()
            .flatten()
            .map(|a| a.ip.as_str())
            .collect();
        ready += r.len() as u32;
        total += (r.len() + nr.len()) as u32;
    }
    (ready, total)
}

/// Endpoints: `links` = `RowLinks::Endpoints { ready, total }`.
pub fn endpoints_row(e: &Endpoints) -> Row {
    let key = meta_key(&e.metadata);
    let (ready, total) = address_counts(e);
    let cells = vec![
        namespace_cell(&e.metadata),
        name_cell(&e.metadata),
        Cell::unique(format_endpoints(e)),
        Cell::Age(created(&e.metadata)),
    ];
    let health = if ready < total || total == 0 {
        Health::Warning
    } else {
        Health::Ok
    };
    Row {
        key,
        cells,
        health,
        links: RowLinks::Endpoints { ready, total },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::build::obj;
    use serde_json::json;

    #[test]
    fn counts_unique_ips_and_truncates() {
        let e: Endpoints = obj(json!({
            "metadata": {"name": "web", "namespace": "shop"},
            "subsets": [
                {"addresses": [{"ip": "10.1.0.5"}, {"ip": "10.1.0.6"}, {"ip": "10.1.0.7"}],
                 "notReadyAddresses": [{"ip": "10.1.0.8"}],
                 "ports": [{"port": 8080}, {"port": 9090, "name": "metrics"}]},
                {"addresses": [{"ip": "10.1.0.9"}]}
            ]
        }));
        let row = endpoints_row(&e);
        assert_eq!(row.links, RowLinks::Endpoints { ready: 4, total: 5 });
        assert_eq!(
            row.cells[2],
            Cell::Text("10.1.0.5:8080,10.1.0.6:8080,10.1.0.7:8080 + 4 more...".into())
        );
        assert_eq!(row.health, Health::Warning);
    }

    #[test]
    fn few_and_none() {
        let e: Endpoints = obj(json!({
            "metadata": {"name": "web", "namespace": "shop"},
            "subsets": [{"addresses": [{"ip": "10.1.0.5"}, {"ip": "fd00::1"}], "ports": [{"port": 80}]}]
        }));
        let row = endpoints_row(&e);
        assert_eq!(row.cells[2], Cell::Text("10.1.0.5:80,[fd00::1]:80".into()));
        assert_eq!(row.links, RowLinks::Endpoints { ready: 2, total: 2 });
        assert_eq!(row.health, Health::Ok);
        let row = endpoints_row(&Endpoints::default());
        assert_eq!(row.cells[2], Cell::Text("<none>".into()));
        assert_eq!(row.links, RowLinks::Endpoints { ready: 0, total: 0 });
    }
}

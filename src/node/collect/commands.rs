//! What the node's tools say: unit states and journals (kubelet, the runtime, control-plane
//! components that run as systemd units), the runtime's containers with `crictl inspect` and
//! the last log lines of the control-plane ones and of those that stopped, and
//! `iptables-save`.

use crate::node::commands::Unit;
use crate::node::model::{Coverage, Journal, NodeData};
use crate::node::parse::iptables;
use crate::node::parse::manifest::component_of;
use crate::node::source::NodeSource;

/// Journal lines read per unit.
pub const JOURNAL_LINES: u32 = 300;
/// Log lines read per container.
pub const LOG_LINES: u32 = 50;
/// Containers inspected at most, and logs read at most.
const MAX_INSPECT: usize = 20;
const MAX_LOGS: usize = 10;

/// Units worth asking about on this node.
pub fn units_to_ask(data: &NodeData, unit_files: &[Unit]) -> Vec<Unit> {
    let mut units = vec![Unit::Kubelet];
    let runtime = match data.runtime.runtime.as_str() {
        "crio" => Unit::Crio,
        "docker" => Unit::Docker,
        _ => Unit::Containerd,
    };
    units.push(runtime);
    for u in unit_files {
        if !units.contains(u) {
            units.push(*u);
        }
    }
    units
}

pub fn collect(source: &NodeSource, data: &mut NodeData, units: &[Unit]) {
    let mut coverage = Vec::new();
    for unit in units {
        match source.unit_state(*unit) {
            Ok(state) => data.units.push(state),
            Err(why) => coverage.push(Coverage::new(format!("state of {unit}"), why)),
        }
        match source.journal(*unit, JOURNAL_LINES) {
            Ok(lines)
                if lines.is_empty()
                    && data
                        .unit(unit.name())
                        .is_some_and(|u| u.load_state.as_deref() != Some("not-found")) =>
            {
                coverage.push(Coverage::new(
                    format!("journal of {unit}"),
                    "no lines (no entries, or the journal is not readable without root)",
                ));
            }
            Ok(lines) => data.journals.push(Journal {
                unit: unit.name().to_string(),
                lines,
            }),
            Err(why) => coverage.push(Coverage::new(format!("journal of {unit}"), why)),
        }
    }
    containers(source, data, &mut coverage);
    let iptables_err = match source.iptables_save() {
        Ok(text) => {
            data.iptables = Some(iptables::parse(&text));
            None
        }
        Err(why) => Some(why),
    };
    // kube-proxy's other modes; what could not be read is said only when no mode's rules
    // were found at all (most nodes have one of the three, not the others' tools).
    let nft_err = match source.nft_ruleset() {
        Ok(text) => {
            data.nft = Some(crate::node::parse::nft::parse(&text));
            None
        }
        Err(why) => Some(why),
    };
    let ipvs_err = match source.ipvsadm() {
        Ok(text) => {
            data.ipvs = Some(crate::node::parse::ipvsadm::parse(&text));
            None
        }
        Err(why) => Some(why),
    };
    // With kube-proxy's mode known, only the tool of that mode is missed.
    let configured = crate::node::kubeproxy_mode::configured_mode(data).map(str::to_string);
    let wanted = |mode: &str| configured.as_deref().is_none_or(|c| c == mode);
    let found = crate::node::kubeproxy_mode::rules(data).is_some();
    if let Some(why) = iptables_err {
        coverage.push(Coverage::new("iptables rules (kube-proxy chains)", why));
    }
    let nft_err = nft_err.filter(|_| wanted("nftables"));
    let ipvs_err = ipvs_err.filter(|_| wanted("ipvs"));
    if !found {
        if let Some(why) = nft_err {
            coverage.push(Coverage::new(
                "nftables rules (kube-proxy nftables mode)",
                why,
            ));
        }
        if let Some(why) = ipvs_err {
            coverage.push(Coverage::new(
                "IPVS virtual services (kube-proxy IPVS mode)",
                why,
            ));
        }
    }
    data.coverage.extend(coverage);
}

fn containers(source: &NodeSource, data: &mut NodeData, coverage: &mut Vec<Coverage>) {
    let mut list = match source.containers() {
        Ok(list) => list,
        Err(why) => {
            coverage.push(Coverage::new("containers on the node (crictl)", why));
            return;
        }
    };
    // Control-plane containers first, then the stopped ones, newest attempt first.
    let rank = |c: &crate::node::parse::crictl::Container| {
        (
            component_of(&c.name).is_none(),
            c.state == "Running",
            std::cmp::Reverse(c.attempt),
        )
    };
    list.sort_by_key(rank);
    let mut logs_read = 0;
    for (i, c) in list.iter_mut().enumerate() {
        let interesting = component_of(&c.name).is_some() || c.state != "Running";
        if !interesting || i >= MAX_INSPECT {
            continue;
        }
        if let Err(why) = source.inspect(c) {
            coverage.push(Coverage::new(
                format!("crictl inspect of {} ({})", c.name, c.id),
                why,
            ));
        }
        if logs_read < MAX_LOGS && (c.state != "Running" || c.attempt > 0) {
            logs_read += 1;
            match source.container_logs(&c.id, LOG_LINES) {
                Ok(lines) => c.log_tail = lines,
                Err(why) => {
                    coverage.push(Coverage::new(format!("log of {} ({})", c.name, c.id), why))
                }
            }
        }
    }
    data.containers = Some(list);
}

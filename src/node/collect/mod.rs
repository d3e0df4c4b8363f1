//! The node collector: one pass over a [`NodeSource`] that fills [`NodeData`]. It only reads
//! (files through [`crate::hostfs::HostFs`], commands through the allow-listed runner) and
//! never fails as a whole: whatever it could not look at becomes a [`Coverage`] note.

pub mod commands;
pub mod files;
pub mod host;
pub mod kube_proxy;
pub mod kubelet;
pub mod runtime;
pub mod static_pods;

use crate::node::commands::Unit;
use crate::node::model::{Coverage, NodeData};
use crate::node::source::NodeSource;

/// Collects everything kmedic looks at on a node.
pub fn collect(source: &NodeSource) -> NodeData {
    let fs = source.fs();
    let mut data = NodeData {
        live: source.is_live(),
        ..NodeData::default()
    };
    let mut coverage: Vec<Coverage> = Vec::new();
    data.kubelet = kubelet::collect(fs, &mut coverage);
    data.static_pods = static_pods::collect(fs, &data.kubelet, &mut coverage);
    data.runtime = runtime::collect(fs, &data.kubelet.settings.container_runtime_endpoint.value);
    data.swap = host::swap(fs, &mut coverage);
    data.listeners = host::listeners(fs, &mut coverage);
    data.certs = crate::certs::node::collect_from(fs);
    if fs.root() != std::path::Path::new("/") {
        data.host_root = Some(fs.root().display().to_string());
    }
    data.node_name = host::node_name(fs, &data.certs, &data.kubelet);
    for unit in Unit::CONTROL_PLANE {
        let name = format!("{}.service", unit.name());
        if let Some(file) = kubelet::find_unit(fs, &name).filter(|f| f.text.is_some()) {
            let command = kubelet::service_command(fs, &file, &name);
            data.control_plane_units
                .push(crate::node::model::UnitCommand {
                    unit: unit.name().to_string(),
                    file: file.path.display().to_string(),
                    exec_start: command.exec_start,
                });
        }
    }
    data.kube_proxy_mode = kube_proxy::collect(fs, &data, &mut coverage);
    files::collect(fs, &mut data);
    data.coverage = coverage;
    let with_unit_files: Vec<Unit> = Unit::RUNTIMES
        .into_iter()
        .chain(Unit::CONTROL_PLANE)
        .filter(|u| kubelet::find_unit(fs, &format!("{}.service", u.name())).is_some())
        .collect();
    let units = commands::units_to_ask(&data, &with_unit_files);
    commands::collect(source, &mut data, &units);
    data
}

/// Whether the root holds anything of a Kubernetes node at all.
pub fn looks_like_a_node(data: &NodeData) -> bool {
    data.kubelet.unit_file.is_some()
        || data.kubelet.config_file.is_some()
        || data.kubelet.kubeconfig.is_some()
        || data.static_pods.dir_exists
        || !data.certs.is_empty()
        || data
            .units
            .iter()
            .any(|u| u.load_state.as_deref() == Some("loaded"))
}

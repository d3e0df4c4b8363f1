//! The node-local run as one call: collect from a source, analyse, and return the findings
//! with the coverage notes. This is what `kmedic node` prints and what a UI tab can call (it
//! blocks on files and commands: run it on a blocking thread).

use jiff::Timestamp;
use serde::Serialize;

use super::analyze::{ClusterContext, analyze};
use super::collect::{collect, looks_like_a_node};
use super::model::{Coverage, NodeData};
use super::source::NodeSource;
use crate::findings::{Finding, Pane};

/// Findings about one node and what could not be looked at.
#[derive(Debug, Clone, Serialize)]
pub struct NodeReport {
    /// The node's name, when it could be told.
    pub node: Option<String>,
    pub findings: Vec<Finding>,
    pub coverage: Vec<Coverage>,
    /// With `--pane`: the panes looked at, and how many findings of the others are not shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<PaneScope>,
}

/// What a `--pane` restricted run looked at and left out.
#[derive(Debug, Clone, Serialize)]
pub struct PaneScope {
    pub panes: Vec<Pane>,
    /// Findings of the other panes (not shown).
    #[serde(skip)]
    pub hidden: Vec<Finding>,
    pub not_shown_in_other_panes: usize,
}

impl NodeReport {
    /// Whether a finding makes `kmedic node` exit with 1.
    pub fn fails(&self) -> bool {
        self.findings.iter().any(|f| f.severity.fails_check())
    }

    /// Keeps only the findings of these panes (all when empty) and the findings they are
    /// caused by; counts the rest.
    pub fn only_panes(mut self, panes: &[Pane]) -> NodeReport {
        if !panes.is_empty() {
            let (shown, hidden) =
                crate::troubleshoot::pane_scope::split(std::mem::take(&mut self.findings), panes);
            self.findings = shown;
            self.scope = Some(PaneScope {
                panes: panes.to_vec(),
                not_shown_in_other_panes: hidden.len(),
                hidden,
            });
        }
        self
    }
}

/// Collects and analyses a node. Fails only when the source holds nothing of a Kubernetes
/// node at all.
pub fn inspect(
    source: &NodeSource,
    context: &ClusterContext,
    now: Timestamp,
) -> Result<(NodeReport, NodeData), String> {
    inspect_with(source, context, None, now)
}

/// [`inspect`], with kube-proxy's mode as the cluster configures it (ConfigMap
/// kube-system/kube-proxy of a dump), which the packet-path walk uses when the node does not
/// say its own.
pub fn inspect_with(
    source: &NodeSource,
    context: &ClusterContext,
    cluster_kube_proxy_mode: Option<crate::node::parse::kube_proxy_config::ModeSetting>,
    now: Timestamp,
) -> Result<(NodeReport, NodeData), String> {
    let mut data = collect(source);
    data.cluster_kube_proxy_mode = cluster_kube_proxy_mode;
    if !looks_like_a_node(&data) {
        return Err(format!(
            "no Kubernetes node files under {} (no kubelet unit, kubelet config or kubeconfig, static pod directory or PKI)",
            source.fs().root().display()
        ));
    }
    let findings = analyze(&data, context, now);
    Ok((
        NodeReport {
            node: data.node_name.clone(),
            findings,
            coverage: data.coverage.clone(),
            scope: None,
        },
        data,
    ))
}

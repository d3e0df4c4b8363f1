//! Side effects the reducer asks for; the runtime performs them and reports back as `Msg`s.

use crate::cluster::Scope;
use crate::model::{ObjKey, ResourceKind};

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Cancel the current watches and watch `scope` instead, tagged with `generation`.
    Rewatch { scope: Scope, generation: u64 },
    /// Read one object for the detail or YAML view.
    Fetch {
        request: u64,
        kind: ResourceKind,
        key: ObjKey,
    },
    /// Make a client for another context, then watch `scope` through it with `generation`.
    SwitchContext {
        context: String,
        scope: Scope,
        generation: u64,
    },
    /// Inspect every certificate source (kubeconfig, node PKI, API server, cluster objects).
    InspectCerts { request: u64 },
    /// Ask the server what the user may do in `scope`.
    ReviewAccess { request: u64, scope: Scope },
    /// Check whether the cluster answers again (only while disconnected).
    Probe { generation: u64 },
    /// Start/stop log streams, save log lines.
    Logs(crate::logs::LogEffect),
    /// Put `text` on the user's clipboard (OSC 52, works over SSH and in tmux).
    Copy { text: String },
    /// Watch any served kind in the server's Table printing (the previous browse stops).
    Browse {
        request: u64,
        resource: crate::model::api::ApiResource,
        label_selector: Option<String>,
        field_selector: Option<String>,
    },
    /// The Browse table left the screen: stop its watch.
    StopBrowse,
}

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
    /// Read what `kubectl describe` shows besides the object (see `fetch_related`).
    FetchRelated {
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
    /// Read the node kmedic runs on (or the bundle it was given), read-only, off the UI
    /// thread; `context` is what the cluster knows (mirror pods).
    InspectNode {
        request: u64,
        context: crate::node::ClusterContext,
        /// Look at the files first and run no command unless they are a node's (kmedic only
        /// guessed it runs on one and has not found one yet).
        files_first: bool,
    },
    /// Check whether the cluster answers again (only while disconnected).
    Probe { generation: u64 },
    /// Start/stop log streams, save log lines.
    Logs(crate::logs::LogEffect),
    /// Keep answering these relation queries (drill-downs, trees open anywhere in the stack)
    /// as the cluster changes; an empty list stops.
    Follow {
        queries: Vec<crate::relations::Query>,
    },
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
    /// Ask the engine whether pod `from` (`NAMESPACE/POD`) can reach `to` (on `port`), from
    /// its snapshot; the answer comes back as `Msg::Reached`.
    Reach {
        request: u64,
        from: String,
        to: crate::troubleshoot::reach::Target,
        port: Option<u16>,
    },
    /// Read the metrics API's list of `resource` (PodMetrics or NodeMetrics, in `namespace`)
    /// once, for the usage columns of `kind`'s table; answered by `Msg::Usage`.
    FetchUsage {
        request: u64,
        kind: ResourceKind,
        resource: crate::model::api::ApiResource,
        namespace: Option<String>,
    },
    /// The Pods or Nodes table left the screen: drop the usage read on its way.
    StopUsage,
}

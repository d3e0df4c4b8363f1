//! Command-line interface. Each subcommand takes only its own flags: the UI's (`kmedic` and
//! `kmedic demo`), `check`'s (connection, scope, output), `certs`'s and `serve-demo`'s. Only
//! `--log-file` (kmedic's own log) is accepted everywhere; the client flags (timeouts, access
//! reviews) by the commands that talk to an API server.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::cluster::ClientSettings;
use crate::cluster::timeouts::Timeout;

/// kmedic — explore a Kubernetes cluster and find out what is broken. Read-only by default.
#[derive(Debug, Parser)]
#[command(name = "kmedic", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub connect: ConnectArgs,

    #[command(flatten)]
    pub ui: UiArgs,

    /// Where kmedic writes its own log (default: the user's state directory).
    #[arg(long, global = true, value_name = "FILE")]
    pub log_file: Option<PathBuf>,

    #[command(flatten)]
    pub client: ClientArgs,
}

/// How kmedic talks to the API server: how long it waits, and whether it asks access reviews.
/// Taken by the commands that talk to one (the UI, `demo`, `check`, `certs`, `reach`), not by
/// `serve-demo` (a server) or `node` (no API server at all).
#[derive(Debug, Clone, Args, Default)]
pub struct ClientArgs {
    /// How long to wait for the API server to answer a request, as kubectl's --request-timeout:
    /// a duration like 30s, 1m or 500ms; 0 waits forever (default: 30s). Watches and log
    /// follows only have to start answering within it; they are never cut.
    #[arg(long, value_name = "DURATION", env = "KMEDIC_REQUEST_TIMEOUT")]
    pub request_timeout: Option<Timeout>,

    /// How long to wait for the TCP and TLS connection to the API server; 0 waits forever
    /// (default: 10s).
    #[arg(long, value_name = "DURATION", env = "KMEDIC_CONNECT_TIMEOUT")]
    pub connect_timeout: Option<Timeout>,

    /// Never send access reviews (SelfSubjectAccessReview, SelfSubjectRulesReview,
    /// SelfSubjectReview): they change nothing but appear as `create` in audit logs. The
    /// can-i view then says they are off.
    #[arg(
        long,
        env = "KMEDIC_NO_ACCESS_REVIEW",
        value_parser = clap::builder::FalseyValueParser::new()
    )]
    pub no_access_review: bool,
}

impl ClientArgs {
    /// These flags, with `outer`'s where these are not given (`kmedic --request-timeout 5s
    /// check` means the same as `kmedic check --request-timeout 5s`).
    pub fn or(&self, outer: &ClientArgs) -> ClientArgs {
        ClientArgs {
            request_timeout: self.request_timeout.or(outer.request_timeout),
            connect_timeout: self.connect_timeout.or(outer.connect_timeout),
            no_access_review: self.no_access_review || outer.no_access_review,
        }
    }

    /// The settings every client of this process is built with.
    pub fn settings(&self) -> ClientSettings {
        let defaults = ClientSettings::default();
        ClientSettings {
            connect_timeout: self
                .connect_timeout
                .map_or(defaults.connect_timeout, |t| t.0),
            request_timeout: self
                .request_timeout
                .map_or(defaults.request_timeout, |t| t.0),
            access_reviews: !self.no_access_review,
        }
    }
}

/// Which cluster and namespace, as in kubectl.
#[derive(Debug, Clone, Args, Default)]
pub struct ConnectArgs {
    /// Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config).
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,

    /// The kubeconfig context to use (default: current-context).
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,
}

impl ConnectArgs {
    /// These flags, with `outer`'s where these are not given (`kmedic --context c check` means
    /// the same as `kmedic check --context c`).
    pub fn or(&self, outer: &ConnectArgs) -> ConnectArgs {
        ConnectArgs {
            kubeconfig: self.kubeconfig.clone().or_else(|| outer.kubeconfig.clone()),
            context: self.context.clone().or_else(|| outer.context.clone()),
        }
    }
}

/// Options of the UI (`kmedic` and `kmedic demo`).
#[derive(Debug, Clone, Args, Default)]
pub struct UiArgs {
    /// Namespace to show (default: the context's namespace, else "default").
    #[arg(short = 'n', long, value_name = "NAME")]
    pub namespace: Option<String>,

    /// Show every namespace.
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,

    /// Allow requests that change the cluster. Without it every mutating request is refused
    /// inside kmedic before it is sent.
    #[arg(long)]
    pub write: bool,

    /// Theme: dark (default), light, high-contrast, monochrome. A theme.toml in the config
    /// directory overlays it.
    #[arg(long, value_name = "NAME")]
    pub theme: Option<String>,

    /// Keymap: default or vim. A keymap.toml in the config directory overlays it.
    #[arg(long, value_name = "NAME")]
    pub keymap: Option<String>,

    /// Draw borders and symbols in plain ASCII, for terminals without good Unicode fonts.
    #[arg(long)]
    pub ascii: bool,

    /// No colours (also when NO_COLOR is set).
    #[arg(long)]
    pub no_color: bool,

    /// Where kmedic remembers the last namespace and view of each context (default: the user's
    /// data directory).
    #[arg(long, value_name = "FILE")]
    pub state_file: Option<PathBuf>,

    /// Lines a log pane keeps (older ones are dropped and counted).
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub log_lines: usize,

    /// Memory a log pane's lines may use, in MiB (older lines are dropped and counted).
    #[arg(long, value_name = "MIB", default_value_t = 16)]
    pub log_mib: usize,

    /// Strip ANSI colours from pod logs instead of drawing them (`a` toggles in the pane).
    #[arg(long)]
    pub log_no_ansi: bool,

    /// Directory where the log pane saves files (default: the current directory).
    #[arg(long, value_name = "DIR")]
    pub log_dir: Option<PathBuf>,

    /// Node-local mode from a support bundle (sosreport layout) or a mounted node disk: its
    /// findings get their own Troubleshoot tab and join the other tabs (files only, nothing
    /// is run). Without it, kmedic reads this machine when it is a Kubernetes node.
    #[arg(long, value_name = "DIR")]
    pub host_root: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the UI on a built-in simulated cluster (no real cluster needed).
    Demo(DemoArgs),
    /// Serve the simulated cluster in the foreground for kubectl and other clients.
    ServeDemo(ServeDemoArgs),
    /// Analyse the cluster (or a dump file) and print what is broken, without the UI.
    /// Exits 0 when nothing is an error, 1 when something is, 2 when it could not run.
    Check(CheckArgs),
    /// Inspect certificates (kubeconfig, node PKI, the API server's TLS handshake) and report
    /// problems. Exits 0 when nothing is wrong, 1 on an error or critical finding, 2 when it
    /// could not run.
    Certs(CertsArgs),
    /// Read-only debugging on a Kubernetes node: static pods, the kubelet's configuration,
    /// journals, containers, ports, PKI and kube-proxy rules. Live on the node, or from a
    /// support bundle with --host-root. Exits 0 when nothing is an error, 1 when something is,
    /// 2 when it could not run.
    Node(NodeArgs),
    /// Why can (or can't) pod FROM reach TO? Walks the hops (source pod, DNS, Service,
    /// endpoints, egress and ingress NetworkPolicies, destination pod) and prints one verdict
    /// per hop. Exits 0 when allowed, 1 when denied or broken, 2 when it could not run (or
    /// could not tell).
    Reach(ReachArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ReachArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,

    #[command(flatten)]
    pub client: ClientArgs,

    /// The source pod: NAMESPACE/POD.
    #[arg(value_name = "FROM")]
    pub from: String,

    /// The destination: NAMESPACE/POD, svc/NAMESPACE/NAME (the port is the Service's) or an IP.
    #[arg(value_name = "TO")]
    pub to: String,

    /// The port (a Service port for svc/…, else the port the destination receives on).
    #[arg(long, short = 'p')]
    pub port: Option<u16>,

    /// TCP, UDP or SCTP.
    #[arg(long, default_value = "TCP")]
    pub protocol: String,

    /// Read the objects from a YAML/JSON file, a `kind: List`, or a `kubectl cluster-info dump`
    /// directory instead of a cluster.
    #[arg(long, value_name = "PATH")]
    pub scenario: Option<PathBuf>,

    /// Output format.
    #[arg(long, short = 'o', value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
}

/// Output format of `kmedic check` and `kmedic certs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum OutputFormat {
    #[default]
    Text,
    Json,
}

/// The output format of `kmedic check` (the same as every command's).
pub type CheckOutput = OutputFormat;

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,

    #[command(flatten)]
    pub client: ClientArgs,

    /// Namespace to analyse (default: the context's namespace; a scenario: every namespace).
    #[arg(short = 'n', long, value_name = "NAME")]
    pub namespace: Option<String>,

    /// Analyse every namespace.
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,

    /// No colours (also when NO_COLOR is set or stdout is not a terminal).
    #[arg(long)]
    pub no_color: bool,

    /// Analyse objects from a YAML/JSON file, a `kind: List`, or a `kubectl cluster-info dump`
    /// directory instead of a cluster (offline; every namespace unless -n is given).
    #[arg(long, value_name = "PATH")]
    pub scenario: Option<PathBuf>,

    /// With --scenario: a node's support bundle (sosreport layout) whose kube-proxy iptables
    /// rules are compared with the dump's Services and EndpointSlices (the packet path).
    #[arg(long, value_name = "DIR", requires = "scenario")]
    pub host_root: Option<PathBuf>,

    /// Only these panes (comma-separated): app, control-plane, node, network, certs.
    #[arg(long, value_name = "PANES", value_delimiter = ',')]
    pub pane: Vec<String>,

    /// Output format.
    #[arg(long, short = 'o', value_enum, default_value_t = CheckOutput::Text)]
    pub output: CheckOutput,

    /// Judge ages against this time (RFC 3339, e.g. 2026-11-20T10:00:00Z). Default: now for a
    /// cluster; for a dump, its newest timestamp (so it reads as on the day it was taken).
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
}

#[derive(Debug, Clone, Args, Default)]
pub struct CertsArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,

    #[command(flatten)]
    pub client: ClientArgs,

    /// Root of the node's file system, for /etc/kubernetes/pki, /etc/kubernetes/*.conf and
    /// /var/lib/kubelet/pki (read-only).
    #[arg(long, value_name = "DIR", default_value = "/")]
    pub host_root: PathBuf,

    /// Output format.
    #[arg(long, short = 'o', value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,

    /// Do not connect to the cluster (no TLS handshake, no cluster objects).
    #[arg(long)]
    pub offline: bool,
}

#[derive(Debug, Clone, Args)]
pub struct NodeArgs {
    /// A support bundle (sosreport layout) or a mounted node disk: files only, no command is
    /// run. Without it kmedic reads this machine and runs its allow-listed read-only commands.
    #[arg(long, value_name = "DIR")]
    pub host_root: Option<PathBuf>,

    /// A dump of the cluster (a YAML/JSON file, a `kind: List`, or a `kubectl cluster-info
    /// dump` directory): its mirror pods are compared with the node's static pod manifests
    /// (image drift). Read offline, as `kmedic check --scenario` reads it.
    #[arg(long, value_name = "PATH")]
    pub scenario: Option<PathBuf>,

    /// Only these panes (comma-separated): control-plane, node, network, certs.
    #[arg(long, value_name = "PANES", value_delimiter = ',')]
    pub pane: Vec<String>,

    /// Output format.
    #[arg(long, short = 'o', value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,

    /// No colours (also when NO_COLOR is set).
    #[arg(long)]
    pub no_color: bool,
}

#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub client: ClientArgs,

    /// Load objects from a YAML/JSON file, a `kind: List`, or a `kubectl cluster-info dump` directory.
    #[arg(long, value_name = "PATH")]
    pub scenario: Option<PathBuf>,

    #[command(flatten)]
    pub ui: UiArgs,
}

impl CheckArgs {
    /// The scope and colour flags in the shape `launch_check::run` reads them.
    pub fn scope(&self) -> UiArgs {
        UiArgs {
            namespace: self.namespace.clone(),
            all_namespaces: self.all_namespaces,
            no_color: self.no_color,
            ..UiArgs::default()
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct ServeDemoArgs {
    /// Port on 127.0.0.1 (default: a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,

    /// Load objects from a file or directory instead of the built-in scenario.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["pods", "nodes", "namespaces"])]
    pub scenario: Option<PathBuf>,

    /// Generate a synthetic cluster with this many pods.
    #[arg(long)]
    pub pods: Option<usize>,

    /// Nodes of the synthetic cluster.
    #[arg(long)]
    pub nodes: Option<usize>,

    /// Namespaces of the synthetic cluster.
    #[arg(long)]
    pub namespaces: Option<usize>,

    /// Write a kubeconfig for the served cluster to FILE.
    #[arg(long, value_name = "FILE")]
    pub write_kubeconfig: PathBuf,

    /// Keep the cluster still (no restarts, replacements or new log lines).
    #[arg(long)]
    pub frozen: bool,
}

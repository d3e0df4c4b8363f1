//! Command-line interface: kubectl-like connection flags, and the `demo`, `serve-demo`
//! subcommands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

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
}

/// Which cluster and namespace, as in kubectl.
#[derive(Debug, Clone, Args, Default)]
pub struct ConnectArgs {
    /// Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config).
    #[arg(long, global = true, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,

    /// The kubeconfig context to use (default: current-context).
    #[arg(long, global = true, value_name = "NAME")]
    pub context: Option<String>,
}

/// Options of the UI.
#[derive(Debug, Clone, Args, Default)]
pub struct UiArgs {
    /// Namespace to show (default: the context's namespace, else "default").
    #[arg(short = 'n', long, global = true, value_name = "NAME")]
    pub namespace: Option<String>,

    /// Show every namespace.
    #[arg(short = 'A', long, global = true)]
    pub all_namespaces: bool,

    /// Allow requests that change the cluster. Without it every mutating request is refused
    /// inside kmedic before it is sent.
    #[arg(long, global = true)]
    pub write: bool,

    /// Theme: dark (default), light, high-contrast, monochrome. A theme.toml in the config
    /// directory overlays it.
    #[arg(long, global = true, value_name = "NAME")]
    pub theme: Option<String>,

    /// Keymap: default or vim. A keymap.toml in the config directory overlays it.
    #[arg(long, global = true, value_name = "NAME")]
    pub keymap: Option<String>,

    /// Draw borders and symbols in plain ASCII, for terminals without good Unicode fonts.
    #[arg(long, global = true)]
    pub ascii: bool,

    /// No colours (also when NO_COLOR is set).
    #[arg(long, global = true)]
    pub no_color: bool,

    /// Where kmedic remembers the last namespace and view of each context (default: the user's
    /// data directory).
    #[arg(long, global = true, value_name = "FILE")]
    pub state_file: Option<PathBuf>,

    /// Where kmedic writes its own log (default: the user's state directory).
    #[arg(long, global = true, value_name = "FILE")]
    pub log_file: Option<PathBuf>,

    /// Lines a log pane keeps (older ones are dropped and counted).
    #[arg(long, global = true, value_name = "N", default_value_t = 10_000)]
    pub log_lines: usize,

    /// Memory a log pane's lines may use, in MiB (older lines are dropped and counted).
    #[arg(long, global = true, value_name = "MIB", default_value_t = 16)]
    pub log_mib: usize,

    /// Strip ANSI colours from pod logs instead of drawing them (`a` toggles in the pane).
    #[arg(long, global = true)]
    pub log_no_ansi: bool,

    /// Directory where the log pane saves files (default: the current directory).
    #[arg(long, global = true, value_name = "DIR")]
    pub log_dir: Option<PathBuf>,
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
    /// Analyse objects from a YAML/JSON file, a `kind: List`, or a `kubectl cluster-info dump`
    /// directory instead of a cluster (offline; every namespace unless -n is given).
    #[arg(long, value_name = "PATH")]
    pub scenario: Option<PathBuf>,

    /// Only these panes (comma-separated): app, control-plane, node, network, certs.
    #[arg(long, value_name = "PANES", value_delimiter = ',')]
    pub pane: Vec<String>,

    /// Output format.
    #[arg(long, short = 'o', value_enum, default_value_t = CheckOutput::Text)]
    pub output: CheckOutput,
}

#[derive(Debug, Clone, Args)]
pub struct CertsArgs {
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

    /// Only these panes (comma-separated): control-plane, node, network, certs.
    #[arg(long, value_name = "PANES", value_delimiter = ',')]
    pub pane: Vec<String>,

    /// Output format.
    #[arg(long, short = 'o', value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
}

#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// Load objects from a YAML/JSON file, a `kind: List`, or a `kubectl cluster-info dump` directory.
    #[arg(long, value_name = "PATH")]
    pub scenario: Option<PathBuf>,
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

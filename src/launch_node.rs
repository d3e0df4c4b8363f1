//! `kmedic node`: read-only debugging on a node, live (files under `/` and the allow-listed
//! read-only commands) or from a support bundle / mounted disk (`--host-root DIR`, files
//! only). `--scenario DUMP` adds what a cluster dump knows (its mirror pods, for image drift).
//! Prints findings and what could not be looked at; exit code 0 nothing error or
//! critical, 1 something is, 2 could not run.

use std::io::{IsTerminal, Write};

use jiff::Timestamp;

use crate::cli::{NodeArgs, OutputFormat};
use crate::launch_check::parse_panes;
use crate::node::analyze::ClusterContext;
use crate::node::source::NodeSource;
use crate::node::{output, report};

/// Runs `kmedic node`; Ok(exit code 0 or 1), Err(reason) for exit code 2.
pub async fn run(args: &NodeArgs) -> Result<u8, String> {
    let panes = parse_panes(&args.pane)?;
    if panes.contains(&crate::findings::Pane::App) {
        return Err(
            "kmedic node has no app pane: a node's files and services say nothing about \
                    applications (its panes are control-plane, node, network and certs; use \
                    `kmedic check --pane app` for applications)"
                .to_string(),
        );
    }
    let source = match &args.host_root {
        Some(dir) => NodeSource::bundle(dir)?,
        None => NodeSource::live()?,
    };
    let (context, proxy_mode) = match &args.scenario {
        Some(path) => cluster_context(path)?,
        None => (ClusterContext::default(), None),
    };
    let now = Timestamp::now();
    let (report, _) = tokio::task::spawn_blocking(move || {
        report::inspect_with(&source, &context, proxy_mode, now)
    })
    .await
    .map_err(|e| format!("the node collector stopped: {e}"))??;
    let report = report.only_panes(&panes);
    let text = match args.output {
        OutputFormat::Json => output::to_json(&report)?,
        OutputFormat::Text => {
            let color = std::io::stdout().is_terminal()
                && !args.no_color
                && !crate::config::no_color_requested();
            output::to_text(&report, color)
        }
    };
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("cannot write the output: {e}"))?;
    Ok(u8::from(report.fails()))
}

/// What a cluster dump tells about the node (its mirror pods, Services and EndpointSlices) and
/// kube-proxy's mode in its ConfigMap, read with the loader `kmedic check --scenario` uses.
fn cluster_context(
    path: &std::path::Path,
) -> Result<
    (
        ClusterContext,
        Option<crate::node::parse::kube_proxy_config::ModeSetting>,
    ),
    String,
> {
    let objects = crate::sim::scenario::load_path_sourced(path).map_err(|e| e.to_string())?;
    if objects.is_empty() {
        return Err(format!(
            "--scenario {} holds no Kubernetes objects",
            path.display()
        ));
    }
    Ok((
        ClusterContext::from_objects(objects.iter().map(|(v, _)| v)),
        crate::node::analyze::proxy_mode::from_objects(objects.iter().map(|(v, _)| v)),
    ))
}

//! What each subcommand does, from parsed arguments to a running UI or server. Errors are
//! returned as messages for stderr, before the terminal is taken over.

use std::io::Write;
use std::sync::Arc;

use crate::app::state::Notice;
use crate::cli::{ConnectArgs, DemoArgs, ServeDemoArgs, UiArgs};
use crate::cluster::{ConnectOptions, build_client, load_kubeconfig};
use crate::config::{self, ConfigError, Keymap, Theme};
use crate::model::ResourceKind;
use crate::runtime::{Session, memory, run_tui, terminal};
use crate::sim::{ScenarioSource, SimOptions};

/// `kmedic`: the UI on a kubeconfig context.
pub async fn run_ui(connect: &ConnectArgs, ui: &UiArgs) -> Result<(), String> {
    run_ui_reading_node(connect, ui, true).await
}

/// The node read for the Troubleshoot view's Node-local tab: the `--host-root` bundle, else
/// this machine when `detect` (the tab then appears only if it is a node).
fn node_to_read(
    ui: &UiArgs,
    detect: bool,
) -> Result<Option<(crate::node::NodeSource, String, bool)>, String> {
    use crate::node::NodeSource;
    Ok(match &ui.host_root {
        Some(dir) => Some((
            NodeSource::bundle(dir)?,
            format!("bundle {}", dir.display()),
            false,
        )),
        None if detect => NodeSource::live()
            .ok()
            .map(|s| (s, "this node".to_string(), true)),
        None => None,
    })
}

/// `kmedic` with node-local mode: `detect_node` reads this machine if it is a node.
async fn run_ui_reading_node(
    connect: &ConnectArgs,
    ui: &UiArgs,
    detect_node: bool,
) -> Result<(), String> {
    let node = node_to_read(ui, detect_node)?;
    let options = ConnectOptions {
        kubeconfig: connect.kubeconfig.clone(),
        context: connect.context.clone(),
        namespace: ui.namespace.clone(),
    };
    let setup = load_kubeconfig(&options).map_err(|e| e.to_string())?;
    terminal::check_terminal()?;
    let client = build_client(&setup, ui.write).await?;
    tracing::info!(context = %setup.context, server = %setup.server, "starting UI");
    let (theme, keymap, problems) = load_config(ui);
    let memory_file = ui.state_file.clone().or_else(memory::default_path);
    let memory = memory_file.as_deref().map(memory::load).unwrap_or_default();
    let remembered = memory.contexts.get(&setup.context).cloned();
    let explicit_scope = ui.namespace.is_some() || ui.all_namespaces;
    let mut setup = setup;
    let mut all_namespaces = ui.all_namespaces;
    if let (false, Some(place)) = (explicit_scope, &remembered) {
        match &place.namespace {
            Some(ns) => setup.namespace = ns.clone(),
            None => all_namespaces = true,
        }
    }
    let mut session = Session::start(client, &setup, all_namespaces, !ui.write, Arc::new(keymap));
    memory::apply_to(&memory, &mut session.state);
    if let Some((source, label, detected)) = node {
        session.read_node(source, label, detected);
    }
    // Explicit -n/-A means a fresh start; otherwise the last view of this context comes back.
    if let Some(view) = remembered
        .filter(|_| !explicit_scope)
        .and_then(|p| ResourceKind::from_name(&p.view))
    {
        session.state.view = view;
        crate::app::update::refresh_table(&mut session.state, view);
    }
    session.state.ascii = ui.ascii;
    session.state.log_settings = crate::app::logs_pane::LogSettings {
        max_lines: ui.log_lines.max(1),
        max_bytes: ui.log_mib.max(1).saturating_mul(1024 * 1024),
        ansi: !ui.log_no_ansi,
        save_dir: ui.log_dir.clone().unwrap_or_else(|| ".".into()),
        ..Default::default()
    };
    if let Some(first) = problems.first() {
        let more = if problems.len() > 1 {
            format!(" (+{} more in the log)", problems.len() - 1)
        } else {
            String::new()
        };
        session.state.notice = Some(Notice {
            text: format!("using defaults for: {first}{more}"),
            error: true,
        });
    }
    let result = run_tui(&mut session, theme)
        .await
        .map_err(|e| format!("terminal error: {e}"));
    if let Some(file) = memory_file {
        session.state.remember();
        if let Err(e) = memory::save(&file, &memory::from_state(&session.state)) {
            tracing::warn!(file = %file.display(), error = %e, "cannot save the state file");
        }
    }
    result
}

/// Theme and keymap: the shipped preset chosen on the command line, overlaid by the user's
/// files. Problems are logged and returned; they never stop kmedic.
pub fn load_config(ui: &UiArgs) -> (Theme, Keymap, Vec<ConfigError>) {
    let theme_name = if ui.no_color || config::no_color_requested() {
        Some("monochrome")
    } else {
        ui.theme.as_deref()
    };
    let (theme, mut problems) =
        config::load_theme(theme_name, config::user_theme_file().as_deref());
    let theme = theme.fitted(config::color_depth::detect_from_env());
    let (keymap, keymap_problems) =
        config::load_keymap(ui.keymap.as_deref(), config::user_keymap_file().as_deref());
    problems.extend(keymap_problems);
    for problem in &problems {
        tracing::warn!(%problem, "configuration problem; defaults used");
    }
    (theme, keymap, problems)
}

/// `kmedic demo`: starts the simulated cluster in-process and runs the UI on it through a
/// generated kubeconfig — the same path as a real cluster.
pub async fn run_demo(args: &DemoArgs, ui: &UiArgs) -> Result<(), String> {
    let source = match &args.scenario {
        Some(path) => ScenarioSource::Path(path.clone()),
        None => ScenarioSource::Builtin,
    };
    let sim = crate::sim::start(SimOptions {
        source,
        ..SimOptions::default()
    })
    .await
    .map_err(|e| e.to_string())?;
    let mut file = tempfile::Builder::new()
        .prefix("kmedic-demo-")
        .suffix(".kubeconfig")
        .tempfile()
        .map_err(|e| format!("cannot write the demo kubeconfig: {e}"))?;
    file.write_all(sim.kubeconfig_yaml().as_bytes())
        .map_err(|e| format!("cannot write the demo kubeconfig: {e}"))?;
    let connect = ConnectArgs {
        kubeconfig: Some(file.path().to_path_buf()),
        context: None,
    };
    // The demo's problems are spread over several namespaces: show them all unless asked not to.
    let mut ui = ui.clone();
    ui.all_namespaces |= ui.namespace.is_none();
    // The simulated cluster is not this machine's: its node is read only when asked.
    let result = run_ui_reading_node(&connect, &ui, false).await;
    sim.shutdown().await;
    result
}

/// `kmedic serve-demo`: serves the simulated cluster until interrupted.
pub async fn serve_demo(args: &ServeDemoArgs) -> Result<(), String> {
    let source = match (&args.scenario, args.pods) {
        (Some(path), _) => ScenarioSource::Path(path.clone()),
        (None, Some(pods)) => ScenarioSource::Synthetic {
            pods,
            nodes: args.nodes.unwrap_or_else(|| (pods / 100).max(3)),
            namespaces: args.namespaces.unwrap_or_else(|| (pods / 500).max(2)),
        },
        (None, None) => ScenarioSource::Builtin,
    };
    let options = SimOptions {
        source,
        port: args.port,
        live: !args.frozen,
        ..SimOptions::default()
    };
    let sim = crate::sim::start(options)
        .await
        .map_err(|e| e.to_string())?;
    std::fs::write(&args.write_kubeconfig, sim.kubeconfig_yaml()).map_err(|e| {
        format!(
            "cannot write kubeconfig {}: {e}",
            args.write_kubeconfig.display()
        )
    })?;
    println!(
        "kmedic simulated cluster serving at {} (kubeconfig: {}); Ctrl-C to stop",
        crate::sim::server_url(sim.addr),
        crate::text_safety::visible(&args.write_kubeconfig.display().to_string())
    );
    let _ = std::io::stdout().flush();
    wait_for_stop().await;
    sim.shutdown().await;
    Ok(())
}

async fn wait_for_stop() {
    use tokio::signal::unix::{SignalKind, signal};
    let term = signal(SignalKind::terminate());
    let ctrl_c = tokio::signal::ctrl_c();
    match term {
        Ok(mut term) => {
            tokio::select! {
                _ = ctrl_c => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = ctrl_c.await;
        }
    }
}

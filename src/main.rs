//! The kmedic binary: parse arguments, set up logging, then run the UI, the demo or the
//! simulated cluster server. Problems found before the UI starts are printed to stderr.

use std::process::ExitCode;

use clap::Parser;

use kmedic::cli::{Cli, Command};
use kmedic::launch;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let client = match &cli.command {
        Some(Command::Demo(args)) => args.client.or(&cli.client),
        Some(Command::Check(args)) => args.client.or(&cli.client),
        Some(Command::Certs(args)) => args.client.or(&cli.client),
        Some(Command::Reach(args)) => args.client.or(&cli.client),
        Some(Command::ServeDemo(_) | Command::Node(_)) | None => cli.client.clone(),
    };
    kmedic::cluster::client::set_default_settings(client.settings());
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("kmedic: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let log_file = cli
        .log_file
        .clone()
        .unwrap_or_else(kmedic::logging::default_log_file);
    let _log_guard = match kmedic::logging::init(&log_file) {
        Ok(guard) => Some(guard),
        Err(e) => {
            kmedic::text_safety::sink::eprint_message(&format!("logging disabled: {e}"));
            None
        }
    };
    let result = runtime.block_on(async {
        match &cli.command {
            None => launch::run_ui(&cli.connect, &cli.ui).await.map(|()| 0),
            Some(Command::Demo(args)) => launch::run_demo(args, &args.ui).await.map(|()| 0),
            Some(Command::ServeDemo(args)) => launch::serve_demo(args).await.map(|()| 0),
            Some(Command::Check(args)) => {
                let connect = args.connect.or(&cli.connect);
                // `kmedic -A check` and `kmedic -n NS check` scope the check as `check -A` does.
                let mut scope = args.scope();
                if scope.namespace.is_none() && !scope.all_namespaces {
                    scope.namespace = cli.ui.namespace.clone();
                    scope.all_namespaces = cli.ui.all_namespaces;
                }
                scope.no_color |= cli.ui.no_color;
                kmedic::launch_check::run(args, &connect, &scope).await
            }
            Some(Command::Certs(args)) => {
                let mut args = args.clone();
                args.connect = args.connect.or(&cli.connect);
                kmedic::launch_certs::run(&args).await
            }
            Some(Command::Node(args)) => kmedic::launch_node::run(args).await,
            Some(Command::Reach(args)) => {
                let mut args = args.clone();
                args.connect = args.connect.or(&cli.connect);
                kmedic::launch_reach::run(&args).await
            }
        }
    });
    match result {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            kmedic::text_safety::sink::eprint_message(&message);
            ExitCode::from(2)
        }
    }
}

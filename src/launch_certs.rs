//! `kmedic certs`: collects certificates from the kubeconfig, the node PKI under
//! `--host-root` and the current context's TLS handshake (`certs::collect`), then prints the
//! kubeadm-style tables and the findings (text or JSON). Exit code: 0 nothing wrong, 1 an error
//! or critical finding, 2 could not run.

use jiff::Timestamp;

use crate::certs::{self, collect::CertSources};
use crate::cli::{CertsArgs, OutputFormat};

/// Runs `kmedic certs` and returns the exit code.
pub async fn run(args: &CertsArgs) -> Result<u8, String> {
    let now = Timestamp::now();
    let sources = CertSources {
        kubeconfig: args.connect.kubeconfig.clone(),
        context: args.connect.context.clone(),
        host_root: args.host_root.clone(),
        offline: args.offline,
    };
    let report = certs::collect::collect(&sources, now).await?;
    let text = match args.output {
        OutputFormat::Json => crate::text_safety::json::to_string_pretty(&report)?,
        OutputFormat::Text => certs::report::render_text(&report, now),
    };
    crate::text_safety::sink::write_stdout(&text)?;
    if let Some(why) = &report.unanswered {
        return Err(format!(
            "{why}; its serving certificate and the cluster's certificates were not inspected (--offline skips them)"
        ));
    }
    Ok(if report.fails() { 1 } else { 0 })
}

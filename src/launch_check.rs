//! `kmedic check`: the troubleshooting engine without the UI. It fills an analysis snapshot
//! the way the UI does — from the cluster by syncing the same watch caches once (read-only),
//! or from a dump (`--scenario`, decoded into the same objects) — analyses it, and prints
//! text or JSON with what it found and what it could not look at. Returns the exit code:
//! 0 when no finding is an error or critical, 1 when one is; errors (exit 2, also when it
//! could not look at anything) are returned as messages.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::time::Duration;

use futures::StreamExt;
use jiff::Timestamp;
use kube::Client;
use kube::api::{Api, LogParams};

use crate::cli::{CheckArgs, CheckOutput, ConnectArgs, UiArgs};
use crate::cluster::{ConnectOptions, Scope, build_client, load_kubeconfig};
use crate::findings::{Finding, Pane};
use crate::objects::Kind;
use crate::text_safety::visible;
use crate::troubleshoot::{
    self, Change, ContainerKey, CoverageReport, Engine, KindState, Options, Snapshot, output,
};

/// At most this many previous logs are fetched.
const MAX_LOGS: usize = 50;
/// Lines of each previous log.
const LOG_TAIL: i64 = 20;
/// How long syncing the caches may take before the silent lists are reported.
const SYNC_LIMIT: Duration = Duration::from_secs(60);

/// Parses `--pane` values.
pub fn parse_panes(names: &[String]) -> Result<Vec<Pane>, String> {
    names
        .iter()
        .map(|n| match n.trim() {
            "app" => Ok(Pane::App),
            "control-plane" | "cp" => Ok(Pane::ControlPlane),
            "node" => Ok(Pane::Node),
            "network" | "net" => Ok(Pane::Network),
            "certs" | "cert" => Ok(Pane::Certs),
            other => Err(format!(
                "unknown pane \"{other}\" (expected app, control-plane, node, network, certs)"
            )),
        })
        .collect()
}

/// Parses `--now`: an RFC 3339 time (`2026-11-20T10:00:00Z`).
pub fn parse_now(text: &str) -> Result<Timestamp, String> {
    text.parse::<Timestamp>().map_err(|e| {
        format!("--now {text:?} is not an RFC 3339 time such as 2026-11-20T10:00:00Z ({e})")
    })
}

/// What was analysed, and against which time.
struct Input {
    engine: Engine,
    now: Timestamp,
    /// Findings gathered outside the engine (certificates).
    extra: Vec<Finding>,
    /// Notes about what was read (time base, certificates).
    notes: Vec<String>,
    /// Analysing a dump (no cluster, no node files).
    offline: bool,
    /// Nothing at all could be listed: why (exit 2 after the report).
    unusable: Option<String>,
}

/// Runs `kmedic check`; Ok(exit code 0 or 1), Err(reason) for exit code 2.
pub async fn run(args: &CheckArgs, connect: &ConnectArgs, ui: &UiArgs) -> Result<u8, String> {
    let panes = parse_panes(&args.pane)?;
    let forced_now = args.now.as_deref().map(parse_now).transpose()?;
    let mut input = match &args.scenario {
        Some(path) => from_dump(path, ui, forced_now)?,
        None => from_cluster(connect, ui, &panes, forced_now).await?,
    };
    if let (Some(dir), Some(dump)) = (&args.host_root, &args.scenario) {
        let (found, note) = packet_path(dir, dump)?;
        input.extra.extend(found);
        input.notes.push(note);
    }
    // The engine analyses every pane; `--pane` chooses what is shown (with the causes of
    // what is shown, whatever their pane) and the rest is counted.
    let (findings, hidden) = {
        let mut f = input.engine.analyze(input.now, true);
        f.append(&mut input.extra);
        troubleshoot::pane_scope::split(f, &panes)
    };
    let mut coverage = CoverageReport::of(input.engine.snapshot(), &panes);
    if input.offline && (panes.is_empty() || panes.contains(&Pane::Certs)) {
        coverage.add_gap(troubleshoot::Gap {
            what: "certificates".into(),
            reason: "a dump holds no certificate files or handshakes; run `kmedic certs` (or \
                     `kmedic node --host-root`) where they are"
                .into(),
            checks: vec!["cert-*".into()],
            panes: vec![Pane::Certs],
        });
    }
    let text = match args.output {
        CheckOutput::Json => {
            let mut value = output::to_json(&findings);
            if let Some(map) = value.as_object_mut() {
                map.insert(
                    "coverage".into(),
                    serde_json::to_value(&coverage).map_err(|e| e.to_string())?,
                );
                map.insert(
                    "analysed_at".into(),
                    serde_json::Value::String(input.now.to_string()),
                );
                map.insert(
                    "notes".into(),
                    serde_json::to_value(&input.notes).map_err(|e| e.to_string())?,
                );
                let looked: Vec<&str> = if panes.is_empty() {
                    ALL_PANES.iter().map(|p| p.cli_name()).collect()
                } else {
                    panes.iter().map(|p| p.cli_name()).collect()
                };
                map.insert("panes".into(), serde_json::json!(looked));
                map.insert(
                    "not_shown_in_other_panes".into(),
                    serde_json::json!(hidden.len()),
                );
            }
            crate::text_safety::json::to_string_pretty(&value)?
        }
        CheckOutput::Text => {
            let color = std::io::stdout().is_terminal()
                && !ui.no_color
                && !crate::config::no_color_requested();
            // Not "No problems found" when only some panes were looked at.
            let scope =
                (!panes.is_empty()).then(|| troubleshoot::pane_scope::nothing_in(&panes, &hidden));
            text_report(&findings, &coverage, &input.notes, color, scope)
        }
    };
    if let Some(why) = input.unusable {
        // The text report would only repeat the reason on stdout; JSON readers get it whole.
        if args.output == CheckOutput::Json {
            crate::text_safety::sink::write_stdout(&text)?;
        }
        return Err(why);
    }
    crate::text_safety::sink::write_stdout(&text)?;
    Ok(u8::from(findings.iter().any(|f| f.severity.fails_check())))
}

/// Every pane, in `--pane`'s order.
const ALL_PANES: [Pane; 5] = [
    Pane::App,
    Pane::ControlPlane,
    Pane::Node,
    Pane::Network,
    Pane::Certs,
];

/// The text report: findings, then what could not be looked at.
fn text_report(
    findings: &[Finding],
    coverage: &CoverageReport,
    notes: &[String],
    color: bool,
    scope: Option<String>,
) -> String {
    let mut out = if findings.is_empty() {
        match (scope, coverage.complete) {
            (None, true) => "No problems found.\n".to_string(),
            (None, false) => {
                "No problems found in what could be read (see \"Not checked\" below).\n".to_string()
            }
            (Some(line), true) => format!("{line}\n"),
            (Some(line), false) => {
                format!("{line} Some checks could not run (see \"Not checked\" below).\n")
            }
        }
    } else {
        output::to_text(findings, color)
    };
    let lines = coverage.lines();
    if !lines.is_empty() {
        out.push_str("\nNot checked:\n");
        for l in lines {
            out.push_str(&format!("  - {}\n", visible(&l)));
        }
    }
    for n in notes {
        out.push_str(&format!("\nNote: {}\n", visible(n)));
    }
    out
}

fn options(namespace: Option<String>, panes: &[Pane]) -> Options {
    Options {
        namespace,
        panes: panes.to_vec(),
        ..Options::default()
    }
}

/// The packet path on the node a bundle was taken from: its kube-proxy rules against the
/// dump's Services and ready endpoints (the same comparison as `kmedic node --scenario`).
fn packet_path(
    dir: &std::path::Path,
    dump: &std::path::Path,
) -> Result<(Vec<Finding>, String), String> {
    let source = crate::node::NodeSource::bundle(dir)?;
    let objects = crate::sim::scenario::load_path_sourced(dump).map_err(|e| e.to_string())?;
    let context = crate::node::ClusterContext::from_objects(objects.iter().map(|(v, _)| v));
    let mut data = crate::node::collect::collect(&source);
    data.cluster_kube_proxy_mode =
        crate::node::analyze::proxy_mode::from_objects(objects.iter().map(|(v, _)| v));
    let mode = match crate::node::kubeproxy_mode::configured(&data) {
        Some(s) => format!("configured mode {}, {}", s.describe(), s.source),
        None => "mode not configured anywhere kmedic could read: guessed from the rules".into(),
    };
    let note = match crate::node::kubeproxy_mode::rules(&data) {
        None => format!(
            "{} holds no kube-proxy rules of its mode (iptables-save, nft list ruleset, ipvsadm -Ln; {mode}): the packet path was not compared",
            dir.display()
        ),
        Some(rules) => format!(
            "kube-proxy's {} rules in {} ({}; {mode}) were compared with the dump's Services and EndpointSlices",
            rules.mode,
            dir.display(),
            data.node_name.as_deref().unwrap_or("node name unknown")
        ),
    };
    let found = crate::node::analyze::walk(&data, context.services.as_deref());
    Ok((found, note))
}

/// A dump, decoded into the same objects the watch caches hold.
fn from_dump(
    path: &std::path::Path,
    ui: &UiArgs,
    forced_now: Option<Timestamp>,
) -> Result<Input, String> {
    let objects = crate::sim::scenario::load_path_sourced(path).map_err(|e| e.to_string())?;
    let snapshot =
        Snapshot::from_sourced(objects.into_iter().map(|(v, src)| (v, Some(src))).collect());
    let listed = Kind::ALL.iter().any(|k| snapshot.has_kind(*k));
    if !listed {
        return Err(format!(
            "{} holds no Kubernetes objects kmedic can analyse",
            path.display()
        ));
    }
    let readable = Kind::ALL.iter().any(|k| snapshot.count(*k) > 0);
    if !readable && !snapshot.coverage.skipped.is_empty() {
        let first = snapshot.coverage.skipped[0].describe();
        return Err(format!(
            "none of the objects in {} could be read ({} skipped; the first: {first})",
            path.display(),
            snapshot.coverage.skipped.len()
        ));
    }
    let namespace = if ui.all_namespaces {
        None
    } else {
        ui.namespace.clone()
    };
    if let Some(ns) = &namespace
        && !dump_has_namespace(&snapshot, ns)
    {
        return Err(format!(
            "namespace {ns} has no objects in {}",
            path.display()
        ));
    }
    let mut notes = Vec::new();
    let now = match forced_now {
        Some(t) => {
            notes.push(format!("ages are judged against --now {t}"));
            t
        }
        None => match snapshot.newest_time() {
            Some(t) => {
                notes.push(format!(
                    "ages are judged against the dump's newest timestamp, {t} (use --now to change)"
                ));
                t
            }
            None => Timestamp::now(),
        },
    };
    let logs = dump_log_tails(path, &snapshot, now);
    let snapshot = snapshot.with_previous_logs(logs);
    Ok(Input {
        engine: Engine::from_snapshot(snapshot, options(namespace, &[])),
        now,
        extra: Vec::new(),
        notes,
        offline: true,
        unusable: None,
    })
}

fn dump_has_namespace(snap: &Snapshot, ns: &str) -> bool {
    snap.namespaces.find("", ns).is_some() || snap.has_objects_in(ns)
}

/// The log tails a `cluster-info dump` directory holds for the crashed containers (for a
/// container waiting to restart, its log is the one of the instance that crashed).
fn dump_log_tails(
    path: &std::path::Path,
    snapshot: &Snapshot,
    now: Timestamp,
) -> HashMap<ContainerKey, Vec<String>> {
    let wanted: std::collections::HashSet<ContainerKey> =
        troubleshoot::containers_needing_previous_logs(snapshot)
            .into_iter()
            .collect();
    let mut out: HashMap<ContainerKey, Vec<String>> = HashMap::new();
    if wanted.is_empty() || !path.is_dir() {
        return out;
    }
    for m in crate::sim::scenario::dump_logs(path, now) {
        if let crate::sim::mutation::Mutation::Log {
            namespace,
            pod,
            container,
            line,
            ..
        } = m
        {
            let key = (namespace, pod, container);
            if wanted.contains(&key) {
                out.entry(key).or_default().push(line);
            }
        }
    }
    for lines in out.values_mut() {
        let skip = lines.len().saturating_sub(LOG_TAIL as usize);
        lines.drain(..skip);
    }
    out
}

/// The cluster: the watch caches synced once, the previous logs of crashed containers, and
/// the certificate findings.
async fn from_cluster(
    connect: &ConnectArgs,
    ui: &UiArgs,
    panes: &[Pane],
    forced_now: Option<Timestamp>,
) -> Result<Input, String> {
    let options_kc = ConnectOptions {
        kubeconfig: connect.kubeconfig.clone(),
        context: connect.context.clone(),
        namespace: ui.namespace.clone(),
    };
    let setup = load_kubeconfig(&options_kc).map_err(|e| e.to_string())?;
    let client = build_client(&setup, false).await?;
    let scope = if ui.all_namespaces {
        Scope::All
    } else {
        Scope::Namespace(setup.namespace.clone())
    };
    let namespace = match &scope {
        Scope::All => None,
        Scope::Namespace(ns) => Some(ns.clone()),
    };
    let (synced, health) = tokio::join!(
        crate::cluster::sync::sync_once(client.clone(), scope, SYNC_LIMIT),
        api_health(&client, &setup.server)
    );
    let mut engine = Engine::new(options(namespace.clone(), &[]));
    for change in synced.changes {
        engine.apply(change);
    }
    engine.apply(Change::health(health));
    let snap = engine.snapshot();
    if !Kind::ALL.iter().any(|k| snap.has_kind(*k)) {
        // Reported like any analysis (the API server's findings and what was not checked),
        // then exit 2 with the reason.
        let now = forced_now.unwrap_or_else(Timestamp::now);
        let why = api_explanation(&mut engine, now);
        let unusable = format!("{}{why}", nothing_listed(engine.snapshot(), &setup.server));
        return Ok(Input {
            engine,
            now,
            extra: Vec::new(),
            notes: Vec::new(),
            offline: false,
            unusable: Some(unusable),
        });
    }
    if let Some(ns) = &namespace
        && snap.has_kind(Kind::Namespace)
        && snap.namespaces.find("", ns).is_none()
    {
        return Err(format!(
            "namespace {ns} does not exist in context {}",
            setup.context
        ));
    }
    let wanted = troubleshoot::containers_needing_previous_logs(engine.snapshot());
    for (key, lines) in previous_logs(&client, wanted).await {
        engine.apply(Change::PreviousLog(key, lines));
    }
    // The certificates of Ingress TLS Secrets (the watch lists Secrets' metadata only).
    crate::runtime::tls_secrets::read_all(&client, &mut engine, panes).await;
    let now = forced_now.unwrap_or_else(Timestamp::now);
    if let Some(reading) = certificate_reading(connect, panes, now).await {
        engine.apply(Change::Certificates(Box::new(reading)));
    }
    // Said, so that a quiet namespace is not read as a quiet cluster.
    let notes = namespace
        .iter()
        .map(|ns| {
            format!(
                "looked at namespace {ns} only (and at what concerns the whole cluster: nodes, \
                 control plane, certificates, DNS); -A looks at every namespace"
            )
        })
        .collect();
    Ok(Input {
        engine,
        now,
        extra: Vec::new(),
        notes,
        offline: false,
        unusable: None,
    })
}

/// The API server's health (`/version`, `/livez`, `/readyz`, `/metrics` when it answers).
async fn api_health(client: &Client, server: &str) -> crate::troubleshoot::ApiHealth {
    let mut health = crate::cluster::health::probe(client).await;
    if health.unreachable().is_none() {
        health.metrics = crate::cluster::health::probe_metrics(client).await;
    }
    health.server = server.to_string();
    health
}

/// The control-plane findings about the API server itself (why it cannot be used), as
/// lines to add to "could not list anything": summary, explanation and first next step.
fn api_explanation(engine: &mut Engine, now: Timestamp) -> String {
    let mut out = String::new();
    for f in engine
        .analyze(now, true)
        .iter()
        .filter(|f| f.pane == Pane::ControlPlane)
    {
        out.push_str(&format!("\n{}\n  {}", f.summary, f.explanation));
        for step in &f.next_steps {
            out.push_str(&format!("\n  next: {step}"));
        }
    }
    out
}

/// Why nothing at all could be listed, in one sentence naming the server.
fn nothing_listed(snap: &Snapshot, server: &str) -> String {
    let mut reasons: Vec<String> = snap
        .coverage
        .scoped_states()
        .filter_map(|(_, _, s)| match s {
            KindState::Refused(m) | KindState::Failed(m) | KindState::NotServed(m) => {
                Some(m.clone())
            }
            _ => None,
        })
        .collect();
    reasons.sort();
    reasons.dedup();
    let why = reasons.into_iter().take(3).collect::<Vec<_>>().join("; ");
    format!("could not list anything from {server}: {why}")
}

/// The certificate inspection `kmedic certs` runs (the same kubeconfig and context), for the
/// engine's certs pane; `None` when no asked pane shows certificates.
async fn certificate_reading(
    connect: &ConnectArgs,
    panes: &[Pane],
    now: Timestamp,
) -> Option<crate::troubleshoot::CertificateReading> {
    if !panes.is_empty() && !panes.contains(&Pane::Certs) {
        return None;
    }
    let sources = crate::certs::collect::CertSources {
        kubeconfig: connect.kubeconfig.clone(),
        context: connect.context.clone(),
        host_root: std::path::PathBuf::from("/"),
        offline: false,
    };
    let report = crate::certs::collect::collect(&sources, now).await;
    Some(crate::troubleshoot::CertificateReading::from_report(
        report, now,
    ))
}

/// The last lines of the previous instance of each container (failures are skipped).
async fn previous_logs(
    client: &Client,
    wanted: Vec<ContainerKey>,
) -> Vec<(ContainerKey, Vec<String>)> {
    let fetches = wanted.into_iter().take(MAX_LOGS).map(|key| {
        let api: Api<k8s_openapi::api::core::v1::Pod> = Api::namespaced(client.clone(), &key.0);
        async move {
            let params = LogParams {
                container: Some(key.2.clone()),
                previous: true,
                tail_lines: Some(LOG_TAIL),
                ..LogParams::default()
            };
            match api.logs(&key.1, &params).await {
                Ok(text) => Some((key, text.lines().map(str::to_string).collect::<Vec<_>>())),
                Err(error) => {
                    tracing::debug!(%error, pod = %key.1, "no previous log");
                    None
                }
            }
        }
    });
    futures::stream::iter(fetches)
        .buffer_unordered(8)
        .filter_map(|x| async move { x })
        .collect()
        .await
}

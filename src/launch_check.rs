//! `kmedic check`: the troubleshooting engine without the UI. Loads objects from a dump file
//! (`--scenario`, offline) or LISTs them from the cluster through the read-only client
//! (a forbidden or unserved list is reported and the rest analysed), fetches the previous logs
//! of crashed containers, analyses, and prints text or JSON. Returns the process exit code:
//! 0 when no finding is an error or critical, 1 when one is; errors (exit 2) are returned as
//! messages.

use std::collections::HashMap;
use std::io::IsTerminal;

use futures::StreamExt;
use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;
use kube::Client;
use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind, ListParams, LogParams};
use serde_json::Value;

use crate::cli::{CheckArgs, CheckOutput, ConnectArgs, UiArgs};
use crate::cluster::{ConnectOptions, build_client, load_kubeconfig};
use crate::findings::Pane;
use crate::text_safety::sink::eprint_message;
use crate::troubleshoot::{self, ContainerKey, Options, Snapshot, output};

/// What `check` lists: (group, version, kind, plural, namespaced).
const KINDS: &[(&str, &str, &str, &str, bool)] = &[
    ("", "v1", "Node", "nodes", false),
    ("", "v1", "Pod", "pods", true),
    ("", "v1", "Event", "events", true),
    ("events.k8s.io", "v1", "Event", "events", true),
    ("", "v1", "Service", "services", true),
    ("", "v1", "Endpoints", "endpoints", true),
    ("apps", "v1", "Deployment", "deployments", true),
    ("apps", "v1", "ReplicaSet", "replicasets", true),
    ("batch", "v1", "Job", "jobs", true),
    (
        "",
        "v1",
        "PersistentVolumeClaim",
        "persistentvolumeclaims",
        true,
    ),
    ("", "v1", "ConfigMap", "configmaps", true),
    ("", "v1", "Secret", "secrets", true), // metadata only
];

/// At most this many previous logs are fetched.
const MAX_LOGS: usize = 50;
/// Lines of each previous log.
const LOG_TAIL: i64 = 20;

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

/// Runs `kmedic check`; Ok(exit code 0 or 1), Err(reason) for exit code 2.
pub async fn run(args: &CheckArgs, connect: &ConnectArgs, ui: &UiArgs) -> Result<u8, String> {
    let panes = parse_panes(&args.pane)?;
    let now = Timestamp::now();
    let (snapshot, namespace) = match &args.scenario {
        Some(path) => {
            let objects = crate::sim::scenario::load_path(path).map_err(|e| e.to_string())?;
            let ns = if ui.all_namespaces {
                None
            } else {
                ui.namespace.clone()
            };
            let snapshot = Snapshot::from_objects(objects);
            let logs = dump_log_tails(path, &snapshot, now);
            (snapshot.with_previous_logs(logs), ns)
        }
        None => live_snapshot(connect, ui).await?,
    };
    for s in &snapshot.skipped {
        eprint_message(&format!("skipped {s}"));
    }
    let opts = Options {
        namespace,
        panes,
        ..Options::default()
    };
    let findings = troubleshoot::analyze(&snapshot, now, &opts);
    let text = match args.output {
        CheckOutput::Json => {
            crate::text_safety::json::to_string_pretty(&output::to_json(&findings))?
        }
        CheckOutput::Text => {
            let color = std::io::stdout().is_terminal()
                && !ui.no_color
                && !crate::config::no_color_requested();
            output::to_text(&findings, color)
        }
    };
    crate::text_safety::sink::write_stdout(&text)?;
    Ok(u8::from(findings.iter().any(|f| f.severity.fails_check())))
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

/// Lists everything from the cluster; returns the snapshot and the namespace filter.
async fn live_snapshot(
    connect: &ConnectArgs,
    ui: &UiArgs,
) -> Result<(Snapshot, Option<String>), String> {
    let options = ConnectOptions {
        kubeconfig: connect.kubeconfig.clone(),
        context: connect.context.clone(),
        namespace: ui.namespace.clone(),
    };
    let setup = load_kubeconfig(&options).map_err(|e| e.to_string())?;
    let client = build_client(&setup, false).await?;
    let namespace = (!ui.all_namespaces).then(|| setup.namespace.clone());
    let (snapshot, skipped) =
        snapshot_from_cluster(&client, namespace.as_deref(), &setup.server).await?;
    for reason in skipped {
        eprint_message(&format!("{reason}; analysing the rest"));
    }
    Ok((snapshot, namespace))
}

/// Lists every kind the analyzers read (in `namespace`, or everywhere) and the previous logs of
/// crashed containers. Lists the server refuses are skipped and described in the second value;
/// an unreachable server is an error.
pub async fn snapshot_from_cluster(
    client: &Client,
    namespace: Option<&str>,
    server: &str,
) -> Result<(Snapshot, Vec<String>), String> {
    let mut objects = Vec::new();
    let mut listed = Vec::new();
    let mut skipped = Vec::new();
    for &(group, version, kind, plural, namespaced) in KINDS {
        let ns = if namespaced { namespace } else { None };
        match list(client.clone(), group, version, kind, plural, ns).await {
            Ok(items) => {
                listed.push(kind);
                objects.extend(items);
            }
            Err(ListError::Skip(reason)) => {
                let api = if group.is_empty() {
                    version.to_string()
                } else {
                    format!("{group}/{version}")
                };
                skipped.push(format!("cannot list {plural} ({api}): {reason}"));
            }
            Err(ListError::Fatal(reason)) => {
                return Err(format!("cannot reach the cluster ({server}): {reason}"));
            }
        }
    }
    let snapshot = Snapshot::from_objects(objects).mark_listed(&listed);
    let logs = previous_logs(
        client,
        troubleshoot::containers_needing_previous_logs(&snapshot),
    )
    .await;
    Ok((snapshot.with_previous_logs(logs), skipped))
}

enum ListError {
    /// Forbidden or not served: report and go on.
    Skip(String),
    /// The cluster cannot be reached at all.
    Fatal(String),
}

async fn list(
    client: Client,
    group: &str,
    version: &str,
    kind: &str,
    plural: &str,
    namespace: Option<&str>,
) -> Result<Vec<Value>, ListError> {
    let gvk = GroupVersionKind::gvk(group, version, kind);
    let resource = ApiResource::from_gvk_with_plural(&gvk, plural);
    let api: Api<DynamicObject> = match namespace {
        Some(ns) => Api::namespaced_with(client, ns, &resource),
        None => Api::all_with(client, &resource),
    };
    let mut out = Vec::new();
    let mut params = ListParams::default().limit(500);
    let classify = |e: kube::Error| match e {
        kube::Error::Api(status) if matches!(status.code, 401 | 403 | 404 | 405) => {
            ListError::Skip(format!("{} ({})", status.message, status.code))
        }
        other => ListError::Fatal(crate::cluster::client::describe_error(&other)),
    };
    loop {
        // Secrets: names only, their values never leave the API server.
        let (items, next) = if kind == "Secret" {
            let page = api.list_metadata(&params).await.map_err(classify)?;
            let items: Result<Vec<Value>, _> = page
                .items
                .into_iter()
                .map(|m| serde_json::to_value(serde_json::json!({"metadata": m.metadata})))
                .collect();
            (items, page.metadata.continue_)
        } else {
            let page = api.list(&params).await.map_err(classify)?;
            let items: Result<Vec<Value>, _> =
                page.items.into_iter().map(serde_json::to_value).collect();
            (items, page.metadata.continue_)
        };
        let items = items.map_err(|e| ListError::Skip(e.to_string()))?;
        for mut value in items {
            if let Some(obj) = value.as_object_mut() {
                obj.insert("kind".into(), Value::String(kind.to_string()));
                obj.insert(
                    "apiVersion".into(),
                    Value::String(resource.api_version.clone()),
                );
            }
            out.push(value);
        }
        match next.filter(|c| !c.is_empty()) {
            Some(token) => params = params.continue_token(&token),
            None => break,
        }
    }
    Ok(out)
}

/// The last lines of the previous instance of each container (failures are skipped).
async fn previous_logs(
    client: &Client,
    wanted: Vec<ContainerKey>,
) -> HashMap<ContainerKey, Vec<String>> {
    let fetches = wanted.into_iter().take(MAX_LOGS).map(|key| {
        let api: Api<Pod> = Api::namespaced(client.clone(), &key.0);
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

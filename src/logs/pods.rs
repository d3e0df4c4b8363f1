//! The task behind a multi-pod tail: resolves the pod set to a label selector (a workload's
//! `spec.selector`, a Service's selector, or typed labels), watches the matching pods and
//! reports each pod that joins or leaves. The pane decides which streams to start or stop.

use std::collections::BTreeSet;

use futures::StreamExt;
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{Pod, Service};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use kube::api::Api;
use kube::runtime::watcher;
use kube::{Client, Resource};
use tokio_util::sync::CancellationToken;

use super::spec::{LogNews, PodSet};
use super::stream::Report;

/// Runs until cancelled or the pod set cannot be resolved.
pub async fn run(
    client: Client,
    pane: u64,
    namespace: Option<String>,
    set: PodSet,
    report: Report,
    cancel: CancellationToken,
) {
    tokio::select! {
        () = cancel.cancelled() => {}
        () = watch(client, pane, namespace.as_deref(), &set, &report) => {}
    }
}

async fn watch(client: Client, pane: u64, namespace: Option<&str>, set: &PodSet, report: &Report) {
    let selector = match resolve(&client, namespace, set).await {
        Ok(selector) => selector,
        Err(error) => {
            let error = super::one_line(&error, 240);
            return report(LogNews::PodSetError { pane, error });
        }
    };
    let api: Api<Pod> = match namespace {
        Some(ns) => Api::namespaced(client, ns),
        None => Api::all(client),
    };
    let mut events = Box::pin(watcher(api, watcher::Config::default().labels(&selector)));
    let mut known: BTreeSet<String> = BTreeSet::new();
    let mut relist: Option<BTreeSet<String>> = None;
    while let Some(event) = events.next().await {
        match event {
            Ok(watcher::Event::Init) => relist = Some(BTreeSet::new()),
            Ok(watcher::Event::InitApply(pod)) => {
                if let Some(seen) = relist.as_mut() {
                    seen.insert(pod.name_any_or_empty());
                }
                joined(pane, &pod, &mut known, report);
            }
            Ok(watcher::Event::InitDone) => {
                if let Some(seen) = relist.take() {
                    for gone in known.difference(&seen).cloned().collect::<Vec<_>>() {
                        known.remove(&gone);
                        report(LogNews::PodLeft { pane, pod: gone });
                    }
                }
            }
            Ok(watcher::Event::Apply(pod)) => joined(pane, &pod, &mut known, report),
            Ok(watcher::Event::Delete(pod)) => {
                let name = pod.name_any_or_empty();
                if known.remove(&name) {
                    report(LogNews::PodLeft { pane, pod: name });
                }
            }
            Err(e) => {
                tracing::debug!(error = %e, "multi-pod watch error; retrying");
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        }
    }
}

trait NameOrEmpty {
    fn name_any_or_empty(&self) -> String;
}

impl NameOrEmpty for Pod {
    fn name_any_or_empty(&self) -> String {
        self.meta().name.clone().unwrap_or_default()
    }
}

fn joined(pane: u64, pod: &Pod, known: &mut BTreeSet<String>, report: &Report) {
    let name = pod.name_any_or_empty();
    // A pod being deleted is leaving: its streams end by themselves.
    if name.is_empty() || pod.metadata.deletion_timestamp.is_some() || known.contains(&name) {
        return;
    }
    known.insert(name.clone());
    let containers = pod
        .spec
        .as_ref()
        .map(|s| s.containers.iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default();
    report(LogNews::PodJoined {
        pane,
        namespace: pod.metadata.namespace.clone().unwrap_or_default(),
        pod: name,
        containers,
    });
}

/// The label selector of the pod set, in `labelSelector` syntax.
pub async fn resolve(
    client: &Client,
    namespace: Option<&str>,
    set: &PodSet,
) -> Result<String, String> {
    let namespace = match (set, namespace) {
        (PodSet::Labels(text), _) => return Ok(text.clone()),
        (_, Some(ns)) => ns,
        (_, None) => return Err(format!("{} needs a namespace", set.label())),
    };
    let selector = match set {
        PodSet::Labels(text) => return Ok(text.clone()),
        PodSet::Service { name } => {
            let svc: Service = get(client, namespace, name).await?;
            let labels = svc.spec.and_then(|s| s.selector).unwrap_or_default();
            if labels.is_empty() {
                return Err(format!("Service {name} has no selector"));
            }
            return Ok(labels
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(","));
        }
        PodSet::Workload { kind, name } => match kind.as_str() {
            "Deployment" => get::<Deployment>(client, namespace, name)
                .await?
                .spec
                .map(|s| s.selector),
            "ReplicaSet" => get::<ReplicaSet>(client, namespace, name)
                .await?
                .spec
                .map(|s| s.selector),
            "StatefulSet" => get::<StatefulSet>(client, namespace, name)
                .await?
                .spec
                .map(|s| s.selector),
            "DaemonSet" => get::<DaemonSet>(client, namespace, name)
                .await?
                .spec
                .map(|s| s.selector),
            "Job" => get::<Job>(client, namespace, name)
                .await?
                .spec
                .and_then(|s| s.selector),
            other => return Err(format!("cannot tail the pods of a {other}")),
        },
    };
    selector
        .as_ref()
        .and_then(selector_string)
        .ok_or_else(|| format!("{} has no pod selector", set.label()))
}

async fn get<K>(client: &Client, namespace: &str, name: &str) -> Result<K, String>
where
    K: Resource<Scope = k8s_openapi::NamespaceResourceScope>
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug,
    <K as Resource>::DynamicType: Default,
{
    let api: Api<K> = Api::namespaced(client.clone(), namespace);
    match api.get(name).await {
        Ok(object) => Ok(object),
        Err(e) => {
            let dt = Default::default();
            let kind = K::kind(&dt);
            let mut text = crate::cluster::errors::read_failed(&e, &kind, name, namespace);
            if matches!(&e, kube::Error::Api(s) if s.code == 404) {
                text.push_str(&elsewhere::<K>(client, name).await);
            }
            Err(text)
        }
    }
}

/// Where else an object of that name is (one read-only list by name across namespaces), as
/// what to type: ` It is in namespace payments: :ns payments, then :logs again.`
async fn elsewhere<K>(client: &Client, name: &str) -> String
where
    K: Resource<Scope = k8s_openapi::NamespaceResourceScope>
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug,
    <K as Resource>::DynamicType: Default,
{
    let api: Api<K> = Api::all(client.clone());
    let params = kube::api::ListParams::default().fields(&format!("metadata.name={name}"));
    let namespaces: Vec<String> = match api.list_metadata(&params).await {
        Ok(list) => list
            .items
            .iter()
            .filter_map(|o| o.metadata.namespace.clone())
            .collect(),
        Err(_) => Vec::new(),
    };
    match namespaces.as_slice() {
        [] => " Check the name, or switch namespace with :ns NAME.".to_string(),
        [one] => format!(" It is in namespace {one}: :ns {one}, then :logs again."),
        many => format!(
            " It is in namespaces {}: switch with :ns NAME, then :logs again.",
            many.join(", ")
        ),
    }
}

/// Turns a `LabelSelector` into `labelSelector` text (`a=b,c in (d,e),!f`).
pub fn selector_string(selector: &LabelSelector) -> Option<String> {
    let mut parts: Vec<String> = selector
        .match_labels
        .iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    for expr in selector.match_expressions.iter().flatten() {
        let values = expr.values.clone().unwrap_or_default().join(",");
        parts.push(match expr.operator.as_str() {
            "In" => format!("{} in ({values})", expr.key),
            "NotIn" => format!("{} notin ({values})", expr.key),
            "Exists" => expr.key.clone(),
            "DoesNotExist" => format!("!{}", expr.key),
            _ => return None,
        });
    }
    (!parts.is_empty()).then(|| parts.join(","))
}

//! Browsing any kind the server serves: list, then watch, in the server's Table printing
//! (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`, what `kubectl get` asks for),
//! with `includeObject=Metadata` so each row names its object (namespace, name, creation time
//! for a live AGE) and nothing more. Rows are kept compact in a [`BrowseStore`]; the row's
//! metadata is dropped once read. Label and field selectors are the server's. One browse runs
//! at a time, only while its table is on screen; the caller cancels it when it leaves.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use kube::Client;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::reflector::{Backoff, gather, needs_relist, pause, read_line};
use super::store::KindRows;
use crate::model::api::ApiResource;
use crate::model::api::table::TableColumns;
use crate::model::{Cell, Health, ObjKey, Row, RowLinks};

/// kubectl's Accept for `get`: Table v1, then v1beta1, then plain JSON.
pub const TABLE_ACCEPT: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
const PAGE_SIZE: u32 = 500;
const WATCH_SECONDS: u32 = 290;
const WATCH_IDLE: Duration = Duration::from_secs(WATCH_SECONDS as u64 + 30);
/// How often a kind that cannot be watched (the metrics API) is listed again; metrics-server
/// scrapes every 15 s by default.
const RELIST_UNWATCHABLE: Duration = Duration::from_secs(15);

/// What to browse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowseSpec {
    pub resource: ApiResource,
    /// None: every namespace (or a cluster-scoped kind).
    pub namespace: Option<String>,
    /// `-l` as kubectl takes it.
    pub label_selector: Option<String>,
    /// `--field-selector` as kubectl takes it.
    pub field_selector: Option<String>,
}

impl BrowseSpec {
    fn query(&self, extra: &[(&str, &str)]) -> String {
        let mut parts: Vec<String> = extra
            .iter()
            .map(|(k, v)| format!("{k}={}", query_escape(v)))
            .collect();
        parts.push("includeObject=Metadata".to_string());
        if let Some(l) = &self.label_selector {
            parts.push(format!("labelSelector={}", query_escape(l)));
        }
        if let Some(f) = &self.field_selector {
            parts.push(format!("fieldSelector={}", query_escape(f)));
        }
        format!(
            "{}?{}",
            self.resource.list_path(self.namespace.as_deref()),
            parts.join("&")
        )
    }
}

/// Percent-escapes a query value (everything but unreserved characters).
pub fn query_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// How the browse stands.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BrowseStatus {
    pub titles: Vec<String>,
    pub synced: bool,
    /// A refusal, an unserved kind, a bad selector or a connection error, in words.
    pub error: Option<String>,
}

/// The rows and status of the browse, shared between its task and the session.
#[derive(Debug, Default)]
pub struct BrowseStore {
    pub rows: KindRows,
    status: RwLock<BrowseStatus>,
    columns: RwLock<Option<TableColumns>>,
}

impl BrowseStore {
    pub fn status(&self) -> BrowseStatus {
        self.status.read().map(|s| s.clone()).unwrap_or_default()
    }

    fn set_status(&self, change: impl FnOnce(&mut BrowseStatus)) {
        if let Ok(mut s) = self.status.write() {
            change(&mut s);
        }
    }

    fn columns(&self) -> Option<TableColumns> {
        self.columns.read().ok().and_then(|c| c.clone())
    }

    fn set_columns(&self, columns: TableColumns) {
        self.set_status(|s| s.titles = columns.titles.clone());
        if let Ok(mut c) = self.columns.write() {
            *c = Some(columns);
        }
    }
}

fn request(path: &str) -> Result<http::Request<Vec<u8>>, String> {
    http::Request::get(path)
        .header(http::header::ACCEPT, TABLE_ACCEPT)
        .body(Vec::new())
        .map_err(|e| e.to_string())
}

/// Why a list or watch failed.
enum Failure {
    Kube(kube::Error),
    Other(String),
}

/// Whether the failure is final (retrying cannot help) and what it means.
fn describe(failure: &Failure, spec: &BrowseSpec) -> (bool, String) {
    let error = match failure {
        Failure::Kube(e) => e,
        Failure::Other(text) => return (false, text.clone()),
    };
    match error {
        kube::Error::Api(status) if status.code == 404 => (
            true,
            format!(
                "the server does not serve {} ({})",
                spec.resource.full_name(),
                spec.resource.api_version()
            ),
        ),
        kube::Error::Api(status) if matches!(status.code, 400 | 401 | 403 | 422) => {
            (true, status.message.clone())
        }
        other => (false, super::client::describe_error(other)),
    }
}

/// Rows of a plain list (a server or aggregated API that cannot print Tables): NAME and AGE.
fn plain_rows(list: &Value, namespaced: bool) -> (TableColumns, Vec<Row>) {
    let mut titles = Vec::new();
    if namespaced {
        titles.push("NAMESPACE".to_string());
    }
    titles.extend(["NAME".to_string(), "AGE".to_string()]);
    let rows = list
        .get("items")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|item| {
            let meta = item.get("metadata")?;
            let name = meta.get("name")?.as_str()?.to_string();
            let ns = meta
                .get("namespace")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let created = meta
                .get("creationTimestamp")
                .and_then(Value::as_str)
                .and_then(|t| t.parse().ok());
            let mut cells = Vec::new();
            if namespaced {
                cells.push(Cell::text(&ns));
            }
            cells.push(Cell::unique(&name));
            cells.push(Cell::Age(created));
            Some(Row {
                key: ObjKey::new(ns, name),
                cells,
                health: Health::Ok,
                links: RowLinks::None,
            })
        })
        .collect();
    (
        TableColumns {
            titles,
            picks: Vec::new(),
            namespaced,
        },
        rows,
    )
}

/// Lists every page into the store; returns the list's resourceVersion.
async fn list(client: &Client, spec: &BrowseSpec, store: &BrowseStore) -> Result<String, Failure> {
    let mut continue_token: Option<String> = None;
    let mut columns: Option<TableColumns> = None;
    let mut rows = std::collections::HashMap::new();
    let limit = PAGE_SIZE.to_string();
    loop {
        let mut extra = vec![("limit", limit.as_str())];
        if let Some(t) = &continue_token {
            extra.push(("continue", t.as_str()));
        }
        let req = request(&spec.query(&extra)).map_err(Failure::Other)?;
        let text = client.request_text(req).await.map_err(Failure::Kube)?;
        let page: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if page.get("kind").and_then(Value::as_str) == Some("Table") {
            if columns.is_none() {
                columns = TableColumns::from_table(&page, spec.resource.namespaced);
            }
            if let Some(c) = &columns {
                for row in c.rows(&page) {
                    rows.insert(row.key.clone(), Arc::new(row));
                }
            }
        } else {
            let (c, plain) = plain_rows(&page, spec.resource.namespaced);
            columns.get_or_insert(c);
            for row in plain {
                rows.insert(row.key.clone(), Arc::new(row));
            }
        }
        let next = page
            .pointer("/metadata/continue")
            .and_then(Value::as_str)
            .filter(|c| !c.is_empty())
            .map(str::to_string);
        match next {
            Some(t) => continue_token = Some(t),
            None => {
                if let Some(c) = columns {
                    store.set_columns(c);
                }
                store.rows.replace(rows.into_values());
                return Ok(page
                    .pointer("/metadata/resourceVersion")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string());
            }
        }
    }
}

/// Runs until `cancel` fires; `notify` is called when the store changed and no notification
/// is outstanding (the reader takes a snapshot, which re-arms it).
pub async fn run(
    client: Client,
    spec: BrowseSpec,
    store: Arc<BrowseStore>,
    notify: impl Fn() + Send + Sync,
    cancel: CancellationToken,
) {
    let changed = || {
        if !cancel.is_cancelled() && store.rows.mark_changed() {
            notify();
        }
    };
    let mut backoff = Backoff::new();
    let mut version: Option<String> = None;
    loop {
        let rv = match version.take() {
            Some(rv) => rv,
            None => {
                let listed = tokio::select! {
                    () = cancel.cancelled() => return,
                    listed = list(&client, &spec, &store) => listed,
                };
                match listed {
                    Ok(rv) => {
                        backoff.reset();
                        store.set_status(|s| {
                            s.synced = true;
                            s.error = None;
                        });
                        changed();
                        rv
                    }
                    Err(failure) => {
                        let (fatal, message) = describe(&failure, &spec);
                        tracing::warn!(resource = %spec.resource.full_name(), fatal, "browse list failed");
                        store.set_status(|s| s.error = Some(message));
                        changed();
                        if fatal {
                            return;
                        }
                        if !pause(&cancel, backoff.take()).await {
                            return;
                        }
                        continue;
                    }
                }
            }
        };
        if !spec.resource.can("watch") {
            if !pause(&cancel, RELIST_UNWATCHABLE).await {
                return;
            }
            continue;
        }
        let next = tokio::select! {
            () = cancel.cancelled() => return,
            next = watch(&client, &spec, &store, rv, &changed, &mut backoff) => next,
        };
        match next {
            Some(rv) => version = Some(rv),
            None => {
                if !pause(&cancel, backoff.take()).await {
                    return;
                }
            }
        }
    }
}

/// The resourceVersion an event's object carries (a Table: its own, else its first row's).
fn version_of(object: &Value) -> Option<String> {
    object
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .filter(|v| !v.is_empty())
        .or_else(|| {
            object
                .pointer("/rows/0/object/metadata/resourceVersion")
                .and_then(Value::as_str)
        })
        .map(str::to_string)
}

/// Watches from `rv`; returns the version to resume from, or None to list again.
async fn watch(
    client: &Client,
    spec: &BrowseSpec,
    store: &BrowseStore,
    mut rv: String,
    changed: &(impl Fn() + Send + Sync),
    backoff: &mut Backoff,
) -> Option<String> {
    let timeout = WATCH_SECONDS.to_string();
    let path = spec.query(&[
        ("watch", "true"),
        ("resourceVersion", rv.as_str()),
        ("allowWatchBookmarks", "true"),
        ("timeoutSeconds", timeout.as_str()),
    ]);
    let req = request(&path).ok()?;
    let stream = match client.request_stream(req).await {
        Ok(s) => s,
        Err(kube::Error::Api(status))
            if needs_relist(status.code, &status.reason, &status.message, &[]) =>
        {
            return None;
        }
        Err(e) => {
            let (_, message) = describe(&Failure::Kube(e), spec);
            store.set_status(|s| s.error = Some(message));
            changed();
            tokio::time::sleep(backoff.take()).await;
            return Some(rv);
        }
    };
    let mut stream = Box::pin(stream);
    let mut line = Vec::new();
    loop {
        gather(&mut stream).await;
        line.clear();
        match tokio::time::timeout(WATCH_IDLE, read_line(&mut stream, &mut line)).await {
            Ok(Ok(true)) => {}
            Ok(Ok(false)) | Err(_) => return Some(rv),
            Ok(Err(e)) => {
                store.set_status(|s| s.error = Some(e));
                changed();
                tokio::time::sleep(backoff.take()).await;
                return Some(rv);
            }
        }
        let Ok(event) = serde_json::from_slice::<Value>(&line) else {
            continue;
        };
        let object = event.get("object").cloned().unwrap_or(Value::Null);
        let kind = event
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if kind == "ERROR" {
            let code = object.get("code").and_then(Value::as_u64).unwrap_or(0) as u16;
            let reason = object.get("reason").and_then(Value::as_str).unwrap_or("");
            let message = object.get("message").and_then(Value::as_str).unwrap_or("");
            if needs_relist(code, reason, message, &[]) {
                return None;
            }
            store.set_status(|s| s.error = Some(format!("watch error {code}: {message}")));
            changed();
            tokio::time::sleep(backoff.take()).await;
            return Some(rv);
        }
        if let Some(v) = version_of(&object) {
            rv = v;
        }
        backoff.reset();
        if store.status().error.is_some() {
            store.set_status(|s| s.error = None);
        }
        apply(store, spec, kind, &object);
        if matches!(kind, "ADDED" | "MODIFIED" | "DELETED") {
            changed();
        }
    }
}

/// Applies one watch event's object (a Table of one row, or a plain object).
fn apply(store: &BrowseStore, spec: &BrowseSpec, kind: &str, object: &Value) {
    let rows: Vec<Row> = if object.get("kind").and_then(Value::as_str) == Some("Table") {
        if store.columns().is_none_or(|c| c.picks.is_empty())
            && let Some(c) = TableColumns::from_table(object, spec.resource.namespaced)
        {
            store.set_columns(c);
        }
        match store.columns() {
            Some(c) => c.rows(object),
            None => Vec::new(),
        }
    } else {
        let list = serde_json::json!({"items": [object]});
        plain_rows(&list, spec.resource.namespaced).1
    };
    for row in rows {
        match kind {
            "ADDED" | "MODIFIED" => store.rows.upsert(row),
            "DELETED" => store.rows.remove(&row.key),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_carry_selectors_escaped() {
        let spec = BrowseSpec {
            resource: ApiResource {
                group: "apps".into(),
                version: "v1".into(),
                plural: "statefulsets".into(),
                namespaced: true,
                ..Default::default()
            },
            namespace: Some("shop".into()),
            label_selector: Some("app in (web,db)".into()),
            field_selector: Some("spec.nodeName=w1".into()),
        };
        assert_eq!(
            spec.query(&[("limit", "500")]),
            "/apis/apps/v1/namespaces/shop/statefulsets?limit=500&includeObject=Metadata&labelSelector=app%20in%20%28web%2Cdb%29&fieldSelector=spec.nodeName%3Dw1"
        );
    }
}

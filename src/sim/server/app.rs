//! The request dispatcher: records and counts every request, routes it, checks simulated RBAC,
//! and calls the health, discovery, object, watch, metrics and log handlers.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{HeaderMap, Method, Uri, header};
use tokio_util::sync::CancellationToken;

use super::accounting::{Counts, request_info};
use super::query::Params;
use super::resources::{self, CRDS, METRICS_GROUP, PODS};
use super::routes::{ResourcePath, Route, route};
use super::served::{self, Aggregated};
use super::status::{ApiError, json_response};
use super::store::Store;
use super::table::{Format, Printer};
use super::watch::WatchOptions;
use super::{authz, crd, discovery, discovery_v2, health, logs, metrics, objects, protobuf, watch};
use crate::sim::Forbidden;

/// Most requests remembered for tests.
const MAX_RECORDED: usize = 100_000;

/// How often watches that asked for bookmarks get one, unless a test changes it.
pub const DEFAULT_BOOKMARK_INTERVAL: Duration = Duration::from_secs(60);

/// One request the server received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    pub method: Method,
    pub path: String,
    pub query: String,
}

impl RecordedRequest {
    /// POST, PUT, PATCH or DELETE, except the POSTs of access reviews, which only ask a
    /// question and change nothing.
    pub fn is_mutating(&self) -> bool {
        let review = self.method == Method::POST
            && self.path.starts_with("/apis/authorization.k8s.io/")
            && (self.path.ends_with("/selfsubjectaccessreviews")
                || self.path.ends_with("/selfsubjectrulesreviews"));
        !review
            && matches!(
                self.method,
                Method::POST | Method::PUT | Method::PATCH | Method::DELETE
            )
    }

    /// The verb as the API server names it: `list`, `watch`, `get`, `create`, …; `None` for
    /// discovery, health and other non-resource requests.
    pub fn verb(&self) -> Option<&'static str> {
        request_info(&self.method, &self.path, &self.query).map(|i| i.verb)
    }

    /// The resource (plural) the request addresses, if any.
    pub fn resource(&self) -> Option<String> {
        request_info(&self.method, &self.path, &self.query).map(|i| i.resource)
    }
}

/// Shared by all requests of one server.
pub struct AppState {
    pub store: Arc<Store>,
    pub forbidden: Vec<Forbidden>,
    pub shutdown: CancellationToken,
    pub requests: Mutex<VecDeque<RecordedRequest>>,
    /// Mutating requests received (exact, unlike the bounded request log).
    pub mutating: AtomicUsize,
    /// Requests per verb and resource (exact).
    pub counts: Mutex<Counts>,
    pub server_address: String,
    /// Health checks made to fail (check name → reason).
    pub health_overrides: Mutex<BTreeMap<String, String>>,
    pub bookmark_interval_ms: AtomicU64,
}

impl AppState {
    pub fn new(
        store: Arc<Store>,
        forbidden: Vec<Forbidden>,
        shutdown: CancellationToken,
        server_address: String,
    ) -> Self {
        AppState {
            store,
            forbidden,
            shutdown,
            requests: Mutex::new(VecDeque::new()),
            mutating: AtomicUsize::new(0),
            counts: Mutex::new(Counts::default()),
            server_address,
            health_overrides: Mutex::new(BTreeMap::new()),
            bookmark_interval_ms: AtomicU64::new(DEFAULT_BOOKMARK_INTERVAL.as_millis() as u64),
        }
    }

    fn record(&self, method: &Method, uri: &Uri) {
        let request = RecordedRequest {
            method: method.clone(),
            path: uri.path().to_string(),
            query: uri.query().unwrap_or("").to_string(),
        };
        if request.is_mutating() {
            self.mutating.fetch_add(1, Ordering::SeqCst);
        }
        if let Some(info) = request_info(&request.method, &request.path, &request.query) {
            self.counts
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .record(&info);
        }
        let mut requests = self.requests.lock().unwrap_or_else(|p| p.into_inner());
        if requests.len() >= MAX_RECORDED {
            requests.pop_front();
        }
        requests.push_back(request);
    }

    fn watch_options(&self) -> WatchOptions {
        WatchOptions {
            shutdown: self.shutdown.clone(),
            bookmark_interval: Duration::from_millis(
                self.bookmark_interval_ms.load(Ordering::Relaxed).max(1),
            ),
        }
    }
}

pub async fn handle(
    State(state): State<Arc<AppState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    state.record(&method, &uri);
    match dispatch(&state, &method, &uri, &headers, &body).await {
        Ok(response) => {
            tracing::debug!(%method, %uri, status = %response.status(), "simulated cluster request");
            response
        }
        Err(error) => {
            tracing::debug!(%method, %uri, code = error.code, message = %error.message, "simulated cluster error");
            error.into_response()
        }
    }
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> &str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

async fn dispatch(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, ApiError> {
    let params = Params::from_uri(uri)?;
    let content_type = header_str(headers, header::CONTENT_TYPE);
    let store = &state.store;
    let route = route(uri.path(), &|g, v, p| store.resolve_plural(g, v, p));
    let protobuf_review = matches!(route, Route::Review(_))
        && content_type.starts_with("application/vnd.kubernetes.protobuf");
    if matches!(*method, Method::POST | Method::PUT)
        && !body.is_empty()
        && !content_type.is_empty()
        && !content_type.contains("json")
        && !protobuf_review
    {
        return Err(ApiError::unsupported_media_type(content_type));
    }
    let read_only = |response: Response| {
        if method == Method::GET {
            Ok(response)
        } else {
            Err(ApiError::method_not_allowed(method.as_str()))
        }
    };
    let accept = header_str(headers, header::ACCEPT);
    match route {
        Route::Version => read_only(discovery::version()),
        Route::Health(endpoint, check) => {
            let overrides = state
                .health_overrides
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone();
            let failing = health::failing(store, &overrides);
            read_only(health::respond(
                &endpoint,
                check.as_deref(),
                &params,
                &failing,
            ))
        }
        Route::OpenApi | Route::NotFound => Err(ApiError::no_route()),
        Route::CoreVersions | Route::Groups if discovery_v2::wanted(accept) => {
            read_only(discovery_v2::document(store, route == Route::CoreVersions))
        }
        Route::CoreVersions => read_only(discovery::core_versions(&state.server_address)),
        Route::CoreResources => read_only(discovery::resources(store, "", "v1")),
        Route::Groups => read_only(discovery::groups(store)),
        Route::Group(group) => read_only(discovery::group(store, &group)),
        Route::GroupResources(group, version) => {
            read_only(discovery::resources(store, &group, &version))
        }
        Route::Review(plural) => {
            if method != Method::POST {
                return Err(ApiError::method_not_allowed(method.as_str()));
            }
            let request = if protobuf_review {
                protobuf::decode_review(body)
                    .ok_or_else(|| ApiError::bad_request("invalid protobuf review"))?
            } else {
                serde_json::from_slice(body)
                    .map_err(|e| ApiError::bad_request(format!("invalid review: {e}")))?
            };
            let answer = authz::review(&state.forbidden, &plural, request)?;
            let mut response = json_response(answer.to_string());
            *response.status_mut() = http::StatusCode::CREATED;
            Ok(response)
        }
        Route::Resource(path) => resource(state, method, &path, &params, headers, body).await,
    }
}

/// How objects of this type are printed: a CRD's printer columns for custom types.
fn printer(store: &Store, index: usize) -> Printer {
    let r = resources::get(index);
    if index < resources::RESOURCES.len() {
        return Printer::builtin(r);
    }
    let crd_name = format!("{}.{}", r.plural, r.group);
    let custom = store
        .get(CRDS, None, &crd_name)
        .map(|crd| crd::printer_columns(&crd, r.version))
        .unwrap_or_default();
    Printer {
        resource: r,
        custom: Some(custom),
    }
}

async fn resource(
    state: &AppState,
    method: &Method,
    path: &ResourcePath,
    params: &Params,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, ApiError> {
    let r = resources::get(path.resource);
    let ns = path.namespace.as_deref();
    let format = Format::negotiate(
        header_str(headers, header::ACCEPT),
        params.get("includeObject"),
    );
    let name = path.name.as_deref();
    let sub = path.subresource.as_deref();
    let store = &state.store;
    let watching = path.watch_prefix || (name.is_none() && params.bool("watch")?);
    if !r.stored() {
        if (r.group, r.version) == METRICS_GROUP && served::metrics(store) != Aggregated::Available
        {
            return Err(ApiError::service_unavailable());
        }
        if *method != Method::GET || watching || sub.is_some() {
            return Err(ApiError::method_not_allowed(method.as_str()));
        }
        authz::check(
            &state.forbidden,
            if name.is_some() { "get" } else { "list" },
            r,
            ns,
            name,
        )?;
        let answer = metrics::serve(store, path, params)?;
        let printer = Printer::builtin(r);
        return Ok(
            match (format, answer.get("items").and_then(|i| i.as_array())) {
                (Format::Json, _) => json_response(answer.to_string()),
                (_, Some(items)) => {
                    let items: Vec<Arc<serde_json::Value>> =
                        items.iter().cloned().map(Arc::new).collect();
                    format.render_list(&printer, &serde_json::json!({}), &items)
                }
                (_, None) => json_response(format.render_object(&printer, &answer).to_string()),
            },
        );
    }
    let printer = printer(store, path.resource);
    match (method.clone(), name, sub) {
        (Method::GET, _, None) if watching => {
            authz::check(&state.forbidden, "watch", r, ns, None)?;
            watch::watch(store, state.watch_options(), path, printer, params, format)
        }
        (Method::GET, None, None) => {
            authz::check(&state.forbidden, "list", r, ns, None)?;
            if let Some(rv) = params.resource_version()?.filter(|rv| *rv > 0) {
                objects::wait_for_resource_version(store, rv).await?;
            }
            let (metadata, items) = objects::list_items(store, path, params)?;
            Ok(format.render_list(&printer, &metadata, &items))
        }
        (Method::GET, Some(name), None | Some("status")) => {
            authz::check(&state.forbidden, "get", r, ns, Some(name))?;
            let object = objects::get_object(store, path, name)?;
            Ok(json_response(
                format.render_object(&printer, &object).to_string(),
            ))
        }
        (Method::GET, Some(name), Some("log")) if path.resource == PODS => {
            authz::check(&state.forbidden, "get", r, ns, Some(name))?;
            let pod = objects::get_object(store, path, name)?;
            logs::logs(
                store,
                state.shutdown.clone(),
                &pod,
                ns.unwrap_or("default"),
                name,
                params,
            )
        }
        (Method::POST, None, None) if !r.namespaced || ns.is_some() => {
            objects::create(store, path, body)
        }
        (Method::PUT, Some(name), None | Some("status")) => {
            objects::replace(store, path, name, body)
        }
        (Method::PATCH, Some(name), None | Some("status")) => objects::patch(
            store,
            path,
            name,
            header_str(headers, header::CONTENT_TYPE),
            body,
        ),
        (Method::DELETE, Some(name), None) => objects::delete(store, path, name),
        (_, _, Some(_)) if !matches!(sub, Some("status" | "log")) => Err(ApiError::no_route()),
        _ => Err(ApiError::method_not_allowed(method.as_str())),
    }
}

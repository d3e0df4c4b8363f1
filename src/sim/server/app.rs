//! The request dispatcher: records every request, routes it, checks simulated RBAC, and calls
//! the discovery, object, watch and log handlers.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{HeaderMap, Method, Uri, header};
use tokio_util::sync::CancellationToken;

use super::query::Params;
use super::resources::{self, PODS};
use super::routes::{ResourcePath, Route, route};
use super::status::{ApiError, json_response};
use super::store::Store;
use super::table::Format;
use super::{authz, discovery, discovery_v2, logs, objects, protobuf, watch};
use crate::sim::Forbidden;

/// Most requests remembered for tests.
const MAX_RECORDED: usize = 100_000;

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
}

/// Shared by all requests of one server.
pub struct AppState {
    pub store: Arc<Store>,
    pub forbidden: Vec<Forbidden>,
    pub shutdown: CancellationToken,
    pub requests: Mutex<VecDeque<RecordedRequest>>,
    /// Mutating requests received (exact, unlike the bounded request log).
    pub mutating: AtomicUsize,
    pub server_address: String,
}

impl AppState {
    fn record(&self, method: &Method, uri: &Uri) {
        let mut requests = self.requests.lock().unwrap_or_else(|p| p.into_inner());
        if requests.len() >= MAX_RECORDED {
            requests.pop_front();
        }
        let request = RecordedRequest {
            method: method.clone(),
            path: uri.path().to_string(),
            query: uri.query().unwrap_or("").to_string(),
        };
        if request.is_mutating() {
            self.mutating.fetch_add(1, Ordering::SeqCst);
        }
        requests.push_back(request);
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
    match dispatch(&state, &method, &uri, &headers, &body) {
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

fn dispatch(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, ApiError> {
    let params = Params::from_uri(uri)?;
    let content_type = header_str(headers, header::CONTENT_TYPE);
    let route = route(uri.path());
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
    match route {
        Route::Version => read_only(discovery::version()),
        Route::Health(endpoint, check) => read_only(discovery::health(
            &endpoint,
            check.as_deref(),
            params.has("verbose"),
        )),
        Route::OpenApi | Route::NotFound => Err(ApiError::no_route()),
        Route::CoreVersions | Route::Groups
            if discovery_v2::wanted(header_str(headers, header::ACCEPT)) =>
        {
            read_only(discovery_v2::document(route == Route::CoreVersions))
        }
        Route::CoreVersions => read_only(discovery::core_versions(&state.server_address)),
        Route::CoreResources => read_only(discovery::resources("", "v1")),
        Route::Groups => read_only(discovery::groups()),
        Route::Group(group) => read_only(discovery::group(&group)),
        Route::GroupResources(group, version) => read_only(discovery::resources(&group, &version)),
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
        Route::Resource(path) => resource(state, method, &path, &params, headers, body),
    }
}

fn resource(
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
    match (method.clone(), name, sub) {
        (Method::GET, _, None)
            if path.watch_prefix || (name.is_none() && params.bool("watch")?) =>
        {
            authz::check(&state.forbidden, "watch", r, ns, None)?;
            watch::watch(store, state.shutdown.clone(), path, params, format)
        }
        (Method::GET, None, None) => {
            authz::check(&state.forbidden, "list", r, ns, None)?;
            let (metadata, items) = objects::list_items(store, path, params)?;
            Ok(format.render_list(r, &metadata, &items))
        }
        (Method::GET, Some(name), None | Some("status")) => {
            authz::check(&state.forbidden, "get", r, ns, Some(name))?;
            let object = objects::get_object(store, path, name)?;
            Ok(json_response(format.render_object(r, &object).to_string()))
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

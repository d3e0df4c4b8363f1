//! Simulated RBAC: the `Forbidden` entries of the options turn matching requests into 403
//! errors with the real API server's wording, and self-subject reviews report the same.

use serde_json::{Value, json};

use super::resources::ResourceType;
use super::status::ApiError;
use crate::sim::Forbidden;

/// The user name the simulated cluster authenticates every client as.
pub const USER: &str = "kmedic-demo";

fn denies(rules: &[Forbidden], resource: &str, namespace: Option<&str>) -> bool {
    rules.iter().any(|f| {
        f.resource == resource && (f.namespace.is_none() || f.namespace.as_deref() == namespace)
    })
}

/// 403 if the `verb` on this resource (in `namespace`, `None` = cluster scope) is forbidden.
pub fn check(
    rules: &[Forbidden],
    verb: &str,
    resource: &ResourceType,
    namespace: Option<&str>,
    name: Option<&str>,
) -> Result<(), ApiError> {
    if !denies(rules, resource.plural, namespace) {
        return Ok(());
    }
    let subject = match name {
        Some(name) => format!("{} \"{name}\"", resource.plural),
        None => resource.plural.to_string(),
    };
    let scope = match namespace {
        Some(ns) => format!("in the namespace \"{ns}\""),
        None => "at the cluster scope".to_string(),
    };
    let message = format!(
        "{subject} is forbidden: User \"{USER}\" cannot {verb} resource \"{}\" in API group \"{}\" {scope}",
        resource.plural, resource.group
    );
    Err(ApiError::forbidden(message, resource.plural, name))
}

/// Answers a SelfSubjectAccessReview or SelfSubjectRulesReview.
pub fn review(rules: &[Forbidden], plural: &str, mut body: Value) -> Result<Value, ApiError> {
    match plural {
        "selfsubjectaccessreviews" => {
            let attrs = body
                .pointer("/spec/resourceAttributes")
                .cloned()
                .unwrap_or(Value::Null);
            let resource = attrs.get("resource").and_then(Value::as_str).unwrap_or("");
            let namespace = attrs
                .get("namespace")
                .and_then(Value::as_str)
                .filter(|n| !n.is_empty());
            let verb = attrs.get("verb").and_then(Value::as_str).unwrap_or("");
            let read = matches!(verb, "get" | "list" | "watch");
            let allowed = !(read && denies(rules, resource, namespace));
            body["status"] = if allowed {
                json!({"allowed": true})
            } else {
                json!({"allowed": false, "denied": true})
            };
            Ok(body)
        }
        "selfsubjectrulesreviews" => {
            body["status"] = json!({
                "resourceRules": [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}],
                "nonResourceRules": [{"verbs": ["*"], "nonResourceURLs": ["*"]}],
                "incomplete": !rules.is_empty()
            });
            Ok(body)
        }
        _ => Err(ApiError::no_route()),
    }
}

//! "What can I do here": asks the API server, through access reviews (read-only POSTs the
//! choke point lets through), which of the lists kmedic needs are allowed in the current scope,
//! and which rules the user has in the namespace — the `kubectl auth can-i` of the seeds.

use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
    SelfSubjectRulesReview, SelfSubjectRulesReviewSpec,
};
use kube::api::PostParams;
use kube::{Api, Client};

use super::Scope;
use crate::model::ResourceKind;

/// One `can-i` answer.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessCheck {
    pub verb: String,
    pub resource: String,
    /// Empty when cluster-wide.
    pub namespace: String,
    pub allowed: bool,
    pub reason: String,
}

/// A rule the user holds in the namespace.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleLine {
    pub verbs: Vec<String>,
    pub api_groups: Vec<String>,
    pub resources: Vec<String>,
}

/// The whole answer.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessReport {
    pub checks: Vec<AccessCheck>,
    /// Namespace the rules are for.
    pub rules_namespace: String,
    pub rules: Result<Vec<RuleLine>, String>,
    /// The server said the rule list may be incomplete (e.g. webhook authorizers).
    pub incomplete: bool,
}

fn group_of(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::Deployments => "apps",
        _ => "",
    }
}

/// Asks whether each list kmedic needs (plus reading logs) is allowed in `scope`.
pub async fn review_access(client: Client, scope: &Scope) -> Result<AccessReport, String> {
    let namespace = match scope {
        Scope::All => String::new(),
        Scope::Namespace(ns) => ns.clone(),
    };
    let mut wanted: Vec<(&str, &str, &str, String)> = Vec::new();
    for kind in ResourceKind::WATCHED {
        let ns = if kind.namespaced() {
            namespace.clone()
        } else {
            String::new()
        };
        for verb in ["list", "watch"] {
            wanted.push((verb, group_of(*kind), kind.resource(), ns.clone()));
        }
    }
    wanted.push(("get", "", "pods/log", namespace.clone()));
    let api: Api<SelfSubjectAccessReview> = Api::all(client.clone());
    let mut checks = Vec::new();
    for (verb, group, resource, ns) in wanted {
        let (resource_name, subresource) = match resource.split_once('/') {
            Some((r, s)) => (r.to_string(), Some(s.to_string())),
            None => (resource.to_string(), None),
        };
        let review = SelfSubjectAccessReview {
            spec: SelfSubjectAccessReviewSpec {
                resource_attributes: Some(ResourceAttributes {
                    verb: Some(verb.to_string()),
                    group: Some(group.to_string()),
                    resource: Some(resource_name),
                    subresource,
                    namespace: (!ns.is_empty()).then(|| ns.clone()),
                    ..Default::default()
                }),
                ..Default::default()
            },
            ..Default::default()
        };
        let answer = api
            .create(&PostParams::default(), &review)
            .await
            .map_err(|e| match e {
                kube::Error::Api(status) => status.message.clone(),
                other => super::client::describe_error(&other),
            })?;
        let status = answer.status.unwrap_or_default();
        checks.push(AccessCheck {
            verb: verb.to_string(),
            resource: resource.to_string(),
            namespace: ns,
            allowed: status.allowed,
            reason: status.reason.unwrap_or_default(),
        });
    }
    let rules_namespace = if namespace.is_empty() {
        "default".to_string()
    } else {
        namespace
    };
    let (rules, incomplete) = rules_review(client, &rules_namespace).await;
    Ok(AccessReport {
        checks,
        rules_namespace,
        rules,
        incomplete,
    })
}

async fn rules_review(client: Client, namespace: &str) -> (Result<Vec<RuleLine>, String>, bool) {
    let api: Api<SelfSubjectRulesReview> = Api::all(client);
    let review = SelfSubjectRulesReview {
        spec: SelfSubjectRulesReviewSpec {
            namespace: Some(namespace.to_string()),
        },
        ..Default::default()
    };
    match api.create(&PostParams::default(), &review).await {
        Ok(answer) => {
            let status = answer.status.unwrap_or_default();
            let rules = status
                .resource_rules
                .into_iter()
                .map(|r| RuleLine {
                    verbs: r.verbs,
                    api_groups: r.api_groups.unwrap_or_default(),
                    resources: r.resources.unwrap_or_default(),
                })
                .collect();
            (Ok(rules), status.incomplete)
        }
        Err(kube::Error::Api(status)) => (Err(status.message.clone()), true),
        Err(other) => (Err(super::client::describe_error(&other)), true),
    }
}

/// A line of the access view: its text and whether it says allowed (`Some(true)`), refused
/// (`Some(false)`) or neither.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessLine {
    pub text: String,
    pub allowed: Option<bool>,
}

/// The report as text lines for the access view.
pub fn report_lines(report: &AccessReport) -> Vec<AccessLine> {
    let lines = report_text(report);
    lines
        .into_iter()
        .map(|(text, allowed)| AccessLine { text, allowed })
        .collect()
}

fn report_text(report: &AccessReport) -> Vec<(String, Option<bool>)> {
    let mut lines = vec![("What kmedic needs (kubectl auth can-i):".to_string(), None)];
    for check in &report.checks {
        let place = if check.namespace.is_empty() {
            "cluster-wide".to_string()
        } else {
            format!("in {}", check.namespace)
        };
        let answer = if check.allowed { "yes" } else { "no " };
        let reason = if check.reason.is_empty() {
            String::new()
        } else {
            format!("  ({})", check.reason)
        };
        lines.push((
            format!(
                "  {answer}  {:<6} {:<12} {place}{reason}",
                check.verb, check.resource
            ),
            Some(check.allowed),
        ));
    }
    lines.push((String::new(), None));
    lines.push((
        format!("Your rules in namespace {}:", report.rules_namespace),
        None,
    ));
    match &report.rules {
        Ok(rules) if rules.is_empty() => lines.push(("  (none)".to_string(), Some(false))),
        Ok(rules) => {
            for rule in rules {
                let groups: Vec<String> = rule
                    .api_groups
                    .iter()
                    .map(|g| {
                        if g.is_empty() {
                            "core".to_string()
                        } else {
                            g.clone()
                        }
                    })
                    .collect();
                lines.push((
                    format!(
                        "  {:<28} {:<40} groups: {}",
                        rule.verbs.join(","),
                        rule.resources.join(","),
                        groups.join(",")
                    ),
                    None,
                ));
            }
        }
        Err(e) => lines.push((format!("  cannot review rules: {e}"), Some(false))),
    }
    if report.incomplete {
        lines.push((
            "  (the server says this list may be incomplete)".to_string(),
            None,
        ));
    }
    lines
}

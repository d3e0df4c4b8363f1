//! Control-plane containers as the runtime sees them (the only view left when the API server is
//! down): the newest instance of each component not running, or restarting again and again,
//! with its exit code and the failure signatures of its last log lines.

use std::collections::BTreeMap;

use super::journals::classify_lines;
use super::{ev, finding};
use crate::findings::{Finding, ObjectRef, Pane, Severity};
use crate::node::model::NodeData;
use crate::node::parse::crictl::Container;
use crate::node::parse::manifest::component_of;

/// Restarts of a running control-plane container that are worth a warning.
const MANY_RESTARTS: u32 = 5;

fn object(c: &Container) -> ObjectRef {
    let ns = if c.pod_namespace.is_empty() {
        "kube-system"
    } else {
        &c.pod_namespace
    };
    let name = if c.pod_name.is_empty() {
        &c.name
    } else {
        &c.pod_name
    };
    ObjectRef::new("Container", ns, format!("{name}/{}", c.name))
}

pub fn check(data: &NodeData) -> Vec<Finding> {
    let Some(containers) = &data.containers else {
        return Vec::new();
    };
    let mut newest: BTreeMap<&str, &Container> = BTreeMap::new();
    for c in containers
        .iter()
        .filter(|c| component_of(&c.name).is_some())
    {
        let keep = newest
            .get(c.name.as_str())
            .is_none_or(|n| (c.state == "Running", c.attempt) > (n.state == "Running", n.attempt));
        if keep {
            newest.insert(&c.name, c);
        }
    }
    let mut out = Vec::new();
    for (name, c) in newest {
        let vital = component_of(name).is_some_and(|k| k.is_vital());
        let signatures = classify_lines(&c.log_tail);
        let cause = signatures
            .first()
            .map(|(p, _)| format!(": {}", p.meaning))
            .unwrap_or_default();
        let (check, severity, summary) = if c.state != "Running" {
            (
                "control-plane-container-down",
                if vital {
                    Severity::Critical
                } else {
                    Severity::Error
                },
                format!(
                    "{name} is {} (attempt {}{}){cause}",
                    c.state,
                    c.attempt,
                    c.exit_code
                        .map(|e| format!(", exit code {e}"))
                        .unwrap_or_default()
                ),
            )
        } else if c.attempt >= MANY_RESTARTS {
            (
                "control-plane-container-restarts",
                Severity::Warning,
                format!(
                    "{name} is running but has restarted {} times{cause}",
                    c.attempt
                ),
            )
        } else {
            continue;
        };
        let mut f = finding(
            Pane::ControlPlane,
            check,
            severity,
            object(c),
            summary,
            "The kubelet runs this control-plane component as a static pod; the runtime shows its newest container is not running (or keeps restarting). Its last log lines usually name the cause.",
        );
        f.evidence = vec![ev(
            "container",
            format!("{} ({}), image {}", c.id, c.state, c.image),
        )];
        if let Some(reason) = &c.reason {
            f.evidence.push(ev("reason", reason));
        }
        if let Some(at) = &c.finished_at {
            f.evidence.push(ev("finished", at));
        }
        for (p, lines) in &signatures {
            if let Some(last) = lines.last() {
                f.evidence.push(ev(format!("log: {}", p.meaning), *last));
            }
        }
        if signatures.is_empty()
            && let Some(last) = c.log_tail.iter().rev().find(|l| !l.trim().is_empty())
        {
            f.evidence.push(ev("last log line", last));
        }
        f.next_steps = vec![
            format!("crictl ps -a --name {name}"),
            format!("crictl logs --tail 50 {}", c.id),
            format!("check /etc/kubernetes/manifests/{name}.yaml"),
        ];
        if let Some((p, _)) = signatures.first() {
            f.next_steps.extend(p.next.iter().map(|s| s.to_string()));
        }
        out.push(f);
    }
    out
}

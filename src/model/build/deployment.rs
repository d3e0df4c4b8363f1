//! The Deployments table row.

use crate::objects::Deployment;

use super::{created, meta_key, name_cell, namespace_cell};
use crate::model::{Cell, Health, Row, RowLinks};

/// Deployment: READY `ready/desired`, UP-TO-DATE, AVAILABLE, AGE. Health is `Error` when the
/// Available condition is False or progress stalled (`ProgressDeadlineExceeded`), `Warning`
/// while fewer replicas are ready than desired.
pub fn deployment_row(d: &Deployment) -> Row {
    let key = meta_key(&d.metadata);
    let desired = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1).max(0);
    let status = d.status.clone().unwrap_or_default();
    let ready = status.ready_replicas.unwrap_or(0).max(0);
    let conditions = status.conditions.unwrap_or_default();
    let failed = conditions.iter().any(|c| {
        (c.type_ == "Available" && c.status == "False")
            || (c.type_ == "Progressing" && c.reason.as_deref() == Some("ProgressDeadlineExceeded"))
    });
    let health = if failed {
        Health::Error
    } else if ready < desired {
        Health::Warning
    } else {
        Health::Ok
    };
    let cells = vec![
        namespace_cell(&d.metadata),
        name_cell(&d.metadata),
        Cell::Ratio {
            ready: ready as u32,
            total: desired as u32,
        },
        Cell::Count(i64::from(status.updated_replicas.unwrap_or(0))),
        Cell::Count(i64::from(status.available_replicas.unwrap_or(0))),
        Cell::Age(created(&d.metadata)),
    ];
    Row {
        key,
        cells,
        health,
        links: RowLinks::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::build::obj;
    use serde_json::json;

    fn dep(replicas: Option<i32>, status: serde_json::Value) -> Deployment {
        let mut spec = json!({"selector": {}, "template": {}});
        if let Some(r) = replicas {
            spec["replicas"] = json!(r);
        }
        obj(
            json!({"metadata": {"name": "web", "namespace": "shop"}, "spec": spec, "status": status}),
        )
    }

    #[test]
    fn healthy_deployment() {
        let row = deployment_row(&dep(
            Some(3),
            json!({"readyReplicas": 3, "updatedReplicas": 3, "availableReplicas": 3}),
        ));
        assert_eq!(row.cells.len(), 6);
        assert_eq!(row.cells[2], Cell::Ratio { ready: 3, total: 3 });
        assert_eq!(row.cells[3], Cell::Count(3));
        assert_eq!(row.cells[4], Cell::Count(3));
        assert_eq!(row.health, Health::Ok);
    }

    #[test]
    fn default_replicas_and_warning() {
        let row = deployment_row(&dep(None, json!({})));
        assert_eq!(row.cells[2], Cell::Ratio { ready: 0, total: 1 });
        assert_eq!(row.health, Health::Warning);
    }

    #[test]
    fn failed_conditions_are_errors() {
        let row = deployment_row(&dep(
            Some(2),
            json!({"readyReplicas": 1, "conditions": [
                {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded"}]}),
        ));
        assert_eq!(row.health, Health::Error);
        let row = deployment_row(&dep(
            Some(2),
            json!({"readyReplicas": 2, "conditions": [
                {"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable"}]}),
        ));
        assert_eq!(row.health, Health::Error);
    }
}

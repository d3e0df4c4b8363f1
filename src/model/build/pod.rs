//! The Pods table row.

use crate::objects::Pod;

use super::{created, meta_key, name_cell, namespace_cell, or_none};
use crate::model::pod_status::{status_health, summarize};
use crate::model::{Cell, Row, RowLinks};

/// A Pod as the Pods table shows it: ready `2/3`, kubectl's status word, restarts with the time
/// of the last one, age, IP, node. `links` = `RowLinks::Pod`.
pub fn pod_row(pod: &Pod) -> Row {
    let key = meta_key(&pod.metadata);
    let summary = summarize(pod);
    let health = status_health(&summary.status, summary.ready, summary.total);
    let status = pod.status.as_ref();
    let node = pod
        .spec
        .as_ref()
        .and_then(|s| s.node_name.clone())
        .unwrap_or_default();
    let phase = status.and_then(|s| s.phase.as_deref()).unwrap_or_default();
    let cells = vec![
        namespace_cell(&pod.metadata),
        name_cell(&pod.metadata),
        Cell::Ratio {
            ready: summary.ready,
            total: summary.total,
        },
        Cell::status(&summary.status, health),
        Cell::Restarts {
            count: summary.restarts,
            last: summary.last_restart,
        },
        Cell::Age(created(&pod.metadata)),
        Cell::Text(or_none(status.and_then(|s| s.pod_ip.as_ref()))),
        Cell::Text(or_none(Some(&node))),
    ];
    let active = phase != "Succeeded" && phase != "Failed";
    Row {
        key,
        cells,
        health,
        links: RowLinks::Pod {
            node,
            active,
            resources: crate::model::usage::pod_resources(pod),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Health;
    use crate::model::build::{obj, ts};
    use serde_json::json;

    #[test]
    fn running_pod_row_cells() {
        let pod: Pod = obj(json!({
            "metadata": {"name": "web-1", "namespace": "shop",
                         "creationTimestamp": "2024-01-01T00:00:00Z"},
            "spec": {"nodeName": "node-a", "containers": [{"name": "a"}, {"name": "b"}]},
            "status": {"phase": "Running", "podIP": "10.0.0.7", "containerStatuses": [
                {"name": "a", "image": "x", "imageID": "", "ready": true, "restartCount": 2,
                 "state": {"running": {}},
                 "lastState": {"terminated": {"exitCode": 1,
                                              "finishedAt": "2024-01-02T00:00:00Z"}}},
                {"name": "b", "image": "x", "imageID": "", "ready": true, "restartCount": 1,
                 "state": {"running": {}},
                 "lastState": {"terminated": {"exitCode": 137, "reason": "OOMKilled",
                                              "finishedAt": "2024-01-03T00:00:00Z"}}}
            ]}
        }));
        let row = pod_row(&pod);
        assert_eq!(row.key.namespace, "shop");
        assert_eq!(row.cells.len(), 8);
        assert_eq!(row.cells[0], Cell::Text("shop".into()));
        assert_eq!(row.cells[1], Cell::Text("web-1".into()));
        assert_eq!(row.cells[2], Cell::Ratio { ready: 2, total: 2 });
        assert_eq!(row.cells[3], Cell::Status("Running".into(), Health::Ok));
        assert_eq!(
            row.cells[4],
            Cell::Restarts {
                count: 3,
                last: Some(ts("2024-01-03T00:00:00Z"))
            }
        );
        assert_eq!(row.cells[5], Cell::Age(Some(ts("2024-01-01T00:00:00Z"))));
        assert_eq!(row.cells[6], Cell::Text("10.0.0.7".into()));
        assert_eq!(row.cells[7], Cell::Text("node-a".into()));
        assert_eq!(row.health, Health::Ok);
        assert_eq!(
            row.links,
            RowLinks::Pod {
                node: "node-a".into(),
                active: true,
                resources: [0.0; 4],
            }
        );
    }

    #[test]
    fn empty_pod_never_panics() {
        let pod = Pod::default();
        let row = pod_row(&pod);
        assert_eq!(row.cells.len(), 8);
        assert_eq!(row.cells[6], Cell::Text("<none>".into()));
        assert_eq!(row.cells[7], Cell::Text("<none>".into()));
        assert_eq!(
            row.cells[4],
            Cell::Restarts {
                count: 0,
                last: None
            }
        );
    }

    #[test]
    fn finished_pod_is_not_active() {
        let pod: Pod = obj(json!({
            "metadata": {"name": "job-1"},
            "spec": {"nodeName": "n", "containers": [{"name": "a"}]},
            "status": {"phase": "Succeeded"}
        }));
        let row = pod_row(&pod);
        assert_eq!(
            row.links,
            RowLinks::Pod {
                node: "n".into(),
                active: false,
                resources: [0.0; 4],
            }
        );
        assert_eq!(row.health, Health::Done);
    }
}

//! Tables of the workload kinds: Deployments, ReplicaSets, ReplicationControllers,
//! StatefulSets, DaemonSets, Jobs, CronJobs, HorizontalPodAutoscalers (both versions) and
//! PodDisruptionBudgets, with kubectl's columns including the wide ones.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::hpa_convert;
use super::printers::{
    Cells, Column, age, array, container_cells, format_labels, format_selector, human_duration,
    int, selector_string, since, text,
};
use super::resources::ResourceType;

const DEPLOYMENT: &[Column] = &[
    ("Name", "string", 0),
    ("Ready", "string", 0),
    ("Up-to-date", "string", 0),
    ("Available", "string", 0),
    ("Age", "string", 0),
    ("Containers", "string", 1),
    ("Images", "string", 1),
    ("Selector", "string", 1),
];
const REPLICASET: &[Column] = &[
    ("Name", "string", 0),
    ("Desired", "integer", 0),
    ("Current", "integer", 0),
    ("Ready", "integer", 0),
    ("Age", "string", 0),
    ("Containers", "string", 1),
    ("Images", "string", 1),
    ("Selector", "string", 1),
];
const STATEFULSET: &[Column] = &[
    ("Name", "string", 0),
    ("Ready", "string", 0),
    ("Age", "string", 0),
    ("Containers", "string", 1),
    ("Images", "string", 1),
];
const DAEMONSET: &[Column] = &[
    ("Name", "string", 0),
    ("Desired", "integer", 0),
    ("Current", "integer", 0),
    ("Ready", "integer", 0),
    ("Up-to-date", "integer", 0),
    ("Available", "integer", 0),
    ("Node Selector", "string", 0),
    ("Age", "string", 0),
    ("Containers", "string", 1),
    ("Images", "string", 1),
    ("Selector", "string", 1),
];
const JOB: &[Column] = &[
    ("Name", "string", 0),
    ("Status", "string", 0),
    ("Completions", "string", 0),
    ("Duration", "string", 0),
    ("Age", "string", 0),
    ("Containers", "string", 1),
    ("Images", "string", 1),
    ("Selector", "string", 1),
];
const CRONJOB: &[Column] = &[
    ("Name", "string", 0),
    ("Schedule", "string", 0),
    ("Timezone", "string", 0),
    ("Suspend", "boolean", 0),
    ("Active", "integer", 0),
    ("Last Schedule", "string", 0),
    ("Age", "string", 0),
    ("Containers", "string", 1),
    ("Images", "string", 1),
    ("Selector", "string", 1),
];
const HPA: &[Column] = &[
    ("Name", "string", 0),
    ("Reference", "string", 0),
    ("Targets", "string", 0),
    ("MinPods", "string", 0),
    ("MaxPods", "string", 0),
    ("Replicas", "string", 0),
    ("Age", "string", 0),
];
const PDB: &[Column] = &[
    ("Name", "string", 0),
    ("Min Available", "string", 0),
    ("Max Unavailable", "string", 0),
    ("Allowed Disruptions", "integer", 0),
    ("Age", "string", 0),
];

pub fn printer(resource: &ResourceType) -> Option<(&'static [Column], Cells)> {
    Some(match (resource.group, resource.version, resource.kind) {
        ("apps", _, "Deployment") => (DEPLOYMENT, deployment as Cells),
        ("apps", _, "ReplicaSet") => (REPLICASET, replicaset),
        ("", _, "ReplicationController") => (REPLICASET, replication_controller),
        ("apps", _, "StatefulSet") => (STATEFULSET, statefulset),
        ("apps", _, "DaemonSet") => (DAEMONSET, daemonset),
        ("batch", _, "Job") => (JOB, job),
        ("batch", _, "CronJob") => (CRONJOB, cronjob),
        ("autoscaling", "v2", "HorizontalPodAutoscaler") => (HPA, hpa),
        ("autoscaling", _, "HorizontalPodAutoscaler") => (HPA, hpa_v1),
        ("policy", _, "PodDisruptionBudget") => (PDB, pdb),
        _ => return None,
    })
}

fn name(o: &Value) -> Value {
    json!(text(o, "/metadata/name"))
}

fn created(o: &Value, now: Timestamp) -> Value {
    json!(age(o, "/metadata/creationTimestamp", now))
}

fn deployment(d: &Value, now: Timestamp) -> Vec<Value> {
    let [names, images] = container_cells(d, "/spec/template/spec");
    vec![
        name(d),
        json!(format!(
            "{}/{}",
            int(d, "/status/readyReplicas"),
            int(d, "/spec/replicas")
        )),
        json!(int(d, "/status/updatedReplicas")),
        json!(int(d, "/status/availableReplicas")),
        created(d, now),
        names,
        images,
        json!(selector_string(d.pointer("/spec/selector"))),
    ]
}

fn replicaset(rs: &Value, now: Timestamp) -> Vec<Value> {
    let [names, images] = container_cells(rs, "/spec/template/spec");
    vec![
        name(rs),
        json!(int(rs, "/spec/replicas")),
        json!(int(rs, "/status/replicas")),
        json!(int(rs, "/status/readyReplicas")),
        created(rs, now),
        names,
        images,
        json!(format_selector(rs.pointer("/spec/selector"))),
    ]
}

fn replication_controller(rc: &Value, now: Timestamp) -> Vec<Value> {
    let [names, images] = container_cells(rc, "/spec/template/spec");
    vec![
        name(rc),
        json!(int(rc, "/spec/replicas")),
        json!(int(rc, "/status/replicas")),
        json!(int(rc, "/status/readyReplicas")),
        created(rc, now),
        names,
        images,
        json!(format_labels(rc.pointer("/spec/selector"))),
    ]
}

fn statefulset(s: &Value, now: Timestamp) -> Vec<Value> {
    let [names, images] = container_cells(s, "/spec/template/spec");
    vec![
        name(s),
        json!(format!(
            "{}/{}",
            int(s, "/status/readyReplicas"),
            int(s, "/spec/replicas")
        )),
        created(s, now),
        names,
        images,
    ]
}

fn daemonset(ds: &Value, now: Timestamp) -> Vec<Value> {
    let [names, images] = container_cells(ds, "/spec/template/spec");
    vec![
        name(ds),
        json!(int(ds, "/status/desiredNumberScheduled")),
        json!(int(ds, "/status/currentNumberScheduled")),
        json!(int(ds, "/status/numberReady")),
        json!(int(ds, "/status/updatedNumberScheduled")),
        json!(int(ds, "/status/numberAvailable")),
        json!(format_labels(
            ds.pointer("/spec/template/spec/nodeSelector")
        )),
        created(ds, now),
        names,
        images,
        json!(format_selector(ds.pointer("/spec/selector"))),
    ]
}

fn holds(o: &Value, kind: &str) -> bool {
    array(o, "/status/conditions")
        .iter()
        .find(|c| text(c, "/type") == kind)
        .is_some_and(|c| text(c, "/status") == "True")
}

fn job(job: &Value, now: Timestamp) -> Vec<Value> {
    let succeeded = int(job, "/status/succeeded");
    let completions = match job.pointer("/spec/completions").and_then(Value::as_i64) {
        Some(c) => format!("{succeeded}/{c}"),
        None => match int(job, "/spec/parallelism") {
            p if p > 1 => format!("{succeeded}/1 of {p}"),
            _ => format!("{succeeded}/1"),
        },
    };
    let start = text(job, "/status/startTime").parse::<Timestamp>().ok();
    let end = text(job, "/status/completionTime")
        .parse::<Timestamp>()
        .ok();
    let duration = match (start, end) {
        (None, _) => String::new(),
        (Some(s), None) => human_duration(now.as_second() - s.as_second()),
        (Some(s), Some(e)) => human_duration(e.as_second() - s.as_second()),
    };
    let deleting = job
        .pointer("/metadata/deletionTimestamp")
        .is_some_and(|v| !v.is_null());
    let status = if holds(job, "Complete") {
        "Complete"
    } else if holds(job, "Failed") {
        "Failed"
    } else if deleting {
        "Terminating"
    } else if holds(job, "Suspended") {
        "Suspended"
    } else if holds(job, "FailureTarget") {
        "FailureTarget"
    } else {
        "Running"
    };
    let [names, images] = container_cells(job, "/spec/template/spec");
    vec![
        name(job),
        json!(status),
        json!(completions),
        json!(duration),
        created(job, now),
        names,
        images,
        json!(format_selector(job.pointer("/spec/selector"))),
    ]
}

fn cronjob(cj: &Value, now: Timestamp) -> Vec<Value> {
    let last = match text(cj, "/status/lastScheduleTime") {
        "" => "<none>".to_string(),
        t => since(t, now),
    };
    let tz = match text(cj, "/spec/timeZone") {
        "" => "<none>",
        t => t,
    };
    let [names, images] = container_cells(cj, "/spec/jobTemplate/spec/template/spec");
    vec![
        name(cj),
        json!(text(cj, "/spec/schedule")),
        json!(tz),
        json!(
            cj.pointer("/spec/suspend")
                .and_then(Value::as_bool)
                .unwrap_or(false)
        ),
        json!(array(cj, "/status/active").len()),
        json!(last),
        created(cj, now),
        names,
        images,
        json!(format_selector(
            cj.pointer("/spec/jobTemplate/spec/selector")
        )),
    ]
}

fn metric_target(spec: &Value, status: Option<&Value>) -> String {
    let source = match text(spec, "/type") {
        "Resource" => "resource",
        "ContainerResource" => "containerResource",
        "Pods" => "pods",
        "Object" => "object",
        "External" => "external",
        _ => return "<unknown type>".to_string(),
    };
    let target = spec.pointer(&format!("/{source}/target"));
    let current = status.and_then(|s| s.pointer(&format!("/{source}/current")));
    let pick = |v: Option<&Value>, key: &str| -> Option<String> {
        v.and_then(|v| v.get(key)).map(|q| match q {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    };
    let prefix = match source {
        "resource" | "containerResource" => format!("{}: ", text(spec, &format!("/{source}/name"))),
        _ => String::new(),
    };
    let unknown = || "<unknown>".to_string();
    if let Some(avg) = pick(target, "averageValue") {
        let cur = pick(current, "averageValue").unwrap_or_else(unknown);
        let suffix = if matches!(source, "object" | "external") {
            " (avg)"
        } else {
            ""
        };
        return format!("{prefix}{cur}/{avg}{suffix}");
    }
    if matches!(source, "resource" | "containerResource") {
        let cur = pick(current, "averageUtilization").map_or_else(unknown, |u| format!("{u}%"));
        let tgt =
            pick(target, "averageUtilization").map_or("<auto>".to_string(), |u| format!("{u}%"));
        return format!("{prefix}{cur}/{tgt}");
    }
    let cur = pick(current, "value").unwrap_or_else(unknown);
    format!("{cur}/{}", pick(target, "value").unwrap_or_default())
}

fn hpa(h: &Value, now: Timestamp) -> Vec<Value> {
    let specs = array(h, "/spec/metrics");
    let statuses = array(h, "/status/currentMetrics");
    let targets = if specs.is_empty() {
        "<none>".to_string()
    } else {
        let list: Vec<String> = specs
            .iter()
            .enumerate()
            .map(|(i, s)| metric_target(s, statuses.get(i)))
            .collect();
        if list.len() > 2 {
            format!("{} + {} more...", list[..2].join(", "), list.len() - 2)
        } else {
            list.join(", ")
        }
    };
    let min = match h.pointer("/spec/minReplicas").and_then(Value::as_i64) {
        Some(m) => m.to_string(),
        None => "<unset>".to_string(),
    };
    vec![
        name(h),
        json!(format!(
            "{}/{}",
            text(h, "/spec/scaleTargetRef/kind"),
            text(h, "/spec/scaleTargetRef/name")
        )),
        json!(targets),
        json!(min),
        json!(int(h, "/spec/maxReplicas")),
        json!(int(h, "/status/currentReplicas")),
        created(h, now),
    ]
}

fn hpa_v1(h: &Value, now: Timestamp) -> Vec<Value> {
    hpa(&hpa_convert::to_v2(h), now)
}

fn int_or_string(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => "N/A".to_string(),
    }
}

fn pdb(p: &Value, now: Timestamp) -> Vec<Value> {
    vec![
        name(p),
        json!(int_or_string(p.pointer("/spec/minAvailable"))),
        json!(int_or_string(p.pointer("/spec/maxUnavailable"))),
        json!(int(p, "/status/disruptionsAllowed")),
        created(p, now),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hpa_targets_read_like_kubectl() {
        let h = json!({"metadata": {"name": "web"}, "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"},
            "minReplicas": 2, "maxReplicas": 5, "metrics": [
                {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}},
                {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "300Mi"}}}]},
            "status": {"currentReplicas": 2, "currentMetrics": [
                {"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 12}}}]}});
        let now = Timestamp::UNIX_EPOCH;
        let cells = hpa(&h, now);
        assert_eq!(cells[1], "Deployment/web");
        assert_eq!(cells[2], "cpu: 12%/70%, memory: <unknown>/300Mi");
        assert_eq!(hpa_v1(&hpa_convert::to_v1(&h), now)[2], cells[2]);
    }
}

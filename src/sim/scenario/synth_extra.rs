//! The other kinds a namespace of a synthetic cluster holds besides Deployments: its default
//! ServiceAccount and root CA ConfigMap, a ConfigMap and a Secret per app, a database
//! StatefulSet with its headless Service, a CronJob with its last completed Job and pod, and
//! the events kubelets and the scheduler emit for the failing pods.

use serde_json::{Value, json};

use super::events::{self, EventSpec};
use super::ids;
use super::json as j;
use super::synth_objects::{self as so, App, Placement, PodState};

const ROOT_CA: &str = "-----BEGIN CERTIFICATE-----\nMIIBdzCCAR2gAwIBAgIBADAKBggqhkjOPQQDAjAVMRMwEQYDVQQDEwprdWJlcm5ldGVz\n-----END CERTIFICATE-----\n";

/// The default ServiceAccount and the kube-root-ca.crt ConfigMap of a namespace.
pub fn namespace_basics(ns: &str, created: &str) -> [Value; 2] {
    [
        json!({"apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": "default", "namespace": ns, "uid": ids::uid("ServiceAccount", ns, "default"), "creationTimestamp": created}}),
        json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "kube-root-ca.crt", "namespace": ns, "uid": ids::uid("ConfigMap", ns, "kube-root-ca.crt"),
                "creationTimestamp": created},
            "data": {"ca.crt": ROOT_CA}}),
    ]
}

/// An app's ConfigMap and Secret.
pub fn app_config(app: &App) -> [Value; 2] {
    let cm = format!("{}-config", app.name);
    let secret = format!("{}-credentials", app.name);
    [
        json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": cm, "namespace": app.ns, "uid": ids::uid("ConfigMap", app.ns, &cm),
                "creationTimestamp": app.created, "labels": {"app": app.name}},
            "data": {"LOG_LEVEL": "info", "HTTP_PORT": "8080", "UPSTREAM_URL": format!("http://db.{}.svc.cluster.local:5432", app.ns)}}),
        json!({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": {"name": secret, "namespace": app.ns, "uid": ids::uid("Secret", app.ns, &secret),
                "creationTimestamp": app.created, "labels": {"app": app.name}},
            "data": {"username": "YXBw", "password": "c3ludGhldGlj"}}),
    ]
}

/// A 3-replica database StatefulSet with its headless Service and pods at `places`.
pub fn statefulset(ns: &str, created: &str, places: &[Placement]) -> Vec<Value> {
    let app = App {
        ns,
        name: "db",
        hash: "db-7d9c5b8f6c",
        image: "postgres:16.4",
        created,
    };
    let labels = json!({"app": "db"});
    let mut out = Vec::new();
    for (k, at) in places.iter().enumerate() {
        let mut pod = so::pod(&app, at, PodState::Running);
        let name = format!("db-{k}");
        pod["metadata"]["name"] = json!(name);
        pod["metadata"]["uid"] = json!(ids::uid("Pod", ns, &name));
        pod["metadata"]["labels"] = json!({"app": "db", "apps.kubernetes.io/pod-index": k.to_string(),
            "controller-revision-hash": "db-7d9c5b8f6c", "statefulset.kubernetes.io/pod-name": name});
        pod["metadata"]["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "db",
            "uid": ids::uid("StatefulSet", ns, "db"), "controller": true, "blockOwnerDeletion": true}]);
        pod["spec"]["hostname"] = json!(name);
        pod["spec"]["subdomain"] = json!("db");
        out.push(pod);
    }
    let n = places.len();
    let mut sts = json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "db", "namespace": ns, "uid": ids::uid("StatefulSet", ns, "db"), "creationTimestamp": created, "generation": 1},
        "spec": {"replicas": n, "serviceName": "db", "podManagementPolicy": "OrderedReady",
            "selector": {"matchLabels": {"app": "db"}}, "template": {"metadata": {"labels": {"app": "db"}}}},
        "status": {"replicas": n, "readyReplicas": n, "currentReplicas": n, "updatedReplicas": n, "availableReplicas": n,
            "currentRevision": "db-7d9c5b8f6c", "updateRevision": "db-7d9c5b8f6c", "observedGeneration": 1, "collisionCount": 0}});
    sts["spec"]["template"]["spec"] = json!({"containers": [{"name": "db", "image": "postgres:16.4",
        "ports": [{"name": "postgres", "containerPort": 5432, "protocol": "TCP"}],
        "resources": {"requests": {"cpu": "250m", "memory": "512Mi"}}}]});
    let mut svc = json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "db", "namespace": ns, "uid": ids::uid("Service", ns, "db"), "creationTimestamp": created},
        "spec": {"clusterIP": "None", "clusterIPs": ["None"], "type": "ClusterIP", "sessionAffinity": "None",
            "ports": [{"name": "postgres", "port": 5432, "protocol": "TCP", "targetPort": 5432}]},
        "status": {"loadBalancer": {}}});
    svc["metadata"]["labels"] = labels.clone();
    svc["spec"]["selector"] = labels;
    let refs: Vec<&Value> = out.iter().collect();
    let [ep, slice] = super::endpoints::for_service(&svc, &refs);
    out.extend([sts, svc, ep, slice]);
    out
}

/// An hourly report CronJob, its last Job (complete) and that Job's pod (Succeeded) at `at`.
pub fn cronjob(ns: &str, created: &str, at: &Placement, last_run: jiff::Timestamp) -> Vec<Value> {
    let job_name = format!("report-{}", last_run.as_second() / 60);
    let job_name = job_name.as_str();
    let last_run = super::timeshift::format_time(last_run, false);
    let last_run = last_run.as_str();
    let job_uid = ids::uid("Job", ns, job_name);
    let template = json!({"metadata": {"labels": {"app": "report"}}, "spec": {"restartPolicy": "Never",
        "containers": [{"name": "report", "image": "registry.example.com/report:2.1.0", "args": ["--since", "1h"]}]}});
    let cron = json!({"apiVersion": "batch/v1", "kind": "CronJob",
        "metadata": {"name": "report", "namespace": ns, "uid": ids::uid("CronJob", ns, "report"), "creationTimestamp": created, "generation": 1},
        "spec": {"schedule": "0 * * * *", "concurrencyPolicy": "Forbid", "suspend": false,
            "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 1,
            "jobTemplate": {"spec": {"backoffLimit": 2, "template": template.clone()}}},
        "status": {"lastScheduleTime": last_run, "lastSuccessfulTime": last_run}});
    let mut job = json!({"apiVersion": "batch/v1", "kind": "Job",
        "metadata": {"name": job_name, "namespace": ns, "uid": job_uid, "creationTimestamp": last_run, "generation": 1,
            "labels": {"app": "report", "batch.kubernetes.io/job-name": job_name},
            "ownerReferences": [{"apiVersion": "batch/v1", "kind": "CronJob", "name": "report",
                "uid": ids::uid("CronJob", ns, "report"), "controller": true, "blockOwnerDeletion": true}]},
        "spec": {"completions": 1, "parallelism": 1, "backoffLimit": 2, "completionMode": "NonIndexed", "suspend": false,
            "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": job_uid}}},
        "status": {"startTime": last_run, "completionTime": last_run, "succeeded": 1, "ready": 0, "terminating": 0,
            "conditions": [{"type": "SuccessCriteriaMet", "status": "True", "lastProbeTime": last_run, "lastTransitionTime": last_run},
                {"type": "Complete", "status": "True", "lastProbeTime": last_run, "lastTransitionTime": last_run}]}});
    job["spec"]["template"] = template;
    let app = App {
        ns,
        name: "report",
        hash: "",
        image: "registry.example.com/report:2.1.0",
        created: last_run,
    };
    let mut pod = so::pod(&app, at, PodState::Running);
    let name = format!("{job_name}-{}", ids::suffix(&[ns, job_name], 5));
    pod["metadata"]["name"] = json!(name);
    pod["metadata"]["uid"] = json!(ids::uid("Pod", ns, &name));
    pod["metadata"]["labels"] = json!({"app": "report", "batch.kubernetes.io/job-name": job_name});
    pod["metadata"]["ownerReferences"] = json!([{"apiVersion": "batch/v1", "kind": "Job", "name": job_name, "uid": job_uid,
        "controller": true, "blockOwnerDeletion": true}]);
    pod["spec"]["restartPolicy"] = json!("Never");
    pod["status"]["phase"] = json!("Succeeded");
    pod["status"]["conditions"] = json!([{"type": "Ready", "status": "False", "reason": "PodCompleted",
        "lastProbeTime": null, "lastTransitionTime": last_run}]);
    pod["status"]["containerStatuses"][0]["ready"] = json!(false);
    pod["status"]["containerStatuses"][0]["started"] = json!(false);
    pod["status"]["containerStatuses"][0]["state"] = json!({"terminated": {"exitCode": 0, "reason": "Completed",
        "startedAt": last_run, "finishedAt": last_run}});
    vec![cron, job, pod]
}

/// The events a failing pod has: BackOff for a crash loop, Failed and BackOff for an image
/// that cannot be pulled, FailedScheduling for a pod no node takes.
pub fn events_of(pod: &Value, now: jiff::Timestamp) -> Vec<Value> {
    let (ns, name, uid) = (j::ns(pod), j::name(pod), j::s(pod, "/metadata/uid"));
    let container = j::s(pod, "/spec/containers/0/name");
    let field = format!("spec.containers{{{container}}}");
    let host = j::s(pod, "/spec/nodeName");
    let spec = |reason: &'static str,
                message: String,
                warning: bool,
                component: &'static str,
                with_host: bool| EventSpec {
        ns,
        kind: "Pod",
        api_version: "v1",
        name,
        uid,
        field_path: with_host.then_some(field.as_str()),
        reason,
        message,
        warning,
        component,
        host: with_host.then_some(host),
    };
    let image = j::s(pod, "/spec/containers/0/image");
    let list = match j::s(pod, "/status/containerStatuses/0/state/waiting/reason") {
        "CrashLoopBackOff" => vec![spec(
            "BackOff",
            format!("Back-off restarting failed container {container} in pod {name}_{ns}({uid})"),
            true,
            "kubelet",
            true,
        )],
        "ImagePullBackOff" => vec![
            spec(
                "Failed",
                format!(
                    "Failed to pull image \"{image}\": rpc error: code = NotFound desc = failed to pull and unpack image \"{image}\": not found"
                ),
                true,
                "kubelet",
                true,
            ),
            spec(
                "BackOff",
                format!("Back-off pulling image \"{image}\""),
                false,
                "kubelet",
                true,
            ),
        ],
        _ if j::s(pod, "/status/conditions/0/reason") == "Unschedulable" => vec![spec(
            "FailedScheduling",
            j::s(pod, "/status/conditions/0/message").to_string(),
            true,
            "default-scheduler",
            false,
        )],
        _ => Vec::new(),
    };
    list.iter()
        .map(|e| {
            let mut ev = events::event(e, now, "synthetic");
            ev["count"] = json!(12);
            ev
        })
        .collect()
}

//! Tests of the describe views: per-kind bodies, the events section and fallbacks.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::{DetailLine, describe};
use crate::model::build::{event_row, obj, ts};
use crate::model::{Health, ResourceKind, Row};

fn now() -> Timestamp {
    ts("2024-01-10T00:00:00Z")
}

fn texts(lines: &[DetailLine]) -> Vec<String> {
    lines.iter().map(|l| l.text.clone()).collect()
}

fn find<'a>(lines: &'a [DetailLine], needle: &str) -> &'a DetailLine {
    lines
        .iter()
        .find(|l| l.text.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in {:#?}", texts(lines)))
}

fn index(lines: &[DetailLine], needle: &str) -> usize {
    lines
        .iter()
        .position(|l| l.text.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in {:#?}", texts(lines)))
}

fn event(reason: &str, type_: &str, last: &str, count: i32) -> Row {
    event_row(&obj(json!({
        "metadata": {"name": format!("web-1.{reason}"), "namespace": "shop"},
        "involvedObject": {"kind": "Pod", "name": "web-1", "namespace": "shop"},
        "type": type_, "reason": reason, "message": format!("{reason} happened"),
        "count": count, "lastTimestamp": last
    })))
}

fn oom_pod() -> Value {
    json!({
        "metadata": {"name": "web-1", "namespace": "shop",
            "creationTimestamp": "2024-01-01T00:00:00Z",
            "labels": {"app": "web", "tier": "fe"},
            "annotations": {
                "kubectl.kubernetes.io/last-applied-configuration": "{\"huge\": true}",
                "team": "payments"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-abc",
                                 "uid": "1", "controller": true}]},
        "spec": {"nodeName": "node-a",
            "containers": [{"name": "web", "image": "nginx:1.25",
                "ports": [{"containerPort": 80}],
                "resources": {"limits": {"memory": "128Mi"}, "requests": {"cpu": "100m"}},
                "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080}}}],
            "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists",
                             "effect": "NoExecute", "tolerationSeconds": 300}]},
        "status": {"phase": "Running", "podIP": "10.1.0.5", "hostIP": "10.0.0.1",
            "qosClass": "Burstable",
            "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady"}],
            "containerStatuses": [{"name": "web", "image": "nginx:1.25", "imageID": "",
                "ready": false, "restartCount": 5,
                "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m"}},
                "lastState": {"terminated": {"exitCode": 137, "reason": "OOMKilled",
                    "startedAt": "2024-01-09T23:50:00Z", "finishedAt": "2024-01-09T23:55:00Z"}}}]}
    })
}

#[test]
fn pod_describe_shows_oom_last_state() {
    let lines = describe(ResourceKind::Pods, &oom_pod(), &[], now());
    assert_eq!(find(&lines, "Status:").health, Some(Health::Error));
    assert!(find(&lines, "Status:").text.contains("CrashLoopBackOff"));
    assert!(find(&lines, "Node:").text.contains("node-a/10.0.0.1"));
    assert!(
        find(&lines, "Controlled By:")
            .text
            .contains("ReplicaSet/web-abc")
    );
    assert!(find(&lines, "QoS Class:").text.contains("Burstable"));
    let last = index(&lines, "Last State:");
    assert!(lines[last].text.contains("Terminated"));
    assert_eq!(lines[last].health, Some(Health::Error));
    assert!(lines[last + 1].text.contains("Reason:") && lines[last + 1].text.contains("OOMKilled"));
    assert_eq!(lines[last + 1].health, Some(Health::Error));
    assert!(lines[last + 2].text.contains("Exit Code:") && lines[last + 2].text.contains("137"));
    assert!(find(&lines, "Restart Count:").text.ends_with('5'));
    assert!(find(&lines, "memory:").text.contains("128Mi"));
    assert!(
        find(&lines, "Liveness:")
            .text
            .contains("http-get http://:8080/healthz")
    );
    assert!(
        find(&lines, "Tolerations:")
            .text
            .contains("node.kubernetes.io/not-ready:NoExecute op=Exists for 300s")
    );
    assert!(find(&lines, "ContainersNotReady").health == Some(Health::Warning));
    assert!(lines.iter().any(|l| l.heading && l.text == "Containers:"));
    assert!(lines.iter().any(|l| l.heading && l.text == "Conditions:"));
}

#[test]
fn header_skips_last_applied_and_lists_labels() {
    let lines = describe(ResourceKind::Pods, &oom_pod(), &[], now());
    let all = texts(&lines).join("\n");
    assert!(!all.contains("last-applied-configuration"), "{all}");
    assert!(find(&lines, "Name:").text.ends_with("web-1"));
    assert!(find(&lines, "Namespace:").text.ends_with("shop"));
    let labels = index(&lines, "Labels:");
    assert!(lines[labels].text.ends_with("app=web"));
    assert!(lines[labels + 1].text.trim() == "tier=fe");
    assert!(
        find(&lines, "Annotations:")
            .text
            .ends_with("team: payments")
    );
    assert!(find(&lines, "Created:").text.contains("(9d ago)"));
}

#[test]
fn events_newest_first_with_counts() {
    let old = event("Scheduled", "Normal", "2024-01-01T00:00:00Z", 1);
    let newest = event("BackOff", "Warning", "2024-01-09T23:58:00Z", 12);
    let middle = event("Pulled", "Normal", "2024-01-09T00:00:00Z", 3);
    let rows = [&old, &newest, &middle];
    let lines = describe(ResourceKind::Pods, &oom_pod(), &rows, now());
    let heading = index(&lines, "Events:");
    assert!(lines[heading].heading);
    let back_off = index(&lines, "BackOff happened");
    let pulled = index(&lines, "Pulled happened");
    let scheduled = index(&lines, "Scheduled happened");
    assert!(heading < back_off && back_off < pulled && pulled < scheduled);
    assert_eq!(lines[back_off].health, Some(Health::Warning));
    assert!(
        lines[back_off].text.contains("2m (x12)"),
        "{}",
        lines[back_off].text
    );
    assert!(lines[back_off].text.starts_with("  Warning"));
    assert_eq!(lines[scheduled].health, None);
}

#[test]
fn no_events_shows_none() {
    let lines = describe(
        ResourceKind::Namespaces,
        &json!({"metadata": {"name": "x"}}),
        &[],
        now(),
    );
    let last = lines.last().expect("lines");
    assert_eq!(last.text, "Events:  <none>");
    assert!(last.heading);
}

#[test]
fn node_describe_flags_not_ready() {
    let node = json!({
        "metadata": {"name": "node-a", "labels": {"node-role.kubernetes.io/worker": ""}},
        "spec": {"unschedulable": true, "taints": [{"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule"}]},
        "status": {"conditions": [
            {"type": "MemoryPressure", "status": "False", "reason": "KubeletHasSufficientMemory"},
            {"type": "Ready", "status": "Unknown", "reason": "NodeStatusUnknown",
             "message": "Kubelet stopped posting node status."}],
         "addresses": [{"type": "InternalIP", "address": "10.0.0.1"}],
         "capacity": {"cpu": "4"}, "allocatable": {"cpu": "3800m"}}
    });
    let lines = describe(ResourceKind::Nodes, &node, &[], now());
    assert!(find(&lines, "Roles:").text.ends_with("worker"));
    assert!(
        find(&lines, "Taints:")
            .text
            .ends_with("node.kubernetes.io/unreachable:NoSchedule")
    );
    assert_eq!(find(&lines, "Unschedulable:").health, Some(Health::Warning));
    assert_eq!(
        find(&lines, "NodeStatusUnknown").health,
        Some(Health::Error)
    );
    assert_eq!(find(&lines, "KubeletHasSufficientMemory").health, None);
    assert!(find(&lines, "InternalIP:").text.ends_with("10.0.0.1"));
    assert!(find(&lines, "cpu:").text.ends_with('4'));
    assert!(lines.iter().all(|l| !l.text.starts_with("Namespace:")));
}

#[test]
fn service_describe_ports() {
    let svc = json!({
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"type": "NodePort", "clusterIP": "10.96.0.5", "selector": {"app": "web"},
                 "ports": [{"name": "http", "port": 80, "targetPort": 8080, "nodePort": 30080,
                            "protocol": "TCP"}],
                 "sessionAffinity": "None"}
    });
    let lines = describe(ResourceKind::Services, &svc, &[], now());
    assert!(find(&lines, "Type:").text.ends_with("NodePort"));
    assert!(find(&lines, "IP:").text.ends_with("10.96.0.5"));
    assert!(find(&lines, "Selector:").text.ends_with("app=web"));
    assert!(
        find(&lines, "http")
            .text
            .contains("http  80/TCP → 8080/TCP  (node port 30080)")
    );
    assert!(find(&lines, "Session Affinity:").text.ends_with("None"));
}

#[test]
fn deployment_describe_replicas_and_conditions() {
    let d = json!({
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]}}},
        "status": {"replicas": 3, "updatedReplicas": 3, "readyReplicas": 2,
                   "availableReplicas": 2, "unavailableReplicas": 1,
                   "conditions": [{"type": "Progressing", "status": "False",
                                   "reason": "ProgressDeadlineExceeded"}]}
    });
    let lines = describe(ResourceKind::Deployments, &d, &[], now());
    let replicas = find(&lines, "Replicas:");
    assert!(
        replicas
            .text
            .ends_with("3 desired | 3 updated | 3 total | 2 available | 1 unavailable")
    );
    assert_eq!(replicas.health, Some(Health::Error));
    assert!(
        find(&lines, "StrategyType:")
            .text
            .ends_with("RollingUpdate")
    );
    assert!(
        find(&lines, "RollingUpdateStrategy:")
            .text
            .ends_with("25% max unavailable, 25% max surge")
    );
    assert!(find(&lines, "Image:").text.ends_with("nginx:1.25"));
    assert_eq!(
        find(&lines, "ProgressDeadlineExceeded").health,
        Some(Health::Error)
    );
}

#[test]
fn event_describe_lists_fields() {
    let e = json!({
        "metadata": {"name": "web-1.abc", "namespace": "shop"},
        "involvedObject": {"kind": "Pod", "name": "web-1", "namespace": "shop"},
        "type": "Warning", "reason": "BackOff", "message": "Back-off restarting",
        "count": 4, "source": {"component": "kubelet", "host": "node-a"},
        "lastTimestamp": "2024-01-09T00:00:00Z"
    });
    let lines = describe(ResourceKind::Events, &e, &[], now());
    assert_eq!(find(&lines, "Type:").health, Some(Health::Warning));
    assert!(find(&lines, "Reason:").text.ends_with("BackOff"));
    assert!(find(&lines, "Count:").text.ends_with('4'));
    assert!(find(&lines, "Source:").text.ends_with("kubelet, node-a"));
    assert!(find(&lines, "Kind:").text.ends_with("Pod"));
}

#[test]
fn malformed_objects_fall_back() {
    let bad = json!({"metadata": {"name": "x", "namespace": "y"},
                     "spec": {"containers": "oops"}, "status": {"phase": "Running"}});
    let lines = describe(ResourceKind::Pods, &bad, &[], now());
    assert!(find(&lines, "Name:").text.ends_with('x'));
    assert_eq!(find(&lines, "could not read").health, Some(Health::Warning));
    assert!(find(&lines, "phase:").text.ends_with("Running"));
    let lines = describe(ResourceKind::Nodes, &Value::Null, &[], now());
    assert!(find(&lines, "Name:").text.ends_with("<unknown>"));
}

#[test]
fn pod_describe_init_containers_and_qos_fallback() {
    let pod = json!({
        "metadata": {"name": "p", "namespace": "ns"},
        "spec": {"initContainers": [{"name": "migrate", "image": "tool:1"}],
                 "containers": [{"name": "app", "image": "app:1"}]},
        "status": {"phase": "Pending",
            "initContainerStatuses": [{"name": "migrate", "image": "tool:1", "imageID": "",
                "ready": false, "restartCount": 2,
                "state": {"terminated": {"exitCode": 1, "reason": "Error"}}}],
            "containerStatuses": [{"name": "app", "image": "app:1", "imageID": "",
                "ready": false, "restartCount": 0,
                "state": {"waiting": {"reason": "PodInitializing"}}}]}
    });
    let lines = describe(ResourceKind::Pods, &pod, &[], now());
    assert!(find(&lines, "Status:").text.ends_with("Init:Error"));
    assert_eq!(find(&lines, "Status:").health, Some(Health::Error));
    let init = index(&lines, "Init Containers:");
    assert!(lines[init].heading);
    let migrate = index(&lines, "migrate:");
    let containers = lines
        .iter()
        .position(|l| l.heading && l.text == "Containers:");
    let app = index(&lines, "app:");
    assert!(init < migrate && containers.is_some_and(|c| migrate < c && c < app));
    assert!(find(&lines, "Exit Code:").text.ends_with('1'));
    assert!(find(&lines, "QoS Class:").text.ends_with("BestEffort"));
    assert!(find(&lines, "Conditions:").text.ends_with("<none>"));
}

#[test]
fn endpoints_describe_addresses() {
    let ep = json!({
        "metadata": {"name": "web", "namespace": "shop"},
        "subsets": [{"addresses": [{"ip": "10.1.0.5"}], "notReadyAddresses": [{"ip": "10.1.0.6"}],
                     "ports": [{"name": "http", "port": 8080}]}]
    });
    let lines = describe(ResourceKind::Endpoints, &ep, &[], now());
    assert!(find(&lines, "Addresses:").text.ends_with("10.1.0.5"));
    assert_eq!(
        find(&lines, "NotReadyAddresses:").health,
        Some(Health::Warning)
    );
    assert!(find(&lines, "http").text.contains("http  8080/TCP"));
}

#[test]
#[ignore = "prints a sample for eyeballing"]
fn print_sample() {
    let ev = event("BackOff", "Warning", "2024-01-09T23:58:00Z", 12);
    for l in describe(ResourceKind::Pods, &oom_pod(), &[&ev], now()) {
        println!("{}{}", if l.heading { "# " } else { "  " }, l.text);
    }
    println!("{}", super::to_yaml(&oom_pod()).unwrap_or_default());
}

#[test]
fn configmap_describe_shows_data_as_kubectl_does() {
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "coredns", "namespace": "kube-system",
                     "creationTimestamp": "2025-11-22T12:00:08Z"},
        "data": {"Corefile": ".:53 {\n    errors\n    forward . /etc/resolv.conf\n}\n"},
        "binaryData": {"blob": "AAECAw==", "bad": "="}});
    let lines = texts(&describe(ResourceKind::Browse, &cm, &[], now()));
    let at = lines
        .iter()
        .position(|l| l == "Data")
        .expect("a Data section");
    assert_eq!(lines[at + 1], "====");
    assert_eq!(lines[at + 2], "Corefile:");
    assert_eq!(lines[at + 3], "----");
    assert_eq!(lines[at + 4], ".:53 {");
    assert!(lines.iter().any(|l| l == "    forward . /etc/resolv.conf"));
    assert!(lines.iter().any(|l| l == "BinaryData"));
    assert!(lines.iter().any(|l| l == "blob: 4 bytes"), "{lines:?}");
    assert!(lines.iter().any(|l| l == "bad: 0 bytes"), "{lines:?}");
}

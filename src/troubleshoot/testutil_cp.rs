//! Test builders for control-plane and node checks, shaped like a kubeadm cluster: nodes with
//! their role labels, taints and node info, mirror pods as the kubelet writes them (annotations,
//! Node owner, the manifest's command line, probes, hostPath volumes), leader and node leases.

#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};

use super::testutil::ago;

pub const VERSION: &str = "v1.31.2";

/// The node's InternalIP.
pub fn ip(node: &str) -> String {
    format!(
        "10.0.0.{}",
        10 + node.bytes().map(u32::from).sum::<u32>() % 200
    )
}

fn conditions(ready: &str) -> Value {
    json!([
        {"type": "MemoryPressure", "status": "False", "reason": "KubeletHasSufficientMemory",
         "message": "kubelet has sufficient memory available", "lastHeartbeatTime": ago(20), "lastTransitionTime": ago(86400)},
        {"type": "DiskPressure", "status": "False", "reason": "KubeletHasNoDiskPressure",
         "message": "kubelet has no disk pressure", "lastHeartbeatTime": ago(20), "lastTransitionTime": ago(86400)},
        {"type": "PIDPressure", "status": "False", "reason": "KubeletHasSufficientPID",
         "message": "kubelet has sufficient PID available", "lastHeartbeatTime": ago(20), "lastTransitionTime": ago(86400)},
        {"type": "Ready", "status": ready, "reason": "KubeletReady",
         "message": "kubelet is posting ready status", "lastHeartbeatTime": ago(20), "lastTransitionTime": ago(86400)},
        {"type": "NetworkUnavailable", "status": "False", "reason": "CalicoIsUp",
         "message": "Calico is running on this node", "lastHeartbeatTime": ago(600), "lastTransitionTime": ago(86400)}
    ])
}

/// A Ready node with kubelet `version` (control-plane role and taint when `cp`).
pub fn node(name: &str, cp: bool, version: &str) -> Value {
    let mut labels = json!({"kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux"});
    let mut taints = json!([]);
    if cp {
        labels["node-role.kubernetes.io/control-plane"] = json!("");
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = json!("");
        taints = json!([{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]);
    }
    json!({"apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "uid": format!("node-{name}"), "labels": labels,
            "creationTimestamp": ago(90 * 86400),
            "annotations": {"kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/containerd/containerd.sock",
                "node.alpha.kubernetes.io/ttl": "0"}},
        "spec": {"podCIDR": "10.244.0.0/24", "podCIDRs": ["10.244.0.0/24"], "taints": taints},
        "status": {
            "capacity": {"cpu": "4", "memory": "8127040Ki", "pods": "110", "ephemeral-storage": "102626232Ki"},
            "allocatable": {"cpu": "4", "memory": "8024640Ki", "pods": "110", "ephemeral-storage": "94580335255"},
            "conditions": conditions("True"),
            "addresses": [{"type": "InternalIP", "address": ip(name)},
                          {"type": "Hostname", "address": name}],
            "nodeInfo": {"kernelVersion": "6.8.0-45-generic", "osImage": "Ubuntu 24.04.1 LTS",
                "containerRuntimeVersion": "containerd://1.7.22", "kubeletVersion": version,
                "kubeProxyVersion": "", "operatingSystem": "linux", "architecture": "amd64"}}})
}

fn command(component: &str, node: &str) -> Vec<String> {
    let c: Vec<&str> = match component {
        "kube-apiserver" => vec![
            "kube-apiserver",
            "--advertise-address=10.0.0.14",
            "--allow-privileged=true",
            "--authorization-mode=Node,RBAC",
            "--client-ca-file=/etc/kubernetes/pki/ca.crt",
            "--enable-admission-plugins=NodeRestriction",
            "--enable-bootstrap-token-auth=true",
            "--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt",
            "--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt",
            "--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key",
            "--etcd-servers=https://127.0.0.1:2379",
            "--secure-port=6443",
            "--service-cluster-ip-range=10.96.0.0/12",
            "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
            "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key",
        ],
        "kube-controller-manager" => vec![
            "kube-controller-manager",
            "--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf",
            "--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf",
            "--bind-address=127.0.0.1",
            "--client-ca-file=/etc/kubernetes/pki/ca.crt",
            "--cluster-cidr=10.244.0.0/16",
            "--cluster-name=kubernetes",
            "--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt",
            "--cluster-signing-key-file=/etc/kubernetes/pki/ca.key",
            "--controllers=*,bootstrapsigner,tokencleaner",
            "--kubeconfig=/etc/kubernetes/controller-manager.conf",
            "--leader-elect=true",
            "--root-ca-file=/etc/kubernetes/pki/ca.crt",
            "--service-account-private-key-file=/etc/kubernetes/pki/sa.key",
            "--use-service-account-credentials=true",
        ],
        "kube-scheduler" => vec![
            "kube-scheduler",
            "--authentication-kubeconfig=/etc/kubernetes/scheduler.conf",
            "--authorization-kubeconfig=/etc/kubernetes/scheduler.conf",
            "--bind-address=127.0.0.1",
            "--kubeconfig=/etc/kubernetes/scheduler.conf",
            "--leader-elect=true",
        ],
        _ => vec![
            "etcd",
            "--advertise-client-urls=https://10.0.0.14:2379",
            "--cert-file=/etc/kubernetes/pki/etcd/server.crt",
            "--client-cert-auth=true",
            "--data-dir=/var/lib/etcd",
            "--listen-client-urls=https://127.0.0.1:2379,https://10.0.0.14:2379",
            "--listen-metrics-urls=http://127.0.0.1:2381",
            "--listen-peer-urls=https://10.0.0.14:2380",
            "--name=NODE",
            "--snapshot-count=10000",
        ],
    };
    c.iter()
        .map(|s| s.replace("NODE", node).replace("10.0.0.14", &ip(node)))
        .collect()
}

fn volumes(component: &str) -> (Value, Value) {
    match component {
        "kube-scheduler" => (
            json!([{"name": "kubeconfig", "hostPath": {"path": "/etc/kubernetes/scheduler.conf", "type": "FileOrCreate"}}]),
            json!([{"name": "kubeconfig", "mountPath": "/etc/kubernetes/scheduler.conf", "readOnly": true}]),
        ),
        "etcd" => (
            json!([{"name": "etcd-certs", "hostPath": {"path": "/etc/kubernetes/pki/etcd", "type": "DirectoryOrCreate"}},
                   {"name": "etcd-data", "hostPath": {"path": "/var/lib/etcd", "type": "DirectoryOrCreate"}}]),
            json!([{"name": "etcd-data", "mountPath": "/var/lib/etcd"}, {"name": "etcd-certs", "mountPath": "/etc/kubernetes/pki/etcd"}]),
        ),
        _ => (
            json!([{"name": "k8s-certs", "hostPath": {"path": "/etc/kubernetes/pki", "type": "DirectoryOrCreate"}},
                   {"name": "kubeconfig", "hostPath": {"path": format!("/etc/kubernetes/{}.conf", component.trim_start_matches("kube-")), "type": "FileOrCreate"}}]),
            json!([{"name": "k8s-certs", "mountPath": "/etc/kubernetes/pki", "readOnly": true},
                   {"name": "kubeconfig", "mountPath": format!("/etc/kubernetes/{}.conf", component.trim_start_matches("kube-")), "readOnly": true}]),
        ),
    }
}

/// A kubeadm mirror pod of `component` on `node`, running and Ready.
pub fn mirror(component: &str, node: &str, version: &str) -> Value {
    let image = if component == "etcd" {
        "registry.k8s.io/etcd:3.5.15-0".to_string()
    } else {
        format!("registry.k8s.io/{component}:{version}")
    };
    let (vols, mounts) = volumes(component);
    let port = match component {
        "kube-apiserver" => 6443,
        "kube-controller-manager" => 10257,
        "kube-scheduler" => 10259,
        _ => 2381,
    };
    let name = format!("{component}-{node}");
    json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "kube-system", "uid": format!("uid-{name}"),
            "creationTimestamp": ago(80 * 86400),
            "labels": {"component": component, "tier": "control-plane"},
            "annotations": {"kubernetes.io/config.hash": "4d3f0c1b2a", "kubernetes.io/config.mirror": "4d3f0c1b2a",
                "kubernetes.io/config.seen": ago(80 * 86400), "kubernetes.io/config.source": "file"},
            "ownerReferences": [{"apiVersion": "v1", "controller": true, "kind": "Node", "name": node, "uid": format!("node-{node}")}]},
        "spec": {"containers": [{"name": component, "image": image, "imagePullPolicy": "IfNotPresent",
                "command": command(component, node),
                "livenessProbe": {"httpGet": {"host": "127.0.0.1", "path": "/livez", "port": port, "scheme": "HTTPS"},
                    "initialDelaySeconds": 10, "periodSeconds": 10, "timeoutSeconds": 15, "failureThreshold": 8},
                "resources": {"requests": {"cpu": "100m"}},
                "volumeMounts": mounts}],
            "hostNetwork": true, "nodeName": node, "priority": 2000001000,
            "priorityClassName": "system-node-critical", "restartPolicy": "Always",
            "tolerations": [{"effect": "NoExecute", "operator": "Exists"}], "volumes": vols},
        "status": {"phase": "Running", "hostIP": ip(node), "podIP": ip(node), "qosClass": "Burstable",
            "startTime": ago(80 * 86400),
            "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": ago(80 * 86400)},
                           {"type": "PodScheduled", "status": "True", "lastTransitionTime": ago(80 * 86400)}],
            "containerStatuses": [{"name": component, "image": image, "imageID": "", "ready": true,
                "started": true, "restartCount": 1,
                "state": {"running": {"startedAt": ago(30 * 86400)}},
                "lastState": {"terminated": {"exitCode": 0, "reason": "Completed", "finishedAt": ago(30 * 86400)}}}]}})
}

/// Makes a pod's only container crash-loop with the given last termination.
pub fn crash(mut pod: Value, reason: &str, code: i32, message: &str, restarts: i32) -> Value {
    let cs = &mut pod["status"]["containerStatuses"][0];
    cs["ready"] = json!(false);
    cs["started"] = json!(false);
    cs["restartCount"] = json!(restarts);
    let name = pod["metadata"]["name"].as_str().unwrap().to_string();
    let container = pod["spec"]["containers"][0]["name"]
        .as_str()
        .unwrap()
        .to_string();
    pod["status"]["containerStatuses"][0]["state"] = json!({"waiting": {"reason": "CrashLoopBackOff",
        "message": format!("back-off 5m0s restarting failed container={container} pod={name}_kube-system(uid-{name})")}});
    let mut term =
        json!({"exitCode": code, "reason": reason, "startedAt": ago(200), "finishedAt": ago(199)});
    if !message.is_empty() {
        term["message"] = json!(message);
    }
    pod["status"]["containerStatuses"][0]["lastState"] = json!({"terminated": term});
    pod["status"]["conditions"][0] = json!({"type": "Ready", "status": "False", "reason": "ContainersNotReady",
        "lastTransitionTime": ago(3600)});
    pod
}

/// A leader-election Lease in kube-system held by `node`, renewed `renewed` seconds ago.
pub fn leader_lease(name: &str, node: &str, renewed: i64, transitions: i32) -> Value {
    json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": {"name": name, "namespace": "kube-system", "uid": format!("lease-{name}"),
            "creationTimestamp": ago(90 * 86400)},
        "spec": {"holderIdentity": format!("{node}_6f1f0a3e-5b0c-4c5e-9d4e-8a1b2c3d4e5f"),
            "leaseDurationSeconds": 15, "acquireTime": ago(30 * 86400), "renewTime": ago(renewed),
            "leaseTransitions": transitions}})
}

/// A node heartbeat Lease, renewed `renewed` seconds ago.
pub fn node_lease(node: &str, renewed: i64) -> Value {
    json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": {"name": node, "namespace": "kube-node-lease", "uid": format!("nl-{node}"),
            "creationTimestamp": ago(90 * 86400),
            "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": node, "uid": format!("node-{node}")}]},
        "spec": {"holderIdentity": node, "leaseDurationSeconds": 40, "renewTime": ago(renewed)}})
}

/// The identity Lease of the API server on `node`.
pub fn apiserver_lease(node: &str, renewed: i64) -> Value {
    json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": {"name": format!("apiserver-{:x}", node.bytes().map(u64::from).product::<u64>()), "namespace": "kube-system",
            "uid": format!("al-{node}"), "creationTimestamp": ago(80 * 86400),
            "labels": {"apiserver.kubernetes.io/identity": "kube-apiserver", "kubernetes.io/hostname": node}},
        "spec": {"holderIdentity": format!("apiserver-{node}_0b6c1d2e"), "leaseDurationSeconds": 3600,
            "renewTime": ago(renewed)}})
}

/// A kube-proxy DaemonSet pod on `node`, Ready.
pub fn kube_proxy(node: &str, version: &str) -> Value {
    let name = format!("kube-proxy-{}", node.len() * 7919 % 100_000);
    json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": format!("{name}-{node}"), "namespace": "kube-system", "uid": format!("kp-{node}"),
            "creationTimestamp": ago(80 * 86400),
            "labels": {"k8s-app": "kube-proxy", "controller-revision-hash": "7b9c8d6f5", "pod-template-generation": "1"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "kube-proxy", "uid": "ds-kube-proxy",
                "controller": true, "blockOwnerDeletion": true}]},
        "spec": {"nodeName": node, "hostNetwork": true, "priorityClassName": "system-node-critical",
            "containers": [{"name": "kube-proxy", "image": format!("registry.k8s.io/kube-proxy:{version}"),
                "command": ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf", "--hostname-override=$(NODE_NAME)"]}],
            "tolerations": [{"operator": "Exists"}]},
        "status": {"phase": "Running", "startTime": ago(80 * 86400),
            "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": ago(80 * 86400)}],
            "containerStatuses": [{"name": "kube-proxy", "image": format!("registry.k8s.io/kube-proxy:{version}"),
                "imageID": "", "ready": true, "started": true, "restartCount": 0,
                "state": {"running": {"startedAt": ago(80 * 86400)}}}]}})
}

/// The kube-proxy DaemonSet (tolerates everything, as kubeadm installs it).
pub fn kube_proxy_ds() -> Value {
    json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": "kube-proxy", "namespace": "kube-system", "uid": "ds-kube-proxy", "generation": 1,
            "labels": {"k8s-app": "kube-proxy"}},
        "spec": {"selector": {"matchLabels": {"k8s-app": "kube-proxy"}},
            "template": {"metadata": {"labels": {"k8s-app": "kube-proxy"}},
                "spec": {"containers": [{"name": "kube-proxy", "image": format!("registry.k8s.io/kube-proxy:{VERSION}")}],
                    "tolerations": [{"operator": "Exists"}]}}},
        "status": {"currentNumberScheduled": 3, "desiredNumberScheduled": 3, "numberAvailable": 3,
            "numberMisscheduled": 0, "numberReady": 3, "updatedNumberScheduled": 3, "observedGeneration": 1}})
}

/// A healthy single-control-plane kubeadm cluster: cp-1 with its four static pods, two
/// workers, leases renewing, kube-proxy everywhere.
pub fn healthy_cluster() -> Vec<Value> {
    let mut v = vec![
        node("cp-1", true, VERSION),
        node("worker-1", false, VERSION),
        node("worker-2", false, VERSION),
        kube_proxy_ds(),
        json!({"apiVersion": "apps/v1", "kind": "DeploymentList", "items": []}),
        json!({"apiVersion": "apps/v1", "kind": "StatefulSetList", "items": []}),
        leader_lease("kube-scheduler", "cp-1", 1, 2),
        leader_lease("kube-controller-manager", "cp-1", 2, 2),
        apiserver_lease("cp-1", 5),
    ];
    for c in [
        "kube-apiserver",
        "kube-controller-manager",
        "kube-scheduler",
        "etcd",
    ] {
        v.push(mirror(c, "cp-1", VERSION));
    }
    for n in ["cp-1", "worker-1", "worker-2"] {
        v.push(node_lease(n, 8));
        v.push(kube_proxy(n, VERSION));
    }
    v
}

/// Replaces the object named `name` (any kind) in `objects`.
pub fn replace(objects: &mut [Value], name: &str, new: Value) {
    let slot = objects
        .iter_mut()
        .find(|o| o["metadata"]["name"] == name && o["kind"] == new["kind"])
        .unwrap_or_else(|| panic!("{name} not in the cluster"));
    *slot = new;
}

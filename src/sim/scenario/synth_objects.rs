//! Builders of the compact objects the synthetic generator emits: nodes, namespaces,
//! deployments with their ReplicaSets (current and earlier revisions) and Service, and pods in
//! a few states.

use serde_json::{Value, json};

use super::ids;

/// What a synthetic pod is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PodState {
    Running,
    CrashLoop,
    ImagePull,
    Unschedulable,
}

/// The application a group of pods belongs to.
#[derive(Clone, Copy)]
pub struct App<'a> {
    pub ns: &'a str,
    pub name: &'a str,
    pub hash: &'a str,
    pub image: &'a str,
    pub created: &'a str,
}

pub fn namespace(name: &str, created: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Namespace",
        "metadata": {"name": name, "uid": ids::uid("Namespace", "", name), "creationTimestamp": created,
            "labels": {"kubernetes.io/metadata.name": name}},
        "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})
}

/// A node; control-plane nodes carry the kubeadm role label and taint.
pub fn node(n: &NodeSpec) -> Value {
    let (created, heartbeat) = (n.created, n.heartbeat);
    let cond = |t: &str, status: &str, reason: &str, message: &str| {
        json!({"type": t, "status": status, "reason": reason, "message": message,
            "lastHeartbeatTime": heartbeat, "lastTransitionTime": created})
    };
    let mut node = json!({"apiVersion": "v1", "kind": "Node",
    "metadata": {"name": n.name, "uid": ids::uid("Node", "", n.name), "creationTimestamp": created,
        "labels": {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
            "kubernetes.io/arch": "amd64", "kubernetes.io/os": "linux", "kubernetes.io/hostname": n.name},
        "annotations": {"kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/containerd/containerd.sock",
            "node.alpha.kubernetes.io/ttl": "0", "volumes.kubernetes.io/controller-managed-attach-detach": "true"}},
    "spec": {"podCIDR": n.cidr, "podCIDRs": [n.cidr]},
    "status": {
        "addresses": [{"type": "InternalIP", "address": n.ip}, {"type": "Hostname", "address": n.name}],
        "capacity": {"cpu": "16", "ephemeral-storage": "102626232Ki", "memory": "65843244Ki", "pods": "250"},
        "allocatable": {"cpu": "15800m", "ephemeral-storage": "94580335255", "memory": "64692268Ki", "pods": "250"},
        "conditions": [
            cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
            cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
            cond("Ready", "True", "KubeletReady", "kubelet is posting ready status")
        ],
        "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
        "nodeInfo": {"architecture": "amd64", "bootID": ids::uid("boot", "", n.name), "containerRuntimeVersion": "containerd://1.7.27",
            "kernelVersion": "6.8.0-60-generic", "kubeProxyVersion": "v1.33.2", "kubeletVersion": "v1.33.2",
            "machineID": ids::hex(&["machine", n.name], 32), "operatingSystem": "linux", "osImage": "Ubuntu 24.04.2 LTS",
            "systemUUID": ids::uid("system", "", n.name)}
    }});
    if n.control_plane {
        node["metadata"]["labels"]["node-role.kubernetes.io/control-plane"] = json!("");
        node["metadata"]["labels"]["node.kubernetes.io/exclude-from-external-load-balancers"] =
            json!("");
        node["spec"]["taints"] =
            json!([{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]);
    }
    node
}

/// Where and what a synthetic node is.
pub struct NodeSpec<'a> {
    pub name: &'a str,
    pub ip: &'a str,
    pub cidr: &'a str,
    pub control_plane: bool,
    pub created: &'a str,
    pub heartbeat: &'a str,
}

/// A deliberately small pod spec: every map costs memory when there are 50,000 pods.
fn pod_spec(app: &App) -> Value {
    json!({"containers": [{"name": app.name, "image": app.image,
        "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
        "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}},
        "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
        "imagePullPolicy": "IfNotPresent"}],
        "restartPolicy": "Always", "dnsPolicy": "ClusterFirst", "schedulerName": "default-scheduler",
        "serviceAccountName": "default", "terminationGracePeriodSeconds": 30})
}

/// The Deployment, ReplicaSet and Service of an app with `replicas` pods, `ready` of them ready.
pub fn workload(app: &App, replicas: usize, ready: usize, revision: usize) -> [Value; 3] {
    let rs_name = format!("{}-{}", app.name, app.hash);
    let labels = json!({"app": app.name});
    let pod_labels = json!({"app": app.name, "pod-template-hash": app.hash});
    let dep_uid = ids::uid("Deployment", app.ns, app.name);
    let available = if ready >= replicas { "True" } else { "False" };
    let mut dep_status = json!({"observedGeneration": revision, "replicas": replicas, "updatedReplicas": replicas,
        "readyReplicas": ready, "availableReplicas": ready,
        "conditions": [{"type": "Available", "status": available,
            "reason": if ready >= replicas { "MinimumReplicasAvailable" } else { "MinimumReplicasUnavailable" },
            "message": if ready >= replicas { "Deployment has minimum availability." } else { "Deployment does not have minimum availability." },
            "lastUpdateTime": app.created, "lastTransitionTime": app.created}]});
    if replicas > ready {
        dep_status["unavailableReplicas"] = json!(replicas - ready);
    }
    // Values are moved in after `json!`, which would copy them by serialising.
    let mut dep = json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": app.name, "namespace": app.ns, "uid": dep_uid, "creationTimestamp": app.created,
            "generation": revision, "annotations": {"deployment.kubernetes.io/revision": revision.to_string()}},
        "spec": {"replicas": replicas, "selector": {}, "template": {"metadata": {}}}});
    dep["metadata"]["labels"] = labels.clone();
    dep["spec"]["selector"]["matchLabels"] = labels.clone();
    dep["spec"]["template"]["metadata"]["labels"] = labels.clone();
    dep["spec"]["template"]["spec"] = pod_spec(app);
    dep["status"] = dep_status;
    let mut rs = json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": rs_name, "namespace": app.ns, "uid": ids::uid("ReplicaSet", app.ns, &rs_name),
            "creationTimestamp": app.created, "generation": 1,
            "annotations": {"deployment.kubernetes.io/revision": revision.to_string()},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": app.name, "uid": dep_uid,
                "controller": true, "blockOwnerDeletion": true}]},
        "spec": {"replicas": replicas, "selector": {}, "template": {"metadata": {}}},
        "status": {"replicas": replicas, "fullyLabeledReplicas": replicas, "readyReplicas": ready,
            "availableReplicas": ready, "observedGeneration": 1}});
    rs["metadata"]["labels"] = pod_labels.clone();
    rs["spec"]["selector"]["matchLabels"] = pod_labels.clone();
    rs["spec"]["template"]["metadata"]["labels"] = pod_labels;
    rs["spec"]["template"]["spec"] = pod_spec(app);
    let mut svc = json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": app.name, "namespace": app.ns, "uid": ids::uid("Service", app.ns, app.name),
            "creationTimestamp": app.created},
        "spec": {"type": "ClusterIP", "sessionAffinity": "None",
            "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": "http"}]},
        "status": {"loadBalancer": {}}});
    svc["metadata"]["labels"] = labels.clone();
    svc["spec"]["selector"] = labels;
    [dep, rs, svc]
}

/// Where and when a pod runs.
pub struct Placement<'a> {
    pub name: &'a str,
    pub node: &'a str,
    pub host_ip: &'a str,
    pub pod_ip: &'a str,
    pub started: &'a str,
    pub restarted: &'a str,
    pub nodes: usize,
}

pub fn pod(app: &App, at: &Placement, state: PodState) -> Value {
    let rs_name = format!("{}-{}", app.name, app.hash);
    let uid = ids::uid("Pod", app.ns, at.name);
    let mut spec = pod_spec(app);
    let cond = |t: &str, ok: bool| {
        let mut c = json!({"type": t, "status": if ok { "True" } else { "False" }, "lastProbeTime": null,
            "lastTransitionTime": at.started});
        if !ok {
            c["reason"] = json!("ContainersNotReady");
            c["message"] = json!(format!("containers with unready status: [{}]", app.name));
        }
        c
    };
    let running = state == PodState::Running;
    let mut status = json!({"phase": if state == PodState::ImagePull { "Pending" } else { "Running" },
        "hostIP": at.host_ip, "hostIPs": [{"ip": at.host_ip}], "podIP": at.pod_ip, "podIPs": [{"ip": at.pod_ip}],
        "startTime": at.started, "qosClass": "Burstable"});
    status["conditions"] = Value::Array(vec![
        cond("PodReadyToStartContainers", true),
        cond("Initialized", true),
        cond("Ready", running),
        cond("ContainersReady", running),
        cond("PodScheduled", true),
    ]);
    let image_id = ids::image_id(app.image);
    let cid = |n: u64| ids::container_id(app.ns, at.name, app.name, n);
    let cs = match state {
        PodState::Running => {
            json!({"name": app.name, "image": app.image, "imageID": image_id, "containerID": cid(0),
            "ready": true, "started": true, "restartCount": 0, "state": {"running": {"startedAt": at.started}},
            "lastState": {}})
        }
        PodState::CrashLoop => {
            json!({"name": app.name, "image": app.image, "imageID": image_id, "containerID": cid(6),
            "ready": false, "started": false, "restartCount": 7,
            "state": {"waiting": {"reason": "CrashLoopBackOff",
                "message": format!("back-off 5m0s restarting failed container={} pod={}_{}({uid})", app.name, at.name, app.ns)}},
            "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "startedAt": at.restarted,
                "finishedAt": at.restarted, "containerID": cid(6)}}})
        }
        PodState::ImagePull => {
            json!({"name": app.name, "image": app.image, "imageID": "", "ready": false,
            "started": false, "restartCount": 0,
            "state": {"waiting": {"reason": "ImagePullBackOff",
                "message": format!("Back-off pulling image \"{}\": ErrImagePull: rpc error: code = NotFound desc = failed to pull and unpack image \"{}\": not found", app.image, app.image)}},
            "lastState": {}})
        }
        PodState::Unschedulable => json!(null),
    };
    if state == PodState::Unschedulable {
        status = json!({"phase": "Pending", "qosClass": "Burstable", "conditions": [{"type": "PodScheduled",
            "status": "False", "reason": "Unschedulable", "lastProbeTime": null, "lastTransitionTime": at.started,
            "message": format!("0/{n} nodes are available: {n} Insufficient cpu. preemption: 0/{n} nodes are available: {n} No preemption victims found for incoming pod.", n = at.nodes)}]});
    } else {
        spec["nodeName"] = json!(at.node);
        status["containerStatuses"] = Value::Array(vec![cs]);
    }
    let mut pod = json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": at.name, "namespace": app.ns, "uid": uid, "creationTimestamp": at.started,
            "labels": {"app": app.name, "pod-template-hash": app.hash},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs_name,
                "uid": ids::uid("ReplicaSet", app.ns, &rs_name), "controller": true, "blockOwnerDeletion": true}]}});
    pod["spec"] = spec;
    pod["status"] = status;
    pod
}

/// Earlier revisions of an app's Deployment: ReplicaSets scaled to 0 that keep their full pod
/// template (an older image), as a Deployment's rollout history does. Revisions 1..=count.
pub fn old_revisions(app: &App, count: usize) -> Vec<Value> {
    let dep_uid = ids::uid("Deployment", app.ns, app.name);
    (1..=count)
        .map(|revision| {
            let hash = ids::hex(&[app.ns, app.name, &revision.to_string()], 10);
            let name = format!("{}-{hash}", app.name);
            let image = format!("{}-r{revision}", app.image);
            let old = App { hash: &hash, image: &image, ..*app };
            let labels = json!({"app": app.name, "pod-template-hash": hash});
            let mut rs = json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                "metadata": {"name": name, "namespace": app.ns, "uid": ids::uid("ReplicaSet", app.ns, &name),
                    "creationTimestamp": app.created, "generation": 2,
                    "annotations": {"deployment.kubernetes.io/revision": revision.to_string(),
                        "deployment.kubernetes.io/desired-replicas": "0", "deployment.kubernetes.io/max-replicas": "0"},
                    "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": app.name, "uid": dep_uid,
                        "controller": true, "blockOwnerDeletion": true}]},
                "spec": {"replicas": 0, "selector": {}, "template": {"metadata": {}}},
                "status": {"replicas": 0, "observedGeneration": 2}});
            rs["metadata"]["labels"] = labels.clone();
            rs["spec"]["selector"]["matchLabels"] = labels.clone();
            rs["spec"]["template"]["metadata"]["labels"] = labels;
            rs["spec"]["template"]["spec"] = pod_spec(&old);
            rs
        })
        .collect()
}

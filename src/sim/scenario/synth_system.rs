//! The system part of a synthetic cluster, as kubeadm builds it: the system namespaces, a node
//! Lease per node, the control plane's static mirror pods on each control-plane node, the
//! leader and API server identity Leases, kube-proxy on every node, CoreDNS, and the
//! `kubernetes` and `kube-dns` Services.

use serde_json::{Value, json};

use super::endpoints;
use super::ids;
use super::synthetic::Cluster;

/// The system namespaces every cluster has.
pub const NAMESPACES: &[&str] = &["default", "kube-node-lease", "kube-public", "kube-system"];

/// Pods the system part runs on `cluster`.
pub fn pod_count(cluster: &Cluster) -> usize {
    cluster.control_planes() * 4 + cluster.len() + 2
}

fn node_lease(cluster: &Cluster, i: usize, now: jiff::Timestamp) -> Value {
    let name = &cluster.names[i];
    let renew = jiff::Timestamp::from_microsecond(
        now.as_microsecond() - ((i * 997_331) % 10_000_000) as i64,
    )
    .unwrap_or(now);
    json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": {"name": name, "namespace": "kube-node-lease", "uid": ids::uid("Lease", "kube-node-lease", name),
            "creationTimestamp": cluster.created,
            "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": name, "uid": ids::uid("Node", "", name)}]},
        "spec": {"holderIdentity": name, "leaseDurationSeconds": 40,
            "renewTime": super::timeshift::format_time(renew, true)}})
}

/// Node Leases, for every node.
pub fn node_leases(cluster: &Cluster, now: jiff::Timestamp, out: &mut Vec<Value>) {
    for i in 0..cluster.len() {
        out.push(node_lease(cluster, i, now));
    }
}

fn leader_lease(name: &str, holder: &str, created: &str, now: jiff::Timestamp) -> Value {
    let identity = format!("{holder}_{}", ids::uid("leader", name, holder));
    json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": {"name": name, "namespace": "kube-system", "uid": ids::uid("Lease", "kube-system", name),
            "creationTimestamp": created},
        "spec": {"holderIdentity": identity, "leaseDurationSeconds": 15, "acquireTime": created,
            "renewTime": super::timeshift::format_time(now, true), "leaseTransitions": 0}})
}

fn mirror_pod(
    component: &str,
    node: &str,
    ip: &str,
    created: &str,
    command: Vec<String>,
    port: (u16, &str),
) -> Value {
    let name = format!("{component}-{node}");
    let hash = ids::hex(&["manifest", component, node], 32);
    let image = match component {
        "etcd" => "registry.k8s.io/etcd:3.5.21-0".to_string(),
        c => format!("registry.k8s.io/{c}:v1.33.2"),
    };
    let (probe_port, scheme) = port;
    let probe_host = if component == "kube-apiserver" {
        ip
    } else {
        "127.0.0.1"
    };
    let probe = json!({"httpGet": {"host": probe_host, "path": if component == "kube-controller-manager" { "/healthz" } else { "/livez" },
        "port": probe_port, "scheme": scheme}, "initialDelaySeconds": 10, "periodSeconds": 10, "timeoutSeconds": 15,
        "failureThreshold": 8, "successThreshold": 1});
    let mut pod = json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "kube-system", "uid": ids::uid("Pod", "kube-system", &name),
            "creationTimestamp": created, "labels": {"component": component, "tier": "control-plane"},
            "annotations": {"kubernetes.io/config.hash": hash, "kubernetes.io/config.mirror": hash,
                "kubernetes.io/config.seen": created, "kubernetes.io/config.source": "file"},
            "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": node, "uid": ids::uid("Node", "", node), "controller": true}]},
        "spec": {"nodeName": node, "hostNetwork": true, "priorityClassName": "system-node-critical", "priority": 2_000_001_000,
            "restartPolicy": "Always", "dnsPolicy": "ClusterFirst", "schedulerName": "default-scheduler",
            "terminationGracePeriodSeconds": 30, "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
            "tolerations": [{"operator": "Exists", "effect": "NoExecute"}],
            "containers": [{"name": component, "image": image, "command": command, "imagePullPolicy": "IfNotPresent",
                "resources": {"requests": {"cpu": if component == "kube-apiserver" { "250m" } else { "100m" }}},
                "livenessProbe": probe.clone(), "startupProbe": probe,
                "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
                "volumeMounts": [{"name": "k8s-certs", "mountPath": "/etc/kubernetes/pki", "readOnly": true}]}],
            "volumes": [{"name": "k8s-certs", "hostPath": {"path": "/etc/kubernetes/pki", "type": "DirectoryOrCreate"}}]},
        "status": {"phase": "Running", "qosClass": "Burstable", "hostIP": ip, "hostIPs": [{"ip": ip}], "podIP": ip,
            "podIPs": [{"ip": ip}], "startTime": created}});
    pod["status"]["conditions"] = json!(["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"]
        .iter()
        .map(|t| json!({"type": t, "status": "True", "lastProbeTime": null, "lastTransitionTime": created}))
        .collect::<Vec<_>>());
    pod["status"]["containerStatuses"] = json!([{"name": component, "image": image, "imageID": ids::image_id(&image),
        "containerID": ids::container_id("kube-system", &name, component, 0), "ready": true, "started": true,
        "restartCount": 0, "state": {"running": {"startedAt": created}}, "lastState": {}}]);
    pod
}

fn control_plane(cluster: &Cluster, i: usize) -> Vec<Value> {
    let (node, ip, created) = (
        cluster.names[i].as_str(),
        cluster.ips[i].as_str(),
        cluster.created.as_str(),
    );
    let etcd_servers = (0..cluster.control_planes())
        .map(|j| format!("https://{}:2379", cluster.ips[j]))
        .collect::<Vec<_>>()
        .join(",");
    let s = |items: &[&str]| items.iter().map(|x| (*x).to_string()).collect::<Vec<_>>();
    vec![
        mirror_pod(
            "etcd",
            node,
            ip,
            created,
            vec![
                "etcd".into(),
                format!("--advertise-client-urls=https://{ip}:2379"),
                "--data-dir=/var/lib/etcd".into(),
                format!("--listen-client-urls=https://127.0.0.1:2379,https://{ip}:2379"),
                "--listen-metrics-urls=http://127.0.0.1:2381".into(),
                format!("--name={node}"),
                "--cert-file=/etc/kubernetes/pki/etcd/server.crt".into(),
                "--key-file=/etc/kubernetes/pki/etcd/server.key".into(),
                "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt".into(),
            ],
            (2381, "HTTP"),
        ),
        mirror_pod(
            "kube-apiserver",
            node,
            ip,
            created,
            vec![
                "kube-apiserver".into(),
                format!("--advertise-address={ip}"),
                "--authorization-mode=Node,RBAC".into(),
                "--client-ca-file=/etc/kubernetes/pki/ca.crt".into(),
                format!("--etcd-servers={etcd_servers}"),
                "--secure-port=6443".into(),
                "--service-cluster-ip-range=10.96.0.0/12".into(),
                "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt".into(),
                "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key".into(),
            ],
            (6443, "HTTPS"),
        ),
        mirror_pod(
            "kube-controller-manager",
            node,
            ip,
            created,
            s(&[
                "kube-controller-manager",
                "--allocate-node-cidrs=true",
                "--cluster-cidr=10.64.0.0/10",
                "--kubeconfig=/etc/kubernetes/controller-manager.conf",
                "--leader-elect=true",
                "--root-ca-file=/etc/kubernetes/pki/ca.crt",
                "--service-cluster-ip-range=10.96.0.0/12",
            ]),
            (10257, "HTTPS"),
        ),
        mirror_pod(
            "kube-scheduler",
            node,
            ip,
            created,
            s(&[
                "kube-scheduler",
                "--authentication-kubeconfig=/etc/kubernetes/scheduler.conf",
                "--authorization-kubeconfig=/etc/kubernetes/scheduler.conf",
                "--bind-address=127.0.0.1",
                "--kubeconfig=/etc/kubernetes/scheduler.conf",
                "--leader-elect=true",
            ]),
            (10259, "HTTPS"),
        ),
    ]
}

fn kube_proxy_pod(cluster: &Cluster, i: usize) -> Value {
    let (node, ip, created) = (
        cluster.names[i].as_str(),
        cluster.ips[i].as_str(),
        cluster.created.as_str(),
    );
    let name = format!("kube-proxy-{}", ids::suffix(&["kube-proxy", node], 5));
    let image = "registry.k8s.io/kube-proxy:v1.33.2";
    json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "kube-system", "uid": ids::uid("Pod", "kube-system", &name),
            "creationTimestamp": created,
            "labels": {"k8s-app": "kube-proxy", "controller-revision-hash": "6c8d5f7b9", "pod-template-generation": "1"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "kube-proxy",
                "uid": ids::uid("DaemonSet", "kube-system", "kube-proxy"), "controller": true, "blockOwnerDeletion": true}]},
        "spec": {"nodeName": node, "hostNetwork": true, "priorityClassName": "system-node-critical", "serviceAccountName": "kube-proxy",
            "containers": [{"name": "kube-proxy", "image": image,
                "command": ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf", "--hostname-override=$(NODE_NAME)"]}],
            "tolerations": [{"operator": "Exists"}]},
        "status": {"phase": "Running", "qosClass": "BestEffort", "hostIP": ip, "hostIPs": [{"ip": ip}], "podIP": ip,
            "podIPs": [{"ip": ip}], "startTime": created,
            "conditions": [{"type": "Ready", "status": "True", "lastProbeTime": null, "lastTransitionTime": created}],
            "containerStatuses": [{"name": "kube-proxy", "image": image, "imageID": ids::image_id(image),
                "containerID": ids::container_id("kube-system", &name, "kube-proxy", 0), "ready": true, "started": true,
                "restartCount": 0, "state": {"running": {"startedAt": created}}, "lastState": {}}]}})
}

/// kube-system and the default Service, for `cluster`.
pub fn kube_system(cluster: &Cluster, now: jiff::Timestamp, out: &mut Vec<Value>) {
    let created = cluster.created.as_str();
    let leader = cluster.names.first().map_or("node-0001", String::as_str);
    out.push(leader_lease("kube-scheduler", leader, created, now));
    out.push(leader_lease(
        "kube-controller-manager",
        leader,
        created,
        now,
    ));
    for i in 0..cluster.control_planes() {
        out.extend(control_plane(cluster, i));
        let hash = ids::hex(&["apiserver", &cluster.names[i]], 26);
        let name = format!("apiserver-{hash}");
        out.push(json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": {"name": name, "namespace": "kube-system", "uid": ids::uid("Lease", "kube-system", &name),
                "creationTimestamp": created,
                "labels": {"apiserver.kubernetes.io/identity": "kube-apiserver", "kubernetes.io/hostname": cluster.names[i]}},
            "spec": {"holderIdentity": format!("{name}_{}", ids::uid("holder", "", &name)), "leaseDurationSeconds": 3600,
                "acquireTime": created, "renewTime": super::timeshift::format_time(now, true)}}));
    }
    let mut proxies = Vec::with_capacity(cluster.len());
    for i in 0..cluster.len() {
        proxies.push(kube_proxy_pod(cluster, i));
    }
    let n = proxies.len();
    out.push(json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": "kube-proxy", "namespace": "kube-system", "uid": ids::uid("DaemonSet", "kube-system", "kube-proxy"),
            "creationTimestamp": created, "generation": 1, "labels": {"k8s-app": "kube-proxy"}},
        "spec": {"selector": {"matchLabels": {"k8s-app": "kube-proxy"}},
            "template": {"metadata": {"labels": {"k8s-app": "kube-proxy"}}, "spec": {"hostNetwork": true,
                "containers": [{"name": "kube-proxy", "image": "registry.k8s.io/kube-proxy:v1.33.2"}]}}},
        "status": {"desiredNumberScheduled": n, "currentNumberScheduled": n, "numberReady": n, "numberAvailable": n,
            "updatedNumberScheduled": n, "numberMisscheduled": 0, "observedGeneration": 1}}));
    out.extend(proxies);
    let dns_ip = "10.96.0.10";
    let coredns = super::synth_objects::App {
        ns: "kube-system",
        name: "coredns",
        hash: "674b8bbfcf",
        image: "registry.k8s.io/coredns/coredns:v1.12.0",
        created,
    };
    let workers = cluster.workers();
    let mut dns_pods = Vec::new();
    for k in 0..2 {
        let w = workers[k % workers.len().max(1)];
        let name = format!(
            "coredns-674b8bbfcf-{}",
            ids::suffix(&["coredns", &k.to_string()], 5)
        );
        let ip = cluster.pod_ip(w, 0);
        let at = super::synth_objects::Placement {
            name: &name,
            node: &cluster.names[w],
            host_ip: &cluster.ips[w],
            pod_ip: &ip,
            started: created,
            restarted: created,
            nodes: cluster.len(),
        };
        dns_pods.push(super::synth_objects::pod(
            &coredns,
            &at,
            super::synth_objects::PodState::Running,
        ));
    }
    let [dep, rs, mut svc] = super::synth_objects::workload(&coredns, 2, 2, 1);
    svc["metadata"]["name"] = json!("kube-dns");
    svc["spec"]["clusterIP"] = json!(dns_ip);
    svc["spec"]["ports"] = json!([{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
        {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53}]);
    let refs: Vec<&Value> = dns_pods.iter().collect();
    let [ep, slice] = endpoints::for_service(&svc, &refs);
    out.extend([dep, rs, svc, ep, slice]);
    out.extend(dns_pods);
    let addresses: Vec<Value> = (0..cluster.control_planes().max(1).min(cluster.len()))
        .map(|i| json!({"ip": cluster.ips[i]}))
        .collect();
    out.push(json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "kubernetes", "namespace": "default", "uid": ids::uid("Service", "default", "kubernetes"),
            "creationTimestamp": created, "labels": {"component": "apiserver", "provider": "kubernetes"}},
        "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.1", "clusterIPs": ["10.96.0.1"], "sessionAffinity": "None",
            "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]},
        "status": {"loadBalancer": {}}}));
    out.push(json!({"apiVersion": "v1", "kind": "Endpoints",
        "metadata": {"name": "kubernetes", "namespace": "default", "uid": ids::uid("Endpoints", "default", "kubernetes"),
            "creationTimestamp": created, "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
        "subsets": [{"addresses": addresses, "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}]}]}));
}

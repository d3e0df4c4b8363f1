#![allow(clippy::unwrap_used)]

use serde_json::json;

use super::super::snapshot::{ApiHealth, Failure, Probed, ReachClass};
use super::super::testutil::*;
use super::super::testutil_cp::*;
use super::super::{Change, Ctx, Options, Snapshot, analyze, group_by_root};
use crate::findings::{Finding, ObjectRef, Pane, Severity};

fn cause_ids(f: &Finding) -> Vec<String> {
    f.caused_by
        .iter()
        .map(|c| format!("{} {}/{}", c.check, c.object.kind, c.object.name))
        .collect()
}

fn find<'a>(f: &'a [Finding], check: &str, name: &str) -> &'a Finding {
    f.iter()
        .find(|x| x.check == check && x.object.name == name)
        .unwrap_or_else(|| panic!("{check} {name} not in {:?}", ids(f)))
}

fn hand_made(check: &str, kind: &str, ns: &str, name: &str, summary: &str) -> Finding {
    Finding {
        pane: Pane::Certs,
        check: check.into(),
        severity: Severity::Critical,
        object: ObjectRef::new(kind, ns, name),
        summary: summary.into(),
        explanation: String::new(),
        evidence: vec![],
        next_steps: vec![],
        caused_by: vec![],
    }
}

/// Runs the checks, adds `extra` findings (from engines not in this branch), links again.
fn analyze_with(snap: &Snapshot, extra: Vec<Finding>) -> Vec<Finding> {
    let opts = Options::default();
    let mut f = analyze(snap, now(), &opts);
    for x in &mut f {
        x.caused_by.clear();
    }
    f.extend(extra);
    let ctx = Ctx::new(snap, now(), &opts);
    super::super::links::link(&ctx, &mut f);
    f
}

fn scheduler_down() -> Vec<serde_json::Value> {
    let mut c = healthy_cluster();
    let mut sched = mirror("kube-scheduler", "cp-1", VERSION);
    sched["spec"]["containers"][0]["command"][0] = json!("kube-schedulerrr");
    let msg = "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \"kube-schedulerrr\": executable file not found in $PATH: unknown";
    replace(
        &mut c,
        "kube-scheduler-cp-1",
        crash(sched, "StartError", 128, msg, 9),
    );
    replace(
        &mut c,
        "kube-scheduler",
        leader_lease("kube-scheduler", "cp-1", 720, 2),
    );
    for i in 0..3 {
        c.push(pod(
            &format!("web-{i}"),
            spec1(),
            json!({"phase": "Pending", "qosClass": "BestEffort"}),
        ));
    }
    c
}

#[test]
fn scheduler_down_is_one_root_cause_with_its_symptoms() {
    let f = run(scheduler_down());
    let root = find(&f, "cp-component-failing", "kube-scheduler-cp-1");
    assert!(root.caused_by.is_empty());
    assert_eq!(
        root.severity,
        Severity::Critical,
        "as critical as the leaderless lease it causes"
    );
    assert_eq!(
        cause_ids(find(&f, "cp-leader-lease-stale", "kube-scheduler")),
        ["cp-component-failing Pod/kube-scheduler-cp-1"]
    );
    assert_eq!(
        cause_ids(find(&f, "pod-not-scheduled", "web-0"))[0],
        "cp-component-failing Pod/kube-scheduler-cp-1"
    );
    // The generic crash findings of the mirror pod belong to the control-plane finding: its
    // symptoms, in its pane, never an application's root cause of their own.
    let generic: Vec<&Finding> = f
        .iter()
        .filter(|x| x.object.name == "kube-scheduler-cp-1" && x.check.starts_with("pod-"))
        .collect();
    assert!(!generic.is_empty(), "{:?}", ids(&f));
    assert!(
        generic.iter().all(|g| g.pane == Pane::ControlPlane
            && cause_ids(g) == ["cp-component-failing Pod/kube-scheduler-cp-1"]),
        "{generic:#?}"
    );
    let app = Options {
        panes: vec![Pane::App],
        ..Options::default()
    };
    let app_pane = analyze(&Snapshot::from_objects(scheduler_down()), now(), &app);
    assert!(
        app_pane
            .iter()
            .all(|x| x.object.name != "kube-scheduler-cp-1" || x.pane != Pane::App),
        "{:?}",
        ids(&app_pane)
    );
    let groups = group_by_root(&f);
    assert_eq!(groups.len(), 1, "{:?}", ids(&f));
    assert_eq!(f[groups[0].root].check, "cp-component-failing");
    assert_eq!(groups[0].symptoms.len(), f.len() - 1);
}

#[test]
fn a_crashing_pod_that_only_looks_like_a_component_stays_an_application_finding() {
    // Same name as a mirror pod, but made by a Deployment: no static pod, no kubelet manifest.
    let mut c = healthy_cluster();
    c.retain(|o| o["metadata"]["name"] != "kube-scheduler-cp-1");
    let mut fake = mirror("kube-scheduler", "cp-1", VERSION);
    let meta = &mut fake["metadata"];
    meta["annotations"] = json!({});
    meta["labels"] = json!({"app": "kube-scheduler"});
    meta["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "ReplicaSet",
        "name": "kube-scheduler-5d4", "uid": "rs-1", "controller": true}]);
    c.push(crash(fake, "Error", 1, "", 9));
    let f = run(c);
    let generic: Vec<&Finding> = f
        .iter()
        .filter(|x| x.object.name == "kube-scheduler-cp-1" && x.check.starts_with("pod-"))
        .collect();
    assert!(!generic.is_empty(), "{:?}", ids(&f));
    assert!(generic.iter().all(|g| g.pane == Pane::App), "{generic:#?}");
}

#[test]
fn a_custom_schedulers_pods_are_not_blamed_on_kube_scheduler() {
    let mut c = scheduler_down();
    c.push(pod(
        "batch",
        json!({"schedulerName": "volcano", "containers": [{"name": "a", "image": "x"}]}),
        json!({"phase": "Pending"}),
    ));
    let f = run(c);
    assert!(find(&f, "pod-not-scheduled", "batch").caused_by.is_empty());
}

#[test]
fn a_controller_manager_without_leader_explains_unreconciled_deployments() {
    let mut c = healthy_cluster();
    replace(
        &mut c,
        "kube-controller-manager",
        leader_lease("kube-controller-manager", "cp-1", 900, 3),
    );
    c.push(json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop", "uid": "d-web", "generation": 7},
        "spec": {"replicas": 5, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "a", "image": "x"}]}}},
        "status": {"observedGeneration": 6, "replicas": 2, "readyReplicas": 2, "availableReplicas": 2,
            "conditions": [{"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable",
                "message": "Deployment does not have minimum availability."}]}}));
    c.push(json!({"apiVersion": "apps/v1", "kind": "ReplicaSetList", "items": []}));
    // A Service whose pod is Ready but whose EndpointSlice was never filled.
    let mut api = pod(
        "api-1",
        json!({"nodeName": "worker-1", "containers": [{"name": "a", "image": "x"}]}),
        json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}),
    );
    api["metadata"]["labels"] = json!({"app": "api"});
    c.push(api);
    c.push(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "api", "namespace": "ns"},
        "spec": {"clusterIP": "10.96.0.20", "selector": {"app": "api"}, "ports": [{"port": 80}]}}));
    c.push(json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
        "metadata": {"name": "api-abcde", "namespace": "ns", "labels": {"kubernetes.io/service-name": "api"}},
        "endpoints": [], "ports": []}));
    let f = run(c);
    let lease = find(&f, "cp-leader-lease-stale", "kube-controller-manager");
    assert!(
        evidence_text(lease)
            .contains("Deployments not reconciled: shop/web (generation 7, observed 6)"),
        "{}",
        evidence_text(lease)
    );
    assert!(
        evidence_text(lease).contains("Services whose endpoints miss their ready pods: ns/api")
    );
    assert_eq!(
        cause_ids(find(&f, "deployment-unavailable", "web")),
        ["cp-leader-lease-stale Lease/kube-controller-manager"]
    );
}

#[test]
fn writes_rejected_by_a_webhook_point_at_webhook_no_endpoints() {
    let objects = vec![
        json!({"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration",
            "metadata": {"name": "policy"},
            "webhooks": [{"name": "validate.policy.example.com", "failurePolicy": "Fail", "sideEffects": "None",
                "admissionReviewVersions": ["v1"],
                "clientConfig": {"service": {"namespace": "policy", "name": "policy-webhook", "port": 443, "path": "/validate"}},
                "rules": [{"operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"]}]}]}),
        json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": "web-5d4f8", "namespace": "shop", "uid": "rs-web"},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}},
            "status": {"replicas": 0, "conditions": [{"type": "ReplicaFailure", "status": "True", "reason": "FailedCreate",
                "message": "Internal error occurred: failed calling webhook \"validate.policy.example.com\": failed to call webhook: Post \"https://policy-webhook.policy.svc:443/validate?timeout=10s\": no endpoints available for service \"policy-webhook\""}]}}),
    ];
    let snap = Snapshot::from_objects(objects);
    let mut webhook = hand_made(
        "webhook-no-endpoints",
        "ValidatingWebhookConfiguration",
        "",
        "policy",
        "webhook validate.policy.example.com fails closed and its Service has no ready endpoints",
    );
    webhook.pane = Pane::ControlPlane;
    let f = analyze_with(&snap, vec![webhook]);
    let rs = find(&f, "replicaset-failed-create", "web-5d4f8");
    assert_eq!(
        cause_ids(rs),
        ["webhook-no-endpoints ValidatingWebhookConfiguration/policy"]
    );
    assert_eq!(
        super::super::links_cp_external::called_webhook("failed calling webhook \"a.b\": x"),
        Some("a.b")
    );
}

#[test]
fn an_expired_control_plane_certificate_is_the_root_of_all_of_it() {
    let mut c = healthy_cluster();
    replace(
        &mut c,
        "kube-scheduler",
        leader_lease("kube-scheduler", "cp-1", 600, 2),
    );
    let mut snap = Snapshot::from_objects(c);
    snap.apply(Change::health(ApiHealth {
        version: Probed::Failed(Failure {
            class: ReachClass::CertExpired,
            status: None,
            detail: "invalid peer certificate: Expired".into(),
            retry_after: None,
        }),
        ..ApiHealth::default()
    }));
    let certs = vec![
        hand_made(
            "cert-expired",
            "Certificate",
            "",
            "/etc/kubernetes/scheduler.conf",
            "scheduler.conf expired",
        ),
        hand_made(
            "cert-expired",
            "Certificate",
            "",
            "/etc/kubernetes/pki/apiserver.crt",
            "apiserver.crt expired",
        ),
        hand_made(
            "cert-expired",
            "Certificate",
            "",
            "/etc/kubernetes/pki/etcd/peer.crt",
            "etcd peer expired",
        ),
    ];
    let f = analyze_with(&snap, certs);
    assert_eq!(
        cause_ids(find(&f, "cp-leader-lease-stale", "kube-scheduler")),
        ["cert-expired Certificate//etc/kubernetes/scheduler.conf"]
    );
    assert_eq!(
        cause_ids(find(&f, "api-reachability", "kube-apiserver")),
        ["cert-expired Certificate//etc/kubernetes/pki/apiserver.crt"]
    );
}

#[test]
fn all_nodes_not_ready_behind_a_dead_api_server() {
    let mut c = vec![node("w1", false, VERSION), node("w2", false, VERSION)];
    for n in &mut c {
        n["status"]["conditions"][3]["status"] = json!("Unknown");
        n["status"]["conditions"][3]["reason"] = json!("NodeStatusUnknown");
    }
    let mut snap = Snapshot::from_objects(c);
    snap.apply(Change::health(ApiHealth {
        version: Probed::Answered(super::super::snapshot::ServerVersion {
            git_version: "v1.31.2".into(),
        }),
        readyz: Probed::Answered(super::super::snapshot::HealthReport::parse(
            500,
            "[-]etcd failed: reason withheld\nreadyz check failed",
        )),
        ..ApiHealth::default()
    }));
    let f = analyze(&snap, now(), &Options::default());
    let nr = find(&f, "node-not-ready", "w1");
    assert_eq!(
        cause_ids(nr),
        ["apiserver-not-ready APIServer/kube-apiserver"]
    );
    // Nobody taints a node while the API server is down: that too is the outage.
    assert_eq!(
        cause_ids(find(&f, "node-not-tainted", "w2")),
        ["apiserver-not-ready APIServer/kube-apiserver"]
    );
}

#[test]
fn an_api_server_that_cannot_reach_etcd_is_explained_by_etcd() {
    let mut c = healthy_cluster();
    let etcd = mirror("etcd", "cp-1", VERSION);
    replace(&mut c, "etcd-cp-1", crash(etcd, "Error", 2, "", 5));
    let api = mirror("kube-apiserver", "cp-1", VERSION);
    replace(&mut c, "kube-apiserver-cp-1", crash(api, "Error", 1, "", 5));
    let snap = Snapshot::from_objects(c).with_previous_logs(
        [(
            ("kube-system".to_string(), "kube-apiserver-cp-1".to_string(), "kube-apiserver".to_string()),
            vec!["W0101 logging.go:59] [core] grpc: addrConn.createTransport failed: dial tcp 127.0.0.1:2379: connect: connection refused".to_string()],
        )]
        .into(),
    );
    let f = analyze(&snap, now(), &Options::default());
    let api = find(&f, "cp-component-failing", "kube-apiserver-cp-1");
    assert_eq!(cause_ids(api), ["cp-component-failing Pod/etcd-cp-1"]);
    assert_eq!(api.severity, Severity::Critical);
}

#[test]
fn evictions_under_disk_pressure_fold_under_the_node() {
    let mut c = healthy_cluster();
    let mut w = node("worker-1", false, VERSION);
    w["status"]["conditions"][1] = json!({"type": "DiskPressure", "status": "True", "reason": "KubeletHasDiskPressure",
        "message": "kubelet has disk pressure", "lastTransitionTime": ago(1200)});
    replace(&mut c, "worker-1", w);
    let ev = |name: &str, res: &str| {
        pod(
            name,
            json!({"nodeName": "worker-1", "containers": [{"name": "app", "image": "x"}]}),
            json!({"phase": "Failed", "reason": "Evicted", "qosClass": "BestEffort",
                "message": format!("The node was low on resource: {res}. Threshold quantity: 1Gi, available: 512Mi. ")}),
        )
    };
    c.push(ev("disk-victim", "ephemeral-storage"));
    c.push(ev("memory-victim", "memory"));
    let f = run(c);
    assert_eq!(
        cause_ids(find(&f, "pod-evicted", "disk-victim")),
        ["node-disk-pressure Node/worker-1"]
    );
    assert!(
        find(&f, "pod-evicted", "memory-victim")
            .caused_by
            .is_empty()
    );
    assert_eq!(
        cause_ids(find(&f, "node-evictions", "worker-1")),
        ["node-disk-pressure Node/worker-1"]
    );
}

#![allow(clippy::unwrap_used)]

use serde_json::json;

use super::super::testutil::*;
use super::super::testutil_cp::*;
use crate::findings::Severity;

#[test]
fn renewing_leases_are_healthy() {
    let f = run(healthy_cluster());
    assert!(
        f.iter()
            .all(|x| !x.check.contains("lease") && !x.check.contains("leader")),
        "{:?}",
        ids(&f)
    );
}

#[test]
fn a_scheduler_lease_not_renewed_for_twelve_minutes_has_no_leader() {
    let mut c = healthy_cluster();
    replace(
        &mut c,
        "kube-scheduler",
        leader_lease("kube-scheduler", "cp-1", 720, 2),
    );
    c.push(pod("web", spec1(), json!({"phase": "Pending"})));
    let f = run(c);
    let l = one(&f, "cp-leader-lease-stale");
    assert_eq!(l.severity, Severity::Critical);
    assert_eq!(
        (l.object.kind.as_str(), l.object.name.as_str()),
        ("Lease", "kube-scheduler")
    );
    assert!(l.summary.contains("last renewed 12m ago"), "{}", l.summary);
    assert!(evidence_text(l).contains("pods Pending with no scheduling attempt: 1"));
    // Just past the duration plus skew is stale; within it is not.
    let mut c = healthy_cluster();
    replace(
        &mut c,
        "kube-scheduler",
        leader_lease("kube-scheduler", "cp-1", 20, 2),
    );
    assert!(run(c).iter().all(|x| x.check != "cp-leader-lease-stale"));
    let mut c = healthy_cluster();
    replace(
        &mut c,
        "kube-scheduler",
        leader_lease("kube-scheduler", "cp-1", 21, 2),
    );
    one(&run(c), "cp-leader-lease-stale");
}

#[test]
fn a_released_lease_has_no_leader() {
    let mut c = healthy_cluster();
    let mut l = leader_lease("kube-controller-manager", "cp-1", 3, 4);
    l["spec"]["holderIdentity"] = json!("");
    replace(&mut c, "kube-controller-manager", l);
    let f = run(c);
    assert!(
        one(&f, "cp-leader-lease-stale")
            .summary
            .contains("released")
    );
}

#[test]
fn a_missing_lease_is_an_error_unless_leader_election_is_off() {
    let mut c = healthy_cluster();
    c.retain(|o| !(o["kind"] == "Lease" && o["metadata"]["name"] == "kube-controller-manager"));
    assert_eq!(
        one(&run(c.clone()), "cp-leader-lease-missing").severity,
        Severity::Error
    );
    let mut kcm = mirror("kube-controller-manager", "cp-1", VERSION);
    let cmd = kcm["spec"]["containers"][0]["command"]
        .as_array_mut()
        .unwrap();
    for a in cmd.iter_mut() {
        if a == "--leader-elect=true" {
            *a = json!("--leader-elect=false");
        }
    }
    replace(&mut c, "kube-controller-manager-cp-1", kcm);
    assert!(run(c).iter().all(|x| x.check != "cp-leader-lease-missing"));
}

#[test]
fn leases_of_other_namespaces_only_say_nothing_about_kube_system() {
    let mut c = healthy_cluster();
    c.retain(|o| !(o["kind"] == "Lease" && o["metadata"]["namespace"] == "kube-system"));
    let f = run(c);
    assert!(
        f.iter().all(|x| x.check != "cp-leader-lease-missing"),
        "{:?}",
        ids(&f)
    );
}

#[test]
fn no_cloud_controller_manager_lease_is_fine() {
    // A single-CP kubeadm cluster has none, and no pod claims one.
    assert!(
        run(healthy_cluster())
            .iter()
            .all(|x| !x.object.name.contains("cloud"))
    );
}

#[test]
fn a_leader_that_keeps_changing_is_flapping() {
    let mut c = healthy_cluster();
    let mut l = leader_lease("kube-controller-manager", "cp-1", 1, 11);
    l["spec"]["acquireTime"] = json!(ago(240));
    replace(&mut c, "kube-controller-manager", l);
    let f = run(c);
    let fl = one(&f, "cp-leader-flapping");
    assert_eq!(fl.severity, Severity::Warning);
    assert!(fl.summary.contains("11 times"));
    // Many changes over a long life, none recent: not flapping.
    let mut c = healthy_cluster();
    replace(
        &mut c,
        "kube-controller-manager",
        leader_lease("kube-controller-manager", "cp-1", 1, 40),
    );
    assert!(run(c).iter().all(|x| x.check != "cp-leader-flapping"));
}

#[test]
fn a_holder_that_is_not_a_node_is_noted() {
    let mut c = healthy_cluster();
    replace(
        &mut c,
        "kube-scheduler",
        leader_lease("kube-scheduler", "old-master", 1, 2),
    );
    let f = run(c);
    assert_eq!(one(&f, "cp-leader-unknown-holder").severity, Severity::Info);
    // An FQDN holder of a node registered by its short name is that node.
    let mut c = healthy_cluster();
    replace(
        &mut c,
        "kube-scheduler",
        leader_lease("kube-scheduler", "cp-1.example.internal", 1, 2),
    );
    assert!(run(c).iter().all(|x| x.check != "cp-leader-unknown-holder"));
}

#[test]
fn a_dead_ha_apiserver_still_in_the_kubernetes_endpoints() {
    let mut c = healthy_cluster();
    c.push(node("cp-2", true, VERSION));
    c.push(apiserver_lease("cp-2", 1200));
    c.push(json!({"apiVersion": "v1", "kind": "Endpoints",
        "metadata": {"name": "kubernetes", "namespace": "default"},
        "subsets": [{"addresses": [{"ip": ip("cp-1")}, {"ip": ip("cp-2")}],
                     "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}]}]}));
    let f = run(c);
    let a = one(&f, "apiserver-lease-stale");
    assert_eq!(a.severity, Severity::Error);
    assert!(
        a.summary.contains("cp-2") && a.summary.contains("20m"),
        "{}",
        a.summary
    );
    assert!(evidence_text(a).contains(&format!("still list {}", ip("cp-2"))));
}

#[test]
fn without_leases_nothing_is_claimed() {
    let mut c = healthy_cluster();
    c.retain(|o| o["kind"] != "Lease");
    let f = run(c);
    assert!(
        f.iter().all(|x| !x.check.contains("lease")),
        "{:?}",
        ids(&f)
    );
}

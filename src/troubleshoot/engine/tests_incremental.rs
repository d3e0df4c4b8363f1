//! The incremental engine against a full analysis of the same snapshot: objects arriving and
//! leaving one by one, the clock moving, with only the changed and the time-dependent objects
//! re-checked, must end in the same findings (links included) as checking everything.

#![allow(clippy::unwrap_used)]

use super::*;
use crate::objects::{self, Object};
use crate::troubleshoot::KindState;
use crate::troubleshoot::testutil::now;

fn decoded(values: &[serde_json::Value]) -> Vec<Object> {
    values
        .iter()
        .filter_map(|v| {
            let kind = Kind::of(v["apiVersion"].as_str()?, v["kind"].as_str()?)?;
            objects::decode_value(kind, v).ok()
        })
        .collect()
}

/// The findings as sorted text, so that equal sets compare equal whatever their order.
fn texts(findings: &[Finding]) -> Vec<String> {
    let mut t: Vec<String> = findings.iter().map(|f| format!("{f:?}")).collect();
    t.sort();
    t
}

/// The same without the links between findings.
fn unlinked(findings: &[Finding]) -> Vec<String> {
    let mut bare = findings.to_vec();
    for f in &mut bare {
        f.caused_by.clear();
    }
    texts(&bare)
}

/// What checking everything from scratch finds in the engine's snapshot at `at`.
fn scratch(e: &Engine, at: Timestamp) -> Vec<Finding> {
    let mut fresh = Engine::from_snapshot(e.snapshot().clone(), e.options().clone());
    fresh.analyze(at, true)
}

fn from_scratch(e: &Engine, at: Timestamp) -> Vec<String> {
    texts(&scratch(e, at))
}

/// Fails with what only one side has.
#[track_caller]
fn same(incremental: Vec<String>, scratch: Vec<String>, when: &str) {
    let only_inc: Vec<&String> = incremental
        .iter()
        .filter(|f| !scratch.contains(f))
        .collect();
    let only_full: Vec<&String> = scratch
        .iter()
        .filter(|f| !incremental.contains(f))
        .collect();
    assert!(
        only_inc.is_empty() && only_full.is_empty(),
        "{when}: only incremental: {only_inc:#?}\nonly full: {only_full:#?}"
    );
}

fn later(minutes: i64) -> Timestamp {
    now()
        .checked_add(jiff::SignedDuration::from_secs(minutes * 60))
        .unwrap()
}

#[test]
fn passes_over_changes_and_the_clock_find_what_a_full_analysis_finds() {
    let mut objects = decoded(&crate::sim::scenario::builtin(now()).unwrap());
    objects.extend(decoded(&crate::sim::scenario::synthetic(300, 6, 3, now())));
    assert!(objects.len() > 300, "the demo and a small cluster");
    let mut e = Engine::new(Options::default());
    let kinds: std::collections::BTreeSet<Kind> = objects.iter().map(Object::kind).collect();
    for k in &kinds {
        e.apply(Change::State(*k, None, KindState::Listed));
    }
    e.pass(now(), Pass::Full);
    // Everything arrives in small batches, each followed by a pass over the changes only.
    for batch in objects.chunks(7) {
        for obj in batch {
            e.apply(Change::Upsert(obj.clone()));
        }
        let stats = e.pass(now(), Pass::Changes);
        assert!(!stats.full);
    }
    let findings = texts(e.findings());
    assert!(findings.len() > 20, "the demo is broken in many ways");
    same(findings, from_scratch(&e, now()), "after arrivals");
    // Time passes: a clock pass re-checks only what read the clock, and finds what a full
    // analysis at that time finds ("Pending for more than a minute", ages in the words).
    for minutes in [2, 11, 90] {
        let stats = e.pass(later(minutes), Pass::Clock);
        assert!(stats.checked < e.snapshot().pods.len(), "{stats:?}");
        same(
            texts(e.findings()),
            from_scratch(&e, later(minutes)),
            &format!("{minutes} minutes later"),
        );
    }
    // Objects leave (every third), again in batches.
    let gone: Vec<&Object> = objects.iter().step_by(3).collect();
    for batch in gone.chunks(5) {
        for obj in batch {
            e.apply(Change::Delete(obj.kind(), obj.key()));
        }
        e.pass(later(90), Pass::Changes);
    }
    // The findings themselves follow every change; a link can also depend on an object no
    // finding is about (a deleted healthy pod that tied a Deployment to a node): links are
    // made again on the next clock pass at the latest.
    same(
        unlinked(e.findings()),
        unlinked(&scratch(&e, later(90))),
        "after deletions, without links",
    );
    e.pass(later(90), Pass::Clock);
    same(
        texts(e.findings()),
        from_scratch(&e, later(90)),
        "after deletions and a clock pass",
    );
}

#[test]
fn a_change_no_finding_depends_on_keeps_the_list_and_skips_the_cluster_checks() {
    let objects = decoded(&crate::sim::scenario::synthetic(200, 4, 2, now()));
    let mut e = Engine::from_snapshot(crate::troubleshoot::Snapshot::default(), Options::default());
    let kinds: std::collections::BTreeSet<Kind> = objects.iter().map(Object::kind).collect();
    for k in &kinds {
        e.apply(Change::State(*k, None, KindState::Listed));
    }
    for obj in &objects {
        e.apply(Change::Upsert(obj.clone()));
    }
    let first = e.pass(now(), Pass::Full);
    assert_eq!(first.cluster_checks, registry::CLUSTER_CHECKS.len());
    // The same Lease again: nothing changes, and only the checks that read Leases run.
    let lease = objects
        .iter()
        .find(|o| o.kind() == Kind::Lease)
        .unwrap()
        .clone();
    e.apply(Change::Upsert(lease));
    let again = e.pass(now(), Pass::Changes);
    assert!(!again.changed, "{again:?}");
    assert!(again.cluster_checks > 0, "the lease checks read Leases");
    assert!(
        again.cluster_checks < registry::CLUSTER_CHECKS.len(),
        "{again:?}"
    );
    // A node going NotReady is seen at once by the checks that read Nodes.
    let node = objects
        .iter()
        .find_map(|o| match o {
            Object::Node(n) => Some(n.clone()),
            _ => None,
        })
        .unwrap();
    let mut value = serde_json::to_value(&*node).unwrap();
    for c in value["status"]["conditions"].as_array_mut().unwrap() {
        if c["type"] == "Ready" {
            c["status"] = "Unknown".into();
            c["reason"] = "NodeStatusUnknown".into();
        }
    }
    value["apiVersion"] = "v1".into();
    value["kind"] = "Node".into();
    e.apply(Change::Upsert(
        objects::decode_value(Kind::Node, &value).unwrap(),
    ));
    let stats = e.pass(now(), Pass::Changes);
    assert!(stats.changed);
    assert!(
        e.findings()
            .iter()
            .any(|f| f.object.kind == "Node" && f.object.name == node.metadata.name()),
        "{:?}",
        e.findings()
    );
    same(
        texts(e.findings()),
        from_scratch(&e, now()),
        "node not ready",
    );
}

//! The engine thread's messages: a change that alters findings sends a new analysis, one
//! that alters nothing only says that the findings are current.

#![allow(clippy::unwrap_used)]

use super::*;
use crate::objects::Kind;
use crate::troubleshoot::testutil::{now, pod, spec1};
use serde_json::json;

fn upsert(value: serde_json::Value) -> Change {
    Change::Upsert(crate::objects::decode_value(Kind::Pod, &value).unwrap())
}

fn crashing(restarts: i32) -> serde_json::Value {
    pod(
        "web",
        spec1(),
        json!({"phase": "Running", "containerStatuses": [{"name": "app", "image": "x",
            "ready": false, "restartCount": restarts,
            "state": {"waiting": {"reason": "CrashLoopBackOff"}},
            "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}}}]}),
    )
}

fn healthy(name: &str) -> serde_json::Value {
    pod(
        name,
        spec1(),
        json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": [{"name": "app", "image": "x", "ready": true,
            "restartCount": 0, "state": {"running": {}}}]}),
    )
}

/// The next analysis message (relation answers and others are skipped).
fn next(rx: &mut tokio::sync::mpsc::UnboundedReceiver<Msg>) -> Msg {
    loop {
        match rx.blocking_recv().unwrap() {
            m @ (Msg::Analyzed { .. } | Msg::Reanalyzed { .. }) => return m,
            _ => continue,
        }
    }
}

#[test]
fn a_change_that_alters_no_finding_only_confirms_the_last_analysis() {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let clock: Clock = Arc::new(now);
    let engine = spawn(
        7,
        Options::default(),
        vec![(Kind::Pod, None)],
        None,
        None,
        tx,
        clock,
    );
    let sink = engine.sink();
    sink(Change::State(Kind::Pod, None, KindState::Listed));
    sink(upsert(crashing(5)));
    sink(upsert(healthy("quiet")));
    let Msg::Analyzed { generation, result } = next(&mut rx) else {
        panic!("the first pass sends its findings");
    };
    assert_eq!(generation, 7);
    let first = result.unwrap();
    assert!(first.findings.iter().any(|f| f.object.name == "web"));
    // A healthy pod changes: no finding changes.
    let mut touched = healthy("quiet");
    touched["metadata"]["labels"] = json!({"touched": "yes"});
    sink(upsert(touched));
    assert!(matches!(
        next(&mut rx),
        Msg::Reanalyzed { generation: 7, .. }
    ));
    // The crashing pod restarts once more: its finding's words change.
    sink(upsert(crashing(6)));
    let Msg::Analyzed { result, .. } = next(&mut rx) else {
        panic!("a changed finding sends the new findings");
    };
    let again = result.unwrap();
    assert_ne!(
        first.findings.iter().find(|f| f.object.name == "web"),
        again.findings.iter().find(|f| f.object.name == "web")
    );
}

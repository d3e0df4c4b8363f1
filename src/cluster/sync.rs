//! Syncing the watch caches once, for `kmedic check`: the same watch loops the UI runs, over
//! the same scope, until every loop has listed its kind (or said why it could not), then the
//! loops stop. The result is the list of changes that fill an analysis snapshot: one code path
//! for the UI and `check`.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use kube::Client;
use tokio::sync::mpsc;

use super::events::Scope;
use super::watch::{WatchSet, targets};
use crate::objects::Kind;
use crate::troubleshoot::{Change, KindState};

/// What syncing saw.
pub struct Synced {
    pub changes: Vec<Change>,
    /// Loops that had not answered when the time ran out, as (kind, namespace scope).
    pub silent: Vec<(Kind, Option<String>)>,
}

/// Lists every kind the engine reads in `scope` through the watch loops, waiting at most
/// `limit` for all of them to report.
pub async fn sync_once(client: Client, scope: Scope, limit: Duration) -> Synced {
    let expected: HashSet<(Kind, Option<String>)> = targets(&scope)
        .into_iter()
        .map(|(t, _)| (t.kind, t.namespace))
        .collect();
    let (tx, mut rx) = mpsc::unbounded_channel::<Change>();
    let (events_tx, _events_rx) = mpsc::unbounded_channel();
    let sink = Arc::new(move |change: Change| {
        let _ = tx.send(change);
    });
    let watches = WatchSet::start(client, scope, 1, events_tx, sink);
    let mut reported: HashSet<(Kind, Option<String>)> = HashSet::new();
    let mut changes = Vec::new();
    let deadline = tokio::time::Instant::now() + limit;
    while reported.len() < expected.len() {
        let Ok(Some(change)) = tokio::time::timeout_at(deadline, rx.recv()).await else {
            break;
        };
        match &change {
            Change::Reset(kind, scope, _) => {
                reported.insert((*kind, scope.clone()));
            }
            Change::State(kind, scope, state) if *state != KindState::Unknown => {
                reported.insert((*kind, scope.clone()));
            }
            _ => {}
        }
        changes.push(change);
    }
    drop(watches);
    let silent: Vec<(Kind, Option<String>)> = expected.difference(&reported).cloned().collect();
    for (kind, scope) in &silent {
        changes.push(Change::State(
            *kind,
            scope.clone(),
            KindState::Failed(format!("no answer within {} s", limit.as_secs())),
        ));
    }
    Synced { changes, silent }
}

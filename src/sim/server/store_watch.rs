//! Watch support of the store: starting a watch from a resourceVersion (replaying retained
//! events or the current state), and expiring the history like an etcd compaction.

use std::sync::Arc;

use tokio::sync::broadcast;

use super::store::{Event, EventType, Signal, Store};

/// The start of a watch: the events to replay, and the receiver for what follows.
pub struct WatchStart {
    pub backlog: Vec<Arc<Event>>,
    pub receiver: broadcast::Receiver<Signal>,
    pub rv: u64,
}

impl Store {
    /// Subscribes to changes of one type after `from` (`None` = current state, replayed as
    /// ADDED). Fails with the oldest available resourceVersion when `from` is too old.
    pub fn watch_from(&self, resource: usize, from: Option<u64>) -> Result<WatchStart, u64> {
        let inner = self.lock();
        let receiver = self.signals.subscribe();
        let backlog = match from {
            Some(rv) if rv < inner.compacted_rv => return Err(inner.compacted_rv + 1),
            Some(rv) => inner
                .history
                .iter()
                .filter(|e| e.rv > rv && e.resource == resource)
                .cloned()
                .collect(),
            None => inner
                .objects
                .get(resource)
                .into_iter()
                .flat_map(|m| m.values())
                .map(|object| {
                    Arc::new(Event {
                        rv: inner.rv,
                        resource,
                        kind: EventType::Added,
                        object: object.clone(),
                        previous: None,
                    })
                })
                .collect(),
        };
        Ok(WatchStart {
            backlog,
            receiver,
            rv: inner.rv,
        })
    }

    /// Drops the whole event history and ends every open watch with 410 Gone, so clients
    /// must list again (what an etcd compaction does to a real cluster).
    pub fn expire_watches(&self) {
        let mut inner = self.lock();
        inner.history.clear();
        inner.compacted_rv = inner.rv;
        let _ = self.signals.send(Signal::Expire);
    }

    /// Changes how many watch events are retained.
    pub fn set_history_limit(&self, limit: usize) {
        let mut inner = self.lock();
        inner.history_limit = limit.max(1);
        while inner.history.len() > inner.history_limit {
            if let Some(dropped) = inner.history.pop_front() {
                inner.compacted_rv = dropped.rv;
            }
        }
    }
}

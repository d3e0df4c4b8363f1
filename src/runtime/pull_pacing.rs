//! Paces how often the app pulls a kind's rows from the watch stores. A pull (a snapshot of
//! the rows, then the table's refresh) costs about a millisecond per 10,000 rows; while a big
//! kind changes many times a second, pulling it on every notification would keep a core
//! busy. After a pull that took `t`, the next pull of that kind waits at least `t × DUTY`, so
//! pulls take at most 1/`DUTY` of a core. Small kinds (microseconds) are pulled at once.

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

use crate::model::ResourceKind;

/// Pulls take at most 1/`DUTY` of a core.
const DUTY: u32 = 100;
/// However slow a pull, a change reaches the screen within this.
const MAX_SPACING: Duration = Duration::from_secs(1);

#[derive(Debug, Default)]
pub struct PullPacer {
    /// The earliest time each kind may be pulled again.
    next_at: HashMap<ResourceKind, Instant>,
    /// Kinds that changed while they had to wait.
    pending: BTreeSet<ResourceKind>,
}

impl PullPacer {
    /// Whether `kind` may be pulled now; if not, it is remembered for [`PullPacer::take_due`].
    pub fn may_pull(&mut self, kind: ResourceKind, now: Instant) -> bool {
        match self.next_at.get(&kind) {
            Some(&at) if at > now => {
                self.pending.insert(kind);
                false
            }
            _ => true,
        }
    }

    /// Records a pull of `kind` that started at `started` and took `took`.
    pub fn pulled(&mut self, kind: ResourceKind, started: Instant, took: Duration) {
        self.pending.remove(&kind);
        let spacing = took.saturating_mul(DUTY).min(MAX_SPACING);
        self.next_at.insert(kind, started + took + spacing);
    }

    /// When the next waiting kind may be pulled.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.pending
            .iter()
            .filter_map(|k| self.next_at.get(k))
            .min()
            .copied()
    }

    /// The waiting kinds whose time has come (they are no longer waiting).
    pub fn take_due(&mut self, now: Instant) -> Vec<ResourceKind> {
        let due: Vec<ResourceKind> = self
            .pending
            .iter()
            .filter(|k| self.next_at.get(k).is_none_or(|&at| at <= now))
            .copied()
            .collect();
        for kind in &due {
            self.pending.remove(kind);
        }
        due
    }

    /// Forgets everything (a new watch generation starts from scratch).
    pub fn reset(&mut self) {
        *self = PullPacer::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slow_pull_spaces_the_next_and_a_fast_one_does_not() {
        let mut pacer = PullPacer::default();
        let t0 = Instant::now();
        assert!(pacer.may_pull(ResourceKind::Pods, t0));
        pacer.pulled(ResourceKind::Pods, t0, Duration::from_millis(8));
        let soon = t0 + Duration::from_millis(20);
        assert!(!pacer.may_pull(ResourceKind::Pods, soon));
        // The change is not lost: it is due once the spacing (8 ms × 100) has passed.
        let deadline = pacer.next_deadline().expect("a pull is waiting");
        assert_eq!(deadline, t0 + Duration::from_millis(808));
        assert!(pacer.take_due(soon).is_empty());
        assert_eq!(pacer.take_due(deadline), vec![ResourceKind::Pods]);
        assert_eq!(pacer.next_deadline(), None);
        // Another kind is not held back by the slow one.
        assert!(pacer.may_pull(ResourceKind::Nodes, soon));
        pacer.pulled(ResourceKind::Nodes, soon, Duration::from_micros(20));
        assert!(pacer.may_pull(ResourceKind::Nodes, soon + Duration::from_millis(3)));
    }

    #[test]
    fn spacing_is_capped() {
        let mut pacer = PullPacer::default();
        let t0 = Instant::now();
        pacer.pulled(ResourceKind::Pods, t0, Duration::from_millis(100));
        assert!(!pacer.may_pull(ResourceKind::Pods, t0 + Duration::from_millis(1099)));
        assert!(pacer.may_pull(ResourceKind::Pods, t0 + Duration::from_millis(1100)));
    }
}

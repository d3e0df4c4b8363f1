//! The incremental analysis engine: it owns the snapshot, applies changes to it one by one,
//! and re-runs only the checks of the objects a change touched (see [`deps`]), keeping the
//! findings of every object between passes. Cluster checks run on every pass; a full pass
//! (every object) runs after a relist, when coverage changes, and when the caller asks for one
//! (time-based checks, such as "Pending for more than a minute", need the clock to move).
//! Pure: no I/O, no clock of its own.

pub mod deps;

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;

use super::registry;
use super::snapshot::{Change, Snapshot};
use super::{Ctx, Options, finish};
use crate::findings::Finding;
use crate::objects::Kind;

pub use deps::Subject;

/// How much work a pass did, for benchmarks and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PassStats {
    /// Objects whose checks ran.
    pub checked: usize,
    /// Whether it was a full pass.
    pub full: bool,
}

/// The snapshot plus the findings of each object.
#[derive(Debug, Clone, Default)]
pub struct Engine {
    snap: Snapshot,
    opts: Options,
    by_subject: HashMap<Subject, Vec<Finding>>,
    dirty: HashSet<Subject>,
    needs_full: bool,
    /// Something only cluster checks read changed (the API server's health).
    cluster_dirty: bool,
    last: PassStats,
}

impl Engine {
    pub fn new(opts: Options) -> Engine {
        Engine {
            opts,
            needs_full: true,
            ..Engine::default()
        }
    }

    /// An engine over a complete snapshot (a dump).
    pub fn from_snapshot(snap: Snapshot, opts: Options) -> Engine {
        Engine {
            snap,
            opts,
            needs_full: true,
            ..Engine::default()
        }
    }

    pub fn snapshot(&self) -> &Snapshot {
        &self.snap
    }

    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// Whether anything changed since the last pass.
    pub fn has_work(&self) -> bool {
        self.needs_full || !self.dirty.is_empty() || self.cluster_dirty
    }

    /// What the last pass did.
    pub fn last_pass(&self) -> PassStats {
        self.last
    }

    /// Applies a change and notes which objects it touched.
    pub fn apply(&mut self, change: Change) {
        match change {
            Change::Upsert(obj) => {
                let new = obj.clone();
                let old = self.snap.apply(Change::Upsert(obj));
                deps::touched(&self.snap, old.as_ref(), Some(&new), &mut self.dirty);
            }
            Change::Delete(kind, key) => {
                let old = self.snap.apply(Change::Delete(kind, key));
                deps::touched(&self.snap, old.as_ref(), None, &mut self.dirty);
            }
            Change::PreviousLog(key, lines) => {
                let pod = crate::model::ObjKey::new(key.0.as_str(), key.1.as_str());
                self.snap.apply(Change::PreviousLog(key, lines));
                self.dirty.insert((Kind::Pod, pod));
            }
            Change::Malformed(s) => {
                self.snap.apply(Change::Malformed(s));
            }
            Change::Health(h) => {
                if self.snap.health.as_ref() != Some(&*h) {
                    self.snap.apply(Change::Health(h));
                    self.cluster_dirty = true;
                }
            }
            Change::Certificates(c) => {
                if self.snap.certificates.as_ref() != Some(&*c) {
                    self.snap.apply(Change::Certificates(c));
                    self.cluster_dirty = true;
                }
            }
            other @ (Change::Reset(..) | Change::State(..)) => {
                self.snap.apply(other);
                self.needs_full = true;
            }
        }
    }

    /// Analyses what changed (everything when `full`, after a relist or a coverage change)
    /// and returns every current finding, root causes first.
    pub fn analyze(&mut self, now: Timestamp, full: bool) -> Vec<Finding> {
        let ctx = Ctx {
            snap: &self.snap,
            now,
            opts: &self.opts,
        };
        let full = full || self.needs_full;
        let subjects: Vec<Subject> = if full {
            self.by_subject.clear();
            self.dirty.clear();
            registry::subjects(&ctx)
        } else {
            self.dirty.drain().collect()
        };
        let checked = subjects.len();
        for (kind, key) in subjects {
            let mut out = Vec::new();
            registry::check_object(&ctx, kind, &key, &mut out);
            if out.is_empty() {
                self.by_subject.remove(&(kind, key));
            } else {
                self.by_subject.insert((kind, key), out);
            }
        }
        self.needs_full = false;
        self.cluster_dirty = false;
        self.last = PassStats { checked, full };
        let mut findings: Vec<Finding> = self.by_subject.values().flatten().cloned().collect();
        registry::check_cluster(&ctx, &mut findings);
        finish(&ctx, findings)
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_app;

//! The incremental analysis engine: it owns the snapshot, applies changes to it one by one,
//! and re-runs only the checks of the objects a change touched (see [`deps`]), keeping the
//! findings of every object between passes. Each cluster check runs again only when a kind it
//! read last time changed (the snapshot's tables note their readers). When time passes (a
//! [`Pass::Clock`]), only the objects and cluster checks whose last run read the clock are
//! re-checked: "Pending for more than a minute" flips without any change, a healthy running
//! pod does not. A full pass (every object) runs after a relist, when coverage changes, and
//! when the caller asks for one. When a pass changes no finding, the finished list (links,
//! order) is kept as it was. Pure: no I/O, no clock of its own.

pub mod deps;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use jiff::Timestamp;

use super::registry;
use super::snapshot::{Change, Read, Snapshot};
use super::{Ctx, Options, finish};
use crate::findings::Finding;
use crate::objects::Kind;

pub use deps::Subject;

/// What a pass re-checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// The objects that changed and what reads them.
    Changes,
    /// Those, plus every object and cluster check whose result depends on the time.
    Clock,
    /// Everything.
    Full,
}

/// How much work a pass did, for benchmarks and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PassStats {
    /// Objects whose checks ran.
    pub checked: usize,
    /// Cluster checks that ran.
    pub cluster_checks: usize,
    /// Whether it was a full pass.
    pub full: bool,
    /// Whether any finding changed (when not, the last list stands).
    pub changed: bool,
}

/// One cluster check's last result and what it depended on.
#[derive(Debug, Clone, Default)]
struct ClusterMemo {
    findings: Vec<Finding>,
    reads: Vec<Read>,
    clock: bool,
}

/// The snapshot plus the findings of each object.
#[derive(Debug, Clone, Default)]
pub struct Engine {
    snap: Snapshot,
    opts: Options,
    by_subject: HashMap<Subject, Vec<Finding>>,
    /// Objects whose last check read the clock.
    clock_dependent: HashSet<Subject>,
    dirty: HashSet<Subject>,
    /// Kinds (and namespaces, empty for cluster-scoped objects) changed since the last pass.
    changed_kinds: HashSet<(Kind, String)>,
    /// One per entry of [`registry::CLUSTER_CHECKS`]; empty until the first pass.
    cluster: Vec<ClusterMemo>,
    /// The finished findings of the last pass (shared with the app, which gets the same list).
    findings: Arc<[Finding]>,
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

    /// Objects whose checks a clock pass runs again.
    pub fn clock_dependent(&self) -> usize {
        self.clock_dependent.len()
    }

    /// Each cluster check's name and the kinds it read on its last run (a change of one of
    /// them runs it again).
    pub fn cluster_reads(&self) -> Vec<(&'static str, &[Read])> {
        registry::CLUSTER_CHECKS
            .iter()
            .zip(&self.cluster)
            .map(|((name, _), memo)| (*name, memo.reads.as_slice()))
            .collect()
    }

    /// The findings of the last pass, root causes first.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// The finished findings of the last pass, shared (no copy).
    pub fn shared_findings(&self) -> Arc<[Finding]> {
        self.findings.clone()
    }

    /// Applies a change and notes which objects it touched.
    pub fn apply(&mut self, change: Change) {
        match change {
            Change::Upsert(obj) => {
                let new = obj.clone();
                self.changed_kinds
                    .insert((obj.kind(), obj.key().namespace.into()));
                let old = self.snap.apply(Change::Upsert(obj));
                deps::touched(&self.snap, old.as_ref(), Some(&new), &mut self.dirty);
            }
            Change::Delete(kind, key) => {
                self.changed_kinds.insert((kind, key.namespace.to_string()));
                let old = self.snap.apply(Change::Delete(kind, key));
                deps::touched(&self.snap, old.as_ref(), None, &mut self.dirty);
            }
            Change::PreviousLog(key, lines) => {
                let pod = crate::model::ObjKey::new(key.0.as_str(), key.1.as_str());
                self.changed_kinds.insert((Kind::Pod, key.0.clone()));
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
        self.pass(now, if full { Pass::Full } else { Pass::Changes });
        self.findings.to_vec()
    }

    /// Runs a pass; the findings are then in [`Engine::findings`], and
    /// [`Engine::last_pass`] says whether they changed.
    pub fn pass(&mut self, now: Timestamp, pass: Pass) -> PassStats {
        let ctx = Ctx::new(&self.snap, now, &self.opts);
        let full = pass == Pass::Full || self.needs_full;
        let mut subjects: Vec<Subject> = if full {
            self.by_subject.clear();
            self.clock_dependent.clear();
            self.dirty.clear();
            registry::subjects(&ctx)
        } else {
            self.dirty.drain().collect()
        };
        if pass == Pass::Clock && !full {
            let dirty: HashSet<&Subject> = subjects.iter().collect();
            let timed: Vec<Subject> = self
                .clock_dependent
                .iter()
                .filter(|s| !dirty.contains(s))
                .cloned()
                .collect();
            subjects.extend(timed);
        }
        let checked = subjects.len();
        let mut changed = full;
        for subject in subjects {
            let mut out = Vec::new();
            ctx.take_clock_read();
            registry::check_object(&ctx, subject.0, &subject.1, &mut out);
            if ctx.take_clock_read() {
                self.clock_dependent.insert(subject.clone());
            } else {
                self.clock_dependent.remove(&subject);
            }
            if out.is_empty() {
                changed |= self.by_subject.remove(&subject).is_some();
            } else if self.by_subject.get(&subject) != Some(&out) {
                self.by_subject.insert(subject, out);
                changed = true;
            }
        }
        let all = full || self.cluster_dirty || self.cluster.is_empty();
        let cluster_checks = cluster_pass(
            &mut self.cluster,
            &ctx,
            (pass, all),
            &self.changed_kinds,
            &mut changed,
        );
        // Links between findings read the snapshot too; a clock pass finishes the list again
        // even when no finding changed, so a link follows the objects within one clock period.
        if changed || pass == Pass::Clock {
            let mut findings: Vec<Finding> = self.by_subject.values().flatten().cloned().collect();
            findings.extend(self.cluster.iter().flat_map(|m| m.findings.iter().cloned()));
            self.findings = finish(&ctx, findings).into();
        }
        self.needs_full = false;
        self.cluster_dirty = false;
        self.changed_kinds.clear();
        self.last = PassStats {
            checked,
            cluster_checks,
            full,
            changed,
        };
        self.last
    }
}

/// Runs the cluster checks whose inputs changed (`all`: every one); returns how many ran.
fn cluster_pass(
    memos: &mut Vec<ClusterMemo>,
    ctx: &Ctx,
    (pass, all): (Pass, bool),
    changed_kinds: &HashSet<(Kind, String)>,
    changed: &mut bool,
) -> usize {
    if memos.is_empty() {
        *memos = vec![ClusterMemo::default(); registry::CLUSTER_CHECKS.len()];
    }
    let mut ran = 0;
    ctx.snap.take_reads();
    for ((_, check), memo) in registry::CLUSTER_CHECKS.iter().zip(memos.iter_mut()) {
        let due = all
            || (pass == Pass::Clock && memo.clock)
            || memo.reads.iter().any(|r| {
                changed_kinds
                    .iter()
                    .any(|(kind, ns)| r.touched_by(*kind, ns))
            });
        if !due {
            continue;
        }
        ran += 1;
        ctx.take_clock_read();
        let mut out = Vec::new();
        check(ctx, &mut out);
        memo.clock = ctx.take_clock_read();
        memo.reads = ctx.snap.take_reads();
        if out != memo.findings {
            memo.findings = out;
            *changed = true;
        }
    }
    ran
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_app;
#[cfg(test)]
mod tests_incremental;

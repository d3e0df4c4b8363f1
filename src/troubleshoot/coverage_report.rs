//! What an analysis could not look at, in words: the checks that could not run because a kind
//! they read was refused, not served, not listed or absent from a dump, and the objects that
//! could not be read. "No problems found" is only true when this is empty.

use serde::Serialize;

use super::registry::{CHECKS, Probe, uncovered_probes};
use super::snapshot::{KindState, Skipped, Snapshot};
use crate::findings::Pane;

/// A kind that could not be read, and which checks it leaves out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    /// e.g. `secrets` or `pods in kube-system`.
    pub what: String,
    /// Why: refused, not served, not part of the dump …
    pub reason: String,
    /// The checks that could not run (fully) because of it.
    pub checks: Vec<String>,
    /// The panes those checks belong to.
    pub panes: Vec<Pane>,
}

/// Coverage of one analysis.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CoverageReport {
    /// Every check could run and every object could be read.
    pub complete: bool,
    /// Some kinds have not been listed yet (the first sync is still running).
    pub syncing: bool,
    pub gaps: Vec<Gap>,
    /// Objects that could not be read (kind, namespace, name, why, where).
    pub skipped: Vec<Skipped>,
}

impl CoverageReport {
    /// Reads the coverage of a snapshot, for the panes asked (all when empty).
    pub fn of(snap: &Snapshot, panes: &[Pane]) -> CoverageReport {
        let wanted = |p: Pane| panes.is_empty() || panes.contains(&p);
        let mut gaps: Vec<Gap> = Vec::new();
        for (kind, scope, state) in snap.coverage.scoped_states() {
            if matches!(state, KindState::Listed) {
                continue;
            }
            // A kind listed everywhere covers its per-namespace scopes.
            if scope.is_some()
                && snap.coverage.listed(kind)
                && snap.coverage.listed_in(kind, scope.unwrap_or(""))
            {
                continue;
            }
            if scope.is_none() && snap.coverage.listed(kind) {
                continue;
            }
            let checks: Vec<&super::registry::CheckInfo> = CHECKS
                .iter()
                .filter(|c| c.needs.contains(&kind) && wanted(c.pane))
                .collect();
            if checks.is_empty() {
                continue;
            }
            let what = match scope {
                Some(ns) => format!("{} in namespace {ns}", kind.info().plural),
                None => kind.info().plural.to_string(),
            };
            let mut panes: Vec<Pane> = checks.iter().map(|c| c.pane).collect();
            panes.sort();
            panes.dedup();
            gaps.push(Gap {
                what,
                reason: state.describe(),
                checks: checks.iter().map(|c| c.id.to_string()).collect(),
                panes,
            });
        }
        // Not probed yet on a live cluster: part of the first sync, not a gap.
        let probing = snap.health.is_none() && !snap.coverage.from_dump;
        if !probing {
            probe_gaps(snap, &wanted, &mut gaps);
        }
        if let Some(why) = snap.certificates.as_ref().and_then(|c| c.failed.as_ref())
            && wanted(Pane::Certs)
        {
            gaps.push(Gap {
                what: "certificates".into(),
                reason: why.clone(),
                checks: vec!["cert-*".into()],
                panes: vec![Pane::Certs],
            });
        }
        let skipped = snap.coverage.skipped.clone();
        // A live analysis reads the certificates once at start: until then it is not done.
        let inspecting =
            snap.certificates.is_none() && !snap.coverage.from_dump && wanted(Pane::Certs);
        let syncing = probing
            || inspecting
            || snap
                .coverage
                .scoped_states()
                .any(|(_, _, s)| matches!(s, KindState::Unknown));
        CoverageReport {
            syncing,
            complete: gaps.is_empty() && skipped.is_empty(),
            gaps,
            skipped,
        }
    }

    /// Adds a gap found outside the snapshot (e.g. certificates not readable offline).
    pub fn add_gap(&mut self, gap: Gap) {
        self.gaps.push(gap);
        self.complete = false;
    }

    /// One line per reason (the kinds it covers and how many checks could not run) and per
    /// skipped object, for text output and the UI. The JSON has every check.
    pub fn lines(&self) -> Vec<String> {
        let mut by_reason: Vec<(&str, Vec<&str>, std::collections::BTreeSet<&str>)> = Vec::new();
        for g in &self.gaps {
            match by_reason.iter_mut().find(|(r, _, _)| *r == g.reason) {
                Some((_, what, checks)) => {
                    what.push(&g.what);
                    checks.extend(g.checks.iter().map(String::as_str));
                }
                None => by_reason.push((
                    &g.reason,
                    vec![&g.what],
                    g.checks.iter().map(String::as_str).collect(),
                )),
            }
        }
        let mut out: Vec<String> = by_reason
            .into_iter()
            .map(|(reason, what, checks)| {
                let n = checks.len();
                let checks = if n <= 4 {
                    checks.into_iter().collect::<Vec<_>>().join(", ")
                } else {
                    format!("{n} checks")
                };
                format!("{} ({reason}): {checks}", what.join(", "))
            })
            .collect();
        out.extend(
            self.skipped
                .iter()
                .map(|s| format!("could not read {}", s.describe())),
        );
        out
    }
}

/// The checks that read the API server itself (`/livez`, `/readyz`, `/metrics`) and could
/// not: one gap per probe and reason (e.g. "/metrics could not be read: 403 Forbidden" for
/// etcd-db-size and apiserver-deprecated-apis).
fn probe_gaps(snap: &Snapshot, wanted: &dyn Fn(Pane) -> bool, gaps: &mut Vec<Gap>) {
    for c in CHECKS.iter().filter(|c| wanted(c.pane)) {
        for (probe, reason) in uncovered_probes(snap, c) {
            let what = match probe {
                Probe::Health => "the API server's health (/livez, /readyz)",
                Probe::Metrics => "the API server's /metrics",
            };
            match gaps
                .iter_mut()
                .find(|g| g.what == what && g.reason == reason)
            {
                Some(g) => {
                    g.checks.push(c.id.to_string());
                    if !g.panes.contains(&c.pane) {
                        g.panes.push(c.pane);
                    }
                }
                None => gaps.push(Gap {
                    what: what.to_string(),
                    reason,
                    checks: vec![c.id.to_string()],
                    panes: vec![c.pane],
                }),
            }
        }
    }
}

//! State of the Certs view: the report, which tree nodes are open and which one is selected.
//! The tree is source → entry (a file, a kubeconfig field, a handshake) → certificate, a plain
//! model of paths: moving the cursor needs no widget, and the UI maps it to one.

use std::collections::BTreeSet;

use jiff::Timestamp;

use super::checks;
use super::entry::{CertEntry, SourceKind};
use super::info::CertInfo;
use super::report::CertsReport;
use crate::findings::Severity;

/// Everything the Certs view shows.
#[derive(Debug, Clone)]
pub struct CertsView {
    pub report: CertsReport,
    pub now: Timestamp,
    /// Tree paths of open nodes.
    pub opened: BTreeSet<Vec<String>>,
    /// Tree path of the selected node (empty: nothing selected).
    pub selected: Vec<String>,
    /// Worst finding per entry (same order as `report.certificates`).
    pub severity: Vec<Option<Severity>>,
}

/// What a tree path points at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Selected<'a> {
    Source(SourceKind),
    Entry(&'a CertEntry),
    Cert(&'a CertEntry, &'a CertInfo),
}

pub fn source_id(kind: SourceKind) -> String {
    format!("src:{}", kind.label())
}

pub fn entry_id(index: usize) -> String {
    format!("entry:{index}")
}

pub fn cert_id(position: usize) -> String {
    format!("cert:{position}")
}

impl CertsView {
    /// A view with every source open and the first node selected.
    pub fn new(report: CertsReport, now: Timestamp) -> Self {
        let severity = report
            .certificates
            .iter()
            .map(|e| {
                checks::findings(std::slice::from_ref(e), now)
                    .iter()
                    .map(|f| f.severity)
                    .min()
            })
            .collect();
        let mut view = CertsView {
            report,
            now,
            opened: BTreeSet::new(),
            selected: Vec::new(),
            severity,
        };
        for kind in view.sources() {
            view.opened.insert(vec![source_id(kind)]);
        }
        if let Some(first) = view.sources().first() {
            view.selected = vec![source_id(*first)];
        }
        view
    }

    /// Sources present, in order.
    pub fn sources(&self) -> Vec<SourceKind> {
        let mut kinds: Vec<SourceKind> =
            self.report.certificates.iter().map(|e| e.source).collect();
        kinds.sort();
        kinds.dedup();
        kinds
    }

    /// Entries of a source with their index in the report.
    pub fn entries_of(&self, kind: SourceKind) -> impl Iterator<Item = (usize, &CertEntry)> {
        self.report
            .certificates
            .iter()
            .enumerate()
            .filter(move |(_, e)| e.source == kind)
    }

    /// What the selection points at.
    pub fn selection(&self) -> Option<Selected<'_>> {
        let kind = self
            .sources()
            .into_iter()
            .find(|k| self.selected.first() == Some(&source_id(*k)))?;
        let Some(entry_part) = self.selected.get(1) else {
            return Some(Selected::Source(kind));
        };
        let index: usize = entry_part.strip_prefix("entry:")?.parse().ok()?;
        let entry = self.report.certificates.get(index)?;
        match self.selected.get(2) {
            None => Some(Selected::Entry(entry)),
            Some(cert) => {
                let position: usize = cert.strip_prefix("cert:")?.parse().ok()?;
                Some(Selected::Cert(entry, entry.chain.get(position)?))
            }
        }
    }

    /// Tree paths of the visible nodes, top to bottom: every source, the entries of open
    /// sources, the certificates of open entries.
    pub fn visible(&self) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        for kind in self.sources() {
            let source = vec![source_id(kind)];
            let open = self.opened.contains(&source);
            out.push(source.clone());
            if !open {
                continue;
            }
            for (index, entry) in self.entries_of(kind) {
                let mut path = source.clone();
                path.push(entry_id(index));
                let open = self.opened.contains(&path);
                out.push(path.clone());
                if !open {
                    continue;
                }
                for position in 0..entry.chain.len() {
                    let mut leaf = path.clone();
                    leaf.push(cert_id(position));
                    out.push(leaf);
                }
            }
        }
        out
    }

    /// Moves the selection `delta` visible rows up (negative) or down.
    pub fn move_selection(&mut self, delta: isize) {
        let visible = self.visible();
        let current = visible.iter().position(|p| *p == self.selected);
        let next = match current {
            Some(i) => i
                .saturating_add_signed(delta)
                .min(visible.len().saturating_sub(1)),
            None => 0,
        };
        if let Some(path) = visible.get(next) {
            self.selected = path.clone();
        }
    }

    /// Opens or closes the selected node.
    pub fn toggle(&mut self) {
        if !self.opened.remove(&self.selected) && self.selected.len() < 3 {
            self.opened.insert(self.selected.clone());
        }
    }

    /// Closes the selected node, or moves to its parent when it is closed.
    pub fn left(&mut self) {
        if !self.opened.remove(&self.selected) && self.selected.len() > 1 {
            self.selected.pop();
        }
    }

    /// Opens the selected node.
    pub fn right(&mut self) {
        if !self.selected.is_empty() && self.selected.len() < 3 {
            self.opened.insert(self.selected.clone());
        }
    }
}

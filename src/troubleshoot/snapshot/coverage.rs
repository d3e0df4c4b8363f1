//! What an analysis could see: per kind, whether its objects are known (listed from the
//! cluster or present in a dump), refused, not served, or unknown; and the objects that could
//! not be read. Checks that need a kind that is not known are reported as not covered instead
//! of answering "all clear".

use std::collections::BTreeMap;

use serde::Serialize;

use crate::objects::Kind;

/// What is known about one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", content = "reason", rename_all = "kebab-case")]
pub enum KindState {
    /// Not (yet) listed: nothing can be said about its objects.
    Unknown,
    /// Listed: what is not there does not exist.
    Listed,
    /// The server refused to list it (401/403), with its words.
    Refused(String),
    /// The server does not serve it (404: an old cluster, or a missing API group).
    NotServed(String),
    /// Listing failed for another reason (connection, timeout …).
    Failed(String),
    /// Not part of the dump being analysed.
    NotInDump,
}

/// An object that could not be read as its kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub kind: String,
    pub namespace: String,
    pub name: String,
    /// Why: the field and what was wrong with it.
    pub reason: String,
    /// Where it came from, for files: `path:line`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Skipped {
    /// "Pod shop/web-1 (file.yaml:12): spec.containers[0].ports[0].containerPort: invalid type …"
    pub fn describe(&self) -> String {
        let object = if self.namespace.is_empty() {
            format!("{} {}", self.kind, self.name)
        } else {
            format!("{} {}/{}", self.kind, self.namespace, self.name)
        };
        match &self.source {
            Some(src) => format!("{object} ({src}): {}", self.reason),
            None => format!("{object}: {}", self.reason),
        }
    }
}

/// The coverage of a snapshot: per kind and scope (a namespace, or `None` for everywhere).
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    states: BTreeMap<(Kind, Option<String>), KindState>,
    pub skipped: Vec<Skipped>,
    /// The snapshot was read from a dump (no API server to probe), not from a cluster.
    pub from_dump: bool,
}

impl Coverage {
    /// Sets the state of a kind everywhere.
    pub fn set(&mut self, kind: Kind, state: KindState) {
        self.set_in(kind, None, state);
    }

    /// Sets the state of a kind in a scope.
    pub fn set_in(&mut self, kind: Kind, scope: Option<String>, state: KindState) {
        self.states.insert((kind, scope), state);
    }

    /// The state of a kind: listed if listed in any scope, else the first scope's state.
    pub fn state(&self, kind: Kind) -> &KindState {
        let mut found = None;
        for ((k, _), s) in self.states.range((kind, None)..) {
            if *k != kind {
                break;
            }
            if *s == KindState::Listed {
                return s;
            }
            found.get_or_insert(s);
        }
        found.unwrap_or(&KindState::Unknown)
    }

    pub fn listed(&self, kind: Kind) -> bool {
        matches!(self.state(kind), KindState::Listed)
    }

    /// Listed everywhere, or in namespace `ns`.
    pub fn listed_in(&self, kind: Kind, ns: &str) -> bool {
        matches!(self.states.get(&(kind, None)), Some(KindState::Listed))
            || matches!(
                self.states.get(&(kind, Some(ns.to_string()))),
                Some(KindState::Listed)
            )
    }

    /// Every scope's state of every kind that has one.
    pub fn scoped_states(&self) -> impl Iterator<Item = (Kind, Option<&str>, &KindState)> {
        self.states
            .iter()
            .map(|((k, s), st)| (*k, s.as_deref(), st))
    }

    /// Drops the malformed-object note of an object that was replaced or deleted.
    pub fn forget(&mut self, kind: Kind, key: &crate::model::ObjKey) {
        if !self.skipped.is_empty() {
            self.skipped.retain(|s| {
                !(s.kind == kind.name() && s.namespace == key.namespace && s.name == key.name)
            });
        }
    }

    /// Kinds that are not listed, with their state.
    pub fn missing<'a>(
        &'a self,
        kinds: &'a [Kind],
    ) -> impl Iterator<Item = (Kind, &'a KindState)> + 'a {
        kinds
            .iter()
            .map(|k| (*k, self.state(*k)))
            .filter(|(_, s)| !matches!(s, KindState::Listed))
    }

    /// Every kind's state.
    pub fn states(&self) -> impl Iterator<Item = (Kind, &KindState)> {
        Kind::ALL.iter().map(|k| (*k, self.state(*k)))
    }
}

impl KindState {
    /// In words, for coverage notes: "refused: pods is forbidden: …".
    pub fn describe(&self) -> String {
        match self {
            KindState::Unknown => "not listed yet".to_string(),
            KindState::Listed => "listed".to_string(),
            KindState::Refused(why) => format!("the server refused to list it: {why}"),
            KindState::NotServed(why) => format!("the server does not serve it: {why}"),
            KindState::Failed(why) => format!("listing failed: {why}"),
            KindState::NotInDump => "not part of the dump".to_string(),
        }
    }
}

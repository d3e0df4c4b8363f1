//! Ordering findings (root causes first) and grouping symptoms under their root causes for
//! display.

use std::collections::HashMap;

use crate::findings::{Finding, ObjectRef};

/// Root causes first (then by severity, namespace, object, check), symptoms after.
pub fn order(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (!a.caused_by.is_empty())
            .cmp(&!b.caused_by.is_empty())
            .then(a.severity.cmp(&b.severity))
            .then_with(|| a.object.namespace.cmp(&b.object.namespace))
            .then_with(|| a.object.kind.cmp(&b.object.kind))
            .then_with(|| a.object.name.cmp(&b.object.name))
            .then_with(|| a.check.cmp(&b.check))
    });
}

/// A root cause and the symptoms it explains (indexes into the analysed slice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootGroup {
    pub root: usize,
    pub symptoms: Vec<usize>,
}

/// Groups findings under their root causes: a finding whose causes are all absent from the
/// slice is a root; every other finding goes under the root reached by following its first
/// present cause. Groups come in the order of their roots in the slice.
pub fn group_by_root(findings: &[Finding]) -> Vec<RootGroup> {
    let mut index: HashMap<(&str, &ObjectRef), usize> = HashMap::new();
    for (i, f) in findings.iter().enumerate() {
        index.entry((f.check.as_str(), &f.object)).or_insert(i);
    }
    let first_cause = |i: usize| -> Option<usize> {
        findings.get(i)?.caused_by.iter().find_map(|c| {
            index
                .get(&(c.check.as_str(), &c.object))
                .copied()
                .filter(|&j| j != i)
        })
    };
    let mut root_of = vec![0usize; findings.len()];
    for (i, slot) in root_of.iter_mut().enumerate() {
        let mut cur = i;
        let mut steps = 0;
        while let Some(next) = first_cause(cur) {
            cur = next;
            steps += 1;
            if steps > findings.len() {
                break;
            }
        }
        *slot = cur;
    }
    let mut groups: Vec<RootGroup> = Vec::new();
    let mut pos: HashMap<usize, usize> = HashMap::new();
    for (i, &r) in root_of.iter().enumerate() {
        if r == i {
            pos.insert(i, groups.len());
            groups.push(RootGroup {
                root: i,
                symptoms: Vec::new(),
            });
        }
    }
    for (i, &r) in root_of.iter().enumerate() {
        if r != i
            && let Some(&g) = pos.get(&r)
        {
            groups[g].symptoms.push(i);
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::findings::CauseRef;

    #[test]
    fn groups_follow_chains_to_the_root() {
        let mk = |check: &str, name: &str, cause: Option<(&str, &str)>| Finding {
            pane: crate::findings::Pane::App,
            check: check.into(),
            severity: crate::findings::Severity::Error,
            object: ObjectRef::new("X", "ns", name),
            summary: String::new(),
            explanation: String::new(),
            evidence: vec![],
            next_steps: vec![],
            caused_by: cause
                .map(|(c, n)| {
                    vec![CauseRef {
                        check: c.into(),
                        object: ObjectRef::new("X", "ns", n),
                    }]
                })
                .unwrap_or_default(),
        };
        let f = vec![
            mk("a", "root", None),
            mk("b", "mid", Some(("a", "root"))),
            mk("c", "leaf", Some(("b", "mid"))),
            mk("d", "orphan", Some(("zz", "gone"))),
        ];
        let g = group_by_root(&f);
        assert_eq!(
            g,
            vec![
                RootGroup {
                    root: 0,
                    symptoms: vec![1, 2]
                },
                RootGroup {
                    root: 3,
                    symptoms: vec![]
                }
            ]
        );
    }
}

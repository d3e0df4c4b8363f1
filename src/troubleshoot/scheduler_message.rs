//! Decoding the scheduler's "0/4 nodes are available: …" message into per-reason node counts,
//! each with a plain-English meaning.

/// One reason nodes were excluded, e.g. `2 Insufficient memory`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    pub nodes: u32,
    pub reason: String,
}

/// What kind of constraint excluded the nodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Constraint {
    Insufficient(String),
    Taint { key: String, not_ready: bool },
    Affinity,
    UnboundPvc,
    VolumeAffinity,
    HostPort,
    TooManyPods,
    Unschedulable,
    Other,
}

impl Exclusion {
    pub fn constraint(&self) -> Constraint {
        let r = self.reason.as_str();
        if let Some(res) = r.strip_prefix("Insufficient ") {
            return Constraint::Insufficient(res.trim().to_string());
        }
        if r.contains("were not ready")
            || r == "NodeNotReady"
            || r.contains("node(s) were unreachable")
        {
            return Constraint::Taint {
                key: String::new(),
                not_ready: true,
            };
        }
        if r.contains("untolerated taint") || r.contains("had taint") {
            let key = r
                .split('{')
                .nth(1)
                .and_then(|s| s.split(':').next())
                .unwrap_or("")
                .trim()
                .to_string();
            let not_ready =
                key == "node.kubernetes.io/unreachable" || key == "node.kubernetes.io/not-ready";
            return Constraint::Taint { key, not_ready };
        }
        if r.contains("node affinity/selector") || r.contains("node selector") {
            return Constraint::Affinity;
        }
        if r.contains("unbound immediate PersistentVolumeClaims")
            || r.contains("didn't find available persistent volumes")
        {
            return Constraint::UnboundPvc;
        }
        if r.contains("volume node affinity conflict") {
            return Constraint::VolumeAffinity;
        }
        if r.contains("free ports") {
            return Constraint::HostPort;
        }
        if r.contains("Too many pods") {
            return Constraint::TooManyPods;
        }
        if r.contains("were unschedulable") || r.contains("unschedulable") {
            return Constraint::Unschedulable;
        }
        Constraint::Other
    }

    /// The meaning, given what the pod asks for (`request` renders a resource request).
    pub fn meaning(&self, request: &dyn Fn(&str) -> Option<String>) -> String {
        let n = self.nodes;
        match self.constraint() {
            Constraint::Insufficient(res) => {
                let asked = request(&res)
                    .map(|q| format!(" (the pod requests {res} {q})"))
                    .unwrap_or_default();
                format!("{n} node(s) do not have enough unreserved {res} left{asked}")
            }
            Constraint::Taint {
                key,
                not_ready: true,
            } if key.is_empty() => format!("{n} node(s) are NotReady"),
            Constraint::Taint {
                key,
                not_ready: true,
            } => format!(
                "{n} node(s) are NotReady/unreachable (taint {key}), the pod does not tolerate it"
            ),
            Constraint::Taint { key, .. } if key.is_empty() => {
                format!("{n} node(s) have taints the pod does not tolerate")
            }
            Constraint::Taint { key, .. } => {
                format!("{n} node(s) have the taint {key}, which the pod does not tolerate")
            }
            Constraint::Affinity => {
                format!("{n} node(s) do not match the pod's nodeSelector / node affinity")
            }
            Constraint::UnboundPvc => {
                "a PersistentVolumeClaim of the pod is not bound to a volume".to_string()
            }
            Constraint::VolumeAffinity => {
                format!("{n} node(s) are in another zone/topology than the pod's volume")
            }
            Constraint::HostPort => {
                format!("{n} node(s) already use the hostPort the pod asks for")
            }
            Constraint::TooManyPods => format!("{n} node(s) are at their pod limit"),
            Constraint::Unschedulable => format!("{n} node(s) are cordoned (unschedulable)"),
            Constraint::Other => format!("{n} node(s): {}", self.reason),
        }
    }
}

/// The reasons of the old predicate names ("No nodes are available that match all of the
/// predicates: MatchNodeSelector (2)"), in the words of the later messages.
fn predicate_reason(name: &str) -> Option<&'static str> {
    Some(match name {
        "MatchNodeSelector" | "CheckNodeLabelPresence" => "node(s) didn't match node selector",
        "PodToleratesNodeTaints" | "PodToleratesNodeNoExecuteTaints" => {
            "node(s) had taints that the pod didn't tolerate"
        }
        "NodeNotReady" | "CheckNodeCondition" => "node(s) were not ready",
        "NodeOutOfDisk" => "node(s) were out of disk space",
        "NodeUnderMemoryPressure" | "CheckNodeMemoryPressure" => "node(s) had memory pressure",
        "NodeUnderDiskPressure" | "CheckNodeDiskPressure" => "node(s) had disk pressure",
        "NodeUnderPIDPressure" | "CheckNodePIDPressure" => "node(s) had pid pressure",
        "PodFitsHostPorts" => "node(s) didn't have free ports for the requested pod ports",
        "NoVolumeZoneConflict" | "VolumeNodeAffinityConflict" => {
            "node(s) had volume node affinity conflict"
        }
        "CheckNodeUnschedulable" | "NodeUnschedulable" => "node(s) were unschedulable",
        "MaxEBSVolumeCount"
        | "MaxGCEPDVolumeCount"
        | "MaxAzureDiskVolumeCount"
        | "MaxCSIVolumeCountPred" => "node(s) exceed max volume count",
        "MatchInterPodAffinity" => "node(s) didn't match pod affinity/anti-affinity rules",
        _ => return None,
    })
}

/// The oldest form: "No nodes are available that match all of the predicates:
/// Insufficient cpu (2), MatchNodeSelector (1)."
fn parse_predicates(list: &str) -> Vec<Exclusion> {
    let mut out = Vec::new();
    for item in split_items(list) {
        let item = item.trim();
        let (name, count) = match item.rsplit_once(" (") {
            Some((name, n)) => (
                name.trim(),
                n.trim_end_matches(')').trim().parse::<u32>().unwrap_or(0),
            ),
            None => (item, 0),
        };
        if name.is_empty() {
            continue;
        }
        let reason = predicate_reason(name)
            .map(str::to_string)
            .unwrap_or_else(|| name.to_string());
        out.push(Exclusion {
            nodes: count,
            reason,
        });
    }
    out
}

/// Parses the scheduler message (the "0/3 nodes are available: N reason, …" forms of every
/// release, and the older predicate list); empty when it lists no reasons.
pub fn parse(message: &str) -> Vec<Exclusion> {
    let main = message.split(" preemption:").next().unwrap_or(message);
    if let Some((_, list)) = main.split_once("match all of the predicates:") {
        return parse_predicates(list.trim().trim_end_matches('.'));
    }
    let Some((_, list)) = main.split_once("available: ") else {
        return Vec::new();
    };
    let list = list.trim().trim_end_matches('.');
    let mut out: Vec<Exclusion> = Vec::new();
    for item in split_items(list) {
        let item = item.trim();
        let (count, reason) = match item.split_once(' ') {
            Some((n, rest)) => match n.parse::<u32>() {
                Ok(n) => (Some(n), rest),
                Err(_) => (None, item),
            },
            None => (None, item),
        };
        if reason.is_empty() {
            continue;
        }
        match (count, out.last_mut()) {
            // "1 node(s) had taint {k: v}, that the pod didn't tolerate": the clause after the
            // comma belongs to the item before it.
            (None, Some(prev))
                if !reason.starts_with("pod has")
                    && !reason.starts_with("persistentvolumeclaim") =>
            {
                prev.reason.push_str(", ");
                prev.reason.push_str(reason);
            }
            _ => out.push(Exclusion {
                nodes: count.unwrap_or(0),
                reason: reason.to_string(),
            }),
        }
    }
    out
}

/// Splits on ", " outside of `{…}`.
fn split_items(list: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let bytes = list.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => depth += 1,
            b'}' => depth -= 1,
            b',' if depth == 0 && bytes.get(i + 1) == Some(&b' ') => {
                out.push(&list[start..i]);
                start = i + 2;
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < list.len() {
        out.push(&list[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_demo_style_message() {
        let m = "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 2 Insufficient memory. preemption: 0/4 nodes are available: 2 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.";
        let e = parse(m);
        assert_eq!(e.len(), 3);
        assert_eq!(
            e[0].constraint(),
            Constraint::Taint {
                key: "node-role.kubernetes.io/control-plane".into(),
                not_ready: false
            }
        );
        assert_eq!(
            e[1].constraint(),
            Constraint::Taint {
                key: "node.kubernetes.io/unreachable".into(),
                not_ready: true
            }
        );
        assert_eq!(e[2].nodes, 2);
        assert_eq!(e[2].constraint(), Constraint::Insufficient("memory".into()));
        let text = e[2].meaning(&|r| (r == "memory").then(|| "10Gi".to_string()));
        assert!(text.contains("requests memory 10Gi"), "{text}");
    }

    #[test]
    fn other_reasons() {
        let e =
            parse("0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.");
        assert_eq!(e[0].constraint(), Constraint::Affinity);
        let e = parse(
            "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: x",
        );
        assert_eq!(e[0].constraint(), Constraint::UnboundPvc);
        assert!(parse("no nodes available to schedule pods").is_empty());
    }

    #[test]
    fn older_message_forms() {
        let e = parse(
            "0/3 nodes are available: 1 node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn't tolerate, 2 Insufficient cpu.",
        );
        assert_eq!(e.len(), 2, "{e:?}");
        assert_eq!(
            e[0].constraint(),
            Constraint::Taint {
                key: "node-role.kubernetes.io/master".into(),
                not_ready: false
            }
        );
        assert_eq!(
            (e[1].nodes, e[1].constraint()),
            (2, Constraint::Insufficient("cpu".into()))
        );
        let e = parse(
            "No nodes are available that match all of the predicates: Insufficient cpu (2), MatchNodeSelector (1), PodToleratesNodeTaints (1).",
        );
        assert_eq!(e.len(), 3, "{e:?}");
        assert_eq!(
            (e[0].nodes, e[0].constraint()),
            (2, Constraint::Insufficient("cpu".into()))
        );
        assert_eq!((e[1].nodes, e[1].constraint()), (1, Constraint::Affinity));
        assert!(matches!(
            e[2].constraint(),
            Constraint::Taint {
                not_ready: false,
                ..
            }
        ));
        let e = parse("0/3 nodes are available: 3 Insufficient memory.");
        assert_eq!(
            (e[0].nodes, e[0].constraint()),
            (3, Constraint::Insufficient("memory".into()))
        );
        let e = parse(
            "0/2 nodes are available: 1 node(s) were not ready, 1 node(s) had taints that the pod didn't tolerate.",
        );
        assert!(matches!(
            e[0].constraint(),
            Constraint::Taint {
                not_ready: true,
                ..
            }
        ));
        assert!(matches!(
            e[1].constraint(),
            Constraint::Taint {
                not_ready: false,
                ..
            }
        ));
    }
}

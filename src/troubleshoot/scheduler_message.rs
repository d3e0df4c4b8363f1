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
            } => format!(
                "{n} node(s) are NotReady/unreachable (taint {key}), the pod does not tolerate it"
            ),
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

/// Parses the scheduler message; empty when it has no "N reason" list.
pub fn parse(message: &str) -> Vec<Exclusion> {
    let main = message.split(" preemption:").next().unwrap_or(message);
    let Some((_, list)) = main.split_once("available: ") else {
        return Vec::new();
    };
    let list = list.trim().trim_end_matches('.');
    let mut out = Vec::new();
    for item in split_items(list) {
        let item = item.trim();
        let (count, reason) = match item.split_once(' ') {
            Some((n, rest)) => match n.parse::<u32>() {
                Ok(n) => (n, rest),
                Err(_) => (0, item),
            },
            None => (0, item),
        };
        if !reason.is_empty() {
            out.push(Exclusion {
                nodes: count,
                reason: reason.to_string(),
            });
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
}

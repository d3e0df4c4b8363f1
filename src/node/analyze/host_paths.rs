//! Host paths in findings read from a bundle or a mounted disk: the certificate engine names
//! files where it read them (`bundle/worker-1/var/lib/kubelet/pki/…`); a node finding names
//! them where they are on the node (`/var/lib/kubelet/pki/…`), as every other node-local
//! finding does and as the commands in the next steps need them.

use crate::findings::Finding;

/// Rewrites `ROOT/x` to `/x` everywhere in the finding's text.
pub fn show(f: &mut Finding, root: &str) {
    let root = root.trim_end_matches('/');
    if root.is_empty() {
        return;
    }
    f.object.name = strip(&f.object.name, root);
    f.summary = strip(&f.summary, root);
    f.explanation = strip(&f.explanation, root);
    for e in &mut f.evidence {
        e.value = strip(&e.value, root);
    }
    for s in &mut f.next_steps {
        *s = strip(s, root);
    }
}

/// `text` with each `root/` that starts a path (at the start, or after a space, quote,
/// parenthesis, `=` or `:`) replaced by `/`; a `root` inside a longer path stays.
fn strip(text: &str, root: &str) -> String {
    let needle = format!("{root}/");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut prev: Option<char> = None;
    while let Some(at) = rest.find(&needle) {
        let before = rest[..at].chars().next_back().or(prev);
        let starts_path = before.is_none_or(|c| " \t\"'(=:,[".contains(c));
        if starts_path {
            out.push_str(&rest[..at]);
            out.push('/');
        } else {
            out.push_str(&rest[..at + needle.len()]);
        }
        prev = Some('/');
        rest = &rest[at + needle.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::strip;

    #[test]
    fn bundle_paths_become_host_paths() {
        assert_eq!(
            strip(
                "b/worker-1/etc/kubernetes/kubelet.conf: user u b/worker-1/var/lib/kubelet/pki/c.pem",
                "b/worker-1"
            ),
            "/etc/kubernetes/kubelet.conf: user u /var/lib/kubelet/pki/c.pem"
        );
        assert_eq!(
            strip("/tmp/x/bundle/etc/a.crt", "/tmp/x/bundle"),
            "/etc/a.crt"
        );
        // A root that is also a directory name on the host is left inside longer paths.
        assert_eq!(strip("/var/lib/kubelet/x", "lib"), "/var/lib/kubelet/x");
        assert_eq!(strip("(lib/x)", "lib"), "(/x)");
    }
}

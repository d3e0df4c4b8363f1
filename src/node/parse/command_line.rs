//! Command lines as systemd and the Kubernetes components read them: words with shell-like
//! quoting, systemd's `$VAR` (split at whitespace) and `${VAR}` (one word) expansion, and
//! `--name=value` / `--name value` flags.

use std::collections::HashMap;

/// Splits a line into words: whitespace separates, `"…"` and `'…'` quote, `\` escapes.
pub fn split_words(line: &str) -> Vec<Word> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' => {
                in_word = true;
                quoted = true;
                for q in chars.by_ref() {
                    if q == c {
                        break;
                    }
                    current.push(q);
                }
            }
            '\\' => {
                in_word = true;
                if let Some(next) = chars.next() {
                    current.push(next);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(Word {
                        text: std::mem::take(&mut current),
                        quoted,
                    });
                }
                in_word = false;
                quoted = false;
            }
            c => {
                in_word = true;
                current.push(c);
            }
        }
    }
    if in_word {
        words.push(Word {
            text: current,
            quoted,
        });
    }
    words
}

/// One word of a command line, and whether any part of it was quoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub quoted: bool,
}

fn is_var_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn substitute_braced(text: &str, env: &HashMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) if is_var_name(&after[..end]) => {
                out.push_str(env.get(&after[..end]).map_or("", String::as_str));
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str("${");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Expands an `ExecStart=` line the way systemd does: the program's prefixes (`-`, `@`, `+`,
/// `!`, `:`) are dropped, `$VAR` on its own becomes the value's words, `${VAR}` one word.
pub fn expand_exec(line: &str, env: &HashMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    for (i, word) in split_words(line).into_iter().enumerate() {
        let mut text = word.text;
        if i == 0 {
            text = text
                .trim_start_matches(['-', '@', '+', '!', ':'])
                .to_string();
        }
        match text.strip_prefix('$') {
            Some(name) if !word.quoted && is_var_name(name) => {
                if let Some(value) = env.get(name) {
                    out.extend(value.split_whitespace().map(str::to_string));
                }
            }
            _ => out.push(substitute_braced(&text, env)),
        }
    }
    out
}

/// `--name=value` and `--name value` pairs in order; a flag without a value is `true`.
/// Words that are not flags (the program) are skipped.
pub fn flags<S: AsRef<str>>(argv: &[S]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < argv.len() {
        let word = argv[i].as_ref();
        let name = word
            .strip_prefix("--")
            .or_else(|| word.strip_prefix('-'))
            .filter(|n| !n.is_empty() && !n.starts_with('-'));
        if let Some(name) = name {
            if let Some((n, v)) = name.split_once('=') {
                out.push((n.to_string(), v.to_string()));
            } else if let Some(next) = argv.get(i + 1).map(AsRef::as_ref)
                && !next.starts_with('-')
            {
                out.push((name.to_string(), next.to_string()));
                i += 1;
            } else {
                out.push((name.to_string(), "true".to_string()));
            }
        }
        i += 1;
    }
    out
}

/// `KEY=value` lines of an environment file (`#`/`;` comments, quoted values).
pub fn parse_env_file(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with(';'))
        .filter_map(|l| {
            let (key, value) = l.split_once('=')?;
            let key = key.trim();
            is_var_name(key).then(|| {
                let value = value.trim();
                let unquoted = split_words(value)
                    .into_iter()
                    .map(|w| w.text)
                    .collect::<Vec<_>>()
                    .join(" ");
                let value = if value.starts_with('"') || value.starts_with('\'') {
                    unquoted
                } else {
                    value.to_string()
                };
                (key.to_string(), value)
            })
        })
        .collect()
}

/// The assignments of an `Environment=` value (`"A=b c" D=e`).
pub fn parse_environment(value: &str) -> Vec<(String, String)> {
    split_words(value)
        .into_iter()
        .filter_map(|w| {
            let (k, v) = w.text.split_once('=')?;
            is_var_name(k).then(|| (k.to_string(), v.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubeadm_drop_in_expands_like_systemd() {
        let mut env = HashMap::new();
        for (k, v) in parse_environment(
            "\"KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf\"",
        ) {
            env.insert(k, v);
        }
        for (k, v) in parse_env_file(
            "KUBELET_KUBEADM_ARGS=\"--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.10\"\n",
        ) {
            env.insert(k, v);
        }
        let argv = expand_exec(
            "/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS \"${KUBELET_KUBEADM_ARGS}\"",
            &env,
        );
        assert_eq!(argv[0], "/usr/bin/kubelet");
        assert_eq!(
            argv[1],
            "--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf"
        );
        assert_eq!(argv.len(), 6, "{argv:?}");
        assert!(
            argv[5].contains(" --pod-infra"),
            "braced stays one word: {argv:?}"
        );
        let f = flags(&argv[..5]);
        assert_eq!(
            f[1],
            ("kubeconfig".into(), "/etc/kubernetes/kubelet.conf".into())
        );
        assert_eq!(
            flags(&["kubelet", "--fail-swap-on", "--v", "2", "--x=y=z"]),
            vec![
                ("fail-swap-on".into(), "true".into()),
                ("v".into(), "2".into()),
                ("x".into(), "y=z".into())
            ]
        );
        assert_eq!(
            expand_exec("-/usr/bin/kubelet ${MISSING}x", &env),
            vec!["/usr/bin/kubelet", "x"]
        );
    }
}

//! Finding and reading kubeconfig files the way kubectl does (`--kubeconfig`, `KUBECONFIG` with
//! several files merged, `~/.kube/config`), choosing the context, and making the result safe
//! for a full-screen program (exec plugins never get the terminal).

use std::path::{Path, PathBuf};

use kube::config::{ExecInteractiveMode, Kubeconfig};

/// What the user asked for on the command line.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    pub namespace: Option<String>,
}

/// A kubeconfig ready to connect with: the merged file(s) and the chosen context's facts.
#[derive(Debug, Clone)]
pub struct KubeSetup {
    pub kubeconfig: Kubeconfig,
    pub context: String,
    pub cluster: String,
    pub server: String,
    pub user: String,
    /// The namespace to show: `--namespace`, else the context's, else `default`.
    pub namespace: String,
    /// The files read, for messages.
    pub files: Vec<PathBuf>,
}

/// Why no kubeconfig could be used. Messages name the file.
#[derive(Debug, thiserror::Error)]
pub enum KubeconfigProblem {
    #[error("kubeconfig {0} does not exist (set --kubeconfig or KUBECONFIG, or try `kmedic demo`)")]
    Missing(PathBuf),
    #[error(
        "no kubeconfig found: $HOME is not set and neither --kubeconfig nor KUBECONFIG was given"
    )]
    NoHome,
    #[error("kubeconfig {file} could not be read: {message}")]
    Unreadable { file: PathBuf, message: String },
    #[error("kubeconfig {file} is not valid: {message}")]
    Malformed { file: PathBuf, message: String },
    #[error("kubeconfig {files} has no contexts")]
    Empty { files: String },
    #[error(
        "kubeconfig {files} has no current-context; choose one with --context (available: {available})"
    )]
    NoCurrentContext { files: String, available: String },
    #[error("context \"{context}\" not found in {files} (available: {available})")]
    UnknownContext {
        context: String,
        files: String,
        available: String,
    },
    #[error("context \"{context}\" in {files} names cluster \"{cluster}\", which is not defined")]
    UnknownCluster {
        context: String,
        cluster: String,
        files: String,
    },
    #[error(
        "cluster \"{cluster}\" (of context \"{context}\") in {files} has no server: set its `server:` to the API server's URL, e.g. https://HOST:6443"
    )]
    NoServer {
        context: String,
        cluster: String,
        files: String,
    },
    #[error(
        "cluster \"{cluster}\" (of context \"{context}\") in {files} has an invalid server URL \"{server}\": {reason} (expected https://HOST[:PORT][/PATH])"
    )]
    InvalidServer {
        context: String,
        cluster: String,
        server: String,
        reason: String,
        files: String,
    },
}

impl KubeconfigProblem {
    /// Whether the chosen context's cluster entry itself is broken (no or invalid `server`),
    /// as opposed to no kubeconfig or context being there at all.
    pub fn is_broken_cluster(&self) -> bool {
        matches!(
            self,
            KubeconfigProblem::NoServer { .. } | KubeconfigProblem::InvalidServer { .. }
        )
    }
}

/// The kubeconfig files to read, in merge order.
pub fn kubeconfig_paths(explicit: Option<&Path>) -> Result<Vec<PathBuf>, KubeconfigProblem> {
    paths_from(
        explicit,
        std::env::var_os("KUBECONFIG"),
        std::env::var_os("HOME"),
    )
}

/// `kubeconfig_paths` with the environment passed in.
fn paths_from(
    explicit: Option<&Path>,
    kubeconfig_env: Option<std::ffi::OsString>,
    home: Option<std::ffi::OsString>,
) -> Result<Vec<PathBuf>, KubeconfigProblem> {
    if let Some(path) = explicit {
        return Ok(vec![path.to_path_buf()]);
    }
    if let Some(value) = kubeconfig_env {
        let paths: Vec<PathBuf> = std::env::split_paths(&value)
            .filter(|p| !p.as_os_str().is_empty())
            .collect();
        if !paths.is_empty() {
            return Ok(paths);
        }
    }
    let home = home.ok_or(KubeconfigProblem::NoHome)?;
    Ok(vec![PathBuf::from(home).join(".kube").join("config")])
}

/// A kubeconfig larger than this is refused (real ones are kilobytes; this bounds memory when a
/// path names something endless).
const MAX_KUBECONFIG_BYTES: u64 = 64 * 1024 * 1024;

/// Reads one file, naming it in any error.
fn read_one(path: &Path) -> Result<Kubeconfig, KubeconfigProblem> {
    if !path.exists() {
        return Err(KubeconfigProblem::Missing(path.to_path_buf()));
    }
    let bytes = crate::text_file::read_bounded(path, MAX_KUBECONFIG_BYTES).map_err(|e| {
        KubeconfigProblem::Unreadable {
            file: path.to_path_buf(),
            message: e.to_string(),
        }
    })?;
    // UTF-16 files (with a byte order mark) are decoded by the kubeconfig reader itself.
    let text = if crate::text_file::has_utf16_bom(&bytes) {
        String::new()
    } else {
        crate::text_file::decode_utf8(bytes).map_err(|e| KubeconfigProblem::Malformed {
            file: path.to_path_buf(),
            message: e.to_string(),
        })?
    };
    if text.contains('\0') {
        return Err(KubeconfigProblem::Malformed {
            file: path.to_path_buf(),
            message: "the file contains NUL bytes".to_string(),
        });
    }
    Kubeconfig::read_from(path).map_err(|e| KubeconfigProblem::Malformed {
        file: path.to_path_buf(),
        message: error_chain(&e),
    })
}

/// An error with its sources, on one line.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        source = s.source();
    }
    text
}

/// Loads and merges the kubeconfig, picks the context and checks it can be used.
pub fn load_kubeconfig(opts: &ConnectOptions) -> Result<KubeSetup, KubeconfigProblem> {
    let files = kubeconfig_paths(opts.kubeconfig.as_deref())?;
    load_files(files, opts)
}

/// Loads `files` merged in order (kubectl's rules: the first to set a value wins).
fn load_files(files: Vec<PathBuf>, opts: &ConnectOptions) -> Result<KubeSetup, KubeconfigProblem> {
    let mut merged: Option<Kubeconfig> = None;
    // Like kubectl, files in KUBECONFIG that do not exist are skipped; an explicit one must exist.
    let skip_missing = opts.kubeconfig.is_none() && files.len() > 1;
    let mut read = Vec::new();
    for file in &files {
        let config = match read_one(file) {
            Err(KubeconfigProblem::Missing(_)) if skip_missing => continue,
            other => other?,
        };
        read.push(file.clone());
        merged = Some(match merged {
            None => config,
            Some(m) => m.merge(config).map_err(|e| KubeconfigProblem::Malformed {
                file: file.clone(),
                message: error_chain(&e),
            })?,
        });
    }
    let files_text = display_files(if read.is_empty() { &files } else { &read });
    let Some(mut kubeconfig) = merged else {
        return Err(KubeconfigProblem::Missing(
            files.first().cloned().unwrap_or_default(),
        ));
    };
    make_exec_non_interactive(&mut kubeconfig);
    choose_context(kubeconfig, opts, read, files_text)
}

impl KubeSetup {
    /// Reads the same files again, keeping the chosen context and namespace.
    pub fn reload(&self) -> Result<KubeSetup, KubeconfigProblem> {
        let opts = ConnectOptions {
            kubeconfig: None,
            context: Some(self.context.clone()),
            namespace: Some(self.namespace.clone()),
        };
        load_files(self.files.clone(), &opts)
    }

    /// Whether connecting with `other` would differ from this (server, TLS or credentials of
    /// the current context changed).
    pub fn connection_differs(&self, other: &KubeSetup) -> bool {
        let cluster = |s: &KubeSetup| {
            s.kubeconfig
                .clusters
                .iter()
                .find(|c| c.name == s.cluster)
                .and_then(|c| serde_json::to_string(&c.cluster).ok())
        };
        let user = |s: &KubeSetup| {
            s.kubeconfig
                .auth_infos
                .iter()
                .find(|u| u.name == s.user)
                .and_then(|u| serde_json::to_string(&u.auth_info).ok())
        };
        self.context != other.context
            || cluster(self) != cluster(other)
            || user(self) != user(other)
    }

    /// The same kubeconfig with another context chosen (its own default namespace).
    pub fn for_context(&self, context: &str) -> Result<KubeSetup, KubeconfigProblem> {
        let opts = ConnectOptions {
            context: Some(context.to_string()),
            ..Default::default()
        };
        choose_context(
            self.kubeconfig.clone(),
            &opts,
            self.files.clone(),
            display_files(&self.files),
        )
    }

    /// Every context: (name, cluster, server, user, namespace).
    pub fn contexts(&self) -> Vec<(String, String, String, String, String)> {
        self.kubeconfig
            .contexts
            .iter()
            .map(|named| {
                let ctx = named.context.clone().unwrap_or_default();
                let server = self
                    .kubeconfig
                    .clusters
                    .iter()
                    .find(|c| c.name == ctx.cluster)
                    .and_then(|c| c.cluster.as_ref())
                    .and_then(|c| c.server.clone())
                    .unwrap_or_default();
                (
                    named.name.clone(),
                    ctx.cluster,
                    server,
                    ctx.user.unwrap_or_default(),
                    ctx.namespace.unwrap_or_default(),
                )
            })
            .collect()
    }
}

fn display_files(files: &[PathBuf]) -> String {
    files
        .iter()
        .map(|f| f.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Exec credential plugins would otherwise inherit the terminal that the UI has taken over.
fn make_exec_non_interactive(kubeconfig: &mut Kubeconfig) {
    for named in &mut kubeconfig.auth_infos {
        if let Some(exec) = named.auth_info.as_mut().and_then(|a| a.exec.as_mut()) {
            exec.interactive_mode = Some(ExecInteractiveMode::Never);
        }
    }
}

fn choose_context(
    kubeconfig: Kubeconfig,
    opts: &ConnectOptions,
    files: Vec<PathBuf>,
    files_text: String,
) -> Result<KubeSetup, KubeconfigProblem> {
    let available = kubeconfig
        .contexts
        .iter()
        .map(|c| c.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    if kubeconfig.contexts.is_empty() {
        return Err(KubeconfigProblem::Empty { files: files_text });
    }
    let wanted = match opts
        .context
        .clone()
        .or_else(|| kubeconfig.current_context.clone())
    {
        Some(name) if !name.is_empty() => name,
        _ => {
            return Err(KubeconfigProblem::NoCurrentContext {
                files: files_text,
                available,
            });
        }
    };
    let Some(context) = kubeconfig.contexts.iter().find(|c| c.name == wanted) else {
        return Err(KubeconfigProblem::UnknownContext {
            context: wanted,
            files: files_text,
            available,
        });
    };
    let ctx = context.context.clone().unwrap_or_default();
    let Some(cluster) = kubeconfig.clusters.iter().find(|c| c.name == ctx.cluster) else {
        return Err(KubeconfigProblem::UnknownCluster {
            context: wanted,
            cluster: ctx.cluster,
            files: files_text,
        });
    };
    let Some(server) = cluster
        .cluster
        .as_ref()
        .and_then(|c| c.server.clone())
        .filter(|s| !s.trim().is_empty())
    else {
        return Err(KubeconfigProblem::NoServer {
            context: wanted,
            cluster: ctx.cluster,
            files: files_text,
        });
    };
    if let Some(reason) = super::server_url::problem(&server) {
        return Err(KubeconfigProblem::InvalidServer {
            context: wanted,
            cluster: ctx.cluster,
            server,
            reason,
            files: files_text,
        });
    }
    let namespace = opts
        .namespace
        .clone()
        .or(ctx.namespace.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "default".to_string());
    Ok(KubeSetup {
        context: wanted,
        cluster: ctx.cluster,
        server,
        user: ctx.user.unwrap_or_default(),
        namespace,
        files,
        kubeconfig,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        let mut f = std::fs::File::create(&path).expect("create");
        f.write_all(text.as_bytes()).expect("write");
        path
    }

    const TWO_CONTEXTS: &str = "apiVersion: v1\nkind: Config\ncurrent-context: a\nclusters:\n- name: ca\n  cluster: {server: 'http://127.0.0.1:1'}\n- name: cb\n  cluster: {server: 'http://127.0.0.1:2'}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: a\n  context: {cluster: ca, user: u, namespace: shop}\n- name: b\n  context: {cluster: cb, user: u}\n";

    #[test]
    fn picks_current_context_and_its_namespace() {
        let dir = tempfile::tempdir().expect("tmp");
        let file = write(dir.path(), "config", TWO_CONTEXTS);
        let setup = load_kubeconfig(&ConnectOptions {
            kubeconfig: Some(file),
            ..Default::default()
        })
        .expect("loads");
        assert_eq!(setup.context, "a");
        assert_eq!(setup.server, "http://127.0.0.1:1");
        assert_eq!(setup.namespace, "shop");
    }

    #[test]
    fn explicit_context_and_namespace_win() {
        let dir = tempfile::tempdir().expect("tmp");
        let file = write(dir.path(), "config", TWO_CONTEXTS);
        let opts = ConnectOptions {
            kubeconfig: Some(file),
            context: Some("b".into()),
            namespace: Some("ops".into()),
        };
        let setup = load_kubeconfig(&opts).expect("loads");
        assert_eq!(setup.server, "http://127.0.0.1:2");
        assert_eq!(setup.namespace, "ops");
    }

    #[test]
    fn unknown_context_lists_the_available_ones() {
        let dir = tempfile::tempdir().expect("tmp");
        let file = write(dir.path(), "config", TWO_CONTEXTS);
        let opts = ConnectOptions {
            kubeconfig: Some(file),
            context: Some("zz".into()),
            ..Default::default()
        };
        let err = load_kubeconfig(&opts).expect_err("must fail").to_string();
        assert!(
            err.contains("\"zz\" not found") && err.contains("a, b"),
            "{err}"
        );
    }

    #[test]
    fn malformed_empty_and_missing_files_are_named() {
        let dir = tempfile::tempdir().expect("tmp");
        let bad = write(dir.path(), "bad", "clusters: [\n  - {name: x\n");
        let err = load_kubeconfig(&ConnectOptions {
            kubeconfig: Some(bad.clone()),
            ..Default::default()
        })
        .expect_err("malformed")
        .to_string();
        assert!(
            err.contains(&bad.display().to_string()) && err.contains("not valid"),
            "{err}"
        );

        let empty = write(dir.path(), "empty", "");
        let err = load_kubeconfig(&ConnectOptions {
            kubeconfig: Some(empty.clone()),
            ..Default::default()
        })
        .expect_err("empty")
        .to_string();
        assert!(
            err.contains("has no contexts") && err.contains(&empty.display().to_string()),
            "{err}"
        );

        let missing = dir.path().join("nope");
        let err = load_kubeconfig(&ConnectOptions {
            kubeconfig: Some(missing.clone()),
            ..Default::default()
        })
        .expect_err("missing")
        .to_string();
        assert!(
            err.contains("does not exist") && err.contains("nope"),
            "{err}"
        );
    }

    #[test]
    fn kubeconfig_env_lists_several_files_merged_in_order() {
        let dir = tempfile::tempdir().expect("tmp");
        let first = write(
            dir.path(),
            "one",
            "current-context: b\nclusters:\n- name: cb\n  cluster: {server: 'http://127.0.0.1:9'}\n",
        );
        let second = write(dir.path(), "two", TWO_CONTEXTS);
        let missing = dir.path().join("absent");
        let env = std::env::join_paths([&first, &missing, &second]).expect("join");
        let paths = paths_from(None, Some(env), None).expect("paths");
        assert_eq!(paths, vec![first.clone(), missing, second]);
        let setup = load_files(paths, &ConnectOptions::default()).expect("merged");
        // current-context and cluster cb come from the first file, the context from the second.
        assert_eq!(setup.context, "b");
        assert_eq!(setup.server, "http://127.0.0.1:9");
        assert_eq!(setup.files, vec![first, dir.path().join("two")]);
        assert!(matches!(
            paths_from(None, None, None),
            Err(KubeconfigProblem::NoHome)
        ));
        let explicit = dir.path().join("x");
        assert_eq!(
            paths_from(Some(&explicit), Some("a:b".into()), None).expect("explicit"),
            vec![explicit]
        );
    }

    #[test]
    fn invalid_utf8_is_located_by_line() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("config");
        std::fs::write(
            &path,
            b"apiVersion: v1\nkind: Config\nclusters:\n- name: \xff\n",
        )
        .expect("write");
        let err = load_kubeconfig(&ConnectOptions {
            kubeconfig: Some(path.clone()),
            ..Default::default()
        })
        .expect_err("must fail")
        .to_string();
        assert!(
            err.contains(&path.display().to_string())
                && err.contains("line 4, column 9: not UTF-8 text (byte 0xFF)"),
            "{err}"
        );
    }

    #[test]
    fn a_cluster_without_server_or_with_a_bad_one_is_named() {
        let dir = tempfile::tempdir().expect("tmp");
        let with = |cluster: &str| {
            let text = format!(
                "current-context: a\nclusters:\n- name: c\n  cluster: {cluster}\ncontexts:\n- name: a\n  context: {{cluster: c, user: u}}\nusers:\n- name: u\n  user: {{token: t}}\n"
            );
            let file = write(dir.path(), "config", &text);
            load_kubeconfig(&ConnectOptions {
                kubeconfig: Some(file),
                ..Default::default()
            })
            .expect_err("must fail")
        };
        let err = with("{certificate-authority-data: eA==}");
        assert!(matches!(err, KubeconfigProblem::NoServer { .. }), "{err}");
        let text = err.to_string();
        assert!(
            text.contains("cluster \"c\"") && text.contains("has no server"),
            "{text}"
        );
        assert!(!text.contains("not defined"), "{text}");
        for (server, why) in [
            ("'127.0.0.1:6443'", "no scheme"),
            ("'htps://127.0.0.1:6443'", "neither https nor http"),
            ("'https://'", "not a URL"),
            ("'https://exa mple:6443'", "not a URL"),
        ] {
            let err = with(&format!("{{server: {server}}}"));
            let text = err.to_string();
            assert!(err.is_broken_cluster(), "{text}");
            assert!(
                text.contains("invalid server URL") && text.contains(why),
                "{server}: {text}"
            );
        }
    }

    #[test]
    fn exec_plugins_are_forced_non_interactive() {
        let text = "current-context: a\nclusters:\n- name: c\n  cluster: {server: 'http://127.0.0.1:1'}\nusers:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1, command: plugin}\ncontexts:\n- name: a\n  context: {cluster: c, user: u}\n";
        let dir = tempfile::tempdir().expect("tmp");
        let file = write(dir.path(), "config", text);
        let setup = load_kubeconfig(&ConnectOptions {
            kubeconfig: Some(file),
            ..Default::default()
        })
        .expect("loads");
        let exec = setup.kubeconfig.auth_infos[0]
            .auth_info
            .as_ref()
            .and_then(|a| a.exec.as_ref());
        assert!(matches!(
            exec.and_then(|e| e.interactive_mode.clone()),
            Some(ExecInteractiveMode::Never)
        ));
    }
}

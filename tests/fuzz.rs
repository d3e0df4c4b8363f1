//! Fuzz targets, one per parser of user-supplied files: kubeconfig, scenario files (YAML/JSON,
//! `kind: List`, dump directories), PEM/X.509, theme and keymap, and the node's files: static
//! pod manifests and `iptables-save` output. Each runs for a bounded time
//! (`KMEDIC_FUZZ_SECONDS`, default 10) and fails on a panic, an input that takes over 5 s, or
//! memory over 1 GiB; see `fuzz/harness.rs`.
//!
//! Adding a target (say the iptables-save parser) is one function and one test:
//!
//! ```ignore
//! fn iptables(input: &[u8], _scratch: &Path) -> String {
//!     match kmedic::SOMEWHERE::parse_iptables_save(&String::from_utf8_lossy(input)) {
//!         Ok(rules) => format!("ok: {} rules", rules.len()),
//!         Err(e) => format!("error: {e}"),
//!     }
//! }
//!
//! #[test]
//! fn fuzz_iptables_save() {
//!     fuzz(Target {
//!         name: "iptables-save",
//!         seeds: seeds_from(&["tests/fixtures/iptables"], &[".txt"]),
//!         dictionary: &["-A ", "-j ", "KUBE-SVC-", ":KUBE-", "COMMIT\n", "*nat\n"],
//!         run: iptables,
//!     });
//! }
//! ```
#![allow(clippy::unwrap_used)]

#[path = "fixtures/certs/gen.rs"]
mod generated;
#[path = "fuzz/harness.rs"]
mod harness;
#[path = "fixtures/node/gen.rs"]
mod node_gen;

use std::path::Path;

use harness::{Target, fuzz, seeds_from};
use kmedic::cluster::{ConnectOptions, load_kubeconfig};
use kmedic::config::{Keymap, Theme};

fn summary<T, E: std::fmt::Display>(result: Result<T, E>, what: impl Fn(&T) -> String) -> String {
    match result {
        Ok(value) => format!("ok: {}", what(&value)),
        Err(e) => format!("error: {e}"),
    }
}

// ---- kubeconfig ----

fn kubeconfig(input: &[u8], scratch: &Path) -> String {
    let path = scratch.join("config");
    std::fs::write(&path, input).unwrap();
    let loaded = load_kubeconfig(&ConnectOptions {
        kubeconfig: Some(path.clone()),
        ..Default::default()
    });
    let entries = kmedic::certs::from_kubeconfig::collect(std::slice::from_ref(&path));
    let insecure = kmedic::certs::from_kubeconfig::insecure_clusters(std::slice::from_ref(&path));
    format!(
        "{} / {} cert entries / {} insecure",
        summary(loaded, |s| s.context.clone()),
        entries.len(),
        insecure.len()
    )
}

fn kubeconfig_seeds(scratch_files: &[(&str, &str)]) -> Vec<Vec<u8>> {
    use base64::Engine;
    let ca = generated::ca("kubernetes");
    let leaf = generated::leaf(
        &ca,
        generated::Leaf {
            cn: "kubernetes-admin",
            orgs: &["system:masters"],
            ..Default::default()
        },
    );
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let _ = scratch_files;
    vec![
        format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: a\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:6443\n    certificate-authority-data: {}\nusers:\n- name: u\n  user:\n    client-certificate-data: {}\n    client-key-data: {}\ncontexts:\n- name: a\n  context: {{cluster: c, user: u, namespace: shop}}\n",
            b64(&ca.pair.cert_pem),
            b64(&leaf.cert_pem),
            b64(&leaf.key_pem)
        )
        .into_bytes(),
        b"current-context: a\nclusters:\n- name: ca\n  cluster: {server: 'http://127.0.0.1:1', insecure-skip-tls-verify: true}\n- name: cb\n  cluster: {server: 'https://h/k8s/clusters/c1', certificate-authority: ca.crt}\nusers:\n- name: u\n  user: {token: t, client-certificate: client.crt, client-key: client.key}\n- name: e\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1, command: /nonexistent/plugin, args: [x]}\ncontexts:\n- name: a\n  context: {cluster: ca, user: u, namespace: shop}\n- name: b\n  context: {cluster: cb, user: e}\n".to_vec(),
        b"{\"apiVersion\":\"v1\",\"kind\":\"Config\",\"clusters\":[],\"contexts\":[{\"name\":\"x\",\"context\":{\"cluster\":\"missing\"}}],\"current-context\":\"x\"}".to_vec(),
        b"---\ncurrent-context: a\n---\nclusters: &c [{name: c, cluster: {server: 'https://[::1]:6443'}}]\ncontexts: [{name: a, context: {cluster: c, user: u}}]\nusers: [{name: u, user: {username: a, password: b}}]\n".to_vec(),
    ]
}

#[test]
fn fuzz_kubeconfig() {
    fuzz(Target {
        name: "kubeconfig",
        seeds: kubeconfig_seeds(&[]),
        dictionary: &[
            "clusters:\n",
            "contexts:\n",
            "users:\n",
            "current-context: ",
            "- name: ",
            "server: ",
            "certificate-authority-data: ",
            "certificate-authority: ",
            "client-certificate-data: ",
            "client-key: ",
            "insecure-skip-tls-verify: true",
            "namespace: ",
            "https://",
            "http://",
            "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t",
            "&a ",
            "*a",
            "<<: *a\n",
            "!!binary ",
            "~",
            "null",
            "\"\\u202e\"",
            "\t",
        ],
        run: kubeconfig,
    });
}

// ---- scenario files and dump directories ----

fn scenario(input: &[u8], scratch: &Path) -> String {
    // The input as a single file (by turns YAML or JSON) and as one file of a dump directory.
    let kind = input.first().copied().unwrap_or_default() % 3;
    let path = match kind {
        0 => scratch.join("scenario.yaml"),
        1 => scratch.join("scenario.json"),
        _ => {
            let dir = scratch.join("dump");
            let ns = dir.join("shop");
            std::fs::create_dir_all(&ns).unwrap();
            std::fs::write(
                dir.join("nodes.json"),
                br#"{"kind":"NodeList","apiVersion":"v1","items":[]}"#,
            )
            .unwrap();
            std::fs::write(ns.join("pods.json"), input).unwrap();
            return summary(kmedic::sim::scenario::load_path(&dir), |o| {
                format!("{} objects", o.len())
            });
        }
    };
    std::fs::write(&path, input).unwrap();
    summary(kmedic::sim::scenario::load_path(&path), |o| {
        format!("{} objects", o.len())
    })
}

#[test]
fn fuzz_scenario_files() {
    let mut seeds = seeds_from(
        &[
            "tests/fixtures/scenarios",
            "tests/fixtures/troubleshoot",
            "assets",
        ],
        &[".yaml", ".yml", ".json"],
    );
    seeds.truncate(64);
    fuzz(Target {
        name: "scenario",
        seeds,
        dictionary: &[
            "---\n",
            "apiVersion: v1\n",
            "kind: List\n",
            "kind: Pod\n",
            "items:\n",
            "metadata:\n",
            "  name: ",
            "  namespace: ",
            "status:\n",
            "\"kind\":\"List\"",
            "\"items\":[",
            "{}",
            "[]",
            "&a ",
            "*a",
            "<<: *a\n",
            "!!str ",
            "? ",
            "- ",
            "...\n",
            "%YAML 1.2\n",
        ],
        run: scenario,
    });
}

// ---- PEM and X.509 ----

fn pem(input: &[u8], _scratch: &Path) -> String {
    let parsed = kmedic::certs::parse_certificates(input);
    let text = String::from_utf8_lossy(input);
    let blocks = kmedic::certs::parse_pem(&text).map(|b| b.len());
    let mut keys = String::new();
    if let Ok(chain) = &parsed {
        for cert in chain {
            keys.push_str(&format!("{:?};", kmedic::certs::key_matches(cert, &text)));
        }
        let _ = kmedic::certs::verify_chain(chain, chain);
        // What `kmedic certs` prints about them.
        let _ = kmedic::text_safety::visible(&format!("{chain:?}"));
    }
    format!(
        "{} / pem {} / keys {keys}",
        summary(parsed, |c| format!("{} certificates", c.len())),
        summary(blocks, |n| n.to_string())
    )
}

#[test]
fn fuzz_pem_and_certificates() {
    let ca = generated::ca("kubernetes");
    let leaf = generated::leaf(
        &ca,
        generated::Leaf {
            cn: "kube-apiserver",
            sans: &["kubernetes", "10.96.0.1"],
            server: true,
            ..Default::default()
        },
    );
    let seeds = vec![
        ca.pair.cert_pem.clone().into_bytes(),
        format!("{}{}", leaf.cert_pem, ca.pair.cert_pem).into_bytes(),
        format!("{}{}", leaf.cert_pem, leaf.key_pem).into_bytes(),
        ca.pair.der.clone(),
        leaf.der.clone(),
    ];
    fuzz(Target {
        name: "pem",
        seeds,
        dictionary: &[
            "-----BEGIN CERTIFICATE-----\n",
            "-----END CERTIFICATE-----\n",
            "-----BEGIN PRIVATE KEY-----\n",
            "-----BEGIN RSA PRIVATE KEY-----\n",
            "-----BEGIN EC PRIVATE KEY-----\n",
            "-----END PRIVATE KEY-----\n",
            "\r\n",
            "=",
            "\u{30}\u{82}",
            "\u{06}\u{03}\u{55}\u{1d}",
        ],
        run: pem,
    });
}

// ---- theme and keymap ----

fn theme(input: &[u8], _scratch: &Path) -> String {
    match kmedic::text_file::decode_utf8(input.to_vec()) {
        Ok(text) => {
            let errors = Theme::default().overlay_toml("theme.toml", &text);
            format!(
                "{} errors: {}",
                errors.len(),
                errors.first().map(ToString::to_string).unwrap_or_default()
            )
        }
        Err(e) => format!("error: {e}"),
    }
}

#[test]
fn fuzz_theme() {
    fuzz(Target {
        name: "theme",
        seeds: seeds_from(
            &["themes", "tests/fixtures/config"],
            &["theme.toml", ".toml"],
        )
        .into_iter()
        .filter(|s| String::from_utf8_lossy(s).contains("colors"))
        .collect(),
        dictionary: &[
            "[colors]\n",
            "ok = ",
            "\"#ff00ff\"",
            "{ fg = \"red\", bg = \"blue\", bold = true }",
            "\"indexed(300)\"",
            "name = ",
            "'''",
            "\"\"\"",
            "[[colors]]\n",
            "= {",
            "}\n",
        ],
        run: theme,
    });
}

fn keymap(input: &[u8], _scratch: &Path) -> String {
    match kmedic::text_file::decode_utf8(input.to_vec()) {
        Ok(text) => {
            static PRESET: std::sync::OnceLock<Keymap> = std::sync::OnceLock::new();
            let mut keymap = PRESET.get_or_init(Keymap::builtin_default).clone();
            let errors = keymap.overlay_toml("keymap.toml", &text);
            format!(
                "{} errors, can quit {}: {}",
                errors.len(),
                keymap.can_quit(),
                errors.first().map(ToString::to_string).unwrap_or_default()
            )
        }
        Err(e) => format!("error: {e}"),
    }
}

#[test]
fn fuzz_keymap() {
    fuzz(Target {
        name: "keymap",
        seeds: seeds_from(&["keymaps", "tests/fixtures/config"], &[".toml"])
            .into_iter()
            .filter(|s| String::from_utf8_lossy(s).contains("bindings"))
            .collect(),
        dictionary: &[
            "[table]\n",
            "[global]\n",
            "bindings = [",
            "unbind = [",
            "{ on = ",
            "run = \"quit\"",
            "\"Ctrl-Alt-Shift-F24\"",
            "\"Ctrl-\"",
            "\"Space\"",
            "desc = ",
            "]\n",
        ],
        run: keymap,
    });
}

// ---- node files: static pod manifests and iptables-save ----

/// The files of the fixture node bundles (control plane and worker) whose path contains
/// `part`, as seeds.
fn node_bundle_seeds(part: &str) -> Vec<Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    node_gen::control_plane(&dir.path().join("cp"));
    node_gen::worker(&dir.path().join("worker"), &generated::ca("kubernetes"));
    let mut out = Vec::new();
    let mut stack = vec![dir.path().to_path_buf()];
    while let Some(path) = stack.pop() {
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            stack.extend(
                std::fs::read_dir(&path)
                    .unwrap()
                    .flatten()
                    .map(|e| e.path()),
            );
        } else if meta.is_file() && path.to_string_lossy().contains(part) {
            out.push(std::fs::read(&path).unwrap());
        }
    }
    out
}

/// A hostile manifest as the kubelet's static pod directory holds it: collected from a bundle
/// root (so the paths its flags name are looked up through the guarded host file system),
/// then every node analyzer runs over it.
fn static_pod_manifest(input: &[u8], scratch: &Path) -> String {
    let root = scratch.join("root");
    let dir = root.join("etc/kubernetes/manifests");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("kube-apiserver.yaml"), input).unwrap();
    let parsed = kmedic::node::parse::manifest::parse_manifest(
        "/etc/kubernetes/manifests/kube-apiserver.yaml",
        &String::from_utf8_lossy(input),
    );
    let source = kmedic::node::NodeSource::bundle(&root).unwrap();
    let now = jiff::Timestamp::from_second(1_750_000_000).unwrap();
    let report = kmedic::node::inspect(&source, &kmedic::node::ClusterContext::default(), now);
    format!(
        "{} / {}",
        match (&parsed.pod, &parsed.error) {
            (Some(p), _) => format!("pod {} with {} containers", p.name, p.containers.len()),
            (None, Some(e)) => format!("error at {:?}: {}", e.line, e.message),
            (None, None) => "nothing".into(),
        },
        summary(report, |(r, _)| format!("{} findings", r.findings.len()))
    )
}

#[test]
fn fuzz_static_pod_manifests() {
    fuzz(Target {
        name: "static-pod-manifest",
        seeds: node_bundle_seeds("/manifests/"),
        dictionary: &[
            "apiVersion: v1\n",
            "kind: Pod\n",
            "metadata:\n  name: ",
            "  namespace: kube-system\n",
            "spec:\n  containers:\n",
            "  - command:\n",
            "    - --kubeconfig=",
            "    - --secure-port=",
            "    image: ",
            "    hostPath:\n      path: ",
            "    ports:\n    - containerPort: ",
            "hostNetwork: true\n",
            "/../../../../",
            "/proc/self/fd/0",
            "/dev/zero",
            "&a ",
            "*a",
            "<<: *a\n",
            "{\"kind\":\"Pod\"}",
            "- ",
            "---\n",
        ],
        run: static_pod_manifest,
    });
}

/// Hostile `iptables-save` output: parsed, walked as kube-proxy's chains (a jump loop must not
/// hang), and judged by the node's iptables check.
fn iptables_save(input: &[u8], _scratch: &Path) -> String {
    let parsed = kmedic::node::parse::iptables::parse(&String::from_utf8_lossy(input));
    let rules = kmedic::node::kubeproxy::model(&parsed);
    let data = kmedic::node::NodeData {
        iptables: Some(parsed),
        ..Default::default()
    };
    let findings = kmedic::node::analyze::iptables::check(&data);
    let parsed = data.iptables.as_ref().unwrap();
    let tables: Vec<String> = parsed
        .tables
        .iter()
        .map(|t| {
            format!(
                "{}:{}c{}r",
                t.name.len().min(8),
                t.chains.len().min(9),
                t.rules.len().min(9)
            )
        })
        .collect();
    format!(
        "{tables:?} unparsed {} / kube-services {} services {} node ports {} rejects {} / {} findings",
        parsed.unparsed.len().min(9),
        rules.has_kube_services,
        rules.services.len(),
        rules.node_ports.len(),
        rules.rejects.len(),
        findings.len()
    )
}

#[test]
fn fuzz_iptables_save() {
    let mut seeds = node_bundle_seeds("iptables-save");
    seeds.push(
        b"*nat\n:KUBE-SERVICES - [0:0]\n:KUBE-SVC-A - [0:0]\n-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m tcp --dport 443 -j KUBE-SVC-A\n-A KUBE-SVC-A -j KUBE-SVC-A\nCOMMIT\n"
            .to_vec(),
    );
    fuzz(Target {
        name: "iptables-save",
        seeds,
        dictionary: &[
            "*nat\n",
            "*filter\n",
            "COMMIT\n",
            ":KUBE-SERVICES - [0:0]\n",
            ":KUBE-SVC-",
            ":KUBE-SEP-",
            "-A KUBE-SERVICES ",
            "-A KUBE-SVC-",
            "-A KUBE-SEP-",
            "-j KUBE-SVC-",
            "-j KUBE-SEP-",
            "-j KUBE-MARK-MASQ",
            "-j DNAT --to-destination ",
            "-m comment --comment \"",
            "-m statistic --mode random --probability 0.5",
            "--dport ",
            " -d 10.96.0.1/32 ",
            "[0:0] ",
            "\"",
            "\\",
            "# Generated by iptables-save\n",
        ],
        run: iptables_save,
    });
}

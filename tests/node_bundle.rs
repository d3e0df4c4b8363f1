//! `kmedic node --host-root DIR` as a user runs it, on node bundles built at test time: a
//! kubeadm control-plane node (kmedic's own bundle names) and a worker (sosreport's names),
//! each with planted faults; plus a healthy worker that must not fail, secrets that must never
//! be printed, hostile text that must not reach the terminal, and files left untouched.

#![allow(clippy::unwrap_used)]

#[path = "fixtures/certs/gen.rs"]
mod generated;
#[path = "fixtures/node/gen.rs"]
mod node_gen;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::SystemTime;

use generated::{Leaf, ca, leaf, overwrite};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_kmedic");

fn node(root: &Path, args: &[&str]) -> Output {
    let logs = tempfile::tempdir().unwrap();
    Command::new(BIN)
        .arg("node")
        .arg("--host-root")
        .arg(root)
        .args(args)
        .arg("--log-file")
        .arg(logs.path().join("kmedic.log"))
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

fn show(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn report(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", show(o)))
}

fn findings<'a>(v: &'a Value, check: &str) -> Vec<&'a Value> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == check)
        .collect()
}

fn one<'a>(v: &'a Value, check: &str) -> &'a Value {
    let found = findings(v, check);
    assert_eq!(
        found.len(),
        1,
        "{check}: {}",
        serde_json::to_string_pretty(v).unwrap()
    );
    found[0]
}

fn evidence(f: &Value) -> String {
    f["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}: {}",
                e["label"].as_str().unwrap(),
                e["value"].as_str().unwrap()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn coverage(v: &Value) -> String {
    v["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{}: {}",
                c["what"].as_str().unwrap(),
                c["why"].as_str().unwrap()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn control_plane() -> (tempfile::TempDir, generated::NodeCas) {
    let dir = tempfile::tempdir().unwrap();
    let cas = node_gen::control_plane(dir.path());
    (dir, cas)
}

fn worker() -> tempfile::TempDir {
    worker_with_ca().0
}

fn worker_with_ca() -> (tempfile::TempDir, generated::Ca) {
    let dir = tempfile::tempdir().unwrap();
    let ca = ca("kubernetes");
    node_gen::worker(dir.path(), &ca);
    (dir, ca)
}

#[test]
fn control_plane_bundle_names_every_planted_fault() {
    let (dir, _) = control_plane();
    let o = node(dir.path(), &["-o", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let v = report(&o);
    assert_eq!(v["node"], "cp-1");

    let missing = one(&v, "static-pod-file-missing");
    assert_eq!(missing["pane"], "control-plane");
    assert_eq!(
        missing["object"]["name"],
        "/etc/kubernetes/manifests/kube-scheduler.yaml"
    );
    let summary = missing["summary"].as_str().unwrap();
    assert!(
        summary.contains("--kubeconfig") && summary.contains("/etc/kubernetes/scheduler.conff"),
        "{summary}"
    );

    let invalid = one(&v, "static-pod-manifest-invalid");
    let summary = invalid["summary"].as_str().unwrap();
    assert!(
        summary.starts_with("/etc/kubernetes/manifests/kube-controller-manager.yaml:20:"),
        "{summary}"
    );

    let port = one(&v, "port-not-listening");
    assert_eq!(port["object"]["name"], "10259");
    assert!(port["summary"].as_str().unwrap().contains("kube-scheduler"));
    assert!(evidence(port).contains("2379 (etcd), 2380 (etcd), 2381 (etcd), 6443 (kube-apiserver), 10248 (kubelet), 10250 (kubelet)"), "{}", evidence(port));

    // Symptoms name their root cause: the scheduler's manifest.
    assert_eq!(port["caused_by"][0]["check"], "static-pod-file-missing");
    assert_eq!(
        port["caused_by"][0]["object"]["name"],
        "/etc/kubernetes/manifests/kube-scheduler.yaml"
    );
    let down = one(&v, "control-plane-container-down");
    assert_eq!(down["caused_by"][0]["check"], "static-pod-file-missing");
    assert!(
        down["summary"]
            .as_str()
            .unwrap()
            .starts_with("kube-scheduler is Exited (attempt 7, exit code 1)")
    );
    assert!(
        evidence(down).contains("stat /etc/kubernetes/scheduler.conff: no such file or directory"),
        "{}",
        evidence(down)
    );

    let cgroup = one(&v, "cgroup-driver-mismatch");
    assert_eq!(cgroup["severity"], "error");
    let ev = evidence(cgroup);
    assert!(
        ev.contains("systemd (cgroupDriver in /var/lib/kubelet/config.yaml)"),
        "{ev}"
    );
    assert!(
        ev.contains("cgroupfs (SystemdCgroup in /etc/containerd/config.toml)"),
        "{ev}"
    );

    let stray = one(&v, "static-pod-stray-file");
    assert_eq!(
        stray["object"]["name"],
        "/etc/kubernetes/manifests/kube-apiserver.yaml.bak"
    );
    let all = serde_json::to_string(&v).unwrap();
    assert!(!all.contains(".swp"), "hidden files are not the kubelet's");

    // Healthy parts stay quiet: the PKI, the listening components, the kubelet.
    for check in [
        "cert-unreadable",
        "cert-expired",
        "kubelet-not-running",
        "swap-on",
        "static-pod-missing",
    ] {
        assert!(findings(&v, check).is_empty(), "{check}: {all}");
    }
    // iptables-save is not in this bundle: said, not guessed.
    assert!(
        coverage(&v).contains("iptables rules (kube-proxy chains): not in the bundle"),
        "{}",
        coverage(&v)
    );

    // --pane keeps only those panes.
    let o = node(dir.path(), &["-o", "json", "--pane", "node"]);
    let v = report(&o);
    let panes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["pane"].as_str().unwrap())
        .collect();
    assert!(
        !panes.is_empty() && panes.iter().all(|p| *p == "node"),
        "{panes:?}"
    );
}

#[test]
fn worker_bundle_in_sos_layout() {
    let dir = worker();
    let o = node(dir.path(), &["-o", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let v = report(&o);
    assert_eq!(v["node"], "worker-1");

    let swap = one(&v, "swap-on");
    assert_eq!(swap["severity"], "critical");
    assert!(evidence(swap).contains("/swap.img file 4194300 KiB"));

    let cert = one(&v, "kubelet-client-cert-expired");
    assert_eq!(
        cert["object"]["name"],
        "/var/lib/kubelet/pki/kubelet-client-current.pem"
    );
    assert!(
        evidence(cert).contains("rotateCertificates: false"),
        "{}",
        evidence(cert)
    );
    // The absolute symlink resolves inside the bundle, for the certs pane too.
    let expired: Vec<&Value> = findings(&v, "cert-expired");
    assert!(
        expired
            .iter()
            .any(|f| f["summary"].as_str().unwrap().contains("kubelet client")),
        "{expired:?}"
    );
    assert!(!serde_json::to_string(&v).unwrap().contains("dangling"));
    // One expired certificate, one root cause: the certificate engine's findings about it
    // (the file, and kubelet.conf's user) point to the kubelet's own finding, and name the
    // files where they are on the node, not where the bundle keeps them.
    let root = dir.path().display().to_string();
    for f in &expired {
        assert_eq!(
            f["caused_by"][0]["check"], "kubelet-client-cert-expired",
            "{f}"
        );
        let text = serde_json::to_string(f).unwrap();
        assert!(!text.contains(&root), "a bundle path: {text}");
    }
    assert!(
        expired.iter().any(|f| evidence(f)
            .contains("/etc/kubernetes/kubelet.conf: user system:node:worker-1 /var/lib/kubelet/pki/kubelet-client-current.pem")),
        "{expired:?}"
    );

    for (check, line) in [
        (
            "journal-cert-expired",
            "x509: certificate has expired or is not yet valid",
        ),
        (
            "journal-pleg-unhealthy",
            "PLEG is not healthy: pleg was last seen active 3m17.616016s ago",
        ),
        ("journal-swap-on", "running with swap on is not supported"),
    ] {
        let f = one(&v, check);
        assert_eq!(f["object"]["name"], "kubelet.service");
        assert!(evidence(f).contains(line), "{check}: {}", evidence(f));
    }
    assert!(
        one(&v, "journal-pleg-unhealthy")["summary"]
            .as_str()
            .unwrap()
            .contains("(2 of the last 7 lines)")
    );

    let down = one(&v, "kubelet-not-running");
    assert_eq!(down["caused_by"][0]["check"], "swap-on");
    assert!(
        down["summary"]
            .as_str()
            .unwrap()
            .contains("activating (auto-restart), result exit-code")
    );
    assert!(evidence(down).contains("restarts: 42"));

    let reject = one(&v, "kube-proxy-rejects-service");
    assert_eq!(reject["object"]["namespace"], "shop");
    assert_eq!(reject["object"]["name"], "cart");

    // A worker has no control-plane certificates and no cgroup mismatch.
    let all = serde_json::to_string(&v).unwrap();
    for check in [
        "cert-unreadable",
        "cgroup-driver-mismatch",
        "static-pod-path-wrong",
        "port-not-listening",
    ] {
        assert!(findings(&v, check).is_empty(), "{check}: {all}");
    }
    assert!(
        coverage(&v).contains("containers on the node (crictl): not in the bundle"),
        "{}",
        coverage(&v)
    );
}

/// The worker with its faults repaired: nothing error or critical may remain.
#[test]
fn healthy_worker_exits_zero() {
    let (dir, ca) = worker_with_ca();
    let root = dir.path();
    overwrite(
        root,
        "proc/swaps",
        "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n",
    );
    let good = leaf(
        &ca,
        Leaf {
            cn: "system:node:worker-1",
            orgs: &["system:nodes"],
            ..Leaf::default()
        },
    );
    overwrite(
        root,
        "var/lib/kubelet/pki/kubelet-client-2024-05-30-10-00-00.pem",
        &format!("{}{}", good.cert_pem, good.key_pem),
    );
    overwrite(
        root,
        "var/lib/kubelet/config.yaml",
        &node_gen::kubelet_config("systemd", true, "/run/systemd/resolve/resolv.conf"),
    );
    overwrite(
        root,
        "sos_commands/kubernetes/journalctl_--no-pager_--unit_kubelet",
        "Jun 02 10:00:00 worker-1 kubelet[911]: I0602 10:00:00.1     911 kubelet_node_status.go:76] \"Successfully registered node\" node=\"worker-1\"\n",
    );
    let show_all =
        std::fs::read_to_string(root.join("sos_commands/systemd/systemctl_show_service_--all"))
            .unwrap();
    overwrite(
        root,
        "sos_commands/systemd/systemctl_show_service_--all",
        &show_all.replace(
            "ActiveState=activating\nSubState=auto-restart",
            "ActiveState=active\nSubState=running",
        ),
    );
    overwrite(
        root,
        "proc/net/tcp6",
        &node_gen::proc_net_tcp6(&[22, 10250]),
    );
    let o = node(root, &["-o", "json"]);
    let v = report(&o);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        serde_json::to_string_pretty(&v).unwrap()
    );
    let text = node(root, &[]);
    assert_eq!(text.status.code(), Some(0));
    let out = String::from_utf8_lossy(&text.stdout);
    assert!(out.starts_with("Node worker-1\n"), "{out}");
    assert!(out.contains("Not looked at ("), "{out}");
}

fn private_key_bodies(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_symlink() {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(text) = std::fs::read_to_string(&p) {
                let mut in_key = false;
                for line in text.lines() {
                    if line.contains("PRIVATE KEY-----") {
                        in_key = !line.contains("END");
                    } else if in_key && line.len() > 20 {
                        out.push(line.to_string());
                    }
                }
            }
        }
    }
    out
}

#[test]
fn secrets_on_the_node_are_never_printed() {
    let (cp, _) = control_plane();
    let w = worker();
    for root in [cp.path(), w.path()] {
        let keys = private_key_bodies(root);
        assert!(!keys.is_empty());
        for args in [&["-o", "json"][..], &[][..]] {
            let o = node(root, args);
            let out = String::from_utf8_lossy(&o.stdout);
            assert!(!out.contains("PRIVATE KEY"), "{out}");
            assert!(!out.contains("MIIEsecretsecret"));
            assert!(!out.contains(&node_gen::BOOTSTRAP_TOKEN[7..]), "{out}");
            for k in &keys {
                assert!(!out.contains(k.as_str()), "a key line leaked: {k}");
            }
        }
    }
}

#[test]
fn hostile_node_text_does_not_reach_the_terminal() {
    let dir = worker();
    let root = dir.path();
    let journal = root.join("sos_commands/kubernetes/journalctl_--no-pager_--unit_kubelet");
    let mut text = std::fs::read_to_string(&journal).unwrap();
    text.push_str("Jun 02 10:03:00 worker-1 kubelet[911]: \u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e} \"Skipping pod synchronization\" err=\"PLEG is not healthy: pleg was last seen active 3m20s ago; threshold is 3m0s\"\n");
    std::fs::write(&journal, text).unwrap();
    let o = node(root, &[]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("]0;pwned"), "the line is shown: {out}");
    for c in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'] {
        assert!(!out.contains(c), "{c:?} reached stdout");
    }
    assert!(out.contains("␛]0;pwned␇␛[2J<U+009B>31m<U+202E>"), "{out}");
    let o = node(root, &["-o", "json"]);
    let raw = String::from_utf8_lossy(&o.stdout);
    for c in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'] {
        assert!(!raw.contains(c), "{c:?} raw in JSON");
    }
    let v = report(&o);
    assert!(serde_json::to_string(&v).unwrap().contains("pwned"));
}

fn snapshot(root: &Path) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            if meta.is_dir() {
                stack.push(p.clone());
            }
            let bytes = if meta.is_file() {
                std::fs::read(&p).unwrap()
            } else {
                Vec::new()
            };
            out.insert(p, (bytes, meta.modified().unwrap()));
        }
    }
    out
}

#[test]
fn a_run_changes_no_file() {
    let (cp, _) = control_plane();
    let w = worker();
    for root in [cp.path(), w.path()] {
        let before = snapshot(root);
        let o = node(root, &["-o", "json"]);
        assert_eq!(o.status.code(), Some(1));
        let o = Command::new(BIN)
            .args(["certs", "--offline", "--host-root"])
            .arg(root)
            .arg("--log-file")
            .arg(std::env::temp_dir().join("kmedic-node-test.log"))
            .env("KUBECONFIG", root.join("none"))
            .output()
            .unwrap();
        assert!(o.status.code().is_some());
        assert_eq!(
            before,
            snapshot(root),
            "a file changed under {}",
            root.display()
        );
    }
}

#[test]
fn could_not_run_exits_two() {
    let empty = tempfile::tempdir().unwrap();
    let o = node(empty.path(), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("no Kubernetes node files under"),
        "{}",
        show(&o)
    );
    let o = node(&empty.path().join("nope"), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("does not exist"),
        "{}",
        show(&o)
    );
    std::fs::write(empty.path().join("file"), "x").unwrap();
    let o = node(&empty.path().join("file"), &[]);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("is not a directory"),
        "{}",
        show(&o)
    );
    let (cp, _) = control_plane();
    let o = node(cp.path(), &["--pane", "bogus"]);
    assert_eq!(o.status.code(), Some(2));
}

/// `kubectl cluster-info dump`'s kube-system/pods.json: a PodList whose items carry no kind,
/// with the API server's mirror pod on cp-1 running an older image than the manifest asks for.
fn dump_with_mirror_pod(dir: &Path, image: &str) {
    let pods = serde_json::json!({
        "kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": "48121"},
        "items": [{
            "metadata": {
                "name": "kube-apiserver-cp-1", "namespace": "kube-system",
                "uid": "3f9c1d2e-8a7b-4c6d-9e0f-1a2b3c4d5e6f", "resourceVersion": "48017",
                "creationTimestamp": "2025-06-02T09:41:07Z",
                "labels": {"component": "kube-apiserver", "tier": "control-plane"},
                "annotations": {
                    "kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint": "192.168.1.10:6443",
                    "kubernetes.io/config.hash": "9a5b3c1e7d2f4a6b8c0d1e2f3a4b5c6d",
                    "kubernetes.io/config.mirror": "9a5b3c1e7d2f4a6b8c0d1e2f3a4b5c6d",
                    "kubernetes.io/config.seen": "2025-06-02T09:41:05.123456789Z",
                    "kubernetes.io/config.source": "file"
                },
                "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": "cp-1",
                    "uid": "6b1e0c7a-2d3f-4e5a-8b9c-0d1e2f3a4b5c", "controller": true}]
            },
            "spec": {
                "nodeName": "cp-1", "hostNetwork": true, "priorityClassName": "system-node-critical",
                "containers": [{"name": "kube-apiserver", "image": image,
                    "command": ["kube-apiserver", "--secure-port=6443"]}]
            },
            "status": {"phase": "Running", "podIP": "192.168.1.10"}
        }]
    });
    std::fs::create_dir_all(dir.join("kube-system")).unwrap();
    std::fs::write(
        dir.join("kube-system/pods.json"),
        serde_json::to_string_pretty(&pods).unwrap(),
    )
    .unwrap();
}

#[test]
fn scenario_dump_mirror_pods_show_image_drift() {
    let (bundle, _) = control_plane();
    // Without a dump, the running container matches the manifest: no drift.
    let v = report(&node(bundle.path(), &["-o", "json"]));
    assert!(findings(&v, "static-pod-image-drift").is_empty());

    let dump = tempfile::tempdir().unwrap();
    dump_with_mirror_pod(dump.path(), "registry.k8s.io/kube-apiserver:v1.30.6");
    let dump_arg = dump.path().to_str().unwrap();
    let o = node(bundle.path(), &["-o", "json", "--scenario", dump_arg]);
    let v = report(&o);
    let drift = one(&v, "static-pod-image-drift");
    assert_eq!(
        drift["object"]["name"],
        "/etc/kubernetes/manifests/kube-apiserver.yaml"
    );
    let summary = drift["summary"].as_str().unwrap();
    assert!(
        summary.contains("asks for registry.k8s.io/kube-apiserver:v1.31.2")
            && summary.contains("the mirror pod runs registry.k8s.io/kube-apiserver:v1.30.6"),
        "{summary}"
    );

    // The same image in the dump: nothing to say.
    let same = tempfile::tempdir().unwrap();
    dump_with_mirror_pod(same.path(), "registry.k8s.io/kube-apiserver:v1.31.2");
    let o = node(
        bundle.path(),
        &["-o", "json", "--scenario", same.path().to_str().unwrap()],
    );
    assert!(findings(&report(&o), "static-pod-image-drift").is_empty());

    // A dump that cannot be read stops the run with exit code 2 and says why.
    let missing = dump.path().join("nope.yaml");
    let o = node(
        bundle.path(),
        &["-o", "json", "--scenario", missing.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("nope.yaml"),
        "{}",
        show(&o)
    );
}

/// `--pane` on a faulty worker: `app` is not a node pane (exit 2), and a pane with nothing
/// in it says which pane was looked at and what the others hold, not "No problems found".
#[test]
fn a_pane_restricted_run_is_no_all_clear() {
    let dir = worker();
    let o = node(dir.path(), &["--pane", "app"]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("kmedic node has no app pane"),
        "{}",
        show(&o)
    );
    let all = report(&node(dir.path(), &["-o", "json"]));
    let with: Vec<&str> = all["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["pane"].as_str())
        .collect();
    let empty = ["control-plane", "network", "certs", "node"]
        .into_iter()
        .find(|p| !with.contains(p))
        .unwrap_or_else(|| panic!("every pane has findings: {with:?}"));
    let o = node(dir.path(), &["--pane", empty]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        !text.contains("No problems found in what could be looked at"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "No problems found in the {empty} pane, the only one looked at. Other panes have {} findings",
            with.len()
        )),
        "{text}"
    );
    let v = report(&node(dir.path(), &["--pane", empty, "-o", "json"]));
    assert_eq!(v["scope"]["not_shown_in_other_panes"], with.len());
}

/// The packet-path walk: a worker's bundle whose kube-proxy rules disagree with a cluster dump
/// (`tests/fixtures/node/bundle-stale` with `net-packet-path.yaml`): prod/web has 3 ready
/// endpoints but 2 SEPs, one DNAT to 10.244.3.3 (no endpoint); prod/gone has rules and no
/// Service; prod/new has ready endpoints and no rule; prod/empty is REJECTed although ready.
#[test]
fn kube_proxy_rules_are_compared_with_the_dumps_endpoint_slices() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/node");
    let dump = fixtures.join("net-packet-path.yaml");
    let o = node(
        &fixtures.join("bundle-stale"),
        &["--scenario", dump.to_str().unwrap(), "-o", "json"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let v = report(&o);
    let summary = |check: &str, name: &str| -> String {
        findings(&v, check)
            .iter()
            .find(|f| f["object"]["name"] == name)
            .unwrap_or_else(|| panic!("no {check} for {name}: {}", show(&o)))["summary"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let web = summary("kube-proxy-rules-stale", "web");
    assert!(
        web.contains("sends prod/web:http to 2 endpoint(s) while the API lists 3 ready")
            && web.contains("no rule leads to 10.244.2.7:8080, 10.244.2.9:8080")
            && web.contains("DNATs to 10.244.3.3:8080, which is no ready endpoint"),
        "{web}"
    );
    assert!(summary("kube-proxy-service-missing", "new").contains("no rule for prod/new:http"));
    assert!(
        summary("kube-proxy-rules-stale", "empty")
            .contains("rejects prod/empty:http as having no endpoints, but the API lists 1 ready")
    );
    assert!(
        summary("kube-proxy-rules-for-deleted-service", "gone")
            .contains("still has rules for prod/gone:http")
    );
    assert!(
        findings(&v, "kube-proxy-rejects-service").is_empty(),
        "said once, by the comparison"
    );
    // Without the dump, nothing can be compared: only what the rules say alone.
    let o = node(&fixtures.join("bundle-stale"), &["-o", "json"]);
    let v = report(&o);
    assert!(findings(&v, "kube-proxy-rules-stale").is_empty());
    assert_eq!(findings(&v, "kube-proxy-rejects-service").len(), 1);
}

/// The same walk from `kmedic check --pane network --scenario DUMP --host-root BUNDLE`.
#[test]
fn check_compares_a_bundles_kube_proxy_rules_with_the_dump() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/node");
    let logs = tempfile::tempdir().unwrap();
    let o = Command::new(BIN)
        .arg("check")
        .args(["--pane", "network", "-o", "json", "--scenario"])
        .arg(fixtures.join("net-packet-path.yaml"))
        .arg("--host-root")
        .arg(fixtures.join("bundle-stale"))
        .arg("--log-file")
        .arg(logs.path().join("kmedic.log"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let v = report(&o);
    for (check, name) in [
        ("kube-proxy-rules-stale", "web"),
        ("kube-proxy-rules-stale", "empty"),
        ("kube-proxy-service-missing", "new"),
        ("kube-proxy-rules-for-deleted-service", "gone"),
    ] {
        assert!(
            findings(&v, check)
                .iter()
                .any(|f| f["object"]["name"] == name),
            "{check} {name}: {}",
            show(&o)
        );
    }
    // --host-root needs a dump to compare with.
    let o = Command::new(BIN)
        .arg("check")
        .arg("--host-root")
        .arg(fixtures.join("bundle-stale"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
}

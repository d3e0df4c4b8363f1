//! Hostile node roots and scenario directories through the real binary: absolute links resolve
//! inside the root, twenty `lN -> .` loops per directory finish with bounded memory, a FIFO
//! named `*.crt` or `*.yaml` does not hang, a link to /dev/zero is never read, a sparse 4 GiB
//! file is capped — for `kmedic node`, `kmedic certs --host-root` and `kmedic check --scenario`.

#![allow(clippy::unwrap_used)]

#[path = "fixtures/certs/gen.rs"]
mod generated;
#[path = "fixtures/node/gen.rs"]
mod node_gen;

use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_kmedic");

/// Longest a run may take before the test calls it a hang.
const DEADLINE: Duration = Duration::from_secs(120);
/// Most memory a run may use (peak resident set of the children, KiB).
const MAX_RSS_KIB: i64 = 512 * 1024;

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

fn sparse(path: &Path, bytes: u64) {
    std::fs::File::create(path).unwrap().set_len(bytes).unwrap();
}

fn loops(dir: &Path) {
    for i in 0..20 {
        symlink(".", dir.join(format!("l{i}"))).unwrap();
    }
}

/// Runs the binary, failing the test (and killing it) if it does not finish in time.
fn run(args: &[&str], root: &Path) -> Output {
    let logs = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args(args)
        .arg(root)
        .arg("--log-file")
        .arg(logs.path().join("kmedic.log"))
        .env("KUBECONFIG", logs.path().join("none"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            panic!("kmedic {args:?} did not finish within {DEADLINE:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

/// Peak resident set size of the waited-for children so far, in KiB.
fn children_max_rss_kib() -> i64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given; RUSAGE_CHILDREN is a valid target.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr()) };
    assert_eq!(rc, 0);
    // SAFETY: initialised by the successful call above.
    unsafe { usage.assume_init() }.ru_maxrss
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The control-plane bundle, booby-trapped.
fn hostile_root(root: &Path) {
    node_gen::control_plane(root);
    let pki = root.join("etc/kubernetes/pki");
    let manifests = root.join("etc/kubernetes/manifests");
    let kubelet_pki = root.join("var/lib/kubelet/pki");
    for dir in [
        &pki,
        &pki.join("etcd"),
        &manifests,
        &kubelet_pki,
        &root.join("sos_commands"),
    ] {
        loops(dir);
    }
    mkfifo(&pki.join("trap.crt"));
    symlink("/dev/zero", pki.join("zero.crt")).unwrap();
    symlink(
        "../../../../../../../../../dev/zero",
        pki.join("escape.crt"),
    )
    .unwrap();
    // Inside the root, /dev/zero is a link to /dev/zero: resolved in the root, a loop.
    std::fs::create_dir_all(root.join("dev")).unwrap();
    symlink("/dev/zero", root.join("dev/zero")).unwrap();
    sparse(&pki.join("big.pem"), 4 << 30);
    mkfifo(&manifests.join("fifo.yaml"));
    symlink("/dev/zero", manifests.join("zero.yaml")).unwrap();
    sparse(&manifests.join("huge.yaml"), 4 << 30);
    std::fs::remove_file(root.join("var/lib/kubelet/config.yaml")).unwrap();
    mkfifo(&root.join("var/lib/kubelet/config.yaml"));
    std::fs::remove_file(root.join("proc/swaps")).unwrap();
    symlink("/dev/zero", root.join("proc/swaps")).unwrap();
    std::fs::remove_file(kubelet_pki.join("kubelet-client-current.pem")).unwrap();
    symlink(
        "/var/lib/kubelet/pki/kubelet-client-current.pem",
        kubelet_pki.join("kubelet-client-current.pem"),
    )
    .unwrap();
    let k = root.join("sos_commands/kmedic");
    let journal = k.join("journalctl_-u_kubelet_-n_300_--no-pager_-o_short-iso");
    std::fs::remove_file(&journal).unwrap();
    mkfifo(&journal);
    sparse(&k.join("crictl_ps_-a_-o_json"), 4 << 30);
    symlink("/", root.join("sos_commands/networking")).unwrap();
}

#[test]
fn kmedic_node_survives_a_hostile_root() {
    let dir = tempfile::tempdir().unwrap();
    hostile_root(dir.path());
    let o = run(&["node", "-o", "json", "--host-root"], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let all = serde_json::to_string(&v).unwrap();
    // The FIFO config is named, not read.
    let config = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "kubelet-config-invalid")
        .unwrap_or_else(|| panic!("{all}"));
    assert!(
        config["summary"]
            .as_str()
            .unwrap()
            .contains("named pipe (FIFO) is not read")
    );
    let coverage = serde_json::to_string(&v["coverage"]).unwrap();
    for want in [
        "/etc/kubernetes/manifests/fifo.yaml",
        "/etc/kubernetes/manifests/huge.yaml",
        "/etc/kubernetes/manifests/zero.yaml",
        "/proc/swaps (swap)",
        "containers on the node (crictl)",
    ] {
        assert!(coverage.contains(want), "{want}: {coverage}");
    }
    assert!(
        coverage.contains("too many levels of symbolic links"),
        "{coverage}"
    );
    assert!(
        children_max_rss_kib() < MAX_RSS_KIB,
        "peak RSS {} KiB",
        children_max_rss_kib()
    );
}

#[test]
fn kmedic_certs_survives_a_hostile_root() {
    let dir = tempfile::tempdir().unwrap();
    hostile_root(dir.path());
    let o = run(
        &["certs", "--offline", "-o", "json", "--host-root"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let error_of = |suffix: &str| -> String {
        v["certificates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["location"].as_str().unwrap().ends_with(suffix))
            .unwrap_or_else(|| panic!("{suffix} not listed"))["error"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    assert!(error_of("/pki/trap.crt").contains("named pipe (FIFO) is not read"));
    assert!(error_of("/pki/big.pem").contains("larger than 8 MiB"));
    assert!(error_of("/pki/zero.crt").contains("too many levels of symbolic links"));
    assert!(error_of("/pki/escape.crt").contains("too many levels of symbolic links"));
    assert!(error_of("kubelet-client-current.pem").contains("too many levels of symbolic links"));
    // Loops are not walked into: every certificate is listed once, none through `lN/`.
    let locations: Vec<&str> = v["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["location"].as_str().unwrap())
        .collect();
    assert!(
        locations
            .iter()
            .all(|l| !l.contains("/l0/") && !l.contains("/l1")),
        "{locations:?}"
    );
    assert!(
        children_max_rss_kib() < MAX_RSS_KIB,
        "peak RSS {} KiB",
        children_max_rss_kib()
    );
}

#[test]
fn absolute_links_resolve_inside_the_root_for_certs() {
    let dir = tempfile::tempdir().unwrap();
    generated::kubeadm_root(dir.path());
    let pki = dir.path().join("var/lib/kubelet/pki");
    std::fs::rename(
        pki.join("kubelet-client-current.pem"),
        pki.join("kubelet-client-2026-01-01.pem"),
    )
    .unwrap();
    symlink(
        "/var/lib/kubelet/pki/kubelet-client-2026-01-01.pem",
        pki.join("kubelet-client-current.pem"),
    )
    .unwrap();
    let o = run(
        &["certs", "--offline", "-o", "json", "--host-root"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let kubelet = v["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "kubelet client")
        .unwrap();
    assert!(kubelet["error"].is_null(), "{kubelet}");
    assert_eq!(kubelet["chain"][0]["common_name"], "system:node:cp-1");
}

#[test]
fn scenario_directories_refuse_fifos_devices_and_huge_files() {
    let dir = tempfile::tempdir().unwrap();
    let s = dir.path();
    std::fs::write(
        s.join("pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: default\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n",
    )
    .unwrap();
    loops(s);
    let o = run(&["check", "-o", "json", "--scenario"], s);
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "loops alone are fine: {}",
        text(&o)
    );

    mkfifo(&s.join("trap.yaml"));
    let o = run(&["check", "--scenario"], s);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("trap.yaml: cannot read: a named pipe (FIFO) is not read"),
        "{}",
        text(&o)
    );
    std::fs::remove_file(s.join("trap.yaml")).unwrap();

    symlink("/dev/zero", s.join("zero.yaml")).unwrap();
    let o = run(&["check", "--scenario"], s);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("a character device is not read"),
        "{}",
        text(&o)
    );
    std::fs::remove_file(s.join("zero.yaml")).unwrap();

    sparse(&s.join("huge.json"), 4 << 30);
    let o = run(&["check", "--scenario"], s);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("huge.json: larger than 256 MiB: not read"),
        "{}",
        text(&o)
    );
    assert!(
        children_max_rss_kib() < MAX_RSS_KIB,
        "peak RSS {} KiB",
        children_max_rss_kib()
    );
}

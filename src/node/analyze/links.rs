//! Root-cause links between node-local findings, so symptoms name their cause: a control-plane
//! container that is down, or a port nothing listens on, point to the broken manifest of the
//! same component; a kubelet that is not running points to what stops it at start (swap, a
//! missing binary, config or file, the runtime); the certificate engine's findings about
//! the kubelet's expired client certificate point to the kubelet's own finding; kube-proxy's
//! rule findings point to a proxy mode kube-proxy refuses (it exits, its rules go stale).

use crate::findings::{CauseRef, Finding};

/// Manifest problems that keep a static pod from running.
pub const MANIFEST_ROOTS: [&str; 5] = [
    "static-pod-manifest-invalid",
    "static-pod-file-missing",
    "static-pod-path-not-mounted",
    "static-pod-command-wrong",
    "static-pod-path-wrong",
];

/// Problems that make the kubelet exit at start.
pub const KUBELET_ROOTS: [&str; 8] = [
    "swap-on",
    "kubelet-binary-missing",
    "kubelet-config-invalid",
    "kubelet-env-file-missing",
    "kubelet-file-missing",
    "kubelet-unit-masked",
    "runtime-not-running",
    "containerd-cri-disabled",
];

/// Journal signatures and the configuration findings that explain them.
const JOURNAL_ROOTS: [(&str, &[&str]); 6] = [
    ("journal-swap-on", &["swap-on"]),
    ("journal-cert-expired", &["kubelet-client-cert-expired"]),
    (
        "journal-cgroup-driver-mismatch",
        &["cgroup-driver-mismatch"],
    ),
    (
        "journal-runtime-unavailable",
        &["runtime-not-running", "containerd-cri-disabled"],
    ),
    ("journal-config-load-failed", &["kubelet-config-invalid"]),
    ("journal-client-ca-missing", &["kubelet-file-missing"]),
];

/// `kube-scheduler` for `/etc/kubernetes/manifests/kube-scheduler.yaml`.
pub fn component_of_manifest(path: &str) -> Option<&str> {
    let name = path.rsplit('/').next()?;
    name.strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))
        .or_else(|| name.strip_suffix(".json"))
}

/// The component a symptom is about.
fn symptom_component(f: &Finding) -> Option<String> {
    match f.check.as_str() {
        "control-plane-container-down" | "control-plane-container-restarts" => {
            f.object.name.rsplit('/').next().map(str::to_string)
        }
        "port-not-listening" => f
            .evidence
            .iter()
            .find(|e| e.label == "expected by")
            .and_then(|e| e.value.split(' ').next())
            .and_then(component_of_manifest)
            .map(str::to_string),
        _ => None,
    }
}

/// Whether a certificate finding is about the file at host path `path`: its object, or the
/// file its location ends with (a kubeconfig user's certificate file).
fn names_file(f: &Finding, path: &str) -> bool {
    f.object.name == path
        || f.evidence.iter().any(|e| {
            e.label == "location" && (e.value == path || e.value.ends_with(&format!(" {path}")))
        })
}

/// Fills `caused_by` and puts root causes before their symptoms.
pub fn link(findings: &mut [Finding]) {
    let roots: Vec<(Option<String>, CauseRef)> = findings
        .iter()
        .filter(|f| MANIFEST_ROOTS.contains(&f.check.as_str()))
        .map(|f| {
            (
                component_of_manifest(&f.object.name).map(str::to_string),
                CauseRef {
                    check: f.check.clone(),
                    object: f.object.clone(),
                },
            )
        })
        .collect();
    let kubelet_roots: Vec<CauseRef> = findings
        .iter()
        .filter(|f| KUBELET_ROOTS.contains(&f.check.as_str()))
        .map(|f| CauseRef {
            check: f.check.clone(),
            object: f.object.clone(),
        })
        .collect();
    let all: Vec<CauseRef> = findings
        .iter()
        .map(|f| CauseRef {
            check: f.check.clone(),
            object: f.object.clone(),
        })
        .collect();
    // The kubelet's expired client certificate, as the certificate engine also reports it
    // (its file, and kubelet.conf's user that points at it): one cause, not three.
    let kubelet_cert: Option<CauseRef> = findings
        .iter()
        .find(|f| f.check == "kubelet-client-cert-expired")
        .map(|f| CauseRef {
            check: f.check.clone(),
            object: f.object.clone(),
        });
    for f in findings.iter_mut() {
        if let Some(cause) = &kubelet_cert
            && f.check.starts_with("cert-")
            && names_file(f, &cause.object.name)
            && !f.caused_by.contains(cause)
        {
            f.caused_by.push(cause.clone());
        }
        if let Some((_, roots)) = JOURNAL_ROOTS.iter().find(|(j, _)| *j == f.check) {
            f.caused_by.extend(
                all.iter()
                    .filter(|c| roots.contains(&c.check.as_str()))
                    .cloned(),
            );
        }
        if let Some(component) = symptom_component(f) {
            for (root_component, cause) in &roots {
                let same = root_component.as_deref() == Some(component.as_str())
                    || cause.check == "static-pod-path-wrong";
                if same && !f.caused_by.contains(cause) {
                    f.caused_by.push(cause.clone());
                }
            }
        }
        if f.check == "kubelet-not-running" {
            f.caused_by.extend(kubelet_roots.iter().cloned());
        }
        // A mode kube-proxy refuses: it exits, so its rules on the node go stale.
        if f.check.starts_with("kube-proxy-") && !f.check.starts_with("kube-proxy-mode-") {
            f.caused_by.extend(
                all.iter()
                    .filter(|c| c.check == "kube-proxy-mode-invalid")
                    .cloned(),
            );
        }
    }
}

//! Reading a Pod for the log pane: its containers (init and ephemeral included), the default
//! one, and whether a container can have logs yet (and if not, why).

use k8s_openapi::api::core::v1::{ContainerStatus, Pod};

use super::spec::ContainerChoice;

const DEFAULT_CONTAINER: &str = "kubectl.kubernetes.io/default-container";

/// Every container of the pod: regular, then init, then ephemeral.
pub fn containers(pod: &Pod) -> Vec<ContainerChoice> {
    let Some(spec) = &pod.spec else {
        return Vec::new();
    };
    let regular = spec.containers.iter().map(|c| (c.name.clone(), ""));
    let init = spec
        .init_containers
        .iter()
        .flatten()
        .map(|c| (c.name.clone(), "init"));
    let ephemeral = spec
        .ephemeral_containers
        .iter()
        .flatten()
        .map(|c| (c.name.clone(), "ephemeral"));
    regular
        .chain(init)
        .chain(ephemeral)
        .map(|(name, role)| ContainerChoice { name, role })
        .collect()
}

/// The container `kubectl logs` picks: the default-container annotation, else the first one.
pub fn default_container(pod: &Pod) -> Option<String> {
    let annotated = pod
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(DEFAULT_CONTAINER))
        .filter(|name| containers(pod).iter().any(|c| &c.name == *name));
    annotated
        .cloned()
        .or_else(|| containers(pod).into_iter().next().map(|c| c.name))
}

fn status<'a>(pod: &'a Pod, container: &str) -> Option<&'a ContainerStatus> {
    let status = pod.status.as_ref()?;
    [
        &status.container_statuses,
        &status.init_container_statuses,
        &status.ephemeral_container_statuses,
    ]
    .into_iter()
    .flatten()
    .flatten()
    .find(|s| s.name == container)
}

/// Where a container is in its life, for the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Running, or has run (logs exist).
    HasLogs,
    /// Not started yet, with the reason.
    Waiting(String),
}

/// The container's phase. A container waiting after it already ran (CrashLoopBackOff) still
/// has logs; one that never ran (ImagePullBackOff, ContainerCreating) does not.
pub fn phase(pod: &Pod, container: &str) -> Phase {
    let Some(status) = status(pod, container) else {
        let why = pod
            .status
            .as_ref()
            .and_then(|s| s.phase.clone())
            .unwrap_or_else(|| "Pending".to_string());
        return Phase::Waiting(format!("{why}: container not started"));
    };
    let ran = status
        .last_state
        .as_ref()
        .is_some_and(|l| l.terminated.is_some());
    match status.state.as_ref().and_then(|s| s.waiting.as_ref()) {
        Some(waiting) if !ran => {
            let reason = waiting.reason.clone().unwrap_or_else(|| "Waiting".into());
            Phase::Waiting(match &waiting.message {
                Some(m) if !m.is_empty() => format!("{reason}: {m}"),
                _ => reason,
            })
        }
        _ => Phase::HasLogs,
    }
}

/// Whether the kubelet will start the (terminated) container again: regular containers under
/// `restartPolicy: Always`, or `OnFailure` after a failure. Init and ephemeral ones never.
pub fn restarts(pod: &Pod, container: &str) -> bool {
    let Some(spec) = &pod.spec else {
        return false;
    };
    if !spec.containers.iter().any(|c| c.name == container) {
        return false;
    }
    let failed = status(pod, container)
        .and_then(|s| s.state.as_ref())
        .and_then(|s| s.terminated.as_ref())
        .is_some_and(|t| t.exit_code != 0);
    match spec.restart_policy.as_deref().unwrap_or("Always") {
        "Always" => true,
        "OnFailure" => failed,
        _ => false,
    }
}

/// Whether the container is waiting now (for any reason, including CrashLoopBackOff).
pub fn waiting_reason(pod: &Pod, container: &str) -> Option<String> {
    status(pod, container)
        .and_then(|s| s.state.as_ref())
        .and_then(|s| s.waiting.as_ref())
        .map(|w| w.reason.clone().unwrap_or_else(|| "Waiting".into()))
}

/// Restart count and container id: when either changes, the instance is a new one.
pub fn instance(pod: &Pod, container: &str) -> (i32, Option<String>) {
    status(pod, container).map_or((0, None), |s| (s.restart_count, s.container_id.clone()))
}

/// A terminated container's description, if it is terminated now.
pub fn terminated(pod: &Pod, container: &str) -> Option<String> {
    let t = status(pod, container)?
        .state
        .as_ref()?
        .terminated
        .as_ref()?;
    let reason = t.reason.clone().unwrap_or_else(|| "Terminated".into());
    Some(format!("{reason}, exit code {}", t.exit_code))
}

//! kubectl's pod summary: the STATUS word, READY counts and RESTARTS, following `printPod` in
//! Kubernetes' `pkg/printers/internalversion/printers.go`, plus the health each status word means.

use crate::objects::{
    Condition as PodCondition, Container, ContainerState, ContainerStatus, Pod, Str,
};
use jiff::Timestamp;

use super::Health;

/// What `kubectl get pods` prints about a pod's containers and state.
#[derive(Debug, Clone, PartialEq)]
pub struct PodSummary {
    /// The STATUS column word (`Running`, `CrashLoopBackOff`, `Init:0/1`, `Terminating` …).
    pub status: String,
    pub ready: u32,
    pub total: u32,
    pub restarts: i64,
    /// When the most recent restart happened (the last termination's finish time).
    pub last_restart: Option<Timestamp>,
}

/// `restartPolicy: Always` on an init container makes it a sidecar.
fn is_restartable(c: Option<&Container>) -> bool {
    c.and_then(|c| c.restart_policy.as_deref()) == Some("Always")
}

fn condition_true(conds: &[PodCondition], type_: &str) -> bool {
    conds.iter().any(|c| c.type_ == type_ && c.status == "True")
}

fn last_finished(cs: &ContainerStatus) -> Option<Timestamp> {
    cs.last_state
        .as_ref()?
        .terminated
        .as_ref()?
        .finished_at
        .map(|t| t.ts())
}

fn later(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

fn nonempty(s: &Option<Str>) -> Option<&str> {
    s.as_deref().filter(|s| !s.is_empty())
}

/// Computes the summary `kubectl get pods` shows for `pod`.
pub fn summarize(pod: &Pod) -> PodSummary {
    let empty_status = Default::default();
    let status = pod.status.as_ref().unwrap_or(&empty_status);
    let spec_containers: &[Container] = pod.spec.as_ref().map(|s| &s.containers[..]).unwrap_or(&[]);
    let spec_inits: &[Container] = pod
        .spec
        .as_ref()
        .and_then(|s| s.init_containers.as_deref())
        .map_or(&[][..], |l| &l[..]);
    let conditions: &[PodCondition] = status.conditions.as_deref().map(|c| &c[..]).unwrap_or(&[]);
    let phase = status.phase.as_deref().unwrap_or_default().to_string();

    let mut reason = nonempty(&status.reason)
        .map(str::to_string)
        .unwrap_or_else(|| phase.clone());
    if conditions
        .iter()
        .any(|c| c.type_ == "PodScheduled" && c.reason.as_deref() == Some("SchedulingGated"))
    {
        reason = "SchedulingGated".to_string();
    }

    let mut total = spec_containers.len() as u32;
    total += spec_inits
        .iter()
        .filter(|c| is_restartable(Some(c)))
        .count() as u32;
    let mut ready = 0u32;
    let mut restarts = 0i64;
    let mut last_restart = None;
    let mut sidecar_restarts = 0i64;
    let mut sidecar_last = None;

    let init_spec = |name: &str| spec_inits.iter().find(|c| c.name == name);
    let mut initializing = false;
    for (i, cs) in status
        .init_container_statuses
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        restarts += i64::from(cs.restart_count);
        last_restart = later(last_restart, last_finished(cs));
        let restartable = is_restartable(init_spec(&cs.name));
        if restartable {
            sidecar_restarts += i64::from(cs.restart_count);
            sidecar_last = later(sidecar_last, last_finished(cs));
        }
        let state = cs.state.as_ref();
        let terminated = state.and_then(|s| s.terminated.as_ref());
        let waiting = state.and_then(|s| s.waiting.as_ref());
        if terminated.is_some_and(|t| t.exit_code == 0) {
            continue;
        }
        if restartable && cs.started == Some(true) {
            if cs.ready {
                ready += 1;
            }
            continue;
        }
        if let Some(t) = terminated {
            reason = match nonempty(&t.reason) {
                Some(r) => format!("Init:{r}"),
                None => match t.signal.filter(|s| *s != 0) {
                    Some(sig) => format!("Init:Signal:{sig}"),
                    None => format!("Init:ExitCode:{}", t.exit_code),
                },
            };
        } else if let Some(r) = waiting
            .and_then(|w| nonempty(&w.reason))
            .filter(|r| *r != "PodInitializing")
        {
            reason = format!("Init:{r}");
        } else {
            reason = format!("Init:{i}/{}", spec_inits.len());
        }
        initializing = true;
        break;
    }

    if !initializing || condition_true(conditions, "Initialized") {
        restarts = sidecar_restarts;
        last_restart = sidecar_last;
        let mut has_running = false;
        for cs in status
            .container_statuses
            .as_deref()
            .unwrap_or(&[])
            .iter()
            .rev()
        {
            restarts += i64::from(cs.restart_count);
            last_restart = later(last_restart, last_finished(cs));
            let empty_state = ContainerState::default();
            let state = cs.state.as_ref().unwrap_or(&empty_state);
            if let Some(r) = state.waiting.as_ref().and_then(|w| nonempty(&w.reason)) {
                reason = r.to_string();
            } else if let Some(t) = &state.terminated {
                reason = match nonempty(&t.reason) {
                    Some(r) => r.to_string(),
                    None => match t.signal.filter(|s| *s != 0) {
                        Some(sig) => format!("Signal:{sig}"),
                        None => format!("ExitCode:{}", t.exit_code),
                    },
                };
            } else if cs.ready && state.running.is_some() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if condition_true(conditions, "Ready") {
                "Running"
            } else {
                "NotReady"
            }
            .to_string();
        }
    }

    let deleting = pod.metadata.deletion_timestamp.is_some();
    if deleting && status.reason.as_deref() == Some("NodeLost") {
        reason = "Unknown".to_string();
    } else if deleting && phase != "Succeeded" && phase != "Failed" {
        reason = "Terminating".to_string();
    }
    if reason.is_empty() {
        reason = "Unknown".to_string();
    }

    PodSummary {
        status: reason,
        ready,
        total,
        restarts,
        last_restart,
    }
}

/// The health a pod status word stands for. `ready`/`total` distinguish a healthy `Running`
/// from one with unready containers.
pub fn status_health(status: &str, ready: u32, total: u32) -> Health {
    if let Some(init) = status.strip_prefix("Init:") {
        // `Init:1/2` is still progressing; `Init:<reason>` is classified by the reason.
        if init.contains('/') && init.split('/').all(|p| p.parse::<u32>().is_ok()) {
            return Health::Progressing;
        }
        return match word_health(init) {
            Health::Ok | Health::Done => Health::Progressing,
            h => h,
        };
    }
    match status {
        "Running" if ready >= total => Health::Ok,
        "Running" => Health::Warning,
        other => word_health(other),
    }
}

fn word_health(word: &str) -> Health {
    match word {
        "Running" => Health::Ok,
        "Completed" | "Succeeded" => Health::Done,
        "Pending" | "ContainerCreating" | "PodInitializing" | "Terminating" | "SchedulingGated" => {
            Health::Progressing
        }
        "NotReady" => Health::Warning,
        "CrashLoopBackOff"
        | "Error"
        | "ImagePullBackOff"
        | "ErrImagePull"
        | "OOMKilled"
        | "Evicted"
        | "CreateContainerConfigError"
        | "CreateContainerError"
        | "Failed"
        | "Unknown"
        | "InvalidImageName"
        | "ErrImageNeverPull"
        | "RunContainerError"
        | "ContainerStatusUnknown"
        | "StartError"
        | "ContainerCannotRun"
        | "DeadlineExceeded"
        | "NodeLost"
        | "UnexpectedAdmissionError"
        | "OutOfcpu"
        | "OutOfmemory" => Health::Error,
        w if w.starts_with("ExitCode:") || w.starts_with("Signal:") => Health::Error,
        w if w.starts_with("OutOf") || w.ends_with("Error") || w.ends_with("BackOff") => {
            Health::Error
        }
        _ => Health::Warning,
    }
}

#[cfg(test)]
mod tests;

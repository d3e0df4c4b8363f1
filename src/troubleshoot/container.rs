//! Container-status helpers shared by the pod analyzers: which statuses a pod has, what an
//! exit code means, and which containers have crashed.

use crate::objects::{Container, ContainerStateTerminated, ContainerStatus, Pod};

use super::snapshot::{ContainerKey, Snapshot};

/// Whether a status belongs to an init container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Init,
    Main,
}

/// Every container status of a pod, init containers first.
pub fn statuses(pod: &Pod) -> impl Iterator<Item = (Role, &ContainerStatus)> {
    let status = pod.status.as_ref();
    let init = status
        .and_then(|s| s.init_container_statuses.as_ref())
        .into_iter()
        .flatten()
        .map(|c| (Role::Init, c));
    let main = status
        .and_then(|s| s.container_statuses.as_ref())
        .into_iter()
        .flatten()
        .map(|c| (Role::Main, c));
    init.chain(main)
}

/// The spec of a container (init or main) by name.
pub fn spec<'a>(pod: &'a Pod, name: &str) -> Option<&'a Container> {
    let spec = pod.spec.as_ref()?;
    spec.containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .find(|c| c.name == name)
}

pub fn waiting_reason(c: &ContainerStatus) -> Option<&str> {
    c.state.as_ref()?.waiting.as_ref()?.reason.as_deref()
}

pub fn waiting_message(c: &ContainerStatus) -> &str {
    c.state
        .as_ref()
        .and_then(|s| s.waiting.as_ref())
        .and_then(|w| w.message.as_deref())
        .unwrap_or("")
}

pub fn last_terminated(c: &ContainerStatus) -> Option<&ContainerStateTerminated> {
    c.last_state.as_ref()?.terminated.as_deref()
}

pub fn current_terminated(c: &ContainerStatus) -> Option<&ContainerStateTerminated> {
    c.state.as_ref()?.terminated.as_deref()
}

pub fn is_running(c: &ContainerStatus) -> bool {
    c.state.as_ref().is_some_and(|s| s.running.is_some())
}

/// What an exit code (with the runtime's reason) means, in plain words.
pub fn explain_exit(code: i32, reason: &str) -> String {
    if reason == "OOMKilled" {
        return "OOMKilled (exit code 137): the container used more memory than its limit \
                (or the node ran out of memory) and the kernel killed it"
            .to_string();
    }
    if reason == "StartError" || reason == "ContainerCannotRun" {
        return format!(
            "{reason} (exit code {code}): the container runtime could not start the process \
             (bad command or entrypoint, missing file or mount path, permissions)"
        );
    }
    let meaning = match code {
        0 => {
            "the process exited successfully, but the pod's restartPolicy restarts it: \
              the command is not a long-running process"
        }
        1 => "the application exited with an error (look at its logs)",
        2 => "misuse of a shell builtin or invalid arguments",
        126 => "the command was found but is not executable (permissions or wrong binary format)",
        127 => "command not found: the entrypoint or command does not exist in the image",
        128 => "the container runtime could not start the process",
        134 => "SIGABRT: the process aborted itself (assertion or abort())",
        137 => {
            "SIGKILL without OOM: killed from outside, usually by a failing liveness probe \
                or during eviction/preemption, not by the memory limit"
        }
        139 => "SIGSEGV: the process crashed with a segmentation fault",
        143 => {
            "SIGTERM: the process was asked to stop and exited (a liveness kill with a \
                graceful shutdown, or the app stops itself on SIGTERM)"
        }
        c if c > 128 && c < 160 => "killed by a signal",
        _ => "the application exited with an error",
    };
    let reason = if reason.is_empty() { "exit" } else { reason };
    if code > 128 && code < 160 && ![137, 143, 134, 139].contains(&code) {
        format!(
            "{reason} (exit code {code}): {meaning} (signal {})",
            code - 128
        )
    } else {
        format!("{reason} (exit code {code}): {meaning}")
    }
}

/// Containers that crashed (crash loop, or restarted init containers): worth a previous log.
pub fn crashed_containers(snap: &Snapshot) -> Vec<ContainerKey> {
    crashed_containers_of(snap.pods.iter())
}

/// [`crashed_containers`] among these pods only.
pub fn crashed_containers_of<'a>(pods: impl Iterator<Item = &'a Pod>) -> Vec<ContainerKey> {
    let mut out = Vec::new();
    for pod in pods {
        let ns = pod.metadata.namespace.clone().unwrap_or_default();
        let name = pod.metadata.name.clone().unwrap_or_default();
        for (_, c) in statuses(pod) {
            let looping = waiting_reason(c) == Some("CrashLoopBackOff");
            let failed_before = c.restart_count > 0 && last_terminated(c).is_some();
            if looping || (failed_before && !c.ready) {
                out.push((ns.to_string(), name.to_string(), c.name.to_string()));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_decoded() {
        assert!(explain_exit(137, "OOMKilled").contains("memory"));
        assert!(explain_exit(137, "Error").contains("without OOM"));
        assert!(explain_exit(127, "Error").contains("command not found"));
        assert!(explain_exit(126, "Error").contains("not executable"));
        assert!(explain_exit(128, "StartError").contains("could not start"));
        assert!(explain_exit(143, "Error").contains("SIGTERM"));
        assert!(explain_exit(1, "Error").contains("application exited with an error"));
        assert!(explain_exit(0, "Completed").contains("not a long-running"));
        assert!(explain_exit(130, "Error").contains("signal 2"));
    }
}

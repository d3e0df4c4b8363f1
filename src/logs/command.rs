//! `:logs …` on the command line, kubectl-style: `:logs NAME [CONTAINER]`, `:logs pod/NAME`,
//! `:logs deploy/NAME` (also rs, sts, ds, job, svc) and `:logs -l SELECTOR`; `-p` for the
//! previous instance of a pod's container.

use super::spec::PodSet;

/// What `:logs` asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogsCommand {
    Pod {
        name: String,
        container: Option<String>,
        previous: bool,
    },
    Pods(PodSet),
}

/// Parses the words after `:logs`.
pub fn parse(args: &[&str]) -> Result<LogsCommand, String> {
    let previous = args.iter().any(|a| *a == "-p" || *a == "--previous");
    let words: Vec<&str> = args
        .iter()
        .copied()
        .filter(|a| *a != "-p" && *a != "--previous")
        .collect();
    match words.as_slice() {
        ["-l" | "--selector", selector] => {
            Ok(LogsCommand::Pods(PodSet::Labels(selector.to_string())))
        }
        [target, rest @ ..] if rest.len() <= 1 => {
            let (kind, name) = target.split_once('/').unwrap_or(("pod", target));
            if name.is_empty() {
                return Err("logs: a name is missing".to_string());
            }
            let workload = |kind: &str| {
                Ok(LogsCommand::Pods(PodSet::Workload {
                    kind: kind.to_string(),
                    name: name.to_string(),
                }))
            };
            match kind.to_ascii_lowercase().as_str() {
                "pod" | "pods" | "po" => Ok(LogsCommand::Pod {
                    name: name.to_string(),
                    container: rest.first().map(|c| c.to_string()),
                    previous,
                }),
                "deploy" | "deployment" | "deployments" => workload("Deployment"),
                "rs" | "replicaset" | "replicasets" => workload("ReplicaSet"),
                "sts" | "statefulset" | "statefulsets" => workload("StatefulSet"),
                "ds" | "daemonset" | "daemonsets" => workload("DaemonSet"),
                "job" | "jobs" => workload("Job"),
                "svc" | "service" | "services" => Ok(LogsCommand::Pods(PodSet::Service {
                    name: name.to_string(),
                })),
                other => Err(format!("logs: cannot tail a '{other}'")),
            }
        }
        _ => Err(
            "usage: :logs NAME [CONTAINER] [-p] | :logs deploy/NAME | :logs -l app=web".to_string(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_like_forms_parse() {
        assert_eq!(
            parse(&["web-1", "sidecar", "-p"]),
            Ok(LogsCommand::Pod {
                name: "web-1".into(),
                container: Some("sidecar".into()),
                previous: true
            })
        );
        assert_eq!(
            parse(&["sts/db"]),
            Ok(LogsCommand::Pods(PodSet::Workload {
                kind: "StatefulSet".into(),
                name: "db".into()
            }))
        );
        assert_eq!(
            parse(&["-l", "app=web"]),
            Ok(LogsCommand::Pods(PodSet::Labels("app=web".into())))
        );
        assert!(parse(&[]).is_err());
        assert!(parse(&["cm/x"]).is_err());
    }
}

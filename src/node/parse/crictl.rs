//! The container runtime's view through crictl: `crictl ps -a -o json` (live), the table of
//! `crictl ps -a` (what sosreport's crio plugin saves), and `crictl inspect` JSON.

use serde::Serialize;
use serde_json::Value;

/// A container on the node.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Container {
    pub id: String,
    /// Container name (`kube-apiserver`).
    pub name: String,
    /// Pod name (`kube-apiserver-cp-1`) and namespace, when known.
    pub pod_name: String,
    pub pod_namespace: String,
    /// `Running`, `Exited`, `Created`, `Unknown`.
    pub state: String,
    /// Restart attempt (crictl's ATTEMPT column).
    pub attempt: u32,
    /// The image as the runtime reports it (a name, or an image id).
    pub image: String,
    /// From `crictl inspect`, when it was read.
    pub exit_code: Option<i32>,
    pub reason: Option<String>,
    pub finished_at: Option<String>,
    /// The last lines of its log, when they were read.
    pub log_tail: Vec<String>,
}

fn state_word(cri: &str) -> String {
    match cri {
        "CONTAINER_RUNNING" => "Running",
        "CONTAINER_EXITED" => "Exited",
        "CONTAINER_CREATED" => "Created",
        "CONTAINER_UNKNOWN" => "Unknown",
        other => other,
    }
    .to_string()
}

fn s(v: &Value, path: &[&str]) -> String {
    path.iter()
        .try_fold(v, |v, k| v.get(*k))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

/// Parses `crictl ps -a -o json`.
pub fn parse_ps_json(text: &str) -> Result<Vec<Container>, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("not crictl JSON: {e}"))?;
    let list = v
        .get("containers")
        .and_then(Value::as_array)
        .ok_or("no \"containers\" list in crictl's output")?;
    Ok(list
        .iter()
        .map(|c| Container {
            id: s(c, &["id"]),
            name: s(c, &["metadata", "name"]),
            pod_name: s(c, &["labels", "io.kubernetes.pod.name"]),
            pod_namespace: s(c, &["labels", "io.kubernetes.pod.namespace"]),
            state: state_word(&s(c, &["state"])),
            attempt: c
                .get("metadata")
                .and_then(|m| m.get("attempt"))
                .and_then(Value::as_u64)
                .and_then(|a| u32::try_from(a).ok())
                .unwrap_or(0),
            image: s(c, &["image", "image"]),
            ..Container::default()
        })
        .collect())
}

/// Parses the table `crictl ps -a` prints (columns found by the header's positions, since
/// CREATED holds spaces: `2 minutes ago`).
pub fn parse_ps_table(text: &str) -> Result<Vec<Container>, String> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = lines
        .find(|l| l.starts_with("CONTAINER"))
        .ok_or("no CONTAINER header in crictl's table")?;
    let names = [
        "CONTAINER",
        "IMAGE",
        "CREATED",
        "STATE",
        "NAME",
        "ATTEMPT",
        "POD ID",
        "POD",
    ];
    let mut starts: Vec<(usize, &str)> = Vec::new();
    for name in names {
        let found = header.match_indices(name).find(|(i, _)| {
            let before_ok = *i == 0 || header[..*i].ends_with(' ');
            let after = &header[i + name.len()..];
            before_ok
                && (after.is_empty() || after.starts_with(' '))
                && !starts.iter().any(|(s, _)| s == i)
        });
        if let Some((i, _)) = found {
            starts.push((i, name));
        }
    }
    starts.sort();
    let column = |line: &str, name: &str| -> String {
        let Some(pos) = starts.iter().position(|(_, n)| *n == name) else {
            return String::new();
        };
        let from = starts[pos].0;
        let to = starts.get(pos + 1).map_or(line.len(), |(i, _)| *i);
        line.get(from..to.min(line.len()))
            .or_else(|| line.get(from..))
            .unwrap_or("")
            .trim()
            .to_string()
    };
    Ok(lines
        .map(|line| Container {
            id: column(line, "CONTAINER"),
            image: column(line, "IMAGE"),
            state: column(line, "STATE"),
            name: column(line, "NAME"),
            attempt: column(line, "ATTEMPT").parse().unwrap_or(0),
            pod_name: column(line, "POD")
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_string(),
            ..Container::default()
        })
        .filter(|c| !c.id.is_empty())
        .collect())
}

/// Adds what `crictl inspect` says (exit code, reason, finish time, the image name).
pub fn apply_inspect(container: &mut Container, text: &str) -> Result<(), String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("not crictl JSON: {e}"))?;
    let status = v.get("status").ok_or("no \"status\" in crictl inspect")?;
    container.exit_code = status
        .get("exitCode")
        .and_then(Value::as_i64)
        .and_then(|c| i32::try_from(c).ok());
    container.reason = Some(s(status, &["reason"])).filter(|r| !r.is_empty());
    container.finished_at =
        Some(s(status, &["finishedAt"])).filter(|f| !f.is_empty() && !f.starts_with("1970-01-01"));
    let image = s(status, &["image", "image"]);
    if !image.is_empty() && !image.starts_with("sha256:") {
        container.image = image;
    }
    if container.pod_name.is_empty() {
        container.pod_name = s(status, &["labels", "io.kubernetes.pod.name"]);
        container.pod_namespace = s(status, &["labels", "io.kubernetes.pod.namespace"]);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_json_and_inspect() {
        let table = "CONTAINER           IMAGE               CREATED             STATE               NAME                      ATTEMPT             POD ID              POD\n3f4b1c2d9e8a7       6f1d9b2c3a4e5       2 minutes ago       Exited              kube-apiserver            9                   5a6b7c8d9e0f1       kube-apiserver-cp-1\n";
        let c = parse_ps_table(table).expect("table");
        assert_eq!(c.len(), 1);
        assert_eq!(
            (
                c[0].id.as_str(),
                c[0].state.as_str(),
                c[0].name.as_str(),
                c[0].attempt
            ),
            ("3f4b1c2d9e8a7", "Exited", "kube-apiserver", 9)
        );
        assert_eq!(c[0].pod_name, "kube-apiserver-cp-1");
        let json = r#"{"containers":[{"id":"aa11bb22cc33","podSandboxId":"p","metadata":{"name":"etcd","attempt":0},"image":{"image":"sha256:2e96e5913fc06e3d26915af3d0f2ca5048cc4b6327e661e80da792cbf8d8d9d4"},"imageRef":"sha256:2e96","state":"CONTAINER_RUNNING","createdAt":"1717236932123456789","labels":{"io.kubernetes.container.name":"etcd","io.kubernetes.pod.name":"etcd-cp-1","io.kubernetes.pod.namespace":"kube-system"}}]}"#;
        let mut c = parse_ps_json(json).expect("json");
        assert_eq!(
            (c[0].state.as_str(), c[0].pod_namespace.as_str()),
            ("Running", "kube-system")
        );
        apply_inspect(
            &mut c[0],
            r#"{"status":{"exitCode":0,"reason":"","finishedAt":"1970-01-01T00:00:00Z","image":{"image":"registry.k8s.io/etcd:3.5.15-0"}}}"#,
        )
        .expect("inspect");
        assert_eq!(c[0].image, "registry.k8s.io/etcd:3.5.15-0");
        assert_eq!(c[0].finished_at, None);
        assert!(parse_ps_json("level=warning msg=\"x\"").is_err());
    }
}

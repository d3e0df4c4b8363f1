//! Container logs from a `kubectl cluster-info dump --output-directory` tree: each
//! `<namespace>/<pod>/logs.txt` holds blocks framed by
//! `==== START logs for container C of pod NS/POD ====` and `==== END logs ... ====`.
//! Only regular files are read, each up to a size limit (FIFOs and devices are skipped).

use std::fs;
use std::path::Path;

use jiff::Timestamp;

use crate::sim::mutation::Mutation;

/// Bytes read from one logs.txt at most.
const MAX_LOG_BYTES: u64 = 64 * 1024 * 1024;

/// Log lines of every `logs.txt` under `dir` (recursively), timed one second apart and ending
/// at `now`. Unreadable files and text outside START/END blocks are skipped.
pub fn dump_logs(dir: &Path, now: Timestamp) -> Vec<Mutation> {
    let mut out = Vec::new();
    collect(dir, 0, now, &mut out);
    out
}

fn collect(dir: &Path, depth: usize, now: Timestamp, out: &mut Vec<Mutation>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() && depth < 8 && !p.is_symlink() {
            collect(&p, depth + 1, now, out);
        } else if p.file_name().is_some_and(|n| n == "logs.txt")
            && let Ok(read) = crate::hostfs::read_file_capped(&p, MAX_LOG_BYTES)
        {
            parse(&String::from_utf8_lossy(&read.bytes), now, out);
        }
    }
}

/// Parses the blocks of one logs.txt.
pub fn parse(text: &str, now: Timestamp, out: &mut Vec<Mutation>) {
    let mut current: Option<(String, String, String)> = None;
    let mut lines: Vec<&str> = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("==== START logs for container ") {
            current = header(rest);
            lines.clear();
        } else if line.starts_with("==== END logs for container ") {
            if let Some((ns, pod, container)) = current.take() {
                let n = lines.len() as i64;
                for (i, l) in lines.drain(..).enumerate() {
                    let time =
                        Timestamp::from_second(now.as_second() - n + i as i64 + 1).unwrap_or(now);
                    out.push(Mutation::Log {
                        namespace: ns.clone(),
                        pod: pod.clone(),
                        container: container.clone(),
                        time,
                        line: l.to_string(),
                    });
                }
            }
        } else if current.is_some() {
            lines.push(line);
        }
    }
}

/// `C of pod NS/POD ====` → (NS, POD, C).
fn header(rest: &str) -> Option<(String, String, String)> {
    let rest = rest.strip_suffix(" ====")?;
    let (container, pod) = rest.split_once(" of pod ")?;
    let (ns, pod) = pod.split_once('/')?;
    Some((ns.to_string(), pod.to_string(), container.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dump_logs_are_read_from_logs_txt() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scenarios/dump");
        let now = Timestamp::from_second(1_800_000_000).unwrap_or(Timestamp::UNIX_EPOCH);
        let logs = dump_logs(&dir, now);
        assert_eq!(logs.len(), 4);
        match &logs[3] {
            Mutation::Log {
                namespace,
                pod,
                container,
                time,
                line,
            } => {
                assert_eq!(
                    (namespace.as_str(), pod.as_str(), container.as_str()),
                    ("kube-system", "coredns-5d78c9869d-abcde", "coredns")
                );
                assert_eq!(*time, now);
                assert_eq!(line, "linux/amd64, go1.23.3, 51e11f1");
            }
            other => panic!("{other:?}"),
        }
        let mut out = Vec::new();
        parse(
            "==== START logs for container x ====\nno\n==== END logs for container x ====\ngarbage",
            now,
            &mut out,
        );
        assert!(out.is_empty());
    }
}

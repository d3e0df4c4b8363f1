//! Reading why a control-plane component crashed from its termination message and the tail
//! of its previous log: a small library of the signatures these components print (a file
//! that does not exist, a binary not found, an unknown flag, x509 errors, a port in use, etcd
//! or the API server unreachable, etcd out of space …), each with its meaning and, when the
//! line names a path, URL or flag, the flag of the manifest's command line it comes from.

use std::sync::LazyLock;

use regex::Regex;

use super::cp_pods::flag_mentioning;

/// What kind of failure a log line shows (link rules read it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    MissingFile,
    BinaryNotFound,
    UnknownFlag,
    CertExpired,
    UnknownAuthority,
    KeyMismatch,
    PortInUse,
    EtcdUnreachable,
    ApiUnreachable,
    Unreachable,
    EtcdNoSpace,
    EtcdSlow,
    LeaseLost,
    Fatal,
}

/// The explanation of a crash found in its output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    pub cause: Cause,
    /// Plain words.
    pub meaning: String,
    /// The line it was read from.
    pub line: String,
    /// The path, address or flag the line names.
    pub subject: Option<String>,
    /// The manifest flag that holds it: (name, value).
    pub flag: Option<(String, String)>,
}

/// The patterns are constants of this file; a bad one (caught by the tests) matches nothing.
fn re(pattern: &str) -> Option<Regex> {
    Regex::new(pattern).ok()
}

static MISSING: LazyLock<Option<Regex>> = LazyLock::new(|| {
    re(r#"(?:open|stat|lstat|read)?\s*"?(/[^\s:"'\]]+)"?: no such file or directory"#)
});
static EXEC: LazyLock<Option<Regex>> =
    LazyLock::new(|| re(r#"exec: "([^"]+)": (?:executable file not found|no such file)"#));
static UNKNOWN_FLAG: LazyLock<Option<Regex>> =
    LazyLock::new(|| re(r"unknown (?:shorthand )?flag:? '?(-{1,2}[A-Za-z0-9][A-Za-z0-9_.-]*)"));
static IN_USE: LazyLock<Option<Regex>> =
    LazyLock::new(|| re(r"listen tcp ([^\s]*:\d+): bind: address already in use"));
static DIAL_REFUSED: LazyLock<Option<Regex>> =
    LazyLock::new(|| re(r"dial tcp ([^\s]*?):(\d+): connect: connection refused"));
static COMMAND_FAILED: LazyLock<Option<Regex>> =
    LazyLock::new(|| re(r#""command failed" err="(.*)"\s*$"#));

type Rule = fn(&str, &[&str]) -> Option<Diagnosis>;

fn diag(
    cause: Cause,
    meaning: String,
    line: &str,
    subject: Option<String>,
    cmd: &[&str],
) -> Diagnosis {
    let flag = subject
        .as_deref()
        .and_then(|s| flag_mentioning(cmd, s))
        .map(|(n, v)| (n.to_string(), v.to_string()));
    Diagnosis {
        cause,
        meaning,
        line: line.trim().to_string(),
        subject,
        flag,
    }
}

fn missing_file(line: &str, cmd: &[&str]) -> Option<Diagnosis> {
    let path = MISSING
        .as_ref()?
        .captures(line)?
        .get(1)?
        .as_str()
        .to_string();
    Some(diag(
        Cause::MissingFile,
        format!(
            "the file {path} does not exist (inside the container: a wrong path, or a host path that is not mounted)"
        ),
        line,
        Some(path),
        cmd,
    ))
}

fn binary(line: &str, cmd: &[&str]) -> Option<Diagnosis> {
    let bin = EXEC.as_ref()?.captures(line)?.get(1)?.as_str().to_string();
    let mut d = diag(
        Cause::BinaryNotFound,
        format!(
            "the command {bin:?} does not exist in the image: the manifest's command is misspelt"
        ),
        line,
        Some(bin.clone()),
        cmd,
    );
    if cmd.first() == Some(&bin.as_str()) {
        d.flag = Some(("command[0]".to_string(), bin));
    }
    Some(d)
}

fn unknown_flag(line: &str, cmd: &[&str]) -> Option<Diagnosis> {
    let f = UNKNOWN_FLAG
        .as_ref()?
        .captures(line)?
        .get(1)?
        .as_str()
        .to_string();
    let mut d = diag(
        Cause::UnknownFlag,
        format!(
            "the flag {f} is not known to this version of the component (a typo, or a flag that was removed)"
        ),
        line,
        Some(f.clone()),
        cmd,
    );
    let name = f.trim_start_matches('-');
    d.flag = cmd
        .iter()
        .find(|a| a.trim_start_matches('-').split('=').next() == Some(name))
        .map(|a| (name.to_string(), a.to_string()));
    Some(d)
}

fn x509(line: &str, cmd: &[&str]) -> Option<Diagnosis> {
    let l = line.to_ascii_lowercase();
    let (cause, meaning) = if l.contains("certificate has expired") || l.contains("not yet valid") {
        (
            Cause::CertExpired,
            "a certificate it uses or is shown has expired (or is not valid yet)",
        )
    } else if l.contains("signed by unknown authority") {
        (
            Cause::UnknownAuthority,
            "a certificate is not signed by the CA it trusts",
        )
    } else if l.contains("private key does not match public key") {
        (
            Cause::KeyMismatch,
            "a certificate and its key do not belong together",
        )
    } else {
        return None;
    };
    Some(diag(cause, meaning.to_string(), line, None, cmd))
}

fn in_use(line: &str, cmd: &[&str]) -> Option<Diagnosis> {
    let addr = IN_USE
        .as_ref()?
        .captures(line)?
        .get(1)?
        .as_str()
        .to_string();
    Some(diag(
        Cause::PortInUse,
        format!("another process already listens on {addr} (a second copy, or a leftover process)"),
        line,
        Some(addr),
        cmd,
    ))
}

fn refused(line: &str, cmd: &[&str]) -> Option<Diagnosis> {
    let c = DIAL_REFUSED.as_ref()?.captures(line)?;
    let host = c.get(1)?.as_str();
    let port = c.get(2)?.as_str();
    let addr = format!("{host}:{port}");
    let (cause, meaning) = match port {
        "2379" => (
            Cause::EtcdUnreachable,
            format!("etcd does not answer at {addr}: etcd is down"),
        ),
        "6443" => (
            Cause::ApiUnreachable,
            format!("the API server does not answer at {addr}"),
        ),
        _ => (
            Cause::Unreachable,
            format!("nothing answers at {addr}: a wrong address or port, or that server is down"),
        ),
    };
    Some(diag(cause, meaning, line, Some(addr), cmd))
}

fn etcd(line: &str, cmd: &[&str]) -> Option<Diagnosis> {
    let (cause, meaning) = if line.contains("database space exceeded") {
        (
            Cause::EtcdNoSpace,
            "etcd is out of space (NOSPACE alarm): it refuses every write until it is compacted and defragmented",
        )
    } else if line.contains("etcdserver: request timed out") || line.contains("took too long") {
        (
            Cause::EtcdSlow,
            "etcd answers too slowly (usually a slow or overloaded disk)",
        )
    } else {
        return None;
    };
    Some(diag(cause, meaning.to_string(), line, None, cmd))
}

fn lease(line: &str, cmd: &[&str]) -> Option<Diagnosis> {
    (line.contains("failed to renew lease") || line.contains("leaderelection lost")).then(|| {
        diag(
            Cause::LeaseLost,
            "it lost its leader lease (it could not renew it in time) and exited, as leader-elected components do".to_string(),
            line,
            None,
            cmd,
        )
    })
}

fn fatal(line: &str, cmd: &[&str]) -> Option<Diagnosis> {
    let err = COMMAND_FAILED
        .as_ref()
        .and_then(|r| r.captures(line))
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_string())
        .or_else(|| line.trim().strip_prefix("Error: ").map(str::to_string))?;
    Some(diag(
        Cause::Fatal,
        format!("it stopped with: {err}"),
        line,
        None,
        cmd,
    ))
}

/// The signatures, most specific first.
const RULES: &[Rule] = &[
    binary,
    unknown_flag,
    missing_file,
    x509,
    in_use,
    refused,
    etcd,
    lease,
    fatal,
];

/// Explains a crash from its output (termination message and log tail, oldest first), using
/// the container's command line to name the flag a path comes from. The newest line that
/// matches the most specific signature wins.
pub fn diagnose(lines: &[&str], cmd: &[&str]) -> Option<Diagnosis> {
    RULES
        .iter()
        .find_map(|rule| lines.iter().rev().find_map(|l| rule(l, cmd)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const SCHED: &[&str] = &[
        "kube-scheduler",
        "--authentication-kubeconfig=/etc/kubernetes/scheduler.conf",
        "--kubeconfig=/etc/kubernetes/scheduler.conff",
        "--leader-elect=true",
    ];

    #[test]
    fn a_missing_kubeconfig_points_at_its_flag() {
        let d = diagnose(
            &[
                "I0101 10:00:00.000000       1 serving.go:386] Generated self-signed cert in-memory",
                "E0101 10:00:00.100000       1 run.go:72] \"command failed\" err=\"stat /etc/kubernetes/scheduler.conff: no such file or directory\"",
            ],
            SCHED,
        )
        .unwrap();
        assert_eq!(d.cause, Cause::MissingFile);
        assert_eq!(
            d.subject.as_deref(),
            Some("/etc/kubernetes/scheduler.conff")
        );
        assert_eq!(
            d.flag,
            Some((
                "kubeconfig".to_string(),
                "/etc/kubernetes/scheduler.conff".to_string()
            ))
        );
    }

    #[test]
    fn signatures_of_the_reference_library() {
        let cases: &[(&str, Cause)] = &[
            (
                "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \"kube-schedulerrr\": executable file not found in $PATH: unknown",
                Cause::BinaryNotFound,
            ),
            ("Error: unknown flag: --insecure-port", Cause::UnknownFlag),
            (
                "W0101 10:00:00.000000 1 logging.go:59] [core] grpc: addrConn.createTransport failed to connect to {Addr: \"127.0.0.1:2379\"}. Err: connection error: desc = \"transport: Error while dialing: dial tcp 127.0.0.1:2379: connect: connection refused\"",
                Cause::EtcdUnreachable,
            ),
            (
                "E0101 reflector.go:158] failed to list *v1.Pod: Get \"https://10.0.0.10:6443/api/v1/pods\": dial tcp 10.0.0.10:6443: connect: connection refused",
                Cause::ApiUnreachable,
            ),
            (
                "failed to listen on 127.0.0.1:10259: listen tcp 127.0.0.1:10259: bind: address already in use",
                Cause::PortInUse,
            ),
            (
                "E0101 leaderelection.go:340] Failed to update lock: Put \"https://x\": x509: certificate has expired or is not yet valid: current time 2026-01-01T12:00:00Z is after 2025-12-31T00:00:00Z",
                Cause::CertExpired,
            ),
            (
                "etcdserver: mvcc: database space exceeded",
                Cause::EtcdNoSpace,
            ),
            (
                "E0101 leaderelection.go:308] failed to renew lease kube-system/kube-scheduler: timed out waiting for the condition",
                Cause::LeaseLost,
            ),
            (
                "Error: unable to load client CA provider: open /etc/kubernetes/pki/ca.crt: no such file or directory",
                Cause::MissingFile,
            ),
        ];
        for (line, cause) in cases {
            let d = diagnose(&[line], &["x"]).unwrap_or_else(|| panic!("{line}"));
            assert_eq!(d.cause, *cause, "{line}");
        }
        assert_eq!(
            diagnose(
                &["exec: \"kube-schedulerrr\": executable file not found in $PATH"],
                &["kube-schedulerrr"]
            )
            .unwrap()
            .flag,
            Some(("command[0]".to_string(), "kube-schedulerrr".to_string()))
        );
        assert!(diagnose(&["I0101 everything is fine"], SCHED).is_none());
    }

    #[test]
    fn every_pattern_compiles() {
        for r in [
            &MISSING,
            &EXEC,
            &UNKNOWN_FLAG,
            &IN_USE,
            &DIAL_REFUSED,
            &COMMAND_FAILED,
        ] {
            assert!(r.is_some());
        }
    }

    #[test]
    fn an_unknown_flag_is_found_on_the_command_line() {
        let d = diagnose(
            &["Error: unknown flag: --insecure-port"],
            &["kube-apiserver", "--insecure-port=0", "--secure-port=6443"],
        )
        .unwrap();
        assert_eq!(
            d.flag,
            Some(("insecure-port".to_string(), "--insecure-port=0".to_string()))
        );
    }
}

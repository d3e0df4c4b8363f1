//! The one place the node collector starts a process. [`run_argv`] refuses any command line
//! that [`NodeCommand::parse`] does not accept; what passes is started without a shell, from a
//! fixed list of system directories, with a cleared environment, stdin closed, a timeout, and
//! its output capped. A missing program is reported, not an error of the run.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::commands::{NodeCommand, Refused};

/// How commands are run.
#[derive(Debug, Clone)]
pub struct RunnerConfig {
    /// Directories searched for the program, in order (no `$PATH` from the user).
    pub search_path: Vec<PathBuf>,
    /// How long one command may take before it is killed.
    pub timeout: Duration,
    /// Bytes of stdout kept.
    pub max_stdout: usize,
}

/// The system directories programs are taken from.
pub const SYSTEM_PATH: [&str; 6] = [
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
];

impl Default for RunnerConfig {
    fn default() -> Self {
        RunnerConfig {
            search_path: SYSTEM_PATH.iter().map(PathBuf::from).collect(),
            timeout: Duration::from_secs(10),
            max_stdout: 8 * 1024 * 1024,
        }
    }
}

/// What came of a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It ran and exited 0 (or, for `systemctl is-active`, printed a state).
    Output {
        stdout: String,
        truncated: bool,
    },
    /// It ran and failed.
    Failed {
        code: Option<i32>,
        stderr: String,
    },
    NotInstalled,
    TimedOut(Duration),
    Refused(Refused),
    /// It could not be started.
    Unstartable(String),
}

impl Outcome {
    /// Stdout, or why there is none (for a coverage note).
    pub fn into_stdout(self, command: &str) -> Result<String, String> {
        match self {
            Outcome::Output { stdout, .. } => Ok(stdout),
            Outcome::Failed { code, stderr } => {
                let first = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
                let code = code.map_or("a signal".to_string(), |c| format!("exit code {c}"));
                Err(format!("`{command}` failed ({code}): {first}"))
            }
            Outcome::NotInstalled => Err(format!(
                "`{}` is not installed (looked in {})",
                command.split(' ').next().unwrap_or(command),
                SYSTEM_PATH.join(":")
            )),
            Outcome::TimedOut(after) => Err(format!(
                "`{command}` did not finish within {} s and was stopped",
                after.as_secs()
            )),
            Outcome::Refused(r) => Err(r.to_string()),
            Outcome::Unstartable(why) => Err(format!("`{command}` could not be started: {why}")),
        }
    }
}

/// Runs an allowed command.
pub fn run(command: &NodeCommand, config: &RunnerConfig) -> Outcome {
    run_argv(&command.argv(), config)
}

/// Runs a command line if, and only if, it is on the allow-list.
pub fn run_argv(argv: &[String], config: &RunnerConfig) -> Outcome {
    let command = match NodeCommand::parse(argv) {
        Ok(c) => c,
        Err(refused) => return Outcome::Refused(refused),
    };
    let Some(program) = find_program(command.program(), &config.search_path) else {
        return Outcome::NotInstalled;
    };
    let args = &argv[1..];
    let path_value = config
        .search_path
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(":");
    // A container's log is its stdout and stderr: crictl prints them on both, merged here in
    // order through one pipe.
    let merge = matches!(command, NodeCommand::CrictlLogs { .. });
    let spawned = {
        let mut cmd = Command::new(&program);
        cmd.args(args)
            .env_clear()
            .env("PATH", path_value)
            .env("LC_ALL", "C")
            .env("SYSTEMD_PAGER", "cat")
            .env("SYSTEMD_COLORS", "0")
            .stdin(Stdio::null());
        let merged_reader = if merge {
            match std::io::pipe().and_then(|(r, w)| Ok((r, w.try_clone()?, w))) {
                Ok((reader, out, err)) => {
                    cmd.stdout(out).stderr(err);
                    Some(reader)
                }
                Err(e) => return Outcome::Unstartable(e.to_string()),
            }
        } else {
            cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
            None
        };
        // `cmd` (holding the pipe's write ends) is dropped at the end of this block.
        cmd.spawn().map(|child| (child, merged_reader))
    };
    let (child, merged) = match spawned {
        Ok(spawned) => spawned,
        Err(e) => return Outcome::Unstartable(e.to_string()),
    };
    let is_active = matches!(command, NodeCommand::SystemctlIsActive { .. });
    wait(child, merged, config, is_active)
}

fn find_program(name: &str, dirs: &[PathBuf]) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    dirs.iter().map(|d| d.join(name)).find(|p| {
        std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    })
}

/// Reads a pipe to the end in a thread, keeping at most `cap` bytes.
fn drain(
    pipe: Option<impl Read + Send + 'static>,
    cap: usize,
) -> std::thread::JoinHandle<(Vec<u8>, bool)> {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut truncated = false;
        if let Some(mut pipe) = pipe {
            let mut buf = [0u8; 16 * 1024];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let room = cap.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
                truncated |= n > room;
            }
        }
        (kept, truncated)
    })
}

fn wait(
    mut child: Child,
    merged: Option<std::io::PipeReader>,
    config: &RunnerConfig,
    is_active: bool,
) -> Outcome {
    let stdout = match merged {
        Some(reader) => drain(Some(reader), config.max_stdout),
        None => drain(child.stdout.take(), config.max_stdout),
    };
    let stderr = drain(child.stderr.take(), 64 * 1024);
    let deadline = Instant::now() + config.timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Outcome::Unstartable(e.to_string()),
        }
    };
    let Some(status) = status else {
        // The readers are left to finish on their own: a grandchild may still hold the pipes.
        return Outcome::TimedOut(config.timeout);
    };
    let (out, truncated) = stdout.join().unwrap_or_default();
    let (err, _) = stderr.join().unwrap_or_default();
    let stdout = String::from_utf8_lossy(&out).into_owned();
    // `systemctl is-active` exits non-zero for every state but "active", and still answers.
    if status.success() || (is_active && !stdout.trim().is_empty()) {
        Outcome::Output { stdout, truncated }
    } else {
        Outcome::Failed {
            code: status.code(),
            stderr: String::from_utf8_lossy(&err).into_owned(),
        }
    }
}

/// Where a program would be taken from (for messages and tests).
pub fn program_path(name: &str, config: &RunnerConfig) -> Option<PathBuf> {
    find_program(name, &config.search_path)
}

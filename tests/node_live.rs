//! Live mode, read-only by construction: the collector runs only allow-listed commands through
//! the one runner (proved with fake tools that record every command line and the environment
//! they got), nothing else can be executed, a hanging tool is stopped, a missing one is a
//! coverage note, output is capped, and only `runner.rs` in `src/node` can start a process.

#![allow(clippy::unwrap_used)]

#[path = "fixtures/certs/gen.rs"]
mod generated;
#[path = "fixtures/node/gen.rs"]
mod node_gen;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Timestamp;
use kmedic::node::commands::{ContainerId, NodeCommand, READ_ONLY_VERBS, Unit};
use kmedic::node::runner::{self, Outcome, RunnerConfig};
use kmedic::node::{ClusterContext, NodeSource, inspect};

/// A fake tool: records `$0 $*` and its environment, then answers by command line.
fn fake_tool(dir: &Path, name: &str, answers: &[(String, PathBuf)], fallback: &str) {
    let log = dir.join("calls.log");
    let env = dir.join("env.log");
    let mut script = format!(
        "#!/bin/sh\nprintf '%s\\n' \"{name} $*\" >> {}\n/usr/bin/env >> {}\ncase \"$*\" in\n",
        log.display(),
        env.display()
    );
    for (args, file) in answers {
        script.push_str(&format!("  \"{args}\") /bin/cat {} ;;\n", file.display()));
    }
    script.push_str(&format!("  *) {fallback} ;;\nesac\n"));
    let path = dir.join(name);
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn args_of(cmd: &NodeCommand) -> String {
    cmd.argv()[1..].join(" ")
}

/// Fake tools answering from the control-plane bundle's recorded outputs.
fn tools_for(root: &Path, tools: &Path) {
    let k = root.join("sos_commands/kmedic");
    let file = |cmd: &NodeCommand| k.join(kmedic::node::bundle::mangle(&cmd.display()));
    let journal = |unit| NodeCommand::Journal { unit, lines: 300 };
    let show = |unit| NodeCommand::SystemctlShow { unit };
    let answers = |cmds: Vec<NodeCommand>| -> Vec<(String, PathBuf)> {
        cmds.iter()
            .filter(|c| file(c).exists())
            .map(|c| (args_of(c), file(c)))
            .collect()
    };
    fake_tool(
        tools,
        "journalctl",
        &answers(vec![journal(Unit::Kubelet), journal(Unit::Containerd)]),
        "echo '-- No entries --'",
    );
    fake_tool(
        tools,
        "systemctl",
        &answers(vec![show(Unit::Kubelet), show(Unit::Containerd)]),
        "echo 'ActiveState=inactive'",
    );
    let mut crictl = vec![NodeCommand::CrictlPs];
    for entry in std::fs::read_dir(&k).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(id) = name.strip_prefix("crictl_inspect_") {
            crictl.push(NodeCommand::CrictlInspect {
                id: ContainerId::new(id).unwrap(),
            });
        }
        if let Some(id) = name.strip_prefix("crictl_logs_--tail_50_") {
            crictl.push(NodeCommand::CrictlLogs {
                id: ContainerId::new(id).unwrap(),
                tail: 50,
            });
        }
    }
    fake_tool(
        tools,
        "crictl",
        &answers(crictl),
        "echo 'container not found' >&2; exit 1",
    );
    let rules = tools.join("iptables.txt");
    std::fs::write(
        &rules,
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("src/node/kubeproxy/tests.rs"),
        )
        .unwrap()
        .split("const DUMP: &str = r#\"")
        .nth(1)
        .unwrap()
        .split("\"#;")
        .next()
        .unwrap(),
    )
    .unwrap();
    fake_tool(tools, "iptables-save", &[(String::new(), rules)], "exit 2");
}

fn config(tools: &Path) -> RunnerConfig {
    RunnerConfig {
        search_path: vec![tools.to_path_buf()],
        timeout: Duration::from_secs(20),
        ..RunnerConfig::default()
    }
}

#[test]
fn live_mode_runs_only_allowed_commands_with_a_clean_environment() {
    let root = tempfile::tempdir().unwrap();
    node_gen::control_plane(root.path());
    let tools = tempfile::tempdir().unwrap();
    tools_for(root.path(), tools.path());
    let source = NodeSource::live_at(root.path(), config(tools.path())).unwrap();
    assert!(source.is_live());
    let (report, data) = inspect(&source, &ClusterContext::default(), Timestamp::now()).unwrap();
    assert!(data.live);
    let checks: Vec<&str> = report.findings.iter().map(|f| f.check.as_str()).collect();
    for want in [
        "control-plane-container-down",
        "static-pod-file-missing",
        "kube-proxy-rejects-service",
        "cgroup-driver-mismatch",
    ] {
        assert!(checks.contains(&want), "{want}: {checks:?}");
    }
    assert_eq!(
        data.unit("kubelet").unwrap().source,
        "systemctl show kubelet --no-pager"
    );
    let calls = std::fs::read_to_string(tools.path().join("calls.log")).unwrap();
    let lines: Vec<&str> = calls.lines().collect();
    assert!(lines.len() >= 8, "{calls}");
    for line in &lines {
        let argv: Vec<String> = line
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        assert!(
            NodeCommand::parse(&argv).is_ok(),
            "not on the allow-list: {line}"
        );
    }
    assert!(lines.contains(&"crictl logs --tail 50 7d1c0a6f5e4b3a29180f7e6d5c4b3a2918f7e6d5c4b3a2918f7e6d5c4b3a2910"), "{calls}");
    let env = std::fs::read_to_string(tools.path().join("env.log")).unwrap();
    assert!(
        env.contains(&format!("PATH={}\n", tools.path().display())),
        "{env}"
    );
    assert!(env.contains("LC_ALL=C\n"));
    for leaked in ["HOME=", "USER=", "KUBECONFIG=", "CARGO"] {
        assert!(
            !env.lines().any(|l| l.starts_with(leaked)),
            "{leaked} reached a tool: {env}"
        );
    }
}

#[test]
fn hanging_missing_and_chatty_tools() {
    let tools = tempfile::tempdir().unwrap();
    let t = tools.path();
    fake_tool(t, "iptables-save", &[], "exec /bin/sleep 30");
    fake_tool(
        t,
        "journalctl",
        &[],
        "/usr/bin/head -c 200000 /dev/zero | /usr/bin/tr '\\0' 'x'",
    );
    let quick = RunnerConfig {
        search_path: vec![t.to_path_buf()],
        timeout: Duration::from_secs(1),
        max_stdout: 1000,
    };
    let hang = runner::run(&NodeCommand::IptablesSave { nat_only: false }, &quick);
    assert_eq!(hang, Outcome::TimedOut(Duration::from_secs(1)));
    let missing = runner::run(&NodeCommand::CrictlPs, &quick);
    assert_eq!(missing, Outcome::NotInstalled);
    assert!(
        missing
            .into_stdout("crictl ps -a -o json")
            .unwrap_err()
            .contains("is not installed")
    );
    match runner::run(
        &NodeCommand::Journal {
            unit: Unit::Kubelet,
            lines: 10,
        },
        &RunnerConfig {
            timeout: Duration::from_secs(20),
            ..quick.clone()
        },
    ) {
        Outcome::Output { stdout, truncated } => {
            assert!(truncated);
            assert_eq!(stdout.len(), 1000);
        }
        other => panic!("{other:?}"),
    }
    // The collector turns them into coverage notes and goes on.
    let root = tempfile::tempdir().unwrap();
    node_gen::control_plane(root.path());
    let source = NodeSource::live_at(root.path(), quick).unwrap();
    let (report, _) = inspect(&source, &ClusterContext::default(), Timestamp::now()).unwrap();
    let notes: Vec<String> = report
        .coverage
        .iter()
        .map(|c| format!("{}: {}", c.what, c.why))
        .collect();
    let all = notes.join("\n");
    assert!(
        all.contains("`iptables-save` did not finish within 1 s and was stopped"),
        "{all}"
    );
    assert!(all.contains("`crictl` is not installed"), "{all}");
    assert!(all.contains("`systemctl` is not installed"), "{all}");
}

#[test]
fn nothing_outside_the_allow_list_can_run() {
    let tools = tempfile::tempdir().unwrap();
    for name in [
        "systemctl",
        "journalctl",
        "crictl",
        "iptables-save",
        "iptables",
        "nft",
        "ipvsadm",
        "ipvsadm-restore",
        "sh",
        "rm",
    ] {
        fake_tool(tools.path(), name, &[], "echo ran");
    }
    let refused = [
        "systemctl restart kubelet",
        "systemctl stop kubelet",
        "systemctl show kubelet",
        "systemctl show sshd --no-pager",
        "systemctl is-active kubelet; rm -rf /",
        "journalctl -u kubelet -n 300 --no-pager -o short-iso --rotate",
        "journalctl --vacuum-time=1s",
        "journalctl -u kubelet -n 0 --no-pager -o short-iso",
        "journalctl -u kubelet -n 0300 --no-pager -o short-iso",
        "journalctl -u kubelet -n 999999 --no-pager -o short-iso",
        "journalctl -u -kubelet -n 3 --no-pager -o short-iso",
        "crictl rm 1f73f2d81bf9",
        "crictl exec -it 1f73f2d81bf9 sh",
        "crictl stop 1f73f2d81bf9",
        "crictl inspect ../../etc",
        "crictl inspect 1F73F2D81BF9",
        "crictl logs --tail 50 --follow 1f73f2d81bf9",
        "iptables -F",
        "iptables-save -t filter",
        "iptables-restore",
        "nft flush ruleset",
        "nft add rule ip kube-proxy services drop",
        "nft delete table ip kube-proxy",
        "nft -f /tmp/rules.nft",
        "nft list ruleset; nft flush ruleset",
        "nft list ruleset -a",
        "nft -i",
        "ipvsadm -C",
        "ipvsadm -A -t 10.96.0.1:443 -s rr",
        "ipvsadm -D -t 10.96.0.1:443",
        "ipvsadm --restore",
        "ipvsadm -Ln --connection",
        "ipvsadm-restore",
        "sh -c id",
        "rm -rf /",
        "",
    ];
    for line in refused {
        let argv: Vec<String> = line
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        assert!(NodeCommand::parse(&argv).is_err(), "accepted: {line}");
        let outcome = runner::run_argv(&argv, &config(tools.path()));
        assert!(
            matches!(outcome, Outcome::Refused(_)),
            "{line}: {outcome:?}"
        );
    }
    assert!(
        !tools.path().join("calls.log").exists(),
        "a refused command ran"
    );

    // Every allowed command uses only read-only verbs, and round-trips through the gate.
    let id = ContainerId::new("1f73f2d81bf98").unwrap();
    let mut all = vec![
        NodeCommand::IptablesSave { nat_only: false },
        NodeCommand::IptablesSave { nat_only: true },
        NodeCommand::NftListRuleset,
        NodeCommand::IpvsadmList,
        NodeCommand::CrictlPs,
        NodeCommand::CrictlInspect { id: id.clone() },
        NodeCommand::CrictlLogs { id, tail: 50 },
    ];
    for unit in Unit::ALL {
        all.push(NodeCommand::Journal { unit, lines: 300 });
        all.push(NodeCommand::SystemctlShow { unit });
        all.push(NodeCommand::SystemctlIsActive { unit });
    }
    let mutating = [
        "start",
        "stop",
        "restart",
        "reload",
        "enable",
        "disable",
        "mask",
        "kill",
        "rm",
        "rmi",
        "rmp",
        "exec",
        "run",
        "create",
        "delete",
        "update",
        "-F",
        "-X",
        "-D",
        "-A",
        "-I",
        "--vacuum-time",
        "--rotate",
        "--flush",
        "flush",
        "add",
        "insert",
        "replace",
        "-f",
        "-C",
        "-E",
        "-R",
        "--restore",
    ];
    for cmd in all {
        let argv = cmd.argv();
        assert_eq!(NodeCommand::parse(&argv).as_ref(), Ok(&cmd));
        let (_, verbs) = READ_ONLY_VERBS.iter().find(|(p, _)| *p == argv[0]).unwrap();
        if let Some(verb) = argv.get(1).filter(|_| !verbs.is_empty()) {
            assert!(verbs.contains(&verb.as_str()), "{argv:?}");
        }
        for word in &argv {
            assert!(!mutating.contains(&word.as_str()), "{argv:?}");
        }
    }
}

#[test]
fn only_the_runner_starts_processes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/node");
    let mut stack = vec![dir.clone()];
    let mut spawners = Vec::new();
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                if [
                    "std::process",
                    "Command::new",
                    "libc::exec",
                    "libc::fork",
                    "posix_spawn",
                ]
                .iter()
                .any(|needle| text.contains(needle))
                {
                    spawners.push(p.strip_prefix(&dir).unwrap().display().to_string());
                }
            }
        }
    }
    assert_eq!(spawners, vec!["runner.rs".to_string()]);
}

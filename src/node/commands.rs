//! The fixed allow-list of read-only commands the node collector may run. A command exists only
//! as a [`NodeCommand`] value; [`NodeCommand::parse`] is the gate every command line passes
//! before it is executed (see `runner.rs`), and it accepts exactly the shapes `argv` produces:
//! read-only verbs, a fixed set of systemd units, hex container ids, bounded line counts.

use std::fmt;

/// The systemd units kmedic asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    Kubelet,
    Containerd,
    Crio,
    Docker,
    CriDocker,
    KubeApiserver,
    KubeControllerManager,
    KubeScheduler,
    Etcd,
    KubeProxy,
}

impl Unit {
    pub const ALL: [Unit; 10] = [
        Unit::Kubelet,
        Unit::Containerd,
        Unit::Crio,
        Unit::Docker,
        Unit::CriDocker,
        Unit::KubeApiserver,
        Unit::KubeControllerManager,
        Unit::KubeScheduler,
        Unit::Etcd,
        Unit::KubeProxy,
    ];

    /// The container runtimes.
    pub const RUNTIMES: [Unit; 4] = [Unit::Containerd, Unit::Crio, Unit::Docker, Unit::CriDocker];

    /// Control-plane components that may run as systemd units ("the hard way").
    pub const CONTROL_PLANE: [Unit; 5] = [
        Unit::KubeApiserver,
        Unit::KubeControllerManager,
        Unit::KubeScheduler,
        Unit::Etcd,
        Unit::KubeProxy,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Unit::Kubelet => "kubelet",
            Unit::Containerd => "containerd",
            Unit::Crio => "crio",
            Unit::Docker => "docker",
            Unit::CriDocker => "cri-docker",
            Unit::KubeApiserver => "kube-apiserver",
            Unit::KubeControllerManager => "kube-controller-manager",
            Unit::KubeScheduler => "kube-scheduler",
            Unit::Etcd => "etcd",
            Unit::KubeProxy => "kube-proxy",
        }
    }

    /// The syslog identifier its lines carry in a whole-system journal (`kubelet[1234]:`).
    pub fn identifier(self) -> &'static str {
        match self {
            Unit::Docker => "dockerd",
            Unit::CriDocker => "cri-dockerd",
            other => other.name(),
        }
    }

    pub fn from_name(name: &str) -> Option<Unit> {
        let name = name.strip_suffix(".service").unwrap_or(name);
        Unit::ALL.into_iter().find(|u| u.name() == name)
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A container id as the runtime prints it: 6 to 64 lowercase hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContainerId(String);

impl ContainerId {
    pub fn new(id: &str) -> Option<ContainerId> {
        let ok = (6..=64).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        ok.then(|| ContainerId(id.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Most lines asked of one journal or one container log.
pub const MAX_LINES: u32 = 5000;

/// Every command the collector may run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeCommand {
    /// `journalctl -u UNIT -n N --no-pager -o short-iso`
    Journal { unit: Unit, lines: u32 },
    /// `systemctl show UNIT --no-pager`
    SystemctlShow { unit: Unit },
    /// `systemctl is-active UNIT`
    SystemctlIsActive { unit: Unit },
    /// `iptables-save`, or `iptables-save -t nat`
    IptablesSave { nat_only: bool },
    /// `nft list ruleset` (kube-proxy's nftables mode)
    NftListRuleset,
    /// `ipvsadm -Ln` (kube-proxy's IPVS mode: virtual services and their real servers)
    IpvsadmList,
    /// `crictl ps -a -o json`
    CrictlPs,
    /// `crictl inspect ID`
    CrictlInspect { id: ContainerId },
    /// `crictl logs --tail N ID`
    CrictlLogs { id: ContainerId, tail: u32 },
}

/// Why a command line is not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an allowed read-only command: {0}")]
pub struct Refused(pub String);

/// Programs and the verbs kmedic uses of them; none of them changes anything.
pub const READ_ONLY_VERBS: &[(&str, &[&str])] = &[
    ("journalctl", &["-u"]),
    ("systemctl", &["show", "is-active"]),
    ("iptables-save", &[]),
    ("nft", &["list"]),
    ("ipvsadm", &["-Ln"]),
    ("crictl", &["ps", "inspect", "logs"]),
];

impl NodeCommand {
    /// The program to run.
    pub fn program(&self) -> &'static str {
        match self {
            NodeCommand::Journal { .. } => "journalctl",
            NodeCommand::SystemctlShow { .. } | NodeCommand::SystemctlIsActive { .. } => {
                "systemctl"
            }
            NodeCommand::IptablesSave { .. } => "iptables-save",
            NodeCommand::NftListRuleset => "nft",
            NodeCommand::IpvsadmList => "ipvsadm",
            NodeCommand::CrictlPs
            | NodeCommand::CrictlInspect { .. }
            | NodeCommand::CrictlLogs { .. } => "crictl",
        }
    }

    /// The whole command line, program first.
    pub fn argv(&self) -> Vec<String> {
        let words: Vec<String> = match self {
            NodeCommand::Journal { unit, lines } => vec![
                "-u".into(),
                unit.name().into(),
                "-n".into(),
                lines.to_string(),
                "--no-pager".into(),
                "-o".into(),
                "short-iso".into(),
            ],
            NodeCommand::SystemctlShow { unit } => {
                vec!["show".into(), unit.name().into(), "--no-pager".into()]
            }
            NodeCommand::SystemctlIsActive { unit } => {
                vec!["is-active".into(), unit.name().into()]
            }
            NodeCommand::IptablesSave { nat_only: false } => vec![],
            NodeCommand::IptablesSave { nat_only: true } => vec!["-t".into(), "nat".into()],
            NodeCommand::NftListRuleset => vec!["list".into(), "ruleset".into()],
            NodeCommand::IpvsadmList => vec!["-Ln".into()],
            NodeCommand::CrictlPs => vec!["ps".into(), "-a".into(), "-o".into(), "json".into()],
            NodeCommand::CrictlInspect { id } => vec!["inspect".into(), id.as_str().into()],
            NodeCommand::CrictlLogs { id, tail } => vec![
                "logs".into(),
                "--tail".into(),
                tail.to_string(),
                id.as_str().into(),
            ],
        };
        std::iter::once(self.program().to_string())
            .chain(words)
            .collect()
    }

    /// The command line as one string, for messages.
    pub fn display(&self) -> String {
        self.argv().join(" ")
    }

    /// The allow-list check: the command an argv stands for, if it is exactly one of the
    /// allowed shapes.
    pub fn parse(argv: &[String]) -> Result<NodeCommand, Refused> {
        let words: Vec<&str> = argv.iter().map(String::as_str).collect();
        let refuse = || Refused(argv.join(" "));
        let unit = |name: &str| Unit::from_name(name).filter(|u| u.name() == name);
        let count = |n: &str| {
            n.parse::<u32>()
                .ok()
                .filter(|v| (1..=MAX_LINES).contains(v) && v.to_string() == n)
        };
        let parsed = match words.as_slice() {
            [
                "journalctl",
                "-u",
                u,
                "-n",
                n,
                "--no-pager",
                "-o",
                "short-iso",
            ] => NodeCommand::Journal {
                unit: unit(u).ok_or_else(refuse)?,
                lines: count(n).ok_or_else(refuse)?,
            },
            ["systemctl", "show", u, "--no-pager"] => NodeCommand::SystemctlShow {
                unit: unit(u).ok_or_else(refuse)?,
            },
            ["systemctl", "is-active", u] => NodeCommand::SystemctlIsActive {
                unit: unit(u).ok_or_else(refuse)?,
            },
            ["iptables-save"] => NodeCommand::IptablesSave { nat_only: false },
            ["iptables-save", "-t", "nat"] => NodeCommand::IptablesSave { nat_only: true },
            ["nft", "list", "ruleset"] => NodeCommand::NftListRuleset,
            ["ipvsadm", "-Ln"] => NodeCommand::IpvsadmList,
            ["crictl", "ps", "-a", "-o", "json"] => NodeCommand::CrictlPs,
            ["crictl", "inspect", id] => NodeCommand::CrictlInspect {
                id: ContainerId::new(id).ok_or_else(refuse)?,
            },
            ["crictl", "logs", "--tail", n, id] => NodeCommand::CrictlLogs {
                id: ContainerId::new(id).ok_or_else(refuse)?,
                tail: count(n).ok_or_else(refuse)?,
            },
            _ => return Err(refuse()),
        };
        if parsed.argv() != argv {
            return Err(refuse());
        }
        Ok(parsed)
    }
}

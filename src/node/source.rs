//! Two sources, one collector: the running node (its files under `/` and the allow-listed
//! commands, run through [`super::runner`]) or a support bundle / mounted disk image (files
//! only; command outputs come from the bundle's `sos_commands`, never from this machine).

use std::path::Path;

use super::bundle;
use super::commands::{ContainerId, NodeCommand, Unit};
use super::parse::crictl::{self, Container};
use super::parse::systemctl::{self, UnitState};
use super::runner::{self, RunnerConfig};
use crate::hostfs::HostFs;

#[derive(Debug, Clone)]
enum Mode {
    Live(RunnerConfig),
    Bundle,
}

/// Where node data comes from.
#[derive(Debug, Clone)]
pub struct NodeSource {
    fs: HostFs,
    mode: Mode,
}

impl NodeSource {
    /// This machine: files under `/`, commands from the system directories.
    pub fn live() -> Result<NodeSource, String> {
        NodeSource::live_at(Path::new("/"), RunnerConfig::default())
    }

    /// Files under `root` with commands run as configured (tests use a directory of fake
    /// tools; the commands are still only the allow-listed ones).
    pub fn live_at(root: &Path, runner: RunnerConfig) -> Result<NodeSource, String> {
        Ok(NodeSource {
            fs: HostFs::new(root).map_err(|e| e.to_string())?,
            mode: Mode::Live(runner),
        })
    }

    /// A bundle directory or a mounted disk image: nothing is run.
    pub fn bundle(root: &Path) -> Result<NodeSource, String> {
        let fs = HostFs::new(root).map_err(|e| match e {
            crate::hostfs::HostFsError::NotADirectory { .. } => {
                format!("--host-root {} is not a directory", root.display())
            }
            crate::hostfs::HostFsError::NotFound { .. } => {
                format!("--host-root {} does not exist", root.display())
            }
            other => format!("--host-root {}: {}", root.display(), other.reason()),
        })?;
        Ok(NodeSource {
            fs,
            mode: Mode::Bundle,
        })
    }

    pub fn fs(&self) -> &HostFs {
        &self.fs
    }

    pub fn is_live(&self) -> bool {
        matches!(self.mode, Mode::Live(_))
    }

    fn run(&self, config: &RunnerConfig, command: &NodeCommand) -> Result<String, String> {
        runner::run(command, config).into_stdout(&command.display())
    }

    /// The last lines of a unit's journal.
    pub fn journal(&self, unit: Unit, lines: u32) -> Result<Vec<String>, String> {
        match &self.mode {
            Mode::Live(c) => {
                let out = self.run(c, &NodeCommand::Journal { unit, lines })?;
                Ok(out
                    .lines()
                    .filter(|l| !l.starts_with("-- "))
                    .map(|l| l.chars().take(2000).collect())
                    .collect())
            }
            Mode::Bundle => bundle::journal(&self.fs, unit, lines),
        }
    }

    /// What systemd says about a unit.
    pub fn unit_state(&self, unit: Unit) -> Result<UnitState, String> {
        match &self.mode {
            Mode::Live(c) => {
                let show = NodeCommand::SystemctlShow { unit };
                match self.run(c, &show) {
                    Ok(text) => systemctl::parse_show(unit.name(), &text, &show.display())
                        .ok_or_else(|| format!("`{}` printed no ActiveState", show.display())),
                    Err(show_error) => {
                        let active = NodeCommand::SystemctlIsActive { unit };
                        let text = self.run(c, &active).map_err(|_| show_error)?;
                        systemctl::parse_is_active(unit.name(), &text, &active.display())
                            .ok_or_else(|| format!("`{}` printed nothing", active.display()))
                    }
                }
            }
            Mode::Bundle => bundle::unit_state(&self.fs, unit),
        }
    }

    /// Every container the runtime knows (running and exited).
    pub fn containers(&self) -> Result<Vec<Container>, String> {
        match &self.mode {
            Mode::Live(c) => crictl::parse_ps_json(&self.run(c, &NodeCommand::CrictlPs)?),
            Mode::Bundle => bundle::containers(&self.fs),
        }
    }

    /// Adds `crictl inspect`'s exit code, reason and image to a container.
    pub fn inspect(&self, container: &mut Container) -> Result<(), String> {
        let id = ContainerId::new(&container.id)
            .ok_or_else(|| format!("\"{}\" is not a container id", container.id))?;
        let text = match &self.mode {
            Mode::Live(c) => self.run(c, &NodeCommand::CrictlInspect { id })?,
            Mode::Bundle => bundle::inspect(&self.fs, &id)?,
        };
        crictl::apply_inspect(container, &text)
    }

    /// The last lines of a container's log.
    pub fn container_logs(&self, id: &str, tail: u32) -> Result<Vec<String>, String> {
        let id = ContainerId::new(id).ok_or_else(|| format!("\"{id}\" is not a container id"))?;
        match &self.mode {
            Mode::Live(c) => {
                let text = self.run(c, &NodeCommand::CrictlLogs { id, tail })?;
                Ok(text
                    .lines()
                    .map(|l| l.chars().take(2000).collect())
                    .collect())
            }
            Mode::Bundle => bundle::logs(&self.fs, &id, tail),
        }
    }

    /// `nft list ruleset` output.
    pub fn nft_ruleset(&self) -> Result<String, String> {
        match &self.mode {
            Mode::Live(c) => self.run(c, &NodeCommand::NftListRuleset),
            Mode::Bundle => bundle::nft_ruleset(&self.fs),
        }
    }

    /// `ipvsadm -Ln` output.
    pub fn ipvsadm(&self) -> Result<String, String> {
        match &self.mode {
            Mode::Live(c) => self.run(c, &NodeCommand::IpvsadmList),
            Mode::Bundle => bundle::ipvsadm(&self.fs),
        }
    }

    /// `iptables-save` output.
    pub fn iptables_save(&self) -> Result<String, String> {
        match &self.mode {
            Mode::Live(c) => self.run(c, &NodeCommand::IptablesSave { nat_only: false }),
            Mode::Bundle => bundle::iptables_save(&self.fs),
        }
    }
}

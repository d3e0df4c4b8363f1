//! Command outputs in a support bundle laid out like sosreport's: host files at their paths,
//! command outputs under `sos_commands/<plugin>/<command line mangled>` (sos replaces runs of
//! characters other than letters, digits, `_-./` with `_` and `/` with `.`). kmedic looks
//! first for its own names (`sos_commands/kmedic/…`, the live command lines mangled the same
//! way), then for what sos's own plugins save: `kubernetes`, `containerd`, `crio`, `docker`
//! journals (`journalctl_--no-pager_--unit_kubelet`), `systemd/systemctl_show_service_--all`,
//! `crio/crictl_ps_-a`, `crio/containers/crictl_inspect_<id>`,
//! `crio/containers/logs/crictl_logs_-t_<id>`, and `iptables-save` under `networking` or
//! `firewall_tables`. Every file is read through [`HostFs`], with its protections.

use std::path::{Path, PathBuf};

use super::commands::{ContainerId, NodeCommand, Unit};
use super::parse::crictl::{self, Container};
use super::parse::systemctl::{self, UnitState};
use crate::hostfs::{FileKind, HostFs};

const SOS: &str = "/sos_commands";

/// sos's file name for a command line.
pub fn mangle(command: &str) -> String {
    let mut s = command.to_string();
    for prefix in ["/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest.to_string();
            break;
        }
    }
    let mut out = String::new();
    let mut in_run = false;
    for c in s.chars() {
        if c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/') {
            out.push(if c == '/' { '.' } else { c });
            in_run = false;
        } else if !in_run {
            out.push('_');
            in_run = true;
        }
    }
    out.trim_matches([' ', '.', '_', '-']).to_string()
}

/// The file kmedic's own bundle script writes for a command.
pub fn kmedic_path(command: &NodeCommand) -> PathBuf {
    Path::new(SOS)
        .join("kmedic")
        .join(mangle(&command.display()))
}

fn text_of(fs: &HostFs, path: &Path, tail: bool) -> Option<String> {
    let read = if tail {
        fs.read_tail(path)
    } else {
        fs.read(path)
    };
    read.ok()
        .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
}

/// Regular files directly in `sos_commands/<plugin>` (or a subdirectory) whose names `keep`
/// accepts.
fn files_in(fs: &HostFs, dir: &Path, keep: &dyn Fn(&str) -> bool) -> Vec<PathBuf> {
    fs.list_dir(dir)
        .map(|l| {
            l.entries
                .into_iter()
                .filter(|e| e.kind == FileKind::File && keep(&e.name))
                .map(|e| e.host_path)
                .collect()
        })
        .unwrap_or_default()
}

fn plugins(fs: &HostFs) -> Vec<PathBuf> {
    fs.list_dir(Path::new(SOS))
        .map(|l| {
            l.entries
                .into_iter()
                .filter(|e| e.kind == FileKind::Dir)
                .map(|e| e.host_path)
                .collect()
        })
        .unwrap_or_default()
}

fn last_lines(text: &str, n: usize) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..]
        .iter()
        .map(|l| l.chars().take(2000).collect())
        .collect()
}

/// Whether a journalctl file name selects `unit` (`-u kubelet`, `--unit kubelet.service`).
fn selects_unit(name: &str, unit: Unit) -> bool {
    let words: Vec<&str> = name.split('_').collect();
    words.windows(2).any(|w| {
        matches!(w[0], "-u" | "--unit")
            && (w[1] == unit.name() || w[1] == format!("{}.service", unit.name()))
    })
}

/// The last `lines` lines of a unit's journal.
pub fn journal(fs: &HostFs, unit: Unit, lines: u32) -> Result<Vec<String>, String> {
    let n = lines as usize;
    let own = kmedic_path(&NodeCommand::Journal { unit, lines });
    if let Some(text) = text_of(fs, &own, true) {
        return Ok(last_lines(&text, n));
    }
    for plugin in plugins(fs) {
        let found = files_in(fs, &plugin, &|name| {
            name.starts_with("journalctl") && selects_unit(name, unit)
        });
        if let Some(text) = found.first().and_then(|p| text_of(fs, p, true)) {
            return Ok(last_lines(&text, n));
        }
    }
    // The whole journal, filtered by the unit's syslog identifier.
    let whole = files_in(fs, &Path::new(SOS).join("logs"), &|name| {
        name.starts_with("journalctl_--no-pager") && !name.contains("--unit")
    });
    if let Some(text) = whole.first().and_then(|p| text_of(fs, p, true)) {
        let ident = format!(" {}[", unit.identifier());
        let ident_bare = format!(" {}:", unit.identifier());
        let matching: Vec<&str> = text
            .lines()
            .filter(|l| l.contains(&ident) || l.contains(&ident_bare))
            .collect();
        if !matching.is_empty() {
            return Ok(last_lines(&matching.join("\n"), n));
        }
    }
    Err(format!(
        "not in the bundle (looked for {}, sos_commands/*/journalctl_…--unit_{unit}, and {unit} lines in sos_commands/logs/journalctl_--no-pager)",
        own.display().to_string().trim_start_matches('/')
    ))
}

/// The state of a unit.
pub fn unit_state(fs: &HostFs, unit: Unit) -> Result<UnitState, String> {
    let own = kmedic_path(&NodeCommand::SystemctlShow { unit });
    if let Some(s) = text_of(fs, &own, false)
        .and_then(|t| systemctl::parse_show(unit.name(), &t, &own.display().to_string()))
    {
        return Ok(s);
    }
    let all = Path::new(SOS).join("systemd/systemctl_show_service_--all");
    if let Some(s) = text_of(fs, &all, false)
        .and_then(|t| systemctl::parse_show(unit.name(), &t, &all.display().to_string()))
    {
        return Ok(s);
    }
    let own_active = kmedic_path(&NodeCommand::SystemctlIsActive { unit });
    if let Some(s) = text_of(fs, &own_active, false).and_then(|t| {
        systemctl::parse_is_active(unit.name(), &t, &own_active.display().to_string())
    }) {
        return Ok(s);
    }
    let status_names = [
        format!("systemctl_status_{unit}"),
        format!("systemctl_status_{unit}.service"),
    ];
    for plugin in plugins(fs) {
        for path in files_in(fs, &plugin, &|n| status_names.iter().any(|s| s == n)) {
            if let Some(s) = text_of(fs, &path, false)
                .and_then(|t| systemctl::parse_status(unit.name(), &t, &path.display().to_string()))
            {
                return Ok(s);
            }
        }
    }
    Err(format!(
        "not in the bundle (looked for {}, sos_commands/systemd/systemctl_show_service_--all, sos_commands/*/systemctl_status_{unit})",
        own.display().to_string().trim_start_matches('/')
    ))
}

/// The containers `crictl ps -a` listed.
pub fn containers(fs: &HostFs) -> Result<Vec<Container>, String> {
    let own = kmedic_path(&NodeCommand::CrictlPs);
    if let Some(text) = text_of(fs, &own, false) {
        return crictl::parse_ps_json(&text);
    }
    let sos = Path::new(SOS).join("crio/crictl_ps_-a");
    if let Some(text) = text_of(fs, &sos, false) {
        return crictl::parse_ps_table(&text);
    }
    Err(format!(
        "not in the bundle (looked for {} and sos_commands/crio/crictl_ps_-a)",
        own.display().to_string().trim_start_matches('/')
    ))
}

/// Files named `<prefix><id…>` in a directory: sos names them by the full id, `crictl ps`
/// shows a short one.
fn by_id(fs: &HostFs, dir: &Path, prefix: &str, id: &ContainerId) -> Option<String> {
    let short = format!("{prefix}{}", id.as_str());
    files_in(fs, dir, &|n| n.starts_with(&short))
        .first()
        .and_then(|p| text_of(fs, p, true))
}

/// What `crictl inspect` said about a container.
pub fn inspect(fs: &HostFs, id: &ContainerId) -> Result<String, String> {
    let own = kmedic_path(&NodeCommand::CrictlInspect { id: id.clone() });
    text_of(fs, &own, false)
        .or_else(|| {
            by_id(
                fs,
                &Path::new(SOS).join("crio/containers"),
                "crictl_inspect_",
                id,
            )
        })
        .ok_or_else(|| format!("crictl inspect {} is not in the bundle", id.as_str()))
}

/// The last lines of a container's log.
pub fn logs(fs: &HostFs, id: &ContainerId, tail: u32) -> Result<Vec<String>, String> {
    let own = kmedic_path(&NodeCommand::CrictlLogs {
        id: id.clone(),
        tail,
    });
    text_of(fs, &own, true)
        .or_else(|| {
            by_id(
                fs,
                &Path::new(SOS).join("crio/containers/logs"),
                "crictl_logs_-t_",
                id,
            )
        })
        .map(|t| last_lines(&t, tail as usize))
        .ok_or_else(|| format!("the log of container {} is not in the bundle", id.as_str()))
}

/// `iptables-save` output.
pub fn iptables_save(fs: &HostFs) -> Result<String, String> {
    let own = kmedic_path(&NodeCommand::IptablesSave { nat_only: false });
    let nat = kmedic_path(&NodeCommand::IptablesSave { nat_only: true });
    let candidates = [
        own.clone(),
        nat,
        Path::new(SOS).join("networking/iptables-save"),
        Path::new(SOS).join("firewall_tables/iptables-save"),
    ];
    candidates
        .iter()
        .find_map(|p| text_of(fs, p, false))
        .ok_or_else(|| {
            format!(
                "not in the bundle (looked for {}, sos_commands/networking/iptables-save, sos_commands/firewall_tables/iptables-save; current sos versions do not save it by default)",
                own.display().to_string().trim_start_matches('/')
            )
        })
}

/// `nft list ruleset` output (sos: the `firewall_tables` plugin; older sos: `networking`).
pub fn nft_ruleset(fs: &HostFs) -> Result<String, String> {
    let own = kmedic_path(&NodeCommand::NftListRuleset);
    let candidates = [
        own.clone(),
        Path::new(SOS).join("firewall_tables/nft_list_ruleset"),
        Path::new(SOS).join("networking/nft_list_ruleset"),
    ];
    candidates
        .iter()
        .find_map(|p| text_of(fs, p, false))
        .ok_or_else(|| {
            format!(
                "not in the bundle (looked for {}, sos_commands/firewall_tables/nft_list_ruleset, sos_commands/networking/nft_list_ruleset)",
                own.display().to_string().trim_start_matches('/')
            )
        })
}

/// `ipvsadm -Ln` output (sos: the `ipvs` plugin), or kmedic's own `ipvsadm-save -n`.
pub fn ipvsadm(fs: &HostFs) -> Result<String, String> {
    let own = kmedic_path(&NodeCommand::IpvsadmList);
    let candidates = [
        own.clone(),
        Path::new(SOS).join("ipvs/ipvsadm_-Ln"),
        Path::new(SOS).join("networking/ipvsadm_-Ln"),
        Path::new(SOS).join("kmedic/ipvsadm-save_-n"),
    ];
    candidates
        .iter()
        .find_map(|p| text_of(fs, p, false))
        .ok_or_else(|| {
            format!(
                "not in the bundle (looked for {}, sos_commands/ipvs/ipvsadm_-Ln)",
                own.display().to_string().trim_start_matches('/')
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_sos_mangles_them() {
        assert_eq!(
            mangle("journalctl --no-pager  --unit kubelet"),
            "journalctl_--no-pager_--unit_kubelet"
        );
        assert_eq!(
            mangle("systemctl show *service --all"),
            "systemctl_show_service_--all"
        );
        assert_eq!(mangle("/usr/sbin/iptables-save"), "iptables-save");
        assert_eq!(
            kmedic_path(&NodeCommand::Journal {
                unit: Unit::Kubelet,
                lines: 300
            }),
            Path::new("/sos_commands/kmedic/journalctl_-u_kubelet_-n_300_--no-pager_-o_short-iso")
        );
        assert!(selects_unit(
            "journalctl_--no-pager_--unit_kubelet",
            Unit::Kubelet
        ));
        assert!(selects_unit(
            "journalctl_--no-pager_--unit_kubelet_--since_-3days",
            Unit::Kubelet
        ));
        assert!(!selects_unit(
            "journalctl_--no-pager_--unit_kubelet-x",
            Unit::Kubelet
        ));
    }
}

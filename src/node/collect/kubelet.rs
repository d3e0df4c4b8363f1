//! The kubelet's configuration chain as systemd would start it: the unit file (the first of
//! the unit directories that has it; a link to `/dev/null` means masked), its drop-ins (by
//! name, a higher-priority directory overriding a lower one, applied in name order), the
//! environment and environment files, the expanded command line and its flags, then the
//! `--config` file and the `--kubeconfig`. Without a unit file, kubeadm's paths are assumed
//! and a coverage note says so.

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::hostfs::{FileKind, HostFs, HostFsError};
use crate::node::model::{Coverage, KubeletChain};
use crate::node::parse::command_line::{expand_exec, flags, parse_env_file};
use crate::node::parse::kubeconfig::summarize;
use crate::node::parse::kubelet_config::{KubeletSettings, apply_config_file, apply_flags};
use crate::node::parse::systemd_unit::service_exec;

/// systemd's unit directories, highest priority first.
pub const UNIT_DIRS: [&str; 5] = [
    "/etc/systemd/system",
    "/run/systemd/system",
    "/usr/local/lib/systemd/system",
    "/usr/lib/systemd/system",
    "/lib/systemd/system",
];

/// kubeadm's files, used when no unit file says otherwise.
const KUBEADM_CONFIG: &str = "/var/lib/kubelet/config.yaml";
const KUBEADM_KUBECONFIG: &str = "/etc/kubernetes/kubelet.conf";

/// A unit file found: its host path, and its text (`None` when masked).
pub struct UnitFile {
    pub path: PathBuf,
    pub text: Option<String>,
}

/// The unit file of `unit` (e.g. `kubelet.service`).
pub fn find_unit(fs: &HostFs, unit: &str) -> Option<UnitFile> {
    for dir in UNIT_DIRS {
        let path = Path::new(dir).join(unit);
        match fs.resolve(&path) {
            Ok(r) if r.host_path == Path::new("/dev/null") => {
                return Some(UnitFile { path, text: None });
            }
            Ok(r) if r.kind == FileKind::File => {
                return Some(UnitFile {
                    text: fs.read_text(&path).ok(),
                    path,
                });
            }
            Err(HostFsError::Dangling { target, .. }) if target == "/dev/null" => {
                return Some(UnitFile { path, text: None });
            }
            _ => {}
        }
    }
    None
}

/// The drop-ins of `unit`, in the order systemd applies them.
pub fn drop_ins(fs: &HostFs, unit: &str) -> Vec<PathBuf> {
    let mut by_name: BTreeMap<String, PathBuf> = BTreeMap::new();
    for dir in UNIT_DIRS.iter().rev() {
        let d = Path::new(dir).join(format!("{unit}.d"));
        if let Ok(listing) = fs.list_dir(&d) {
            for e in listing.entries {
                if e.name.ends_with(".conf")
                    && fs.kind(&e.host_path).is_ok_and(|k| k == FileKind::File)
                {
                    by_name.insert(e.name, e.host_path);
                }
            }
        }
    }
    by_name.into_values().collect()
}

/// How systemd would start a unit: its drop-ins, the expanded ExecStart, and the environment
/// files it needs that are missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceCommand {
    pub drop_ins: Vec<String>,
    pub exec_start: Vec<String>,
    pub missing_env_files: Vec<String>,
}

/// Applies the drop-ins and the environment to a unit's ExecStart.
pub fn service_command(fs: &HostFs, unit: &UnitFile, name: &str) -> ServiceCommand {
    let mut out = ServiceCommand::default();
    let mut texts: Vec<String> = unit.text.iter().cloned().collect();
    for d in drop_ins(fs, name) {
        if let Ok(t) = fs.read_text(&d) {
            texts.push(t);
        }
        out.drop_ins.push(host(&d));
    }
    let exec = service_exec(&texts);
    let mut env: HashMap<String, String> = exec.environment.into_iter().collect();
    for (file, optional) in &exec.environment_files {
        match fs.read_text(Path::new(file)) {
            Ok(text) => env.extend(parse_env_file(&text)),
            Err(_) if *optional => {}
            Err(_) => out.missing_env_files.push(file.clone()),
        }
    }
    if let Some(line) = exec.exec_start {
        out.exec_start = expand_exec(&line, &env);
    }
    out
}

fn host(p: &Path) -> String {
    p.display().to_string()
}

/// Follows the chain; what could not be read becomes errors in the chain or coverage notes.
pub fn collect(fs: &HostFs, coverage: &mut Vec<Coverage>) -> KubeletChain {
    let mut chain = KubeletChain {
        settings: KubeletSettings::defaults(),
        ..KubeletChain::default()
    };
    let unit = find_unit(fs, "kubelet.service");
    let mut config_path: Option<String> = None;
    let mut kubeconfig_path: Option<String> = None;
    match &unit {
        Some(u) => {
            chain.unit_file = Some(host(&u.path));
            chain.unit_masked = u.text.is_none();
            let command = service_command(fs, u, "kubelet.service");
            chain.drop_ins = command.drop_ins;
            chain.exec_start = command.exec_start;
            chain.missing_env_files = command.missing_env_files;
            chain.flags = flags(chain.exec_start.get(1..).unwrap_or_default());
            config_path = chain.flag("config").map(str::to_string);
            kubeconfig_path = chain.flag("kubeconfig").map(str::to_string);
            chain.bootstrap_kubeconfig = chain.flag("bootstrap-kubeconfig").map(str::to_string);
        }
        None => {
            coverage.push(Coverage::new(
                "kubelet unit file",
                format!(
                    "no kubelet.service in {}; kubeadm's paths ({KUBEADM_CONFIG}, {KUBEADM_KUBECONFIG}) are assumed",
                    UNIT_DIRS.join(", ")
                ),
            ));
            if fs.exists(Path::new(KUBEADM_CONFIG)) {
                config_path = Some(KUBEADM_CONFIG.into());
            }
            if fs.exists(Path::new(KUBEADM_KUBECONFIG)) {
                kubeconfig_path = Some(KUBEADM_KUBECONFIG.into());
            }
        }
    }
    if let Some(path) = &config_path {
        chain.config_file = Some(path.clone());
        match fs.read_text(Path::new(path)) {
            Ok(text) => {
                if let Err(e) = apply_config_file(&mut chain.settings, &text) {
                    chain.config_error = Some(e);
                }
            }
            Err(e) => chain.config_error = Some(e.reason()),
        }
    }
    apply_flags(&mut chain.settings, &chain.flags);
    if let Some(path) = &kubeconfig_path {
        match fs.read_text(Path::new(path)) {
            Ok(text) => match summarize(path, &text) {
                Ok(s) => chain.kubeconfig = Some(s),
                Err(e) => chain.kubeconfig_error = Some(format!("{path}: {e}")),
            },
            Err(e) => chain.kubeconfig_error = Some(format!("{path}: {}", e.reason())),
        }
    }
    chain
}

//! Container runtime configuration: containerd's `config.toml` (versions 1, 2 and 3: where
//! `SystemdCgroup` lives, whether the CRI plugin is disabled, `imports`) and CRI-O's
//! `cgroup_manager`.

use toml::Value;

/// What matters to the kubelet in a containerd configuration file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContainerdConfig {
    /// `version` (1 when absent).
    pub version: i64,
    /// `SystemdCgroup` of the default runtime, when the file sets it.
    pub systemd_cgroup: Option<bool>,
    /// `disabled_plugins` contains the CRI plugin (the kubelet cannot use containerd then).
    pub cri_disabled: bool,
    /// Other files it imports.
    pub imports: Vec<String>,
}

fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, k| v.get(*k))
}

fn toml_error(e: &toml::de::Error, text: &str) -> String {
    let line = e
        .span()
        .and_then(|s| text.get(..s.start))
        .map(|before| before.matches('\n').count() + 1);
    let message = e.message();
    match line {
        Some(l) => format!("line {l}: invalid TOML: {message}"),
        None => format!("invalid TOML: {message}"),
    }
}

/// Parses containerd's configuration.
pub fn parse_containerd(text: &str) -> Result<ContainerdConfig, String> {
    let v: Value = toml::from_str::<toml::Table>(text)
        .map(Value::Table)
        .map_err(|e| toml_error(&e, text))?;
    let version = v.get("version").and_then(Value::as_integer).unwrap_or(1);
    let strings = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let disabled = strings(v.get("disabled_plugins"));
    let cri_disabled = disabled.iter().any(|p| {
        matches!(
            p.as_str(),
            "cri" | "io.containerd.grpc.v1.cri" | "io.containerd.cri.v1.runtime"
        )
    });
    let cri: &[&str] = match version {
        3 => &["plugins", "io.containerd.cri.v1.runtime"],
        2 => &["plugins", "io.containerd.grpc.v1.cri"],
        _ => &["plugins", "cri"],
    };
    let containerd = at(&v, cri).and_then(|c| c.get("containerd"));
    let runtime = containerd
        .and_then(|c| c.get("default_runtime_name"))
        .and_then(Value::as_str)
        .unwrap_or("runc");
    let mut systemd_cgroup = containerd
        .and_then(|c| at(c, &["runtimes", runtime, "options", "SystemdCgroup"]))
        .and_then(Value::as_bool);
    if systemd_cgroup.is_none() && version < 2 {
        // containerd 1.x's old switch.
        systemd_cgroup = at(&v, &["plugins", "cri", "systemd_cgroup"]).and_then(Value::as_bool);
    }
    Ok(ContainerdConfig {
        version,
        systemd_cgroup,
        cri_disabled,
        imports: strings(v.get("imports")),
    })
}

/// CRI-O's `[crio.runtime] cgroup_manager`, when set.
pub fn parse_crio_cgroup_manager(text: &str) -> Result<Option<String>, String> {
    let v: Value = toml::from_str::<toml::Table>(text)
        .map(Value::Table)
        .map_err(|e| toml_error(&e, text))?;
    Ok(at(&v, &["crio", "runtime", "cgroup_manager"])
        .and_then(Value::as_str)
        .map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn systemd_cgroup_in_every_version() {
        let v2 = "version = 2\n[plugins]\n  [plugins.\"io.containerd.grpc.v1.cri\"]\n    sandbox_image = \"registry.k8s.io/pause:3.10\"\n    [plugins.\"io.containerd.grpc.v1.cri\".containerd]\n      default_runtime_name = \"runc\"\n      [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n        runtime_type = \"io.containerd.runc.v2\"\n        [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n          SystemdCgroup = false\n";
        let c = parse_containerd(v2).expect("v2");
        assert_eq!(
            (c.version, c.systemd_cgroup, c.cri_disabled),
            (2, Some(false), false)
        );
        let v3 = "version = 3\n[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]\n  SystemdCgroup = true\n";
        assert_eq!(parse_containerd(v3).expect("v3").systemd_cgroup, Some(true));
        let docker = "#   Copyright 2018-2022 Docker Inc.\n\ndisabled_plugins = [\"cri\"]\n";
        let c = parse_containerd(docker).expect("docker's default");
        assert!(c.cri_disabled);
        assert_eq!(c.systemd_cgroup, None);
        let err = parse_containerd("version = 2\n[plugins\n").expect_err("broken");
        assert!(err.starts_with("line 2: invalid TOML"), "{err}");
        assert_eq!(
            parse_crio_cgroup_manager("[crio.runtime]\ncgroup_manager = \"cgroupfs\"\n")
                .expect("crio")
                .as_deref(),
            Some("cgroupfs")
        );
    }
}

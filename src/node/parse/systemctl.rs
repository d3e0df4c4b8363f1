//! The state of a systemd unit from `systemctl show UNIT` (key=value lines; sosreport's
//! `systemctl show *service --all` holds one block per unit), `systemctl is-active UNIT`, or
//! the `Active:` line of `systemctl status UNIT`.

use serde::Serialize;

/// What systemd says about a unit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UnitState {
    /// Unit name without `.service`.
    pub unit: String,
    /// `loaded`, `not-found`, `masked`, … (when known).
    pub load_state: Option<String>,
    /// `active`, `inactive`, `failed`, `activating`, `deactivating`.
    pub active_state: String,
    /// `running`, `dead`, `auto-restart`, `exited`, …
    pub sub_state: Option<String>,
    /// `success`, `exit-code`, `signal`, `timeout`, …
    pub result: Option<String>,
    /// The main process's exit status (`203` is EXEC: the binary could not be started).
    pub exec_main_status: Option<i32>,
    pub restarts: Option<u32>,
    /// Where this came from (the command or the bundle file).
    pub source: String,
}

fn block_of<'a>(text: &'a str, unit: &str) -> Option<Vec<(&'a str, &'a str)>> {
    let wanted = format!("{unit}.service");
    let mut blocks: Vec<Vec<(&str, &str)>> = vec![Vec::new()];
    for line in text.lines() {
        if line.trim().is_empty() {
            blocks.push(Vec::new());
        } else if let (Some(block), Some((k, v))) = (blocks.last_mut(), line.split_once('=')) {
            block.push((k, v));
        }
    }
    blocks.retain(|b| !b.is_empty());
    if blocks.len() == 1 {
        return blocks.pop();
    }
    blocks.into_iter().find(|b| {
        b.iter().any(|(k, v)| {
            (*k == "Id" && *v == wanted) || (*k == "Names" && v.split(' ').any(|n| n == wanted))
        })
    })
}

/// Parses `systemctl show` output for `unit`.
pub fn parse_show(unit: &str, text: &str, source: &str) -> Option<UnitState> {
    let block = block_of(text, unit)?;
    let get = |key: &str| {
        block
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.to_string())
            .filter(|v| !v.is_empty())
    };
    Some(UnitState {
        unit: unit.to_string(),
        load_state: get("LoadState"),
        active_state: get("ActiveState")?,
        sub_state: get("SubState"),
        result: get("Result"),
        exec_main_status: get("ExecMainStatus").and_then(|v| v.parse().ok()),
        restarts: get("NRestarts").and_then(|v| v.parse().ok()),
        source: source.to_string(),
    })
}

/// Parses `systemctl is-active` output.
pub fn parse_is_active(unit: &str, text: &str, source: &str) -> Option<UnitState> {
    let state = text.lines().next()?.trim();
    (!state.is_empty()).then(|| UnitState {
        unit: unit.to_string(),
        active_state: state.to_string(),
        source: source.to_string(),
        ..UnitState::default()
    })
}

/// Parses the `Loaded:` and `Active:` lines of `systemctl status`
/// (`Active: activating (auto-restart) (Result: exit-code) since …`).
pub fn parse_status(unit: &str, text: &str, source: &str) -> Option<UnitState> {
    let field = |name: &str| {
        text.lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(name).map(str::trim))
    };
    let active = field("Active:")?;
    let mut words = active.split_whitespace();
    let active_state = words.next()?.to_string();
    let sub_state = active
        .split_once('(')
        .and_then(|(_, r)| r.split_once(')'))
        .map(|(s, _)| s.to_string());
    let result = active
        .split_once("(Result: ")
        .and_then(|(_, r)| r.split_once(')'))
        .map(|(s, _)| s.to_string());
    let exec_main_status = text
        .lines()
        .find_map(|l| l.split_once("status=").map(|(_, r)| r))
        .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok());
    let load_state = field("Loaded:")
        .and_then(|l| l.split_whitespace().next())
        .map(str::to_string);
    Some(UnitState {
        unit: unit.to_string(),
        load_state,
        active_state,
        sub_state,
        result,
        exec_main_status,
        restarts: None,
        source: source.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn show_blocks_and_status_lines() {
        let all = "Type=simple\nId=containerd.service\nActiveState=active\nSubState=running\n\nType=simple\nRestart=always\nNRestarts=14\nExecMainStatus=1\nResult=exit-code\nNames=kubelet.service\nLoadState=loaded\nActiveState=activating\nSubState=auto-restart\nId=kubelet.service\n";
        let k = parse_show("kubelet", all, "x").expect("kubelet");
        assert_eq!(k.active_state, "activating");
        assert_eq!(k.sub_state.as_deref(), Some("auto-restart"));
        assert_eq!((k.restarts, k.exec_main_status), (Some(14), Some(1)));
        assert_eq!(
            parse_show("containerd", all, "x").expect("c").active_state,
            "active"
        );
        assert!(parse_show("crio", all, "x").is_none());
        let status = "● kubelet.service - kubelet: The Kubernetes Node Agent\n     Loaded: loaded (/lib/systemd/system/kubelet.service; enabled; vendor preset: enabled)\n    Drop-In: /usr/lib/systemd/system/kubelet.service.d\n             └─10-kubeadm.conf\n     Active: activating (auto-restart) (Result: exit-code) since Mon 2025-06-02 10:15:32 UTC; 4s ago\n    Process: 4242 ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS (code=exited, status=1/FAILURE)\n   Main PID: 4242 (code=exited, status=1/FAILURE)\n";
        let s = parse_status("kubelet", status, "y").expect("status");
        assert_eq!(s.active_state, "activating");
        assert_eq!(s.sub_state.as_deref(), Some("auto-restart"));
        assert_eq!(s.result.as_deref(), Some("exit-code"));
        assert_eq!(s.exec_main_status, Some(1));
        assert_eq!(s.load_state.as_deref(), Some("loaded"));
        assert_eq!(
            parse_is_active("kubelet", "failed\n", "z")
                .expect("f")
                .active_state,
            "failed"
        );
    }
}

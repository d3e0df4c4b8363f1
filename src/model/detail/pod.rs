//! Pod describe body: status, node, IPs, QoS, containers (state, last state, resources,
//! probes, mounts), init containers, conditions, tolerations and node selectors.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Container, ContainerState, ContainerStatus, Pod, Probe, Toleration,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::out::{Out, clip};
use crate::model::Health;
use crate::model::age::human_duration;
use crate::model::pod_status::{status_health, summarize};

pub(crate) fn describe(out: &mut Out, pod: &Pod, lite: &crate::objects::Pod) {
    let empty_spec = Default::default();
    let spec = pod.spec.as_ref().unwrap_or(&empty_spec);
    let empty_status = Default::default();
    let status = pod.status.as_ref().unwrap_or(&empty_status);
    let summary = summarize(lite);
    let health = status_health(&summary.status, summary.ready, summary.total);

    out.field_h(0, "Status:", &summary.status, health);
    if let Some(phase) = status.phase.as_deref().filter(|p| *p != summary.status) {
        out.field(0, "Phase:", phase);
    }
    out.field_opt(0, "Reason:", status.reason.as_deref());
    if let Some(m) = status.message.as_deref().filter(|m| !m.is_empty()) {
        out.field_h(0, "Message:", clip(m), Health::Warning);
    }
    let node = match (spec.node_name.as_deref(), status.host_ip.as_deref()) {
        (Some(n), Some(ip)) => format!("{n}/{ip}"),
        (Some(n), None) => n.to_string(),
        _ => "<none>".to_string(),
    };
    out.field(0, "Node:", node);
    if let Some(t) = &status.start_time {
        let text = out.time(t.0);
        out.field(0, "Start Time:", text);
    }
    out.field(
        0,
        "Service Account:",
        spec.service_account_name.as_deref().unwrap_or("default"),
    );
    out.field(0, "IP:", status.pod_ip.as_deref().unwrap_or("<none>"));
    let ips: Vec<&str> = status
        .pod_ips
        .iter()
        .flatten()
        .map(|i| i.ip.as_str())
        .collect();
    if ips.len() > 1 {
        out.field(0, "IPs:", ips.join(", "));
    }
    out.field(0, "Ready:", format!("{}/{}", summary.ready, summary.total));
    let restarts = match summary.last_restart {
        Some(t) if summary.restarts > 0 => {
            format!(
                "{} (last {} ago)",
                summary.restarts,
                human_duration(t, out.now)
            )
        }
        _ => summary.restarts.to_string(),
    };
    if summary.restarts > 0 {
        out.field_h(0, "Restarts:", restarts, Health::Warning);
    } else {
        out.field(0, "Restarts:", restarts);
    }
    let qos = status
        .qos_class
        .clone()
        .unwrap_or_else(|| qos_class(&spec.containers));
    out.field(0, "QoS Class:", qos);

    let init_statuses = status.init_container_statuses.as_deref().unwrap_or(&[]);
    if let Some(inits) = spec.init_containers.as_deref().filter(|c| !c.is_empty()) {
        out.heading("Init Containers:");
        for c in inits {
            container(out, c, init_statuses.iter().find(|s| s.name == c.name));
        }
    }
    out.heading("Containers:");
    let statuses = status.container_statuses.as_deref().unwrap_or(&[]);
    for c in &spec.containers {
        container(out, c, statuses.iter().find(|s| s.name == c.name));
    }

    let conds = status.conditions.as_deref().unwrap_or(&[]);
    if conds.is_empty() {
        out.field(0, "Conditions:", "<none>");
    } else {
        out.heading("Conditions:");
        let rows: Vec<(Vec<String>, Option<Health>)> = conds
            .iter()
            .map(|c| {
                let h = (c.status != "True").then_some(Health::Warning);
                let cells = vec![
                    c.type_.clone(),
                    c.status.clone(),
                    c.reason.clone().unwrap_or_default(),
                    c.message.as_deref().map(clip).unwrap_or_default(),
                ];
                (cells, h)
            })
            .collect();
        out.table(2, &["Type", "Status", "Reason", "Message"], &rows);
    }

    let selector: Vec<(&str, &str)> = spec
        .node_selector
        .iter()
        .flatten()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    out.map(0, "Node-Selectors:", selector, "=");
    let tolerations: Vec<String> = spec.tolerations.iter().flatten().map(toleration).collect();
    out.map(
        0,
        "Tolerations:",
        tolerations.iter().map(|t| (t.as_str(), "")),
        "",
    );
}

/// kubectl's QoS rules from the containers' requests and limits.
fn qos_class(containers: &[Container]) -> String {
    let mut any = false;
    let mut guaranteed = true;
    for c in containers {
        let r = c.resources.as_ref();
        let limits = r.and_then(|r| r.limits.as_ref());
        let requests = r.and_then(|r| r.requests.as_ref());
        any |= limits.is_some_and(|l| !l.is_empty()) || requests.is_some_and(|q| !q.is_empty());
        for res in ["cpu", "memory"] {
            let l = limits.and_then(|l| l.get(res));
            let q = requests.and_then(|q| q.get(res)).or(l);
            if l.is_none() || l != q {
                guaranteed = false;
            }
        }
    }
    match (any, guaranteed) {
        (false, _) => "BestEffort",
        (true, true) => "Guaranteed",
        (true, false) => "Burstable",
    }
    .to_string()
}

/// `key=value:Effect op=Exists for 300s`, like kubectl.
fn toleration(t: &Toleration) -> String {
    let mut s = t.key.clone().unwrap_or_default();
    if let Some(v) = t.value.as_deref().filter(|v| !v.is_empty()) {
        s.push('=');
        s.push_str(v);
    }
    if let Some(e) = t.effect.as_deref().filter(|e| !e.is_empty()) {
        s.push(':');
        s.push_str(e);
    }
    if t.operator.as_deref() == Some("Exists") && t.value.as_deref().unwrap_or("").is_empty() {
        s.push_str(" op=Exists");
    }
    if let Some(secs) = t.toleration_seconds {
        s.push_str(&format!(" for {secs}s"));
    }
    s.trim().to_string()
}

fn int_or_string(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

/// `http-get http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3`.
pub(crate) fn probe(p: &Probe) -> String {
    let action = if let Some(h) = &p.http_get {
        format!(
            "http-get {}://{}:{}{}",
            h.scheme.as_deref().unwrap_or("HTTP").to_lowercase(),
            h.host.as_deref().unwrap_or(""),
            int_or_string(&h.port),
            h.path.as_deref().unwrap_or("/")
        )
    } else if let Some(t) = &p.tcp_socket {
        format!(
            "tcp-socket {}:{}",
            t.host.as_deref().unwrap_or(""),
            int_or_string(&t.port)
        )
    } else if let Some(e) = &p.exec {
        format!("exec [{}]", e.command.as_deref().unwrap_or(&[]).join(" "))
    } else if let Some(g) = &p.grpc {
        format!(
            "grpc <pod>:{} {}",
            g.port,
            g.service.as_deref().unwrap_or("<service>")
        )
    } else {
        "unknown".to_string()
    };
    format!(
        "{action} delay={}s timeout={}s period={}s #success={} #failure={}",
        p.initial_delay_seconds.unwrap_or(0),
        p.timeout_seconds.unwrap_or(1),
        p.period_seconds.unwrap_or(10),
        p.success_threshold.unwrap_or(1),
        p.failure_threshold.unwrap_or(3)
    )
}

fn resources(out: &mut Out, label: &str, map: Option<&BTreeMap<String, Quantity>>) {
    if let Some(m) = map.filter(|m| !m.is_empty()) {
        out.line(format!("    {label}:"));
        for (k, v) in m {
            out.field(6, &format!("{k}:"), &v.0);
        }
    }
}

/// A container's image, ports, command and args at indent 4.
pub(crate) fn container_spec(out: &mut Out, c: &Container) {
    out.field(4, "Image:", c.image.as_deref().unwrap_or("<none>"));
    let ports: Vec<String> = c
        .ports
        .iter()
        .flatten()
        .map(|p| {
            format!(
                "{}/{}",
                p.container_port,
                p.protocol.as_deref().unwrap_or("TCP")
            )
        })
        .collect();
    out.field(
        4,
        "Port:",
        if ports.is_empty() {
            "<none>".to_string()
        } else {
            ports.join(", ")
        },
    );
    if let Some(cmd) = c.command.as_deref().filter(|c| !c.is_empty()) {
        out.field(4, "Command:", clip(&cmd.join(" ")));
    }
    if let Some(args) = c.args.as_deref().filter(|a| !a.is_empty()) {
        out.field(4, "Args:", clip(&args.join(" ")));
    }
}

/// A container's resources, probes, environment and mounts at indent 4.
pub(crate) fn container_runtime_spec(out: &mut Out, c: &Container) {
    let r = c.resources.as_ref();
    resources(out, "Limits", r.and_then(|r| r.limits.as_ref()));
    resources(out, "Requests", r.and_then(|r| r.requests.as_ref()));
    if let Some(p) = &c.liveness_probe {
        out.field(4, "Liveness:", probe(p));
    }
    if let Some(p) = &c.readiness_probe {
        out.field(4, "Readiness:", probe(p));
    }
    if let Some(p) = &c.startup_probe {
        out.field(4, "Startup:", probe(p));
    }
    let env = c.env.as_ref().map_or(0, Vec::len);
    let env_from = c.env_from.as_ref().map_or(0, Vec::len);
    if env + env_from > 0 {
        out.field(
            4,
            "Environment:",
            format!("{env} variables, {env_from} sources"),
        );
    }
    let mounts: Vec<String> = c
        .volume_mounts
        .iter()
        .flatten()
        .map(|m| {
            let ro = if m.read_only == Some(true) {
                "ro"
            } else {
                "rw"
            };
            format!("{} from {} ({ro})", m.mount_path, m.name)
        })
        .collect();
    out.map(4, "Mounts:", mounts.iter().map(|m| (m.as_str(), "")), "");
}

/// `Running` / `Waiting` / `Terminated` with their detail lines at indent 6.
fn state(out: &mut Out, label: &str, s: &ContainerState) {
    if let Some(r) = &s.running {
        out.field_h(4, label, "Running", Health::Ok);
        if let Some(t) = &r.started_at {
            let text = out.time(t.0);
            out.field(6, "Started:", text);
        }
    } else if let Some(w) = &s.waiting {
        let reason = w.reason.as_deref().unwrap_or("");
        let h = match status_health(reason, 0, 0) {
            Health::Ok | Health::Done => Health::Progressing,
            h => h,
        };
        out.field_h(4, label, "Waiting", h);
        if !reason.is_empty() {
            out.field_h(6, "Reason:", reason, h);
        }
        if let Some(m) = w.message.as_deref().filter(|m| !m.is_empty()) {
            out.field(6, "Message:", clip(m));
        }
    } else if let Some(t) = &s.terminated {
        let reason = t.reason.as_deref().unwrap_or("");
        let h = if t.exit_code == 0 && reason != "OOMKilled" {
            Health::Done
        } else {
            Health::Error
        };
        out.field_h(4, label, "Terminated", h);
        if !reason.is_empty() {
            out.field_h(6, "Reason:", reason, h);
        }
        if let Some(m) = t.message.as_deref().filter(|m| !m.is_empty()) {
            out.field(6, "Message:", clip(m));
        }
        out.field_h(6, "Exit Code:", t.exit_code.to_string(), h);
        if let Some(sig) = t.signal.filter(|s| *s != 0) {
            out.field(6, "Signal:", sig.to_string());
        }
        if let Some(ts) = &t.started_at {
            let text = out.time(ts.0);
            out.field(6, "Started:", text);
        }
        if let Some(ts) = &t.finished_at {
            let text = out.time(ts.0);
            out.field(6, "Finished:", text);
        }
    } else {
        out.field(4, label, "<unknown>");
    }
}

fn container(out: &mut Out, c: &Container, st: Option<&ContainerStatus>) {
    out.heading(format!("  {}:", c.name));
    container_spec(out, c);
    match st {
        Some(st) => container_status(out, st),
        None => out.field(4, "State:", "<unknown>"),
    }
    container_runtime_spec(out, c);
}

fn container_status(out: &mut Out, st: &ContainerStatus) {
    state(
        out,
        "State:",
        st.state.as_ref().unwrap_or(&ContainerState::default()),
    );
    if let Some(last) = st
        .last_state
        .as_ref()
        .filter(|l| l.running.is_some() || l.waiting.is_some() || l.terminated.is_some())
    {
        state(out, "Last State:", last);
    }
    if st.ready {
        out.field_h(4, "Ready:", "True", Health::Ok);
    } else {
        out.field_h(4, "Ready:", "False", Health::Warning);
    }
    if st.restart_count > 0 {
        out.field_h(
            4,
            "Restart Count:",
            st.restart_count.to_string(),
            Health::Warning,
        );
    } else {
        out.field(4, "Restart Count:", "0");
    }
}

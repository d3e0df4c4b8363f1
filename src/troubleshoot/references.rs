//! Dangling references: pods and workload pod templates naming a ConfigMap, Secret (or one of
//! their keys), ServiceAccount or PersistentVolumeClaim that does not exist in their
//! namespace. Only kinds that were listed count (otherwise "not found" means "not seen"),
//! optional references are skipped, and a Secret read as metadata only has unknown keys.
//! A pod whose own failure already names the missing object (config error, image pull,
//! stuck mounting, unschedulable) is left to that check.

use crate::objects::{Kind, ObjectMeta, Pod, PodSpec};

use super::Ctx;
use super::build::{FindingExt, app, ns_flag, obj};
use super::container::{statuses, waiting_reason};
use super::pod_config::missing_refs;
use crate::findings::{Finding, Severity};

/// What a reference is for, so a check that already reports it can be left alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Use {
    Env,
    Volume,
    PullSecret,
    ServiceAccount,
}

/// One reference to an object that does not exist.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Dangling {
    kind: &'static str,
    name: String,
    key: Option<String>,
    via: String,
    used: Use,
}

impl Dangling {
    fn describe(&self) -> String {
        match &self.key {
            Some(k) => format!("{} {} has no key {k} ({})", self.kind, self.name, self.via),
            None => format!("{} {} does not exist ({})", self.kind, self.name, self.via),
        }
    }

    /// The kind as kubectl's argument.
    fn kind_arg(&self) -> String {
        match self.kind {
            "PersistentVolumeClaim" => "pvc".to_string(),
            k => k.to_ascii_lowercase(),
        }
    }

    fn step(&self, nsf: &str) -> String {
        let kind = self.kind_arg();
        match &self.key {
            Some(_) => format!("kubectl describe {kind} {}{nsf}", self.name),
            None => format!("kubectl get {kind} {}{nsf}", self.name),
        }
    }
}

/// ConfigMap the API server's root-CA publisher puts in every namespace; pods mount it
/// through the injected service-account token volume, not by the user's choice.
const ROOT_CA: &str = "kube-root-ca.crt";

/// Whether the objects of `kind` in `ns` are known well enough to call one missing: the kind
/// was listed, and, for ConfigMaps and ServiceAccounts, which every real namespace has
/// (`kube-root-ca.crt`, `default`), the namespace shows at least one (a dump that lists them
/// for some namespaces only says nothing about the others).
fn known_in(ctx: &Ctx, kind: Kind, ns: &str) -> bool {
    if !ctx.snap.has_kind(kind) {
        return false;
    }
    match kind {
        Kind::ConfigMap => ctx.snap.configmaps.in_namespace(ns).next().is_some(),
        Kind::ServiceAccount => ctx.snap.service_accounts.in_namespace(ns).next().is_some(),
        _ => true,
    }
}

/// Every reference of a pod spec that points at nothing.
fn dangling(ctx: &Ctx, ns: &str, spec: &PodSpec) -> Vec<Dangling> {
    let mut out = Vec::new();
    for c in spec.all_containers() {
        for m in missing_refs(ctx, ns, c)
            .into_iter()
            .filter(|m| m.kind != "ConfigMap" || known_in(ctx, Kind::ConfigMap, ns))
        {
            let var = c.env.iter().flatten().find(|e| {
                e.value_from.as_ref().is_some_and(|f| {
                    [f.config_map_key_ref.as_ref(), f.secret_key_ref.as_ref()]
                        .into_iter()
                        .flatten()
                        .any(|r| {
                            r.name == m.name.as_str() && m.key.as_deref().is_none_or(|k| r.key == k)
                        })
                })
            });
            let via = match var {
                Some(e) => format!("env {} of container {}", e.name, c.name),
                None => format!("envFrom of container {}", c.name),
            };
            out.push(Dangling {
                kind: m.kind,
                name: m.name,
                key: m.key,
                via,
                used: Use::Env,
            });
        }
    }
    for v in spec.volumes.iter().flatten() {
        let mut push = |kind: &'static str, name: &str, optional: Option<bool>| {
            let k = Kind::by_name(kind);
            if optional == Some(true)
                || name.is_empty()
                || name == ROOT_CA
                || !k.is_some_and(|k| known_in(ctx, k, ns))
            {
                return;
            }
            let exists = match kind {
                "ConfigMap" => ctx.snap.configmap(ns, name).is_some(),
                "Secret" => ctx.snap.secret(ns, name).is_some(),
                _ => ctx.snap.pvc(ns, name).is_some(),
            };
            if !exists {
                out.push(Dangling {
                    kind,
                    name: name.to_string(),
                    key: None,
                    via: format!("volume {}", v.name),
                    used: Use::Volume,
                });
            }
        };
        if let Some(c) = &v.config_map {
            push("ConfigMap", &c.name, c.optional);
        }
        if let Some(s) = &v.secret {
            push("Secret", s.secret_name.as_deref().unwrap_or(""), s.optional);
        }
        if let Some(c) = &v.persistent_volume_claim {
            push("PersistentVolumeClaim", &c.claim_name, None);
        }
        for p in v.projected.iter().flat_map(|p| p.sources.iter().flatten()) {
            if let Some(c) = &p.config_map {
                push("ConfigMap", &c.name, c.optional);
            }
            if let Some(s) = &p.secret {
                push("Secret", &s.name, s.optional);
            }
        }
    }
    if known_in(ctx, Kind::Secret, ns) {
        for r in spec.image_pull_secrets.iter().flatten() {
            if !r.name.is_empty() && ctx.snap.secret(ns, &r.name).is_none() {
                out.push(Dangling {
                    kind: "Secret",
                    name: r.name.to_string(),
                    key: None,
                    via: "imagePullSecrets".to_string(),
                    used: Use::PullSecret,
                });
            }
        }
    }
    // `default` is made in every namespace by the ServiceAccount controller (were it
    // missing, pod creation would be refused: replicaset-failed-create reports that).
    if known_in(ctx, Kind::ServiceAccount, ns) {
        let sa = spec.service_account();
        if sa != "default" && ctx.snap.service_accounts.find(ns, sa).is_none() {
            out.push(Dangling {
                kind: "ServiceAccount",
                name: sa.to_string(),
                key: None,
                via: "serviceAccountName".to_string(),
                used: Use::ServiceAccount,
            });
        }
    }
    out.dedup();
    out
}

/// The uses another pod check already reports for this pod.
fn reported_elsewhere(pod: &Pod) -> Vec<Use> {
    let mut uses = Vec::new();
    for (_, c) in statuses(pod) {
        match waiting_reason(c) {
            Some("CreateContainerConfigError") => uses.push(Use::Env),
            Some("ContainerCreating") | Some("PodInitializing") => uses.push(Use::Volume),
            Some(r) if r.contains("ImagePull") || r == "ErrImagePull" => uses.push(Use::PullSecret),
            _ => {}
        }
    }
    let unscheduled = pod
        .spec
        .as_ref()
        .and_then(|s| s.node_name.as_deref())
        .is_none_or(str::is_empty);
    if unscheduled {
        uses.push(Use::Volume);
    }
    uses
}

fn finding(
    check: &str,
    severity: Severity,
    kind: &str,
    meta: &ObjectMeta,
    refs: &[Dangling],
    explain: &str,
) -> Finding {
    let o = obj(kind, meta);
    let nsf = ns_flag(&o.namespace);
    let first = &refs[0];
    let summary = if refs.len() == 1 {
        format!("references {}", first.describe())
    } else {
        format!(
            "references {} and {} more missing object(s)",
            first.describe(),
            refs.len() - 1
        )
    };
    let mut f = app(check, severity, o, summary).explain(explain);
    for r in refs {
        f = f.with("missing", r.describe());
    }
    if refs.len() <= 3 {
        for r in refs {
            f = f.step(r.step(&nsf));
        }
    } else {
        // Every missing object in one command (kubectl get KIND/NAME …), so none goes unnamed.
        let mut all: Vec<String> = Vec::new();
        for r in refs {
            let arg = format!("{}/{}", r.kind_arg(), r.name);
            if !all.contains(&arg) {
                all.push(arg);
            }
        }
        f = f.step(format!("kubectl get {}{nsf}", all.join(" ")));
    }
    f
}

pub fn check_pod(ctx: &Ctx, pod: &Pod, out: &mut Vec<Finding>) {
    let Some(spec) = pod.spec.as_ref() else {
        return;
    };
    let phase = pod
        .status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("");
    if matches!(phase, "Succeeded" | "Failed") || pod.metadata.deletion_timestamp.is_some() {
        return;
    }
    let elsewhere = reported_elsewhere(pod);
    let refs: Vec<Dangling> = dangling(ctx, pod.metadata.namespace(), spec)
        .into_iter()
        .filter(|r| !elsewhere.contains(&r.used))
        .collect();
    if refs.is_empty() {
        return;
    }
    let running = phase == "Running";
    let (severity, explain) = if running {
        (
            Severity::Warning,
            "The pod runs, but an object it references is gone (deleted after the pod started). \
             It fails as soon as it is restarted or rescheduled: its replacement cannot start.",
        )
    } else {
        (
            Severity::Error,
            "The pod references an object that does not exist in its namespace and is not marked \
             optional, so it cannot start.",
        )
    };
    out.push(finding(
        "pod-missing-reference",
        severity,
        "Pod",
        &pod.metadata,
        &refs,
        explain,
    ));
}

/// A workload's pod template (kind as the API names it).
pub fn check_template(
    ctx: &Ctx,
    kind: &str,
    meta: &ObjectMeta,
    spec: Option<&PodSpec>,
    idle: bool,
    out: &mut Vec<Finding>,
) {
    let Some(spec) = spec else {
        return;
    };
    let refs = dangling(ctx, meta.namespace(), spec);
    if refs.is_empty() {
        return;
    }
    let severity = if idle {
        Severity::Warning
    } else {
        Severity::Error
    };
    let explain = format!(
        "The {kind}'s pod template references an object that does not exist in its namespace \
         (and is not optional): every pod it creates fails to start (a missing ServiceAccount \
         stops the pods from being created at all). Create the object or fix the name."
    );
    out.push(finding(
        "workload-missing-reference",
        severity,
        kind,
        meta,
        &refs,
        &explain,
    ));
}

/// Runs the template check for whichever workload kind this is; ReplicaSets of Deployments
/// and Jobs of CronJobs are left to their owner.
pub fn check_workload(ctx: &Ctx, kind: Kind, key: &crate::model::ObjKey, out: &mut Vec<Finding>) {
    let snap = ctx.snap;
    let owned_by =
        |meta: &ObjectMeta, owner: &str| meta.controller().is_some_and(|o| o.kind == owner);
    match kind {
        Kind::Deployment => {
            if let Some(d) = snap.deployments.get(key) {
                let spec = d.spec.as_ref();
                let idle = spec.and_then(|s| s.replicas) == Some(0);
                check_template(
                    ctx,
                    "Deployment",
                    &d.metadata,
                    spec.and_then(|s| s.template.spec.as_ref()),
                    idle,
                    out,
                );
            }
        }
        Kind::StatefulSet => {
            if let Some(s) = snap.statefulsets.get(key) {
                let spec = s.spec.as_ref();
                let idle = spec.and_then(|s| s.replicas) == Some(0);
                check_template(
                    ctx,
                    "StatefulSet",
                    &s.metadata,
                    spec.and_then(|s| s.template.spec.as_ref()),
                    idle,
                    out,
                );
            }
        }
        Kind::DaemonSet => {
            if let Some(d) = snap.daemonsets.get(key) {
                let spec = d.spec.as_ref().and_then(|s| s.template.spec.as_ref());
                check_template(ctx, "DaemonSet", &d.metadata, spec, false, out);
            }
        }
        Kind::ReplicaSet => {
            if let Some(r) = snap
                .replicasets
                .get(key)
                .filter(|r| !owned_by(&r.metadata, "Deployment"))
            {
                let spec = r.spec.as_ref();
                let idle = spec.and_then(|s| s.replicas) == Some(0);
                let tpl = spec
                    .and_then(|s| s.template.as_ref())
                    .and_then(|t| t.spec.as_ref());
                check_template(ctx, "ReplicaSet", &r.metadata, tpl, idle, out);
            }
        }
        Kind::Job => {
            if let Some(j) = snap
                .jobs
                .get(key)
                .filter(|j| !owned_by(&j.metadata, "CronJob"))
            {
                let done = j
                    .status
                    .as_ref()
                    .and_then(|s| s.conditions.as_ref())
                    .into_iter()
                    .flatten()
                    .any(|c| (c.type_ == "Complete" || c.type_ == "Failed") && c.is_true());
                if !done {
                    let spec = j.spec.as_ref().and_then(|s| s.template.spec.as_ref());
                    check_template(ctx, "Job", &j.metadata, spec, false, out);
                }
            }
        }
        Kind::CronJob => {
            if let Some(c) = snap.cronjobs.get(key) {
                let spec = c.spec.as_ref();
                let idle = spec.and_then(|s| s.suspend) == Some(true);
                let tpl = spec
                    .and_then(|s| s.job_template.spec.as_ref())
                    .and_then(|j| j.template.spec.as_ref());
                check_template(ctx, "CronJob", &c.metadata, tpl, idle, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
#[path = "references_tests.rs"]
mod tests;

//! C14/N14: version skew against the API server, by the supported skew policy — nothing may
//! be newer than the (oldest) API server; kube-controller-manager, kube-scheduler and
//! cloud-controller-manager at most one minor older; kubelets and kube-proxy at most three
//! minors older since 1.28 (two before); HA API servers within one minor of each other. The
//! API server's version comes from `/version`, else from its mirror pods' images. Also the
//! deprecated API versions clients still request (`apiserver_requested_deprecated_apis`).

use crate::findings::{Finding, Pane, Severity};
use crate::objects::{Kind, Pod};

use super::Ctx;
use super::build::{FindingExt, obj};
use super::cp_api::apiserver_ref;
use super::cp_pods::{image_of, minor_of, mirror_pods, node_of};
use super::cp_static_pods::cp;

type Version = (u32, u32);

fn text((major, minor): Version) -> String {
    format!("{major}.{minor}")
}

/// The API server's minor version and where it was read.
pub fn apiserver_version(ctx: &Ctx) -> Option<(Version, String)> {
    if let Some(v) = ctx.snap.health.as_ref().and_then(|h| h.git_version())
        && let Some(m) = minor_of(v)
    {
        return Some((m, format!("/version: {v}")));
    }
    mirror_pods(ctx.snap)
        .into_iter()
        .filter(|(c, _)| *c == "kube-apiserver")
        .filter_map(|(_, p)| {
            let image = image_of(p)?;
            Some((minor_of(image)?, format!("image {image}")))
        })
        .min_by_key(|(v, _)| *v)
}

/// Minors a kubelet or kube-proxy may lag behind an API server of `api`.
fn node_allowance(api: Version) -> u32 {
    if api >= (1, 28) { 3 } else { 2 }
}

/// How far behind (positive) or ahead (negative) `v` is of `api`, in minors.
fn behind(api: Version, v: Version) -> i64 {
    if v.0 != api.0 {
        return if v.0 < api.0 { 99 } else { -99 };
    }
    i64::from(api.1) - i64::from(v.1)
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    deprecated_apis(ctx, out);
    let Some((api, source)) = apiserver_version(ctx) else {
        return;
    };
    let mirrors = mirror_pods(ctx.snap);
    for (component, pod) in &mirrors {
        let Some(v) = image_of(pod).and_then(minor_of) else {
            continue;
        };
        let allowed: u32 = match *component {
            "kube-controller-manager" | "kube-scheduler" | "kube-apiserver" => 1,
            _ => continue,
        };
        let gap = behind(api, v);
        if gap == 0 {
            continue;
        }
        let outside = gap < 0 || gap > i64::from(allowed);
        let severity = if outside {
            Severity::Error
        } else {
            Severity::Warning
        };
        out.push(skew_finding(
            cp(
                "cp-version-skew",
                severity,
                obj("Pod", &pod.metadata),
                String::new(),
            ),
            component,
            &format!("on {}", node_of(pod)),
            v,
            api,
            &source,
            allowed,
        ));
    }
    if ctx.snap.has_kind(Kind::Node) {
        kubelets(ctx, api, &source, out);
    }
    if ctx.snap.has_kind(Kind::Pod) {
        kube_proxies(ctx, api, &source, out);
    }
}

fn skew_finding(
    mut f: Finding,
    what: &str,
    where_: &str,
    v: Version,
    api: Version,
    source: &str,
    allowed: u32,
) -> Finding {
    let gap = behind(api, v);
    let relation = if gap < 0 {
        format!("{} minor(s) newer than", -gap)
    } else {
        format!("{gap} minor(s) older than")
    };
    let outside = gap < 0 || gap > i64::from(allowed);
    f.summary = format!(
        "{what} {where_} is {} ({relation} the API server {})",
        text(v),
        text(api)
    );
    f = f.explain(if gap < 0 {
        "Nothing may be newer than the API server: a newer component may use APIs the server \
         does not have. Upgrade the control plane first (one minor at a time), then the rest."
            .to_string()
    } else if outside {
        format!(
            "This is outside the supported skew policy (at most {allowed} minor(s) older): it is \
             not tested against this API server and may fail on removed APIs. Upgrade it, one \
             minor at a time."
        )
    } else {
        format!(
            "Supported (up to {allowed} minor(s) older), but it looks like an unfinished upgrade: \
             the next control-plane upgrade will take it out of policy."
        )
    })
    .with("version", text(v))
    .with("API server", source.to_string())
    .with("allowed skew", format!("not newer, at most {allowed} minor(s) older"));
    f.step("kubeadm upgrade plan   (on a control-plane node)")
        .step("upgrade one minor version at a time: drain the node, upgrade kubeadm, kubelet and kubectl, restart the kubelet, uncordon")
}

fn kubelets(ctx: &Ctx, api: Version, source: &str, out: &mut Vec<Finding>) {
    let allowed = node_allowance(api);
    for n in ctx.snap.nodes.iter() {
        let Some(raw) = n
            .status
            .as_ref()
            .and_then(|s| s.node_info.as_ref())
            .map(|i| i.kubelet_version.as_str())
            .filter(|v| !v.is_empty())
        else {
            continue;
        };
        let Some(v) = minor_of(raw) else { continue };
        let gap = behind(api, v);
        let severity = if gap < 0 || gap > i64::from(allowed) {
            Severity::Error
        } else if gap >= 2 {
            Severity::Warning
        } else {
            continue;
        };
        let f = Finding {
            pane: Pane::Node,
            ..cp(
                "node-version-skew",
                severity,
                obj("Node", &n.metadata),
                String::new(),
            )
        };
        out.push(
            skew_finding(
                f,
                "kubelet",
                &format!("on {}", n.metadata.name()),
                v,
                api,
                source,
                allowed,
            )
            .with("kubeletVersion", raw.to_string()),
        );
    }
}

fn kube_proxies(ctx: &Ctx, api: Version, source: &str, out: &mut Vec<Finding>) {
    let allowed = node_allowance(api);
    let proxies: Vec<&Pod> = ctx
        .snap
        .pods_with_label("kube-system", "k8s-app", "kube-proxy")
        .collect();
    for p in proxies {
        let Some(image) = image_of(p) else { continue };
        let Some(v) = minor_of(image) else { continue };
        let gap = behind(api, v);
        let severity = if gap < 0 || gap > i64::from(allowed) {
            Severity::Error
        } else if gap >= 2 {
            Severity::Warning
        } else {
            continue;
        };
        let f = Finding {
            pane: Pane::Node,
            ..cp(
                "node-version-skew",
                severity,
                obj("Pod", &p.metadata),
                String::new(),
            )
        };
        out.push(
            skew_finding(
                f,
                "kube-proxy",
                &format!("on {}", node_of(p)),
                v,
                api,
                source,
                allowed,
            )
            .with("image", image.to_string()),
        );
    }
}

fn deprecated_apis(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(h) = &ctx.snap.health else { return };
    let Some(m) = h.metrics.answer() else { return };
    if m.deprecated_apis.is_empty() {
        return;
    }
    let list: Vec<String> = m
        .deprecated_apis
        .iter()
        .map(|d| {
            let gv = if d.group.is_empty() {
                d.version.clone()
            } else {
                format!("{}/{}", d.group, d.version)
            };
            if d.removed_release.is_empty() {
                format!("{} {gv}", d.resource)
            } else {
                format!("{} {gv} (removed in {})", d.resource, d.removed_release)
            }
        })
        .collect();
    let mut f = cp(
        "apiserver-deprecated-apis",
        Severity::Warning,
        apiserver_ref(h),
        format!("clients still use {} deprecated API version(s)", list.len()),
    )
    .explain(
        "Since the API server started, some client requested API versions that are deprecated. \
         After the release that removes them, those requests fail with 404 and the client (a \
         manifest in CI, a Helm chart, an old controller) breaks. Move them to the current version.",
    );
    for l in &list {
        f = f.with("deprecated API in use", l.clone());
    }
    out.push(
        f.step("kubectl get --raw /metrics | grep apiserver_requested_deprecated_apis")
            .step(
                "find the client in the API server's audit log (annotation k8s.io/deprecated=true)",
            ),
    );
}

#[cfg(test)]
#[path = "cp_version_tests.rs"]
mod tests;

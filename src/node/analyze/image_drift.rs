//! The image a static pod manifest asks for against what runs: the mirror pod the API server
//! shows (when the cluster is reachable and the integrator passes mirror pods in), and the
//! running container the runtime reports. A difference means the kubelet has not applied the
//! manifest (or someone edited it after the fact).

use super::{ClusterContext, ev, file, finding};
use crate::findings::{Finding, Pane, Severity};
use crate::node::model::NodeData;

fn drift(
    manifest: &str,
    pod: &str,
    container: &str,
    want: &str,
    have: &str,
    seen_in: &str,
) -> Finding {
    let mut f = finding(
        Pane::ControlPlane,
        "static-pod-image-drift",
        Severity::Warning,
        file(manifest),
        format!("{pod}: the manifest asks for {want}, but {seen_in} runs {have}"),
        "The kubelet replaces a static pod when its manifest changes. A different image running means the change has not been applied (the new pod fails to start, or the kubelet is stuck), or the manifest was edited after the pod started.",
    );
    f.evidence = vec![
        ev(format!("{manifest} ({container})"), want),
        ev(seen_in, have),
    ];
    f.next_steps = vec![
        format!("crictl ps -a --name {container}"),
        format!("kubectl -n kube-system get pod {pod} -o jsonpath='{{.spec.containers[*].image}}'"),
    ];
    f
}

pub fn check(data: &NodeData, context: &ClusterContext) -> Vec<Finding> {
    let mut out = Vec::new();
    let node = data.node_name.clone().unwrap_or_default();
    for m in &data.static_pods.manifests {
        let Some(pod) = &m.pod else { continue };
        let mirror_name = format!("{}-{node}", pod.name);
        for c in &pod.containers {
            if c.image.is_empty() {
                continue;
            }
            let mirror = context
                .mirror_pods
                .iter()
                .filter(|p| p.name == mirror_name && p.namespace == pod.namespace)
                .flat_map(|p| p.containers.iter())
                .find(|(name, _)| *name == c.name);
            if let Some((_, image)) = mirror.filter(|(_, i)| *i != c.image) {
                out.push(drift(
                    &m.file,
                    &mirror_name,
                    &c.name,
                    &c.image,
                    image,
                    "the mirror pod",
                ));
                continue;
            }
            let running = data
                .containers
                .iter()
                .flatten()
                .filter(|r| r.state == "Running" && r.name == c.name)
                .filter(|r| r.pod_name.is_empty() || r.pod_name == mirror_name)
                .find(|r| r.image.contains(':') && !r.image.starts_with("sha256:"));
            if let Some(r) = running.filter(|r| r.image != c.image) {
                out.push(drift(
                    &m.file,
                    &mirror_name,
                    &c.name,
                    &c.image,
                    &r.image,
                    "the runtime",
                ));
            }
        }
    }
    out
}

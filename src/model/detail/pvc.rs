//! `kubectl describe pvc`: the claim's class, phase, volume, capacity, access modes and the
//! pods that use it ("Used By": pods of its namespace whose volumes name the claim, directly or
//! as the ephemeral volume `<pod>-<volume>` the ephemeral volume controller creates).

use serde_json::Value;

use super::out::Out;
use crate::model::Health;

fn s<'a>(v: &'a Value, path: &str) -> &'a str {
    v.pointer(path).and_then(Value::as_str).unwrap_or("")
}

/// Whether `obj` is a core/v1 PersistentVolumeClaim.
pub fn is_claim(obj: &Value) -> bool {
    s(obj, "/kind") == "PersistentVolumeClaim" && s(obj, "/apiVersion") == "v1"
}

/// The names of the pods in `pods` that use the claim `claim` (pods of its namespace), sorted,
/// as kubectl's `getPodsForPVC` finds them.
pub fn claim_users(claim: &str, pods: &[Value]) -> Vec<String> {
    let mut out: Vec<String> = pods
        .iter()
        .filter(|pod| {
            let name = s(pod, "/metadata/name");
            pod.pointer("/spec/volumes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|v| {
                    s(v, "/persistentVolumeClaim/claimName") == claim
                        || (v.get("ephemeral").is_some()
                            && format!("{name}-{}", s(v, "/name")) == claim)
                })
        })
        .map(|pod| s(pod, "/metadata/name").to_string())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// kubectl's short names of access modes.
fn access_mode(mode: &str) -> &str {
    match mode {
        "ReadWriteOnce" => "RWO",
        "ReadOnlyMany" => "ROX",
        "ReadWriteMany" => "RWX",
        "ReadWriteOncePod" => "RWOP",
        other => other,
    }
}

/// The claim's own fields after the common metadata, and `Used By` when the pods were read
/// (`None`: not read yet).
pub(crate) fn describe(out: &mut Out, pvc: &Value, used_by: Option<&[String]>) {
    let class = s(pvc, "/spec/storageClassName");
    out.field(0, "StorageClass:", class);
    let phase = s(pvc, "/status/phase");
    let health = match phase {
        "Bound" => Health::Ok,
        "Pending" => Health::Progressing,
        _ => Health::Error,
    };
    out.field_h(0, "Status:", phase, health);
    out.field(0, "Volume:", s(pvc, "/spec/volumeName"));
    let finalizers: Vec<&str> = pvc
        .pointer("/metadata/finalizers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    out.field(0, "Finalizers:", format!("[{}]", finalizers.join(" ")));
    let bound = !s(pvc, "/spec/volumeName").is_empty();
    let capacity = if bound {
        s(pvc, "/status/capacity/storage")
    } else {
        ""
    };
    out.field(0, "Capacity:", capacity);
    let modes: Vec<&str> = if bound {
        pvc.pointer("/status/accessModes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(access_mode)
            .collect()
    } else {
        Vec::new()
    };
    out.field(0, "Access Modes:", modes.join(","));
    let mode = match s(pvc, "/spec/volumeMode") {
        "" => "Filesystem",
        m => m,
    };
    out.field(0, "VolumeMode:", mode);
    match used_by {
        None => out.field(0, "Used By:", "(reading pods…)"),
        Some([]) => out.field(0, "Used By:", "<none>"),
        Some([first, rest @ ..]) => {
            out.field(0, "Used By:", first);
            for pod in rest {
                out.field(0, "", pod);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn used_by_finds_direct_and_ephemeral_claims_only() {
        let pods = vec![
            json!({"metadata": {"name": "web-0"}, "spec": {"volumes": [
                {"name": "data", "persistentVolumeClaim": {"claimName": "data-web-0"}}]}}),
            json!({"metadata": {"name": "tmp"}, "spec": {"volumes": [
                {"name": "scratch", "ephemeral": {"volumeClaimTemplate": {"spec": {}}}}]}}),
            json!({"metadata": {"name": "web-1"}, "spec": {"volumes": [
                {"name": "data", "persistentVolumeClaim": {"claimName": "data-web-1"}}]}}),
            // Named like an ephemeral claim, but the volume is not ephemeral.
            json!({"metadata": {"name": "tmp2"}, "spec": {"volumes": [
                {"name": "scratch", "emptyDir": {}}]}}),
        ];
        assert_eq!(claim_users("data-web-0", &pods), ["web-0"]);
        assert_eq!(claim_users("tmp-scratch", &pods), ["tmp"]);
        assert!(claim_users("tmp2-scratch", &pods).is_empty());
        assert!(claim_users("other", &pods).is_empty());
    }
}

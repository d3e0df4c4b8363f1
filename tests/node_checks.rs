//! One broken thing at a time on the control-plane bundle, through the library: each check
//! fires on its CKA-style breakage (and names it), the mirror-pod hook compares images, and
//! garbage in every parser never panics.

#![allow(clippy::unwrap_used)]

#[path = "fixtures/certs/gen.rs"]
mod generated;
#[path = "fixtures/node/gen.rs"]
mod node_gen;

use std::path::Path;

use jiff::Timestamp;
use kmedic::findings::{Finding, Severity};
use kmedic::node::{ClusterContext, MirrorPod, NodeSource, inspect};
use node_gen::write;

fn run(root: &Path, context: &ClusterContext) -> Vec<Finding> {
    let source = NodeSource::bundle(root).unwrap();
    inspect(&source, context, Timestamp::now())
        .unwrap()
        .0
        .findings
}

/// The control-plane bundle with `change` applied; the findings of `check`.
fn case(change: impl FnOnce(&Path), check: &str) -> Vec<Finding> {
    let dir = tempfile::tempdir().unwrap();
    node_gen::control_plane(dir.path());
    change(dir.path());
    let all = run(dir.path(), &ClusterContext::default());
    let found: Vec<Finding> = all.iter().filter(|f| f.check == check).cloned().collect();
    assert!(
        !found.is_empty(),
        "{check} not found in {:#?}",
        all.iter()
            .map(|f| (&f.check, &f.summary))
            .collect::<Vec<_>>()
    );
    found
}

const M: &str = "etc/kubernetes/manifests";

#[test]
fn manifest_breakages() {
    let f = case(
        |r| {
            write(
                r,
                &format!("{M}/kube-scheduler.yaml"),
                &node_gen::scheduler_manifest("/etc/kubernetes/scheduler.conf")
                    .replace("    - kube-scheduler\n", "    - kube-schedulerrr\n"),
            )
        },
        "static-pod-command-wrong",
    );
    assert!(
        f[0].summary.contains("\"kube-schedulerrr\""),
        "{}",
        f[0].summary
    );

    let f = case(
        |r| std::fs::remove_file(r.join(M).join("kube-scheduler.yaml")).unwrap(),
        "static-pod-missing",
    );
    assert_eq!(f[0].object.name, "kube-scheduler");

    let f = case(
        |r| {
            write(
                r,
                &format!("{M}/kube-scheduler.yaml"),
                &node_gen::scheduler_manifest("/etc/kubernetes/scheduler.conf")
                    .replace("v1.31.2", "v1.30.5"),
            )
        },
        "static-pod-version-skew",
    );
    assert!(f[0].summary.contains("v1.30.5") && f[0].summary.contains("v1.31.2"));

    let f = case(
        |r| {
            let clash = node_gen::scheduler_manifest("/etc/kubernetes/scheduler.conf")
                .replace("name: kube-scheduler\n  namespace", "name: my-proxy\n  namespace")
                .replace("    name: kube-scheduler\n", "    name: my-proxy\n    ports:\n    - containerPort: 6443\n      name: https\n");
            write(r, &format!("{M}/my-proxy.yaml"), &clash);
        },
        "static-pod-port-clash",
    );
    assert_eq!(f[0].object.name, "6443");

    // etcd restored into a new data directory without updating the volume.
    let f = case(
        |r| {
            write(
                r,
                &format!("{M}/etcd.yaml"),
                &node_gen::etcd_manifest().replace(
                    "--data-dir=/var/lib/etcd",
                    "--data-dir=/var/lib/etcd-from-backup",
                ),
            )
        },
        "static-pod-path-not-mounted",
    );
    assert_eq!(f[0].severity, Severity::Critical);
    assert!(
        f[0].summary
            .contains("--data-dir=/var/lib/etcd-from-backup")
    );

    // The kubelet looks in the wrong directory: the control plane never starts.
    let f = case(
        |r| {
            write(
                r,
                "var/lib/kubelet/config.yaml",
                &node_gen::kubelet_config("systemd", true, "/run/systemd/resolve/resolv.conf")
                    .replace(
                        "staticPodPath: /etc/kubernetes/manifests",
                        "staticPodPath: /etc/kubernetes/manifest",
                    ),
            )
        },
        "static-pod-path-wrong",
    );
    assert!(
        f[0].summary
            .contains("/etc/kubernetes/manifest, which does not exist"),
        "{}",
        f[0].summary
    );
}

#[test]
fn image_drift_against_the_mirror_pod() {
    let dir = tempfile::tempdir().unwrap();
    node_gen::control_plane(dir.path());
    assert!(
        run(dir.path(), &ClusterContext::default())
            .iter()
            .all(|f| f.check != "static-pod-image-drift")
    );
    let pod = serde_json::json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "kube-apiserver-cp-1", "namespace": "kube-system",
            "annotations": {"kubernetes.io/config.mirror": "9a5b3c1e", "kubernetes.io/config.source": "file"},
            "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": "cp-1", "uid": "6b1e", "controller": true}]},
        "spec": {"nodeName": "cp-1", "containers": [{"name": "kube-apiserver", "image": "registry.k8s.io/kube-apiserver:v1.30.6"}]}
    });
    let mirror = MirrorPod::from_pod(&pod).unwrap();
    let not_mirror = serde_json::json!({"metadata": {"name": "web"}, "spec": {"containers": []}});
    assert!(MirrorPod::from_pod(&not_mirror).is_none());
    let findings = run(
        dir.path(),
        &ClusterContext {
            mirror_pods: vec![mirror],
            services: None,
        },
    );
    let drift: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.check == "static-pod-image-drift")
        .collect();
    assert_eq!(drift.len(), 1);
    assert!(
        drift[0]
            .summary
            .contains("the mirror pod runs registry.k8s.io/kube-apiserver:v1.30.6"),
        "{}",
        drift[0].summary
    );
}

#[test]
fn kubelet_chain_breakages() {
    let f = case(
        |r| std::fs::remove_file(r.join("usr/bin/kubelet")).unwrap(),
        "kubelet-binary-missing",
    );
    assert!(f[0].summary.contains("/usr/bin/kubelet"));

    let f = case(
        |r| {
            write(
                r,
                "var/lib/kubelet/config.yaml",
                &node_gen::kubelet_config("systemd", true, "/run/systemd/resolve/resolv.conf")
                    .replace(
                        "/etc/kubernetes/pki/ca.crt",
                        "/etc/kubernetes/pki/WRONG-CA-FILE.crt",
                    ),
            )
        },
        "kubelet-file-missing",
    );
    assert_eq!(f[0].severity, Severity::Critical);
    assert!(
        f[0].summary
            .contains("clientCAFile /etc/kubernetes/pki/WRONG-CA-FILE.crt")
    );

    let f = case(
        |r| {
            let conf = std::fs::read_to_string(r.join("etc/kubernetes/kubelet.conf")).unwrap();
            write(
                r,
                "etc/kubernetes/kubelet.conf",
                &conf.replace("192.168.1.10:6443", "192.168.1.10:6553"),
            );
        },
        "kubelet-apiserver-port",
    );
    assert!(f[0].summary.contains("listens on port 6443"));

    let f = case(
        |r| {
            let unit = r.join("usr/lib/systemd/system/kubelet.service");
            std::fs::remove_file(&unit).unwrap();
            std::fs::create_dir_all(r.join("etc/systemd/system")).unwrap();
            std::os::unix::fs::symlink("/dev/null", r.join("etc/systemd/system/kubelet.service"))
                .unwrap();
        },
        "kubelet-unit-masked",
    );
    assert_eq!(f[0].severity, Severity::Critical);

    case(
        |r| {
            write(
                r,
                "var/lib/kubelet/config.yaml",
                "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: [systemd\n",
            )
        },
        "kubelet-config-invalid",
    );
}

#[test]
fn hard_way_control_plane_units() {
    let dir = tempfile::tempdir().unwrap();
    node_gen::control_plane(dir.path());
    let r = dir.path();
    write(
        r,
        "etc/systemd/system/kube-apiserver.service",
        "[Unit]\nDescription=Kubernetes API Server\n\n[Service]\nExecStart=/usr/local/bin/kube-apiserver \\\n  --etcd-servers=https://127.0.0.1:2379 \\\n  --tls-cert-file=/var/lib/kubernetes/kubernetes.pem \\\n  --insecure-port=0\nRestart=on-failure\n",
    );
    write(r, "usr/local/bin/kube-apiserver", "ELF");
    write(
        r,
        "sos_commands/kmedic/systemctl_show_kube-apiserver_--no-pager",
        "Id=kube-apiserver.service\nLoadState=loaded\nActiveState=failed\nSubState=failed\nResult=exit-code\nExecMainStatus=1\n",
    );
    write(
        r,
        "sos_commands/kmedic/journalctl_-u_kube-apiserver_-n_300_--no-pager_-o_short-iso",
        "2025-06-02T10:20:01+0000 cp-1 kube-apiserver[3120]: Error: unknown flag: --insecure-port\n",
    );
    let findings = run(r, &ClusterContext::default());
    let of = |check: &str| {
        findings
            .iter()
            .filter(|f| f.check == check)
            .collect::<Vec<_>>()
    };
    let missing = of("control-plane-unit-file-missing");
    assert_eq!(missing.len(), 1, "{findings:#?}");
    assert_eq!(
        missing[0].summary,
        "kube-apiserver.service: --tls-cert-file /var/lib/kubernetes/kubernetes.pem does not exist"
    );
    assert_eq!(
        of("control-plane-unit-not-running")[0].severity,
        Severity::Critical
    );
    assert_eq!(
        of("journal-unknown-flag")[0].object.name,
        "kube-apiserver.service"
    );
}

#[test]
fn runtime_dns_and_kube_proxy() {
    let f = case(
        |r| {
            write(
                r,
                "etc/containerd/config.toml",
                "disabled_plugins = [\"cri\"]\n",
            )
        },
        "containerd-cri-disabled",
    );
    assert_eq!(f[0].severity, Severity::Critical);

    let f = case(
        |r| {
            write(
                r,
                "run/systemd/resolve/resolv.conf",
                "nameserver 127.0.0.53\noptions edns0 trust-ad\n",
            )
        },
        "kubelet-resolv-conf-loopback",
    );
    assert!(f[0].summary.contains("127.0.0.53"));

    case(
        |r| {
            write(
                r,
                "var/lib/kubelet/config.yaml",
                &node_gen::kubelet_config("systemd", true, "/run/systemd/resolve/resolv.conf")
                    .replace("clusterDNS:\n- 10.96.0.10\n", ""),
            )
        },
        "kubelet-cluster-dns-unset",
    );

    case(
        |r| {
            write(
                r,
                "sos_commands/kmedic/iptables-save",
                "*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n",
            )
        },
        "kube-proxy-chains-missing",
    );
}

#[test]
fn garbage_never_panics_a_parser() {
    use kmedic::node::parse::*;
    let seeds = [
        node_gen::apiserver_manifest(),
        node_gen::BROKEN_CONTROLLER_MANAGER.to_string(),
        node_gen::KUBEADM_DROP_IN.to_string(),
        node_gen::proc_net_tcp(&[([127, 0, 0, 1], 2379)]),
        node_gen::proc_net_tcp6(&[6443]),
        "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\nSystemdCgroup = true\n".to_string(),
        "CONTAINER  IMAGE  CREATED  STATE  NAME  ATTEMPT  POD ID  POD\nabc  img  2 minutes ago  Exited  etcd  1  p  etcd-x\n".to_string(),
        "*nat\n:KUBE-SERVICES - [0:0]\n-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m comment --comment \"default/kubernetes:https cluster IP\" -m tcp --dport 443 -j KUBE-SVC-NPX46M4PTMTKRN6Y\nCOMMIT\n".to_string(),
    ];
    let mut rng = fastrand::Rng::with_seed(11);
    for seed in &seeds {
        for _ in 0..300 {
            let mut bytes = seed.as_bytes().to_vec();
            for _ in 0..rng.usize(1..8) {
                let i = rng.usize(..bytes.len().max(1));
                match rng.u8(..4) {
                    0 if !bytes.is_empty() => {
                        bytes.remove(i.min(bytes.len() - 1));
                    }
                    1 => bytes.insert(i.min(bytes.len()), rng.u8(..)),
                    2 if !bytes.is_empty() => bytes.truncate(i),
                    _ => bytes.insert(i.min(bytes.len()), b"\"'[{:-\n\t\\"[rng.usize(..9)]),
                }
            }
            let text = String::from_utf8_lossy(&bytes);
            let _ = manifest::parse_manifest("/x.yaml", &text);
            let _ = systemd_unit::service_exec(&[text.as_ref()]);
            let _ = command_line::expand_exec(&text, &std::collections::HashMap::new());
            let _ = command_line::parse_env_file(&text);
            let _ = proc_net::listeners(&text);
            let _ = proc_net::swaps(&text);
            let _ = runtime_config::parse_containerd(&text);
            let _ = crictl::parse_ps_table(&text);
            let _ = crictl::parse_ps_json(&text);
            let _ = systemctl::parse_status("kubelet", &text, "x");
            let _ = kubeconfig::summarize("x", &text);
            let mut settings = kubelet_config::KubeletSettings::defaults();
            let _ = kubelet_config::apply_config_file(&mut settings, &text);
            let save = iptables::parse(&text);
            let _ = kmedic::node::kubeproxy::model(&save);
        }
    }
}

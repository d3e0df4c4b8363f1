//! Known failure signatures in kubelet, container runtime and control-plane logs, written
//! with the texts these components really print (klog's structured lines quote with `\"`).
//! A line belongs to the first pattern that matches it, so specific ones come first.

use crate::findings::{Pane, Severity};

/// One failure signature.
#[derive(Debug)]
pub struct Pattern {
    /// Part of the check id (`journal-<id>`).
    pub id: &'static str,
    /// Alternatives; each is a set of substrings that must all occur in the line.
    pub any: &'static [&'static [&'static str]],
    pub pane: Pane,
    pub severity: Severity,
    /// What it means, in a few words.
    pub meaning: &'static str,
    pub explanation: &'static str,
    pub next: &'static [&'static str],
}

use Pane::{Certs, ControlPlane, Network, Node};
use Severity::{Critical, Error, Warning};

pub const PATTERNS: &[Pattern] = &[
    Pattern {
        id: "swap-on",
        any: &[&["running with swap on is not supported"]],
        pane: Node,
        severity: Critical,
        meaning: "the kubelet refuses to run with swap on",
        explanation: "With failSwapOn (the default) the kubelet exits while swap is active.",
        next: &[
            "swapoff -a (and remove swap from /etc/fstab)",
            "systemctl restart kubelet",
        ],
    },
    Pattern {
        id: "config-load-failed",
        any: &[
            &["failed to load kubelet config file"],
            &["failed to load Kubelet config file"],
        ],
        pane: Node,
        severity: Critical,
        meaning: "the kubelet cannot load its config file",
        explanation: "The --config file is missing or invalid, so the kubelet exits at start.",
        next: &[
            "systemctl cat kubelet",
            "ls -l /var/lib/kubelet/config.yaml",
        ],
    },
    Pattern {
        id: "client-ca-missing",
        any: &[&["unable to load client CA file"]],
        pane: Node,
        severity: Critical,
        meaning: "the kubelet cannot load its client CA file",
        explanation: "authentication.x509.clientCAFile names a file that cannot be read, so the kubelet exits at start.",
        next: &[
            "grep -n clientCAFile /var/lib/kubelet/config.yaml",
            "ls -l /etc/kubernetes/pki/ca.crt",
        ],
    },
    Pattern {
        id: "cgroup-driver-mismatch",
        any: &[
            &["is different from docker cgroup driver"],
            &["expected cgroupsPath to be of format"],
        ],
        pane: Node,
        severity: Error,
        meaning: "the kubelet and the runtime use different cgroup drivers",
        explanation: "The kubelet's cgroupDriver and the runtime's cgroup manager disagree, so pod sandboxes fail to start.",
        next: &[
            "grep -n SystemdCgroup /etc/containerd/config.toml",
            "grep -n cgroupDriver /var/lib/kubelet/config.yaml",
        ],
    },
    Pattern {
        id: "runtime-unavailable",
        any: &[
            &["validate CRI v1 runtime API for endpoint"],
            &["container runtime is down"],
            &["containerd.sock: connect: no such file or directory"],
            &["crio.sock: connect: no such file or directory"],
        ],
        pane: Node,
        severity: Critical,
        meaning: "the container runtime does not answer",
        explanation: "The kubelet cannot reach the runtime's CRI socket: the runtime is down, its CRI plugin is disabled, or the endpoint is wrong.",
        next: &["systemctl status containerd --no-pager", "crictl info"],
    },
    Pattern {
        id: "etcd-unreachable",
        any: &[
            &[":2379: connect: connection refused"],
            &["127.0.0.1:2379", "connection refused"],
        ],
        pane: ControlPlane,
        severity: Critical,
        meaning: "etcd is unreachable",
        explanation: "The API server cannot reach etcd on port 2379; without etcd it cannot serve anything.",
        next: &[
            "crictl ps -a --name etcd",
            "crictl logs --tail 50 $(crictl ps -a --name etcd -q | head -1)",
        ],
    },
    Pattern {
        id: "etcd-no-space",
        any: &[&["mvcc: database space exceeded"], &["alarm:NOSPACE"]],
        pane: ControlPlane,
        severity: Critical,
        meaning: "etcd's database is full (NOSPACE)",
        explanation: "etcd reached its quota and refuses writes until it is compacted, defragmented and the alarm disarmed.",
        next: &[
            "ETCDCTL_API=3 etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt --key=/etc/kubernetes/pki/etcd/healthcheck-client.key alarm list",
        ],
    },
    Pattern {
        id: "cert-expired",
        any: &[&["x509: certificate has expired or is not yet valid"]],
        pane: Node,
        severity: Error,
        meaning: "a certificate has expired (or a clock is wrong)",
        explanation: "A TLS handshake failed because a certificate is outside its validity window: an expired client or serving certificate, or a node clock far off.",
        next: &[
            "kubeadm certs check-expiration",
            "openssl x509 -in /var/lib/kubelet/pki/kubelet-client-current.pem -noout -enddate",
            "date -u",
        ],
    },
    Pattern {
        id: "unknown-authority",
        any: &[&["x509: certificate signed by unknown authority"]],
        pane: Node,
        severity: Error,
        meaning: "a certificate is signed by an unknown authority",
        explanation: "The peer's certificate does not chain to the CA this component trusts: a regenerated CA, a wrong CA file, or a kubeconfig from another cluster.",
        next: &[
            "kmedic certs --host-root /",
            "openssl x509 -in /etc/kubernetes/pki/ca.crt -noout -subject -fingerprint",
        ],
    },
    Pattern {
        id: "key-mismatch",
        any: &[&["tls: private key does not match public key"]],
        pane: Certs,
        severity: Error,
        meaning: "a certificate and its key do not match",
        explanation: "The component was given a key that does not belong to its certificate, so it cannot serve TLS.",
        next: &["kmedic certs --host-root /"],
    },
    Pattern {
        id: "node-not-found",
        any: &[
            &["Error getting node", "not found"],
            &["nodes \\\"", "not found"],
            &["node \\\"", "\\\" not found"],
        ],
        pane: Node,
        severity: Error,
        meaning: "the node is not registered with the API server",
        explanation: "The kubelet reaches the API server but its Node object does not exist: registration failed (identity, RBAC, a deleted node) or the name differs.",
        next: &["kubectl get nodes", "kubectl get csr"],
    },
    Pattern {
        id: "apiserver-unreachable",
        any: &[
            &["Unable to register node with API server"],
            &["dial tcp", "connect: connection refused"],
        ],
        pane: Node,
        severity: Error,
        meaning: "the API server refuses connections",
        explanation: "Nothing listens on the address this component uses for the API server: it is down, or the address or port in the kubeconfig is wrong.",
        next: &[
            "grep server: /etc/kubernetes/kubelet.conf",
            "ss -ltn | grep 6443",
            "crictl ps -a --name kube-apiserver",
        ],
    },
    Pattern {
        id: "cni-not-initialized",
        any: &[
            &["cni plugin not initialized"],
            &["NetworkPluginNotReady"],
            &["cni config uninitialized"],
            &["no networks found in /etc/cni/net.d"],
        ],
        pane: Network,
        severity: Error,
        meaning: "the CNI network plugin is not ready",
        explanation: "No usable CNI configuration in /etc/cni/net.d (the network add-on is not installed or its pod does not run here), so no pod on this node gets a network and the node stays NotReady.",
        next: &[
            "ls -l /etc/cni/net.d /opt/cni/bin",
            "kubectl -n kube-system get pods -o wide | grep -i -E 'calico|flannel|cilium|weave'",
        ],
    },
    Pattern {
        id: "pleg-unhealthy",
        any: &[&["PLEG is not healthy"]],
        pane: Node,
        severity: Error,
        meaning: "the pod lifecycle event generator is stuck (PLEG not healthy)",
        explanation: "The kubelet could not list containers from the runtime in time: the runtime is hung or overloaded (too many containers, slow disk), so the node goes NotReady.",
        next: &[
            "crictl ps -a | wc -l",
            "systemctl status containerd --no-pager",
            "top -b -n1 | head -20",
        ],
    },
    Pattern {
        id: "eviction",
        any: &[
            &["Eviction manager: attempting to reclaim"],
            &["Eviction manager: must evict pod(s) to reclaim"],
            &["eviction manager: attempting to reclaim"],
        ],
        pane: Node,
        severity: Warning,
        meaning: "the kubelet is evicting pods to reclaim resources",
        explanation: "A resource fell below an eviction threshold (evictionHard: memory.available, nodefs.available …), so the kubelet kills pods to recover.",
        next: &[
            "df -h /var/lib/kubelet /var/lib/containerd",
            "free -m",
            "crictl rmi --prune",
        ],
    },
    Pattern {
        id: "image-pull-auth",
        any: &[
            &["pull access denied"],
            &["failed to authorize"],
            &["no basic auth credentials"],
            &["Failed to pull image", "401 Unauthorized"],
            &["Failed to pull image", "403 Forbidden"],
        ],
        pane: Node,
        severity: Warning,
        meaning: "image pulls are refused by the registry (authentication)",
        explanation: "The registry refuses the pull: the image does not exist or needs credentials (imagePullSecrets, or the runtime's registry configuration).",
        next: &[
            "crictl pull <image> (as the kubelet would)",
            "kubectl get events -A --field-selector reason=Failed",
        ],
    },
    Pattern {
        id: "file-missing",
        any: &[
            &["open /etc/kubernetes/", "no such file or directory"],
            &["stat /etc/kubernetes/", "no such file or directory"],
        ],
        pane: ControlPlane,
        severity: Error,
        meaning: "a file under /etc/kubernetes is missing",
        explanation: "A component was started with a path that does not exist (a typo in a manifest flag, or a hostPath that mounts the wrong directory).",
        next: &["grep -n /etc/kubernetes /etc/kubernetes/manifests/*.yaml"],
    },
    Pattern {
        id: "unknown-flag",
        any: &[&["unknown flag: --"]],
        pane: ControlPlane,
        severity: Error,
        meaning: "a component was given a flag it does not know",
        explanation: "A flag in the manifest or unit is misspelled or was removed in this version, so the component exits at start.",
        next: &["grep -n -- '--' /etc/kubernetes/manifests/*.yaml"],
    },
    Pattern {
        id: "address-in-use",
        any: &[&["bind: address already in use"]],
        pane: ControlPlane,
        severity: Error,
        meaning: "a port is already taken",
        explanation: "Another process holds the port the component wants to listen on.",
        next: &["ss -ltnp"],
    },
    Pattern {
        id: "listener-failed",
        any: &[&["failed to create listener"]],
        pane: ControlPlane,
        severity: Error,
        meaning: "a component could not open its listening socket",
        explanation: "The address or port to listen on is wrong or taken.",
        next: &["ss -ltnp"],
    },
    Pattern {
        id: "etcd-slow",
        any: &[
            &["etcdserver: request timed out"],
            &["apply request took too long"],
        ],
        pane: ControlPlane,
        severity: Warning,
        meaning: "etcd is slow",
        explanation: "etcd requests take too long, usually a slow or busy disk; the API server slows down and leader elections fail.",
        next: &["iostat -x 1 5 (the disk of /var/lib/etcd)"],
    },
    Pattern {
        id: "leader-election-lost",
        any: &[
            &["failed to renew lease"],
            &["leaderelection lost"],
            &["leader election lost"],
        ],
        pane: ControlPlane,
        severity: Error,
        meaning: "a controller lost its leader election",
        explanation: "The controller-manager or scheduler could not renew its lease in time (API server or etcd slow or down) and restarted.",
        next: &["kubectl -n kube-system get lease"],
    },
    Pattern {
        id: "kubelet-fatal",
        any: &[&["failed to run Kubelet:"], &["\"command failed\""]],
        pane: Node,
        severity: Error,
        meaning: "the kubelet exits at start",
        explanation: "The kubelet stops with a fatal error; the line says which.",
        next: &["journalctl -u kubelet -n 50 --no-pager"],
    },
];

/// The pattern a line belongs to.
pub fn classify(line: &str) -> Option<&'static Pattern> {
    PATTERNS
        .iter()
        .find(|p| p.any.iter().any(|all| all.iter().all(|s| line.contains(s))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(line: &str) -> Option<&'static str> {
        classify(line).map(|p| p.id)
    }

    #[test]
    fn real_lines_are_classified() {
        let cases = [
            (
                r#"Jun 02 10:15:32 cp-1 kubelet[4242]: E0602 10:15:32.123456    4242 run.go:72] "command failed" err="failed to run Kubelet: running with swap on is not supported, please disable swap or set --fail-swap-on flag to false""#,
                "swap-on",
            ),
            (
                r#"2025-06-02T10:15:32+0000 w-1 kubelet[911]: E0602 10:15:32.1    911 kubelet.go:2900] "Container runtime network not ready" networkReady="NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized""#,
                "cni-not-initialized",
            ),
            (
                r#"2025-06-02T10:15:33+0000 w-1 kubelet[911]: E0602 10:15:33.2    911 kubelet.go:2408] "Skipping pod synchronization" err="PLEG is not healthy: pleg was last seen active 3m10.5s ago; threshold is 3m0s""#,
                "pleg-unhealthy",
            ),
            (
                r#"2025-06-02T10:15:34+0000 w-1 kubelet[911]: E0602 10:15:34.3    911 kubelet_node_status.go:544] "Error updating node status, will retry" err="error getting node \"w-1\": nodes \"w-1\" not found""#,
                "node-not-found",
            ),
            (
                r#"2025-06-02T10:15:35+0000 w-1 kubelet[911]: E0602 10:15:35.4    911 reflector.go:150] k8s.io/client-go/informers/factory.go:160: Failed to watch *v1.Node: failed to list *v1.Node: Get "https://192.168.1.10:6443/api/v1/nodes?limit=500": tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time 2025-06-02T10:15:35Z is after 2025-05-31T10:00:00Z"#,
                "cert-expired",
            ),
            (
                r#"W0602 10:15:36.5       1 logging.go:59] [core] [Channel #1 SubChannel #2] grpc: addrConn.createTransport failed to connect to {Addr: "127.0.0.1:2379", ServerName: "127.0.0.1:2379", }. Err: connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:2379: connect: connection refused""#,
                "etcd-unreachable",
            ),
            (
                r#"E0602 10:15:37.6 911 remote_runtime.go:1] "validate service connection: validate CRI v1 runtime API for endpoint \"unix:///run/containerd/containerd.sock\": rpc error: code = Unimplemented desc = unknown service runtime.v1.RuntimeService""#,
                "runtime-unavailable",
            ),
            (
                r#"E0602 10:15:38.7 911 pod_workers.go:1301] "Error syncing pod, skipping" err="failed to \"StartContainer\" for \"app\" with ErrImagePull: \"failed to pull and unpack image \\\"registry.example.com/app:1\\\": failed to resolve reference: pull access denied, repository does not exist or may require authorization""#,
                "image-pull-auth",
            ),
            ("all good here", ""),
        ];
        for (line, want) in cases {
            assert_eq!(id(line).unwrap_or(""), want, "{line}");
        }
    }
}

//! The resource types a Kubernetes 1.33 API server can serve out of the box, with the names
//! kubectl's users type for them. Used only to tell "the server does not serve X" (an API
//! group turned off, an older or newer server, a missing aggregated API such as
//! metrics-server) from a name nobody knows; what is served always comes from discovery.

/// (group, version, kind, plural, short names).
const BUILTIN: &[(&str, &str, &str, &str, &[&str])] = &[
    ("", "v1", "Binding", "bindings", &[]),
    ("", "v1", "ComponentStatus", "componentstatuses", &["cs"]),
    ("", "v1", "ConfigMap", "configmaps", &["cm"]),
    ("", "v1", "Endpoints", "endpoints", &["ep"]),
    ("", "v1", "Event", "events", &["ev"]),
    ("", "v1", "LimitRange", "limitranges", &["limits"]),
    ("", "v1", "Namespace", "namespaces", &["ns"]),
    ("", "v1", "Node", "nodes", &["no"]),
    (
        "",
        "v1",
        "PersistentVolumeClaim",
        "persistentvolumeclaims",
        &["pvc"],
    ),
    ("", "v1", "PersistentVolume", "persistentvolumes", &["pv"]),
    ("", "v1", "Pod", "pods", &["po"]),
    ("", "v1", "PodTemplate", "podtemplates", &[]),
    (
        "",
        "v1",
        "ReplicationController",
        "replicationcontrollers",
        &["rc"],
    ),
    ("", "v1", "ResourceQuota", "resourcequotas", &["quota"]),
    ("", "v1", "Secret", "secrets", &[]),
    ("", "v1", "ServiceAccount", "serviceaccounts", &["sa"]),
    ("", "v1", "Service", "services", &["svc"]),
    (
        "admissionregistration.k8s.io",
        "v1",
        "MutatingWebhookConfiguration",
        "mutatingwebhookconfigurations",
        &[],
    ),
    (
        "admissionregistration.k8s.io",
        "v1",
        "ValidatingWebhookConfiguration",
        "validatingwebhookconfigurations",
        &[],
    ),
    (
        "admissionregistration.k8s.io",
        "v1",
        "ValidatingAdmissionPolicy",
        "validatingadmissionpolicies",
        &[],
    ),
    (
        "admissionregistration.k8s.io",
        "v1",
        "ValidatingAdmissionPolicyBinding",
        "validatingadmissionpolicybindings",
        &[],
    ),
    (
        "apiextensions.k8s.io",
        "v1",
        "CustomResourceDefinition",
        "customresourcedefinitions",
        &["crd", "crds"],
    ),
    (
        "apiregistration.k8s.io",
        "v1",
        "APIService",
        "apiservices",
        &[],
    ),
    (
        "apps",
        "v1",
        "ControllerRevision",
        "controllerrevisions",
        &[],
    ),
    ("apps", "v1", "DaemonSet", "daemonsets", &["ds"]),
    ("apps", "v1", "Deployment", "deployments", &["deploy"]),
    ("apps", "v1", "ReplicaSet", "replicasets", &["rs"]),
    ("apps", "v1", "StatefulSet", "statefulsets", &["sts"]),
    (
        "autoscaling",
        "v2",
        "HorizontalPodAutoscaler",
        "horizontalpodautoscalers",
        &["hpa"],
    ),
    ("batch", "v1", "CronJob", "cronjobs", &["cj"]),
    ("batch", "v1", "Job", "jobs", &[]),
    (
        "certificates.k8s.io",
        "v1",
        "CertificateSigningRequest",
        "certificatesigningrequests",
        &["csr"],
    ),
    ("coordination.k8s.io", "v1", "Lease", "leases", &[]),
    (
        "discovery.k8s.io",
        "v1",
        "EndpointSlice",
        "endpointslices",
        &[],
    ),
    (
        "flowcontrol.apiserver.k8s.io",
        "v1",
        "FlowSchema",
        "flowschemas",
        &[],
    ),
    (
        "flowcontrol.apiserver.k8s.io",
        "v1",
        "PriorityLevelConfiguration",
        "prioritylevelconfigurations",
        &[],
    ),
    ("metrics.k8s.io", "v1beta1", "NodeMetrics", "nodes", &[]),
    ("metrics.k8s.io", "v1beta1", "PodMetrics", "pods", &[]),
    (
        "networking.k8s.io",
        "v1",
        "IngressClass",
        "ingressclasses",
        &[],
    ),
    ("networking.k8s.io", "v1", "Ingress", "ingresses", &["ing"]),
    (
        "networking.k8s.io",
        "v1",
        "NetworkPolicy",
        "networkpolicies",
        &["netpol"],
    ),
    (
        "networking.k8s.io",
        "v1",
        "IPAddress",
        "ipaddresses",
        &["ip"],
    ),
    (
        "networking.k8s.io",
        "v1",
        "ServiceCIDR",
        "servicecidrs",
        &[],
    ),
    ("node.k8s.io", "v1", "RuntimeClass", "runtimeclasses", &[]),
    (
        "policy",
        "v1",
        "PodDisruptionBudget",
        "poddisruptionbudgets",
        &["pdb"],
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRoleBinding",
        "clusterrolebindings",
        &[],
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRole",
        "clusterroles",
        &[],
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "RoleBinding",
        "rolebindings",
        &[],
    ),
    ("rbac.authorization.k8s.io", "v1", "Role", "roles", &[]),
    (
        "resource.k8s.io",
        "v1beta1",
        "ResourceClaim",
        "resourceclaims",
        &[],
    ),
    (
        "resource.k8s.io",
        "v1beta1",
        "DeviceClass",
        "deviceclasses",
        &[],
    ),
    (
        "scheduling.k8s.io",
        "v1",
        "PriorityClass",
        "priorityclasses",
        &["pc"],
    ),
    ("storage.k8s.io", "v1", "CSIDriver", "csidrivers", &[]),
    ("storage.k8s.io", "v1", "CSINode", "csinodes", &[]),
    (
        "storage.k8s.io",
        "v1",
        "CSIStorageCapacity",
        "csistoragecapacities",
        &[],
    ),
    (
        "storage.k8s.io",
        "v1",
        "StorageClass",
        "storageclasses",
        &["sc"],
    ),
    (
        "storage.k8s.io",
        "v1",
        "VolumeAttachment",
        "volumeattachments",
        &[],
    ),
    (
        "storage.k8s.io",
        "v1beta1",
        "VolumeAttributesClass",
        "volumeattributesclasses",
        &["vac"],
    ),
];

/// How kubectl knows `lower` (`apps/v1 ControllerRevision`), if it is a built-in name:
/// plural, singular (the kind in lower case), short name, or `plural.group`.
pub fn known(lower: &str) -> Option<String> {
    BUILTIN
        .iter()
        .find(|(group, _, kind, plural, short)| {
            *plural == lower
                || kind.eq_ignore_ascii_case(lower)
                || short.contains(&lower)
                || (!group.is_empty() && format!("{plural}.{group}") == lower)
        })
        .map(|(group, version, kind, _, _)| {
            if group.is_empty() {
                format!("{version} {kind}")
            } else {
                format!("{group}/{version} {kind}")
            }
        })
}

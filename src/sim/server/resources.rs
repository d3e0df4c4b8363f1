//! The table of resource types the simulated cluster serves: group, version, plural, kind,
//! scope, short names, categories, verbs and the field labels each accepts in field selectors.
//! Types defined by CustomResourceDefinitions are added at run time (see [`super::registry`]);
//! every type is identified by its index, built-ins first.

use super::registry;

/// One served resource type.
#[derive(Debug, PartialEq, Eq)]
pub struct ResourceType {
    pub group: &'static str,
    pub version: &'static str,
    pub plural: &'static str,
    pub singular: &'static str,
    pub kind: &'static str,
    pub namespaced: bool,
    pub short_names: &'static [&'static str],
    pub categories: &'static [&'static str],
    /// Field labels beyond `metadata.name` / `metadata.namespace`.
    pub field_labels: &'static [&'static str],
    pub verbs: &'static [&'static str],
}

impl ResourceType {
    /// `v1` or `apps/v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    pub fn list_kind(&self) -> String {
        format!("{}List", self.kind)
    }

    pub fn supports_field(&self, field: &str) -> bool {
        field == "metadata.name"
            || field == "metadata.namespace"
            || self.field_labels.contains(&field)
    }

    /// Whether the type has a `status` subresource.
    pub fn has_status(&self) -> bool {
        !matches!(
            self.kind,
            "ConfigMap"
                | "Secret"
                | "ServiceAccount"
                | "Event"
                | "Endpoints"
                | "EndpointSlice"
                | "Lease"
                | "Role"
                | "RoleBinding"
                | "ClusterRole"
                | "ClusterRoleBinding"
                | "StorageClass"
                | "CSIDriver"
                | "PriorityClass"
                | "IngressClass"
                | "LimitRange"
                | "ValidatingWebhookConfiguration"
                | "MutatingWebhookConfiguration"
                | "NodeMetrics"
                | "PodMetrics"
        )
    }

    /// Whether objects of this type live in the store (metrics are computed on request).
    pub fn stored(&self) -> bool {
        self.group != "metrics.k8s.io"
    }
}

const ALL: &[&str] = &["all"];
const EXTENSIONS: &[&str] = &["api-extensions"];
const NONE: &[&str] = &[];

/// The verbs of an ordinary resource.
pub const VERBS: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
const READ_ONLY: &[&str] = &["get", "list"];

const POD_FIELDS: &[&str] = &[
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.schedulerName",
    "spec.serviceAccountName",
    "spec.hostNetwork",
    "status.phase",
    "status.podIP",
    "status.nominatedNodeName",
];
const EVENT_FIELDS: &[&str] = &[
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
];
const NEW_EVENT_FIELDS: &[&str] = &[
    "regarding.kind",
    "regarding.namespace",
    "regarding.name",
    "regarding.uid",
    "regarding.apiVersion",
    "regarding.resourceVersion",
    "regarding.fieldPath",
    "reason",
    "reportingController",
    "type",
];

/// (group, version), (plural, singular, kind).
type Names = (&'static str, &'static str, &'static str);

const fn res(
    (group, version): (&'static str, &'static str),
    (plural, singular, kind): Names,
    namespaced: bool,
    short_names: &'static [&'static str],
    categories: &'static [&'static str],
    field_labels: &'static [&'static str],
) -> ResourceType {
    ResourceType {
        group,
        version,
        plural,
        singular,
        kind,
        namespaced,
        short_names,
        categories,
        field_labels,
        verbs: VERBS,
    }
}

const fn read_only(mut r: ResourceType) -> ResourceType {
    r.verbs = READ_ONLY;
    r
}

const CORE: (&str, &str) = ("", "v1");
const APPS: (&str, &str) = ("apps", "v1");
const BATCH: (&str, &str) = ("batch", "v1");
const NETWORKING: (&str, &str) = ("networking.k8s.io", "v1");
const RBAC: (&str, &str) = ("rbac.authorization.k8s.io", "v1");
const STORAGE: (&str, &str) = ("storage.k8s.io", "v1");
const ADMISSION: (&str, &str) = ("admissionregistration.k8s.io", "v1");
const METRICS: (&str, &str) = ("metrics.k8s.io", "v1beta1");

/// Every built-in resource type; the index into this table identifies a type in the store.
#[rustfmt::skip]
pub static RESOURCES: &[ResourceType] = &[
    res(CORE, ("namespaces", "namespace", "Namespace"), false, &["ns"], NONE, &["status.phase"]),
    res(CORE, ("nodes", "node", "Node"), false, &["no"], NONE, &["spec.unschedulable"]),
    res(CORE, ("pods", "pod", "Pod"), true, &["po"], ALL, POD_FIELDS),
    res(CORE, ("services", "service", "Service"), true, &["svc"], ALL, NONE),
    res(CORE, ("endpoints", "endpoints", "Endpoints"), true, &["ep"], NONE, NONE),
    res(CORE, ("configmaps", "configmap", "ConfigMap"), true, &["cm"], NONE, NONE),
    res(CORE, ("secrets", "secret", "Secret"), true, NONE, NONE, &["type"]),
    res(CORE, ("events", "event", "Event"), true, &["ev"], NONE, EVENT_FIELDS),
    res(CORE, ("serviceaccounts", "serviceaccount", "ServiceAccount"), true, &["sa"], NONE, NONE),
    res(CORE, ("persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim"), true, &["pvc"], NONE, NONE),
    res(CORE, ("persistentvolumes", "persistentvolume", "PersistentVolume"), false, &["pv"], NONE, NONE),
    res(APPS, ("deployments", "deployment", "Deployment"), true, &["deploy"], ALL, NONE),
    res(APPS, ("replicasets", "replicaset", "ReplicaSet"), true, &["rs"], ALL, &["status.replicas"]),
    res(APPS, ("daemonsets", "daemonset", "DaemonSet"), true, &["ds"], ALL, NONE),
    res(APPS, ("statefulsets", "statefulset", "StatefulSet"), true, &["sts"], ALL, NONE),
    res(BATCH, ("jobs", "job", "Job"), true, NONE, ALL, &["status.successful"]),
    res(BATCH, ("cronjobs", "cronjob", "CronJob"), true, &["cj"], ALL, NONE),
    res(("discovery.k8s.io", "v1"), ("endpointslices", "endpointslice", "EndpointSlice"), true, NONE, NONE, NONE),
    res(("events.k8s.io", "v1"), ("events", "event", "Event"), true, &["ev"], NONE, NEW_EVENT_FIELDS),
    res(("coordination.k8s.io", "v1"), ("leases", "lease", "Lease"), true, NONE, NONE, NONE),
    res(NETWORKING, ("networkpolicies", "networkpolicy", "NetworkPolicy"), true, &["netpol"], NONE, NONE),
    res(NETWORKING, ("ingresses", "ingress", "Ingress"), true, &["ing"], NONE, NONE),
    res(CORE, ("resourcequotas", "resourcequota", "ResourceQuota"), true, &["quota"], NONE, NONE),
    res(CORE, ("limitranges", "limitrange", "LimitRange"), true, &["limits"], NONE, NONE),
    res(CORE, ("replicationcontrollers", "replicationcontroller", "ReplicationController"), true, &["rc"], ALL, &["status.replicas"]),
    res(("autoscaling", "v2"), ("horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler"), true, &["hpa"], ALL, NONE),
    res(("autoscaling", "v1"), ("horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler"), true, &["hpa"], ALL, NONE),
    res(("policy", "v1"), ("poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget"), true, &["pdb"], NONE, NONE),
    res(NETWORKING, ("ingressclasses", "ingressclass", "IngressClass"), false, NONE, NONE, NONE),
    res(STORAGE, ("storageclasses", "storageclass", "StorageClass"), false, &["sc"], NONE, NONE),
    res(STORAGE, ("csidrivers", "csidriver", "CSIDriver"), false, NONE, NONE, NONE),
    res(ADMISSION, ("validatingwebhookconfigurations", "validatingwebhookconfiguration", "ValidatingWebhookConfiguration"), false, NONE, EXTENSIONS, NONE),
    res(ADMISSION, ("mutatingwebhookconfigurations", "mutatingwebhookconfiguration", "MutatingWebhookConfiguration"), false, NONE, EXTENSIONS, NONE),
    res(("apiregistration.k8s.io", "v1"), ("apiservices", "apiservice", "APIService"), false, NONE, EXTENSIONS, NONE),
    res(("certificates.k8s.io", "v1"), ("certificatesigningrequests", "certificatesigningrequest", "CertificateSigningRequest"), false, &["csr"], NONE, &["spec.signerName"]),
    res(RBAC, ("roles", "role", "Role"), true, NONE, NONE, NONE),
    res(RBAC, ("rolebindings", "rolebinding", "RoleBinding"), true, NONE, NONE, NONE),
    res(RBAC, ("clusterroles", "clusterrole", "ClusterRole"), false, NONE, NONE, NONE),
    res(RBAC, ("clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding"), false, NONE, NONE, NONE),
    res(("scheduling.k8s.io", "v1"), ("priorityclasses", "priorityclass", "PriorityClass"), false, &["pc"], NONE, NONE),
    res(("apiextensions.k8s.io", "v1"), ("customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition"), false, &["crd", "crds"], EXTENSIONS, NONE),
    read_only(res(METRICS, ("nodes", "", "NodeMetrics"), false, NONE, NONE, NONE)),
    read_only(res(METRICS, ("pods", "", "PodMetrics"), true, NONE, NONE, NONE)),
];

/// The built-in API groups (besides the core group) in discovery order, with their versions,
/// the preferred one first. Groups of CustomResourceDefinitions follow them.
pub const GROUPS: &[(&str, &[&str])] = &[
    ("apiregistration.k8s.io", &["v1"]),
    ("apps", &["v1"]),
    ("events.k8s.io", &["v1"]),
    ("authorization.k8s.io", &["v1"]),
    ("autoscaling", &["v2", "v1"]),
    ("batch", &["v1"]),
    ("certificates.k8s.io", &["v1"]),
    ("networking.k8s.io", &["v1"]),
    ("policy", &["v1"]),
    ("rbac.authorization.k8s.io", &["v1"]),
    ("storage.k8s.io", &["v1"]),
    ("admissionregistration.k8s.io", &["v1"]),
    ("apiextensions.k8s.io", &["v1"]),
    ("scheduling.k8s.io", &["v1"]),
    ("coordination.k8s.io", &["v1"]),
    ("discovery.k8s.io", &["v1"]),
];

/// The aggregated group served when the APIService `v1beta1.metrics.k8s.io` is available.
pub const METRICS_GROUP: (&str, &str) = METRICS;

/// Index of the built-in type served at `group/version/plural`.
pub fn by_plural(group: &str, version: &str, plural: &str) -> Option<usize> {
    RESOURCES
        .iter()
        .position(|r| r.group == group && r.version == version && r.plural == plural)
}

/// Index of the built-in type an object with this `apiVersion` and `kind` belongs to.
pub fn by_kind(api_version: &str, kind: &str) -> Option<usize> {
    let (group, version) = split_api_version(api_version);
    RESOURCES
        .iter()
        .position(|r| r.group == group && r.version == version && r.kind == kind)
}

pub fn split_api_version(api_version: &str) -> (&str, &str) {
    api_version.split_once('/').unwrap_or(("", api_version))
}

/// The type with this index: a built-in one, or one registered for a CRD.
pub fn get(index: usize) -> &'static ResourceType {
    if index < RESOURCES.len() {
        return &RESOURCES[index];
    }
    registry::get(index - RESOURCES.len()).unwrap_or(&RESOURCES[RESOURCES.len() - 1])
}

pub const PODS: usize = 2;
pub const NODES: usize = 1;
pub const LEASES: usize = 19;
pub const CRDS: usize = 40;
pub const APISERVICES: usize = 33;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_constants_point_at_their_types() {
        assert_eq!(RESOURCES[PODS].kind, "Pod");
        assert_eq!(RESOURCES[NODES].kind, "Node");
        assert_eq!(RESOURCES[LEASES].kind, "Lease");
        assert_eq!(RESOURCES[CRDS].kind, "CustomResourceDefinition");
        assert_eq!(RESOURCES[APISERVICES].kind, "APIService");
        for r in RESOURCES {
            let versions = GROUPS.iter().find(|(g, _)| *g == r.group).map(|(_, v)| *v);
            assert!(
                r.group.is_empty()
                    || r.group == METRICS_GROUP.0
                    || versions.is_some_and(|v| v.contains(&r.version)),
                "{} {}",
                r.group,
                r.version
            );
        }
    }
}

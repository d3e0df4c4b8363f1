//! The table of resource types the simulated cluster serves: group, version, plural, kind,
//! scope, short names, and the field labels each accepts in field selectors.

/// One served resource type.
#[derive(Debug)]
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
}

const ALL: &[&str] = &["all"];
const NONE: &[&str] = &[];

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
    }
}

const CORE: (&str, &str) = ("", "v1");
const APPS: (&str, &str) = ("apps", "v1");
const BATCH: (&str, &str) = ("batch", "v1");
const NETWORKING: (&str, &str) = ("networking.k8s.io", "v1");

/// Every served resource type; the index into this table identifies a type in the store.
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
];

/// The API groups (besides the core group) in discovery order, with their versions.
pub const GROUPS: &[(&str, &str)] = &[
    ("apps", "v1"),
    ("events.k8s.io", "v1"),
    ("authorization.k8s.io", "v1"),
    ("batch", "v1"),
    ("networking.k8s.io", "v1"),
    ("coordination.k8s.io", "v1"),
    ("discovery.k8s.io", "v1"),
];

/// Index of the type served at `group/version/plural`.
pub fn by_plural(group: &str, version: &str, plural: &str) -> Option<usize> {
    RESOURCES
        .iter()
        .position(|r| r.group == group && r.version == version && r.plural == plural)
}

/// Index of the type an object with this `apiVersion` and `kind` belongs to.
pub fn by_kind(api_version: &str, kind: &str) -> Option<usize> {
    let (group, version) = split_api_version(api_version);
    RESOURCES
        .iter()
        .position(|r| r.group == group && r.version == version && r.kind == kind)
}

pub fn split_api_version(api_version: &str) -> (&str, &str) {
    api_version.split_once('/').unwrap_or(("", api_version))
}

pub fn get(index: usize) -> &'static ResourceType {
    &RESOURCES[index.min(RESOURCES.len() - 1)]
}

pub const PODS: usize = 2;

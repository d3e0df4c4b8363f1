//! The kinds the engine and the tables read: where each is served (group, version, plural),
//! whether it is namespaced, and which `apiVersion`s a dump may carry it under.

/// A kind kmedic caches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Namespace,
    Node,
    Pod,
    Service,
    Endpoints,
    EndpointSlice,
    Deployment,
    ReplicaSet,
    StatefulSet,
    DaemonSet,
    Job,
    CronJob,
    Event,
    ConfigMap,
    Secret,
    ServiceAccount,
    PersistentVolumeClaim,
    PersistentVolume,
    StorageClass,
    Lease,
    HorizontalPodAutoscaler,
    PodDisruptionBudget,
    Ingress,
    IngressClass,
    NetworkPolicy,
    ValidatingWebhookConfiguration,
    MutatingWebhookConfiguration,
    ApiService,
    CertificateSigningRequest,
}

/// Where a kind is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindInfo {
    /// The `kind:` name.
    pub kind: &'static str,
    pub group: &'static str,
    pub version: &'static str,
    pub plural: &'static str,
    pub namespaced: bool,
    /// Only metadata is ever read (values never leave the API server).
    pub metadata_only: bool,
    /// Older `apiVersion`s whose objects read into the same shape (dumps, old clusters).
    pub also: &'static [&'static str],
}

const fn info(
    kind: &'static str,
    group: &'static str,
    version: &'static str,
    plural: &'static str,
    namespaced: bool,
) -> KindInfo {
    KindInfo {
        kind,
        group,
        version,
        plural,
        namespaced,
        metadata_only: false,
        also: &[],
    }
}

impl KindInfo {
    /// `v1` or `apps/v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `pods` or `deployments.apps`, as kubectl and RBAC messages name resources.
    pub fn resource(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }
}

impl Kind {
    pub const ALL: &'static [Kind] = &[
        Kind::Namespace,
        Kind::Node,
        Kind::Pod,
        Kind::Service,
        Kind::Endpoints,
        Kind::EndpointSlice,
        Kind::Deployment,
        Kind::ReplicaSet,
        Kind::StatefulSet,
        Kind::DaemonSet,
        Kind::Job,
        Kind::CronJob,
        Kind::Event,
        Kind::ConfigMap,
        Kind::Secret,
        Kind::ServiceAccount,
        Kind::PersistentVolumeClaim,
        Kind::PersistentVolume,
        Kind::StorageClass,
        Kind::Lease,
        Kind::HorizontalPodAutoscaler,
        Kind::PodDisruptionBudget,
        Kind::Ingress,
        Kind::IngressClass,
        Kind::NetworkPolicy,
        Kind::ValidatingWebhookConfiguration,
        Kind::MutatingWebhookConfiguration,
        Kind::ApiService,
        Kind::CertificateSigningRequest,
    ];

    pub fn info(self) -> KindInfo {
        match self {
            Kind::Namespace => info("Namespace", "", "v1", "namespaces", false),
            Kind::Node => info("Node", "", "v1", "nodes", false),
            Kind::Pod => info("Pod", "", "v1", "pods", true),
            Kind::Service => info("Service", "", "v1", "services", true),
            Kind::Endpoints => info("Endpoints", "", "v1", "endpoints", true),
            Kind::EndpointSlice => KindInfo {
                also: &["discovery.k8s.io/v1beta1"],
                ..info(
                    "EndpointSlice",
                    "discovery.k8s.io",
                    "v1",
                    "endpointslices",
                    true,
                )
            },
            Kind::Deployment => KindInfo {
                also: &["extensions/v1beta1", "apps/v1beta1", "apps/v1beta2"],
                ..info("Deployment", "apps", "v1", "deployments", true)
            },
            Kind::ReplicaSet => KindInfo {
                also: &["extensions/v1beta1", "apps/v1beta2"],
                ..info("ReplicaSet", "apps", "v1", "replicasets", true)
            },
            Kind::StatefulSet => KindInfo {
                also: &["apps/v1beta1", "apps/v1beta2"],
                ..info("StatefulSet", "apps", "v1", "statefulsets", true)
            },
            Kind::DaemonSet => KindInfo {
                also: &["extensions/v1beta1", "apps/v1beta2"],
                ..info("DaemonSet", "apps", "v1", "daemonsets", true)
            },
            Kind::Job => info("Job", "batch", "v1", "jobs", true),
            Kind::CronJob => KindInfo {
                also: &["batch/v1beta1", "batch/v2alpha1"],
                ..info("CronJob", "batch", "v1", "cronjobs", true)
            },
            Kind::Event => KindInfo {
                also: &["events.k8s.io/v1", "events.k8s.io/v1beta1"],
                ..info("Event", "", "v1", "events", true)
            },
            Kind::ConfigMap => info("ConfigMap", "", "v1", "configmaps", true),
            Kind::Secret => KindInfo {
                metadata_only: true,
                ..info("Secret", "", "v1", "secrets", true)
            },
            Kind::ServiceAccount => info("ServiceAccount", "", "v1", "serviceaccounts", true),
            Kind::PersistentVolumeClaim => info(
                "PersistentVolumeClaim",
                "",
                "v1",
                "persistentvolumeclaims",
                true,
            ),
            Kind::PersistentVolume => {
                info("PersistentVolume", "", "v1", "persistentvolumes", false)
            }
            Kind::StorageClass => KindInfo {
                also: &["storage.k8s.io/v1beta1"],
                ..info(
                    "StorageClass",
                    "storage.k8s.io",
                    "v1",
                    "storageclasses",
                    false,
                )
            },
            Kind::Lease => info("Lease", "coordination.k8s.io", "v1", "leases", true),
            Kind::HorizontalPodAutoscaler => KindInfo {
                also: &[
                    "autoscaling/v1",
                    "autoscaling/v2beta2",
                    "autoscaling/v2beta1",
                ],
                ..info(
                    "HorizontalPodAutoscaler",
                    "autoscaling",
                    "v2",
                    "horizontalpodautoscalers",
                    true,
                )
            },
            Kind::PodDisruptionBudget => KindInfo {
                also: &["policy/v1beta1"],
                ..info(
                    "PodDisruptionBudget",
                    "policy",
                    "v1",
                    "poddisruptionbudgets",
                    true,
                )
            },
            Kind::Ingress => KindInfo {
                also: &["extensions/v1beta1", "networking.k8s.io/v1beta1"],
                ..info("Ingress", "networking.k8s.io", "v1", "ingresses", true)
            },
            Kind::IngressClass => info(
                "IngressClass",
                "networking.k8s.io",
                "v1",
                "ingressclasses",
                false,
            ),
            Kind::NetworkPolicy => KindInfo {
                also: &["extensions/v1beta1"],
                ..info(
                    "NetworkPolicy",
                    "networking.k8s.io",
                    "v1",
                    "networkpolicies",
                    true,
                )
            },
            Kind::ValidatingWebhookConfiguration => info(
                "ValidatingWebhookConfiguration",
                "admissionregistration.k8s.io",
                "v1",
                "validatingwebhookconfigurations",
                false,
            ),
            Kind::MutatingWebhookConfiguration => info(
                "MutatingWebhookConfiguration",
                "admissionregistration.k8s.io",
                "v1",
                "mutatingwebhookconfigurations",
                false,
            ),
            Kind::ApiService => info(
                "APIService",
                "apiregistration.k8s.io",
                "v1",
                "apiservices",
                false,
            ),
            Kind::CertificateSigningRequest => info(
                "CertificateSigningRequest",
                "certificates.k8s.io",
                "v1",
                "certificatesigningrequests",
                false,
            ),
        }
    }

    /// The kind an object with this `apiVersion` and `kind:` reads as.
    pub fn of(api_version: &str, kind: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| {
            let i = k.info();
            i.kind == kind && (i.api_version() == api_version || i.also.contains(&api_version))
        })
    }

    /// The kind with this `kind:` name, whatever the version.
    pub fn by_name(kind: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.info().kind == kind)
    }

    pub fn name(self) -> &'static str {
        self.info().kind
    }

    pub fn namespaced(self) -> bool {
        self.info().namespaced
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_api_versions_read_as_the_current_kind() {
        assert_eq!(Kind::of("apps/v1", "Deployment"), Some(Kind::Deployment));
        assert_eq!(
            Kind::of("extensions/v1beta1", "Ingress"),
            Some(Kind::Ingress)
        );
        assert_eq!(Kind::of("events.k8s.io/v1", "Event"), Some(Kind::Event));
        assert_eq!(
            Kind::of("autoscaling/v1", "HorizontalPodAutoscaler"),
            Some(Kind::HorizontalPodAutoscaler)
        );
        assert_eq!(Kind::of("v1", "Deployment"), None);
        assert_eq!(Kind::Deployment.info().resource(), "deployments.apps");
    }
}

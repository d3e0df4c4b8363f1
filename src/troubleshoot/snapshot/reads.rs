//! What was read: the engine clears the tables' read marks before a cluster check and
//! collects them after it, so it knows which kinds (in which namespaces) that check depends
//! on.

use super::Snapshot;
use super::table::TableRead;
use crate::objects::Kind;

/// Objects a check read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Read {
    /// Of any namespace.
    Kind(Kind),
    /// Of one namespace.
    In(Kind, String),
}

impl Read {
    /// Whether a change of an object of `kind` in namespace `ns` touches what was read.
    pub fn touched_by(&self, kind: Kind, ns: &str) -> bool {
        match self {
            Read::Kind(k) => *k == kind,
            Read::In(k, n) => *k == kind && n == ns,
        }
    }
}

impl Snapshot {
    /// What was read since the last call (and forgets the marks).
    pub fn take_reads(&self) -> Vec<Read> {
        let mut out = Vec::new();
        macro_rules! read {
            ($($field:ident => $kind:expr),* $(,)?) => {
                $(match self.$field.take_read() {
                    TableRead::Nothing => {}
                    TableRead::All => out.push(Read::Kind($kind)),
                    TableRead::In(namespaces) => {
                        out.extend(namespaces.into_iter().map(|ns| Read::In($kind, ns)));
                    }
                })*
            };
        }
        read!(
            namespaces => Kind::Namespace,
            nodes => Kind::Node,
            pods => Kind::Pod,
            services => Kind::Service,
            endpoints => Kind::Endpoints,
            endpoint_slices => Kind::EndpointSlice,
            deployments => Kind::Deployment,
            replicasets => Kind::ReplicaSet,
            statefulsets => Kind::StatefulSet,
            daemonsets => Kind::DaemonSet,
            jobs => Kind::Job,
            cronjobs => Kind::CronJob,
            events => Kind::Event,
            configmaps => Kind::ConfigMap,
            secrets => Kind::Secret,
            service_accounts => Kind::ServiceAccount,
            pvcs => Kind::PersistentVolumeClaim,
            pvs => Kind::PersistentVolume,
            storage_classes => Kind::StorageClass,
            leases => Kind::Lease,
            hpas => Kind::HorizontalPodAutoscaler,
            pdbs => Kind::PodDisruptionBudget,
            ingresses => Kind::Ingress,
            ingress_classes => Kind::IngressClass,
            network_policies => Kind::NetworkPolicy,
            validating_webhooks => Kind::ValidatingWebhookConfiguration,
            mutating_webhooks => Kind::MutatingWebhookConfiguration,
            api_services => Kind::ApiService,
            csrs => Kind::CertificateSigningRequest,
        );
        out
    }
}

//! Compact workloads: Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs and CronJobs,
//! each with its pod template in the compact pod shape.

use serde::{Deserialize, Serialize};

use super::list::List;
use super::meta::{Condition, IntOrString, LabelSelector, ObjectMeta, ObjectReference, Time};
use super::pod::{PodTemplateSpec, Present};
use super::storage::PersistentVolumeClaim;
use super::str::Str;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Deployment {
    pub metadata: ObjectMeta,
    pub spec: Option<DeploymentSpec>,
    pub status: Option<DeploymentStatus>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DeploymentSpec {
    pub replicas: Option<i32>,
    pub selector: LabelSelector,
    pub template: PodTemplateSpec,
    pub strategy: Option<UpdateStrategy>,
    pub min_ready_seconds: Option<i32>,
    pub revision_history_limit: Option<i32>,
    pub progress_deadline_seconds: Option<i32>,
    pub paused: Option<bool>,
}

/// The update strategy of Deployments, DaemonSets and StatefulSets.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UpdateStrategy {
    #[serde(rename = "type")]
    pub type_: Option<Str>,
    pub rolling_update: Option<RollingUpdate>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RollingUpdate {
    pub max_unavailable: Option<IntOrString>,
    pub max_surge: Option<IntOrString>,
    /// StatefulSets only.
    pub partition: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DeploymentStatus {
    pub observed_generation: Option<i64>,
    pub replicas: Option<i32>,
    pub updated_replicas: Option<i32>,
    pub ready_replicas: Option<i32>,
    pub available_replicas: Option<i32>,
    pub unavailable_replicas: Option<i32>,
    pub conditions: Option<List<Condition>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReplicaSet {
    pub metadata: ObjectMeta,
    pub spec: Option<ReplicaSetSpec>,
    pub status: Option<ReplicaSetStatus>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReplicaSetSpec {
    pub replicas: Option<i32>,
    pub selector: LabelSelector,
    pub template: Option<PodTemplateSpec>,
    pub min_ready_seconds: Option<i32>,
}

/// A ReplicaSet read without its pod template (the template is skipped, not decoded): what
/// decoding reads first, to keep a Deployment's earlier revision without ever building its
/// template. A template decoded and then dropped would leave its shared values' allocations
/// behind in the `Shared` table until that table is swept, and its strings in the interner.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(super) struct LeanReplicaSet {
    metadata: ObjectMeta,
    spec: Option<LeanReplicaSetSpec>,
    status: Option<ReplicaSetStatus>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct LeanReplicaSetSpec {
    replicas: Option<i32>,
    selector: LabelSelector,
    min_ready_seconds: Option<i32>,
}

impl From<LeanReplicaSet> for ReplicaSet {
    fn from(lean: LeanReplicaSet) -> ReplicaSet {
        ReplicaSet {
            metadata: lean.metadata,
            spec: lean.spec.map(|s| ReplicaSetSpec {
                replicas: s.replicas,
                selector: s.selector,
                template: None,
                min_ready_seconds: s.min_ready_seconds,
            }),
            status: lean.status,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReplicaSetStatus {
    pub replicas: i32,
    pub fully_labeled_replicas: Option<i32>,
    pub ready_replicas: Option<i32>,
    pub available_replicas: Option<i32>,
    pub observed_generation: Option<i64>,
    pub conditions: Option<List<Condition>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StatefulSet {
    pub metadata: ObjectMeta,
    pub spec: Option<StatefulSetSpec>,
    pub status: Option<StatefulSetStatus>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StatefulSetSpec {
    pub replicas: Option<i32>,
    pub selector: LabelSelector,
    pub service_name: Option<Str>,
    pub template: PodTemplateSpec,
    pub volume_claim_templates: Option<List<PersistentVolumeClaim>>,
    pub pod_management_policy: Option<Str>,
    pub update_strategy: Option<UpdateStrategy>,
    pub min_ready_seconds: Option<i32>,
    pub ordinals: Option<StatefulSetOrdinals>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StatefulSetOrdinals {
    pub start: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StatefulSetStatus {
    pub observed_generation: Option<i64>,
    pub replicas: i32,
    pub ready_replicas: Option<i32>,
    pub current_replicas: Option<i32>,
    pub updated_replicas: Option<i32>,
    pub available_replicas: Option<i32>,
    pub current_revision: Option<Str>,
    pub update_revision: Option<Str>,
    pub conditions: Option<List<Condition>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DaemonSet {
    pub metadata: ObjectMeta,
    pub spec: Option<DaemonSetSpec>,
    pub status: Option<DaemonSetStatus>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DaemonSetSpec {
    pub selector: LabelSelector,
    pub template: PodTemplateSpec,
    pub update_strategy: Option<UpdateStrategy>,
    pub min_ready_seconds: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DaemonSetStatus {
    pub current_number_scheduled: i32,
    pub desired_number_scheduled: i32,
    pub number_available: Option<i32>,
    pub number_misscheduled: i32,
    pub number_ready: i32,
    pub number_unavailable: Option<i32>,
    pub updated_number_scheduled: Option<i32>,
    pub observed_generation: Option<i64>,
    pub conditions: Option<List<Condition>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Job {
    pub metadata: ObjectMeta,
    pub spec: Option<JobSpec>,
    pub status: Option<JobStatus>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct JobSpec {
    pub parallelism: Option<i32>,
    pub completions: Option<i32>,
    pub completion_mode: Option<Str>,
    pub active_deadline_seconds: Option<i64>,
    pub backoff_limit: Option<i32>,
    pub backoff_limit_per_index: Option<i32>,
    pub selector: Option<LabelSelector>,
    pub template: PodTemplateSpec,
    pub suspend: Option<bool>,
    pub ttl_seconds_after_finished: Option<i32>,
    pub pod_failure_policy: Option<Present>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct JobStatus {
    pub active: Option<i32>,
    pub succeeded: Option<i32>,
    pub failed: Option<i32>,
    pub ready: Option<i32>,
    pub terminating: Option<i32>,
    pub start_time: Option<Time>,
    pub completion_time: Option<Time>,
    pub conditions: Option<List<Condition>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CronJob {
    pub metadata: ObjectMeta,
    pub spec: Option<CronJobSpec>,
    pub status: Option<CronJobStatus>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CronJobSpec {
    pub schedule: Str,
    pub time_zone: Option<Str>,
    pub starting_deadline_seconds: Option<i64>,
    pub concurrency_policy: Option<Str>,
    pub suspend: Option<bool>,
    pub job_template: JobTemplateSpec,
    pub successful_jobs_history_limit: Option<i32>,
    pub failed_jobs_history_limit: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct JobTemplateSpec {
    pub metadata: Option<ObjectMeta>,
    pub spec: Option<JobSpec>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CronJobStatus {
    pub active: Option<List<ObjectReference>>,
    pub last_schedule_time: Option<Time>,
    pub last_successful_time: Option<Time>,
}

impl Deployment {
    pub fn compact(&mut self) {
        self.metadata.compact();
        if let Some(s) = &mut self.spec {
            s.template.compact();
        }
    }
}

impl ReplicaSet {
    /// Also drops the pod template of a Deployment's earlier revision (scaled to 0, no pods
    /// left): the Deployment's own template is the one checks read, and a Deployment keeps
    /// up to ten such revisions, each with a template of its own (no sharing with the live one).
    /// Decoding does not even build that template (see [`LeanReplicaSet`]); this covers
    /// ReplicaSets made otherwise.
    pub fn compact(&mut self) {
        self.metadata.compact();
        if self.is_old_revision()
            && let Some(s) = self.spec.as_mut()
        {
            s.template = None;
        }
        if let Some(t) = self.spec.as_mut().and_then(|s| s.template.as_mut()) {
            t.compact();
        }
    }

    /// A Deployment's earlier revision: controlled by a Deployment, 0 replicas wanted and none
    /// left.
    pub fn is_old_revision(&self) -> bool {
        self.metadata
            .controller()
            .is_some_and(|o| o.kind == "Deployment")
            && self.spec.as_ref().and_then(|s| s.replicas) == Some(0)
            && self.status.as_ref().is_none_or(|s| s.replicas == 0)
    }
}

impl StatefulSet {
    pub fn compact(&mut self) {
        self.metadata.compact();
        if let Some(s) = &mut self.spec {
            s.template.compact();
        }
    }
}

impl DaemonSet {
    pub fn compact(&mut self) {
        self.metadata.compact();
        if let Some(s) = &mut self.spec {
            s.template.compact();
        }
    }
}

impl Job {
    pub fn compact(&mut self) {
        self.metadata.compact();
        if let Some(s) = &mut self.spec {
            s.template.compact();
        }
    }
}

impl CronJob {
    pub fn compact(&mut self) {
        self.metadata.compact();
        if let Some(t) = self
            .spec
            .as_mut()
            .and_then(|s| s.job_template.spec.as_mut())
        {
            t.template.compact();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Kind, Object, decode_value};

    fn rs(replicas: i32, status: i32, owner: &str) -> Object {
        decode_value(
            Kind::ReplicaSet,
            &serde_json::json!({"metadata": {"name": "web-1", "namespace": "shop",
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": owner, "name": "web",
                    "uid": "u1", "controller": true}]},
                "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                    "template": {"spec": {"containers": [{"name": "app", "image": "web:1"}]}}},
                "status": {"replicas": status}}),
        )
        .expect("a ReplicaSet")
    }

    fn has_template(o: &Object) -> bool {
        match o {
            Object::ReplicaSet(r) => r.spec.as_ref().is_some_and(|s| s.template.is_some()),
            _ => false,
        }
    }

    #[test]
    fn only_a_deployments_emptied_revision_drops_its_template() {
        assert!(!has_template(&rs(0, 0, "Deployment")));
        assert!(has_template(&rs(1, 1, "Deployment")), "the live revision");
        assert!(
            has_template(&rs(0, 2, "Deployment")),
            "pods still terminating"
        );
        assert!(has_template(&rs(0, 0, "Foo")), "not a Deployment's");
    }

    #[test]
    fn an_earlier_revision_read_from_text_keeps_everything_but_its_template() {
        let text = r#"{"metadata": {"name": "web-1", "namespace": "shop", "labels": {"app": "web"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web",
                "uid": "u1", "controller": true}]},
            "spec": {"replicas": 0, "minReadySeconds": 5,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {"spec": {"containers": [{"name": "app", "image": "web:1"}]}}},
            "status": {"replicas": 0, "observedGeneration": 3}}"#;
        let Ok(Object::ReplicaSet(r)) = super::super::decode_text(Kind::ReplicaSet, text) else {
            panic!("a ReplicaSet");
        };
        assert_eq!(r.metadata.name(), "web-1");
        assert_eq!(r.metadata.label("app"), Some("web"));
        assert!(r.is_old_revision());
        let spec = r.spec.as_ref().expect("spec");
        assert!(spec.template.is_none());
        assert_eq!(spec.replicas, Some(0));
        assert_eq!(spec.min_ready_seconds, Some(5));
        assert!(spec.selector.match_labels.is_some());
        assert_eq!(
            r.status.as_ref().and_then(|s| s.observed_generation),
            Some(3)
        );
        let live = text.replace(
            r#""replicas": 0, "minReadySeconds""#,
            r#""replicas": 2, "minReadySeconds""#,
        );
        let Ok(Object::ReplicaSet(r)) = super::super::decode_text(Kind::ReplicaSet, &live) else {
            panic!("a ReplicaSet");
        };
        assert!(r.spec.as_ref().is_some_and(|s| s.template.is_some()));
    }
}

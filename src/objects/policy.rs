//! Compact HorizontalPodAutoscalers (autoscaling/v2 and v1, read into one shape) and
//! PodDisruptionBudgets.

use serde::{Deserialize, Deserializer, Serialize};

use super::list::List;
use super::meta::{Condition, IntOrString, LabelSelector, ObjectMeta, Time};
use super::str::Str;

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct HorizontalPodAutoscaler {
    pub metadata: ObjectMeta,
    pub spec: HpaSpec,
    pub status: HpaStatus,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HpaSpec {
    pub scale_target_ref: ScaleTargetRef,
    pub min_replicas: Option<i32>,
    pub max_replicas: i32,
    pub metrics: Option<List<MetricSpec>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ScaleTargetRef {
    pub api_version: Option<Str>,
    pub kind: Str,
    pub name: Str,
}

/// One metric the autoscaler follows: its source type and, for resource metrics, which.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MetricSpec {
    #[serde(rename = "type")]
    pub type_: Str,
    pub resource: Option<ResourceMetric>,
    pub container_resource: Option<ResourceMetric>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ResourceMetric {
    pub name: Str,
    pub container: Option<Str>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HpaStatus {
    pub current_replicas: Option<i32>,
    pub desired_replicas: Option<i32>,
    pub last_scale_time: Option<Time>,
    pub conditions: Option<List<Condition>>,
}

impl<'de> Deserialize<'de> for HorizontalPodAutoscaler {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize, Default)]
        #[serde(rename_all = "camelCase", default)]
        struct RawSpec {
            scale_target_ref: ScaleTargetRef,
            min_replicas: Option<i32>,
            max_replicas: i32,
            metrics: Option<List<MetricSpec>>,
            /// autoscaling/v1
            #[serde(rename = "targetCPUUtilizationPercentage")]
            target_cpu: Option<i32>,
        }
        #[derive(Deserialize, Default)]
        #[serde(rename_all = "camelCase", default)]
        struct Raw {
            metadata: ObjectMeta,
            spec: RawSpec,
            status: HpaStatus,
        }
        let mut raw = Raw::deserialize(d)?;
        let mut metrics = raw.spec.metrics.take();
        if metrics.is_none() && raw.spec.target_cpu.is_some() {
            metrics = Some(List::from(vec![MetricSpec {
                type_: Str::new("Resource"),
                resource: Some(ResourceMetric {
                    name: Str::new("cpu"),
                    container: None,
                }),
                container_resource: None,
            }]));
        }
        // autoscaling/v1 keeps the conditions in an annotation, as JSON.
        if raw.status.conditions.is_none()
            && let Some(text) = raw
                .metadata
                .annotation("autoscaling.alpha.kubernetes.io/conditions")
            && let Ok(c) = serde_json::from_str::<List<Condition>>(text)
        {
            raw.status.conditions = Some(c);
        }
        Ok(HorizontalPodAutoscaler {
            metadata: raw.metadata,
            spec: HpaSpec {
                scale_target_ref: raw.spec.scale_target_ref,
                min_replicas: raw.spec.min_replicas,
                max_replicas: raw.spec.max_replicas,
                metrics,
            },
            status: raw.status,
        })
    }
}

impl HorizontalPodAutoscaler {
    pub fn compact(&mut self) {
        self.metadata.compact();
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodDisruptionBudget {
    pub metadata: ObjectMeta,
    pub spec: Option<PdbSpec>,
    pub status: Option<PdbStatus>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PdbSpec {
    pub min_available: Option<IntOrString>,
    pub max_unavailable: Option<IntOrString>,
    pub selector: Option<LabelSelector>,
    pub unhealthy_pod_eviction_policy: Option<Str>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PdbStatus {
    pub current_healthy: i32,
    pub desired_healthy: i32,
    pub disruptions_allowed: i32,
    pub expected_pods: i32,
    pub observed_generation: Option<i64>,
    pub conditions: Option<List<Condition>>,
}

impl PodDisruptionBudget {
    pub fn compact(&mut self) {
        self.metadata.compact();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_autoscalers_read_like_v2() {
        let h: HorizontalPodAutoscaler = serde_json::from_value(serde_json::json!({
            "apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "web", "namespace": "shop", "annotations": {
                "autoscaling.alpha.kubernetes.io/conditions":
                  "[{\"type\":\"ScalingActive\",\"status\":\"False\",\"lastTransitionTime\":\"2026-01-01T00:00:00Z\",\"reason\":\"FailedGetResourceMetric\",\"message\":\"the HPA was unable to compute the replica count\"}]"}},
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                     "minReplicas": 1, "maxReplicas": 5, "targetCPUUtilizationPercentage": 80},
            "status": {"currentReplicas": 1, "desiredReplicas": 1}
        }))
        .expect("hpa");
        let c = h.status.conditions.as_ref().expect("conditions");
        assert_eq!(c[0].reason.as_deref(), Some("FailedGetResourceMetric"));
        assert_eq!(
            h.spec.metrics.as_ref().map(|m| m[0].type_.as_str()),
            Some("Resource")
        );
    }
}

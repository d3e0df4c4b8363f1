//! Compact Ingresses and IngressClasses. NetworkPolicies are few and small, and are kept as
//! the API's own type (see `objects::Object::NetworkPolicy`).

use serde::{Deserialize, Serialize};

use super::list::List;
use super::meta::ObjectMeta;
use super::service::LoadBalancerStatus;
use super::str::Str;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Ingress {
    pub metadata: ObjectMeta,
    pub spec: Option<IngressSpec>,
    pub status: Option<IngressStatus>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IngressSpec {
    pub ingress_class_name: Option<Str>,
    pub default_backend: Option<IngressBackend>,
    /// v1beta1's name for `defaultBackend`.
    #[serde(skip_serializing)]
    pub backend: Option<IngressBackend>,
    pub rules: Option<List<IngressRule>>,
    pub tls: Option<List<IngressTls>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IngressRule {
    pub host: Option<Str>,
    pub http: Option<HttpIngressRuleValue>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HttpIngressRuleValue {
    pub paths: List<HttpIngressPath>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HttpIngressPath {
    pub path: Option<Str>,
    pub path_type: Option<Str>,
    pub backend: IngressBackend,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IngressBackend {
    pub service: Option<IngressServiceBackend>,
    pub resource: Option<TypedLocalObjectReference>,
    /// extensions/v1beta1 and networking.k8s.io/v1beta1: read into `service` by `compact`.
    #[serde(skip_serializing)]
    pub service_name: Option<Str>,
    #[serde(skip_serializing)]
    pub service_port: Option<super::meta::IntOrString>,
}

impl IngressBackend {
    /// Moves the v1beta1 `serviceName`/`servicePort` into the v1 `service` shape.
    fn normalize(&mut self) {
        if self.service.is_none()
            && let Some(name) = self.service_name.take()
        {
            let port = self.service_port.take().map(|p| match p {
                super::meta::IntOrString::Int(n) => ServiceBackendPort {
                    name: None,
                    number: Some(n),
                },
                super::meta::IntOrString::String(s) => ServiceBackendPort {
                    name: Some(s),
                    number: None,
                },
            });
            self.service = Some(IngressServiceBackend { name, port });
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IngressServiceBackend {
    pub name: Str,
    pub port: Option<ServiceBackendPort>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceBackendPort {
    pub name: Option<Str>,
    pub number: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TypedLocalObjectReference {
    pub api_group: Option<Str>,
    pub kind: Str,
    pub name: Str,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IngressTls {
    pub hosts: Option<List<Str>>,
    pub secret_name: Option<Str>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IngressStatus {
    pub load_balancer: Option<LoadBalancerStatus>,
}

impl Ingress {
    pub fn compact(&mut self) {
        self.metadata.compact();
        if let Some(spec) = &mut self.spec {
            if let Some(b) = &mut spec.default_backend {
                b.normalize();
            }
            // The v1beta1 name of the default backend.
            if spec.default_backend.is_none()
                && let Some(mut b) = spec.backend.take()
            {
                b.normalize();
                spec.default_backend = Some(b);
            }
            if let Some(rules) = &mut spec.rules {
                let mut v: Vec<IngressRule> = std::mem::take(rules).into_iter().collect();
                for r in &mut v {
                    if let Some(h) = &mut r.http {
                        let mut paths: Vec<HttpIngressPath> =
                            std::mem::take(&mut h.paths).into_iter().collect();
                        paths.iter_mut().for_each(|p| p.backend.normalize());
                        h.paths = paths.into();
                    }
                }
                *rules = v.into();
            }
        }
    }

    /// The class: `spec.ingressClassName`, else the legacy `kubernetes.io/ingress.class`
    /// annotation.
    pub fn class(&self) -> Option<&str> {
        self.spec
            .as_ref()
            .and_then(|s| s.ingress_class_name.as_deref())
            .or_else(|| self.metadata.annotation("kubernetes.io/ingress.class"))
    }

    /// Every backend: the default backend and each path's.
    pub fn backends(&self) -> impl Iterator<Item = &IngressBackend> {
        let spec = self.spec.as_ref();
        spec.and_then(|s| s.default_backend.as_ref())
            .into_iter()
            .chain(
                spec.and_then(|s| s.rules.as_ref())
                    .into_iter()
                    .flatten()
                    .filter_map(|r| r.http.as_ref())
                    .flat_map(|h| h.paths.iter().map(|p| &p.backend)),
            )
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IngressClass {
    pub metadata: ObjectMeta,
    pub spec: Option<IngressClassSpec>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IngressClassSpec {
    pub controller: Option<Str>,
}

impl IngressClass {
    pub fn compact(&mut self) {
        self.metadata.compact();
    }

    pub fn is_default(&self) -> bool {
        self.metadata
            .annotation("ingressclass.kubernetes.io/is-default-class")
            == Some("true")
    }
}

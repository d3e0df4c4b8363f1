//! Pod replacement for the liveness driver: now and then a healthy Deployment pod is deleted and
//! recreated under a new name (ContainerCreating), and a few seconds later it runs; each change
//! comes with the events a real cluster emits and with updated Endpoints/EndpointSlices.

use jiff::Timestamp;
use serde_json::Value;

use super::events::{self, EventSpec};
use super::json::Ptr;
use super::liveness::{Liveness, later};
use super::loglines;
use super::logs::Target;
use super::{endpoints, json, pods, timeshift};
use crate::sim::mutation::Mutation;

impl Liveness {
    /// Replaces one pod among `window` (all pods are needed for the Endpoints).
    pub(super) fn replace_one(
        &mut self,
        pods: &[Value],
        window: &[Value],
        now: Timestamp,
        out: &mut Vec<Mutation>,
    ) {
        let due = *self
            .next_replace
            .get_or_insert_with(|| later(&mut self.rng, now, 40, 50));
        if due > now {
            return;
        }
        self.next_replace = Some(later(&mut self.rng, now, 40, 50));
        let candidates: Vec<&Value> = window
            .iter()
            .filter(|p| {
                pods::replaceable(p)
                    && !self
                        .starting
                        .iter()
                        .any(|s| s.0 == json::ns(p) && s.1 == json::name(p))
            })
            .collect();
        if candidates.is_empty() {
            return;
        }
        let old = candidates[self.rng.usize(..candidates.len())];
        let Some((_, rs)) = json::owner(old) else {
            return;
        };
        let new_name = format!("{rs}-{}", pods::random_suffix(&mut self.rng));
        let Some(new) = pods::recreated(old, &new_name, now) else {
            return;
        };
        let (ns, node) = (json::ns(old), json::s(old, "/spec/nodeName"));
        out.push(Mutation::Delete {
            api_version: "v1".into(),
            kind: "Pod".into(),
            namespace: Some(ns.to_string()),
            name: json::name(old).to_string(),
        });
        out.push(Mutation::Upsert(new.clone()));
        let spec =
            |kind, api_version, name, uid, field_path, reason, message: String, component, host| {
                EventSpec {
                    ns,
                    kind,
                    api_version,
                    name,
                    uid,
                    field_path,
                    reason,
                    message,
                    warning: false,
                    component,
                    host,
                }
            };
        let rs_uid = old
            .at("/metadata/ownerReferences/0/uid")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let first = json::s(old, "/spec/containers/0/name");
        let field = format!("spec.containers{{{first}}}");
        let list = [
            spec(
                "Pod",
                "v1",
                json::name(old),
                json::s(old, "/metadata/uid"),
                Some(field.as_str()),
                "Killing",
                format!("Stopping container {first}"),
                "kubelet",
                Some(node),
            ),
            spec(
                "ReplicaSet",
                "apps/v1",
                rs,
                rs_uid,
                None,
                "SuccessfulCreate",
                format!("Created pod: {new_name}"),
                "replicaset-controller",
                None,
            ),
            spec(
                "Pod",
                "v1",
                &new_name,
                json::s(&new, "/metadata/uid"),
                None,
                "Scheduled",
                format!("Successfully assigned {ns}/{new_name} to {node}"),
                "default-scheduler",
                None,
            ),
        ];
        for e in list {
            let ev = events::event(&e, now, &timeshift::format_time(now, false));
            self.emit(ev, out);
        }
        self.update_endpoints(pods, &[&new], json::name(old), Some(&new), out);
        let at = later(&mut self.rng, now, 3, 6);
        self.starting.push((ns.to_string(), new_name, at));
    }

    pub(super) fn start_pending(
        &mut self,
        pods: &[Value],
        now: Timestamp,
        out: &mut Vec<Mutation>,
    ) {
        let (due, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.starting)
            .into_iter()
            .partition(|s| s.2 <= now);
        self.starting = waiting;
        for (ns, name, _) in due {
            let Some(pod) = pods
                .iter()
                .find(|p| json::ns(p) == ns && json::name(p) == name)
            else {
                continue;
            };
            let ip = format!(
                "{}.{}",
                json::s(pod, "/status/hostIP")
                    .rsplit_once('.')
                    .map_or("10.244.9", |(net, _)| net),
                self.rng.u8(2..=253)
            );
            let ip = pods::pod_network_ip(pod, &ip);
            let Some(new) = pods::started(pod, now, &ip) else {
                continue;
            };
            out.push(Mutation::Upsert(new.clone()));
            let node = json::s(&new, "/spec/nodeName");
            let containers: Vec<(String, String)> = new
                .at("/spec/containers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|c| {
                    (
                        json::s(c, "/name").to_string(),
                        json::s(c, "/image").to_string(),
                    )
                })
                .collect();
            for (c, image) in &containers {
                let field = format!("spec.containers{{{c}}}");
                for (reason, message) in [
                    (
                        "Pulled",
                        format!("Container image \"{image}\" already present on machine"),
                    ),
                    ("Created", format!("Created container: {c}")),
                    ("Started", format!("Started container {c}")),
                ] {
                    let e = EventSpec {
                        ns: &ns,
                        kind: "Pod",
                        api_version: "v1",
                        name: &name,
                        uid: json::s(&new, "/metadata/uid"),
                        field_path: Some(&field),
                        reason,
                        message,
                        warning: false,
                        component: "kubelet",
                        host: Some(node),
                    };
                    let ev = events::event(&e, now, c);
                    self.emit(ev, out);
                }
                let t = Target {
                    ns: &ns,
                    pod: &name,
                    container: c,
                    flavor: loglines::flavor(c, image),
                };
                for line in loglines::startup(t.flavor, c, now) {
                    out.push(t.log(now, line));
                }
            }
            self.update_endpoints(pods, &[&new], "", Some(&new), out);
        }
    }

    /// Upserts the Endpoints/EndpointSlice of every known Service that selects one of `changed`,
    /// computed from `pods` without `removed` and with `added`.
    fn update_endpoints(
        &self,
        pods: &[Value],
        changed: &[&Value],
        removed: &str,
        added: Option<&Value>,
        out: &mut Vec<Mutation>,
    ) {
        let Some(first) = changed.first() else { return };
        let ns = json::ns(first);
        let affected: Vec<&Value> = self
            .services
            .iter()
            .filter(|s| json::ns(s) == ns)
            .filter(|s| {
                let sel = s.at("/spec/selector").cloned().unwrap_or(Value::Null);
                changed
                    .iter()
                    .any(|p| json::selector_matches(&sel, p.at("/metadata/labels")))
            })
            .collect();
        if affected.is_empty() {
            return;
        }
        let added_name = added.map(json::name).unwrap_or_default();
        let mut current: Vec<&Value> = pods
            .iter()
            .filter(|p| {
                json::ns(p) == ns && json::name(p) != removed && json::name(p) != added_name
            })
            .collect();
        current.extend(added);
        for svc in affected {
            for o in endpoints::for_service(svc, &current) {
                out.push(Mutation::Upsert(o));
            }
        }
    }
}

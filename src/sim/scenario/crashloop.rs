//! Crash-looping containers on the kubelet's schedule: a container waiting in
//! CrashLoopBackOff starts again when its back-off (read from its `back-off 40s restarting …`
//! message) has passed since it last finished, runs for a while (a second when its flags name
//! a missing file, most of a minute for a Java service running out of memory), dies the same
//! way, and waits twice as long (capped at 5 minutes) — with the events and logs each step
//! brings.

use std::sync::Arc;

use jiff::Timestamp;
use serde_json::{Value, json};

use super::crash_cause::missing_file;
use super::events::{self, EventSpec};
use super::ids;
use super::json::{self, Ptr};
use super::liveness::{Liveness, Running};
use super::loglines::{self, Flavor};
use super::loglines_system;
use super::logs::Target;
use super::timeshift::format_time;
use crate::sim::mutation::Mutation;

/// The kubelet's longest back-off.
const MAX_BACKOFF: i64 = 300;

/// A Go duration as the kubelet prints it: `10s`, `1m20s`, `5m0s`.
pub fn go_duration(seconds: i64) -> String {
    if seconds < 60 {
        format!("{seconds}s")
    } else {
        format!("{}m{}s", seconds / 60, seconds % 60)
    }
}

/// The back-off in a waiting message (`back-off 2m40s restarting failed container=…`).
pub fn parse_backoff(message: &str) -> Option<i64> {
    let rest = message.strip_prefix("back-off ")?;
    let text = rest.split_whitespace().next()?;
    let (minutes, seconds) = match text.split_once('m') {
        Some((m, s)) => (m.parse::<i64>().ok()?, s.trim_end_matches('s')),
        None => (0, text.strip_suffix('s')?),
    };
    let seconds = if seconds.is_empty() {
        0
    } else {
        seconds.parse::<i64>().ok()?
    };
    Some(minutes * 60 + seconds)
}

fn t(ts: Timestamp) -> Value {
    json!(format_time(ts, false))
}

fn find<'a>(pods: &'a [Arc<Value>], ns: &str, name: &str) -> Option<&'a Arc<Value>> {
    pods.iter()
        .find(|p| json::ns(p) == ns && json::name(p) == name)
}

fn fresh(pod: &Value) -> Value {
    let mut new = pod.clone();
    if let Some(meta) = new.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("resourceVersion");
        meta.remove("managedFields");
    }
    new
}

impl Liveness {
    pub(super) fn crash_loops(
        &mut self,
        all: &[Arc<Value>],
        window: &[Arc<Value>],
        now: Timestamp,
        out: &mut Vec<Mutation>,
    ) {
        let due: Vec<String> = self
            .running
            .iter()
            .filter(|(_, r)| r.dies_at <= now)
            .map(|(k, _)| k.clone())
            .collect();
        for key in due {
            let Some(run) = self.running.remove(&key) else {
                continue;
            };
            if let Some(pod) = find(all, &run.ns, &run.pod) {
                self.die(pod, &run, now, out);
            }
        }
        for pod in window {
            let Some(statuses) = pod
                .at("/status/containerStatuses")
                .and_then(Value::as_array)
            else {
                continue;
            };
            for (i, cs) in statuses.iter().enumerate() {
                if json::s(cs, "/state/waiting/reason") != "CrashLoopBackOff" {
                    continue;
                }
                let container = json::s(cs, "/name");
                let key = format!("{}/{}/{container}", json::ns(pod), json::name(pod));
                if container.is_empty() || self.running.contains_key(&key) {
                    continue;
                }
                let backoff =
                    parse_backoff(json::s(cs, "/state/waiting/message")).unwrap_or(MAX_BACKOFF);
                let Ok(finished) =
                    json::s(cs, "/lastState/terminated/finishedAt").parse::<Timestamp>()
                else {
                    continue;
                };
                if now.as_second() < finished.as_second() + backoff {
                    continue;
                }
                self.start(pod, i, backoff, now, out);
            }
        }
    }

    /// The container starts its next instance.
    fn start(
        &mut self,
        pod: &Value,
        i: usize,
        backoff: i64,
        now: Timestamp,
        out: &mut Vec<Mutation>,
    ) {
        let mut new = fresh(pod);
        let (ns, name) = (json::ns(pod).to_string(), json::name(pod).to_string());
        let Some(cs) = new
            .pointer_mut(&format!("/status/containerStatuses/{i}"))
            .and_then(Value::as_object_mut)
        else {
            return;
        };
        let container = cs
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let image = cs
            .get("image")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let count = cs.get("restartCount").and_then(Value::as_u64).unwrap_or(0) + 1;
        cs.insert("restartCount".into(), json!(count));
        cs.insert(
            "containerID".into(),
            json!(ids::container_id(&ns, &name, &container, count)),
        );
        cs.insert("state".into(), json!({"running": {"startedAt": t(now)}}));
        cs.insert("started".into(), json!(true));
        cs.insert("ready".into(), json!(false));
        out.push(Mutation::Upsert(new));
        let cause = missing_file(pod, &container, &self.sources);
        let flavor = loglines::flavor(&container, &image);
        let reason = json::s(
            pod,
            &format!("/status/containerStatuses/{i}/lastState/terminated/reason"),
        )
        .to_string();
        let ran = match (&cause, reason.as_str()) {
            (Some(_), _) => 1,
            (None, "OOMKilled") => self.rng.i64(35..=55),
            _ => self.rng.i64(5..=20),
        };
        let target = Target {
            ns: &ns,
            pod: &name,
            container: &container,
            flavor,
            cause: cause.clone(),
        };
        out.push(target.restarted());
        let lines = match &cause {
            Some(missing) => loglines_system::missing_file(flavor, missing, now),
            None => loglines::startup(flavor, &container, now),
        };
        for line in lines {
            out.push(target.log(now, line));
        }
        for reason in ["Pulled", "Created", "Started"] {
            if let Some(ev) = self.latest_event(&ns, &name, reason) {
                self.emit(events::repeat(ev, now), out);
            }
        }
        let dies_at = Timestamp::from_second(now.as_second() + ran).unwrap_or(now);
        self.running.insert(
            format!("{ns}/{name}/{container}"),
            Running {
                ns,
                pod: name,
                container,
                dies_at,
                backoff,
            },
        );
    }

    /// The running instance dies and the container waits a doubled back-off.
    fn die(&mut self, pod: &Value, run: &Running, now: Timestamp, out: &mut Vec<Mutation>) {
        let mut new = fresh(pod);
        let (ns, name) = (json::ns(pod), json::name(pod));
        let uid = json::s(pod, "/metadata/uid").to_string();
        let Some(statuses) = new
            .pointer_mut("/status/containerStatuses")
            .and_then(Value::as_array_mut)
        else {
            return;
        };
        let Some(cs) = statuses
            .iter_mut()
            .filter_map(Value::as_object_mut)
            .find(|c| c.get("name").and_then(Value::as_str) == Some(run.container.as_str()))
        else {
            return;
        };
        let Some(started) = cs
            .get("state")
            .and_then(|s| s.get("running"))
            .and_then(|r| r.get("startedAt"))
            .cloned()
        else {
            return;
        };
        let last = cs.get("lastState").and_then(|l| l.get("terminated"));
        let exit = last
            .and_then(|l| l.get("exitCode"))
            .and_then(Value::as_i64)
            .unwrap_or(1);
        let reason = last
            .and_then(|l| l.get("reason"))
            .and_then(Value::as_str)
            .unwrap_or("Error")
            .to_string();
        let cid = cs.get("containerID").cloned().unwrap_or(Value::Null);
        let image = cs
            .get("image")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let next = (run.backoff * 2).clamp(10, MAX_BACKOFF);
        cs.insert("state".into(), json!({"waiting": {"reason": "CrashLoopBackOff",
            "message": format!("back-off {} restarting failed container={} pod={name}_{ns}({uid})", go_duration(next), run.container)}}));
        cs.insert(
            "lastState".into(),
            json!({"terminated": {"exitCode": exit, "reason": reason, "startedAt": started, "finishedAt": t(now), "containerID": cid}}),
        );
        cs.insert("started".into(), json!(false));
        cs.insert("ready".into(), json!(false));
        out.push(Mutation::Upsert(new));
        let flavor: Flavor = loglines::flavor(&run.container, &image);
        let target = Target {
            ns,
            pod: name,
            container: &run.container,
            flavor,
            cause: None,
        };
        if missing_file(pod, &run.container, &self.sources).is_none() {
            for line in loglines::ending(flavor, &run.container, &reason, now) {
                out.push(target.log(now, line));
            }
        }
        let host = json::s(pod, "/spec/nodeName");
        let field = format!("spec.containers{{{}}}", run.container);
        let ev = match self.latest_event(ns, name, "BackOff") {
            Some(ev) => events::repeat(ev, now),
            None => events::event(
                &EventSpec {
                    ns,
                    kind: "Pod",
                    api_version: "v1",
                    name,
                    uid: &uid,
                    field_path: Some(&field),
                    reason: "BackOff",
                    message: format!(
                        "Back-off restarting failed container {} in pod {name}_{ns}({uid})",
                        run.container
                    ),
                    warning: true,
                    component: "kubelet",
                    host: Some(host),
                },
                now,
                "liveness",
            ),
        };
        self.emit(ev, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoffs_print_and_parse_like_the_kubelet() {
        for (s, text) in [
            (10, "10s"),
            (40, "40s"),
            (80, "1m20s"),
            (160, "2m40s"),
            (300, "5m0s"),
        ] {
            assert_eq!(go_duration(s), text);
            assert_eq!(
                parse_backoff(&format!("back-off {text} restarting failed container=x")),
                Some(s)
            );
        }
        assert_eq!(parse_backoff("something else"), None);
    }
}

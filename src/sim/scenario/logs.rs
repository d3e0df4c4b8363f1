//! `seed_logs`: the log lines every container already has when the simulated cluster starts,
//! for its current instance and, when it restarted, its previous one.

use fastrand::Rng;
use jiff::Timestamp;
use serde_json::Value;

use super::crash_cause::{MissingFile, VolumeSources, missing_file};
use super::ids;
use super::json;
use super::json::Ptr;
use super::loglines::{self, Flavor};
use super::loglines_system;
use crate::sim::mutation::Mutation;

/// Total lines seeded at most, so that huge scenarios start quickly.
const BUDGET: usize = 200_000;
/// Lines per container instance at most.
const PER_INSTANCE: usize = 40;

/// One container of one pod.
pub struct Target<'a> {
    pub ns: &'a str,
    pub pod: &'a str,
    pub container: &'a str,
    pub flavor: Flavor,
    /// A file the container's flags name but cannot see: every instance dies of it.
    pub cause: Option<MissingFile>,
}

impl Target<'_> {
    /// A log mutation for this container.
    pub fn log(&self, time: Timestamp, line: String) -> Mutation {
        Mutation::Log {
            namespace: self.ns.to_string(),
            pod: self.pod.to_string(),
            container: self.container.to_string(),
            time,
            line,
        }
    }

    pub fn restarted(&self) -> Mutation {
        Mutation::ContainerRestarted {
            namespace: self.ns.to_string(),
            pod: self.pod.to_string(),
            container: self.container.to_string(),
        }
    }
}

fn time_at(v: &Value, ptr: &str) -> Option<Timestamp> {
    v.at(ptr)
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
}

/// Log lines for every started container of every pod among `objects`.
pub fn seed_logs(objects: &[Value], now: Timestamp) -> Vec<Mutation> {
    let pods: Vec<&Value> = objects
        .iter()
        .filter(|o| json::s(o, "/kind") == "Pod")
        .collect();
    let containers: usize = pods
        .iter()
        .map(|p| {
            p.at("/status/containerStatuses")
                .and_then(Value::as_array)
                .map_or(0, Vec::len)
        })
        .sum();
    let per = (BUDGET / containers.max(1)).clamp(2, PER_INSTANCE);
    let sources = VolumeSources::from_objects(objects);
    let mut out = Vec::new();
    for pod in pods {
        let Some(statuses) = pod
            .at("/status/containerStatuses")
            .and_then(Value::as_array)
        else {
            continue;
        };
        for cs in statuses {
            let crashing = json::s(cs, "/state/waiting/reason") == "CrashLoopBackOff";
            let t = Target {
                ns: json::ns(pod),
                pod: json::name(pod),
                container: json::s(cs, "/name"),
                flavor: loglines::flavor(json::s(cs, "/name"), json::s(cs, "/image")),
                cause: crashing
                    .then(|| missing_file(pod, json::s(cs, "/name"), &sources))
                    .flatten(),
            };
            if t.container.is_empty() || t.pod.is_empty() {
                continue;
            }
            let mut rng = Rng::with_seed(ids::hash(&[t.ns, t.pod, t.container]));
            seed_container(&t, cs, now, per, &mut rng, &mut out);
        }
    }
    out
}

fn seed_container(
    t: &Target,
    cs: &Value,
    now: Timestamp,
    per: usize,
    rng: &mut Rng,
    out: &mut Vec<Mutation>,
) {
    let last = (
        time_at(cs, "/lastState/terminated/startedAt"),
        time_at(cs, "/lastState/terminated/finishedAt"),
    );
    let last_reason = json::s(cs, "/lastState/terminated/reason");
    let waiting = cs.at("/state/waiting").is_some();
    if let (Some(start), Some(end)) = last {
        if waiting {
            // Crash-looping: `kubectl logs` shows the instance that died last, `--previous` the
            // one before it; both died the same way.
            let span = end.as_second() - start.as_second();
            let before_end = Timestamp::from_second(start.as_second() - 10).unwrap_or(start);
            let before_start =
                Timestamp::from_second(before_end.as_second() - span).unwrap_or(start);
            instance(
                t,
                before_start,
                before_end,
                Some(last_reason),
                per,
                rng,
                out,
            );
            out.push(t.restarted());
            instance(t, start, end, Some(last_reason), per, rng, out);
            return;
        }
        instance(t, start, end, Some(last_reason), per, rng, out);
        out.push(t.restarted());
    }
    if let Some(start) = time_at(cs, "/state/running/startedAt") {
        instance(t, start, now, None, per, rng, out);
    } else if let (Some(start), Some(end)) = (
        time_at(cs, "/state/terminated/startedAt"),
        time_at(cs, "/state/terminated/finishedAt"),
    ) {
        instance(
            t,
            start,
            end,
            Some(json::s(cs, "/state/terminated/reason")),
            per,
            rng,
            out,
        );
    }
}

/// Lines of one container instance that ran from `start` to `end` (and ended with `reason`).
pub fn instance(
    t: &Target,
    start: Timestamp,
    end: Timestamp,
    reason: Option<&str>,
    per: usize,
    rng: &mut Rng,
    out: &mut Vec<Mutation>,
) {
    let end = end.max(start);
    if let Some(missing) = &t.cause {
        for line in loglines_system::missing_file(t.flavor, missing, start) {
            out.push(t.log(start, line));
        }
        return;
    }
    for line in loglines::startup(t.flavor, t.container, start) {
        out.push(t.log(start, line));
    }
    // Normal lines spread over the last hour of the instance at most.
    let from = start.as_second().max(end.as_second() - 3600) + 1;
    let to = end.as_second().max(from);
    let mut times: Vec<i64> = (0..per).map(|_| rng.i64(from..=to)).collect();
    times.sort_unstable();
    for s in times {
        let at = Timestamp::from_second(s).unwrap_or(end);
        out.push(t.log(at, loglines::line(t.flavor, t.container, rng, at)));
    }
    if let Some(reason) = reason {
        for line in loglines::ending(t.flavor, t.container, reason, end) {
            out.push(t.log(end, line));
        }
    }
}

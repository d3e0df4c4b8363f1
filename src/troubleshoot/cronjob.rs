//! CronJobs: suspended; a schedule or time zone the controller cannot use (or a schedule
//! that never fires); runs that were due but not started (from `lastScheduleTime` against
//! the schedule); and `concurrencyPolicy: Forbid` skipping runs because a job still runs.

use jiff::Timestamp;

use crate::objects::CronJob;

use super::Ctx;
use super::build::{FindingExt, app, ns_flag, obj};
use super::cron_schedule::parse;
use crate::findings::{Finding, Severity};

/// More missed runs than this and the controller gives up counting ("too many missed start
/// times").
const MAX_COUNTED: usize = 100;

pub fn check(ctx: &Ctx, cj: &CronJob, out: &mut Vec<Finding>) {
    let Some(spec) = cj.spec.as_ref() else {
        return;
    };
    let o = obj("CronJob", &cj.metadata);
    let nsf = ns_flag(&o.namespace);
    if spec.suspend == Some(true) {
        out.push(
            app(
                "cronjob-suspended",
                Severity::Warning,
                o.clone(),
                format!("CronJob is suspended: schedule {} does not run", spec.schedule),
            )
            .explain(
                "spec.suspend is true, so the controller starts no jobs; runs that fall due while \
                 it is suspended count as missed.",
            )
            .with("spec.schedule", spec.schedule.as_str())
            .step(format!(
                "kubectl patch cronjob {}{nsf} --type=merge -p '{{\"spec\":{{\"suspend\":false}}}}'   (to resume it)",
                o.name
            )),
        );
        return;
    }
    let schedule = match parse(&spec.schedule) {
        Ok(s) => s,
        Err(why) => {
            out.push(invalid(ctx, cj, &why));
            return;
        }
    };
    let time_zone = spec.time_zone.as_deref().filter(|z| !z.is_empty());
    let Some(zone) = schedule.zone(time_zone) else {
        out.push(invalid(
            ctx,
            cj,
            &format!(
                "spec.timeZone {:?} is not a time zone of the IANA database",
                time_zone.unwrap_or("")
            ),
        ));
        return;
    };
    let created = cj.metadata.creation_timestamp.map(|t| t.ts());
    let Some(from) = created else { return };
    if schedule.next_after(from, &zone).is_none() {
        out.push(invalid(ctx, cj, "the schedule never fires (no such date)"));
        return;
    }
    let status = cj.status.as_ref();
    let last = status.and_then(|s| s.last_schedule_time).map(|t| t.ts());
    let base = last.unwrap_or(from);
    let grace = ctx.opts.creating_grace.as_secs() as i64;
    let Ok(cutoff) = Timestamp::from_second(ctx.now().as_second() - grace) else {
        return;
    };
    let due = schedule.runs_between(base, cutoff, &zone, MAX_COUNTED + 1);
    let Some(first_due) = due.first().copied() else {
        return;
    };
    let active: Vec<String> = status
        .and_then(|s| s.active.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|r| r.name.as_ref().map(|n| n.to_string()))
        .collect();
    let policy = spec.concurrency_policy.as_deref().unwrap_or("Allow");
    let count = if due.len() > MAX_COUNTED {
        format!("more than {MAX_COUNTED}")
    } else {
        due.len().to_string()
    };
    let ago = crate::model::age::human_duration(first_due, ctx.now());
    let last_text = last
        .map(|t| t.to_string())
        .unwrap_or_else(|| "never".to_string());
    let zone_text = time_zone
        .or(schedule.prefix_zone.as_deref())
        .unwrap_or("UTC (the controller's zone)");
    if policy == "Forbid" && !active.is_empty() {
        let running = active.join(", ");
        let mut f = app(
            "cronjob-blocked",
            Severity::Warning,
            o.clone(),
            format!(
                "{count} run(s) skipped: concurrencyPolicy Forbid and job {running} still runs"
            ),
        )
        .explain(
            "With concurrencyPolicy Forbid a new run is skipped while the previous job is still \
             active. That job has been running past the next scheduled time: it is slow, stuck \
             or failing without finishing (see its pods).",
        )
        .with("active", running.clone())
        .with("status.lastScheduleTime", last_text)
        .with("spec.schedule", format!("{} ({zone_text})", spec.schedule));
        for name in active.iter().take(3) {
            if let Some(j) = ctx.snap.jobs.find(&o.namespace, name)
                && let Some(start) = j.status.as_ref().and_then(|s| s.start_time)
            {
                f = f.with(
                    &format!("job {name}"),
                    format!(
                        "started {} ago",
                        crate::model::age::human_duration(start.ts(), ctx.now())
                    ),
                );
            }
        }
        let first = active.first().cloned().unwrap_or_default();
        out.push(
            f.step(format!("kubectl get pods{nsf} -l job-name={first}"))
                .step(format!("kubectl describe job {first}{nsf}")),
        );
        return;
    }
    // The controller tries, but the API server refuses the Job (quota, webhook, PodSecurity…).
    let refused = ctx
        .snap
        .events_for("CronJob", &o.namespace, &o.name)
        .find(|e| e.is_warning() && e.reason == "FailedCreate")
        .map(|e| e.message.to_string());
    let mut f = app(
        "cronjob-missed-schedules",
        Severity::Error,
        o.clone(),
        match &refused {
            Some(m) => format!(
                "{count} scheduled run(s) did not start: the Job cannot be created ({})",
                super::workload_pods::short(m, 100)
            ),
            None => format!("{count} scheduled run(s) did not start; the first was due {ago} ago"),
        },
    )
    .explain(if refused.is_some() {
        "Runs were due and the CronJob controller tried to create their Jobs, but the API \
         server refused them (the FailedCreate event says why: a quota, an admission webhook, \
         a policy)."
    } else {
        "Runs were due by the schedule but no job was started for them. The CronJob controller \
         in kube-controller-manager starts them: it is not running or not leading, or the \
         control plane's clock is off. After more than 100 missed runs it stops trying until \
         startingDeadlineSeconds is set."
    })
    .with("spec.schedule", format!("{} ({zone_text})", spec.schedule))
    .with("status.lastScheduleTime", last_text)
    .with("first missed run", first_due.to_string());
    if let Some(d) = spec.starting_deadline_seconds {
        f = f.with("spec.startingDeadlineSeconds", d.to_string());
    }
    f = f.events(ctx, &[], false);
    if refused.is_none() {
        f = f
            .step("kubectl -n kube-system get pods -l component=kube-controller-manager")
            .step("kubectl -n kube-system get lease kube-controller-manager -o yaml");
    }
    out.push(f.step(format!("kubectl describe cronjob {}{nsf}", o.name)));
}

fn invalid(ctx: &Ctx, cj: &CronJob, why: &str) -> Finding {
    let o = obj("CronJob", &cj.metadata);
    let spec = cj.spec.as_ref();
    let mut f = app(
        "cronjob-invalid-schedule",
        Severity::Error,
        o.clone(),
        format!("schedule cannot run: {why}"),
    )
    .explain(
        "The CronJob controller cannot compute when to run this CronJob, so it never starts a \
         job. The format is five fields (minute hour day-of-month month day-of-week) or a macro \
         such as @hourly; the time zone goes in spec.timeZone.",
    )
    .with(
        "spec.schedule",
        spec.map(|s| s.schedule.to_string()).unwrap_or_default(),
    );
    if let Some(z) = spec.and_then(|s| s.time_zone.as_deref()) {
        f = f.with("spec.timeZone", z);
    }
    f.events(ctx, &[], false).step(format!(
        "kubectl edit cronjob {}{}   (fix spec.schedule / spec.timeZone)",
        o.name,
        ns_flag(&o.namespace)
    ))
}

#[cfg(test)]
#[path = "cronjob_tests.rs"]
mod tests;

//! Troubleshooting benchmark on a synthetic cluster (default 50,000 pods, 500 nodes, 100
//! namespaces): the time to build the typed snapshot from JSON objects, the time of one
//! full analysis (`troubleshoot::analyze`, median of several runs), and what the live engine
//! spends per pass: after one pod change, and on a clock pass (time-based checks only). Run with
//! `cargo bench --bench check`; `KMEDIC_BENCH_PODS=N` changes the size. Results are printed;
//! BENCHMARKS.md records them.

mod support;

use std::time::Instant;

use jiff::Timestamp;
use kmedic::objects::Object;
use kmedic::troubleshoot::{Change, Engine, Options, Pass, Snapshot, analyze, group_by_root};
use support::median;

fn main() {
    let pods: usize = std::env::var("KMEDIC_BENCH_PODS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000);
    let now = Timestamp::now();
    let started = Instant::now();
    let objects = kmedic::sim::scenario::synthetic(pods, 500, 100, now);
    let generated = started.elapsed();
    let count = objects.len();
    let started = Instant::now();
    let snapshot = Snapshot::from_objects(objects);
    let built = started.elapsed();
    let opts = Options::default();
    let mut runs = Vec::new();
    let mut findings = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        findings = analyze(&snapshot, now, &opts);
        runs.push(started.elapsed());
    }
    let groups = group_by_root(&findings);
    let pods_of_snapshot: Vec<Object> = snapshot
        .pods
        .iter()
        .step_by(997)
        .map(|p| Object::Pod(std::sync::Arc::new(p.clone())))
        .collect();
    let mut engine = Engine::from_snapshot(snapshot, opts.clone());
    let started = Instant::now();
    engine.pass(now, Pass::Full);
    let first = started.elapsed();
    let mut per_change = Vec::new();
    for pod in pods_of_snapshot {
        engine.apply(Change::Upsert(pod));
        let started = Instant::now();
        engine.pass(now, Pass::Changes);
        per_change.push(started.elapsed());
    }
    let mut clock_passes = Vec::new();
    for i in 1..=5 {
        let later = now
            .checked_add(jiff::SignedDuration::from_secs(30 * i))
            .unwrap_or(now);
        let started = Instant::now();
        engine.pass(later, Pass::Clock);
        clock_passes.push(started.elapsed());
    }
    let clock_checked = engine.last_pass().checked;
    let clock_dependent = engine.clock_dependent();
    let ctx = kmedic::troubleshoot::Ctx::new(engine.snapshot(), now, &opts);
    let mut cluster: Vec<(&str, std::time::Duration)> =
        kmedic::troubleshoot::registry::CLUSTER_CHECKS
            .iter()
            .map(|(name, check)| {
                let started = Instant::now();
                let mut out = Vec::new();
                for _ in 0..5 {
                    out.clear();
                    check(&ctx, &mut out);
                }
                (*name, started.elapsed() / 5)
            })
            .collect();
    cluster.sort_by_key(|(_, t)| std::cmp::Reverse(*t));
    println!("check benchmark: {pods} pods, {count} objects");
    println!("  generate synthetic objects: {generated:?}");
    println!("  Snapshot::from_objects:     {built:?}");
    println!(
        "  analyze (median of {}):     {:?}  (min {:?}, max {:?})",
        runs.len(),
        median(runs.clone()),
        runs.iter().min().copied().unwrap_or_default(),
        runs.iter().max().copied().unwrap_or_default()
    );
    println!("  engine first (full) pass:   {first:?}");
    println!(
        "  engine pass after one pod change (median of {}): {:?}",
        per_change.len(),
        median(per_change)
    );
    println!(
        "  engine clock pass (median of {}): {:?} ({clock_checked} objects checked, {clock_dependent} read the clock)",
        clock_passes.len(),
        median(clock_passes)
    );
    let total: std::time::Duration = cluster.iter().map(|(_, t)| *t).sum();
    println!("  cluster checks, all: {total:?}; the slowest:");
    for (name, t) in cluster.iter().take(6) {
        println!("    {name}: {t:?}");
    }
    println!(
        "  findings: {} ({} root causes)",
        findings.len(),
        groups.len()
    );
}

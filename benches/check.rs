//! Troubleshooting benchmark on a synthetic cluster (default 50,000 pods, 500 nodes, 100
//! namespaces): the time to build the typed snapshot from JSON objects, and the time of one
//! full analysis (`troubleshoot::analyze`, median of several runs). Run with
//! `cargo bench --bench check`; `KMEDIC_BENCH_PODS=N` changes the size. Results are printed;
//! BENCHMARKS.md records them.

mod support;

use std::time::Instant;

use jiff::Timestamp;
use kmedic::troubleshoot::{Options, Snapshot, analyze, group_by_root};
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
    println!(
        "  findings: {} ({} root causes)",
        findings.len(),
        groups.len()
    );
}

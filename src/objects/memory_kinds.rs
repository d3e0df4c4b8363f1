//! A memory probe (ignored test): how many heap bytes the compact objects of each kind of a
//! synthetic 50,000-pod cluster hold, then the snapshot's tables and indexes and the rows.
//! `cargo test --lib memory_kinds -- --ignored --nocapture`.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{Kind, Object, decode_text};
use crate::cluster::watch::row_of;
use crate::troubleshoot::{Change, Snapshot};

/// Bytes the allocator has handed out and not got back (glibc's count).
fn in_use() -> usize {
    // SAFETY: mallinfo2 only reads the allocator's counters.
    unsafe { libc::mallinfo2().uordblks }
}

#[test]
#[ignore]
fn per_kind_at_fifty_thousand_pods() {
    let now = jiff::Timestamp::now();
    let values = crate::sim::scenario::synthetic(50_000, 503, 50, now);
    let mut by_kind: BTreeMap<&'static str, (Kind, Vec<String>)> = BTreeMap::new();
    for v in &values {
        let api = v.get("apiVersion").and_then(|a| a.as_str()).unwrap_or("");
        let kind = v.get("kind").and_then(|a| a.as_str()).unwrap_or("");
        if let Some(k) = Kind::of(api, kind) {
            let text = serde_json::to_string(v).expect("json");
            by_kind
                .entry(k.name())
                .or_insert((k, Vec::new()))
                .1
                .push(text);
        }
    }
    drop(values);
    let mut kept: Vec<(Kind, Vec<Object>)> = Vec::new();
    let mut total = 0;
    for (name, (kind, texts)) in &by_kind {
        let before = in_use();
        let objs: Vec<Object> = texts
            .iter()
            .map(|t| decode_text(*kind, t).expect("decodes"))
            .collect();
        let used = in_use().saturating_sub(before);
        total += used;
        let json: usize = texts.iter().map(String::len).sum();
        println!(
            "{name:<26} {:>6} objects {:>9} KiB {:>6} B each (JSON {:>5} B each)",
            objs.len(),
            used / 1024,
            used / objs.len().max(1),
            json / texts.len().max(1)
        );
        kept.push((*kind, objs));
    }
    println!("objects total {} KiB", total / 1024);
    let before = in_use();
    let mut rows = Vec::new();
    for (kind, objs) in &kept {
        let b = in_use();
        let n = rows.len();
        rows.extend(objs.iter().filter_map(row_of).map(Arc::new));
        if rows.len() > n {
            let used = in_use().saturating_sub(b);
            println!(
                "rows {:<26} {:>6} rows {:>9} KiB {:>6} B each",
                kind.name(),
                rows.len() - n,
                used / 1024,
                used / (rows.len() - n)
            );
        }
    }
    println!(
        "rows {}: {} KiB",
        rows.len(),
        in_use().saturating_sub(before) / 1024
    );
    let before = in_use();
    let mut snap = Snapshot::default();
    for (kind, objs) in &kept {
        let b = in_use();
        snap.apply(Change::Reset(*kind, None, objs.clone()));
        println!(
            "snapshot {:<26} +{} KiB",
            kind.name(),
            in_use().saturating_sub(b) / 1024
        );
    }
    println!(
        "snapshot tables + indexes: {} KiB",
        in_use().saturating_sub(before) / 1024
    );
    drop(snap);
    drop(rows);
}

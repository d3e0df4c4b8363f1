//! Near-miss labels: labels on pods of a namespace that almost match a Service's selector
//! (same key with a close value, or the same value under another key), suggested when the
//! selector matches nothing.

use crate::objects::Map;

use super::Ctx;

/// Labels on pods in the namespace that almost match the selector.
pub fn near_misses(ctx: &Ctx, ns: &str, selector: &Map) -> Vec<String> {
    let mut hints = Vec::new();
    for (k, v) in selector {
        let mut seen: Vec<String> = Vec::new();
        for pod in ctx.snap.pods_in(ns) {
            for (lk, lv) in pod.metadata.labels.iter().flatten() {
                let close = (lk == k && lv != v && close_enough(lv, v)) || (lk != k && lv == v);
                let text = format!("{lk}={lv}");
                if close && !seen.contains(&text) {
                    seen.push(text);
                }
            }
        }
        for s in seen.into_iter().take(3) {
            hints.push(format!("selector has {k}={v}; pods have {s}"));
        }
    }
    hints
}

fn close_enough(a: &str, b: &str) -> bool {
    edit_distance(a, b) <= 2 || a.contains(b) || b.contains(a)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

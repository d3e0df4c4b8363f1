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
                let close = if lk == k {
                    lv != v && close_enough(lv, v)
                } else {
                    lv == v
                };
                // Most labels are not close: nothing is formatted or allocated for them.
                if !close {
                    continue;
                }
                let text = format!("{lk}={lv}");
                if !seen.contains(&text) {
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
    // The edit distance is at least the difference in length: no need to compute it then.
    let lengths_close = a.chars().count().abs_diff(b.chars().count()) <= 2;
    a.contains(b) || b.contains(a) || (lengths_close && edit_distance(a, b) <= 2)
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

//! Swap: the kubelet refuses to start while swap is on unless `failSwapOn: false`.

use super::{ev, finding, node};
use crate::findings::{Finding, Pane, Severity};
use crate::node::model::NodeData;

pub fn check(data: &NodeData) -> Vec<Finding> {
    let Some(areas) = data.swap.as_ref().filter(|a| !a.is_empty()) else {
        return Vec::new();
    };
    let fail = &data.kubelet.settings.fail_swap_on;
    if !fail.value {
        return Vec::new();
    }
    let mut f = finding(
        Pane::Node,
        "swap-on",
        Severity::Critical,
        node(data),
        format!(
            "swap is on ({}) and the kubelet has failSwapOn: true, so it will not start",
            areas
                .iter()
                .map(|a| a.filename.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        "With failSwapOn (the default) the kubelet exits at start while any swap is active: \"running with swap on is not supported, please disable swap\".",
    );
    f.evidence = areas
        .iter()
        .map(|a| {
            ev(
                "/proc/swaps",
                format!("{} {} {} KiB", a.filename, a.kind, a.size_kib),
            )
        })
        .collect();
    f.evidence.push(ev(
        "failSwapOn",
        format!(
            "true ({})",
            fail.source.describe(data.kubelet.config_file.as_deref())
        ),
    ));
    f.next_steps = vec![
        "swapoff -a".into(),
        "comment out the swap line in /etc/fstab (and disable swap units: systemctl list-units --type swap)".into(),
        "systemctl restart kubelet".into(),
    ];
    vec![f]
}

//! The default file name for saving a log pane's buffer.

use jiff::Timestamp;

/// A file name for saved logs: `<what>-<UTC time>.log`, safe for any file system.
pub fn save_name(what: &str, now: Timestamp) -> String {
    let safe: String = what
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}-{}.log", now.strftime("%Y%m%dT%H%M%SZ"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_names_are_safe() {
        let t: Timestamp = "2026-01-02T03:04:05Z"
            .parse()
            .unwrap_or(Timestamp::UNIX_EPOCH);
        assert_eq!(save_name("ns/pod:c", t), "ns_pod_c-20260102T030405Z.log");
    }
}

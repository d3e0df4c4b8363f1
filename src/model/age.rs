//! kubectl's human-readable durations ("5s", "3m20s", "2d4h", "3y12d").

use jiff::Timestamp;

/// Formats the time from `since` to `now` the way `kubectl get` prints AGE.
pub fn human_duration(since: Timestamp, now: Timestamp) -> String {
    let secs = now.as_second() - since.as_second();
    format_seconds(secs)
}

/// Formats a duration in seconds like Kubernetes' `duration.HumanDuration`.
pub fn format_seconds(secs: i64) -> String {
    if secs < -1 {
        return "<invalid>".to_string();
    }
    if secs < 0 {
        return "0s".to_string();
    }
    if secs < 60 * 2 {
        return format!("{secs}s");
    }
    let minutes = secs / 60;
    if minutes < 10 {
        let s = secs % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        let d = hours / 24;
        return if h == 0 {
            format!("{d}d")
        } else {
            format!("{d}d{h}h")
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let d = (hours / 24) % 365;
        let y = hours / 24 / 365;
        return if d == 0 {
            format!("{y}y")
        } else {
            format!("{y}y{d}d")
        };
    }
    format!("{}y", hours / 24 / 365)
}

#[cfg(test)]
mod tests {
    use super::format_seconds;

    #[test]
    fn matches_kubectl_buckets() {
        assert_eq!(format_seconds(5), "5s");
        assert_eq!(format_seconds(119), "119s");
        assert_eq!(format_seconds(200), "3m20s");
        assert_eq!(format_seconds(600), "10m");
        assert_eq!(format_seconds(3 * 3600 + 300), "3h5m");
        assert_eq!(format_seconds(30 * 3600), "30h");
        assert_eq!(format_seconds(3 * 86400 + 4 * 3600), "3d4h");
        assert_eq!(format_seconds(100 * 86400), "100d");
        assert_eq!(format_seconds(3 * 365 * 86400 + 12 * 86400), "3y12d");
        assert_eq!(format_seconds(-5), "<invalid>");
    }
}

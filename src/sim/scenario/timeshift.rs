//! Moves every timestamp of a scenario written relative to a reference time so that the
//! scenario looks fresh at another time.

use jiff::Timestamp;
use serde_json::Value;

/// Shifts every timestamp in `value` by `seconds`: every string of the form
/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (creationTimestamp, startedAt, lastTimestamp, ... and
/// annotations such as `kubernetes.io/config.seen`), keeping its precision.
pub fn shift(value: &mut Value, seconds: i64) {
    match value {
        Value::String(s) => {
            if let Some(moved) = shift_str(s, seconds) {
                *s = moved;
            }
        }
        Value::Object(map) => map.values_mut().for_each(|v| shift(v, seconds)),
        Value::Array(items) => items.iter_mut().for_each(|v| shift(v, seconds)),
        _ => {}
    }
}

fn shift_str(s: &str, seconds: i64) -> Option<String> {
    let b = s.as_bytes();
    let shape = b.len() >= 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && s.ends_with('Z');
    if !shape {
        return None;
    }
    let fraction = &s[19..s.len() - 1];
    if !(fraction.is_empty()
        || (fraction.starts_with('.') && fraction[1..].bytes().all(|c| c.is_ascii_digit())))
    {
        return None;
    }
    let ts: Timestamp = format!("{}Z", &s[..19]).parse().ok()?;
    let moved = Timestamp::from_second(ts.as_second().checked_add(seconds)?).ok()?;
    Some(format!(
        "{}{fraction}Z",
        moved.strftime("%Y-%m-%dT%H:%M:%S")
    ))
}

/// RFC3339 in UTC, whole seconds (or microseconds, as Kubernetes' MicroTime).
pub fn format_time(ts: Timestamp, micro: bool) -> String {
    if micro {
        ts.strftime("%Y-%m-%dT%H:%M:%S.%6fZ").to_string()
    } else {
        ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
    }
}

/// `now` minus `seconds`, formatted as a Kubernetes timestamp.
pub fn ago(now: Timestamp, seconds: i64) -> String {
    let t = Timestamp::from_second(now.as_second().saturating_sub(seconds)).unwrap_or(now);
    format_time(t, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shifts_timestamps_only() {
        let mut v = json!({"metadata": {"creationTimestamp": "2026-01-01T12:00:00Z", "name": "x-2026-01-01T12:00:00Z",
            "annotations": {"seen": "2026-01-01T12:00:00.123456789Z", "n": "12"}},
            "status": {"conditions": [{"lastTransitionTime": "2026-01-01T11:00:00Z"}]}});
        shift(&mut v, 3600);
        assert_eq!(v["metadata"]["creationTimestamp"], "2026-01-01T13:00:00Z");
        assert_eq!(v["metadata"]["name"], "x-2026-01-01T12:00:00Z");
        assert_eq!(
            v["metadata"]["annotations"]["seen"],
            "2026-01-01T13:00:00.123456789Z"
        );
        assert_eq!(v["metadata"]["annotations"]["n"], "12");
        assert_eq!(
            v["status"]["conditions"][0]["lastTransitionTime"],
            "2026-01-01T12:00:00Z"
        );
    }
}

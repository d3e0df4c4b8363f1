//! Tests of `cron_schedule`.

#![allow(clippy::unwrap_used)]
use super::*;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

#[test]
fn standard_fields_macros_and_names() {
    let s = parse("*/15 9-17 * * MON-FRI").unwrap();
    // Friday 2026-01-02 17:50 UTC → Monday 09:00.
    let next = s.next_after(ts("2026-01-02T17:50:00Z"), &TimeZone::UTC);
    assert_eq!(next, Some(ts("2026-01-05T09:00:00Z")));
    let h = parse("@hourly").unwrap();
    assert_eq!(
        h.next_after(ts("2026-01-01T10:00:00Z"), &TimeZone::UTC),
        Some(ts("2026-01-01T11:00:00Z"))
    );
    let e = parse("@every 1h30m").unwrap();
    assert_eq!(
        e.next_after(ts("2026-01-01T10:00:00Z"), &TimeZone::UTC),
        Some(ts("2026-01-01T11:30:00Z"))
    );
    let y = parse("@yearly").unwrap();
    assert_eq!(
        y.next_after(ts("2026-03-01T00:00:00Z"), &TimeZone::UTC),
        Some(ts("2027-01-01T00:00:00Z"))
    );
}

#[test]
fn day_of_month_or_day_of_week() {
    // Both restricted: either matches (the 13th, or any Friday).
    let s = parse("0 0 13 * 5").unwrap();
    assert_eq!(
        s.next_after(ts("2026-01-01T00:00:00Z"), &TimeZone::UTC),
        Some(ts("2026-01-02T00:00:00Z")),
        "Friday the 2nd"
    );
    // Only day of month restricted: the 13th.
    let s = parse("0 0 13 * *").unwrap();
    assert_eq!(
        s.next_after(ts("2026-01-01T00:00:00Z"), &TimeZone::UTC),
        Some(ts("2026-01-13T00:00:00Z"))
    );
}

#[test]
fn time_zones_from_the_prefix_or_the_field() {
    let s = parse("CRON_TZ=Europe/Berlin 0 9 * * *").unwrap();
    let zone = s.zone(None).unwrap();
    // 09:00 in Berlin in winter is 08:00 UTC.
    assert_eq!(
        s.next_after(ts("2026-01-01T10:00:00Z"), &zone),
        Some(ts("2026-01-02T08:00:00Z"))
    );
    let s = parse("TZ=Asia/Tokyo 30 6 * * *").unwrap();
    assert_eq!(s.prefix_zone.as_deref(), Some("Asia/Tokyo"));
    let plain = parse("0 9 * * *").unwrap();
    let berlin = plain.zone(Some("Europe/Berlin")).unwrap();
    assert_eq!(
        plain.next_after(ts("2026-07-01T10:00:00Z"), &berlin),
        Some(ts("2026-07-02T07:00:00Z")),
        "summer time"
    );
    assert!(parse("CRON_TZ=Mars/Olympus 0 9 * * *").is_err());
}

#[test]
fn invalid_schedules_say_why() {
    for (bad, why) in [
        ("* * * *", "exactly 5 fields"),
        ("61 * * * *", "above the maximum 59"),
        ("0 0 * * 7", "above the maximum 6"),
        ("0 0 0 * *", "below the minimum 1"),
        ("*/0 * * * *", "must be positive"),
        ("5-1 * * * *", "starts after it ends"),
        ("0 0 * * FUNDAY", "not a number or a name"),
        ("@fortnightly", "unrecognized descriptor"),
        ("@every soon", "invalid duration"),
        ("", "empty"),
    ] {
        let e = parse(bad).unwrap_err();
        assert!(e.contains(why), "{bad:?}: {e}");
    }
}

#[test]
fn impossible_dates_never_run_and_runs_are_counted() {
    let s = parse("0 0 30 2 *").unwrap();
    assert_eq!(
        s.next_after(ts("2026-01-01T00:00:00Z"), &TimeZone::UTC),
        None
    );
    let s = parse("0 * * * *").unwrap();
    let runs = s.runs_between(
        ts("2026-01-01T00:00:00Z"),
        ts("2026-01-01T05:30:00Z"),
        &TimeZone::UTC,
        100,
    );
    assert_eq!(runs.len(), 5);
    assert_eq!(go_duration("1.5h"), Some(5400));
}

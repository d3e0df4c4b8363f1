//! CronJob schedules as the CronJob controller reads them: the standard 5-field format
//! (`minute hour day-of-month month day-of-week`, with `*`, `?`, ranges, steps, lists and the
//! `JAN`–`DEC` / `SUN`–`SAT` names), the `@yearly` … `@hourly` and `@every <duration>` macros,
//! and an optional `CRON_TZ=` or `TZ=` prefix. Computes the next run after a time in a time
//! zone, so missed runs can be told from `status.lastScheduleTime`.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// A parsed schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    kind: Kind,
    /// The zone named by a `CRON_TZ=`/`TZ=` prefix, if any.
    pub prefix_zone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Fields(Fields),
    /// `@every <duration>`, in seconds.
    Every(i64),
}

/// One bit per allowed value of each field.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Fields {
    minute: u64,
    hour: u64,
    dom: u64,
    month: u64,
    dow: u64,
    /// Day-of-month / day-of-week given as `*` or `?`: then both must match (otherwise
    /// either may, as in cron).
    dom_star: bool,
    dow_star: bool,
}

struct Bounds {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

const MINUTE: Bounds = Bounds {
    name: "minute",
    min: 0,
    max: 59,
    names: &[],
};
const HOUR: Bounds = Bounds {
    name: "hour",
    min: 0,
    max: 23,
    names: &[],
};
const DOM: Bounds = Bounds {
    name: "day of month",
    min: 1,
    max: 31,
    names: &[],
};
const MONTH: Bounds = Bounds {
    name: "month",
    min: 1,
    max: 12,
    names: &[
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ],
};
const DOW: Bounds = Bounds {
    name: "day of week",
    min: 0,
    max: 6,
    names: &["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
};

/// Parses a schedule; the error says what is wrong, in the words of the field.
pub fn parse(text: &str) -> Result<Schedule, String> {
    let mut rest = text.trim();
    let mut prefix_zone = None;
    for prefix in ["CRON_TZ=", "TZ="] {
        if let Some(after) = rest.strip_prefix(prefix) {
            let (zone, tail) = after.split_once(char::is_whitespace).unwrap_or((after, ""));
            if TimeZone::get(zone).is_err() {
                return Err(format!("unknown time zone {zone:?} in the {prefix} prefix"));
            }
            prefix_zone = Some(zone.to_string());
            rest = tail.trim();
            break;
        }
    }
    if rest.is_empty() {
        return Err("the schedule is empty".to_string());
    }
    let kind = if let Some(macro_) = rest.strip_prefix('@') {
        macro_kind(macro_)?
    } else {
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.len() != 5 {
            return Err(format!(
                "expected exactly 5 fields (minute hour day-of-month month day-of-week), found {}: {rest:?}",
                fields.len()
            ));
        }
        Kind::Fields(Fields {
            minute: field(fields[0], &MINUTE)?,
            hour: field(fields[1], &HOUR)?,
            dom: field(fields[2], &DOM)?,
            month: field(fields[3], &MONTH)?,
            dow: field(fields[4], &DOW)?,
            dom_star: fields[2] == "*" || fields[2] == "?",
            dow_star: fields[4] == "*" || fields[4] == "?",
        })
    };
    Ok(Schedule { kind, prefix_zone })
}

fn macro_kind(name: &str) -> Result<Kind, String> {
    let standard = |m: &str| parse(m).map(|s| s.kind);
    match name.to_ascii_lowercase().as_str() {
        "yearly" | "annually" => standard("0 0 1 1 *"),
        "monthly" => standard("0 0 1 * *"),
        "weekly" => standard("0 0 * * 0"),
        "daily" | "midnight" => standard("0 0 * * *"),
        "hourly" => standard("0 * * * *"),
        other => match other.strip_prefix("every ") {
            Some(d) => {
                let secs = go_duration(d.trim())
                    .ok_or_else(|| format!("invalid duration {:?} in @every", d.trim()))?;
                if secs <= 0 {
                    return Err(format!(
                        "@every needs a positive duration, not {:?}",
                        d.trim()
                    ));
                }
                Ok(Kind::Every(secs))
            }
            None => Err(format!("unrecognized descriptor @{name}")),
        },
    }
}

/// A Go duration (`1h30m`, `90s`, `1.5h`) in whole seconds.
fn go_duration(text: &str) -> Option<i64> {
    let mut total = 0f64;
    let mut rest = text;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest.get(..num_len)?.parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let scale = match unit {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += number * scale;
    }
    Some(total.round() as i64)
}

fn value(text: &str, b: &Bounds) -> Result<u32, String> {
    let lower = text.to_ascii_lowercase();
    if let Some(i) = b.names.iter().position(|n| *n == lower) {
        return Ok(b.min + i as u32);
    }
    text.parse::<u32>().map_err(|_| {
        format!(
            "{:?} is not a number or a name in the {} field",
            text, b.name
        )
    })
}

/// One comma-separated field into its bit set.
fn field(text: &str, b: &Bounds) -> Result<u64, String> {
    let mut bits = 0u64;
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => {
                let step: u32 = s.parse().map_err(|_| {
                    format!("the step {s:?} in the {} field is not a number", b.name)
                })?;
                if step == 0 {
                    return Err(format!("the step in the {} field must be positive", b.name));
                }
                (r, Some(step))
            }
            None => (part, None),
        };
        let (start, end) = if range == "*" || range == "?" {
            (b.min, b.max)
        } else if let Some((lo, hi)) = range.split_once('-') {
            (value(lo, b)?, value(hi, b)?)
        } else {
            let v = value(range, b)?;
            // `5/15` runs from 5 to the end of the range.
            (v, if step.is_some() { b.max } else { v })
        };
        if start < b.min {
            return Err(format!(
                "{start} is below the minimum {} of the {} field",
                b.min, b.name
            ));
        }
        if end > b.max {
            return Err(format!(
                "{end} is above the maximum {} of the {} field",
                b.max, b.name
            ));
        }
        if start > end {
            return Err(format!(
                "the range {start}-{end} of the {} field starts after it ends",
                b.name
            ));
        }
        let step = step.unwrap_or(1);
        let mut v = start;
        while v <= end {
            bits |= 1 << v;
            v += step;
        }
    }
    Ok(bits)
}

impl Fields {
    fn day_matches(&self, dt: DateTime) -> bool {
        let dom = self.dom & (1 << dt.day()) != 0;
        let dow = self.dow & (1 << dt.weekday().to_sunday_zero_offset()) != 0;
        if self.dom_star || self.dow_star {
            dom && dow
        } else {
            dom || dow
        }
    }

    /// The first matching minute strictly after `from` (civil time), within five years.
    fn next(&self, from: DateTime) -> Option<DateTime> {
        let mut t = from
            .date()
            .at(from.hour(), from.minute(), 0, 0)
            .checked_add(1.minute())
            .ok()?;
        let limit = from.year() + 5;
        while t.year() <= limit {
            if self.month & (1 << t.month()) == 0 {
                t = t
                    .date()
                    .first_of_month()
                    .checked_add(1.month())
                    .ok()?
                    .at(0, 0, 0, 0);
                continue;
            }
            if !self.day_matches(t) {
                t = t.date().checked_add(1.day()).ok()?.at(0, 0, 0, 0);
                continue;
            }
            if self.hour & (1 << t.hour()) == 0 {
                t = t.date().at(t.hour(), 0, 0, 0).checked_add(1.hour()).ok()?;
                continue;
            }
            if self.minute & (1 << t.minute()) == 0 {
                t = t.checked_add(1.minute()).ok()?;
                continue;
            }
            return Some(t);
        }
        None
    }
}

impl Schedule {
    /// The zone the schedule runs in: the prefix's, else `time_zone` (the CronJob's
    /// `spec.timeZone`), else UTC (the controller's zone in a usual control plane).
    pub fn zone(&self, time_zone: Option<&str>) -> Option<TimeZone> {
        match self.prefix_zone.as_deref().or(time_zone) {
            Some(name) => TimeZone::get(name).ok(),
            None => Some(TimeZone::UTC),
        }
    }

    /// The first run strictly after `after`; `None` if it never runs (e.g. February 30).
    pub fn next_after(&self, after: Timestamp, zone: &TimeZone) -> Option<Timestamp> {
        match &self.kind {
            Kind::Every(secs) => Timestamp::from_second(after.as_second() + secs).ok(),
            Kind::Fields(f) => {
                let local = after.to_zoned(zone.clone()).datetime();
                let next = f.next(local)?;
                let ts = zone.to_timestamp(next).ok()?;
                // A civil time skipped by a DST change can map back before `after`.
                if ts > after {
                    Some(ts)
                } else {
                    f.next(next).and_then(|n| zone.to_timestamp(n).ok())
                }
            }
        }
    }

    /// The runs due after `after` up to `now`, at most `cap` of them (the first ones).
    pub fn runs_between(
        &self,
        after: Timestamp,
        now: Timestamp,
        zone: &TimeZone,
        cap: usize,
    ) -> Vec<Timestamp> {
        let mut out = Vec::new();
        let mut t = after;
        while out.len() < cap {
            match self.next_after(t, zone) {
                Some(n) if n <= now => {
                    out.push(n);
                    t = n;
                }
                _ => break,
            }
        }
        out
    }
}

#[cfg(test)]
#[path = "cron_schedule_tests.rs"]
mod tests;

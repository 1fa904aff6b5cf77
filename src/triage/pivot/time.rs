//! Elastic date math (`now-48h`, `now-1d/d`, an RFC 3339 date) evaluated relative to the
//! alert's time instead of the wall clock, so a pivot opened weeks later still looks at
//! the hours around the alert.

use chrono::{DateTime, Datelike, Duration, Months, TimeZone, Timelike, Utc};

/// Which end of a range an expression is: rounding (`/d`) goes down for the start and up
/// to the last millisecond of the unit for the end, as Kibana does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeEnd {
    From,
    To,
}

/// Evaluates `expr` with `now` = `anchor_ms`. Returns `None` when the expression is not
/// understood (the caller reports it; nothing is guessed).
pub fn resolve(expr: &str, anchor_ms: i64, end: RangeEnd) -> Option<i64> {
    let expr = expr.trim();
    let Some(rest) = expr.strip_prefix("now") else {
        return DateTime::parse_from_rfc3339(expr)
            .ok()
            .map(|d| d.timestamp_millis());
    };
    let mut t = Utc.timestamp_millis_opt(anchor_ms).single()?;
    let mut chars = rest.char_indices().peekable();
    while let Some((_, op)) = chars.next() {
        match op {
            '+' | '-' => {
                let mut n: i64 = 0;
                let mut digits = 0;
                while let Some(&(_, c)) = chars.peek() {
                    let Some(d) = c.to_digit(10) else { break };
                    n = n.checked_mul(10)?.checked_add(i64::from(d))?;
                    digits += 1;
                    chars.next();
                }
                if digits == 0 {
                    n = 1;
                }
                let (_, unit) = chars.next()?;
                let signed = if op == '-' { -n } else { n };
                t = shift(t, signed, unit)?;
            }
            '/' => {
                let (_, unit) = chars.next()?;
                t = round(t, unit, end)?;
            }
            _ => return None,
        }
    }
    Some(t.timestamp_millis())
}

fn shift(t: DateTime<Utc>, n: i64, unit: char) -> Option<DateTime<Utc>> {
    let d = match unit {
        's' => Duration::try_seconds(n)?,
        'm' => Duration::try_minutes(n)?,
        'h' | 'H' => Duration::try_hours(n)?,
        'd' => Duration::try_days(n)?,
        'w' => Duration::try_weeks(n)?,
        'M' | 'y' => {
            let months = if unit == 'y' { n.checked_mul(12)? } else { n };
            let m = Months::new(u32::try_from(months.unsigned_abs()).ok()?);
            return if months >= 0 {
                t.checked_add_months(m)
            } else {
                t.checked_sub_months(m)
            };
        }
        _ => return None,
    };
    t.checked_add_signed(d)
}

fn round(t: DateTime<Utc>, unit: char, end: RangeEnd) -> Option<DateTime<Utc>> {
    let start = match unit {
        's' => t.with_nanosecond(0)?,
        'm' => t.with_nanosecond(0)?.with_second(0)?,
        'h' | 'H' => t.with_nanosecond(0)?.with_second(0)?.with_minute(0)?,
        'd' => Utc.from_utc_datetime(&t.date_naive().and_hms_opt(0, 0, 0)?),
        'w' => {
            let day = Utc.from_utc_datetime(&t.date_naive().and_hms_opt(0, 0, 0)?);
            day - Duration::days(i64::from(t.weekday().num_days_from_monday()))
        }
        'M' => Utc
            .with_ymd_and_hms(t.year(), t.month(), 1, 0, 0, 0)
            .single()?,
        'y' => Utc.with_ymd_and_hms(t.year(), 1, 1, 0, 0, 0).single()?,
        _ => return None,
    };
    match end {
        RangeEnd::From => Some(start),
        RangeEnd::To => {
            let next = shift(start, 1, unit)?;
            Some(next - Duration::milliseconds(1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANCHOR: i64 = 1_600_070_746_000; // 2020-09-14T08:05:46Z

    fn iso(ms: i64) -> String {
        Utc.timestamp_millis_opt(ms)
            .single()
            .unwrap()
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    }

    #[test]
    fn date_math_table() {
        let cases = [
            ("now", RangeEnd::To, "2020-09-14T08:05:46.000Z"),
            ("now-48h", RangeEnd::From, "2020-09-12T08:05:46.000Z"),
            ("now-15m", RangeEnd::From, "2020-09-14T07:50:46.000Z"),
            ("now+1d", RangeEnd::To, "2020-09-15T08:05:46.000Z"),
            ("now-1M", RangeEnd::From, "2020-08-14T08:05:46.000Z"),
            ("now/d", RangeEnd::From, "2020-09-14T00:00:00.000Z"),
            ("now/d", RangeEnd::To, "2020-09-14T23:59:59.999Z"),
            ("now-1d/d", RangeEnd::From, "2020-09-13T00:00:00.000Z"),
            (
                "2020-01-02T03:04:05Z",
                RangeEnd::From,
                "2020-01-02T03:04:05.000Z",
            ),
        ];
        for (expr, end, want) in cases {
            let got = resolve(expr, ANCHOR, end).map(iso);
            assert_eq!(got.as_deref(), Some(want), "{expr}");
        }
    }

    #[test]
    fn nonsense_is_rejected() {
        for bad in [
            "yesterday",
            "now-5x",
            "now-",
            "now*2h",
            "now-99999999999999999999y",
        ] {
            assert_eq!(resolve(bad, ANCHOR, RangeEnd::From), None, "{bad}");
        }
    }
}

//! Event time parsing and the canonical `@timestamp` rendering.
//!
//! Sources write times in several ways: RFC 3339 (EVTX SystemTime, ECS,
//! Defender with 7 fraction digits), naive `YYYY-MM-DD hh:mm:ss[.fff]` in UTC
//! (Sysmon UtcTime) or in the collector's local zone (NXLog EventTime).

use chrono::{DateTime, Datelike, NaiveDateTime, TimeZone, Timelike, Utc};

/// Parses RFC 3339, or a naive date-time taken as UTC. Returns epoch milliseconds.
pub fn parse_utc_ms(text: &str) -> Option<i64> {
    let t = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some(dt.timestamp_millis());
    }
    parse_naive(t).map(|n| Utc.from_utc_datetime(&n).timestamp_millis())
}

/// Parses `YYYY-MM-DD hh:mm:ss[.fraction]` (or with a `T`) without a zone.
pub fn parse_naive(t: &str) -> Option<NaiveDateTime> {
    let t = t.trim().trim_end_matches('Z');
    for fmt in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"] {
        if let Ok(n) = NaiveDateTime::parse_from_str(t, fmt) {
            return Some(n);
        }
    }
    None
}

/// RFC 3339 in UTC with millisecond precision, as stored in `@timestamp`.
pub fn format_ms(ms: i64) -> String {
    // Years 1970 to 9999, every real event, are written directly; chrono renders the
    // rest (signed or five-digit years) the same way it always did.
    if (0..=LAST_FOUR_DIGIT_MS).contains(&ms) {
        return format_four_digit_year(ms);
    }
    match Utc.timestamp_millis_opt(ms).single() {
        Some(dt) => dt.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        None => "1970-01-01T00:00:00.000Z".to_string(),
    }
}

/// 9999-12-31T23:59:59.999Z in epoch milliseconds.
const LAST_FOUR_DIGIT_MS: i64 = 253_402_300_799_999;

/// `YYYY-MM-DDThh:mm:ss.mmmZ` for a non-negative time with a four-digit year: chrono
/// does the calendar, the digits are written straight into a fixed buffer (its
/// formatter was a visible share of normalizing).
fn format_four_digit_year(ms: i64) -> String {
    let Some(dt) = DateTime::from_timestamp_millis(ms) else {
        return "1970-01-01T00:00:00.000Z".to_string();
    };
    let fields = [
        (dt.year().unsigned_abs(), 4, b'-'),
        (dt.month(), 2, b'-'),
        (dt.day(), 2, b'T'),
        (dt.hour(), 2, b':'),
        (dt.minute(), 2, b':'),
        (dt.second(), 2, b'.'),
        (dt.timestamp_subsec_millis(), 3, b'Z'),
    ];
    let mut out = [0u8; 24];
    let mut at = 0;
    for (value, width, separator) in fields {
        let mut rest = value;
        for slot in out[at..at + width].iter_mut().rev() {
            *slot = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        out[at + width] = separator;
        at += width + 1;
    }
    // Only ASCII digits and separators were written, so this never falls back.
    std::str::from_utf8(&out)
        .map(str::to_owned)
        .unwrap_or_default()
}

/// The UTC offset of a collector, from a local receive time and the UTC time
/// the same record reached the pipeline, rounded to the nearest quarter hour.
/// Returns milliseconds to add to local times, or `None` when implausible.
pub fn infer_offset_ms(local_received: &str, utc_ingested: &str) -> Option<i64> {
    let local = parse_naive(local_received)?;
    let local_ms = Utc.from_utc_datetime(&local).timestamp_millis();
    let utc_ms = DateTime::parse_from_rfc3339(utc_ingested.trim())
        .ok()?
        .timestamp_millis();
    const QUARTER: i64 = 15 * 60 * 1000;
    let diff = utc_ms - local_ms;
    let rounded = ((diff as f64) / QUARTER as f64).round() as i64 * QUARTER;
    // More than two minutes off the quarter hour means the two times are unrelated.
    ((diff - rounded).abs() <= 120_000 && rounded.abs() <= 14 * 3_600_000).then_some(rounded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_source_time_formats() {
        let cases = [
            ("2025-10-31T05:06:45.367278Z", 1_761_887_205_367),
            ("2022-11-09T17:59:52.6265786Z", 1_668_016_792_626),
            ("2020-09-14 12:06:02.316", 1_600_085_162_316),
            ("2020-09-14T12:06:02.316+02:00", 1_600_077_962_316),
        ];
        for (t, want) in cases {
            assert_eq!(parse_utc_ms(t), Some(want), "{t}");
        }
        assert_eq!(parse_utc_ms("yesterday"), None);
        assert_eq!(format_ms(1_600_085_162_316), "2020-09-14T12:06:02.316Z");
    }

    #[test]
    fn direct_rendering_is_chronos() {
        let chrono_ms = |ms: i64| {
            Utc.timestamp_millis_opt(ms)
                .single()
                .map(|dt| dt.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        };
        let mut cases = vec![
            0,
            1,
            999,
            86_399_999,
            86_400_000,
            951_782_400_000,   // 2000-02-29
            4_107_542_400_000, // 2100-03-01
            LAST_FOUR_DIGIT_MS,
            LAST_FOUR_DIGIT_MS + 1,
            -1,
            -62_167_219_200_001,
        ];
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            cases.push((x % (LAST_FOUR_DIGIT_MS as u64 + 1)) as i64);
        }
        for ms in cases {
            if let Some(expected) = chrono_ms(ms) {
                assert_eq!(format_ms(ms), expected, "{ms}");
            }
        }
    }

    #[test]
    fn infers_collector_offset() {
        assert_eq!(
            infer_offset_ms("2020-09-14 08:06:02", "2020-09-14T12:06:02.743Z"),
            Some(4 * 3_600_000)
        );
        assert_eq!(
            infer_offset_ms("2020-09-14 08:06:02", "2020-09-14T08:36:02.000Z"),
            Some(30 * 60_000)
        );
        assert_eq!(
            infer_offset_ms("2020-09-14 08:06:02", "2020-09-14T08:13:02Z"),
            None
        );
    }
}

//! Sigma 2.1 time modifiers (`minute`, `hour`, `day`, `week`, `month`, `year`): the field
//! is read as a timestamp and one calendar part of it is compared with the rule's number
//! (equality, or `gt`/`gte`/`lt`/`lte` when combined with them).
//!
//! Accepted field values: RFC 3339 (`2026-03-02T22:15:00Z`, offsets converted to UTC) and
//! the naive forms Windows writes (`2026-03-02 22:15:00.123`, Sysmon's `UtcTime`, or with
//! a `T`), read as UTC. Anything else is not a timestamp and fails the test.

use super::modifiers::CmpOp;
use chrono::{DateTime, Datelike, NaiveDateTime, Timelike, Utc};

/// Which part of a timestamp a time modifier extracts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimePart {
    /// 0-59.
    Minute,
    /// 0-23.
    Hour,
    /// Day of the month, 1-31.
    Day,
    /// ISO 8601 week of the year, 1-53.
    Week,
    /// 1-12.
    Month,
    Year,
}

impl TimePart {
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "minute" => TimePart::Minute,
            "hour" => TimePart::Hour,
            "day" => TimePart::Day,
            "week" => TimePart::Week,
            "month" => TimePart::Month,
            "year" => TimePart::Year,
            _ => return None,
        })
    }

    fn of(self, t: &NaiveDateTime) -> i64 {
        i64::from(match self {
            TimePart::Minute => t.minute(),
            TimePart::Hour => t.hour(),
            TimePart::Day => t.day(),
            TimePart::Week => t.iso_week().week(),
            TimePart::Month => t.month(),
            TimePart::Year => return i64::from(t.year()),
        })
    }
}

/// One value of a time-modified field: the part, the comparison, the rule's number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeTest {
    pub part: TimePart,
    /// `None`: equality.
    pub op: Option<CmpOp>,
    pub value: i64,
}

impl TimeTest {
    pub fn matches(&self, text: &str) -> bool {
        let Some(t) = parse_timestamp(text) else {
            return false;
        };
        let x = self.part.of(&t);
        match self.op {
            None => x == self.value,
            Some(CmpOp::Gt) => x > self.value,
            Some(CmpOp::Gte) => x >= self.value,
            Some(CmpOp::Lt) => x < self.value,
            Some(CmpOp::Lte) => x <= self.value,
        }
    }
}

/// A field value as a UTC timestamp, if it is one of the accepted forms.
pub fn parse_timestamp(text: &str) -> Option<NaiveDateTime> {
    let t = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some(dt.with_timezone(&Utc).naive_utc());
    }
    ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_of_accepted_forms() {
        let cases: &[(&str, [i64; 6])] = &[
            ("2026-03-02T22:15:07.824Z", [15, 22, 2, 10, 3, 2026]),
            ("2026-03-02 22:15:07.824", [15, 22, 2, 10, 3, 2026]),
            ("2026-03-02T22:15:07", [15, 22, 2, 10, 3, 2026]),
            // Offsets are converted to UTC: the day and week change here.
            ("2026-03-02T01:30:00+02:00", [30, 23, 1, 9, 3, 2026]),
            // ISO week 53 of 2020 runs into January 2021.
            ("2021-01-01T00:00:00Z", [0, 0, 1, 53, 1, 2021]),
        ];
        let parts = [
            TimePart::Minute,
            TimePart::Hour,
            TimePart::Day,
            TimePart::Week,
            TimePart::Month,
            TimePart::Year,
        ];
        for (text, want) in cases {
            for (part, want) in parts.iter().zip(want) {
                let eq = TimeTest {
                    part: *part,
                    op: None,
                    value: *want,
                };
                assert!(eq.matches(text), "{part:?} of {text} should be {want}");
                let other = TimeTest {
                    value: want + 1,
                    ..eq
                };
                assert!(
                    !other.matches(text),
                    "{part:?} of {text} is not {}",
                    want + 1
                );
            }
        }
    }

    #[test]
    fn comparisons_and_non_timestamps() {
        let at = |op, value| TimeTest {
            part: TimePart::Hour,
            op: Some(op),
            value,
        };
        let late = "2026-03-02T22:15:00Z";
        assert!(at(CmpOp::Gte, 22).matches(late));
        assert!(!at(CmpOp::Gt, 22).matches(late));
        assert!(at(CmpOp::Lt, 23).matches(late));
        assert!(at(CmpOp::Lte, 22).matches(late));
        assert!(!at(CmpOp::Lt, 6).matches(late));
        for junk in ["", "22", "yesterday", "2026-13-02T00:00:00Z", "2026-03-02"] {
            assert!(!at(CmpOp::Gte, 0).matches(junk), "{junk:?}");
        }
    }
}

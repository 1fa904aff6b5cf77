//! Range comparisons (`field > 10`, `@timestamp >= "2024-01-01"`).
//!
//! Without the index mapping, the stored value's JSON type decides: numbers compare
//! numerically, strings that read as dates compare as instants when the bound is a
//! date, and other strings compare lexicographically, as a keyword range does.

use chrono::{DateTime, NaiveDate};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeOp {
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RangeBound {
    pub op: RangeOp,
    pub text: String,
    pub number: Option<f64>,
    pub date_ms: Option<i64>,
}

impl RangeBound {
    pub fn new(op: RangeOp, text: String) -> Self {
        let number = text.trim().parse::<f64>().ok().filter(|n| n.is_finite());
        let date_ms = parse_date_ms(&text);
        RangeBound {
            op,
            text,
            number,
            date_ms,
        }
    }

    pub fn matches(&self, v: &Value) -> bool {
        match v {
            Value::Number(n) => match (n.as_f64(), self.number) {
                (Some(a), Some(b)) => self.holds(a.partial_cmp(&b)),
                _ => false,
            },
            Value::String(s) => {
                if let Some(bound) = self.date_ms
                    && self.number.is_none()
                    && let Some(t) = parse_date_ms(s)
                {
                    return self.holds(Some(t.cmp(&bound)));
                }
                self.holds(Some(s.as_str().cmp(self.text.as_str())))
            }
            _ => false,
        }
    }

    fn holds(&self, ord: Option<std::cmp::Ordering>) -> bool {
        use std::cmp::Ordering::{Greater, Less};
        let Some(o) = ord else { return false };
        match self.op {
            RangeOp::Lt => o == Less,
            RangeOp::Le => o != Greater,
            RangeOp::Gt => o == Greater,
            RangeOp::Ge => o != Less,
        }
    }
}

/// RFC 3339 instants and plain `YYYY-MM-DD` dates (midnight UTC), in ms.
pub fn parse_date_ms(text: &str) -> Option<i64> {
    let t = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some(dt.timestamp_millis());
    }
    let date = NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()?;
    Some(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis())
}

//! Rendering an events pivot as a tantivy query string over ECS field names.
//!
//! Values are always quoted and escaped, so a value taken from attacker-controlled event
//! data cannot change the query's structure.

use super::{ClauseTest, Pivot};
use chrono::{SecondsFormat, TimeZone, Utc};

/// The time field every event carries (see the event contract).
pub const TIME_FIELD: &str = "@timestamp";

/// `(a:"x" AND b:"y") OR (c:*) AND @timestamp:[from TO to]`, or `None` when the pivot has
/// no resolvable group.
pub fn events_query(pivot: &Pivot) -> Option<String> {
    events_query_mapped(pivot, &|f| f.to_string())
}

/// Like [`events_query`], with every field name (including [`TIME_FIELD`]) passed
/// through `field`, for an index that stores ECS under a prefix or other names.
pub fn events_query_mapped(pivot: &Pivot, field: &dyn Fn(&str) -> String) -> Option<String> {
    if !pivot.is_runnable() {
        return None;
    }
    let groups: Vec<String> = pivot
        .clauses
        .iter()
        .map(|g| render_group(g, field))
        .collect();
    let mut q = if groups.len() == 1 {
        groups.into_iter().next().unwrap_or_default()
    } else {
        format!("({})", groups.join(" OR "))
    };
    if pivot.from_ms.is_some() || pivot.to_ms.is_some() {
        let lo = pivot.from_ms.map_or_else(|| "*".to_string(), iso);
        let hi = pivot.to_ms.map_or_else(|| "*".to_string(), iso);
        q.push_str(&format!(" AND {}:[{lo} TO {hi}]", field(TIME_FIELD)));
    }
    Some(q)
}

fn render_group(group: &[super::Clause], field: &dyn Fn(&str) -> String) -> String {
    let mut parts = Vec::with_capacity(group.len() + 1);
    if group.iter().all(|c| c.excluded) {
        // A purely negative conjunction needs something to subtract from.
        parts.push("*".to_string());
    }
    for c in group {
        let test = match &c.test {
            ClauseTest::Exists => format!("{}:*", field(&c.field)),
            ClauseTest::Equals(v) => format!("{}:{}", field(&c.field), quote(v)),
        };
        parts.push(if c.excluded {
            format!("NOT {test}")
        } else {
            test
        });
    }
    format!("({})", parts.join(" AND "))
}

/// Double-quotes `v`, escaping backslashes and quotes.
pub fn quote(v: &str) -> String {
    let mut out = String::with_capacity(v.len() + 2);
    out.push('"');
    for c in v.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// RFC 3339 UTC, with milliseconds only when there are some.
pub fn iso(ms: i64) -> String {
    let Some(t) = Utc.timestamp_millis_opt(ms).single() else {
        return ms.to_string();
    };
    let format = if ms.rem_euclid(1000) == 0 {
        SecondsFormat::Secs
    } else {
        SecondsFormat::Millis
    };
    t.to_rfc3339_opts(format, true)
}

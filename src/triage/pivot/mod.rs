//! Pivots: the queries an investigation step carries, resolved against one alert.
//!
//! A guide's `!{investigate{...}}` markup is read into a [`PivotSpec`]; [`resolve`] fills
//! its `{{field}}` references from the alert's event and turns its relative time range
//! into absolute bounds around the alert's time. The result either renders as an index
//! query ([`query::events_query`]) or is evaluated over alerts ([`alerts::matching`]).

pub mod alerts;
pub mod query;
pub mod spec;
pub mod time;

use crate::model::{Alert, Event};
use serde::{Deserialize, Serialize};
pub use spec::{PivotSpec, PivotTarget, ProviderSpec, QueryType};

/// What one clause asks of its field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", content = "value", rename_all = "snake_case")]
pub enum ClauseTest {
    Equals(String),
    Exists,
}

/// `field = value`, `field exists`, or their negation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clause {
    pub field: String,
    pub test: ClauseTest,
    pub excluded: bool,
}

/// A pivot ready to run: OR of AND-groups over concrete values, within a time range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pivot {
    pub label: String,
    pub description: Option<String>,
    pub target: PivotTarget,
    /// OR of AND-groups. Empty when no group could be resolved: the pivot cannot run.
    pub clauses: Vec<Vec<Clause>>,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    /// Why some groups or bounds were dropped, worded for the analyst.
    pub problems: Vec<String>,
}

impl Pivot {
    /// Whether at least one AND-group survived resolution.
    pub fn is_runnable(&self) -> bool {
        !self.clauses.is_empty()
    }
}

/// Resolves `spec` for `alert`, reading `{{field}}` values from `event` (the alert's first
/// matched event) and then from the alert itself.
///
/// An AND-group with a reference that has no value, an unsupported query type or a bad
/// field name is dropped whole (dropping only the clause would widen the query silently);
/// the reason is recorded in [`Pivot::problems`].
pub fn resolve(spec: &PivotSpec, alert: &Alert, event: Option<&Event>) -> Pivot {
    let mut problems = Vec::new();
    let mut clauses = Vec::new();
    for group in &spec.providers {
        match resolve_group(group, alert, event) {
            Ok(g) if !g.is_empty() => clauses.push(g),
            Ok(_) => {}
            Err(why) => problems.push(why),
        }
    }
    let anchor = alert.timestamp_ms;
    let mut bound = |expr: &Option<String>, end: time::RangeEnd| {
        let e = expr.as_deref()?;
        let t = time::resolve(e, anchor, end);
        if t.is_none() {
            problems.push(format!(
                "time bound `{e}` is not understood (use forms like `now-48h`, `now`, `now-1d/d` or an RFC 3339 date); the range is left open"
            ));
        }
        t
    };
    let from_ms = bound(&spec.relative_from, time::RangeEnd::From);
    let to_ms = bound(&spec.relative_to, time::RangeEnd::To);
    Pivot {
        label: spec.label.clone(),
        description: spec.description.clone(),
        target: spec.target,
        clauses,
        from_ms,
        to_ms,
        problems,
    }
}

fn resolve_group(
    group: &[ProviderSpec],
    alert: &Alert,
    event: Option<&Event>,
) -> Result<Vec<Clause>, String> {
    let mut out = Vec::with_capacity(group.len());
    for p in group {
        if !is_field_name(&p.field) {
            return Err(format!(
                "field name `{}` is not a valid ECS field name; its group is skipped",
                p.field
            ));
        }
        let test = match &p.query_type {
            QueryType::Exists => ClauseTest::Exists,
            QueryType::Phrase => ClauseTest::Equals(substitute(&p.value, alert, event)?),
            QueryType::Unsupported(t) => {
                return Err(format!(
                    "query type `{t}` on `{}` is not supported (use \"phrase\" or \"exists\"); its group is skipped",
                    p.field
                ));
            }
        };
        out.push(Clause {
            field: p.field.clone(),
            test,
            excluded: p.excluded,
        });
    }
    Ok(out)
}

/// ECS-style names only: letters, digits, `_`, `.`, `@`, `-`; keeps query text well-formed.
pub fn is_field_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '@' | '-'))
}

/// Replaces every `{{field}}` in `template` with the field's value.
fn substitute(template: &str, alert: &Alert, event: Option<&Event>) -> Result<String, String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return Ok(out);
        };
        let field = after[..end].trim();
        match lookup(field, alert, event) {
            Some(v) => out.push_str(&v),
            None => {
                return Err(format!(
                    "this alert has no value for `{field}`, so the group using it is skipped"
                ));
            }
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

fn lookup(field: &str, alert: &Alert, event: Option<&Event>) -> Option<String> {
    // Kibana templates often say `kibana.alert.original_event.x` or `signal.original_event.x`.
    let bare = field
        .strip_prefix("kibana.alert.original_event.")
        .or_else(|| field.strip_prefix("signal.original_event."))
        .map(|f| format!("event.{f}"));
    let candidates = [Some(field), bare.as_deref()];
    for f in candidates.into_iter().flatten() {
        if let Some(ev) = event {
            let mut first = None;
            crate::model::fields::for_each_scalar(&ev.doc, f, &mut |v| {
                if first.is_none() {
                    first = crate::model::fields::scalar_text(v);
                }
            });
            if first.is_some() {
                return first;
            }
        }
    }
    alerts::alert_values(alert, field)
        .into_iter()
        .next()
        .map(|v| v.into_owned())
}

#[cfg(test)]
mod tests;

//! A compiled EQL query: event filters (category + condition), sequence and sample
//! specifications with their join keys, and the pipes. Compiling happens once; matching an
//! event against a filter reads the event without allocating.

use super::ast::{self, Body, FieldRef, Pipe};
use super::compile_cond::compile_condition;
use super::cond::{Cond, FieldPath};
use super::conjunct_order::cheapest_first;
use super::doc_view::DocView;
use super::error::EqlError;
use super::parser::parse;
use crate::model::{Event, fields};
use serde_json::Value;

/// One `category where condition` filter.
#[derive(Debug)]
pub struct Filter {
    /// `None` for `any`.
    pub category: Option<String>,
    pub cond: Cond,
}

impl Filter {
    fn compile(q: &ast::EventQuery) -> Result<Filter, EqlError> {
        let mut cond = compile_condition(&q.condition)?;
        cheapest_first(&mut cond);
        Ok(Filter {
            category: q.category.clone(),
            cond,
        })
    }

    pub fn matches(&self, doc: &Value) -> bool {
        if let Some(cat) = &self.category
            && !has_category(doc, cat)
        {
            return false;
        }
        self.cond.eval(doc) == Some(true)
    }

    /// The condition alone, for an event already dispatched by its category.
    pub fn cond_holds(&self, doc: &mut DocView<'_, '_>) -> bool {
        self.cond.eval_in(doc) == Some(true)
    }
}

/// Exact, case-sensitive membership of `cat` in the multi-valued `event.category`.
pub fn has_category(doc: &Value, cat: &str) -> bool {
    match fields::get(doc, "event.category") {
        Some(Value::String(s)) => s == cat,
        Some(Value::Array(items)) => items.iter().any(|v| v.as_str() == Some(cat)),
        _ => false,
    }
}

/// A field reference or a condition of a query, for passes over the whole query.
pub(crate) enum Part<'x> {
    Field(&'x mut FieldPath),
    Cond(&'x mut Cond),
}

/// A join key field; `optional` (`?field`) lets a missing value join as null.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyField {
    pub field: FieldPath,
    pub optional: bool,
}

#[derive(Debug)]
pub struct Stage {
    pub filter: Filter,
    /// Sequence-level keys followed by the item's own keys.
    pub keys: Vec<KeyField>,
    /// `![...]`: no such event may occur in this position.
    pub missing: bool,
}

#[derive(Debug)]
pub struct SequenceSpec {
    pub stages: Vec<Stage>,
    pub until: Option<Stage>,
    pub maxspan_ms: Option<i64>,
}

#[derive(Debug)]
pub struct SampleSpec {
    pub stages: Vec<Stage>,
}

#[derive(Debug)]
pub enum Kind {
    Event(Filter),
    Sequence(SequenceSpec),
    Sample(SampleSpec),
}

/// A compiled EQL query, ready to evaluate.
#[derive(Debug)]
pub struct EqlQuery {
    pub(crate) kind: Kind,
    pub(crate) pipes: Vec<Pipe>,
    categories: Option<Vec<String>>,
    source: String,
    /// The rule's `timestamp_override` field: event time for windows, ordering and
    /// alerts, falling back to the event's own time when missing or unreadable.
    pub(crate) time_field: Option<FieldPath>,
}

/// Parses and compiles an EQL query (Elasticsearch dialect).
pub fn compile(source: &str) -> Result<EqlQuery, EqlError> {
    let q = parse(source)?;
    let kind = match &q.body {
        Body::Event(e) => Kind::Event(Filter::compile(e)?),
        Body::Sequence(s) => Kind::Sequence(SequenceSpec {
            stages: stages(&s.by, &s.items)?,
            until: match &s.until {
                Some(u) => Some(stage(&s.by, u)?),
                None => None,
            },
            maxspan_ms: s.maxspan_ms,
        }),
        Body::Sample(s) => Kind::Sample(SampleSpec {
            stages: stages(&s.by, &s.items)?,
        }),
    };
    let categories = categories_of(&kind);
    Ok(EqlQuery {
        kind,
        pipes: q.pipes,
        categories,
        source: source.to_string(),
        time_field: None,
    })
}

fn key_fields(refs: &[FieldRef]) -> Vec<KeyField> {
    refs.iter()
        .map(|f| KeyField {
            field: FieldPath::new(&f.path, f.index),
            optional: f.optional,
        })
        .collect()
}

fn stage(shared: &[FieldRef], item: &ast::SeqItem) -> Result<Stage, EqlError> {
    let mut keys = key_fields(shared);
    keys.extend(key_fields(&item.by));
    Ok(Stage {
        filter: Filter::compile(&item.query)?,
        keys,
        missing: item.missing,
    })
}

fn stages(shared: &[FieldRef], items: &[ast::SeqItem]) -> Result<Vec<Stage>, EqlError> {
    let mut out = Vec::new();
    for item in items {
        for _ in 0..item.runs {
            out.push(stage(shared, item)?);
        }
    }
    Ok(out)
}

fn categories_of(kind: &Kind) -> Option<Vec<String>> {
    let filters: Vec<&Filter> = match kind {
        Kind::Event(f) => vec![f],
        Kind::Sequence(s) => s
            .stages
            .iter()
            .chain(s.until.iter())
            .map(|st| &st.filter)
            .collect(),
        Kind::Sample(s) => s.stages.iter().map(|st| &st.filter).collect(),
    };
    let mut out: Vec<String> = Vec::new();
    for f in filters {
        let c = f.category.as_ref()?;
        if !out.contains(c) {
            out.push(c.clone());
        }
    }
    Some(out)
}

impl EqlQuery {
    /// Uses `field` (an Elastic rule's `timestamp_override`, such as `event.ingested`) as
    /// the event time, falling back to the event's own time when the field is missing.
    pub fn with_timestamp_override(mut self, field: Option<&str>) -> Self {
        self.time_field = field.map(|f| FieldPath::new(f, None));
        self
    }

    /// The query text it was compiled from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// True for sequences, samples and queries with pipes: they need the whole stream
    /// and are decided in `finish`.
    pub fn is_stateful(&self) -> bool {
        !matches!(self.kind, Kind::Event(_)) || !self.pipes.is_empty()
    }

    /// Whether a single event matches an event query (always false for sequences and
    /// samples; pipes are ignored here).
    pub fn matches(&self, event: &Event) -> bool {
        match &self.kind {
            Kind::Event(f) => f.matches(&event.doc),
            _ => false,
        }
    }

    /// The event categories this query can match (`None` = any category, because some
    /// filter is `any where`). Used to dispatch events to rules.
    pub fn categories(&self) -> Option<&[String]> {
        self.categories.as_deref()
    }

    /// Visits every field reference (keys, time field) and every condition, mutably.
    pub(crate) fn for_each_part_mut(&mut self, visit: &mut dyn FnMut(Part<'_>)) {
        if let Some(t) = &mut self.time_field {
            visit(Part::Field(t));
        }
        let stages: Vec<&mut Stage> = match &mut self.kind {
            Kind::Event(f) => {
                visit(Part::Cond(&mut f.cond));
                return;
            }
            Kind::Sequence(s) => s.stages.iter_mut().chain(s.until.iter_mut()).collect(),
            Kind::Sample(s) => s.stages.iter_mut().collect(),
        };
        for st in stages {
            visit(Part::Cond(&mut st.filter.cond));
            st.keys
                .iter_mut()
                .for_each(|k| visit(Part::Field(&mut k.field)));
        }
    }

    /// A sequence/sample item by filter index (`until` is the index after the items).
    pub(crate) fn stage(&self, filter: usize) -> Option<&Stage> {
        match &self.kind {
            Kind::Sequence(s) => s
                .stages
                .get(filter)
                .or_else(|| s.until.as_ref().filter(|_| filter == s.stages.len())),
            Kind::Sample(s) => s.stages.get(filter),
            Kind::Event(_) => None,
        }
    }

    pub(crate) fn filters(&self) -> Vec<&Filter> {
        match &self.kind {
            Kind::Event(f) => vec![f],
            Kind::Sequence(s) => s
                .stages
                .iter()
                .chain(s.until.iter())
                .map(|st| &st.filter)
                .collect(),
            Kind::Sample(s) => s.stages.iter().map(|st| &st.filter).collect(),
        }
    }
}

//! Evaluation of compiled detections against one stored document.
//!
//! Field values are read in place from the JSON document (computed values such as
//! `DOMAIN\user` are the only allocations, and only when the raw field is absent);
//! arrays match when any element matches; a missing field fails every test except
//! `null` and `exists: false`.

#[cfg(test)]
use super::compile::{CompiledDetection, CompiledField, Search};
#[cfg(test)]
use super::condition::Cond;
use super::doc_index::{DocIndex, IndexBuffers};
use super::fieldmap::{DocPath, FieldRef, SourceKind};
use super::matcher::{joined_strings, parse_number, scalar_str};
use super::memo::{EventMemo, MemoBuffers, Resolved};
use super::modifiers::{CmpOp, FieldTest, RefKind, ValueTest};
use serde_json::Value;
use std::borrow::Cow;
use std::cell::{Cell, OnceCell, RefCell};

/// The document being evaluated, its source kind, its memoized field lookups and its
/// computed values (each built at most once per event, however many rules read it).
pub struct EventCtx<'a> {
    pub doc: &'a Value,
    pub source: SourceKind,
    pub paths: DocIndex<'a>,
    computed: [OnceCell<Option<String>>; 3],
    /// Every string of the document, NUL-separated, built on first use by a keyword test
    /// (as stored, and ASCII-lowercased).
    joined: [RefCell<String>; 2],
    joined_ready: [Cell<bool>; 2],
    /// Answers of the rule set's shared items and fields on this event.
    pub memo: EventMemo<'a>,
}

/// Allocations an [`EventCtx`] hands to the next event.
#[derive(Default)]
pub struct CtxBuffers {
    index: IndexBuffers,
    joined: [String; 2],
    memo: MemoBuffers,
}

impl<'a> EventCtx<'a> {
    #[cfg(test)]
    pub fn new(doc: &'a Value, source: SourceKind) -> Self {
        Self::with_buffers(doc, source, CtxBuffers::default(), false, (0, 0))
    }

    /// A context that reuses another event's allocations; `eager` indexes the document
    /// before the first path lookup (see [`DocIndex::new`]); `shared` is the number of
    /// shared items and fields the memo has room for.
    pub fn with_buffers(
        doc: &'a Value,
        source: SourceKind,
        buffers: CtxBuffers,
        eager: bool,
        shared: (usize, usize),
    ) -> Self {
        let mut joined = buffers.joined;
        joined.iter_mut().for_each(String::clear);
        Self {
            doc,
            source,
            paths: DocIndex::new(doc, buffers.index, eager),
            computed: Default::default(),
            joined: joined.map(RefCell::new),
            joined_ready: Default::default(),
            memo: EventMemo::begin(buffers.memo, shared.0, shared.1),
        }
    }

    /// Hands the allocations back for the next event.
    pub fn into_buffers(self) -> CtxBuffers {
        CtxBuffers {
            index: self.paths.into_buffers(),
            joined: self.joined.map(RefCell::into_inner),
            memo: self.memo.into_buffers(),
        }
    }

    fn joined_strings(&self, lowered: bool) -> std::cell::Ref<'_, String> {
        let at = usize::from(lowered);
        if !self.joined_ready[at].get() {
            let mut out = self.joined[at].borrow_mut();
            joined_strings(self.doc, &mut out);
            if lowered {
                out.make_ascii_lowercase();
            }
            self.joined_ready[at].set(true);
        }
        self.joined[at].borrow()
    }

    fn computed(&self, slot: usize, build: fn(&DocIndex<'a>) -> Option<String>) -> Option<&str> {
        self.computed
            .get(slot)?
            .get_or_init(|| build(&self.paths))
            .as_deref()
    }

    /// A resolved field as a found value (computed slots are filled by [`resolve`]).
    pub fn found(&self, r: Resolved<'a>) -> Option<Found<'_>> {
        match r {
            Resolved::Absent => None,
            Resolved::Json(v) => Some(Found::Json(v)),
            Resolved::Computed(slot) => self
                .computed
                .get(usize::from(slot))?
                .get()?
                .as_deref()
                .map(Found::Computed),
            Resolved::Fixed(s) => Some(Found::Computed(s)),
        }
    }
}

/// A found field value: in the document, or computed.
pub enum Found<'a> {
    Json(&'a Value),
    Computed(&'a str),
}

/// The plain evaluation of one detection, field by field without the shared memo: the
/// reference the shared path ([`super::shared`]) is tested against.
#[cfg(test)]
pub fn matches(det: &CompiledDetection, ctx: &EventCtx<'_>) -> bool {
    eval_cond(&det.cond, det, ctx)
}

#[cfg(test)]
fn eval_cond(c: &Cond, det: &CompiledDetection, ctx: &EventCtx<'_>) -> bool {
    match c {
        Cond::Ident(i) => det.searches.get(*i).is_some_and(|s| eval_search(s, ctx)),
        Cond::Not(inner) => !eval_cond(inner, det, ctx),
        Cond::And(items) => items.iter().all(|i| eval_cond(i, det, ctx)),
        Cond::Or(items) => items.iter().any(|i| eval_cond(i, det, ctx)),
    }
}

#[cfg(test)]
fn eval_search(s: &Search, ctx: &EventCtx<'_>) -> bool {
    match s {
        Search::And(fields) => fields.iter().all(|f| eval_field(f, ctx)),
        Search::Or(items) => items.iter().any(|i| eval_search(i, ctx)),
    }
}

/// Resolves a mapped field: the first candidate path present in the document.
pub fn lookup<'c>(field: &FieldRef, ctx: &'c EventCtx<'_>) -> Option<Found<'c>> {
    ctx.found(resolve(field, ctx))
}

/// [`lookup`] without borrowing the context: what the per-event memo keeps.
pub fn resolve<'a>(field: &FieldRef, ctx: &EventCtx<'a>) -> Resolved<'a> {
    resolve_hashed(field, &[], ctx)
}

/// [`resolve`] with the path hashes of `field.per_source[ctx.source]` when precomputed
/// (aligned with it; an empty slice when not).
pub fn resolve_hashed<'a>(field: &FieldRef, hashes: &[u64], ctx: &EventCtx<'a>) -> Resolved<'a> {
    for (i, p) in field.per_source[ctx.source as usize].iter().enumerate() {
        let found = match p {
            DocPath::Path(path) => ctx
                .paths
                .get_hashed(path, hashes.get(i).copied())
                .map(Resolved::Json),
            DocPath::EcsUser => ctx.computed(0, ecs_user).map(|_| Resolved::Computed(0)),
            DocPath::SubjectUser => ctx.computed(1, subject_user).map(|_| Resolved::Computed(1)),
            DocPath::EcsHashes => ctx.computed(2, ecs_hashes).map(|_| Resolved::Computed(2)),
            DocPath::MandatoryLabel => mandatory_label(&ctx.paths).map(Resolved::Fixed),
        };
        if let Some(found) = found {
            return found;
        }
    }
    Resolved::Absent
}

/// The first string at `path` (the value, or an array's first string), as
/// `fields::first_str` reads it, through the event's path index.
fn first_str<'a>(paths: &DocIndex<'a>, path: &str) -> Option<&'a str> {
    match paths.get(path)? {
        Value::String(s) => Some(s.as_str()),
        Value::Array(items) => items.iter().find_map(Value::as_str),
        _ => None,
    }
}

fn ecs_user(paths: &DocIndex<'_>) -> Option<String> {
    let name = first_str(paths, "user.name")?;
    Some(match first_str(paths, "user.domain") {
        Some(d) if !d.is_empty() => format!("{d}\\{name}"),
        _ => name.to_string(),
    })
}

fn subject_user(paths: &DocIndex<'_>) -> Option<String> {
    let name = first_str(paths, "winlog.event_data.SubjectUserName")?;
    Some(
        match first_str(paths, "winlog.event_data.SubjectDomainName") {
            Some(d) if !d.is_empty() && d != "-" => format!("{d}\\{name}"),
            _ => name.to_string(),
        },
    )
}

fn ecs_hashes(paths: &DocIndex<'_>) -> Option<String> {
    let mut out = String::new();
    for (label, path) in [
        ("SHA1", "process.hash.sha1"),
        ("MD5", "process.hash.md5"),
        ("SHA256", "process.hash.sha256"),
        ("IMPHASH", "process.pe.imphash"),
    ] {
        if let Some(v) = first_str(paths, path) {
            if !out.is_empty() {
                out.push(',');
            }
            out.push_str(label);
            out.push('=');
            out.extend(v.chars().map(|c| c.to_ascii_uppercase()));
        }
    }
    if out.is_empty() { None } else { Some(out) }
}

fn mandatory_label(paths: &DocIndex<'_>) -> Option<&'static str> {
    let sid = first_str(paths, "winlog.event_data.MandatoryLabel")?;
    Some(match sid.to_ascii_uppercase().as_str() {
        "S-1-16-0" => "Untrusted",
        "S-1-16-4096" => "Low",
        "S-1-16-8192" => "Medium",
        "S-1-16-8448" => "MediumPlus",
        "S-1-16-12288" => "High",
        "S-1-16-16384" => "System",
        "S-1-16-20480" => "Protected",
        _ => return None,
    })
}

/// Calls `f` on each scalar of a found value until it returns true.
fn any_scalar(found: &Found, f: &mut dyn FnMut(&Value, &str) -> bool) -> bool {
    match found {
        Found::Computed(s) => f(&Value::Null, s),
        Found::Json(v) => any_json(v, f),
    }
}

fn any_json(v: &Value, f: &mut dyn FnMut(&Value, &str) -> bool) -> bool {
    match v {
        Value::Array(items) => items.iter().any(|i| any_json(i, f)),
        Value::Object(_) | Value::Null => false,
        scalar => {
            let mut buf = [0u8; 40];
            match scalar_str(scalar, &mut buf) {
                Some(s) => f(scalar, s),
                None => false,
            }
        }
    }
}

fn is_null(found: &Option<Found>) -> bool {
    match found {
        None => true,
        Some(Found::Json(Value::Null)) => true,
        Some(Found::Json(Value::Array(a))) => a.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
fn eval_field(cf: &CompiledField, ctx: &EventCtx<'_>) -> bool {
    let Some(field) = &cf.field else {
        return eval_keywords(&cf.test, ctx);
    };
    field_result(&cf.test, &cf.refs, lookup(field, ctx), None, ctx)
}

/// A field test's answer given the field's value (`refs`: mapped `fieldref` fields,
/// aligned with `test.tests`; `lowered`: the ASCII-lowercased text when the value is
/// one string).
pub fn field_result(
    test: &FieldTest,
    refs: &[Option<FieldRef>],
    found: Option<Found<'_>>,
    lowered: Option<&str>,
    ctx: &EventCtx<'_>,
) -> bool {
    if test.negate {
        // `neq`: present, and no value equals any listed value.
        return !is_null(&found)
            && !test.tests.iter().enumerate().any(|(i, t)| match &found {
                Some(fv) => test_value(t, fv, refs.get(i).and_then(Option::as_ref), lowered, ctx),
                None => false,
            });
    }
    let mut results = test.tests.iter().enumerate().map(|(i, t)| match t {
        ValueTest::Null => is_null(&found),
        ValueTest::Exists(want) => is_null(&found) != *want,
        other => match &found {
            None => false,
            Some(fv) => test_value(
                other,
                fv,
                refs.get(i).and_then(Option::as_ref),
                lowered,
                ctx,
            ),
        },
    });
    if test.all {
        results.all(|r| r)
    } else {
        results.any(|r| r)
    }
}

fn test_value(
    t: &ValueTest,
    found: &Found,
    other: Option<&FieldRef>,
    lowered: Option<&str>,
    ctx: &EventCtx<'_>,
) -> bool {
    match t {
        ValueTest::Str(set) => match lowered {
            Some(lowered) => any_scalar(found, &mut |_, s| set.is_match_folded(s, lowered)),
            None => any_scalar(found, &mut |_, s| set.is_match(s)),
        },
        ValueTest::Regex(re) => any_scalar(found, &mut |_, s| re.is_match(s)),
        ValueTest::Cidr(nets) => any_scalar(found, &mut |_, s| {
            s.trim()
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| nets.iter().any(|n| n.contains(&ip)))
        }),
        ValueTest::Cmp(op, n) => any_scalar(found, &mut |v, s| {
            let x = v.as_f64().or_else(|| parse_number(s));
            x.is_some_and(|x| match op {
                CmpOp::Gt => x > *n,
                CmpOp::Gte => x >= *n,
                CmpOp::Lt => x < *n,
                CmpOp::Lte => x <= *n,
            })
        }),
        ValueTest::FieldRef { kind, cased, .. } => {
            let Some(other) = other.and_then(|o| lookup(o, ctx)) else {
                return false;
            };
            any_scalar(found, &mut |_, a| {
                any_scalar(&other, &mut |_, b| compare_ref(a, b, *kind, *cased))
            })
        }
        ValueTest::Time(t) => any_scalar(found, &mut |_, s| t.matches(s)),
        ValueTest::Null | ValueTest::Exists(_) => false,
    }
}

fn compare_ref(value: &str, reference: &str, kind: RefKind, cased: bool) -> bool {
    let (v, r): (Cow<str>, Cow<str>) = if cased {
        (Cow::Borrowed(value), Cow::Borrowed(reference))
    } else {
        (
            Cow::Owned(value.to_lowercase()),
            Cow::Owned(reference.to_lowercase()),
        )
    };
    match kind {
        RefKind::Equal => v == r,
        RefKind::Prefix => v.starts_with(r.as_ref()),
        RefKind::Suffix => v.ends_with(r.as_ref()),
        RefKind::Contains => v.contains(r.as_ref()),
    }
}

/// Keyword search over every string (and number) of the document.
pub fn eval_keywords(test: &FieldTest, ctx: &EventCtx<'_>) -> bool {
    let mut pass = test.tests.iter().map(|t| {
        if let ValueTest::Str(set) = t
            && let Some((ac, lowered)) = set.joinable_automaton()
        {
            return ac.is_match(ctx.joined_strings(lowered).as_str());
        }
        any_deep(ctx.doc, &mut |v, _| {
            test_value(t, &Found::Json(v), None, None, ctx)
        })
    });
    if test.all {
        pass.all(|r| r)
    } else {
        pass.any(|r| r)
    }
}

fn any_deep(v: &Value, f: &mut dyn FnMut(&Value, &str) -> bool) -> bool {
    match v {
        Value::Object(map) => map.values().any(|c| any_deep(c, f)),
        Value::Array(items) => items.iter().any(|c| any_deep(c, f)),
        Value::String(s) => f(v, s),
        _ => false,
    }
}

//! Detection items hash-consed across the whole rule set, evaluated through a per-event
//! memo.
//!
//! Many SigmaHQ rules repeat the same field tests (the same `Image|endswith` lists, the
//! same `OriginalFileName` values) and all of them read the same few fields. At build
//! time each distinct mapped field and each distinct field test gets an id; rules keep
//! their condition and refer to items by id, so on an event every distinct test runs at
//! most once and every field is resolved at most once, however many rules ask.

use super::compile::{CompiledDetection, Search};
use super::condition::Cond;
use super::doc_index::path_hash;
use super::eval::{self, EventCtx, Found};
use super::fieldmap::{DocPath, FieldRef, SOURCE_KINDS};
use super::memo::Resolved;
use super::modifiers::{FieldTest, ValueTest};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// One distinct field test.
#[derive(Debug)]
pub struct Item {
    /// Id of the mapped field; `None` for a keyword search.
    field: Option<u32>,
    test: Arc<FieldTest>,
    refs: Vec<Option<FieldRef>>,
    /// A case-insensitive string test reads the value ASCII-lowercased.
    folds: bool,
}

/// A search identifier's body over item ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanSearch {
    And(Vec<u32>),
    Or(Vec<PlanSearch>),
}

/// Every distinct field and field test of a rule set.
#[derive(Debug, Default)]
pub struct SharedItems {
    fields: Vec<FieldRef>,
    /// Per field and source kind, the path hash of each stored path (0 for computed).
    hashes: Vec<[Vec<u64>; SOURCE_KINDS]>,
    items: Vec<Item>,
}

/// Assigns ids while the rule set is built.
#[derive(Default)]
pub struct ItemsBuilder {
    shared: SharedItems,
    field_ids: HashMap<String, Vec<u32>>,
    item_ids: HashMap<String, u32>,
    key: String,
}

impl ItemsBuilder {
    /// The searches of `det` over shared item ids (aligned with `det.searches`).
    pub fn add(&mut self, det: &CompiledDetection) -> Vec<PlanSearch> {
        det.searches.iter().map(|s| self.search(s)).collect()
    }

    pub fn finish(self) -> SharedItems {
        self.shared
    }

    fn search(&mut self, s: &Search) -> PlanSearch {
        match s {
            Search::Or(items) => PlanSearch::Or(items.iter().map(|i| self.search(i)).collect()),
            Search::And(fields) => PlanSearch::And(
                fields
                    .iter()
                    .map(|f| self.item(f.field.as_ref(), &f.test, &f.refs))
                    .collect(),
            ),
        }
    }

    /// The shared id of a mapped field.
    pub fn field_id(&mut self, f: &FieldRef) -> u32 {
        let ids = self.field_ids.entry(f.name.clone()).or_default();
        if let Some(&id) = ids
            .iter()
            .find(|&&id| self.shared.fields[id as usize] == *f)
        {
            return id;
        }
        let id = u32::try_from(self.shared.fields.len()).unwrap_or(u32::MAX);
        self.shared.fields.push(f.clone());
        self.shared.hashes.push(f.per_source.clone().map(|paths| {
            paths
                .iter()
                .map(|p| match p {
                    DocPath::Path(path) => path_hash(path),
                    _ => 0,
                })
                .collect()
        }));
        ids.push(id);
        id
    }

    fn item(
        &mut self,
        field: Option<&FieldRef>,
        test: &Arc<FieldTest>,
        refs: &[Option<FieldRef>],
    ) -> u32 {
        let field = field.map(|f| self.field_id(f));
        let mut key = std::mem::take(&mut self.key);
        key.clear();
        // The mapped field is the field's id; `fieldref` targets go by their full mapping.
        key.push_str(&format!("{field:?}|{refs:?}|"));
        test.signature(&mut key);
        let id = match self.item_ids.get(&key) {
            Some(&id) => id,
            None => {
                let id = u32::try_from(self.shared.items.len()).unwrap_or(u32::MAX);
                self.shared.items.push(Item {
                    field,
                    test: test.clone(),
                    refs: refs.to_vec(),
                    folds: test
                        .tests
                        .iter()
                        .any(|t| matches!(t, ValueTest::Str(set) if !set.is_cased())),
                });
                self.item_ids.insert(key.clone(), id);
                id
            }
        };
        self.key = key;
        id
    }
}

impl SharedItems {
    /// Room the per-event memo needs: (items, fields).
    pub fn sizes(&self) -> (usize, usize) {
        (self.items.len(), self.fields.len())
    }

    /// Evaluates a rule's condition over its searches as item ids.
    pub fn matches(&self, cond: &Cond, searches: &[PlanSearch], ctx: &EventCtx<'_>) -> bool {
        match cond {
            Cond::Ident(i) => searches.get(*i).is_some_and(|s| self.search(s, ctx)),
            Cond::Not(inner) => !self.matches(inner, searches, ctx),
            Cond::And(items) => items.iter().all(|i| self.matches(i, searches, ctx)),
            Cond::Or(items) => items.iter().any(|i| self.matches(i, searches, ctx)),
        }
    }

    fn search(&self, s: &PlanSearch, ctx: &EventCtx<'_>) -> bool {
        match s {
            PlanSearch::And(ids) => ids.iter().all(|&id| self.item(id, ctx)),
            PlanSearch::Or(items) => items.iter().any(|i| self.search(i, ctx)),
        }
    }

    /// Field `id` on this event, resolved on first use.
    pub fn resolve<'a>(&self, id: u32, ctx: &EventCtx<'a>) -> Resolved<'a> {
        if let Some(r) = ctx.memo.field(id) {
            return r;
        }
        let Some(field) = self.fields.get(id as usize) else {
            return Resolved::Absent;
        };
        let hashes = self
            .hashes
            .get(id as usize)
            .map_or(&[][..], |h| h[ctx.source as usize].as_slice());
        let r = eval::resolve_hashed(field, hashes, ctx);
        ctx.memo.set_field(id, r);
        r
    }

    fn item(&self, id: u32, ctx: &EventCtx<'_>) -> bool {
        if let Some(answer) = ctx.memo.item(id) {
            return answer;
        }
        let Some(item) = self.items.get(id as usize) else {
            return false;
        };
        let answer = match item.field {
            None => eval::eval_keywords(&item.test, ctx),
            Some(f) => {
                let found = ctx.found(self.resolve(f, ctx));
                let text = match &found {
                    Some(Found::Json(Value::String(s))) => Some(s.as_str()),
                    Some(Found::Computed(s)) => Some(*s),
                    _ => None,
                };
                match text
                    .filter(|_| item.folds)
                    .and_then(|t| ctx.memo.lowered(f, t))
                {
                    Some(lowered) => {
                        eval::field_result(&item.test, &item.refs, found, Some(&lowered), ctx)
                    }
                    None => eval::field_result(&item.test, &item.refs, found, None, ctx),
                }
            }
        };
        ctx.memo.set_item(id, answer);
        answer
    }
}

//! Numbers every distinct field path a rule set reads (conditions, script predicates,
//! join keys, time fields) so that one event resolves each path at most once, whatever
//! the number of rules reading it (see `doc_view`).

use super::cond::{Cond, FieldPath};
use super::query::{EqlQuery, Part};
use std::collections::HashMap;

#[derive(Default)]
struct Slots {
    by_path: HashMap<(String, Option<usize>), usize>,
}

impl Slots {
    fn assign(&mut self, field: &mut FieldPath) {
        let next = self.by_path.len();
        let slot = *self
            .by_path
            .entry((field.path.clone(), field.index))
            .or_insert(next);
        field.set_slot(slot);
    }

    fn walk(&mut self, cond: &mut Cond) {
        match cond {
            Cond::Const(_) => {}
            Cond::And(items) | Cond::Or(items) => items.iter_mut().for_each(|c| self.walk(c)),
            Cond::Not(inner) => self.walk(inner),
            Cond::Field { field, .. } => self.assign(field),
            Cond::Script(s) => s.fields.iter_mut().for_each(|f| self.assign(f)),
        }
    }
}

/// Gives every field of every rule its slot; returns the number of slots.
pub fn assign_slots<'q>(queries: impl Iterator<Item = &'q mut EqlQuery>) -> usize {
    let mut slots = Slots::default();
    for q in queries {
        q.for_each_part_mut(&mut |part| match part {
            Part::Field(f) => slots.assign(f),
            Part::Cond(c) => slots.walk(c),
        });
    }
    slots.by_path.len()
}

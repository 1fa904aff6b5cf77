//! Numbers every distinct field path a rule set reads (conditions, script predicates,
//! join keys, time fields) as a node of one [`FieldTree`], so that one event resolves
//! each path at most once, whatever the number of rules reading it (see `doc_view`).

use super::cond::{Cond, FieldPath};
use super::field_tree::FieldTree;
use super::query::{EqlQuery, Part};

fn assign(tree: &mut FieldTree, field: &mut FieldPath) {
    let node = tree.insert(&field.path);
    field.set_slot(node);
}

fn walk(tree: &mut FieldTree, cond: &mut Cond) {
    match cond {
        Cond::Const(_) => {}
        Cond::And(items) | Cond::Or(items) => items.iter_mut().for_each(|c| walk(tree, c)),
        Cond::Not(inner) => walk(tree, inner),
        Cond::Field { field, .. } => assign(tree, field),
        Cond::Script(s) => s.fields.iter_mut().for_each(|f| assign(tree, f)),
    }
}

/// Gives every field of every rule its node in the returned tree.
pub fn assign_slots<'q>(queries: impl Iterator<Item = &'q mut EqlQuery>) -> FieldTree {
    let mut tree = FieldTree::default();
    for q in queries {
        q.for_each_part_mut(&mut |part| match part {
            Part::Field(f) => assign(&mut tree, f),
            Part::Cond(c) => walk(&mut tree, c),
        });
    }
    tree
}

//! `field:*`, "the event has this field", as analysts write it in Kibana and KQL.
//!
//! tantivy answers its exists query from fast columns only, and vigil's ECS fields are
//! indexed, not fast; so the presence of a field is decided from the terms indexed under
//! its path, looked up in each segment's term dictionary. Queries without `field:*` are
//! built by tantivy's own parser, unchanged.

use super::schema::{Fields, TIMESTAMP};
use std::collections::BTreeSet;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, ExistsQuery, Occur, Query, QueryParser,
    QueryParserError, TermSetQuery,
};
use tantivy::query_grammar::{UserInputAst, UserInputLeaf};
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

/// Separators tantivy writes between the segments of a JSON path and after the last one.
const JSON_PATH_SEGMENT_SEP: u8 = 1;
const JSON_END_OF_PATH: u8 = 0;

/// Whether the query asks for the presence of a field anywhere.
pub fn has_exists(ast: &UserInputAst) -> bool {
    match ast {
        UserInputAst::Clause(clauses) => clauses.iter().any(|(_, c)| has_exists(c)),
        UserInputAst::Boost(inner, _) => has_exists(inner),
        UserInputAst::Leaf(leaf) => matches!(leaf.as_ref(), UserInputLeaf::Exists { .. }),
    }
}

/// Builds `ast` with tantivy's parser, except that `field:*` leaves become term look-ups.
pub fn build(
    ast: UserInputAst,
    parser: &QueryParser,
    searcher: &Searcher,
    fields: &Fields,
) -> Result<Box<dyn Query>, QueryParserError> {
    match ast {
        UserInputAst::Clause(clauses) => {
            let mut subs = Vec::with_capacity(clauses.len() + 1);
            for (occur, sub) in clauses {
                // The parser is set to AND terms without an operator.
                let occur = occur.unwrap_or(Occur::Must);
                subs.push((occur, build(sub, parser, searcher, fields)?));
            }
            // `NOT process.parent.name:*` means "every event without it".
            if subs.iter().all(|(occur, _)| *occur == Occur::MustNot) {
                subs.push((Occur::Must, Box::new(AllQuery)));
            }
            Ok(Box::new(BooleanQuery::new(subs)))
        }
        UserInputAst::Boost(inner, boost) => Ok(Box::new(BoostQuery::new(
            build(*inner, parser, searcher, fields)?,
            boost.into_inner() as f32,
        ))),
        UserInputAst::Leaf(leaf) => match *leaf {
            UserInputLeaf::Exists { field } => exists(searcher, fields, &field)
                .map_err(|e| QueryParserError::UnsupportedQuery(e.to_string())),
            other => parser.build_query_from_user_input_ast(UserInputAst::Leaf(Box::new(other))),
        },
    }
}

/// Events that have a value at ECS `path` (or anything below it, for an object).
fn exists(searcher: &Searcher, fields: &Fields, path: &str) -> tantivy::Result<Box<dyn Query>> {
    if path == TIMESTAMP {
        return Ok(Box::new(ExistsQuery::new(path.to_string(), false)));
    }
    if let Some((_, field)) = fields.texts.iter().find(|(name, _)| *name == path) {
        let template = Term::from_field_text(*field, "");
        return any_term(searcher, *field, &template, &[]);
    }
    let (root, below) = path.split_once('.').unwrap_or((path, ""));
    let (field, json_path) = match fields.root(root) {
        Some(field) => (field, below),
        None => (fields.other, path),
    };
    let template = Term::from_field_json_path(field, "", true);
    let prefix: Vec<u8> = json_path
        .bytes()
        .map(|b| if b == b'.' { JSON_PATH_SEGMENT_SEP } else { b })
        .collect();
    any_term(searcher, field, &template, &prefix)
}

/// A query matching every term of `field` whose key is `prefix` followed by the end of
/// the path or a deeper segment (all of the field's terms when `prefix` is empty).
fn any_term(
    searcher: &Searcher,
    field: Field,
    template: &Term,
    prefix: &[u8],
) -> tantivy::Result<Box<dyn Query>> {
    let mut keys: BTreeSet<Vec<u8>> = BTreeSet::new();
    let (low, high) = if prefix.is_empty() {
        (Vec::new(), None)
    } else {
        let mut low = prefix.to_vec();
        low.push(JSON_END_OF_PATH);
        let mut high = prefix.to_vec();
        high.push(JSON_PATH_SEGMENT_SEP + 1);
        (low, Some(high))
    };
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut range = inverted.terms().range().ge(&low);
        if let Some(high) = &high {
            range = range.lt(high);
        }
        let mut stream = range.into_stream()?;
        while stream.advance() {
            keys.insert(stream.key().to_vec());
        }
    }
    if keys.is_empty() {
        return Ok(Box::new(EmptyQuery));
    }
    let terms = keys.into_iter().map(|key| {
        let mut term = template.clone();
        term.set_bytes(&key);
        term
    });
    Ok(Box::new(TermSetQuery::new(terms)))
}

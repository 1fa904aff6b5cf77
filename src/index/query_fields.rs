//! Catches queries on ECS fields that are stored but not indexed.
//!
//! Only a curated set of ECS fields is indexed (see [`super::curated`]); without
//! this check a query such as `agent.type:winlogbeat` would quietly match nothing,
//! which an analyst would read as "no such events".

use super::curated;
use super::schema::{KEYWORD_ROOTS, TEXT_FIELDS, TIMESTAMP};
use tantivy::query_grammar::{UserInputAst, UserInputLeaf, parse_query_lenient};

/// The first field of `query` that names an ECS field which is not indexed.
pub fn first_unindexed_field(query: &str) -> Option<String> {
    let (ast, _) = parse_query_lenient(query);
    let mut found = None;
    visit(&ast, &mut |field| {
        if found.is_none() && !is_searchable(field) {
            found = Some(field.to_string());
        }
    });
    found
}

fn is_searchable(field: &str) -> bool {
    let root = field.split('.').next().unwrap_or(field);
    field == TIMESTAMP
        || TEXT_FIELDS.contains(&field)
        || KEYWORD_ROOTS.binary_search(&root).is_err()
        || curated::is_indexed(field)
}

fn visit(ast: &UserInputAst, on_field: &mut dyn FnMut(&str)) {
    match ast {
        UserInputAst::Clause(clauses) => clauses.iter().for_each(|(_, c)| visit(c, on_field)),
        UserInputAst::Boost(inner, _) => visit(inner, on_field),
        UserInputAst::Leaf(leaf) => {
            let field = match leaf.as_ref() {
                UserInputLeaf::Literal(lit) => lit.field_name.as_deref(),
                UserInputLeaf::Range { field, .. }
                | UserInputLeaf::Set { field, .. }
                | UserInputLeaf::Regex { field, .. } => field.as_deref(),
                UserInputLeaf::Exists { field } => Some(field.as_str()),
                UserInputLeaf::All => None,
            };
            if let Some(f) = field {
                on_field(f);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unindexed_ecs_fields_are_named() {
        for (query, expected) in [
            ("process.name:net.exe", None),
            (
                "process.name:net.exe AND agent.type:winlogbeat",
                Some("agent.type"),
            ),
            ("(host.name:a OR process.title:x)", Some("process.title")),
            ("process.command_line:\"user /add\"", None),
            (
                "@timestamp:[2020-01-01T00:00:00Z TO 2021-01-01T00:00:00Z]",
                None,
            ),
            ("event.code:4720 AND user.target.name:x", None),
            ("winlog.event_data.TargetUserName:bob", None),
            ("nosuchroot.field:x", None),
            ("azure.auditlogs.operation_name:x", None),
            ("rule.id:abc", None),
            ("rule.name:abc", Some("rule.name")),
            ("net.exe", None),
            ("*", None),
            ("process.name:(", None),
        ] {
            assert_eq!(first_unindexed_field(query).as_deref(), expected, "{query}");
        }
    }
}

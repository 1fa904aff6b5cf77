//! Kibana filters attached to query rules (`filters = [...]`), compiled to the same tree
//! as KQL so they cost nothing extra at evaluation.
//!
//! A filter is a Query DSL clause plus `meta.negate` / `meta.disabled`. The clauses Kibana
//! writes (match_phrase, match, term, terms, exists, range, bool) are supported; any
//! other shape makes the rule not evaluable with the clause named in the reason.

use crate::rules::kql::{FieldRef, Node, RangeBound, RangeOp, RawValue, Term, ValueExpr};
use serde_json::{Map, Value};

/// Compiles all filters into one conjunction (`None` when none is active).
pub fn compile_filters(filters: &[Value]) -> Result<Option<Node>, String> {
    let mut nodes = Vec::new();
    for (i, f) in filters.iter().enumerate() {
        let meta = f.get("meta");
        let flag = |name: &str| meta.and_then(|m| m.get(name)).and_then(Value::as_bool);
        if flag("disabled") == Some(true) {
            continue;
        }
        let node = filter_clause(f).map_err(|e| format!("filter #{}: {e}", i + 1))?;
        nodes.push(if flag("negate") == Some(true) {
            Node::Not(Box::new(node))
        } else {
            node
        });
    }
    Ok(match nodes.len() {
        0 => None,
        1 => nodes.pop(),
        _ => Some(Node::And(nodes)),
    })
}

/// A filter object holds its clause under `query`, or at the top level for old filters.
fn filter_clause(f: &Value) -> Result<Node, String> {
    if let Some(q) = f.get("query") {
        return clause(q);
    }
    let Some(obj) = f.as_object() else {
        return Err("a filter must be a table".to_string());
    };
    let body: Map<String, Value> = obj
        .iter()
        .filter(|(k, _)| k.as_str() != "meta" && k.as_str() != "$state")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    clause(&Value::Object(body))
}

fn clause(q: &Value) -> Result<Node, String> {
    let Some(obj) = q.as_object() else {
        return Err("a query clause must be a table".to_string());
    };
    let Some((kind, body)) = obj.iter().next().filter(|_| obj.len() == 1) else {
        return Err(format!(
            "expected exactly one clause, found {}",
            obj.keys().cloned().collect::<Vec<_>>().join(", ")
        ));
    };
    match kind.as_str() {
        "match_phrase" | "match" | "term" => {
            let (field, value) = single_field(body, kind)?;
            let text = scalar(value.get("query").or(value.get("value")).unwrap_or(value))?;
            Ok(field_term(&field, RawValue::Quoted(text)))
        }
        "terms" => {
            let (field, values) = single_field(body, kind)?;
            let Some(items) = values.as_array() else {
                return Err("`terms` needs a list of values".to_string());
            };
            let fref = FieldRef::new(&field);
            let terms = items
                .iter()
                .map(|v| {
                    Ok(ValueExpr::Term(Term::compile(
                        &RawValue::Quoted(scalar(v)?),
                        fref.kind,
                    )))
                })
                .collect::<Result<Vec<_>, String>>()?;
            Ok(Node::Match {
                field: fref,
                values: ValueExpr::Or(terms),
            })
        }
        "exists" => {
            let field = body
                .get("field")
                .and_then(Value::as_str)
                .ok_or("`exists` needs a `field`")?;
            Ok(field_term(field, RawValue::Star))
        }
        "range" => range(body),
        "bool" => bool_clause(body),
        "match_all" => Ok(Node::All),
        other => Err(format!("the `{other}` clause is not supported by vigil")),
    }
}

fn single_field<'a>(body: &'a Value, kind: &str) -> Result<(String, &'a Value), String> {
    match body.as_object() {
        Some(m) if m.len() == 1 => m
            .iter()
            .next()
            .map(|(k, v)| (k.clone(), v))
            .ok_or_else(|| format!("`{kind}` needs one field")),
        _ => Err(format!("`{kind}` needs exactly one field")),
    }
}

fn scalar(v: &Value) -> Result<String, String> {
    crate::model::fields::scalar_text(v).ok_or_else(|| format!("`{v}` is not a single value"))
}

fn field_term(field: &str, raw: RawValue) -> Node {
    let fref = FieldRef::new(field);
    let term = Term::compile(&raw, fref.kind);
    Node::Match {
        field: fref,
        values: ValueExpr::Term(term),
    }
}

fn range(body: &Value) -> Result<Node, String> {
    let (field, bounds) = single_field(body, "range")?;
    let Some(bounds) = bounds.as_object() else {
        return Err("`range` needs bounds such as `gte`".to_string());
    };
    let mut parts = Vec::new();
    for (op, v) in bounds {
        let op = match op.as_str() {
            "gt" => RangeOp::Gt,
            "gte" => RangeOp::Ge,
            "lt" => RangeOp::Lt,
            "lte" => RangeOp::Le,
            "format" | "time_zone" => continue,
            other => return Err(format!("range bound `{other}` is not supported")),
        };
        parts.push(RangeBound::new(op, scalar(v)?));
    }
    Ok(Node::Range {
        field: FieldRef::new(&field),
        bounds: parts,
    })
}

fn bool_clause(body: &Value) -> Result<Node, String> {
    let list = |name: &str| -> Result<Vec<Node>, String> {
        match body.get(name) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items.iter().map(clause).collect(),
            Some(one) => Ok(vec![clause(one)?]),
        }
    };
    let mut all = list("must")?;
    all.extend(list("filter")?);
    for n in list("must_not")? {
        all.push(Node::Not(Box::new(n)));
    }
    let should = list("should")?;
    if !should.is_empty() {
        let min = body
            .get("minimum_should_match")
            .and_then(|m| {
                m.as_u64()
                    .or_else(|| m.as_str().and_then(|s| s.parse().ok()))
            })
            .unwrap_or(1);
        if min > 1 {
            return Err("`minimum_should_match` above 1 is not supported".to_string());
        }
        all.push(Node::Or(should));
    }
    Ok(Node::And(all))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kibana_filters_compile_and_match() {
        let doc = json!({"host": {"name": "WKS01"}, "event": {"code": "4720"}, "n": 5});
        let cases: Vec<(Value, bool)> = vec![
            (
                json!([{"meta": {}, "query": {"match_phrase": {"host.name": "WKS01"}}}]),
                true,
            ),
            (
                json!([{"meta": {"negate": true}, "query": {"match_phrase": {"host.name": "WKS01"}}}]),
                false,
            ),
            (
                json!([{"meta": {"disabled": true}, "query": {"match_phrase": {"host.name": "x"}}}]),
                true,
            ),
            (
                json!([{"exists": {"field": "event.code"}, "meta": {}}]),
                true,
            ),
            (
                json!([{"query": {"match": {"host.name": {"query": "WKS02", "type": "phrase"}}}}]),
                false,
            ),
            (
                json!([{"query": {"bool": {"should": [{"match_phrase": {"event.code": "1"}}, {"match_phrase": {"event.code": "4720"}}], "minimum_should_match": 1}}}]),
                true,
            ),
            (
                json!([{"query": {"range": {"n": {"gte": 5, "lt": 10}}}}]),
                true,
            ),
            (
                json!([{"query": {"terms": {"event.code": ["1", "2"]}}}]),
                false,
            ),
        ];
        for (filters, want) in cases {
            let arr = filters.as_array().cloned().unwrap_or_default();
            let node = compile_filters(&arr).unwrap_or_else(|e| panic!("{filters}: {e}"));
            assert_eq!(node.is_none_or(|n| n.matches(&doc)), want, "{filters}");
        }
        let bad = vec![json!({"query": {"geo_shape": {}}})];
        assert!(compile_filters(&bad).is_err_and(|e| e.contains("geo_shape")));
    }
}

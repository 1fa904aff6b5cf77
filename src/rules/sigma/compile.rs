//! A rule's `detection` block compiled into search identifiers and a condition tree.
//!
//! Field names are mapped to document paths here, once; [`super::literals`] then works
//! out the literals one of which must appear in an event for the rule to match.

use super::condition::{self, Cond};
use super::fieldmap::{self, FieldRef};
use super::meta::Located;
use super::modifiers::{self, FieldTest, Placeholders, ValueTest};
use super::yaml::{Scalar, YNode, YValue};
use std::sync::Arc;

/// One compiled `field|modifiers: values` (or keyword search when `field` is `None`).
#[derive(Debug, Clone)]
pub struct CompiledField {
    /// Shared with the rule set's hash-consed copy (see [`super::shared`]).
    pub test: Arc<FieldTest>,
    pub field: Option<FieldRef>,
    /// Mapped fields of `fieldref` tests, aligned with `test.tests`.
    pub refs: Vec<Option<FieldRef>>,
}

/// A search identifier's body.
#[derive(Debug, Clone)]
pub enum Search {
    And(Vec<CompiledField>),
    Or(Vec<Search>),
}

/// A compiled `detection` block.
#[derive(Debug, Clone)]
pub struct CompiledDetection {
    pub names: Vec<String>,
    pub searches: Vec<Search>,
    pub cond: Cond,
}

/// Compiles a `detection` map.
pub fn compile_detection(
    node: &YNode,
    placeholders: &Placeholders,
) -> Result<CompiledDetection, Located> {
    let YValue::Map(entries) = &node.value else {
        return Err((
            node.line,
            node.col,
            format!("'detection' must be a map, found {}", node.kind_name()),
        ));
    };
    let mut names = Vec::new();
    let mut searches = Vec::new();
    let mut condition_node = None;
    for (k, v) in entries {
        let key = k.as_key().unwrap_or_default();
        if key == "condition" {
            condition_node = Some(v);
            continue;
        }
        // `timeframe` belongs to the obsolete aggregation syntax; correlations replace it.
        if key == "timeframe" {
            continue;
        }
        searches.push(compile_search(v, placeholders)?);
        names.push(key);
    }
    let Some(cn) = condition_node else {
        return Err((
            node.line,
            node.col,
            "the detection has no 'condition'; add one such as 'condition: selection'".into(),
        ));
    };
    let texts: Vec<String> = match &cn.value {
        YValue::Seq(items) => items.iter().filter_map(YNode::as_key).collect(),
        _ => cn.as_key().into_iter().collect(),
    };
    if texts.is_empty() {
        return Err((
            cn.line,
            cn.col,
            "the condition must be a string (or a list of strings)".into(),
        ));
    }
    let mut conds = Vec::new();
    for t in &texts {
        conds.push(condition::parse(t, &names).map_err(|e| (cn.line, cn.col, e))?);
    }
    let cond = if conds.len() == 1 {
        conds.remove(0)
    } else {
        Cond::Or(conds)
    };
    Ok(CompiledDetection {
        names,
        searches,
        cond,
    })
}

fn compile_search(node: &YNode, ph: &Placeholders) -> Result<Search, Located> {
    match &node.value {
        YValue::Map(entries) => {
            let mut fields = Vec::new();
            for (k, v) in entries {
                let key = k.as_key().unwrap_or_default();
                fields.push(compile_entry(&key, v, ph)?);
            }
            Ok(Search::And(fields))
        }
        YValue::Seq(items) => {
            let (scalars, others): (Vec<&YNode>, Vec<&YNode>) = items
                .iter()
                .partition(|i| matches!(i.value, YValue::Scalar(_)));
            let mut alts = Vec::new();
            if !scalars.is_empty() {
                let values: Vec<Scalar> = scalars.iter().filter_map(|s| scalar_of(s)).collect();
                alts.push(Search::And(vec![keyword_field("", &values, ph, node)?]));
            }
            for o in others {
                alts.push(compile_search(o, ph)?);
            }
            Ok(if alts.len() == 1 {
                alts.remove(0)
            } else {
                Search::Or(alts)
            })
        }
        YValue::Scalar(s) => Ok(Search::And(vec![keyword_field(
            "",
            std::slice::from_ref(s),
            ph,
            node,
        )?])),
    }
}

fn scalar_of(n: &YNode) -> Option<Scalar> {
    match &n.value {
        YValue::Scalar(s) => Some(s.clone()),
        _ => None,
    }
}

fn values_of(v: &YNode) -> Result<Vec<Scalar>, Located> {
    match &v.value {
        YValue::Scalar(s) => Ok(vec![s.clone()]),
        YValue::Seq(items) => items
            .iter()
            .map(|i| {
                scalar_of(i).ok_or((
                    i.line,
                    i.col,
                    format!("a field value must be a scalar, found {}", i.kind_name()),
                ))
            })
            .collect(),
        YValue::Map(_) => Err((
            v.line,
            v.col,
            "a field value must be a scalar or a list of scalars, found a map".into(),
        )),
    }
}

/// Keyword search: plain values are substring matches over every string of the event.
fn keyword_field(
    mods: &str,
    values: &[Scalar],
    ph: &Placeholders,
    at: &YNode,
) -> Result<CompiledField, Located> {
    let lower = mods.to_ascii_lowercase();
    let has_shape = [
        "contains",
        "startswith",
        "endswith",
        "|re",
        "cidr",
        "exists",
    ]
    .iter()
    .any(|m| lower.contains(m));
    let key = if has_shape {
        mods.to_string()
    } else {
        format!("{mods}|contains")
    };
    let test = modifiers::compile_field(&key, values, ph).map_err(|e| (at.line, at.col, e))?;
    Ok(CompiledField {
        refs: vec![None; test.tests.len()],
        test: Arc::new(test),
        field: None,
    })
}

fn compile_entry(key: &str, v: &YNode, ph: &Placeholders) -> Result<CompiledField, Located> {
    let values = values_of(v)?;
    if key.is_empty() || key.starts_with('|') {
        return keyword_field(key, &values, ph, v);
    }
    let test = modifiers::compile_field(key, &values, ph)
        .map_err(|e| (v.line, v.col, format!("{key}: {e}")))?;
    let refs = test
        .tests
        .iter()
        .map(|t| match t {
            ValueTest::FieldRef { other, .. } => Some(fieldmap::map_field(other)),
            _ => None,
        })
        .collect();
    Ok(CompiledField {
        field: Some(fieldmap::map_field(&test.field)),
        refs,
        test: Arc::new(test),
    })
}

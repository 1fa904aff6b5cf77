//! Compiles a validated rule's query for its type: EQL, KQL or Lucene (with Kibana filters),
//! threshold and new_terms; everything vigil cannot run locally is kept with the exact
//! reason. Query syntax errors are reported at their position inside the file.

use super::CompiledQuery;
use super::datemath::window_ms;
use super::diag::{DiagSink, file_offset, offset_of_line_col, string_body};
use super::filters::compile_filters;
use super::load::rule_kind;
use super::new_terms::NewTermsSpec;
use super::raw::RawRule;
use super::threshold::ThresholdSpec;
use crate::model::RuleKind;
use crate::rules::api::RuleStatus;
use crate::rules::kql::{self, KqlQuery, Node};
use crate::rules::lucene;
use toml::Spanned;

pub struct CompileInput<'a> {
    pub rule_type: &'a str,
    pub language: Option<&'a str>,
    pub rule: &'a RawRule,
    pub look_back_ms: i64,
}

type Compiled = (RuleKind, RuleStatus, CompiledQuery);

pub fn compile_rule(sink: &mut DiagSink<'_>, input: CompileInput<'_>) -> Option<Compiled> {
    let kind = rule_kind(input.rule_type, input.language);
    let not_evaluable =
        |reason: String| Some((kind, RuleStatus::NotEvaluable(reason), CompiledQuery::None));
    match input.rule_type {
        "eql" | "query" | "threshold" | "new_terms" => {}
        other => return not_evaluable(format!("not evaluable locally: {other}")),
    }
    if input.rule_type == "eql" {
        let query = required_query(sink, input.rule)?;
        return match crate::rules::eql::compile(query.get_ref()) {
            Ok(q) => Some((kind, RuleStatus::Ready, CompiledQuery::Eql(q))),
            Err(e) => {
                let decoded = offset_of_line_col(query.get_ref(), e.line, e.column);
                query_error(sink, &query, decoded, format!("EQL: {}", e.message), None);
                None
            }
        };
    }
    let language = input.language.unwrap_or("kuery");
    if language != "kuery" && language != "lucene" {
        return not_evaluable(format!(
            "not evaluable locally: language `{language}` for a {} rule",
            input.rule_type
        ));
    }
    let query = required_query(sink, input.rule)?;
    let parsed = if language == "kuery" {
        kql::compile(query.get_ref()).map_err(|e| {
            (
                e.offset,
                format!("KQL: {}", e.message),
                e.hint,
                e.unsupported,
            )
        })
    } else {
        lucene::compile(query.get_ref()).map_err(|e| {
            (
                e.offset,
                format!("Lucene: {}", e.message),
                e.hint,
                e.unsupported,
            )
        })
    };
    let kql = match parsed {
        Ok(q) => q,
        Err((_, message, _, true)) => {
            return not_evaluable(format!("not evaluable locally: {message}"));
        }
        Err((offset, message, hint, false)) => {
            query_error(sink, &query, offset, message, hint);
            return None;
        }
    };
    let kql = match with_filters(kql, input.rule) {
        Ok(q) => q,
        Err(reason) => return not_evaluable(format!("not evaluable locally: {reason}")),
    };
    let compiled = match input.rule_type {
        "threshold" => CompiledQuery::Threshold {
            query: kql,
            spec: threshold_spec(sink, input.rule, input.look_back_ms)?,
        },
        "new_terms" => CompiledQuery::NewTerms {
            query: kql,
            spec: new_terms_spec(sink, input.rule)?,
        },
        _ => CompiledQuery::Kql(kql),
    };
    Some((kind, RuleStatus::Ready, compiled))
}

fn required_query(sink: &mut DiagSink<'_>, rule: &RawRule) -> Option<Spanned<String>> {
    match &rule.query {
        Some(q) => Some(q.clone()),
        None => {
            sink.at_table(
                "rule",
                "the rule has no `query`".to_string(),
                Some("add query = '''...''' under [rule]".to_string()),
            );
            None
        }
    }
}

/// Reports a query error at its position in the file.
fn query_error(
    sink: &mut DiagSink<'_>,
    query: &Spanned<String>,
    decoded_offset: usize,
    message: String,
    hint: Option<String>,
) {
    let body = string_body(sink.text, &query.span());
    let at = file_offset(sink.text, body, decoded_offset);
    let hint = hint.or_else(|| Some("fix the query at this position".to_string()));
    sink.at_offset(at, message, hint);
}

fn with_filters(kql: KqlQuery, rule: &RawRule) -> Result<KqlQuery, String> {
    let Some(filters) = &rule.filters else {
        return Ok(kql);
    };
    match compile_filters(filters.get_ref())? {
        None => Ok(kql),
        Some(f) => Ok(KqlQuery::from_node(Node::And(vec![kql.into_node(), f]))),
    }
}

fn threshold_spec(sink: &mut DiagSink<'_>, rule: &RawRule, window: i64) -> Option<ThresholdSpec> {
    let Some(t) = &rule.threshold else {
        sink.at_table(
            "rule",
            "a threshold rule needs a [rule.threshold] table".to_string(),
            Some("add [rule.threshold] with field = [\"host.name\"] and value = 10".to_string()),
        );
        return None;
    };
    let Some(value) = &t.value else {
        sink.at_table(
            "rule.threshold",
            "[rule.threshold] has no `value`".to_string(),
            Some("add value = 10 (the minimum number of events)".to_string()),
        );
        return None;
    };
    let Some(min) = u64::try_from(*value.get_ref()).ok().filter(|v| *v >= 1) else {
        sink.at_span(
            &value.span(),
            format!("threshold value {} must be at least 1", value.get_ref()),
            Some("use a positive number of events".to_string()),
        );
        return None;
    };
    let fields = t
        .field
        .as_ref()
        .map(|f| f.clone().into_vec())
        .unwrap_or_default();
    let cardinality = t
        .cardinality
        .iter()
        .flatten()
        .map(|c| (c.field.clone(), u64::try_from(c.value).unwrap_or(0)))
        .collect();
    Some(ThresholdSpec {
        fields,
        value: min,
        cardinality,
        window_ms: window,
    })
}

fn new_terms_spec(sink: &mut DiagSink<'_>, rule: &RawRule) -> Option<NewTermsSpec> {
    let Some(nt) = &rule.new_terms else {
        sink.at_table(
            "rule",
            "a new_terms rule needs a [rule.new_terms] table".to_string(),
            Some("add [rule.new_terms] with field = \"new_terms_fields\" and value = [\"host.name\"]".to_string()),
        );
        return None;
    };
    let fields = nt.value.clone().unwrap_or_default();
    if fields.is_empty() || nt.field.as_deref().is_some_and(|f| f != "new_terms_fields") {
        sink.at_table(
            "rule.new_terms",
            "[rule.new_terms] must list the new-terms fields".to_string(),
            Some("write field = \"new_terms_fields\" and value = [\"field.one\", ...] (1 to 3 fields)".to_string()),
        );
        return None;
    }
    let windows = nt.history_window_start.as_deref().unwrap_or_default();
    let Some(start) = windows.iter().find(|w| {
        w.field
            .as_deref()
            .is_none_or(|f| f == "history_window_start")
    }) else {
        sink.at_table(
            "rule.new_terms",
            "[rule.new_terms] has no history window".to_string(),
            Some("add [[rule.new_terms.history_window_start]] with field = \"history_window_start\" and value = \"now-14d\"".to_string()),
        );
        return None;
    };
    match window_ms(start.value.get_ref()) {
        Ok(history_ms) => Some(NewTermsSpec { fields, history_ms }),
        Err(e) => {
            sink.at_span(
                &start.value.span(),
                e,
                Some("write the history start as now-<number><unit>, e.g. \"now-14d\"".to_string()),
            );
            None
        }
    }
}

//! A pivot as written in a guide: Elastic's `!{investigate{...}}` JSON, before it is
//! resolved against an alert. Parsing is lenient (real guides vary) but never guesses a
//! query: a provider whose shape is not understood makes its AND-group unusable.

use serde_json::Value;

/// What a pivot queries: the event index (Elastic's behaviour) or vigil's alerts
/// (`"target": "alerts"`, a vigil extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PivotTarget {
    #[default]
    Events,
    Alerts,
}

/// How a provider compares its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryType {
    /// Exact value (`"phrase"`).
    Phrase,
    /// The field is present (`"exists"`).
    Exists,
    /// Anything else Kibana knows (`"range"`...), kept to explain why it was skipped.
    Unsupported(String),
}

/// One condition of an AND-group, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderSpec {
    pub field: String,
    pub excluded: bool,
    pub query_type: QueryType,
    /// The value template, possibly with `{{field}}` references.
    pub value: String,
    pub value_type: Option<String>,
}

/// A pivot as written in the guide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PivotSpec {
    pub label: String,
    pub description: Option<String>,
    /// OR of AND-groups.
    pub providers: Vec<Vec<ProviderSpec>>,
    pub relative_from: Option<String>,
    pub relative_to: Option<String>,
    pub target: PivotTarget,
}

impl PivotSpec {
    /// Reads the JSON object of an `!{investigate{...}}` markup (or a `transform.investigate`
    /// entry). Returns `None` when it is not an object.
    pub fn from_json(v: &Value) -> Option<PivotSpec> {
        let obj = v.as_object()?;
        let text = |k: &str| obj.get(k).and_then(Value::as_str).map(str::to_string);
        let providers = obj
            .get("providers")
            .and_then(Value::as_array)
            .map(|groups| groups.iter().map(read_group).collect())
            .unwrap_or_default();
        let target = match text("target")
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("alerts") => PivotTarget::Alerts,
            _ => PivotTarget::Events,
        };
        Some(PivotSpec {
            label: text("label")
                .filter(|l| !l.trim().is_empty())
                .unwrap_or_else(|| "Investigate".to_string()),
            description: text("description").filter(|d| !d.trim().is_empty()),
            providers,
            relative_from: text("relativeFrom"),
            relative_to: text("relativeTo"),
            target,
        })
    }
}

fn read_group(group: &Value) -> Vec<ProviderSpec> {
    match group {
        Value::Array(items) => items.iter().filter_map(read_provider).collect(),
        // A single provider object where a list was expected: accept it as a group of one.
        Value::Object(_) => read_provider(group).into_iter().collect(),
        _ => Vec::new(),
    }
}

fn read_provider(v: &Value) -> Option<ProviderSpec> {
    let obj = v.as_object()?;
    let field = obj.get("field")?.as_str()?.trim().to_string();
    let excluded = match obj.get("excluded") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    };
    let query_type = match obj.get("queryType").and_then(Value::as_str) {
        None | Some("phrase") => QueryType::Phrase,
        Some("exists") => QueryType::Exists,
        Some(other) => QueryType::Unsupported(other.to_string()),
    };
    let value = match obj.get("value") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    };
    let value_type = obj
        .get("valueType")
        .and_then(Value::as_str)
        .map(str::to_string);
    Some(ProviderSpec {
        field,
        excluded,
        query_type,
        value,
        value_type,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_elastic_investigate_json() {
        let v = json!({
            "label": "Alerts for the host",
            "providers": [[
                {"excluded": false, "field": "host.name", "queryType": "phrase", "value": "{{host.name}}", "valueType": "string"},
                {"excluded": "true", "field": "event.kind", "queryType": "exists", "value": "", "valueType": "string"}
            ], [{"field": "user.name", "value": 5}]],
            "relativeFrom": "now-48h", "relativeTo": "now", "target": "alerts"
        });
        let p = PivotSpec::from_json(&v).unwrap();
        assert_eq!(p.label, "Alerts for the host");
        assert_eq!(p.target, PivotTarget::Alerts);
        assert_eq!(p.providers.len(), 2);
        assert!(p.providers[0][1].excluded);
        assert_eq!(p.providers[0][1].query_type, QueryType::Exists);
        assert_eq!(p.providers[1][0].value, "5");
        assert_eq!(p.relative_from.as_deref(), Some("now-48h"));
    }

    #[test]
    fn missing_pieces_get_defaults() {
        let p =
            PivotSpec::from_json(&json!({"providers": [[{"field": "x", "queryType": "range"}]]}))
                .unwrap();
        assert_eq!(p.label, "Investigate");
        assert_eq!(p.target, PivotTarget::Events);
        assert_eq!(
            p.providers[0][0].query_type,
            QueryType::Unsupported("range".into())
        );
        assert!(PivotSpec::from_json(&json!([1])).is_none());
    }
}

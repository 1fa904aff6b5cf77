//! The JSON case note: the same facts as the Markdown, unescaped (JSON escapes for
//! itself), plus `sha256` over the compact serialisation of every other key.

use super::{Case, iso};
use crate::store::{change::status_key, classification_key, classification_label};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// Renders the case as JSON.
pub fn json(case: &Case) -> Value {
    let a = &case.alert;
    let t = &case.triage;
    let mut doc = json!({
        "format": "vigil-case",
        "version": 1,
        "generated_at": iso(case.generated_at_ms),
        "alert": {
            "id": a.id,
            "time": iso(a.timestamp_ms),
            "timestamp_ms": a.timestamp_ms,
            "severity": a.severity,
            "risk_score": a.risk_score,
            "host": a.host,
            "user": a.user,
            "process": a.process,
            "event_ids": a.event_ids,
            "fields": a.fields,
            "suppressed_by": a.suppressed_by,
        },
        "rule": {
            "id": a.rule_id,
            "name": a.rule_name,
            "kind": a.rule_kind,
            "description": case.rule.as_ref().map(|r| r.description.trim()),
            "mitre": a.mitre,
        },
        "key_fields": case.key_fields.iter().map(|(k, v)| json!({"field": k, "value": v})).collect::<Vec<_>>(),
        "process_tree": case.process_tree,
        "checklist": case.checklist,
        "disposition": {
            "status": status_key(t.status),
            "classification": t.classification.map(classification_key),
            "classification_label": t.classification.map(classification_label),
            "reason": t.reason,
            "reason_label": case.reason_text(),
            "exception_id": t.exception_id,
        },
        "comments": t.comments,
        "audit": t.audit,
    });
    let digest = hex::encode(Sha256::digest(doc.to_string().as_bytes()));
    if let Value::Object(map) = &mut doc {
        map.insert("sha256".into(), Value::String(digest));
    }
    doc
}

/// Checks the `sha256` of a JSON case note against its content.
pub fn verify(doc: &Value) -> bool {
    let mut copy = doc.clone();
    let Some(Value::String(claimed)) = copy.as_object_mut().and_then(|m| m.shift_remove("sha256"))
    else {
        return false;
    };
    hex::encode(Sha256::digest(copy.to_string().as_bytes())) == claimed
}

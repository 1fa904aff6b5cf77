//! The Elastic rule TOML as written, before validation.
//!
//! Fields are optional here so that validation can report every missing or bad field
//! with its position at once; values that need a position in messages are `Spanned`.
//! Unknown keys are accepted: published rules carry many fields vigil does not use.

use crate::model::{FieldExtract, FieldFlag, FieldHint, FpCategory};
use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
pub struct RawRuleFile {
    pub metadata: Option<serde_json::Value>,
    pub rule: Option<RawRule>,
    /// `[transform]` (investigate and osquery entries), kept as written.
    pub transform: Option<serde_json::Value>,
    pub vigil: Option<RawVigil>,
}

#[derive(Debug, Deserialize)]
pub struct RawRule {
    pub author: Option<Vec<String>>,
    pub description: Option<String>,
    pub from: Option<Spanned<String>>,
    pub index: Option<Vec<String>>,
    pub language: Option<Spanned<String>>,
    pub license: Option<String>,
    pub name: Option<Spanned<String>>,
    pub note: Option<String>,
    pub setup: Option<String>,
    pub references: Option<Vec<String>>,
    pub risk_score: Option<Spanned<i64>>,
    pub rule_id: Option<Spanned<String>>,
    pub severity: Option<Spanned<String>>,
    pub tags: Option<Vec<String>>,
    pub timestamp_override: Option<String>,
    #[serde(rename = "type")]
    pub rule_type: Option<Spanned<String>>,
    pub query: Option<Spanned<String>>,
    pub threshold: Option<RawThreshold>,
    pub new_terms: Option<RawNewTerms>,
    pub filters: Option<Spanned<Vec<serde_json::Value>>>,
    pub threat: Option<Vec<RawThreat>>,
    pub false_positives: Option<Vec<String>>,
}

/// A string or a list of strings (old rules write `field = "x"`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) if s.is_empty() => Vec::new(),
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct RawThreshold {
    pub field: Option<OneOrMany>,
    pub value: Option<Spanned<i64>>,
    pub cardinality: Option<Vec<RawCardinality>>,
}

#[derive(Debug, Deserialize)]
pub struct RawCardinality {
    pub field: String,
    pub value: i64,
}

#[derive(Debug, Deserialize)]
pub struct RawNewTerms {
    pub field: Option<String>,
    pub value: Option<Vec<String>>,
    pub history_window_start: Option<Vec<RawHistoryWindow>>,
}

#[derive(Debug, Deserialize)]
pub struct RawHistoryWindow {
    pub field: Option<String>,
    pub value: Spanned<String>,
}

#[derive(Debug, Deserialize)]
pub struct RawThreat {
    pub framework: Option<String>,
    pub tactic: Option<RawMitreItem>,
    pub technique: Option<Vec<RawTechnique>>,
}

#[derive(Debug, Deserialize)]
pub struct RawMitreItem {
    pub id: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct RawTechnique {
    pub id: Option<String>,
    pub name: Option<String>,
    pub subtechnique: Option<Vec<RawMitreItem>>,
}

/// vigil's own `[vigil]` table: triage hints and false-positive categories.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVigil {
    #[serde(default)]
    pub false_positives: Vec<FpCategory>,
    #[serde(default)]
    pub fp_hints: Vec<FieldHint>,
    #[serde(default)]
    pub extract: Vec<FieldExtract>,
    #[serde(default)]
    pub flags: Vec<FieldFlag>,
    #[serde(default)]
    pub fold_into_parent: bool,
}

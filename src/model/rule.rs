//! What every rule carries for triage, whatever language it was written in.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::PathBuf;

/// Alert severity, ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// Parses Elastic severities and Sigma levels (`informational`, `low`, ... `critical`).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "informational" | "info" => Some(Self::Informational),
            "low" => Some(Self::Low),
            "medium" => Some(Self::Medium),
            "high" => Some(Self::High),
            "critical" => Some(Self::Critical),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Informational => "informational",
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }

    /// The default risk score Elastic associates with each severity.
    pub fn default_risk(self) -> u8 {
        match self {
            Self::Informational => 1,
            Self::Low => 21,
            Self::Medium => 47,
            Self::High => 73,
            Self::Critical => 99,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One MITRE ATT&CK mapping: a tactic with an optional technique and subtechnique.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MitreRef {
    pub tactic_id: Option<String>,
    pub tactic_name: Option<String>,
    pub technique_id: Option<String>,
    pub technique_name: Option<String>,
    pub subtechnique_id: Option<String>,
    pub subtechnique_name: Option<String>,
}

/// A structured false-positive category an analyst can pick as a disposition reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FpCategory {
    /// Short stable key, e.g. `it-admin`, `installer`, `config-management`.
    pub id: String,
    /// What the analyst reads, e.g. "IT helpdesk or administrators creating accounts".
    pub label: String,
}

/// The language a rule is written in and, for Elastic rules, its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    Eql,
    Kuery,
    Lucene,
    Threshold,
    NewTerms,
    Esql,
    MachineLearning,
    ThreatMatch,
    Sigma,
    SigmaCorrelation,
}

/// Where a rule was loaded from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "path", rename_all = "snake_case")]
pub enum RuleOrigin {
    /// Embedded in the binary (the built-in pack); the path is the file inside `rules/`.
    BuiltIn(String),
    /// A file given with `--rules` or found in the user's config directory.
    File(PathBuf),
}

/// Metadata of a loaded rule, independent of its language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleMeta {
    pub id: String,
    pub name: String,
    pub description: String,
    pub kind: RuleKind,
    pub origin: RuleOrigin,
    pub severity: Severity,
    pub risk_score: u8,
    pub mitre: Vec<MitreRef>,
    /// Investigation guide in Markdown (Elastic `note`, or the pack's guide).
    pub guide: Option<String>,
    /// Elastic `setup`, kept apart from the guide.
    pub setup: Option<String>,
    pub false_positives: Vec<FpCategory>,
    pub tags: Vec<String>,
    pub references: Vec<String>,
    /// Triage extensions (vigil's own `[vigil]` table in TOML, `vigil:` key in Sigma).
    #[serde(default)]
    pub triage: TriageHints,
}

/// Rule-side hints that shape the alert for triage; all optional, all data.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TriageHints {
    /// Evidence in the event that points at a false-positive category.
    #[serde(default)]
    pub fp_hints: Vec<FieldHint>,
    /// Values pulled out of the matched event into `Alert::fields`.
    #[serde(default)]
    pub extract: Vec<FieldExtract>,
    /// Conditions that flag an alert (`Alert::fields[name] = "true"`) and may raise severity.
    #[serde(default)]
    pub flags: Vec<FieldFlag>,
    /// Fold an alert whose process was started by the process of another alert of the same
    /// rule on the same host with the same arguments (net.exe -> net1.exe) into that alert.
    #[serde(default)]
    pub fold_into_parent: bool,
}

/// `field` matches any of `patterns` (case-insensitive, `*` and `?` wildcards).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldHint {
    /// The `FpCategory::id` suggested.
    pub category: String,
    pub field: String,
    pub patterns: Vec<String>,
}

/// A regex whose first capture group, applied to `field`, gives `Alert::fields[name]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldExtract {
    pub name: String,
    pub field: String,
    pub regex: String,
}

/// A flag raised when `field` matches any of `patterns` (case-insensitive wildcards).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldFlag {
    pub name: String,
    pub field: String,
    pub patterns: Vec<String>,
    /// When set and higher than the rule's, the alert takes this severity.
    #[serde(default)]
    pub severity: Option<Severity>,
}

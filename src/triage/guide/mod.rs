//! A rule's investigation guide as something to work through: readable lines for display
//! and a checklist of steps, each with a stable id and the pivots it carries.
//!
//! Steps are the list items under "Possible investigation steps" (or "Triage and analysis
//! steps") and "Response and remediation", at any heading level. A step's id hashes its
//! section and normalised text, so checklist state survives re-import of the same rule.

pub mod blocks;
pub mod inline;
pub mod markup;
mod render;

use crate::triage::pivot::PivotSpec;
use blocks::Block;
pub use inline::{Span, SpanStyle};
pub use markup::Embed;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The guide sections vigil knows by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    Investigation,
    FalsePositives,
    Response,
    RelatedRules,
    Other,
}

impl SectionKind {
    fn classify(title: &str) -> Option<SectionKind> {
        let t = title
            .trim()
            .trim_end_matches(':')
            .trim()
            .to_ascii_lowercase();
        match t.as_str() {
            "possible investigation steps"
            | "triage and analysis steps"
            | "investigation steps" => Some(SectionKind::Investigation),
            "false positive analysis" => Some(SectionKind::FalsePositives),
            "response and remediation" => Some(SectionKind::Response),
            "related rules" => Some(SectionKind::RelatedRules),
            _ => None,
        }
    }

    /// Whether list items of this section are checklist steps.
    pub fn is_checklist(self) -> bool {
        matches!(self, SectionKind::Investigation | SectionKind::Response)
    }

    fn id_prefix(self) -> &'static str {
        match self {
            SectionKind::Investigation => "inv",
            SectionKind::Response => "resp",
            SectionKind::FalsePositives => "fp",
            SectionKind::RelatedRules => "rel",
            SectionKind::Other => "other",
        }
    }
}

/// One checklist step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// `inv-<12 hex>` or `resp-<12 hex>`; `-2`, `-3`... for repeated identical steps.
    pub id: String,
    pub section: SectionKind,
    /// Display text (inline Markdown removed, pivots shown as `[label]`).
    pub text: String,
    /// Nesting depth of the list item (0 = top level).
    pub depth: usize,
    /// Pivots of the step, including those of pivot-only sub-items.
    pub pivots: Vec<PivotSpec>,
    /// Index of the step's line in `Guide::lines`.
    pub line: usize,
}

/// What a display line is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LineKind {
    Heading { level: u8 },
    Item { depth: usize, marker: String },
    Text,
    Quote,
    Code { lang: Option<String> },
    TableRow,
    Rule,
    Blank,
}

/// One display line of the guide; the interface wraps and styles it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideLine {
    pub kind: LineKind,
    pub spans: Vec<Span>,
    /// The checklist step this line shows, if any (index into `Guide::steps`).
    pub step: Option<usize>,
}

/// A heading of the guide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    pub level: u8,
    pub kind: SectionKind,
    pub line: usize,
}

/// A parsed guide.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Guide {
    pub lines: Vec<GuideLine>,
    pub sections: Vec<Section>,
    pub steps: Vec<Step>,
    /// Every embedded markup, in document order (`SpanStyle::Embed` indexes this).
    pub embeds: Vec<Embed>,
}

impl Guide {
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }

    /// Finds a step the way a user names it on the command line: its id, a prefix of
    /// its id that only one step has, or its 1-based position in the checklist.
    pub fn find_step(&self, key: &str) -> Result<&Step, String> {
        let key = key.trim();
        if let Some(s) = self.step(key) {
            return Ok(s);
        }
        if let Ok(n) = key.parse::<usize>() {
            return n
                .checked_sub(1)
                .and_then(|i| self.steps.get(i))
                .ok_or_else(|| {
                    format!(
                        "there is no step {n}: the checklist has {} steps",
                        self.steps.len()
                    )
                });
        }
        let mut hits = self.steps.iter().filter(|s| s.id.starts_with(key));
        match (hits.next(), hits.next()) {
            (Some(s), None) if !key.is_empty() => Ok(s),
            (Some(_), Some(_)) => Err(format!(
                "`{key}` matches several steps: give more of the id"
            )),
            _ => Err(format!(
                "no step has the id `{key}`: `vigil alert ID` lists the step ids"
            )),
        }
    }

    /// (ticked steps, all steps) for an alert's triage.
    pub fn progress(&self, triage: &crate::model::triage::AlertTriage) -> (usize, usize) {
        let done = self
            .steps
            .iter()
            .filter(|s| triage.steps.get(&s.id).is_some_and(|st| st.done))
            .count();
        (done, self.steps.len())
    }
}

/// Parses a rule's `note` (Markdown). `transform` is the rule's `[transform]` table as
/// JSON (`{"investigate": [...], "osquery": [...]}`), used to fill `$investigate_N`.
pub fn parse(note: &str, transform: Option<&Value>) -> Guide {
    let substituted = markup::substitute_transform(note, transform);
    let (text, embeds) = markup::extract_embeds(&substituted);
    let label = |i: usize| {
        embeds
            .get(i)
            .map(|e| e.label().to_string())
            .unwrap_or_default()
    };
    let mut guide = Guide::default();
    let mut next_embed = 0usize;
    // (kind, level) of the named section we are in, if any.
    let mut active: Option<(SectionKind, u8)> = None;
    for block in blocks::parse(&text) {
        let first_embed = next_embed;
        let line_index = guide.lines.len();
        match block {
            Block::Heading { level, text } => {
                if active.is_some_and(|(_, l)| level <= l) {
                    active = None;
                }
                let kind = SectionKind::classify(&text);
                if let Some(k) = kind {
                    active = Some((k, level));
                }
                guide.sections.push(Section {
                    title: crate::text::visible(&text).into_owned(),
                    level,
                    kind: kind.unwrap_or(SectionKind::Other),
                    line: line_index,
                });
                let spans = inline::spans(&text, &mut next_embed, &label);
                guide.push(LineKind::Heading { level }, spans);
            }
            Block::Item {
                depth,
                marker,
                text,
            } => {
                let spans = inline::spans(&text, &mut next_embed, &label);
                let section = active.map_or(SectionKind::Other, |(k, _)| k);
                let pivots: Vec<PivotSpec> = (first_embed..next_embed)
                    .filter_map(|i| match embeds.get(i) {
                        Some(Embed::Investigate(p)) => Some(p.clone()),
                        _ => None,
                    })
                    .collect();
                let step = if section.is_checklist() {
                    Some(guide.add_step(section, depth, &text, &spans, pivots, line_index))
                } else {
                    None
                };
                guide.lines.push(GuideLine {
                    kind: LineKind::Item { depth, marker },
                    spans,
                    step,
                });
            }
            Block::Paragraph(t) => {
                let spans = inline::spans(&t, &mut next_embed, &label);
                guide.push(LineKind::Text, spans);
            }
            Block::Quote(t) => {
                let spans = inline::spans(&t, &mut next_embed, &label);
                guide.push(LineKind::Quote, spans);
            }
            Block::TableRow(t) => {
                let spans = inline::spans(&t, &mut next_embed, &label);
                guide.push(LineKind::TableRow, spans);
            }
            Block::Code { lang, lines } => {
                for l in lines {
                    let spans = vec![Span {
                        text: crate::text::visible(&l).into_owned(),
                        style: SpanStyle::Code,
                    }];
                    guide.push(LineKind::Code { lang: lang.clone() }, spans);
                }
            }
            Block::Rule => guide.push(LineKind::Rule, Vec::new()),
            Block::Blank => guide.push(LineKind::Blank, Vec::new()),
        }
    }
    guide.embeds = embeds;
    guide
}

impl Guide {
    fn push(&mut self, kind: LineKind, spans: Vec<Span>) {
        self.lines.push(GuideLine {
            kind,
            spans,
            step: None,
        });
    }

    /// Adds a step, or folds a pivot-only sub-item into the step above it. Returns the
    /// index of the step the line belongs to.
    fn add_step(
        &mut self,
        section: SectionKind,
        depth: usize,
        raw: &str,
        spans: &[Span],
        pivots: Vec<PivotSpec>,
        line: usize,
    ) -> usize {
        let normalized = normalize(raw);
        if normalized.is_empty() && depth > 0 {
            let parent = self
                .steps
                .iter()
                .rposition(|s| s.section == section && s.depth < depth);
            if let Some(p) = parent {
                self.steps[p].pivots.extend(pivots);
                return p;
            }
        }
        let text: String = spans.iter().map(|s| s.text.as_str()).collect();
        let mut h = Sha256::new();
        h.update(section.id_prefix().as_bytes());
        h.update([0]);
        h.update(if normalized.is_empty() {
            text.as_bytes()
        } else {
            normalized.as_bytes()
        });
        let base = format!(
            "{}-{}",
            section.id_prefix(),
            hex::encode(&h.finalize()[..6])
        );
        let mut id = base.clone();
        let mut n = 1;
        while self.steps.iter().any(|s| s.id == id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        self.steps.push(Step {
            id,
            section,
            text,
            depth,
            pivots,
            line,
        });
        self.steps.len() - 1
    }
}

/// Lowercase words of the text, markup and punctuation dropped, single spaces: small
/// edits of formatting keep the id, edits of wording change it.
fn normalize(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for word in raw
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

pub use render::to_text;

#[cfg(test)]
mod tests;

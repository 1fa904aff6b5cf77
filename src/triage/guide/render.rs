//! The guide as plain text with checkboxes, for the CLI and for case notes.

use super::{Guide, LineKind, SpanStyle};
use crate::model::triage::AlertTriage;

/// Renders the guide; step lines get `[x]`/`[ ]` from `triage` (unchecked when `None`)
/// and their id, so `vigil alert ID check STEP` can refer to them.
pub fn to_text(guide: &Guide, triage: Option<&AlertTriage>) -> String {
    let mut out = String::new();
    for (i, line) in guide.lines.iter().enumerate() {
        let mut text = String::new();
        for span in &line.spans {
            match &span.style {
                SpanStyle::Code if !matches!(line.kind, LineKind::Code { .. }) => {
                    text.push('`');
                    text.push_str(&span.text);
                    text.push('`');
                }
                SpanStyle::Link(url) if *url != span.text => {
                    text.push_str(&format!("{} <{}>", span.text, url));
                }
                _ => text.push_str(&span.text),
            }
        }
        match &line.kind {
            LineKind::Heading { level } => {
                out.push_str(&"#".repeat(usize::from(*level)));
                out.push(' ');
                out.push_str(&text);
            }
            LineKind::Item { depth, marker } => {
                out.push_str(&"  ".repeat(*depth));
                let step = line
                    .step
                    .and_then(|s| guide.steps.get(s))
                    .filter(|s| s.line == i);
                match step {
                    Some(step) => {
                        let done = triage
                            .and_then(|t| t.steps.get(&step.id))
                            .is_some_and(|s| s.done);
                        let mark = if done { "[x]" } else { "[ ]" };
                        out.push_str(&format!("{marker} {mark} {text}  ({})", step.id));
                    }
                    None => out.push_str(&format!("{marker} {text}")),
                }
            }
            LineKind::Quote => {
                out.push_str("> ");
                out.push_str(&text);
            }
            LineKind::Code { .. } => {
                out.push_str("    ");
                out.push_str(&text);
            }
            LineKind::Rule => out.push_str("----"),
            LineKind::Text | LineKind::TableRow | LineKind::Blank => out.push_str(&text),
        }
        out.push('\n');
    }
    out
}

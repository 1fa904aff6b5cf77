//! Kibana's Markdown plugins inside a guide: `$investigate_N` / `$osquery_N` placeholders
//! filled from the rule's `[transform]` table, then `!{investigate{...}}` and
//! `!{osquery{...}}` markups cut out of the text and replaced by a marker character so
//! the Markdown parser sees one inert character where a (possibly multi-line) JSON was.

use crate::triage::pivot::PivotSpec;
use serde_json::Value;

/// Stands for one embedded markup in the text handed to the Markdown parser.
pub const EMBED_MARK: char = '\u{fffc}';

/// One markup found in the guide, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Embed {
    Investigate(PivotSpec),
    /// An Osquery button: shown by label, not run (vigil has no live hosts).
    Osquery {
        label: String,
    },
    /// A markup whose JSON did not parse; shown as its raw text.
    Invalid(String),
}

impl Embed {
    pub fn label(&self) -> &str {
        match self {
            Embed::Investigate(p) => &p.label,
            Embed::Osquery { label } => label,
            Embed::Invalid(raw) => raw,
        }
    }
}

/// Python `string.Template.safe_substitute` over `$investigate_N` and `$osquery_N`:
/// `$$` is a literal `$`, unknown placeholders are left as written.
pub fn substitute_transform(note: &str, transform: Option<&Value>) -> String {
    let mut out = String::with_capacity(note.len());
    let mut rest = note;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
            continue;
        }
        let (name, consumed) = match after.strip_prefix('{') {
            Some(inner) => match inner.find('}') {
                Some(end) => (&inner[..end], end + 2),
                None => ("", 0),
            },
            None => {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], end)
            }
        };
        match transform_entry(name, transform) {
            Some(markup) => {
                out.push_str(&markup);
                rest = &after[consumed..];
            }
            None => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn transform_entry(name: &str, transform: Option<&Value>) -> Option<String> {
    let (kind, index) = name.rsplit_once('_')?;
    if kind != "investigate" && kind != "osquery" {
        return None;
    }
    let index: usize = index.parse().ok()?;
    let entry = transform?.get(kind)?.as_array()?.get(index)?;
    Some(format!("!{{{kind}{entry}}}"))
}

/// Cuts every `!{investigate{...}}` / `!{osquery{...}}` out of `text`, replacing each with
/// [`EMBED_MARK`]. Any marker character already present is neutralised first.
pub fn extract_embeds(text: &str) -> (String, Vec<Embed>) {
    let text = text.replace(EMBED_MARK, "\u{fffd}");
    let mut out = String::with_capacity(text.len());
    let mut embeds = Vec::new();
    let mut rest = text.as_str();
    while let Some(pos) = rest.find("!{") {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 2..];
        let kind = ["investigate", "osquery"]
            .into_iter()
            .find(|k| after.starts_with(k) && after[k.len()..].starts_with('{'));
        let Some(kind) = kind else {
            out.push_str("!{");
            rest = after;
            continue;
        };
        let json_text = &after[kind.len()..];
        let mut stream = serde_json::Deserializer::from_str(json_text).into_iter::<Value>();
        let parsed = stream.next();
        let end = stream.byte_offset();
        let closed = json_text[end..].trim_start().starts_with('}');
        match parsed {
            Some(Ok(v)) if closed => {
                let close = end + json_text[end..].find('}').map_or(0, |i| i + 1);
                embeds.push(embed_from(kind, &v));
                out.push(EMBED_MARK);
                rest = &json_text[close..];
            }
            _ => {
                // Keep the raw text on the line it was on; only a one-line excerpt is shown.
                let raw_end = json_text.find('\n').unwrap_or(json_text.len());
                let raw = format!("!{{{kind}{}", &json_text[..raw_end]);
                embeds.push(Embed::Invalid(raw));
                out.push(EMBED_MARK);
                rest = &json_text[raw_end..];
            }
        }
    }
    out.push_str(rest);
    (out, embeds)
}

fn embed_from(kind: &str, v: &Value) -> Embed {
    if kind == "osquery" {
        let label = v
            .get("label")
            .and_then(Value::as_str)
            .unwrap_or("Osquery")
            .to_string();
        return Embed::Osquery { label };
    }
    match PivotSpec::from_json(v) {
        Some(spec) => Embed::Investigate(spec),
        None => Embed::Invalid(v.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn transform_placeholders_follow_template_rules() {
        let t =
            json!({"investigate": [{"label": "A", "providers": []}], "osquery": [{"label": "Q"}]});
        let out = substitute_transform(
            "x $investigate_0 ${osquery_0} $$5 $investigate_9 $other $",
            Some(&t),
        );
        assert_eq!(
            out,
            r#"x !{investigate{"label":"A","providers":[]}} !{osquery{"label":"Q"}} $5 $investigate_9 $other $"#
        );
        assert_eq!(
            substitute_transform("$investigate_0", None),
            "$investigate_0"
        );
    }

    #[test]
    fn markups_are_cut_out_even_across_lines() {
        let text = "- step !{investigate{\n  \"label\": \"L {braces}\",\n  \"providers\": []\n}} after\n- !{osquery{\"label\":\"Q\"}}\n- !{investigate{not json}}\n- plain !{other} \u{fffc}";
        let (out, embeds) = extract_embeds(text);
        assert_eq!(
            out,
            "- step \u{fffc} after\n- \u{fffc}\n- \u{fffc}\n- plain !{other} \u{fffd}"
        );
        assert_eq!(embeds.len(), 3);
        assert_eq!(embeds[0].label(), "L {braces}");
        assert_eq!(embeds[1], Embed::Osquery { label: "Q".into() });
        assert!(matches!(&embeds[2], Embed::Invalid(raw) if raw.starts_with("!{investigate{not")));
    }
}

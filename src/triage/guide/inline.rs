//! Inline Markdown of a guide line turned into styled spans: code, strong, emphasis,
//! links and the embedded pivots. Control characters are escaped visibly here, so the
//! interface can print spans as they are.

use super::markup::EMBED_MARK;
use crate::text::visible;
use serde::{Deserialize, Serialize};

/// How a span should look.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "style", content = "arg", rename_all = "snake_case")]
pub enum SpanStyle {
    Plain,
    Strong,
    Emphasis,
    Code,
    Link(String),
    /// An embedded markup; the index refers to `Guide::embeds`.
    Embed(usize),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub text: String,
    pub style: SpanStyle,
}

/// Splits one line of Markdown into spans. `next_embed` numbers embed markers in document
/// order across lines; `label` gives an embed's display text.
pub fn spans(text: &str, next_embed: &mut usize, label: &dyn Fn(usize) -> String) -> Vec<Span> {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<Span> = Vec::new();
    let mut plain = String::new();
    let mut i = 0;
    let flush = |plain: &mut String, out: &mut Vec<Span>| {
        if !plain.is_empty() {
            out.push(span(std::mem::take(plain), SpanStyle::Plain));
        }
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if chars.get(i + 1).is_some_and(|n| n.is_ascii_punctuation()) => {
                plain.push(chars[i + 1]);
                i += 2;
            }
            EMBED_MARK => {
                flush(&mut plain, &mut out);
                let n = *next_embed;
                *next_embed += 1;
                out.push(span(format!("[{}]", label(n)), SpanStyle::Embed(n)));
                i += 1;
            }
            '`' => {
                let run = count(&chars, i, '`');
                match find_run(&chars, i + run, '`', run) {
                    Some(end) => {
                        flush(&mut plain, &mut out);
                        let code: String = chars[i + run..end].iter().collect();
                        out.push(span(code.trim().to_string(), SpanStyle::Code));
                        i = end + run;
                    }
                    None => {
                        plain.extend(&chars[i..i + run]);
                        i += run;
                    }
                }
            }
            '*' | '_' => {
                let run = count(&chars, i, c).min(2);
                let closing = find_run(&chars, i + run, c, run).filter(|&e| e > i + run);
                match closing {
                    Some(end) => {
                        flush(&mut plain, &mut out);
                        let inner: String = chars[i + run..end].iter().collect();
                        let style = if run == 2 {
                            SpanStyle::Strong
                        } else {
                            SpanStyle::Emphasis
                        };
                        out.push(span(inner, style));
                        i = end + run;
                    }
                    None => {
                        plain.extend(&chars[i..i + run]);
                        i += run;
                    }
                }
            }
            '[' => match link(&chars, i) {
                Some((label_text, url, end)) => {
                    flush(&mut plain, &mut out);
                    out.push(span(label_text, SpanStyle::Link(url)));
                    i = end;
                }
                None => {
                    plain.push(c);
                    i += 1;
                }
            },
            '<' => match chars[i + 1..].iter().position(|&x| x == '>') {
                Some(rel) if is_url(&chars[i + 1..i + 1 + rel]) => {
                    flush(&mut plain, &mut out);
                    let url: String = chars[i + 1..i + 1 + rel].iter().collect();
                    out.push(span(url.clone(), SpanStyle::Link(url)));
                    i += rel + 2;
                }
                _ => {
                    plain.push(c);
                    i += 1;
                }
            },
            _ => {
                plain.push(c);
                i += 1;
            }
        }
    }
    flush(&mut plain, &mut out);
    out
}

fn span(text: String, style: SpanStyle) -> Span {
    let style = match style {
        SpanStyle::Link(url) => SpanStyle::Link(visible(&url).into_owned()),
        other => other,
    };
    Span {
        text: visible(&text).into_owned(),
        style,
    }
}

fn count(chars: &[char], from: usize, c: char) -> usize {
    chars[from..].iter().take_while(|&&x| x == c).count()
}

/// The start of the next run of exactly `len` characters `c` at or after `from`.
fn find_run(chars: &[char], from: usize, c: char, len: usize) -> Option<usize> {
    let mut i = from;
    while i < chars.len() {
        if chars[i] == c {
            let run = count(chars, i, c);
            if run == len {
                return Some(i);
            }
            i += run;
        } else {
            i += 1;
        }
    }
    None
}

/// `[label](url)` starting at `start`: (label, url, index after the closing paren).
fn link(chars: &[char], start: usize) -> Option<(String, String, usize)> {
    let close = start + 1 + chars[start + 1..].iter().position(|&c| c == ']')?;
    if chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let end = close + 2 + chars[close + 2..].iter().position(|&c| c == ')')?;
    let label: String = chars[start + 1..close].iter().collect();
    let url: String = chars[close + 2..end].iter().collect();
    let url = url
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string();
    Some((label, url, end + 1))
}

fn is_url(chars: &[char]) -> bool {
    let s: String = chars.iter().collect();
    (s.starts_with("http://") || s.starts_with("https://")) && !s.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn styles(text: &str) -> Vec<(String, SpanStyle)> {
        let mut n = 0;
        spans(text, &mut n, &|i| format!("pivot {i}"))
            .into_iter()
            .map(|s| (s.text, s.style))
            .collect()
    }

    #[test]
    fn inline_table() {
        use SpanStyle::*;
        let p = |s: &str| (s.to_string(), Plain);
        assert_eq!(
            styles("Run `net user` **now** or *later* [docs](https://x.y/z \"t\") <https://a.b>"),
            vec![
                p("Run "),
                ("net user".into(), Code),
                p(" "),
                ("now".into(), Strong),
                p(" or "),
                ("later".into(), Emphasis),
                p(" "),
                ("docs".into(), Link("https://x.y/z".into())),
                p(" "),
                ("https://a.b".into(), Link("https://a.b".into())),
            ]
        );
        assert_eq!(styles("a \\*b\\* c_d *"), vec![p("a *b* c_d *")]);
        assert_eq!(
            styles("x \u{fffc}"),
            vec![p("x "), ("[pivot 0]".into(), Embed(0))]
        );
        assert_eq!(styles("esc \u{1b}[2J"), vec![p("esc \\u{1b}[2J")]);
        assert_eq!(
            styles("unclosed `code and [link"),
            vec![p("unclosed `code and [link")]
        );
    }
}

//! Making attacker-controlled text inert before it is shown or written out.
//!
//! Event fields can carry escape sequences, newlines and other control characters.
//! Everything that leaves vigil for a human (guide display, tree text, case notes)
//! goes through [`visible`], which spells such characters out (`\u{1b}`) instead.
//! Also [`split_quoted`], the one word splitter for filters analysts type.

use std::borrow::Cow;

/// Replaces every control character (C0, DEL, C1) and the Unicode line/paragraph
/// separators and bidi overrides with a visible `\u{..}` escape; `\n` and `\t` become `\n`
/// and `\t`. Borrowed when nothing needed escaping.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_visible(&mut out, c);
    }
    Cow::Owned(out)
}

fn push_visible(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        c => out.push(c),
    }
}

/// Characters that must never reach a terminal or a document raw.
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}' | '\u{feff}'
        )
}

/// Cuts `s` to at most `max` characters, ending with `…` when something was cut.
pub fn truncate_chars(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some(_) => {
            let keep: String = s.chars().take(max.saturating_sub(1)).collect();
            Cow::Owned(format!("{keep}…"))
        }
    }
}

/// Splits on whitespace outside double quotes, removing the quotes; `None` when a quote
/// is left open.
pub fn split_quoted(text: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if quoted {
        return None;
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_quoted_keeps_quoted_spaces_and_refuses_open_quotes() {
        let words = split_quoted("  host:\"WKS 01\"   user:bob ").unwrap();
        assert_eq!(words, ["host:WKS 01", "user:bob"]);
        assert_eq!(split_quoted(""), Some(vec![]));
        assert_eq!(split_quoted("a \"b"), None);
    }

    #[test]
    fn control_characters_are_spelled_out() {
        let cases = [
            ("plain", "plain"),
            ("a\u{1b}[31mred", "a\\u{1b}[31mred"),
            ("two\nlines", "two\\nlines"),
            ("tab\there", "tab\\there"),
            ("bell\u{7}", "bell\\u{7}"),
            ("c1\u{9b}x", "c1\\u{9b}x"),
            ("rtl\u{202e}txt", "rtl\\u{202e}txt"),
            ("del\u{7f}", "del\\u{7f}"),
        ];
        for (input, want) in cases {
            assert_eq!(visible(input), want, "input {input:?}");
        }
    }

    #[test]
    fn untouched_text_is_borrowed() {
        assert!(matches!(visible("C:\\Windows\\net.exe"), Cow::Borrowed(_)));
    }

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(truncate_chars("abcdef", 4), "abc…");
        assert_eq!(truncate_chars("abc", 4), "abc");
        assert_eq!(truncate_chars("ééééé", 3), "éé…");
    }
}

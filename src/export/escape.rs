//! Making event data safe inside Markdown: control characters spelled out, every ASCII
//! punctuation character that Markdown could read as syntax backslash-escaped, and code
//! fences longer than any backtick run in their content.

use crate::text::visible;

/// Inline text: renders as exactly the characters given (controls shown as `\u{..}`).
/// Newlines are spelled out too, so the text never starts a line; characters that only
/// mean something at the start of a line (`-`, `+`, `.`) are therefore left alone.
pub fn md_text(s: &str) -> String {
    let v = visible(s);
    let mut out = String::with_capacity(v.len() + 8);
    for c in v.chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '['
                | ']'
                | '('
                | ')'
                | '#'
                | '!'
                | '|'
                | '<'
                | '>'
                | '~'
                | '&'
                | '{'
                | '}'
                | '$'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A fenced code block holding `body` (already free of control characters except `\n`).
pub fn fenced(body: &str, info: &str) -> String {
    let longest = longest_run(body, '`');
    let fence = "`".repeat((longest + 1).max(3));
    let mut out = format!("{fence}{info}\n{body}");
    if !body.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&fence);
    out.push('\n');
    out
}

fn longest_run(s: &str, c: char) -> usize {
    let (mut best, mut cur) = (0, 0);
    for x in s.chars() {
        if x == c {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

/// A file name derived from untrusted text: ASCII letters, digits and `-` only, no
/// leading dot, bounded length, never empty.
pub fn slug(s: &str, max: usize, fallback: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= max {
            break;
        }
    }
    let trimmed = out.trim_matches('-');
    if trimmed.is_empty() {
        fallback.to_string()
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_metacharacters_are_escaped() {
        let cases = [
            ("plain words", "plain words"),
            ("# heading", "\\# heading"),
            ("[link](http://x)", "\\[link\\]\\(http://x\\)"),
            ("a\nb", "a\\\\nb"),
            ("esc\u{1b}[31m", "esc\\\\u\\{1b\\}\\[31m"),
            ("C:\\Windows", "C:\\\\Windows"),
            ("<script>", "\\<script\\>"),
            ("`code`", "\\`code\\`"),
        ];
        for (input, want) in cases {
            assert_eq!(md_text(input), want, "{input:?}");
        }
    }

    #[test]
    fn fences_outgrow_backticks_in_content() {
        assert_eq!(fenced("a", "text"), "```text\na\n```\n");
        assert_eq!(fenced("x ```` y", ""), "`````\nx ```` y\n`````\n");
    }

    #[test]
    fn slugs_are_safe_file_name_parts() {
        let cases = [
            ("User Account Creation", "user-account-creation"),
            ("../../etc/passwd", "etc-passwd"),
            ("..", "x"),
            ("a\u{0}b\nc", "a-b-c"),
            ("ÄÖÜ", "x"),
        ];
        for (input, want) in cases {
            assert_eq!(slug(input, 40, "x"), want, "{input:?}");
        }
        assert!(slug(&"a".repeat(500), 40, "x").len() <= 40);
    }
}

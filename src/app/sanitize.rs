//! The one place where text from events and alerts is made safe for the terminal.
//!
//! Event fields are attacker-controlled: an ESC byte could move the cursor, recolour the
//! screen or set the window title (OSC). Every string from event or alert data goes
//! through [`sanitize`], which replaces control characters, escape sequences' introducers
//! and invisible bidirectional/format characters with a visible escape such as `\x1b`.

use std::borrow::Cow;

/// True when `c` must never be written to the terminal as is.
pub fn is_hostile(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2069}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
        )
}

/// Returns `s` with every hostile character replaced by a visible escape. A backslash is
/// left alone: the escapes are styled differently by the views (see [`pieces`]).
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_hostile) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_hostile(c) {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn push_escape(out: &mut String, c: char) {
    let code = u32::from(c);
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        _ if code <= 0xff => out.push_str(&format!("\\x{code:02x}")),
        _ => out.push_str(&format!("\\u{{{code:04x}}}")),
    }
}

/// One run of sanitized text: plain text, or the visible escape of hostile characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Escaped(String),
}

/// Splits `s` into plain and escaped runs so a view can style escapes distinctly
/// (an attacker cannot then fake an escape with a literal backslash sequence unnoticed).
pub fn pieces(s: &str) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    for c in s.chars() {
        if is_hostile(c) {
            match out.last_mut() {
                Some(Piece::Escaped(e)) => push_escape(e, c),
                _ => {
                    let mut e = String::new();
                    push_escape(&mut e, c);
                    out.push(Piece::Escaped(e));
                }
            }
        } else {
            match out.last_mut() {
                Some(Piece::Text(t)) => t.push(c),
                _ => out.push(Piece::Text(c.to_string())),
            }
        }
    }
    out
}

/// Keeps at most `max` characters, marking the cut with an ellipsis.
pub fn truncate_chars(s: &str, max: usize) -> Cow<'_, str> {
    if s.chars().count() <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_payloads_become_visible() {
        let cases = [
            ("plain net.exe", "plain net.exe"),
            ("\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H"),
            ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),
            ("a\u{9b}31mb", "a\\x9b31mb"),
            ("line1\nline2\r", "line1\\nline2\\r"),
            ("evil\u{202e}exe.txt", "evil\\u{202e}exe.txt"),
            ("nul\0del\x7f", "nul\\x00del\\x7f"),
            ("zero\u{200b}width", "zero\\u{200b}width"),
        ];
        for (input, want) in cases {
            let got = sanitize(input);
            assert_eq!(got, want, "input {input:?}");
            assert!(!got.chars().any(is_hostile));
        }
    }

    #[test]
    fn clean_text_is_not_copied() {
        assert!(matches!(sanitize("C:\\Windows\\net.exe"), Cow::Borrowed(_)));
    }

    #[test]
    fn pieces_separate_escapes() {
        assert_eq!(
            pieces("a\x1b\x1bb"),
            vec![
                Piece::Text("a".into()),
                Piece::Escaped("\\x1b\\x1b".into()),
                Piece::Text("b".into())
            ]
        );
    }

    #[test]
    fn truncation_marks_the_cut() {
        assert_eq!(truncate_chars("abcdef", 4), "abc…");
        assert_eq!(truncate_chars("abc", 4), "abc");
        assert_eq!(truncate_chars("abc", 0), "");
    }
}

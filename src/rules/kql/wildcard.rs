//! Whole-value wildcard patterns as Elasticsearch's `wildcard` query runs them.
//!
//! Kibana hands a KQL value that contains an unescaped `*` to a Lucene wildcard query,
//! where `*` is any run of characters, `?` exactly one character and `\` escapes the
//! next character. Patterns are split into literal segments once, at compile time, so
//! matching is a few prefix/suffix/substring searches without allocation.

use memchr::memmem;

/// One piece of a segment between two `*`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Literal(String),
    AnyChar,
}

/// A compiled whole-value wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WildcardPattern {
    /// Segments between `*`; the first is anchored at the start and the last at the end
    /// unless the pattern starts or ends with `*`.
    segments: Vec<Vec<Piece>>,
    leading_star: bool,
    trailing_star: bool,
    /// The pattern as written, for messages and tests.
    source: String,
}

impl WildcardPattern {
    /// Parses Lucene wildcard syntax (`*`, `?`, `\` escapes).
    pub fn parse_lucene(text: &str) -> Self {
        let mut segments: Vec<Vec<Piece>> = vec![Vec::new()];
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            let piece = match c {
                '*' => {
                    segments.push(Vec::new());
                    continue;
                }
                '?' => Piece::AnyChar,
                '\\' => match chars.next() {
                    Some(escaped) => literal(escaped),
                    None => literal('\\'),
                },
                other => literal(other),
            };
            if let Some(seg) = segments.last_mut() {
                push_piece(seg, piece);
            }
        }
        let leading_star = segments.first().is_some_and(Vec::is_empty) && segments.len() > 1;
        let trailing_star = segments.last().is_some_and(Vec::is_empty) && segments.len() > 1;
        let segments: Vec<Vec<Piece>> = segments.into_iter().filter(|s| !s.is_empty()).collect();
        WildcardPattern {
            segments,
            leading_star,
            trailing_star,
            source: text.to_string(),
        }
    }

    /// Lowercases the literal parts (for case-insensitive fields).
    pub fn to_lowercase(&self) -> Self {
        let segments = self
            .segments
            .iter()
            .map(|seg| {
                seg.iter()
                    .map(|p| match p {
                        Piece::Literal(s) => Piece::Literal(s.to_lowercase()),
                        Piece::AnyChar => Piece::AnyChar,
                    })
                    .collect()
            })
            .collect();
        WildcardPattern {
            segments,
            leading_star: self.leading_star,
            trailing_star: self.trailing_star,
            source: self.source.to_lowercase(),
        }
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// True when the whole of `value` matches the pattern.
    pub fn matches(&self, value: &str) -> bool {
        let n = self.segments.len();
        if n == 0 {
            // Only stars (or nothing): `*` matches anything, the empty pattern only "".
            return self.leading_star || value.is_empty();
        }
        let has_star = self.leading_star || self.trailing_star || n > 1;
        if !has_star {
            return match_exact(&self.segments[0], value);
        }
        let mut rest = value;
        let mut first = 0;
        let mut last = n;
        if !self.leading_star {
            match match_prefix(&self.segments[0], rest) {
                Some(len) => rest = &rest[len..],
                None => return false,
            }
            first = 1;
        }
        let mut tail_needed: Option<&[Piece]> = None;
        if !self.trailing_star && last > first {
            tail_needed = Some(&self.segments[n - 1]);
            last = n - 1;
        } else if !self.trailing_star && last == first {
            // The only segment was anchored at the start and consumed the whole pattern.
            return rest.is_empty();
        }
        for seg in &self.segments[first..last] {
            match find_segment(seg, rest) {
                Some(end) => rest = &rest[end..],
                None => return false,
            }
        }
        match tail_needed {
            Some(seg) => match_suffix(seg, rest),
            None => true,
        }
    }
}

fn literal(c: char) -> Piece {
    Piece::Literal(c.to_string())
}

fn push_piece(seg: &mut Vec<Piece>, piece: Piece) {
    if let (Some(Piece::Literal(prev)), Piece::Literal(next)) = (seg.last_mut(), &piece) {
        prev.push_str(next);
        return;
    }
    seg.push(piece);
}

/// Length in bytes that `seg` consumes at the start of `value`, if it matches there.
fn match_prefix(seg: &[Piece], value: &str) -> Option<usize> {
    let mut pos = 0;
    for piece in seg {
        match piece {
            Piece::Literal(lit) => {
                if !value[pos..].starts_with(lit.as_str()) {
                    return None;
                }
                pos += lit.len();
            }
            Piece::AnyChar => {
                let c = value[pos..].chars().next()?;
                pos += c.len_utf8();
            }
        }
    }
    Some(pos)
}

fn match_exact(seg: &[Piece], value: &str) -> bool {
    match_prefix(seg, value) == Some(value.len())
}

fn seg_char_len(seg: &[Piece]) -> usize {
    seg.iter()
        .map(|p| match p {
            Piece::Literal(s) => s.chars().count(),
            Piece::AnyChar => 1,
        })
        .sum()
}

/// Whether `seg` matches exactly the end of `value`.
fn match_suffix(seg: &[Piece], value: &str) -> bool {
    let want = seg_char_len(seg);
    let Some((start, _)) = value.char_indices().rev().nth(want.saturating_sub(1)) else {
        return want == 0 && value.is_empty();
    };
    if want == 0 {
        return true;
    }
    match_exact(seg, &value[start..])
}

/// Leftmost occurrence of `seg` in `value`; returns the byte offset just past it.
fn find_segment(seg: &[Piece], value: &str) -> Option<usize> {
    if let [Piece::Literal(lit)] = seg {
        return memmem::find(value.as_bytes(), lit.as_bytes()).map(|i| i + lit.len());
    }
    for (start, _) in value.char_indices() {
        if let Some(len) = match_prefix(seg, &value[start..]) {
            return Some(start + len);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_table() {
        let cases: &[(&str, &str, bool)] = &[
            ("*", "", true),
            ("*", "anything", true),
            ("", "", true),
            ("", "x", false),
            ("abc", "abc", true),
            ("abc", "abcd", false),
            ("a*", "abc", true),
            ("a*", "bac", false),
            ("*c", "abc", true),
            ("*c", "abd", false),
            ("*b*", "abc", true),
            ("*b*", "acd", false),
            ("a*c", "abbbc", true),
            ("a*c", "ac", true),
            ("a*c", "acb", false),
            ("a?c", "abc", true),
            ("a?c", "ac", false),
            ("a?c", "aéc", true),
            ("?:\\\\Windows\\\\*", "C:\\Windows\\x.exe", true),
            ("?:\\\\Windows\\\\*", "CC:\\Windows\\x.exe", false),
            ("*x*y*", "axbyc", true),
            ("*x*y*", "aybxc", false),
            ("*ab*ab", "abab", true),
            ("*aa", "aaa", true),
            ("a*a", "a", false),
            ("\\*lit", "*lit", true),
            ("\\*lit", "xlit", false),
            ("*\\?", "why?", true),
            ("*\\?", "why!", false),
            ("**", "x", true),
        ];
        for (pat, value, want) in cases {
            let p = WildcardPattern::parse_lucene(pat);
            assert_eq!(p.matches(value), *want, "pattern {pat:?} on {value:?}");
        }
    }

    #[test]
    fn lowercasing_keeps_structure() {
        let p = WildcardPattern::parse_lucene("*CMD?EXE").to_lowercase();
        assert!(p.matches("c:\\cmd.exe"));
        assert!(!p.matches("c:\\CMD.EXE"));
    }
}

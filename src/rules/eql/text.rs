//! Case folding and wildcard matching without allocating per event.
//!
//! Patterns are folded once at compile time; event values are folded character by
//! character while comparing. Folding is Unicode simple lowercase (one char to one char),
//! as Elasticsearch does for `:`, `like~`, `in~` and the `~` functions. `*` matches any run
//! of characters and `?` exactly one; there is no escape, and the whole value must match.

/// Simple lowercase of one character.
pub fn fold_char(c: char) -> char {
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        c.to_lowercase().next().unwrap_or(c)
    }
}

/// Folds a whole string (compile time only).
pub fn fold(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

fn same(a: char, b: char, insensitive: bool) -> bool {
    a == b || (insensitive && fold_char(a) == fold_char(b))
}

/// ASCII-only texts fold byte by byte (`fold_char` is ASCII lowercase there), so the
/// insensitive comparisons below take a byte path when both sides are ASCII. A non-ASCII
/// side takes the general path: some non-ASCII characters fold to ASCII ones (the
/// Kelvin sign to `k`), so byte lengths say nothing then.
fn both_ascii(a: &str, b: &str) -> bool {
    a.is_ascii() && b.is_ascii()
}

/// Whole-value equality; `pattern` is already folded when `insensitive`.
pub fn equals(value: &str, pattern: &str, insensitive: bool) -> bool {
    if !insensitive {
        return value == pattern;
    }
    if both_ascii(value, pattern) {
        return value.len() == pattern.len()
            && value
                .bytes()
                .zip(pattern.bytes())
                .all(|(a, b)| a.to_ascii_lowercase() == b);
    }
    let mut v = value.chars();
    let mut p = pattern.chars();
    loop {
        match (v.next(), p.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if fold_char(a) == b => {}
            _ => return false,
        }
    }
}

pub fn starts_with(value: &str, prefix: &str, insensitive: bool) -> bool {
    if !insensitive {
        return value.starts_with(prefix);
    }
    if both_ascii(value, prefix) {
        return value
            .as_bytes()
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()));
    }
    let mut v = value.chars();
    prefix
        .chars()
        .all(|p| v.next().is_some_and(|c| same(c, p, true)))
}

pub fn ends_with(value: &str, suffix: &str, insensitive: bool) -> bool {
    if !insensitive {
        return value.ends_with(suffix);
    }
    if both_ascii(value, suffix) {
        return value
            .len()
            .checked_sub(suffix.len())
            .and_then(|start| value.as_bytes().get(start..))
            .is_some_and(|tail| tail.eq_ignore_ascii_case(suffix.as_bytes()));
    }
    let mut v = value.chars().rev();
    suffix
        .chars()
        .rev()
        .all(|p| v.next().is_some_and(|c| same(c, p, true)))
}

/// Byte offset of the first occurrence of `needle` in `hay` at or after byte `from`.
pub fn find(hay: &str, needle: &str, from: usize, insensitive: bool) -> Option<usize> {
    let tail = hay.get(from..)?;
    if !insensitive {
        return tail.find(needle).map(|i| i + from);
    }
    if both_ascii(tail, needle) {
        let (t, n) = (tail.as_bytes(), needle.as_bytes());
        let Some(&first) = n.first() else {
            return Some(from);
        };
        let first = first.to_ascii_lowercase();
        let last_start = t.len().checked_sub(n.len())?;
        return (0..=last_start)
            .find(|&i| {
                t.get(i).map(u8::to_ascii_lowercase) == Some(first)
                    && t.get(i..i + n.len())
                        .is_some_and(|w| w.eq_ignore_ascii_case(n))
            })
            .map(|i| i + from);
    }
    for (i, _) in tail.char_indices() {
        if starts_with(&tail[i..], needle, true) {
            return Some(i + from);
        }
    }
    if needle.is_empty() {
        return Some(hay.len());
    }
    None
}

pub fn contains(hay: &str, needle: &str, insensitive: bool) -> bool {
    find(hay, needle, 0, insensitive).is_some()
}

use super::glob::{PatChar, glob};

/// What a value must look like, folded, for a pattern to have a chance to match.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Needle {
    Exact(String),
    Prefix(String),
    Suffix(String),
    /// Found anywhere in the value (aho-corasick over the field).
    Contains(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    Exact(String),
    Prefix(String),
    Suffix(String),
    Contains(String),
    General(Vec<PatChar>),
}

/// The literal shapes of a pattern: the whole value, a prefix (`lit*`), a suffix (`*lit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Affix {
    Exact,
    Prefix,
    Suffix,
}

/// A compiled `:`/`like` pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wildcard {
    shape: Shape,
    insensitive: bool,
    /// The pattern text is ASCII (see `matches_ascii_affix`).
    ascii: bool,
}

impl Wildcard {
    pub fn new(pattern: &str, insensitive: bool) -> Self {
        let text = if insensitive {
            fold(pattern)
        } else {
            pattern.to_string()
        };
        let inner_wild = |s: &str| s.contains(['*', '?']);
        let shape = if !inner_wild(&text) {
            Shape::Exact(text)
        } else if let Some(rest) = text.strip_suffix('*').filter(|r| !inner_wild(r)) {
            Shape::Prefix(rest.to_string())
        } else if let Some(rest) = text.strip_prefix('*').filter(|r| !inner_wild(r)) {
            Shape::Suffix(rest.to_string())
        } else if let Some(mid) = text
            .strip_prefix('*')
            .and_then(|r| r.strip_suffix('*'))
            .filter(|m| !inner_wild(m))
        {
            Shape::Contains(mid.to_string())
        } else {
            Shape::General(
                text.chars()
                    .map(|c| match c {
                        '*' => PatChar::Any,
                        '?' => PatChar::One,
                        c => PatChar::Lit(c),
                    })
                    .collect(),
            )
        };
        Wildcard {
            shape,
            insensitive,
            ascii: pattern.is_ascii(),
        }
    }

    /// A literal the value must equal, start with, end with or contain, folded, for
    /// indexing: the longest literal run of the pattern (affixes win ties, being cheaper
    /// to look up); runs shorter than three characters are not worth it.
    pub fn needle(&self) -> Option<Needle> {
        let long = |s: &str| s.chars().count() >= 3;
        match &self.shape {
            Shape::Exact(s) => Some(Needle::Exact(fold(s))),
            Shape::Prefix(s) if long(s) => Some(Needle::Prefix(fold(s))),
            Shape::Suffix(s) if long(s) => Some(Needle::Suffix(fold(s))),
            Shape::Contains(s) if long(s) => Some(Needle::Contains(fold(s))),
            Shape::General(p) => general_needle(p),
            _ => None,
        }
    }

    pub fn insensitive(&self) -> bool {
        self.insensitive
    }

    /// The pattern as a whole value, prefix or suffix (folded when insensitive) after a
    /// number of leading `?` (`?:\\Windows\\*` is a prefix after one character), when it
    /// has one of those shapes.
    pub fn affix(&self) -> Option<(Affix, usize, String)> {
        match &self.shape {
            Shape::Exact(s) => Some((Affix::Exact, 0, s.clone())),
            Shape::Prefix(s) => Some((Affix::Prefix, 0, s.clone())),
            Shape::Suffix(s) => Some((Affix::Suffix, 0, s.clone())),
            Shape::Contains(_) => None,
            Shape::General(p) => {
                let skip = p.iter().take_while(|c| **c == PatChar::One).count();
                let rest = p.get(skip..)?;
                let (kind, lits) = match rest.split_last() {
                    Some((PatChar::Any, head)) => (Affix::Prefix, head),
                    _ => (Affix::Exact, rest),
                };
                let text = lits
                    .iter()
                    .map(|c| match c {
                        PatChar::Lit(ch) => Some(*ch),
                        _ => None,
                    })
                    .collect::<Option<String>>()?;
                (skip > 0).then_some((kind, skip, text))
            }
        }
    }

    /// A rough relative cost of matching one value (see `conjunct_order`).
    pub fn cost(&self) -> u32 {
        match &self.shape {
            Shape::Exact(_) | Shape::Prefix(_) | Shape::Suffix(_) => 1,
            Shape::Contains(_) => 3,
            Shape::General(p) => 4 + u32::try_from(p.len() / 8).unwrap_or(16),
        }
    }

    pub fn matches(&self, value: &str) -> bool {
        let ci = self.insensitive;
        if ci
            && self.ascii
            && let Some(decided) = self.matches_ascii_affix(value.as_bytes())
        {
            return decided;
        }
        match &self.shape {
            Shape::Exact(s) => equals(value, s, ci),
            Shape::Prefix(s) => starts_with(value, s, ci),
            Shape::Suffix(s) => ends_with(value, s, ci),
            Shape::Contains(s) => contains(value, s, ci),
            Shape::General(p) => glob(p, value, ci),
        }
    }
}

impl Wildcard {
    /// Case-insensitive whole values and affixes of an ASCII pattern, decided from the
    /// value's bytes without first checking the whole value for non-ASCII characters.
    /// A matching value has one character per pattern character and each character is
    /// at least one byte, so a shorter value never matches; value bytes equal to the
    /// (folded, ASCII) pattern bytes are ASCII characters and match; value bytes that
    /// differ but are all ASCII are the characters compared and do not. `None` leaves
    /// the rest (a non-ASCII character that may fold to an ASCII one) to the general path.
    fn matches_ascii_affix(&self, v: &[u8]) -> Option<bool> {
        let (p, part) = match &self.shape {
            Shape::Exact(s) => {
                let p = s.as_bytes();
                (p, (v.len() == p.len()).then_some(v))
            }
            Shape::Prefix(s) => (s.as_bytes(), v.get(..s.len())),
            Shape::Suffix(s) => (
                s.as_bytes(),
                v.len().checked_sub(s.len()).and_then(|at| v.get(at..)),
            ),
            Shape::Contains(_) | Shape::General(_) => return None,
        };
        match part {
            None if v.len() < p.len() => Some(false),
            // A longer value equals the pattern only through multi-byte characters.
            None => (v.is_ascii()).then_some(false),
            Some(part) if part.eq_ignore_ascii_case(p) => Some(true),
            Some(part) => part.is_ascii().then_some(false),
        }
    }
}

/// The longest literal run of a general pattern, as a prefix, suffix or inner needle.
fn general_needle(p: &[PatChar]) -> Option<Needle> {
    let runs = p.split(|c| !matches!(c, PatChar::Lit(_)));
    let text = |run: &[PatChar]| -> String {
        run.iter()
            .filter_map(|c| match c {
                PatChar::Lit(ch) => Some(*ch),
                _ => None,
            })
            .collect()
    };
    let head = p
        .iter()
        .take_while(|c| matches!(c, PatChar::Lit(_)))
        .count();
    let tail = p
        .iter()
        .rev()
        .take_while(|c| matches!(c, PatChar::Lit(_)))
        .count();
    let inner = runs.map(|r| r.len()).max().unwrap_or(0);
    let best = head.max(tail).max(inner);
    if best < 3 {
        None
    } else if tail == best {
        Some(Needle::Suffix(fold(&text(&p[p.len() - tail..]))))
    } else if head == best {
        Some(Needle::Prefix(fold(&text(&p[..head]))))
    } else {
        let run = p
            .split(|c| !matches!(c, PatChar::Lit(_)))
            .find(|r| r.len() == best)?;
        Some(Needle::Contains(fold(&text(run))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_table() {
        let cases = [
            ("doc*", false, "document", true),
            ("doc*", false, "adoc", false),
            ("*doc", false, "asciidoc", true),
            ("d*c", false, "disc", true),
            ("doc?", false, "docs", true),
            ("doc?", false, "doc", false),
            ("?doc", false, "adoc", true),
            ("d?c", false, "disc", false),
            ("DOC*", false, "DOCs", true),
            ("D*C", false, "DisC", true),
            ("D?c", false, "DOC", false),
            ("*\\net.exe", true, "C:\\Windows\\System32\\NET.EXE", true),
            ("?:\\windows\\*", true, "C:\\Windows\\x", true),
            ("*a*b*", false, "xxaxxbxx", true),
            ("*a*b*", false, "xxbxxaxx", false),
            ("a*b?c", false, "aXXbYc", true),
            ("a*b?c", false, "aXXbc", false),
            ("*", false, "", true),
            ("", false, "", true),
            ("é*", true, "ÉTÉ", true),
        ];
        for (pat, ci, value, want) in cases {
            assert_eq!(
                Wildcard::new(pat, ci).matches(value),
                want,
                "{pat} vs {value}"
            );
        }
    }

    /// The general (character) paths, for comparison with the ASCII ones.
    fn reference_find(hay: &str, needle: &str, from: usize) -> Option<usize> {
        let tail = hay.get(from..)?;
        for (i, _) in tail.char_indices() {
            let mut v = tail[i..].chars();
            if needle
                .chars()
                .all(|p| v.next().is_some_and(|c| same(c, p, true)))
            {
                return Some(i + from);
            }
        }
        needle.is_empty().then_some(hay.len())
    }

    #[test]
    fn ascii_paths_agree_with_the_character_paths() {
        let values = [
            "",
            "a",
            "A",
            "net.exe",
            "NET.EXE",
            "C:\\Windows\\x",
            "abcABC",
            "k",
            "K",
            "\u{212a}",
            "ne\u{212a}",
            "xx-yy-zz",
            "_a_",
            "svc$",
        ];
        let patterns = [
            "", "a", "net.exe", "net", "exe", "k", "\u{212a}", "*", "?", "*-*-*", "_*_", "*$",
            "n?t*", "*win*", "c:\\*\\x", "abc", "bca", "é",
        ];
        for v in values {
            for p in patterns {
                let folded = fold(p);
                let slow_eq = {
                    let mut a = v.chars();
                    let mut b = folded.chars();
                    loop {
                        match (a.next(), b.next()) {
                            (None, None) => break true,
                            (Some(x), Some(y)) if fold_char(x) == y => {}
                            _ => break false,
                        }
                    }
                };
                assert_eq!(equals(v, &folded, true), slow_eq, "{v} == {p}");
                let mut a = v.chars();
                let slow_sw = p
                    .chars()
                    .all(|c| a.next().is_some_and(|x| same(x, c, true)));
                assert_eq!(starts_with(v, p, true), slow_sw, "{v} starts {p}");
                let mut a = v.chars().rev();
                let slow_ew = p
                    .chars()
                    .rev()
                    .all(|c| a.next().is_some_and(|x| same(x, c, true)));
                assert_eq!(ends_with(v, p, true), slow_ew, "{v} ends {p}");
                for from in 0..=v.len() {
                    if v.is_char_boundary(from) {
                        assert_eq!(
                            find(v, p, from, true),
                            reference_find(v, p, from),
                            "{v} find {p}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn find_and_affixes() {
        assert_eq!(find("abcABC", "AB", 1, true), Some(3));
        assert_eq!(find("abc", "", 0, false), Some(0));
        assert!(ends_with("x.EXE", ".exe", true));
        assert!(!starts_with("ab", "abc", true));
    }
}

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

pub use super::wildcard::{Affix, Needle, Wildcard};

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

//! Compiled `:`/`like` patterns: the shape of each (whole value, prefix, suffix, inner
//! literal, general glob) decides how a value is matched, and the literal the value must
//! carry feeds the rule set's index (`Needle`) and the pattern-list tables (`Affix`).

use super::glob::{PatChar, glob};
use super::text::{contains, ends_with, equals, fold, starts_with};

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

//! Sigma string values: wildcards `*` and `?` with the `\` escape rules of the spec.
//!
//! A value is tokenized once into literal runs and wildcards; the modifiers then
//! rewrite this form (add wildcards, expand dashes, encode) before it is compiled into
//! a matcher, so escapes are interpreted in exactly one place.

/// One token of a Sigma string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Lit(String),
    /// `*`: any run of characters, possibly empty.
    AnyMany,
    /// `?`: exactly one character.
    AnyOne,
}

/// A Sigma string pattern matched against the whole field value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pattern {
    pub parts: Vec<Part>,
}

impl Pattern {
    /// Tokenizes `text` with Sigma's escapes: `\*`, `\?` and `\\` are literals; a
    /// backslash before anything else (or at the end) stays a literal backslash.
    pub fn parse(text: &str) -> Self {
        let mut p = Pattern::default();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '*' => p.push_wild(Part::AnyMany),
                '?' => p.push_wild(Part::AnyOne),
                '\\' => match chars.peek() {
                    Some(&n @ ('*' | '?' | '\\')) => {
                        chars.next();
                        p.push_char(n);
                    }
                    _ => p.push_char('\\'),
                },
                other => p.push_char(other),
            }
        }
        p
    }

    /// A pattern that matches `text` exactly, with no wildcard interpretation.
    pub fn literal(text: &str) -> Self {
        let mut p = Pattern::default();
        if !text.is_empty() {
            p.parts.push(Part::Lit(text.to_string()));
        }
        p
    }

    fn push_char(&mut self, c: char) {
        if let Some(Part::Lit(s)) = self.parts.last_mut() {
            s.push(c);
        } else {
            self.parts.push(Part::Lit(c.to_string()));
        }
    }

    fn push_wild(&mut self, w: Part) {
        // `**` is the same as `*`; keeping one avoids needless regex work later.
        if w == Part::AnyMany && self.parts.last() == Some(&Part::AnyMany) {
            return;
        }
        self.parts.push(w);
    }

    pub fn has_wildcards(&self) -> bool {
        self.parts.iter().any(|p| !matches!(p, Part::Lit(_)))
    }

    /// The literal text when the pattern has no wildcard.
    pub fn as_literal(&self) -> Option<String> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Lit(s) => out.push_str(s),
                _ => return None,
            }
        }
        Some(out)
    }

    pub fn starts_with_any(&self) -> bool {
        self.parts.first() == Some(&Part::AnyMany)
    }

    pub fn ends_with_any(&self) -> bool {
        self.parts.last() == Some(&Part::AnyMany)
    }

    /// `contains`: `*value*`, without doubling wildcards already there.
    pub fn contains(mut self) -> Self {
        self = self.startswith();
        self.endswith()
    }

    /// `startswith`: `value*`.
    pub fn startswith(mut self) -> Self {
        if !self.ends_with_any() {
            self.parts.push(Part::AnyMany);
        }
        self
    }

    /// `endswith`: `*value`.
    pub fn endswith(mut self) -> Self {
        if !self.starts_with_any() {
            self.parts.insert(0, Part::AnyMany);
        }
        self
    }

    /// The longest run of ASCII literal text (the shared prefilter matches ASCII
    /// case-insensitively, so non-ASCII characters split runs).
    pub fn longest_literal(&self) -> Option<&str> {
        self.parts
            .iter()
            .filter_map(|p| match p {
                Part::Lit(s) => Some(s.as_str()),
                _ => None,
            })
            .flat_map(|s| s.split(|c: char| !c.is_ascii()))
            .filter(|s| !s.is_empty())
            .max_by_key(|s| s.len())
    }

    /// An equivalent anchored regex body (without flags).
    pub fn to_regex(&self) -> String {
        let mut out = String::from("^");
        for p in &self.parts {
            match p {
                Part::Lit(s) => out.push_str(&regex::escape(s)),
                Part::AnyMany => out.push_str(".*"),
                Part::AnyOne => out.push('.'),
            }
        }
        out.push('$');
        out
    }
}

/// The dashes `windash` substitutes for a flag-position `-` or `/`.
const DASHES: [char; 5] = ['-', '/', '\u{2013}', '\u{2014}', '\u{2015}'];

/// `windash`: every `-` or `/` at a flag position (start of text or after a non-word
/// character, and followed by a word character) takes each of the five dash forms;
/// several positions give the cartesian product.
pub fn windash(p: &Pattern) -> Vec<Pattern> {
    let mut results = vec![Pattern::default()];
    let mut prev_is_word = false;
    for (idx, part) in p.parts.iter().enumerate() {
        match part {
            Part::Lit(s) => {
                let chars: Vec<char> = s.chars().collect();
                for (i, &c) in chars.iter().enumerate() {
                    let next_is_word = match chars.get(i + 1) {
                        Some(n) => is_word(*n),
                        // A wildcard after the dash may stand for a word character.
                        None => matches!(p.parts.get(idx + 1), Some(Part::AnyOne | Part::AnyMany)),
                    };
                    let flag_position = (c == '-' || c == '/') && !prev_is_word && next_is_word;
                    if flag_position {
                        let mut next = Vec::with_capacity(results.len() * DASHES.len());
                        for r in &results {
                            for d in DASHES {
                                let mut v = r.clone();
                                v.push_char(d);
                                next.push(v);
                            }
                        }
                        results = next;
                    } else {
                        for r in &mut results {
                            r.push_char(c);
                        }
                    }
                    prev_is_word = is_word(c);
                }
            }
            wild => {
                for r in &mut results {
                    r.push_wild(wild.clone());
                }
                // Unknown content: treat like a word character is not guaranteed.
                prev_is_word = false;
            }
        }
    }
    results
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> Part {
        Part::Lit(s.into())
    }

    #[test]
    fn escapes_follow_the_spec() {
        let cases: &[(&str, Vec<Part>)] = &[
            ("abc", vec![lit("abc")]),
            ("a*b", vec![lit("a"), Part::AnyMany, lit("b")]),
            ("a?b", vec![lit("a"), Part::AnyOne, lit("b")]),
            (r"a\*b", vec![lit("a*b")]),
            (r"a\?b", vec![lit("a?b")]),
            (r"C:\Windows\x.exe", vec![lit(r"C:\Windows\x.exe")]),
            (r"\\*", vec![lit("\\"), Part::AnyMany]),
            (r"\\\*", vec![lit(r"\*")]),
            (r"\\\\", vec![lit(r"\\")]),
            ("end\\", vec![lit("end\\")]),
            ("**x", vec![Part::AnyMany, lit("x")]),
        ];
        for (text, want) in cases {
            assert_eq!(&Pattern::parse(text).parts, want, "pattern {text:?}");
        }
    }

    #[test]
    fn contains_does_not_double_wildcards() {
        assert_eq!(Pattern::parse("*a*").contains(), Pattern::parse("*a*"));
        assert_eq!(Pattern::parse("a").contains(), Pattern::parse("*a*"));
        assert_eq!(Pattern::parse("a").endswith(), Pattern::parse("*a"));
    }

    #[test]
    fn windash_expands_flags_only() {
        let v = windash(&Pattern::parse(" -enc "));
        assert_eq!(v.len(), 5);
        assert!(v.contains(&Pattern::parse(" /enc ")));
        assert!(v.contains(&Pattern::parse(" \u{2013}enc ")));
        // A hyphen inside a word is untouched.
        assert_eq!(windash(&Pattern::parse("a-b")).len(), 1);
        // Two flags: cartesian product.
        assert_eq!(windash(&Pattern::parse("-a -b")).len(), 25);
    }
}

//! Compiled string matchers for one field's list of Sigma patterns.
//!
//! Most SigmaHQ values are plain equality, prefix, suffix or substring tests on ASCII
//! text. Those are answered on the value's ASCII-lowercased copy (the event memo makes
//! it once per field) by byte comparisons with needles folded at build time and one
//! aho-corasick automaton per list; only real wildcard shapes or non-ASCII text fall
//! back to a single combined regex. Only values over 256 bytes tested outside the memo
//! allocate (their lowercased copy).

use super::values::{Part, Pattern};
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex::Regex;
use std::io::Write;

/// A compile problem worded for the rule author.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MatcherError(pub String);

/// Substring lists up to this many bytes get a DFA (fastest, and largest per needle
/// byte); longer ones a contiguous NFA. With all SigmaHQ Windows rules the automata take
/// 51 MB as DFAs, 11 MB as NFAs and 25 MB with this split.
const DFA_MAX_NEEDLE_BYTES: usize = 64;

/// OR over a list of patterns.
#[derive(Debug, Clone, Default)]
pub struct StrSet {
    cased: bool,
    exact: Vec<String>,
    prefix: Vec<String>,
    suffix: Vec<String>,
    contains: Option<AhoCorasick>,
    /// The automaton's needles as written (for [`StrSet::signature`]).
    needles: Vec<String>,
    regex: Option<Regex>,
    /// Patterns that were YAML integers: also equal to decimal or `0x` hex field values.
    numbers: Vec<i64>,
    match_anything: bool,
    /// Only substring needles, none holding a NUL: matching the NUL-joined strings of a
    /// document at once is the same as matching each string.
    joinable: bool,
}

impl StrSet {
    pub fn new(patterns: &[Pattern], cased: bool, numbers: Vec<i64>) -> Result<Self, MatcherError> {
        Self::build(patterns, cased, numbers, false)
    }

    /// `whole_documents`: the set is a keyword search, run over every string of an event,
    /// so its substring automaton is built for speed rather than size.
    pub fn build(
        patterns: &[Pattern],
        cased: bool,
        numbers: Vec<i64>,
        whole_documents: bool,
    ) -> Result<Self, MatcherError> {
        let mut set = StrSet {
            cased,
            numbers,
            ..Default::default()
        };
        let mut needles = Vec::new();
        let mut regex_parts = Vec::new();
        let fold = |s: &str| {
            if cased {
                s.to_string()
            } else {
                s.to_ascii_lowercase()
            }
        };
        for p in patterns {
            let ascii = p.parts.iter().all(|part| match part {
                Part::Lit(s) => s.is_ascii(),
                _ => true,
            });
            match p.parts.as_slice() {
                [] => set.exact.push(String::new()),
                [Part::AnyMany] => set.match_anything = true,
                [Part::Lit(s)] if ascii => set.exact.push(fold(s)),
                [Part::Lit(s), Part::AnyMany] if ascii => set.prefix.push(fold(s)),
                [Part::AnyMany, Part::Lit(s)] if ascii => set.suffix.push(fold(s)),
                [Part::AnyMany, Part::Lit(s), Part::AnyMany] if ascii => needles.push(s.clone()),
                _ => regex_parts.push(p.to_regex()),
            }
        }
        set.joinable = !needles.is_empty()
            && !needles.iter().any(|n| n.contains('\0'))
            && set.exact.is_empty()
            && set.prefix.is_empty()
            && set.suffix.is_empty()
            && regex_parts.is_empty()
            && set.numbers.is_empty()
            && !set.match_anything;
        if !needles.is_empty() {
            // Thousands of rules each hold automata: a DFA (the default for short lists)
            // only where it stays small or scans whole documents, else a contiguous NFA.
            let bytes: usize = needles.iter().map(String::len).sum();
            let kind = if whole_documents || bytes <= DFA_MAX_NEEDLE_BYTES {
                Some(AhoCorasickKind::DFA)
            } else {
                Some(AhoCorasickKind::ContiguousNFA)
            };
            // Case-insensitive sets search the ASCII-lowercased value with lowercased
            // needles: the same matches, and unlike `ascii_case_insensitive` it keeps
            // the crate's fast literal prefilters.
            // Only whether a needle occurs is asked, which every match kind answers
            // alike; leftmost-first also enables the packed (SIMD) prefilter.
            let folded: Vec<String> = needles.iter().map(|n| fold(n)).collect();
            let ac = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostFirst)
                .kind(kind)
                .build(&folded)
                .map_err(|e| MatcherError(format!("cannot build substring matcher: {e}")))?;
            set.contains = Some(ac);
            set.needles = needles;
        }
        if !regex_parts.is_empty() {
            let flags = if cased { "(?s)" } else { "(?is)" };
            let body = format!("{flags}(?:{})", regex_parts.join("|"));
            let re = build_regex(&body)
                .map_err(|e| MatcherError(format!("cannot compile wildcard pattern: {e}")))?;
            set.regex = Some(re);
        }
        Ok(set)
    }

    /// Whether the set compares case-sensitively (`cased`).
    pub fn is_cased(&self) -> bool {
        self.cased
    }

    /// Whether `value` matches any pattern.
    pub fn is_match(&self, value: &str) -> bool {
        if self.cased || !value.bytes().any(|b| b.is_ascii_uppercase()) {
            return self.is_match_folded(value, value);
        }
        let mut buf = [0u8; 256];
        match buf.get_mut(..value.len()) {
            Some(head) => {
                head.copy_from_slice(value.as_bytes());
                head.make_ascii_lowercase();
                match std::str::from_utf8(head) {
                    Ok(lowered) => self.is_match_folded(value, lowered),
                    Err(_) => false,
                }
            }
            None => self.is_match_folded(value, &value.to_ascii_lowercase()),
        }
    }

    /// [`StrSet::is_match`] given the value's ASCII-lowercased copy as well (which
    /// case-insensitive sets search; cased sets ignore it).
    pub fn is_match_folded(&self, value: &str, lowered: &str) -> bool {
        if self.match_anything {
            return true;
        }
        let (text, bytes) = if self.cased {
            (value, value.as_bytes())
        } else {
            (lowered, lowered.as_bytes())
        };
        // Needles are folded at build time: byte comparisons suffice.
        if self.exact.iter().any(|e| e == text) {
            return true;
        }
        if self.prefix.iter().any(|p| bytes.starts_with(p.as_bytes())) {
            return true;
        }
        if self.suffix.iter().any(|s| bytes.ends_with(s.as_bytes())) {
            return true;
        }
        if let Some(ac) = &self.contains
            && ac.is_match(text)
        {
            return true;
        }
        if let Some(re) = &self.regex
            && re.is_match(value)
        {
            return true;
        }
        if !self.numbers.is_empty()
            && let Some(n) = parse_int(value)
        {
            return self.numbers.contains(&n);
        }
        false
    }
}

impl StrSet {
    /// Appends a text that is equal for two sets exactly when they were built from the
    /// same patterns, case rule and numbers (so they answer every value alike).
    pub fn signature(&self, out: &mut String) {
        use std::fmt::Write as _;
        let _ = write!(
            out,
            "str{{{}{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}}}",
            u8::from(self.cased),
            u8::from(self.match_anything),
            self.exact,
            self.prefix,
            self.suffix,
            self.needles,
            self.regex.as_ref().map(Regex::as_str),
            self.numbers
        );
    }

    /// The substring automaton, when it is all this set tests and its needles hold no
    /// NUL, so it may run once over NUL-separated strings (see [`joined_strings`]); the
    /// flag says whether it must search them ASCII-lowercased.
    pub fn joinable_automaton(&self) -> Option<(&AhoCorasick, bool)> {
        if self.joinable {
            self.contains.as_ref().map(|ac| (ac, !self.cased))
        } else {
            None
        }
    }

    /// The event codes this set can match when it is only a list of plain decimal
    /// literals (`EventID: 4688` or `[4720, 4732]`); `None` for any other shape.
    pub fn decimal_codes(&self) -> Option<Vec<u32>> {
        let plain = !self.match_anything
            && self.prefix.is_empty()
            && self.suffix.is_empty()
            && self.contains.is_none()
            && self.regex.is_none()
            && !self.exact.is_empty();
        if !plain {
            return None;
        }
        let mut codes = Vec::with_capacity(self.exact.len());
        for e in &self.exact {
            if e.is_empty() || !e.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            codes.push(e.parse().ok()?);
        }
        for n in &self.numbers {
            codes.push(u32::try_from(*n).ok()?);
        }
        codes.sort_unstable();
        codes.dedup();
        Some(codes)
    }
}

/// Room for a regex's lazy DFA. The regex crate's 2 MiB default is too small for some
/// SigmaHQ patterns (`\w{1,64}` in Unicode mode): their lazy DFA cannot be built and
/// every search falls back to a backtracker that clears a visited set the size of the
/// pattern times the value. The cache grows only as a pattern needs it.
const REGEX_DFA_BYTES: usize = 4 << 20;

/// Compiles a Sigma regular expression (or wildcard pattern) with [`REGEX_DFA_BYTES`].
pub fn build_regex(pattern: &str) -> Result<Regex, regex::Error> {
    regex::RegexBuilder::new(pattern)
        .dfa_size_limit(REGEX_DFA_BYTES)
        .build()
}

/// Appends every string under `v` to `out`, each followed by a NUL.
pub fn joined_strings(v: &serde_json::Value, out: &mut String) {
    match v {
        serde_json::Value::String(s) => {
            out.push_str(s);
            out.push('\0');
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| joined_strings(i, out)),
        serde_json::Value::Object(map) => map.values().for_each(|i| joined_strings(i, out)),
        _ => {}
    }
}

/// Parses decimal or `0x` hexadecimal integers (Security 4688 writes process ids in hex).
pub fn parse_int(s: &str) -> Option<i64> {
    let t = s.trim();
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return i64::from_str_radix(hex, 16).ok();
    }
    t.parse().ok()
}

/// Parses a number for `gt`/`lt` comparisons.
pub fn parse_number(s: &str) -> Option<f64> {
    parse_int(s)
        .map(|i| i as f64)
        .or_else(|| s.trim().parse().ok())
}

/// Renders a JSON scalar as text into `buf` without allocating.
pub fn scalar_str<'a>(v: &'a serde_json::Value, buf: &'a mut [u8; 40]) -> Option<&'a str> {
    match v {
        serde_json::Value::String(s) => Some(s.as_str()),
        serde_json::Value::Number(n) => {
            let len = {
                let mut cursor = std::io::Cursor::new(&mut buf[..]);
                write!(cursor, "{n}").ok()?;
                usize::try_from(cursor.position()).ok()?
            };
            std::str::from_utf8(&buf[..len]).ok()
        }
        serde_json::Value::Bool(b) => Some(if *b { "true" } else { "false" }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(patterns: &[&str], cased: bool) -> StrSet {
        let ps: Vec<Pattern> = patterns.iter().map(|p| Pattern::parse(p)).collect();
        StrSet::new(&ps, cased, vec![]).unwrap()
    }

    #[test]
    fn shapes_match_case_insensitively() {
        let cases: &[(&[&str], &str, bool)] = &[
            (&["net.exe"], "NET.EXE", true),
            (&["net.exe"], "net.exe2", false),
            (&["*\\net.exe"], "C:\\Windows\\System32\\NET.exe", true),
            (&[r"C:\Windows\\*"], "c:\\windows\\x", true),
            (&[r"C:\Windows\*"], "c:\\windows\\x", false),
            (&["* user *"], "net USER bob", true),
            (&["a?c"], "ABC", true),
            (&["a?c"], "abbc", false),
            (&["*a*b*"], "xAyBz", true),
            (&["ÄRGER"], "ärger", true),
            (&[""], "", true),
            (&[""], "x", false),
            (&["*"], "", true),
            (&["line1*"], "line1\nline2", true),
        ];
        for (pats, value, want) in cases {
            assert_eq!(
                set(pats, false).is_match(value),
                *want,
                "{pats:?} vs {value:?}"
            );
        }
    }

    #[test]
    fn cased_is_exact() {
        assert!(!set(&["Net.exe"], true).is_match("net.exe"));
        assert!(set(&["*Net*"], true).is_match("xNetx"));
        assert!(!set(&["*Net*"], true).is_match("xnetx"));
        assert!(!set(&["N?t"], true).is_match("net"));
    }

    #[test]
    fn numbers_are_lenient() {
        let s = StrSet::new(&[Pattern::literal("6700")], false, vec![6700]).unwrap();
        assert!(s.is_match("6700"));
        assert!(s.is_match("0x1a2c"));
        assert!(!s.is_match("0x1a2d"));
        let mut buf = [0u8; 40];
        let v = serde_json::json!(4720);
        assert_eq!(scalar_str(&v, &mut buf), Some("4720"));
    }
}

#[cfg(test)]
mod joined_tests {
    use super::*;
    use serde_json::json;

    /// One scan of the joined strings answers exactly like a scan of each string.
    #[test]
    fn joined_scan_equals_per_string_scan() {
        let docs = [
            json!({"a": "sekur", "b": "lsa::x"}),
            json!({"a": ["x", {"b": "PRIVILEGE::DEBUG now"}]}),
            json!({"a": "priv\u{0}ilege::debug", "n": 7}),
            json!({"k": "nothing here", "sekurlsa::": 1}),
            json!({"a": ""}),
            json!("sekurlsa::logonpasswords"),
            json!(12),
        ];
        let ps: Vec<Pattern> = ["*sekurlsa::*", "*privilege::debug*"]
            .iter()
            .map(|p| Pattern::parse(p))
            .collect();
        let set = StrSet::new(&ps, false, vec![]).unwrap();
        let (ac, lowered) = set.joinable_automaton().expect("substring-only set");
        assert!(lowered);
        for doc in &docs {
            let mut strings = Vec::new();
            collect(doc, &mut strings);
            let want = strings.iter().any(|s| set.is_match(s));
            let mut joined = String::new();
            joined_strings(doc, &mut joined);
            joined.make_ascii_lowercase();
            assert_eq!(ac.is_match(joined.as_str()), want, "{doc}");
        }
        let mixed = StrSet::new(&[Pattern::parse("exact"), ps[0].clone()], false, vec![]).unwrap();
        assert!(mixed.joinable_automaton().is_none());
        let nul = StrSet::new(&[Pattern::parse("*a\u{0}b*")], false, vec![]).unwrap();
        assert!(nul.joinable_automaton().is_none());
    }

    fn collect<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a str>) {
        match v {
            serde_json::Value::String(s) => out.push(s),
            serde_json::Value::Array(items) => items.iter().for_each(|i| collect(i, out)),
            serde_json::Value::Object(m) => m.values().for_each(|i| collect(i, out)),
            _ => {}
        }
    }
}

//! A small evaluator of the search query syntax for the in-memory source.
//!
//! The real workspace answers queries with tantivy; tests and the demo need the same
//! notation without an index: `field:value` (case-insensitive, `*` wildcards, quoted
//! values), bare words (substring anywhere in the document), `AND`, `OR`, `NOT`/`-`.

use crate::model::fields::{for_each_scalar, scalar_text};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    negate: bool,
    field: Option<String>,
    /// Lower-cased.
    value: String,
}

/// A parsed query: any of the AND-groups must match.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    groups: Vec<Vec<Term>>,
}

fn tokens(text: &str) -> Result<Vec<String>, String> {
    crate::text::split_quoted(text)
        .ok_or_else(|| format!("unclosed quote in query '{text}': add the closing \""))
}

impl Query {
    pub fn parse(text: &str) -> Result<Query, String> {
        let mut groups = vec![Vec::new()];
        let mut negate_next = false;
        for tok in tokens(text)? {
            match tok.as_str() {
                "AND" | "&&" => continue,
                "OR" | "||" => {
                    groups.push(Vec::new());
                    continue;
                }
                "NOT" => {
                    negate_next = true;
                    continue;
                }
                _ => {}
            }
            let (negate, body) = match tok.strip_prefix('-') {
                Some(rest) if !rest.is_empty() => (true, rest),
                _ => (false, tok.as_str()),
            };
            let (field, value) = match body.split_once(':') {
                Some((f, v)) if !f.is_empty() && !f.contains('\\') => {
                    if v.is_empty() {
                        return Err(format!(
                            "field '{f}' has no value in query '{text}': write {f}:VALUE"
                        ));
                    }
                    (Some(f.to_string()), v)
                }
                _ => (None, body),
            };
            if let Some(last) = groups.last_mut() {
                last.push(Term {
                    negate: negate ^ negate_next,
                    field,
                    value: value.to_lowercase(),
                });
            }
            negate_next = false;
        }
        groups.retain(|g| !g.is_empty());
        Ok(Query { groups })
    }

    pub fn matches(&self, doc: &Value) -> bool {
        self.groups.is_empty()
            || self
                .groups
                .iter()
                .any(|g| g.iter().all(|t| term_matches(t, doc) != t.negate))
    }
}

fn term_matches(t: &Term, doc: &Value) -> bool {
    match &t.field {
        Some(f) => {
            let mut hit = false;
            for_each_scalar(doc, f, &mut |v| {
                if !hit && let Some(s) = scalar_text(v) {
                    hit = wildcard(&t.value, &s.to_lowercase());
                }
            });
            hit
        }
        None => any_string_contains(doc, &t.value),
    }
}

fn any_string_contains(v: &Value, needle: &str) -> bool {
    match v {
        Value::Object(m) => m.values().any(|x| any_string_contains(x, needle)),
        Value::Array(a) => a.iter().any(|x| any_string_contains(x, needle)),
        other => scalar_text(other).is_some_and(|s| s.to_lowercase().contains(needle)),
    }
}

/// `*` matches any run, `?` one character; both sides already lower-cased.
pub(crate) fn wildcard(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn queries_match_like_the_search_command() {
        let doc = json!({"process": {"name": "net.exe", "args": ["net", "user", "/add"], "pid": 42},
                         "host": {"name": "WS6"}});
        let cases = [
            ("", true),
            ("process.name:NET.EXE", true),
            ("process.name:net*", true),
            ("process.name:cmd.exe", false),
            ("process.args:/add", true),
            ("process.pid:42", true),
            ("process.name:net.exe AND host.name:ws6", true),
            ("process.name:net.exe AND host.name:ws7", false),
            ("process.name:cmd.exe OR host.name:ws6", true),
            ("NOT process.name:net.exe", false),
            ("-host.name:ws6", false),
            ("user", true),
            ("\"ws6\"", true),
            ("missing.field:x", false),
        ];
        for (q, want) in cases {
            assert_eq!(Query::parse(q).unwrap().matches(&doc), want, "{q}");
        }
    }

    #[test]
    fn bad_queries_are_explained() {
        assert!(
            Query::parse("process.name:\"net")
                .unwrap_err()
                .contains("unclosed quote")
        );
        assert!(
            Query::parse("process.name:")
                .unwrap_err()
                .contains("no value")
        );
    }

    #[test]
    fn wildcards() {
        assert!(wildcard("a*c", "abbbc"));
        assert!(wildcard("a?c", "abc"));
        assert!(!wildcard("a?c", "abbc"));
        assert!(wildcard("*", ""));
        assert!(!wildcard("abc", "ab"));
    }
}

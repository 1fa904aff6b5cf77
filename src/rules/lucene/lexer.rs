//! Splits Lucene `query_string` text into tokens (terms, phrases, ranges, regexes,
//! operators), resolving `\` escapes and remembering which `*` / `?` are wildcards.

use super::LuceneError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Char(char),
    Star,
    Question,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeTok {
    /// `None` for an open end (`*`).
    pub lower: Option<String>,
    pub upper: Option<String>,
    pub lower_inclusive: bool,
    pub upper_inclusive: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    LParen,
    RParen,
    Colon,
    Plus,
    Minus,
    And,
    Or,
    Not,
    /// `>`, `>=`, `<`, `<=` right after a field's colon.
    Cmp(&'static str),
    Quoted(String),
    Term(Vec<Piece>),
    Range(RangeTok),
    Regex(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub tok: Tok,
    pub start: usize,
}

fn ends_term(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '(' | ')' | ':' | '"' | '[' | ']' | '{' | '}' | '^' | '~' | '/' | '&' | '|' | '!'
        )
}

pub fn tokenize(src: &str) -> Result<Vec<Token>, LuceneError> {
    let chars: Vec<(usize, char)> = src.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let at = |i: usize| chars.get(i).map_or(src.len(), |&(o, _)| o);
    while i < chars.len() {
        let (start, c) = chars[i];
        let next = chars.get(i + 1).map(|&(_, n)| n);
        let simple = match (c, next) {
            (w, _) if w.is_whitespace() => {
                i += 1;
                continue;
            }
            ('(', _) => Some((Tok::LParen, 1)),
            (')', _) => Some((Tok::RParen, 1)),
            (':', _) => Some((Tok::Colon, 1)),
            ('+', _) => Some((Tok::Plus, 1)),
            ('-', _) => Some((Tok::Minus, 1)),
            ('!', _) => Some((Tok::Not, 1)),
            ('&', Some('&')) => Some((Tok::And, 2)),
            ('|', Some('|')) => Some((Tok::Or, 2)),
            ('>', Some('=')) => Some((Tok::Cmp(">="), 2)),
            ('<', Some('=')) => Some((Tok::Cmp("<="), 2)),
            ('>', _) => Some((Tok::Cmp(">"), 1)),
            ('<', _) => Some((Tok::Cmp("<"), 1)),
            _ => None,
        };
        if let Some((tok, len)) = simple {
            out.push(Token { tok, start });
            i += len;
            continue;
        }
        match c {
            '"' => {
                let (text, end) = delimited(&chars, i, '"', src)?;
                out.push(Token {
                    tok: Tok::Quoted(text),
                    start,
                });
                i = end;
            }
            '/' => {
                let (text, end) = delimited(&chars, i, '/', src)?;
                out.push(Token {
                    tok: Tok::Regex(text),
                    start,
                });
                i = end;
            }
            '[' | '{' => {
                let close = chars[i + 1..]
                    .iter()
                    .position(|&(_, c)| c == ']' || c == '}')
                    .map(|p| p + i + 1)
                    .ok_or_else(|| {
                        LuceneError::at(start, "this range is never closed with `]` or `}`", None)
                    })?;
                let inner: String = chars[i + 1..close].iter().map(|&(_, c)| c).collect();
                out.push(Token {
                    tok: Tok::Range(range(&inner, c == '[', chars[close].1 == ']', start)?),
                    start,
                });
                i = close + 1;
            }
            '^' => {
                // Boosts change scoring only; skip the number.
                i += 1;
                while chars
                    .get(i)
                    .is_some_and(|&(_, d)| d.is_ascii_digit() || d == '.')
                {
                    i += 1;
                }
            }
            '~' => {
                return Err(LuceneError::at(
                    start,
                    "fuzzy and proximity searches (`~`) are not supported by vigil",
                    Some("remove the `~` part or match the value with wildcards"),
                )
                .unsupported());
            }
            ']' | '}' | '&' | '|' => {
                return Err(LuceneError::at(start, &format!("unexpected `{c}`"), None));
            }
            _ => {
                let mut pieces = Vec::new();
                while i < chars.len() && !ends_term(chars[i].1) {
                    let ch = chars[i].1;
                    i += 1;
                    pieces.push(match ch {
                        '\\' => match chars.get(i) {
                            Some(&(_, e)) => {
                                i += 1;
                                Piece::Char(e)
                            }
                            None => {
                                return Err(LuceneError::at(
                                    at(i - 1),
                                    "the query ends with a lone `\\`",
                                    Some("write `\\\\` for a literal backslash"),
                                ));
                            }
                        },
                        '*' => Piece::Star,
                        '?' => Piece::Question,
                        other => Piece::Char(other),
                    });
                }
                let word: String = src[start..at(i)].to_string();
                let tok = match word.as_str() {
                    "AND" => Tok::And,
                    "OR" => Tok::Or,
                    "NOT" => Tok::Not,
                    _ => Tok::Term(pieces),
                };
                out.push(Token { tok, start });
            }
        }
    }
    Ok(out)
}

/// Reads `"..."` or `/.../` starting at `i`; returns the unescaped text and the next index.
fn delimited(
    chars: &[(usize, char)],
    i: usize,
    delim: char,
    src: &str,
) -> Result<(String, usize), LuceneError> {
    let mut text = String::new();
    let mut j = i + 1;
    while let Some(&(_, c)) = chars.get(j) {
        if c == delim {
            return Ok((text, j + 1));
        }
        if c == '\\'
            && let Some(&(_, e)) = chars.get(j + 1)
        {
            // In a regex, only the delimiter escape is resolved; the rest is regex syntax.
            if delim == '/' && e != '/' {
                text.push('\\');
            }
            text.push(e);
            j += 2;
            continue;
        }
        text.push(c);
        j += 1;
    }
    let start = chars.get(i).map_or(src.len(), |&(o, _)| o);
    Err(LuceneError::at(
        start,
        &format!("this `{delim}` is never closed"),
        Some("add the closing delimiter or escape it with `\\`"),
    ))
}

fn range(
    inner: &str,
    lower_inclusive: bool,
    upper_inclusive: bool,
    start: usize,
) -> Result<RangeTok, LuceneError> {
    let Some((lo, hi)) = inner.split_once(" TO ") else {
        return Err(LuceneError::at(
            start,
            &format!("range `{inner}` needs the form `[low TO high]`"),
            Some("write e.g. [1 TO 10] or {* TO 2024-01-01}"),
        ));
    };
    let bound = |s: &str| {
        let s = s.trim().trim_matches('"');
        (s != "*").then(|| s.to_string())
    };
    Ok(RangeTok {
        lower: bound(lo),
        upper: bound(hi),
        lower_inclusive,
        upper_inclusive,
    })
}

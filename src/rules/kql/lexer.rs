//! Splits KQL text into tokens, resolving Kibana's escapes.
//!
//! Unquoted words keep track of which `*` were written unescaped (wildcards) and which
//! were escaped (literal), because Kibana treats the two differently; quoted strings
//! are literal. Every token carries its byte offset so errors point at the right place.

use super::KqlError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WordPiece {
    Char(char),
    /// An unescaped `*`.
    Star,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokKind {
    LParen,
    RParen,
    LBrace,
    RBrace,
    Colon,
    Lt,
    Le,
    Gt,
    Ge,
    Or,
    And,
    Not,
    Quoted(String),
    Word(Vec<WordPiece>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: TokKind,
    /// Byte offsets in the query.
    pub start: usize,
    pub end: usize,
}

/// Characters that end an unquoted word unless escaped.
fn is_special(c: char) -> bool {
    matches!(c, '\\' | '(' | ')' | ':' | '<' | '>' | '"' | '{' | '}') || c.is_whitespace()
}

pub fn tokenize(src: &str) -> Result<Vec<Token>, KqlError> {
    let mut out = Vec::new();
    let mut it = src.char_indices().peekable();
    while let Some(&(start, c)) = it.peek() {
        if c.is_whitespace() {
            it.next();
            continue;
        }
        let simple = match c {
            '(' => Some(TokKind::LParen),
            ')' => Some(TokKind::RParen),
            '{' => Some(TokKind::LBrace),
            '}' => Some(TokKind::RBrace),
            ':' => Some(TokKind::Colon),
            _ => None,
        };
        if let Some(kind) = simple {
            it.next();
            out.push(Token {
                kind,
                start,
                end: start + 1,
            });
            continue;
        }
        if c == '<' || c == '>' {
            it.next();
            let with_eq = it.peek().is_some_and(|&(_, n)| n == '=');
            if with_eq {
                it.next();
            }
            let kind = match (c, with_eq) {
                ('<', false) => TokKind::Lt,
                ('<', true) => TokKind::Le,
                ('>', false) => TokKind::Gt,
                _ => TokKind::Ge,
            };
            let end = start + if with_eq { 2 } else { 1 };
            out.push(Token { kind, start, end });
            continue;
        }
        if c == '"' {
            it.next();
            let (text, end) = quoted(src, start, &mut it)?;
            out.push(Token {
                kind: TokKind::Quoted(text),
                start,
                end,
            });
            continue;
        }
        let (pieces, escaped_any, end) = word(src, &mut it)?;
        let kind = if escaped_any {
            TokKind::Word(pieces)
        } else {
            match &src[start..end] {
                "or" | "OR" => TokKind::Or,
                "and" | "AND" => TokKind::And,
                "not" | "NOT" => TokKind::Not,
                _ => TokKind::Word(pieces),
            }
        };
        out.push(Token { kind, start, end });
    }
    Ok(out)
}

type Chars<'a> = std::iter::Peekable<std::str::CharIndices<'a>>;

fn quoted(src: &str, start: usize, it: &mut Chars<'_>) -> Result<(String, usize), KqlError> {
    let mut text = String::new();
    while let Some((i, c)) = it.next() {
        match c {
            '"' => return Ok((text, i + 1)),
            '\\' => match it.peek().map(|&(_, n)| n) {
                Some('"') | Some('\\') => {
                    if let Some((_, n)) = it.next() {
                        text.push(n);
                    }
                }
                Some('t') | Some('r') | Some('n') => {
                    if let Some((_, n)) = it.next() {
                        text.push(whitespace_escape(n));
                    }
                }
                Some('u') => {
                    it.next();
                    text.push(unicode_escape(src, i, it)?);
                }
                // Kibana keeps any other backslash as an ordinary character.
                _ => text.push('\\'),
            },
            other => text.push(other),
        }
    }
    Err(KqlError::at(
        start,
        "this quoted value is never closed".to_string(),
        Some("add the closing `\"`, or escape a quote inside the value as `\\\"`".to_string()),
    ))
}

fn whitespace_escape(c: char) -> char {
    match c {
        't' => '\t',
        'r' => '\r',
        _ => '\n',
    }
}

fn unicode_escape(src: &str, at: usize, it: &mut Chars<'_>) -> Result<char, KqlError> {
    let mut code = 0u32;
    for _ in 0..4 {
        let digit = it.next().and_then(|(_, h)| h.to_digit(16));
        match digit {
            Some(d) => code = code * 16 + d,
            None => {
                return Err(KqlError::at(
                    at,
                    format!(
                        "bad unicode escape near `{}`",
                        src[at..].chars().take(6).collect::<String>()
                    ),
                    Some("write `\\u` followed by exactly four hex digits".to_string()),
                ));
            }
        }
    }
    char::from_u32(code).ok_or_else(|| {
        KqlError::at(
            at,
            format!("`\\u{code:04x}` is not a valid character"),
            None,
        )
    })
}

/// Reads an unquoted word; returns its pieces, whether any escape was used, and its end.
fn word(src: &str, it: &mut Chars<'_>) -> Result<(Vec<WordPiece>, bool, usize), KqlError> {
    let mut pieces = Vec::new();
    let mut escaped_any = false;
    let mut end = src.len();
    while let Some(&(i, c)) = it.peek() {
        if c == '\\' {
            it.next();
            escaped_any = true;
            let Some(&(_, n)) = it.peek() else {
                return Err(KqlError::at(
                    i,
                    "the query ends with a lone `\\`".to_string(),
                    Some("write `\\\\` for a literal backslash".to_string()),
                ));
            };
            match n {
                't' | 'r' | 'n' => {
                    it.next();
                    pieces.push(WordPiece::Char(whitespace_escape(n)));
                }
                'u' => {
                    it.next();
                    pieces.push(WordPiece::Char(unicode_escape(src, i, it)?));
                }
                n if is_special(n) || n == '*' => {
                    it.next();
                    pieces.push(WordPiece::Char(n));
                }
                other => {
                    if let Some(len) = escaped_keyword(&src[i + 1..]) {
                        for _ in 0..len {
                            if let Some((_, k)) = it.next() {
                                pieces.push(WordPiece::Char(k));
                            }
                        }
                        continue;
                    }
                    return Err(KqlError::at(
                        i,
                        format!("`\\{other}` is not a KQL escape"),
                        Some(
                            "only \\ ( ) : < > \" * { } and the keywords can be escaped; write `\\\\` for a literal backslash"
                                .to_string(),
                        ),
                    ));
                }
            }
            continue;
        }
        if is_special(c) {
            end = i;
            break;
        }
        it.next();
        pieces.push(if c == '*' {
            WordPiece::Star
        } else {
            WordPiece::Char(c)
        });
    }
    Ok((pieces, escaped_any, end))
}

/// Length of an escaped keyword (`\or`, `\and`, `\not`, any case) at the start of `rest`.
fn escaped_keyword(rest: &str) -> Option<usize> {
    ["and", "not", "or"].into_iter().find_map(|k| {
        let head = rest.get(..k.len())?;
        head.eq_ignore_ascii_case(k).then_some(k.len())
    })
}

//! The Sigma condition language: `and`/`or`/`not`, parentheses, `1 of x*`, `all of them`.
//!
//! Parsed into a tree over search-identifier indices so evaluation never touches
//! names. Obsolete aggregations (`| count() > 5`, `near`) are rejected with a pointer to
//! correlation rules.

/// A condition over search identifiers (indices into the rule's detection list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cond {
    Ident(usize),
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    LParen,
    RParen,
    And,
    Or,
    Not,
    Of,
    Word(String),
}

fn tokenize(text: &str) -> Result<Vec<Tok>, String> {
    let mut toks = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '(' {
            toks.push(Tok::LParen);
            chars.next();
        } else if c == ')' {
            toks.push(Tok::RParen);
            chars.next();
        } else if c == '|' {
            return Err(format!(
                "the aggregation '{}' is obsolete Sigma syntax; write a correlation rule (event_count, value_count...) instead",
                text[i..].trim()
            ));
        } else if c.is_alphanumeric() || c == '_' || c == '*' || c == '-' || c == '.' {
            let mut end = i;
            while let Some(&(j, d)) = chars.peek() {
                if d.is_alphanumeric() || d == '_' || d == '*' || d == '-' || d == '.' {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            let word = &text[i..end];
            toks.push(match word.to_ascii_lowercase().as_str() {
                "and" => Tok::And,
                "or" => Tok::Or,
                "not" => Tok::Not,
                "of" => Tok::Of,
                "near" => {
                    return Err(
                        "'near' is obsolete Sigma syntax; use a temporal correlation rule".into(),
                    );
                }
                _ => Tok::Word(word.to_string()),
            });
        } else {
            return Err(format!("unexpected character '{c}' in condition '{text}'"));
        }
    }
    Ok(toks)
}

struct Parser<'a> {
    toks: Vec<Tok>,
    pos: usize,
    names: &'a [String],
}

/// Parses `text` against the rule's identifier names.
pub fn parse(text: &str, names: &[String]) -> Result<Cond, String> {
    let toks = tokenize(text)?;
    if toks.is_empty() {
        return Err("the condition is empty; name at least one search identifier".into());
    }
    let mut p = Parser {
        toks,
        pos: 0,
        names,
    };
    let c = p.or()?;
    if p.pos < p.toks.len() {
        return Err(format!(
            "unexpected '{}' in condition '{text}'",
            p.describe()
        ));
    }
    Ok(c)
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn describe(&self) -> String {
        match self.peek() {
            Some(Tok::Word(w)) => w.clone(),
            Some(t) => format!("{t:?}").to_lowercase(),
            None => "end of condition".into(),
        }
    }

    fn or(&mut self) -> Result<Cond, String> {
        let mut items = vec![self.and()?];
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Cond::Or(items)
        })
    }

    fn and(&mut self) -> Result<Cond, String> {
        let mut items = vec![self.not()?];
        while self.peek() == Some(&Tok::And) {
            self.pos += 1;
            items.push(self.not()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Cond::And(items)
        })
    }

    fn not(&mut self) -> Result<Cond, String> {
        if self.peek() == Some(&Tok::Not) {
            self.pos += 1;
            return Ok(Cond::Not(Box::new(self.not()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Cond, String> {
        match self.toks.get(self.pos).cloned() {
            Some(Tok::LParen) => {
                self.pos += 1;
                let c = self.or()?;
                if self.peek() != Some(&Tok::RParen) {
                    return Err(format!("missing ')' before {}", self.describe()));
                }
                self.pos += 1;
                Ok(c)
            }
            Some(Tok::Word(w)) => {
                self.pos += 1;
                if self.peek() == Some(&Tok::Of) {
                    self.pos += 1;
                    return self.quantifier(&w);
                }
                self.names
                    .iter()
                    .position(|n| *n == w)
                    .map(Cond::Ident)
                    .ok_or_else(|| format!("the condition names '{w}', which is not a search identifier under detection"))
            }
            _ => Err(format!(
                "expected a search identifier, found {}",
                self.describe()
            )),
        }
    }

    fn quantifier(&mut self, q: &str) -> Result<Cond, String> {
        let all = match q.to_ascii_lowercase().as_str() {
            "1" | "any" => false,
            "all" => true,
            other => {
                return Err(format!(
                    "'{other} of' is not valid Sigma; use '1 of', 'any of' or 'all of'"
                ));
            }
        };
        let Some(Tok::Word(pattern)) = self.toks.get(self.pos).cloned() else {
            return Err(format!("expected a name pattern or 'them' after '{q} of'"));
        };
        self.pos += 1;
        let ids: Vec<Cond> = self
            .names
            .iter()
            .enumerate()
            .filter(|(_, n)| {
                if pattern == "them" {
                    !n.starts_with('_')
                } else {
                    glob_match(&pattern, n)
                }
            })
            .map(|(i, _)| Cond::Ident(i))
            .collect();
        if ids.is_empty() {
            return Err(format!("'{q} of {pattern}' matches no search identifier"));
        }
        Ok(if all { Cond::And(ids) } else { Cond::Or(ids) })
    }
}

/// Full-match of an identifier against a pattern where `*` is any run.
fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni, mut star, mut mark) = (0, 0, None, 0);
    while ni < n.len() {
        if pi < p.len() && p[pi] != '*' && p[pi] == n[ni] {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use Cond::*;

    fn names() -> Vec<String> {
        ["sel", "sel_a", "sel_b", "filter", "_hidden", "x-y"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    #[test]
    fn forms() {
        let cases: &[(&str, Cond)] = &[
            ("sel", Ident(0)),
            (
                "sel and not filter",
                And(vec![Ident(0), Not(Box::new(Ident(3)))]),
            ),
            (
                "sel or sel_a and sel_b",
                Or(vec![Ident(0), And(vec![Ident(1), Ident(2)])]),
            ),
            (
                "(sel or sel_a) and sel_b",
                And(vec![Or(vec![Ident(0), Ident(1)]), Ident(2)]),
            ),
            ("1 of sel_*", Or(vec![Ident(1), Ident(2)])),
            ("any of sel_*", Or(vec![Ident(1), Ident(2)])),
            ("all of sel_*", And(vec![Ident(1), Ident(2)])),
            ("all of sel*", And(vec![Ident(0), Ident(1), Ident(2)])),
            (
                "1 of them",
                Or(vec![Ident(0), Ident(1), Ident(2), Ident(3), Ident(5)]),
            ),
            ("not not sel", Not(Box::new(Not(Box::new(Ident(0)))))),
            (
                "all of sel_* and not 1 of filter",
                And(vec![
                    And(vec![Ident(1), Ident(2)]),
                    Not(Box::new(Or(vec![Ident(3)]))),
                ]),
            ),
            ("x-y", Ident(5)),
            (
                "SEL AND NOT filter",
                And(vec![Ident(0), Not(Box::new(Ident(3)))]),
            )
                .clone(),
        ];
        for (text, want) in cases.iter().take(cases.len() - 1) {
            assert_eq!(&parse(text, &names()).unwrap(), want, "{text}");
        }
        // Identifiers are case-sensitive, keywords are not.
        assert!(parse("SEL AND NOT filter", &names()).is_err());
        assert_eq!(parse("sel AND NOT filter", &names()).unwrap(), cases[1].1);
    }

    #[test]
    fn errors() {
        for bad in [
            "",
            "sel and",
            "(sel",
            "2 of sel_*",
            "1 of nomatch*",
            "unknown",
            "sel | count() > 5",
            "sel near sel_a",
            "sel)",
        ] {
            assert!(parse(bad, &names()).is_err(), "{bad:?} should fail");
        }
    }
}

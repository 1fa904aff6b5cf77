//! `*`/`?` wildcard matching of one whole value against a compiled pattern, with a
//! byte path for ASCII values (most event values), where one byte is one character.
//! Patterns come folded when matching is case-insensitive.

use super::text::fold_char;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatChar {
    Lit(char),
    One,
    Any,
}

pub fn glob(pat: &[PatChar], value: &str, ci: bool) -> bool {
    if value.is_ascii() {
        // One byte is one character: no UTF-8 decoding on the way.
        let bytes = value.as_bytes();
        return glob_with(pat, ci, |i| bytes.get(i).map(|&b| (char::from(b), 1)));
    }
    glob_with(pat, ci, |i| {
        let c = value.get(i..)?.chars().next()?;
        Some((c, c.len_utf8()))
    })
}

/// Wildcard matching with one-star backtracking; `char_at(i)` gives the character at
/// byte offset `i` of the value and its length in bytes.
fn glob_with(pat: &[PatChar], ci: bool, char_at: impl Fn(usize) -> Option<(char, usize)>) -> bool {
    let (mut pi, mut vi) = (0usize, 0usize);
    let mut resume: Option<(usize, usize)> = None;
    loop {
        match (pat.get(pi), char_at(vi)) {
            (Some(PatChar::Any), _) => {
                resume = Some((pi + 1, vi));
                pi += 1;
                continue;
            }
            (Some(PatChar::One), Some((_, len))) => {
                pi += 1;
                vi += len;
                continue;
            }
            (Some(PatChar::Lit(p)), Some((c, len))) if *p == c || (ci && fold_char(c) == *p) => {
                pi += 1;
                vi += len;
                continue;
            }
            (None, None) => return true,
            _ => {}
        }
        let Some((sp, sv)) = resume else {
            return false;
        };
        let Some((_, len)) = char_at(sv) else {
            return false;
        };
        resume = Some((sp, sv + len));
        pi = sp;
        vi = sv + len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::eql::text::fold;

    fn compile(p: &str) -> Vec<PatChar> {
        fold(p)
            .chars()
            .map(|c| match c {
                '*' => PatChar::Any,
                '?' => PatChar::One,
                c => PatChar::Lit(c),
            })
            .collect()
    }

    /// Backtracking over characters: slow and obviously right.
    fn reference(p: &[PatChar], v: &[char], ci: bool) -> bool {
        match (p.first(), v.first()) {
            (None, None) => true,
            (Some(PatChar::Any), _) => {
                reference(&p[1..], v, ci) || (!v.is_empty() && reference(p, &v[1..], ci))
            }
            (Some(PatChar::One), Some(_)) => reference(&p[1..], &v[1..], ci),
            (Some(PatChar::Lit(c)), Some(x)) if *c == *x || (ci && fold_char(*x) == *c) => {
                reference(&p[1..], &v[1..], ci)
            }
            _ => false,
        }
    }

    #[test]
    fn both_paths_agree_with_backtracking() {
        let values = [
            "",
            "a",
            "xx-yy-zz",
            "_a_",
            "svc$",
            "C:\\Users\\Bob\\AppData\\x.EXE",
            "\u{212a}",
            "ne\u{212a}.exe",
            "aXXbYc",
            "aXXbc",
            "ÉTÉ",
        ];
        let patterns = [
            "*",
            "?",
            "*-*-*",
            "_*_",
            "*$",
            "n?*",
            "*win*",
            "c:\\users\\*\\appdata\\*.exe",
            "a*b?c",
            "*k*",
            "\u{212a}*",
            "é*",
            "??",
            "",
        ];
        for v in values {
            let chars: Vec<char> = v.chars().collect();
            for p in patterns {
                let pat = compile(p);
                for ci in [true, false] {
                    assert_eq!(
                        glob(&pat, v, ci),
                        reference(&pat, &chars, ci),
                        "{v} : {p} ci={ci}"
                    );
                }
            }
        }
    }
}

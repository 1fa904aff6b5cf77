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
        return glob_ascii(pat, value.as_bytes(), ci);
    }
    let (mut pi, mut vi) = (0usize, 0usize);
    let mut resume: Option<(usize, usize)> = None;
    loop {
        let vc = value.get(vi..).and_then(|s| s.chars().next());
        match (pat.get(pi), vc) {
            (Some(PatChar::Any), _) => {
                resume = Some((pi + 1, vi));
                pi += 1;
                continue;
            }
            (Some(PatChar::One), Some(c)) => {
                pi += 1;
                vi += c.len_utf8();
                continue;
            }
            (Some(PatChar::Lit(p)), Some(c)) if *p == c || (ci && fold_char(c) == *p) => {
                pi += 1;
                vi += c.len_utf8();
                continue;
            }
            (None, None) => return true,
            _ => {}
        }
        let Some((sp, sv)) = resume else {
            return false;
        };
        let Some(c) = value.get(sv..).and_then(|s| s.chars().next()) else {
            return false;
        };
        resume = Some((sp, sv + c.len_utf8()));
        pi = sp;
        vi = sv + c.len_utf8();
    }
}

/// `glob` over an ASCII value: one byte is one character and folds to its ASCII
/// lowercase, which never equals a non-ASCII pattern character.
fn glob_ascii(pat: &[PatChar], value: &[u8], ci: bool) -> bool {
    let (mut pi, mut vi) = (0usize, 0usize);
    let mut resume: Option<(usize, usize)> = None;
    loop {
        let vc = value.get(vi).map(|&b| char::from(b));
        match (pat.get(pi), vc) {
            (Some(PatChar::Any), _) => {
                resume = Some((pi + 1, vi));
                pi += 1;
                continue;
            }
            (Some(PatChar::One), Some(_)) => {
                pi += 1;
                vi += 1;
                continue;
            }
            (Some(PatChar::Lit(p)), Some(c)) if *p == c || (ci && c.to_ascii_lowercase() == *p) => {
                pi += 1;
                vi += 1;
                continue;
            }
            (None, None) => return true,
            _ => {}
        }
        let Some((sp, sv)) = resume else {
            return false;
        };
        if sv >= value.len() {
            return false;
        }
        resume = Some((sp, sv + 1));
        pi = sp;
        vi = sv + 1;
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

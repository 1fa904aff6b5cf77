//! Case-insensitive `*` / `?` wildcard patterns, as analysts write them in exceptions
//! (Windows paths and account names are case-insensitive; Elastic's case-sensitive
//! exceptions are a known complaint).

/// A compiled wildcard pattern: `*` any run of characters, `?` exactly one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    pattern: Vec<char>,
}

impl Glob {
    pub fn new(pattern: &str) -> Glob {
        Glob {
            pattern: pattern.chars().flat_map(char::to_lowercase).collect(),
        }
    }

    /// Whether the whole of `text` matches. Greedy with single-star backtracking, so the
    /// cost stays linear in practice and never recurses.
    pub fn matches(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
        let p = &self.pattern;
        let (mut ti, mut pi) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None;
        while ti < text.len() {
            match p.get(pi) {
                Some('*') => {
                    star = Some((pi, ti));
                    pi += 1;
                }
                Some(&c) if c == '?' || c == text[ti] => {
                    pi += 1;
                    ti += 1;
                }
                _ => match star {
                    Some((sp, st)) => {
                        pi = sp + 1;
                        ti = st + 1;
                        star = Some((sp, st + 1));
                    }
                    None => return false,
                },
            }
        }
        p[pi.min(p.len())..].iter().all(|&c| c == '*')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_table() {
        let cases = [
            ("net user * /add", "NET USER helpdesk2 P@ss /ADD", true),
            ("net user * /add", "net user x /add extra", false),
            (
                "c:\\windows\\*\\net.exe",
                "C:\\Windows\\System32\\net.exe",
                true,
            ),
            ("?s6", "WS6", true),
            ("?s6", "WWS6", false),
            ("*", "", true),
            ("", "", true),
            ("", "x", false),
            ("a*b*c", "aXXbYYc", true),
            ("a*b*c", "aXXbYY", false),
            ("**x", "abcx", true),
        ];
        for (pattern, text, want) in cases {
            assert_eq!(
                Glob::new(pattern).matches(text),
                want,
                "{pattern} vs {text}"
            );
        }
    }

    #[test]
    fn long_inputs_stay_cheap() {
        let text = "a".repeat(20_000);
        assert!(!Glob::new("*a*a*a*b").matches(&text));
    }
}

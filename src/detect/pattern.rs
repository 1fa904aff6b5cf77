//! Case-insensitive `*`/`?` wildcard patterns as the pack's `fp_hints` and `flags` use them,
//! compiled once per rule into one anchored regex, so matching an alert costs one regex run.

use regex::Regex;

/// A list of wildcard patterns; a value matches when it matches any of them as a whole.
#[derive(Debug, Clone)]
pub struct WildcardSet {
    regex: Regex,
}

impl WildcardSet {
    /// Compiles `patterns` (`*` = any run of characters, `?` = one character, everything
    /// else literal, compared without regard to case). An empty list matches nothing.
    pub fn compile(patterns: &[String]) -> Result<Self, regex::Error> {
        let mut source = String::from("(?is)^(?:");
        if patterns.is_empty() {
            // An empty alternation would match the empty string; this never matches.
            source.push_str("[^\\s\\S]");
        }
        for (i, pattern) in patterns.iter().enumerate() {
            if i > 0 {
                source.push('|');
            }
            let mut literal = String::new();
            for ch in pattern.chars() {
                match ch {
                    '*' | '?' => {
                        source.push_str(&regex::escape(&literal));
                        literal.clear();
                        source.push_str(if ch == '*' { ".*" } else { "." });
                    }
                    other => literal.push(other),
                }
            }
            source.push_str(&regex::escape(&literal));
        }
        source.push_str(")$");
        Ok(Self {
            regex: Regex::new(&source)?,
        })
    }

    pub fn is_match(&self, value: &str) -> bool {
        self.regex.is_match(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(p: &[&str]) -> WildcardSet {
        let owned: Vec<String> = p.iter().map(|s| s.to_string()).collect();
        WildcardSet::compile(&owned).unwrap()
    }

    #[test]
    fn wildcards_match_whole_values_without_case() {
        let cases: &[(&[&str], &str, bool)] = &[
            (&["msiexec.exe"], "MsiExec.EXE", true),
            (&["msiexec.exe"], "msiexec.exe.bak", false),
            (
                &["*\\puppet\\*"],
                r"C:\Program Files\Puppet Labs\Puppet\bin\ruby.exe",
                true,
            ),
            (&["*$"], "WKS-NEW05$", true),
            (&["*$"], "WKS-NEW05", false),
            (&["net?.exe"], "net1.exe", true),
            (&["net?.exe"], "net.exe", false),
            (&["a.c"], "abc", false),
            (&["(x)+"], "(x)+", true),
            (&["one", "two*"], "TWO words", true),
            (&[], "", false),
            (&["*"], "", true),
        ];
        for (patterns, value, expected) in cases {
            assert_eq!(
                set(patterns).is_match(value),
                *expected,
                "{patterns:?} vs {value}"
            );
        }
    }

    #[test]
    fn values_spanning_lines_still_match() {
        assert!(set(&["*add*"]).is_match("first line\nnet user x /add"));
    }
}

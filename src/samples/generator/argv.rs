//! Splits generated command lines into arguments, so the generated `process.args` agree
//! with `process.command_line` as the operating system would report them.

/// Splits `cmd` as Windows does: the importer's own splitter, so that generated
/// `process.args` are exactly what normalizing the command line would give.
pub fn split_windows(cmd: &str) -> Vec<String> {
    crate::normalize::cmdline::split_command_line(cmd)
}

/// Splits a Unix command line on whitespace, honouring simple single and double quotes.
pub fn split_unix(cmd: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut current = String::new();
    let mut in_arg = false;
    let mut quote: Option<char> = None;
    for c in cmd.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => current.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_arg = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_arg {
                    args.push(std::mem::take(&mut current));
                    in_arg = false;
                }
            }
            (None, c) => {
                current.push(c);
                in_arg = true;
            }
        }
    }
    if in_arg {
        args.push(current);
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_rules() {
        let cases: &[(&str, &[&str])] = &[
            (
                "net  user bob Pw1 /add",
                &["net", "user", "bob", "Pw1", "/add"],
            ),
            (
                r#""C:\Program Files\x.exe" /a "b c""#,
                &[r"C:\Program Files\x.exe", "/a", "b c"],
            ),
            (r#"x.exe a\\"b c" d"#, &["x.exe", r"a\b c", "d"]),
            (r#"x.exe a\"b"#, &["x.exe", "a\"b"]),
            (r"x.exe C:\dir\ y", &["x.exe", r"C:\dir\", "y"]),
            (r#"x.exe "a""b""#, &["x.exe", "a\"b"]),
            ("", &[]),
        ];
        for (cmd, expected) in cases {
            assert_eq!(split_windows(cmd), *expected, "{cmd}");
        }
    }

    #[test]
    fn unix_rules() {
        assert_eq!(
            split_unix(r#"sh -c 'useradd -m bob' "x y""#),
            ["sh", "-c", "useradd -m bob", "x y"]
        );
        assert!(split_unix("   ").is_empty());
    }
}

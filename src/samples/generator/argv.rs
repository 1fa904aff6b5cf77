//! Splits a Windows command line into arguments the way CommandLineToArgvW does, so the
//! generated `process.args` agree with `process.command_line` as Windows would report them.

/// Splits `cmd` into arguments: whitespace separates, double quotes group, `2n` backslashes
/// before a quote give `n` backslashes, `2n+1` give `n` and a literal quote, and `""` inside
/// quotes is a literal quote. The first argument (the program) takes quotes literally up to
/// the closing one, without backslash processing.
pub fn split_windows(cmd: &str) -> Vec<String> {
    let chars: Vec<char> = cmd.chars().collect();
    let mut args = Vec::new();
    let mut i = 0;
    // The program name.
    while i < chars.len() && chars[i].is_whitespace() {
        i += 1;
    }
    if i < chars.len() {
        let mut program = String::new();
        let mut quoted = false;
        while i < chars.len() {
            let c = chars[i];
            if c == '"' {
                quoted = !quoted;
            } else if c.is_whitespace() && !quoted {
                break;
            } else {
                program.push(c);
            }
            i += 1;
        }
        args.push(program);
    }
    loop {
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        if i >= chars.len() {
            break;
        }
        let mut arg = String::new();
        let mut quoted = false;
        while i < chars.len() {
            let c = chars[i];
            if c == '\\' {
                let start = i;
                while i < chars.len() && chars[i] == '\\' {
                    i += 1;
                }
                let count = i - start;
                if i < chars.len() && chars[i] == '"' {
                    arg.extend(std::iter::repeat_n('\\', count / 2));
                    if count % 2 == 1 {
                        arg.push('"');
                        i += 1;
                    }
                } else {
                    arg.extend(std::iter::repeat_n('\\', count));
                }
                continue;
            }
            if c == '"' {
                if quoted && i + 1 < chars.len() && chars[i + 1] == '"' {
                    arg.push('"');
                    i += 2;
                    continue;
                }
                quoted = !quoted;
                i += 1;
                continue;
            }
            if c.is_whitespace() && !quoted {
                break;
            }
            arg.push(c);
            i += 1;
        }
        args.push(arg);
    }
    args
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

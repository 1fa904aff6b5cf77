//! Splitting a Windows command line into arguments the way `CommandLineToArgvW`
//! does, so `process.args` matches what the program itself received.
//!
//! Rules: the program name (first argument) ends at the next quote if it starts
//! with one, else at whitespace, with no escape processing. After it, `2n`
//! backslashes before a quote give `n` backslashes and toggle quoting, `2n+1`
//! give `n` backslashes and a literal quote; other backslashes are literal; a
//! doubled quote inside a quoted part gives one literal quote and ends quoting.

/// Splits `line` into arguments. An empty or blank line gives no arguments.
pub fn split_command_line(line: &str) -> Vec<String> {
    let chars: Vec<char> = line.chars().collect();
    let mut args = Vec::new();
    let mut i = 0;
    let n = chars.len();
    // The program name.
    while i < n && is_space(chars[i]) {
        i += 1;
    }
    if i >= n {
        return args;
    }
    let mut program = String::new();
    if chars[i] == '"' {
        i += 1;
        while i < n && chars[i] != '"' {
            program.push(chars[i]);
            i += 1;
        }
        i += 1; // closing quote (or end)
        // Text glued after the closing quote belongs to the program name too.
        while i < n && !is_space(chars[i]) {
            program.push(chars[i]);
            i += 1;
        }
    } else {
        while i < n && !is_space(chars[i]) {
            program.push(chars[i]);
            i += 1;
        }
    }
    args.push(program);
    // The remaining arguments.
    loop {
        while i < n && is_space(chars[i]) {
            i += 1;
        }
        if i >= n {
            return args;
        }
        let mut arg = String::new();
        let mut quoted = false;
        while i < n {
            let c = chars[i];
            if c == '\\' {
                let start = i;
                while i < n && chars[i] == '\\' {
                    i += 1;
                }
                let count = i - start;
                if i < n && chars[i] == '"' {
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
                if quoted && i + 1 < n && chars[i + 1] == '"' {
                    arg.push('"');
                    i += 2;
                    quoted = false;
                    continue;
                }
                quoted = !quoted;
                i += 1;
                continue;
            }
            if is_space(c) && !quoted {
                break;
            }
            arg.push(c);
            i += 1;
        }
        args.push(arg);
    }
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\t'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_argv_rules() {
        let cases: &[(&str, &[&str])] = &[
            ("", &[]),
            ("   ", &[]),
            (
                "net user /add backdoor paw0rd1",
                &["net", "user", "/add", "backdoor", "paw0rd1"],
            ),
            (
                "net  user toto3 @#(*kjh@(@Jd /add",
                &["net", "user", "toto3", "@#(*kjh@(@Jd", "/add"],
            ),
            (
                "\"C:\\Program Files\\x.exe\" /a \"b c\"",
                &["C:\\Program Files\\x.exe", "/a", "b c"],
            ),
            // Program name: backslashes before the closing quote are kept literally.
            ("\"C:\\dir\\\" arg", &["C:\\dir\\", "arg"]),
            ("prog a\\\\\\b", &["prog", "a\\\\\\b"]),
            ("prog a\\\\\\\"b", &["prog", "a\\\"b"]),
            ("prog a\\\\\"b c\" d", &["prog", "a\\b c", "d"]),
            ("prog \"\" x", &["prog", "", "x"]),
            // A doubled quote inside quotes is a literal quote and ends quoting,
            // so the next quote opens a new quoted part.
            ("prog \"a\"\"b\" c", &["prog", "a\"b c"]),
            ("prog \"a\"\"b c", &["prog", "a\"b", "c"]),
            ("prog\ta\t\tb", &["prog", "a", "b"]),
            (
                "\"cmd.exe\" /c NET USER x$ P! /ADD",
                &["cmd.exe", "/c", "NET", "USER", "x$", "P!", "/ADD"],
            ),
            ("\"unterminated program", &["unterminated program"]),
            ("prog \"unterminated arg", &["prog", "unterminated arg"]),
        ];
        for (line, want) in cases {
            assert_eq!(split_command_line(line), *want, "line: {line:?}");
        }
    }
}

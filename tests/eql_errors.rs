//! Parse and compile errors: each is located (1-based line and column) and says what to do.

#![allow(clippy::unwrap_used)]

use vigil::rules::eql::compile;

#[test]
fn errors_are_located_and_explained() {
    let cases: &[(&str, usize, usize, &str)] = &[
        ("process where process.name = \"a\"", 1, 28, "use =="),
        ("process where process.name == 'a'", 1, 31, "double quotes"),
        (
            "process where\n  process.name == \"a\" and",
            2,
            26,
            "expected a value",
        ),
        ("process where a == \"\\q\"", 1, 21, "invalid escape"),
        ("process where a == ?\"x\"", 1, 20, "raw strings"),
        ("process where a == \"open", 1, 20, "not closed"),
        ("process where foo(a)", 1, 15, "unknown function"),
        ("process where arrayContains(a, \"x\")", 1, 15, "Python EQL"),
        ("process where length(a, b)", 1, 15, "takes 1 arguments"),
        (
            "process where add~(1, 2) == 3",
            1,
            15,
            "no case-insensitive",
        ),
        (
            "process where cidrMatch(ip, \"300.1.1.1/8\")",
            1,
            29,
            "not a valid CIDR",
        ),
        (
            "process where a regex \"(\"",
            1,
            23,
            "invalid regular expression",
        ),
        ("process where a == 1 | count", 1, 24, "only head and tail"),
        (
            "process where a == 1 | head",
            1,
            28,
            "non-negative whole number",
        ),
        ("process where a < b < c", 1, 21, "chained"),
        ("process a == 1", 1, 9, "'where'"),
        ("sequence [process where true]", 1, 10, "at least two"),
        (
            "sequence [process where true] ![file where true]",
            1,
            31,
            "maxspan",
        ),
        (
            "sequence with maxspan=5 [a where true] [b where true]",
            1,
            25,
            "time unit",
        ),
        (
            "sequence with maxspan=5y [a where true] [b where true]",
            1,
            24,
            "unknown time unit",
        ),
        (
            "sequence [a where true] with runs=0 [b where true]",
            1,
            35,
            "1 to 100",
        ),
        (
            "sequence [a where true] by x [b where true]",
            1,
            30,
            "same number of 'by' keys",
        ),
        ("sample [a where true] [b where true]", 1, 8, "join keys"),
        ("process where true)", 1, 19, "end of the query"),
        ("process where (a == 1", 1, 22, "')'"),
        ("process where a in \"x\"", 1, 20, "'('"),
        ("process where a : b", 1, 19, "string literal"),
        ("process where 1 + 2", 1, 17, "found a value"),
        (
            "process where a == 99999999999999999999",
            1,
            20,
            "too large",
        ),
        (
            "join [a where true] [b where true]",
            1,
            1,
            "join is not supported",
        ),
        ("/* unclosed\nprocess where true", 1, 1, "never closed"),
        ("process where `a", 1, 15, "never closed"),
    ];
    let mut failures = Vec::new();
    for (src, line, column, needle) in cases {
        match compile(src) {
            Ok(_) => failures.push(format!("{src:?}: compiled, expected an error")),
            Err(e) => {
                if (e.line, e.column) != (*line, *column) || !e.message.contains(needle) {
                    failures.push(format!(
                        "{src:?}: got {}:{} {:?}, want {line}:{column} containing {needle:?}",
                        e.line, e.column, e.message
                    ));
                }
                assert!(
                    e.to_string()
                        .starts_with(&format!("line {}, column {}", e.line, e.column))
                );
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

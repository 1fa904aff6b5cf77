//! KQL syntax errors: each bad query is rejected with the right position and message.

use super::compile;

#[test]
fn syntax_errors_are_located() {
    // (query, line, column, part of the message)
    let cases: &[(&str, usize, usize, &str)] = &[
        ("process.name:(a or b", 1, 14, "never closed"),
        ("process.name:\"abc", 1, 14, "never closed"),
        ("a:1 b:2", 1, 6, "field name cannot contain spaces"),
        ("a:1 and", 1, 8, "ends where a value was expected"),
        ("a:1 or or b:2", 1, 8, "unexpected `or`"),
        ("a:1)", 1, 4, "unexpected `)`"),
        ("a > b*", 1, 5, "range bound cannot contain a wildcard"),
        ("a*:1", 1, 1, "wildcards in field names"),
        ("a:\\q", 1, 3, "not a KQL escape"),
        ("a:1 and\n  b:(x or y", 2, 5, "never closed"),
        ("a:{ b:1", 1, 3, "never closed"),
        ("a:1 and :2", 1, 9, "unexpected `:`"),
        ("a:\"x\\u12\"", 1, 5, "unicode escape"),
    ];
    for (query, line, column, msg) in cases {
        let err = match compile(query) {
            Ok(_) => panic!("{query:?} should not compile"),
            Err(e) => e,
        };
        assert!(
            err.message.contains(msg),
            "{query:?}: message {:?} lacks {msg:?}",
            err.message
        );
        assert_eq!(
            (err.line, err.column),
            (*line, *column),
            "{query:?}: {err:?}"
        );
    }
}

#[test]
fn keywords_need_exact_case() {
    // `Or` is not a keyword: it becomes part of a multi-word value.
    let q = compile("a:x Or y").unwrap_or_else(|e| panic!("{e}"));
    assert!(q.matches_doc(&serde_json::json!({"a": "x Or y"})));
    assert!(!q.matches_doc(&serde_json::json!({"a": "x"})));
}

mod never_panics {
    use super::super::compile;
    use proptest::prelude::*;
    use serde_json::json;

    proptest! {
        #[test]
        fn any_text_compiles_or_errors(query in "[a-z\\\\:*?()<>=\"{} .-]{0,40}") {
            let doc = json!({"a": ["x", 1], "b": {"c": "y*"}, "message": "Hello there"});
            if let Ok(q) = compile(&query) {
                let _ = q.matches_doc(&doc);
            }
        }

        #[test]
        fn arbitrary_unicode_is_safe(query in "\\PC{0,30}") {
            if let Ok(q) = compile(&query) {
                let _ = q.matches_doc(&json!({"é": "ü"}));
            }
        }
    }
}

//! Table-driven Lucene cases over one document, plus syntax errors.

use super::compile;
use serde_json::json;

#[test]
fn lucene_conformance_table() {
    let doc = json!({
        "event": {"code": "4720", "category": ["process"], "type": ["start"]},
        "winlog": {"event_id": 4720},
        "process": {
            "name": "net.exe",
            "executable": "C:\\Windows\\System32\\net.exe",
            "args": ["net", "user", "bob", "/add"]
        },
        "user": {"name": "SYSTEM"},
        "message": "A user account was created"
    });
    let cases: &[(&str, bool)] = &[
        ("process.name:net.exe", true),
        ("process.name:NET.EXE", false),
        ("process.name:net*", true),
        ("process.name:ne?.exe", true),
        ("process.name:n?.exe", false),
        ("process.name:\"net.exe\"", true),
        ("process.name:\"net*\"", false),
        (
            "process.executable:C\\:\\\\Windows\\\\System32\\\\net.exe",
            true,
        ),
        ("process.executable:*\\\\System32\\\\*", true),
        ("process.name:net.exe AND user.name:SYSTEM", true),
        ("process.name:net.exe && user.name:nobody", false),
        ("process.name:cmd.exe OR user.name:SYSTEM", true),
        ("process.name:cmd.exe || user.name:nobody", false),
        ("process.name:cmd.exe user.name:SYSTEM", true),
        ("+process.name:net.exe -user.name:SYSTEM", false),
        ("+process.name:net.exe -user.name:nobody", true),
        ("process.name:net.exe NOT user.name:SYSTEM", false),
        ("process.name:net.exe AND NOT user.name:nobody", true),
        ("!user.name:SYSTEM", false),
        ("-process.parent.name:cmd.exe", true),
        ("+process.name:net.exe nothing:here", true),
        ("process.name:(cmd.exe OR net.exe)", true),
        ("process.args:(user AND \\/add)", true),
        ("process.args:(user AND delete)", false),
        (
            "(process.name:cmd.exe OR process.name:net.exe) AND event.code:4720",
            true,
        ),
        ("winlog.event_id:[4700 TO 4730]", true),
        ("winlog.event_id:{4720 TO 4730]", false),
        ("winlog.event_id:[* TO 4720]", true),
        ("winlog.event_id:>=4720", true),
        ("winlog.event_id:>4720", false),
        ("winlog.event_id:<5000", true),
        ("_exists_:process.name", true),
        ("_exists_:process.parent", false),
        ("process.name:/ne[tx]\\.exe/", true),
        ("process.name:/net/", false),
        ("process.args:/\\/a.d/", true),
        ("message:created", true),
        ("message:\"user account\"", true),
        ("bob", true),
        ("nobody", false),
        ("process.name:net.exe^2", true),
        ("event.category:process AND event.type:start", true),
    ];
    let mut failures = Vec::new();
    for (q, want) in cases {
        match compile(q) {
            Ok(c) if c.matches_doc(&doc) == *want => {}
            Ok(_) => failures.push(format!("{q:?}: expected {want}")),
            Err(e) => failures.push(format!("{q:?}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_range_needs_one_value_inside_both_bounds() {
    let doc = json!({"n": [1, 20], "m": [1, 7]});
    let q = |s: &str| compile(s).unwrap_or_else(|e| panic!("{s}: {e}"));
    assert!(!q("n:[5 TO 10]").matches_doc(&doc));
    assert!(q("m:[5 TO 10]").matches_doc(&doc));
    assert!(q("n:>=5").matches_doc(&doc));
}

#[test]
fn lucene_errors() {
    let cases: &[(&str, usize, &str)] = &[
        ("process.name:(a OR b", 13, "never closed"),
        ("a:\"x", 2, "never closed"),
        ("a:x~2", 3, "fuzzy"),
        ("a:[1 2]", 2, "TO"),
        ("AND a:b", 0, "cannot start"),
        ("a:b)", 3, "unexpected"),
        ("a*:b", 0, "wildcards in field names"),
        ("a:/(/", 2, "invalid regular expression"),
        ("", 0, "empty"),
    ];
    for (q, offset, msg) in cases {
        match compile(q) {
            Ok(_) => panic!("{q:?} should fail"),
            Err(e) => {
                assert!(e.message.contains(msg), "{q:?}: {}", e.message);
                assert_eq!(e.offset, *offset, "{q:?}: {}", e.message);
            }
        }
    }
}

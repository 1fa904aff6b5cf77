//! Table-driven KQL conformance cases: one document, many queries with the expected
//! outcome, covering every syntax form and the case, array and missing-field rules.

use super::compile;
use serde_json::{Value, json};

fn doc() -> Value {
    json!({
        "@timestamp": "2024-03-01T10:00:00.000Z",
        "event": {
            "code": "4720",
            "category": ["iam"],
            "type": ["creation", "user"],
            "module": "security",
            "action": "added-user-account",
            "outcome": "success"
        },
        "winlog": {
            "event_id": 4720,
            "record_id": 1234,
            "event_data": {
                "SubjectUserName": "WKS01$",
                "CallerProcessName": "C:\\Windows\\System32\\net1.exe",
                "Properties": "%{1131f6ad-9c07-11d1-f79f-00c04fc2dcd2} DS-Replication-Get-Changes"
            }
        },
        "process": {
            "name": "net.exe",
            "args": ["net", "user", "bob", "P@ss", "/add"],
            "pid": 4242,
            "command_line": "net user bob P@ss /add",
            "parent": {"name": "cmd.exe"}
        },
        "user": {"name": "SYSTEM", "target": {"name": "bob"}},
        "host": {"name": "WKS01", "os": {"type": "windows"}},
        "message": "A user account was created. Quick Brown fox.",
        "flag": true,
        "score": 7.5,
        "empty_list": [],
        "null_field": null,
        "path": "*literal star",
        "spaced": "two words",
        "quote": "say \"hi\"",
        "azure": {"target_resources": {"0": {"modified_properties": {"1": {"new_value": "\"Global Administrator\""}}}}},
        "dotted.key": "flat",
        "items": [
            {"name": "alpha", "size": 1},
            {"name": "beta", "size": 5}
        ]
    })
}

#[test]
fn kql_conformance_table() {
    let cases: &[(&str, bool)] = &[
        // field:value, keyword exact and case-sensitive
        ("event.code:4720", true),
        ("event.code:\"4720\"", true),
        ("event.code:4721", false),
        ("event.code : 4720", true),
        ("process.name:net.exe", true),
        ("process.name:NET.EXE", false),
        ("process.name:net", false),
        ("host.os.type:windows", true),
        ("host.os.type:Windows", false),
        // caseless multi-field reads the base field, folded
        ("process.name.caseless:NET.EXE", true),
        ("process.name.caseless:net*", true),
        ("process.name.caseless:cmd.exe", false),
        // numbers and booleans
        ("winlog.event_id:4720", true),
        ("winlog.event_id:\"4720\"", true),
        ("winlog.event_id:4720.0", true),
        ("winlog.event_id:4721", false),
        ("flag:true", true),
        ("flag:false", false),
        ("score:7.5", true),
        // wildcards
        ("process.name:net*", true),
        ("process.name:*.exe", true),
        ("process.name:*et.ex*", true),
        ("process.name:n*t.exe", true),
        ("process.name:*cmd*", false),
        ("process.name:Net*", false),
        ("winlog.event_data.CallerProcessName:*\\\\net1.exe", true),
        (
            "winlog.event_data.CallerProcessName:*\\:\\\\\\\\Windows\\\\\\\\System32\\\\\\\\net1.exe",
            true,
        ),
        (
            "winlog.event_data.CallerProcessName:?\\:\\\\\\\\Windows\\\\\\\\*",
            true,
        ),
        (
            "winlog.event_data.CallerProcessName:??\\:\\\\\\\\Windows\\\\\\\\*",
            false,
        ),
        (
            "winlog.event_data.Properties:*DS-Replication-Get-Changes*",
            true,
        ),
        (
            "winlog.event_data.Properties:*DS-Replication-Get-Changes-All*",
            false,
        ),
        // `?` without `*` is literal; a quoted `*` is literal
        ("process.name:ne?.exe", false),
        ("path:\"*literal star\"", true),
        ("path:\\*literal star", true),
        ("process.name:\"net*\"", false),
        // escaped special characters in plain values
        (
            "winlog.event_data.CallerProcessName:C\\:\\\\Windows\\\\System32\\\\net1.exe",
            true,
        ),
        ("quote:\"say \\\"hi\\\"\"", true),
        // phrases and multi-word values
        ("spaced:\"two words\"", true),
        ("spaced:two words", true),
        ("spaced:two", false),
        // existence
        ("process.name:*", true),
        ("process.missing:*", false),
        ("empty_list:*", false),
        ("null_field:*", false),
        ("process.parent:*", true),
        ("not process.missing:*", true),
        // arrays: any element
        ("process.args:user", true),
        ("process.args:/add", true),
        ("process.args:USER", false),
        ("event.type:creation", true),
        ("event.type:(creation and user)", true),
        ("event.type:(creation and deletion)", false),
        ("process.args:(/add or /ad)", true),
        ("process.args:(/ad or -ad)", false),
        ("process.args:(not /delete)", true),
        ("not process.args:/add", false),
        // missing fields: plain predicates false, negation true
        ("process.parent.executable:cmd.exe", false),
        ("not process.parent.executable:cmd.exe", true),
        ("NOT process.parent.executable:cmd.exe", true),
        // boolean logic and precedence
        ("event.code:4720 and process.name:net.exe", true),
        ("event.code:4720 AND process.name:cmd.exe", false),
        ("event.code:1 or process.name:net.exe", true),
        ("event.code:1 OR process.name:cmd.exe", false),
        (
            "event.code:1 or event.code:4720 and process.name:cmd.exe",
            false,
        ),
        (
            "(event.code:1 or event.code:4720) and process.name:net.exe",
            true,
        ),
        ("event.code:4720 and not user.name:SYSTEM", false),
        ("not not user.name:SYSTEM", true),
        ("not (event.code:1 or user.name:nobody)", true),
        (
            "process.name:(whoami.exe or net.exe) or process.name:net1.exe and not process.parent.name:net.exe",
            true,
        ),
        (
            "process.name:(whoami.exe or net.exe) and user.name:SYSTEM",
            true,
        ),
        // ranges
        ("winlog.event_id > 4000", true),
        ("winlog.event_id >= 4720", true),
        ("winlog.event_id > 4720", false),
        ("winlog.event_id < 4720", false),
        ("winlog.event_id <= 4720", true),
        ("score < 10", true),
        ("@timestamp >= \"2024-03-01\"", true),
        ("@timestamp < \"2024-03-01T09:59:59Z\"", false),
        ("@timestamp > \"2024-02-29T23:00:00+00:00\"", true),
        ("host.name >= WKS00", true),
        ("host.name < WKS00", false),
        ("process.missing > 1", false),
        // nested
        ("items:{ name:beta and size:5 }", true),
        ("items:{ name:alpha and size:5 }", false),
        ("items:{ name:alpha } and items:{ size:5 }", true),
        ("items:{ size > 3 }", true),
        ("process:{ name:net.exe and parent.name:cmd.exe }", true),
        ("nothing:{ name:x }", false),
        // text fields are analyzed
        ("message:created", true),
        ("message:CREATED", true),
        ("message:\"brown fox\"", true),
        ("message:\"fox brown\"", false),
        ("message:(nothing or quick)", true),
        ("message:cre*", true),
        // literal dotted keys and numeric object keys
        ("dotted.key:flat", true),
        (
            "azure.target_resources.0.modified_properties.1.new_value:\"\\\"Global Administrator\\\"\"",
            true,
        ),
        // free text
        ("bob", true),
        ("nobody", false),
        ("\"brown fox\"", true),
        // empty query and keywords as values
        ("", true),
        ("*", true),
        ("user.name:\\or", false),
        ("user.name:(SYSTEM or \\not)", true),
    ];
    let d = doc();
    let mut failures = Vec::new();
    for (query, want) in cases {
        match compile(query) {
            Ok(q) => {
                if q.matches_doc(&d) != *want {
                    failures.push(format!("{query:?}: expected {want}"));
                }
            }
            Err(e) => failures.push(format!("{query:?}: failed to compile: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(cases.len() >= 60);
}

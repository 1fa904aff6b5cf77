//! Table-driven EQL conformance cases (Elasticsearch semantics): operators, case rules,
//! wildcards, arrays, missing fields, functions, categories, and the seed rule.

#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};
use vigil::model::Event;
use vigil::rules::eql::compile;

fn base_doc() -> Value {
    json!({
        "@timestamp": "2024-05-01T10:00:00.000Z",
        "event": {"category": ["process"], "type": ["start", "info"], "code": "4688",
                  "action": "Process Create"},
        "host": {"os": {"type": "windows"}, "name": "WS1"},
        "process": {
            "name": "net.exe",
            "executable": "C:\\Windows\\System32\\net.exe",
            "command_line": "net user backdoor paw0rd1 /add",
            "args": ["net", "user", "backdoor", "paw0rd1", "/add"],
            "args_count": 5,
            "pid": 4242,
            "parent": {"name": "cmd.exe", "pid": 100}
        },
        "user": {"name": "Alice", "domain": "CORP"},
        "source": {"ip": "10.1.2.3", "port": 445},
        "destination": {"ip": "fe80::1"},
        "winlog": {"event_id": 4688, "event_data": {"Some.Field": "dotted", "Hex": "0x1f"}},
        "num": {"f": 2.5, "zero": 0, "str": "42", "neg": -3, "big": 10},
        "flag": true,
        "off": false,
        "empty": [],
        "nullv": null,
        "unicode": "ÉTÉ",
        "words": ["Alpha", "beta", "GAMMA"],
        "process.flat": "dotted-key",
        "`odd`": "x",
        "odd-name": "dash"
    })
}

fn event(doc: Value) -> Event {
    Event {
        id: "e1".into(),
        timestamp_ms: 0,
        doc,
        original: String::new(),
    }
}

fn run_table(cases: &[(&str, bool)], prefix: &str) {
    let ev = event(base_doc());
    let mut failures = Vec::new();
    for (cond, want) in cases {
        let src = format!("{prefix}{cond}");
        match compile(&src) {
            Ok(q) => {
                if q.matches(&ev) != *want {
                    failures.push(format!("{src}: expected {want}"));
                }
            }
            Err(e) => failures.push(format!("{src}: compile error {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn comparison_and_case_rules() {
    run_table(
        &[
            (r#"process.name == "net.exe""#, true),
            (r#"process.name == "NET.EXE""#, false),
            (r#"process.name != "NET.EXE""#, true),
            (r#"process.name != "net.exe""#, false),
            (r#"process.name == "net*""#, false),
            (r#"process.name : "NET.EXE""#, true),
            (r#"process.name : "net*""#, true),
            (r#"process.name : "*.EXE""#, true),
            (r#"process.name : "n?t.exe""#, true),
            (r#"process.name : "n?.exe""#, false),
            (r#"process.name : "et.exe""#, false),
            (r#"process.name : ("cmd.exe", "NET1.exe", "net.EXE")"#, true),
            (r#"process.name : ("cmd.exe", "x*")"#, false),
            (r#"process.name like "net.*""#, true),
            (r#"process.name like "NET.*""#, false),
            (r#"process.name like~ "NET.*""#, true),
            (r#"process.name like ("a", "n*e")"#, true),
            (r#"process.name regex "net\\.exe""#, true),
            (r#"process.name regex "net""#, false),
            (r#"process.name regex "NET.*""#, false),
            (r#"process.name regex~ "NET.*""#, true),
            (r#"process.name regex ("x", "[a-z]+\\.exe")"#, true),
            (r#"process.name in ("net.exe", "x")"#, true),
            (r#"process.name in ("NET.EXE", "x")"#, false),
            (r#"process.name in~ ("NET.EXE", "x")"#, true),
            (r#"process.name not in ("NET.EXE", "x")"#, true),
            (r#"process.name not in ("net.exe")"#, false),
            (r#"process.name not in~ ("NET.EXE")"#, false),
            (r#"process.executable : "?:\\Windows\\System32\\*""#, true),
            (
                r#"process.executable : "c:\\windows\\system32\\net.exe""#,
                true,
            ),
            (
                r#"process.executable == "C:\\Windows\\System32\\net.exe""#,
                true,
            ),
            (r#"process.executable : """?:\Windows\*\net.exe""""#, true),
            (r#"unicode : "été""#, true),
            (r#"unicode == "été""#, false),
            (r#"unicode : "é*""#, true),
            (r#"user.name < "B""#, true),
            (r#"user.name > "B""#, false),
            (r#"user.name >= "Alice""#, true),
            (r#"user.name <= "Alic""#, false),
            (r#""net.exe" == process.name"#, true),
            (r#"4000 < process.pid"#, true),
        ],
        "any where ",
    );
}

#[test]
fn numbers_and_booleans() {
    run_table(
        &[
            ("process.pid == 4242", true),
            ("process.pid != 4242", false),
            ("process.pid > 4000", true),
            ("process.pid >= 4242", true),
            ("process.pid < 4242", false),
            ("process.pid <= 4242.0", true),
            (r#"process.pid == "4242""#, true),
            (r#"event.code == 4688"#, true),
            (r#"event.code > 4000"#, true),
            (r#"winlog.event_id == 4688"#, true),
            (r#"winlog.event_id in (4720, 4688)"#, true),
            (r#"winlog.event_id : "4688""#, true),
            ("num.f == 2.5", true),
            ("num.f > 2", true),
            ("num.neg < 0", true),
            ("num.neg == -3", true),
            ("flag", true),
            ("off", false),
            ("not off", true),
            ("flag == true", true),
            ("off == false", true),
            ("true", true),
            ("false", false),
            ("not false", true),
            ("null", false),
            ("process.pid + 8 == 4250", true),
            ("process.pid - 42 == 4200", true),
            ("num.big * 3 == 30", true),
            ("num.big / 4 == 2", true),
            ("num.big / 4.0 == 2.5", true),
            ("num.big % 4 == 2", true),
            ("-num.neg == 3", true),
            ("(num.big + 2) * 2 == 24", true),
            ("num.big + 2 * 2 == 14", true),
            ("num.big / num.zero == 1", false),
            ("not num.big / num.zero == 1", false),
            ("1 + 1 == 2", true),
            ("4 / 3 == 1", true),
        ],
        "any where ",
    );
}

#[test]
fn arrays_are_existential() {
    run_table(
        &[
            (r#"event.type == "start""#, true),
            (r#"event.type == "info""#, true),
            (r#"event.type == "end""#, false),
            (r#"event.type != "start""#, false),
            (r#"event.type != "end""#, true),
            (r#"process.args : "USER""#, true),
            (r#"process.args : ("/ad", "/add")"#, true),
            (r#"process.args == "/ADD""#, false),
            (r#"not process.args : "x""#, true),
            (r#"not process.args : "user""#, false),
            (r#"process.args : "users""#, false),
            (r#"process.args : "back*""#, true),
            (r#"process.args in ("x", "backdoor")"#, true),
            (r#"process.args like~ "PAW0RD?""#, true),
            (r#"process.args regex "/ad+""#, true),
            (r#"words : "gamma""#, true),
            (r#"words == "gamma""#, false),
            (r#"startsWith(process.args, "back")"#, true),
            (r#"endsWith~(words, "MMA")"#, true),
            (r#"length(words) == 4"#, true),
            (r#"process.args[0] == "net""#, true),
            (r#"process.args[1] == "net""#, false),
            (r#"process.args[4] : "/ADD""#, true),
            (r#"process.args[9] == null"#, true),
            (r#"empty == null"#, true),
            (r#"empty != null"#, false),
            (r#"empty : "x""#, false),
        ],
        "any where ",
    );
}

#[test]
fn missing_fields_and_null() {
    run_table(
        &[
            (r#"nope : "x""#, false),
            (r#"not nope : "x""#, true),
            (r#"nope == "x""#, false),
            (r#"not nope == "x""#, true),
            (r#"nope != "x""#, true),
            (r#"nope in ("x")"#, false),
            (r#"nope not in ("x")"#, true),
            (r#"nope like "x""#, false),
            (r#"nope regex ".*""#, false),
            (r#"nope > 1"#, false),
            (r#"not nope > 1"#, true),
            ("nope == null", true),
            ("nope != null", false),
            ("process.name != null", true),
            ("process.name == null", false),
            ("nullv == null", true),
            ("nullv != null", false),
            (r#"?nope == null"#, true),
            (r#"?process.name == "net.exe""#, true),
            (r#"startsWith(nope, "x")"#, false),
            (r#"not startsWith(nope, "x")"#, false),
            (r#"length(nope) == 0"#, false),
            (r#"not length(nope) == 0"#, false),
            (r#"length(nope) == 0 or true"#, true),
            (r#"length(nope) == 0 and false"#, false),
            (r#"not (length(nope) == 0 and false)"#, true),
            (r#"concat(nope, "x") == "x""#, false),
            (r#"nope.deeper : "x""#, false),
            (r#"process.name.deeper : "x""#, false),
            (r#"process.parent.name : "net.exe""#, false),
            (r#"not process.parent.name : "net.exe""#, true),
            (r#"nope in ("x", null)"#, true),
        ],
        "any where ",
    );
}

#[test]
fn boolean_logic_and_precedence() {
    run_table(
        &[
            (r#"process.name == "x" or process.pid == 4242"#, true),
            (r#"process.name == "x" and process.pid == 4242"#, false),
            (r#"process.name == "x" or process.pid == 1 or flag"#, true),
            (r#"true or false and false"#, true),
            (r#"(true or false) and false"#, false),
            (r#"not true or true"#, true),
            (r#"not (true or true)"#, false),
            (r#"not not flag"#, true),
            (
                r#"process.name : "net.exe" and not process.parent.name : "net.exe""#,
                true,
            ),
            (r#"/* comment */ process.pid == 4242 // trailing"#, true),
            ("process.pid ==\n 4242", true),
        ],
        "any where ",
    );
}

#[test]
fn functions() {
    run_table(
        &[
            ("add(2, 3) == 5", true),
            ("add(process.pid, 1) == 4243", true),
            ("add(2.5, 1) == 3.5", true),
            ("subtract(10, 4) == 6", true),
            ("multiply(num.big, 2) == 20", true),
            ("divide(10, 4) == 2", true),
            ("divide(10, 4.0) == 2.5", true),
            ("divide(10, 0) == 0", false),
            ("modulo(10, 6) == 4", true),
            ("modulo(10, 0.5) == 0", true),
            (
                r#"between("C:\\dev\\logs\\a.json", "dev", ".json") == "\\logs\\a""#,
                true,
            ),
            (r#"between("abcabc", "a", "c", true) == "bcab""#, true),
            (r#"between("abcabc", "a", "c", false) == "b""#, true),
            (r#"between("abc", "x", "c") == """#, true),
            (r#"between~("AbCxyz", "b", "X") == "C""#, true),
            (r#"between("AbCxyz", "b", "X") == """#, true),
            (r#"cidrMatch(source.ip, "10.0.0.0/8")"#, true),
            (
                r#"cidrMatch(source.ip, "192.168.0.0/16", "10.1.2.0/24")"#,
                true,
            ),
            (r#"cidrMatch(source.ip, "192.168.0.0/16")"#, false),
            (r#"cidrmatch(source.ip, "10.1.2.3")"#, true),
            (r#"cidrMatch(destination.ip, "fe80::/10")"#, true),
            (r#"not cidrMatch(destination.ip, "10.0.0.0/8")"#, true),
            (r#"cidrMatch(nope, "10.0.0.0/8")"#, false),
            (r#"concat("a", "b", 1) == "ab1""#, true),
            (
                r#"concat(process.name, "-", process.pid) == "net.exe-4242""#,
                true,
            ),
            (r#"concat(flag) == "true""#, true),
            (r#"endsWith(process.name, ".exe")"#, true),
            (r#"endsWith(process.name, ".EXE")"#, false),
            (r#"endsWith~(process.name, ".EXE")"#, true),
            (r#"endsWith("", "")"#, true),
            (r#"indexOf("hello", "l") == 2"#, true),
            (r#"indexOf("hello", "l", 3) == 3"#, true),
            (r#"indexOf("hello", "z") == null"#, false),
            (r#"indexOf("hello", "z") != null"#, false),
            (r#"indexOf("hello", "L") == 2"#, false),
            (r#"indexOf~("hello", "L") == 2"#, true),
            (r#"indexOf("hello", "h", -5) == 0"#, true),
            (r#"indexOf("hello", "h", 10) == 0"#, false),
            (r#"length(process.name) == 7"#, true),
            (r#"length("été") == 3"#, true),
            (r#"number("42") == 42"#, true),
            (r#"number(" 42 ") == 42"#, true),
            (r#"number("0x1f") == 31"#, true),
            (r#"number(winlog.event_data.Hex) == 31"#, true),
            (r#"number("ff", 16) == 255"#, true),
            (r#"number("-2.5") == -2.5"#, true),
            (r#"number("abc") == 0"#, false),
            (r#"number(num.str) + 1 == 43"#, true),
            (r#"startsWith(process.name, "net")"#, true),
            (r#"startsWith(process.name, "NET")"#, false),
            (r#"startsWith~(process.name, "NET")"#, true),
            (r#"string(process.pid) == "4242""#, true),
            (r#"string(flag) == "true""#, true),
            (r#"stringContains(process.command_line, "user")"#, true),
            (r#"stringContains(process.command_line, "USER")"#, false),
            (r#"stringContains~(process.command_line, "USER")"#, true),
            (r#"stringContains(process.command_line, "")"#, false),
            (r#"substring("hello", 1) == "ello""#, true),
            (r#"substring("hello", 1, 3) == "el""#, true),
            (r#"substring("hello", -3) == "llo""#, true),
            (r#"substring("hello", -3, -1) == "ll""#, true),
            (r#"substring("hello", 3, 1) == """#, true),
            (r#"STARTSWITH(process.name, "net")"#, true),
            (r#"concat(process.name, "x") : "NET.EXEX""#, true),
            (r#"length(process.name) in (1, 7)"#, true),
            (r#"process.pid == add(4240, 2)"#, true),
        ],
        "any where ",
    );
}

#[test]
fn field_names() {
    run_table(
        &[
            (r#"winlog.event_data.Some.Field == "dotted""#, true),
            (r#"process.flat == "dotted-key""#, true),
            (r#"`odd-name` == "dash""#, true),
            (r#"```odd``` == "x""#, true),
            (r#"process.`name` == "net.exe""#, true),
            (r#"@timestamp : "2024-05-01*""#, true),
        ],
        "any where ",
    );
}

#[test]
fn categories() {
    run_table(
        &[
            ("process where true", true),
            ("file where true", false),
            ("any where true", true),
            (r#""process" where true"#, true),
            ("PROCESS where true", false),
            (r#"process where process.name == "net.exe""#, true),
            (r#"network where process.name == "net.exe""#, false),
        ],
        "",
    );
    let mut doc = base_doc();
    doc["event"]["category"] = json!(["network", "process"]);
    let q = compile("process where true").unwrap();
    assert!(q.matches(&event(doc.clone())));
    doc["event"]["category"] = json!("process");
    assert!(q.matches(&event(doc.clone())));
    doc["event"].as_object_mut().unwrap().remove("category");
    assert!(!q.matches(&event(doc.clone())));
    assert!(compile("any where true").unwrap().matches(&event(doc)));
    assert_eq!(
        compile("process where true").unwrap().categories(),
        Some(&["process".to_string()][..])
    );
    assert_eq!(compile("any where true").unwrap().categories(), None);
}

fn seed_query() -> &'static str {
    r#"process where host.os.type == "windows" and event.type == "start" and
  (process.name : ("net.exe", "net1.exe") and not process.parent.name : "net.exe") and
  (process.args : "user" and process.args : ("/ad", "/add"))"#
}

fn process_event(name: &str, parent: Option<&str>, cmd: &str) -> Event {
    let args: Vec<&str> = cmd.split(' ').collect();
    let mut doc = json!({
        "event": {"category": ["process"], "type": ["start"]},
        "host": {"os": {"type": "windows"}},
        "process": {"name": name, "command_line": cmd, "args": args}
    });
    if let Some(p) = parent {
        doc["process"]["parent"] = json!({"name": p});
    }
    event(doc)
}

#[test]
fn seed_rule() {
    let q = compile(seed_query()).unwrap();
    let cases = [
        (
            process_event("net.exe", Some("cmd.exe"), "net user backdoor paw0rd1 /add"),
            true,
        ),
        (
            process_event("net.exe", Some("cmd.exe"), "net user backdoor paw0rd1 /ad"),
            true,
        ),
        (
            process_event("NET1.EXE", Some("cmd.exe"), "net1 USER bob x /ADD"),
            true,
        ),
        (process_event("net.exe", None, "net user bob x /add"), true),
        (
            process_event("net.exe", Some("powershell.exe"), "net user /add bob x"),
            true,
        ),
        (process_event("net.exe", Some("cmd.exe"), "net user"), false),
        (
            process_event("net.exe", Some("cmd.exe"), "net user bob"),
            false,
        ),
        (
            process_event("net.exe", Some("cmd.exe"), "net use \\\\h /USER:x"),
            false,
        ),
        (
            process_event("net.exe", Some("cmd.exe"), "net localgroup administrators"),
            false,
        ),
        (
            process_event(
                "net1.exe",
                Some("net.exe"),
                "net1 user backdoor paw0rd1 /add",
            ),
            false,
        ),
        (
            process_event("net.exe", Some("cmd.exe"), "net user bob x -add"),
            false,
        ),
        (
            process_event("net.exe", Some("cmd.exe"), "net users bob /add"),
            false,
        ),
    ];
    for (i, (ev, want)) in cases.iter().enumerate() {
        assert_eq!(q.matches(ev), *want, "case {i}: {}", ev.doc);
    }
    let mut doc = process_event("net.exe", Some("cmd.exe"), "net user b x /add").doc;
    doc["host"]["os"]["type"] = json!("Windows");
    assert!(!q.matches(&event(doc.clone())));
    doc["host"]["os"]["type"] = json!("windows");
    doc["event"]["type"] = json!(["end"]);
    assert!(!q.matches(&event(doc)));
    assert!(!q.is_stateful());
}

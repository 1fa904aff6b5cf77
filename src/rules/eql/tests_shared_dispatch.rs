//! Property test: the shared dispatch (category buckets, literal index, aho-corasick,
//! field memo) gives exactly what each rule gives when evaluated on its own the
//! straightforward way, over generated events and a mix of rule shapes.

use super::{EqlRuleSet, compile};
use crate::model::Event;
use crate::rules::api::RuleMatch;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

const QUERIES: &[&str] = &[
    r#"process where process.name : ("net.exe", "net1.exe") and process.args : "user""#,
    r#"process where process.name == "CMD.EXE""#,
    r#"process where process.name in~ ("cmd.exe", "powershell.exe") and user.name != "svc""#,
    r#"process where process.command_line : "*payload*""#,
    r#"process where process.command_line like~ "*\\temp\\*.exe*""#,
    r#"process where process.command_line : "*\\Temp\\x?.exe""#,
    r#"process where process.executable : "C:\\Windows\\*""#,
    r#"process where process.executable : "*\\cmd.exe""#,
    r#"process where process.executable like "C:\\Windows\\*""#,
    r#"process where not process.name : "cmd.exe""#,
    r#"process where process.name : "cm*" or process.name : "*ll.exe""#,
    r#"process where startsWith~(process.name, "NET") and process.pid > 100"#,
    r#"any where event.code == "4720""#,
    r#"any where event.code : "47*""#,
    r#"any where event.code == 4720"#,
    r#"any where event.code in ("4720", "4732")"#,
    r#"any where event.action == "user-created" and user.name : "adm*""#,
    r#"authentication where event.outcome == "failure""#,
    r#"file where file.path : "C:\\Users\\*\\AppData\\*\\drop.exe""#,
    r#"file where file.path : "*appdata*" and file.extension in ("exe", "dll")"#,
    r#"any where process.args : "/add""#,
    r#"any where true"#,
    r#"process where process.name : "net.exe" | head 3"#,
    r#"any where event.code == "4720" | tail 2"#,
    r#"sequence by user.name with maxspan=5s [process where process.name : "cmd.exe"] [process where process.name : "net.exe"]"#,
    r#"sequence by host.name [any where event.code == "4720"] [any where event.code == "4732"] until [process where process.name == "logoff.exe"]"#,
    r#"sequence with maxspan=10s [process where process.command_line : "*payload*"] ![file where file.path : "*drop*"] [file where true]"#,
    r#"sample by host.name [process where process.name : "cmd.exe"] [file where file.extension == "exe"]"#,
    // Items sharing join-key lists with other rules (one key per event and list), an
    // optional key, and an array-valued key.
    r#"sequence by user.name [process where process.name : "net.exe"] [any where event.code == "4720"]"#,
    r#"sequence by host.name, ?process.parent.name [process where process.name : "cmd.exe"] [process where process.name : "net.exe"]"#,
    r#"sequence by process.args [process where true] [process where process.name : "cmd.exe"]"#,
    // Non-ASCII needles and values: byte lengths and end bytes of folded text.
    r#"process where process.name : ("NET1.EXE", "étÉ.exe") or process.executable : "*\\DROP.EXE""#,
    r#"process where process.name : "ÉTÉ*" or process.command_line : "*now""#,
    // Pattern lists long enough for one table (whole values, affixes, `?:` drives).
    r#"process where process.executable : ("?:\\Windows\\System32\\*", "C:\\Users\\*", "*\\drop.exe", "d:\\data\\file.txt", "x.exe")"#,
    r#"process where process.name like ("cmd.exe", "NET1.exe", "rundll32.dll", "x", "*.EXE")"#,
    r#"file where file.path : ("c:\\users\\x\\appdata\\y\\drop.exe", "?:\\data\\*", "*.TXT", "é*")"#,
];

/// Each pattern list above, written as one test per pattern.
const EXPANDED: &[(&str, &str)] = &[
    (
        r#"process where process.executable : ("?:\\Windows\\System32\\*", "C:\\Users\\*", "*\\drop.exe", "d:\\data\\file.txt", "x.exe")"#,
        r#"process where process.executable : "?:\\Windows\\System32\\*" or process.executable : "C:\\Users\\*" or process.executable : "*\\drop.exe" or process.executable : "d:\\data\\file.txt" or process.executable : "x.exe""#,
    ),
    (
        r#"process where process.name like ("cmd.exe", "NET1.exe", "rundll32.dll", "x", "*.EXE")"#,
        r#"process where process.name like "cmd.exe" or process.name like "NET1.exe" or process.name like "rundll32.dll" or process.name like "x" or process.name like "*.EXE""#,
    ),
    (
        r#"file where file.path : ("c:\\users\\x\\appdata\\y\\drop.exe", "?:\\data\\*", "*.TXT", "é*")"#,
        r#"file where file.path : "c:\\users\\x\\appdata\\y\\drop.exe" or file.path : "?:\\data\\*" or file.path : "*.TXT" or file.path : "é*""#,
    ),
];

fn pick<'a>(rng: &mut ChaCha8Rng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

fn random_event(rng: &mut ChaCha8Rng, i: usize) -> Event {
    let names = [
        "net.exe",
        "NET1.exe",
        "cmd.exe",
        "CMD.EXE",
        "powershell.exe",
        "rundll32.dll",
        "logoff.exe",
        "ÉTÉ.exe",
    ];
    let lines = [
        "net user bob /add",
        "C:\\Temp\\x1.exe",
        "c:\\TEMP\\payload.exe",
        "run PAYLOAD now",
        "C:\\Windows\\System32\\cmd.exe",
        "",
    ];
    let paths = [
        "C:\\Users\\bob\\AppData\\Roaming\\drop.exe",
        "C:\\users\\x\\appdata\\y\\DROP.EXE",
        "C:\\Windows\\System32\\cmd.exe",
        "D:\\data\\file.txt",
    ];
    let cats = [
        json!("process"),
        json!(["process", "file"]),
        json!("file"),
        json!("authentication"),
        json!(["iam"]),
        Value::Null,
    ];
    let codes = [
        json!("4720"),
        json!(4720),
        json!(4720.0),
        json!("4732"),
        json!(4732),
        json!("04720"),
        json!(true),
        Value::Null,
    ];
    let args = [
        json!(["net.exe", "user", "/add"]),
        json!("user"),
        json!([]),
        json!(["x", ["/ADD"]]),
    ];
    let mut doc = json!({
        "event": {
            "category": cats[rng.random_range(0..cats.len())].clone(),
            "code": codes[rng.random_range(0..codes.len())].clone(),
            "action": pick(rng, &["user-created", "exec", "USER-CREATED"]),
            "outcome": pick(rng, &["failure", "success"]),
        },
        "process": {
            "name": pick(rng, &names),
            "pid": rng.random_range(0..300),
            "command_line": pick(rng, &lines),
            "executable": pick(rng, &paths),
            "args": args[rng.random_range(0..args.len())].clone(),
        },
        "file": {"path": pick(rng, &paths), "extension": pick(rng, &["exe", "dll", "txt"])},
        "user": {"name": pick(rng, &["admin", "bob", "svc", "Administrator"])},
        "host": {"name": pick(rng, &["h1", "h2"])},
    });
    if rng.random_bool(0.2)
        && let Some(o) = doc.as_object_mut()
    {
        // Literal dotted keys must resolve like nested ones.
        o.insert("process.name".into(), json!(pick(rng, &names)));
    }
    if rng.random_bool(0.5)
        && let Some(p) = doc.get_mut("process").and_then(Value::as_object_mut)
    {
        p.insert("parent".into(), json!({"name": pick(rng, &names)}));
    }
    if rng.random_bool(0.15)
        && let Some(p) = doc.get_mut("process").and_then(Value::as_object_mut)
    {
        // ... also below the top level, where the field tree must fall back.
        p.insert("parent.name".into(), json!(pick(rng, &names)));
    }
    if rng.random_bool(0.1)
        && let Some(o) = doc.as_object_mut()
    {
        // A scalar where an object is expected: nothing below it exists.
        o.insert("user".into(), json!("not an object"));
    }
    Event {
        id: format!("ev{i:05}"),
        timestamp_ms: rng.random_range(0..60_000),
        doc,
        original: String::new(),
    }
}

fn run(set: &EqlRuleSet, events: &[Event]) -> Vec<RuleMatch> {
    crate::testutil::run_evaluator(&mut set.evaluator(), events)
}

fn sorted(mut v: Vec<RuleMatch>) -> Vec<RuleMatch> {
    v.sort_by(|a, b| (&a.rule_id, &a.events, &a.fields).cmp(&(&b.rule_id, &b.events, &b.fields)));
    v
}

#[test]
fn shared_dispatch_equals_each_rule_alone() {
    for seed in 0..6u64 {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut events: Vec<Event> = (0..600).map(|i| random_event(&mut rng, i)).collect();
        // The same records imported again (ids identify records).
        for k in 0..60 {
            let again = events[(k * 7) % 600].clone();
            events.push(again);
        }
        let all = EqlRuleSet::new(
            QUERIES
                .iter()
                .enumerate()
                .map(|(i, q)| (format!("r{i}"), compile(q).unwrap()))
                .collect(),
        );
        let together = sorted(run(&all, &events));
        let mut alone = Vec::new();
        for (i, q) in QUERIES.iter().enumerate() {
            let query = compile(q).unwrap();
            if !query.is_stateful() {
                // The straightforward path: no index, no memo, category checked here.
                for e in &events {
                    if query.matches(e) {
                        alone.push(RuleMatch {
                            rule_id: format!("r{i}"),
                            events: vec![(e.id.clone(), e.timestamp_ms)],
                            fields: Default::default(),
                        });
                    }
                }
                continue;
            }
            let one = EqlRuleSet::new(vec![(format!("r{i}"), query)]);
            alone.extend(run(&one, &events));
        }
        let alone = sorted(alone);
        for (i, _) in QUERIES.iter().enumerate() {
            let id = format!("r{i}");
            let a: Vec<_> = together.iter().filter(|m| m.rule_id == id).collect();
            let b: Vec<_> = alone.iter().filter(|m| m.rule_id == id).collect();
            assert_eq!(a, b, "seed {seed}: {}", QUERIES[i]);
        }
        assert_eq!(together, alone, "seed {seed}");
        // Arrival order does not matter either.
        let mut reversed = events.clone();
        reversed.reverse();
        assert_eq!(
            sorted(run(&all, &reversed)),
            together,
            "seed {seed} reversed"
        );
    }
}

#[test]
fn pattern_lists_equal_their_patterns_one_by_one() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let events: Vec<Event> = (0..2000).map(|i| random_event(&mut rng, i)).collect();
    for (list, expanded) in EXPANDED {
        assert!(QUERIES.contains(list), "{list} is in the mix");
        let (a, b) = (compile(list).unwrap(), compile(expanded).unwrap());
        let mut fired = 0;
        for e in &events {
            assert_eq!(a.matches(e), b.matches(e), "{list} on {}", e.doc);
            fired += usize::from(a.matches(e));
        }
        assert!(fired > 0 && fired < events.len(), "{list}: {fired}");
    }
}

#[test]
fn every_query_of_the_mix_fires_somewhere() {
    // Guards the property test against vacuous agreement on rules that never match.
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    let events: Vec<Event> = (0..2000).map(|i| random_event(&mut rng, i)).collect();
    for (i, q) in QUERIES.iter().enumerate() {
        let set = EqlRuleSet::new(vec![(format!("r{i}"), compile(q).unwrap())]);
        assert!(!run(&set, &events).is_empty(), "never fires: {q}");
    }
}

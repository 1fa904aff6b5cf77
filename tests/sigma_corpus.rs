//! The SigmaHQ corpus: load ratio, regression events, and the account-creation rules
//! on hand-built Sysmon, 4688, 4720 and 4732 documents.

mod sigma_common;
use serde_json::{Value, json};
use sigma_common::*;
use std::path::{Path, PathBuf};
use vigil::model::RuleOrigin;
use vigil::rules::api::RuleStatus;
use vigil::rules::sigma::{LoadResult, SigmaRuleSet, load_file};

fn yml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            yml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "yml" || x == "yaml") {
            out.push(p);
        }
    }
}

fn load_corpus(shared: &Path) -> Vec<LoadResult> {
    let mut files = Vec::new();
    yml_files(&shared.join("rules/sigmahq/rules"), &mut files);
    files.sort();
    files
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            let shown = p.display().to_string();
            load_file(RuleOrigin::File(p.clone()), &shown, &text)
        })
        .collect()
}

#[test]
fn sigmahq_corpus_loads() {
    let Some(shared) = shared() else { return };
    let results = load_corpus(&shared);
    let total = results.len();
    let mut failed = Vec::new();
    for r in &results {
        let ready = !r.rules.is_empty() && r.rules.iter().all(|x| x.status == RuleStatus::Ready);
        if !ready {
            let why: Vec<String> = r.diagnostics.iter().map(ToString::to_string).collect();
            failed.push(why.join(" | "));
        }
    }
    for f in &failed {
        println!("not loaded: {f}");
    }
    let ratio = (total - failed.len()) as f64 / total as f64;
    println!(
        "SigmaHQ: {} of {total} files ready ({:.2}%)",
        total - failed.len(),
        ratio * 100.0
    );
    assert!(
        total > 3000,
        "expected the SigmaHQ corpus, found {total} files"
    );
    assert!(ratio >= 0.995, "load ratio {ratio:.4} is below 99.5%");
}

/// Builds a stored-event document from an evtx_dump-style record.
fn from_evtx_json(v: &Value) -> Value {
    let sys = &v["Event"]["System"];
    let data = v["Event"]["EventData"].clone();
    let code = sys["EventID"]
        .as_u64()
        .map(|c| c.to_string())
        .unwrap_or_default();
    let channel = sys["Channel"].as_str().unwrap_or_default();
    let mut doc = json!({
        "winlog": {"channel": channel, "event_data": data.clone(), "computer_name": sys["Computer"]},
        "event": {"code": code},
        "host": {"name": sys["Computer"], "os": {"type": "windows"}}
    });
    if channel.contains("Sysmon") && code == "1" {
        doc["process"] = json!({"executable": data["Image"], "command_line": data["CommandLine"],
            "parent": {"executable": data["ParentImage"], "command_line": data["ParentCommandLine"]}});
        doc["event"]["category"] = json!(["process"]);
        doc["event"]["type"] = json!(["start"]);
    }
    if channel.contains("Sysmon") && ["12", "13", "14"].contains(&code.as_str()) {
        doc["registry"] = json!({"path": data["TargetObject"]});
    }
    doc
}

#[test]
fn regression_events_fire_their_rules() {
    let Some(shared) = shared() else { return };
    let set = SigmaRuleSet::new(load_corpus(&shared));
    let mut files = Vec::new();
    let dir = shared.join("datasets/SigmaHQ-sigma-regression_data");
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return;
    };
    for d in rd.flatten() {
        for f in std::fs::read_dir(d.path()).into_iter().flatten().flatten() {
            if f.path().extension().is_some_and(|x| x == "json") {
                files.push(f.path());
            }
        }
    }
    assert!(!files.is_empty());
    for f in files {
        let rule_id = f
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let out = run(&set, &[event("ev", 0, from_evtx_json(&v))]);
        assert!(
            out.iter().any(|m| m.rule_id == rule_id),
            "{} did not fire rule {rule_id}; fired: {:?}",
            f.display(),
            out.iter().map(|m| &m.rule_id).collect::<Vec<_>>()
        );
    }
}

/// The brief's `User Added to Local Administrators Group` is SigmaHQ's Security 4732 rule, whose
/// title is singular ("Administrator"); the plural title is a process_creation rule.
fn account_rules(shared: &Path) -> SigmaRuleSet {
    let wanted = [
        "New User Created Via Net.EXE",
        "Local User Creation",
        "User Added to Local Administrator Group",
    ];
    let picked: Vec<LoadResult> = load_corpus(shared)
        .into_iter()
        .filter(|r| {
            r.rules
                .iter()
                .any(|x| wanted.contains(&x.meta.name.as_str()))
        })
        .collect();
    assert_eq!(
        picked.len(),
        3,
        "all three SigmaHQ account rules must be present"
    );
    SigmaRuleSet::new(picked)
}

fn fired(set: &SigmaRuleSet, doc: Value) -> Vec<String> {
    let mut names = Vec::new();
    for m in run(set, &[event("e", 0, doc)]) {
        let name = set
            .loaded()
            .iter()
            .find(|r| r.meta.id == m.rule_id)
            .map(|r| r.meta.name.clone())
            .unwrap_or_default();
        names.push(name);
    }
    names
}

#[test]
fn account_rules_on_contract_documents() {
    let Some(shared) = shared() else { return };
    let set = account_rules(&shared);
    let net = "New User Created Via Net.EXE";
    let sysmon = |image: &str, cmd: &str| {
        sysmon1(
            json!({"Image": image, "CommandLine": cmd, "OriginalFileName": "net.exe", "User": "CORP\\bob"}),
        )
    };
    let sec4688 = |image: &str, cmd: &str| {
        json!({"winlog": {"channel": "Security", "event_data": {"NewProcessName": image, "CommandLine": cmd,
            "NewProcessId": "0x1a2c", "ProcessId": "0x44", "SubjectUserName": "bob", "SubjectDomainName": "CORP",
            "ParentProcessName": "C:\\Windows\\System32\\cmd.exe"}},
            "event": {"code": "4688", "category": ["process"], "type": ["start"]},
            "process": {"executable": image, "command_line": cmd, "name": "net.exe"}})
    };
    let cases: Vec<(&str, Value, Vec<&str>)> = vec![
        (
            "sysmon net user add",
            sysmon(
                "C:\\Windows\\System32\\net.exe",
                "net user hacker P@ss /add",
            ),
            vec![net],
        ),
        (
            "sysmon net1 add",
            sysmon(
                "C:\\Windows\\System32\\net1.exe",
                "C:\\Windows\\system32\\net1 user hacker P@ss /add",
            ),
            vec![net],
        ),
        (
            "4688 net user add (NewProcessName)",
            sec4688(
                "C:\\Windows\\System32\\net.exe",
                "net  user hacker P@ss /ADD",
            ),
            vec![net],
        ),
        (
            "sysmon net user listing",
            sysmon("C:\\Windows\\System32\\net.exe", "net user"),
            vec![],
        ),
        (
            "4688 net use with /USER",
            sec4688(
                "C:\\Windows\\System32\\net.exe",
                "net use \\\\h\\c$ /USER:x pass",
            ),
            vec![],
        ),
        (
            "4720",
            json!({"winlog": {"channel": "Security", "event_data": {"TargetUserName": "hacker", "SubjectUserName": "bob"}},
                "event": {"code": "4720", "category": ["iam"], "type": ["user", "creation"]}, "user": {"target": {"name": "hacker"}}}),
            vec!["Local User Creation"],
        ),
        (
            "4732 to Administrators",
            json!({"winlog": {"channel": "Security", "event_data": {"TargetUserName": "Administrators", "TargetSid": "S-1-5-32-544",
                "MemberSid": "S-1-5-21-1-2-3-1001", "MemberName": "-", "SubjectUserName": "bob"}},
                "event": {"code": "4732"}, "group": {"name": "Administrators", "id": "S-1-5-32-544"}}),
            vec!["User Added to Local Administrator Group"],
        ),
        (
            "4732 by a machine account",
            json!({"winlog": {"channel": "Security", "event_data": {"TargetUserName": "Administrators", "TargetSid": "S-1-5-32-544",
                "MemberSid": "S-1-5-21-1-2-3-1001", "SubjectUserName": "WS1$"}}, "event": {"code": "4732"}}),
            vec![],
        ),
    ];
    let mut failures = Vec::new();
    for (label, doc, want) in cases {
        let got = fired(&set, doc);
        if got != want {
            failures.push(format!("{label}: fired {got:?}, expected {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

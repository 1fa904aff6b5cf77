//! The fast evaluation path (memoized candidates, hit-driven selection, field-restricted
//! prefilter scan) against the straightforward one: every rule whose guard passes is
//! evaluated in full, no prefilter. Real rules (SigmaHQ Windows) over real events
//! (../shared/datasets read by the importer's readers, plus generated ECS events).

use super::evaluator::SigmaEvaluator;
use super::fieldmap;
use super::load::load_file;
use super::logsource::DocFacts;
use super::ruleset::SigmaRuleSet;
use super::{candidates, eval};
use crate::ingest::{Location, RawKind, RawRecord, ReadItem, read_file};
use crate::model::{Event, RuleOrigin};
use crate::normalize::normalize;
use crate::rules::api::Evaluator;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

fn shared() -> Option<PathBuf> {
    let found = crate::testutil::shared_dir();
    if found.is_none() {
        println!("notice: ../shared not found; skipping the test that needs it");
    }
    found
}

fn files_under(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            files_under(&p, exts, out);
        } else if exts.is_empty()
            || p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| exts.contains(&e))
        {
            out.push(p);
        }
    }
}

fn windows_rules(shared: &Path) -> SigmaRuleSet {
    let mut files = Vec::new();
    files_under(
        &shared.join("rules/sigmahq/rules/windows"),
        &["yml"],
        &mut files,
    );
    let results = files
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            load_file(RuleOrigin::File(p.clone()), &p.display().to_string(), &text)
        })
        .collect();
    SigmaRuleSet::new(results)
}

/// Up to `per_file` normalized events of every readable file under `dir`.
fn dataset_events(dir: &Path, per_file: usize) -> Vec<Event> {
    let mut files = Vec::new();
    files_under(dir, &[], &mut files);
    let mut events = Vec::new();
    for f in files {
        let mut taken = 0;
        let shown = f.display().to_string();
        let _ = read_file(&f, Arc::new(AtomicU64::new(0)), &mut |item| {
            if taken >= per_file {
                return;
            }
            if let ReadItem::Record(raw) = item
                && let Ok((e, _)) = normalize(raw, &shown)
            {
                events.push(e);
                taken += 1;
            }
        });
    }
    events
}

fn generated_events(n: u64) -> Vec<Event> {
    let mut buf = Vec::new();
    let config = crate::samples::generator::GenConfig::large(n);
    crate::samples::generator::generate(&config, &mut buf).unwrap();
    let text = String::from_utf8(buf).unwrap();
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let raw = RawRecord {
                kind: RawKind::Json,
                text: line,
                location: Location::Line(i as u64 + 1),
            };
            normalize(raw, "generated").ok().map(|(e, _)| e)
        })
        .collect()
}

/// The rule ids the straightforward path fires on one event, sorted.
fn reference(set: &SigmaRuleSet, event: &Event) -> Vec<String> {
    let facts = DocFacts::of(&event.doc);
    let source = fieldmap::source_kind(&event.doc, facts.channel, facts.code);
    let ctx = eval::EventCtx::new(&event.doc, source);
    let mut ids: Vec<String> = (0..set.detection_count())
        .filter(|&d| {
            let entry = set.detection(d);
            entry.emit
                && set.guard_of(d).matches(&facts)
                && eval::matches(&entry.compiled.detection, &ctx)
                && entry.filters.iter().all(|f| eval::matches(f, &ctx))
        })
        .map(|d| set.loaded()[set.detection(d).rule].meta.id.clone())
        .collect();
    ids.sort();
    ids
}

fn compare(set: &SigmaRuleSet, events: &[Event]) -> usize {
    let mut ev = SigmaEvaluator::new(set);
    let mut out = Vec::new();
    let mut fired = 0;
    for e in events {
        out.clear();
        ev.on_event(e, &mut out);
        let mut fast: Vec<String> = out.iter().map(|m| m.rule_id.clone()).collect();
        fast.sort();
        let want = reference(set, e);
        assert_eq!(fast, want, "event {} ({})", e.id, e.doc);
        fired += fast.len();
    }
    fired
}

#[test]
fn fast_path_fires_exactly_what_full_evaluation_fires_on_real_data() {
    let Some(shared) = shared() else { return };
    let set = windows_rules(&shared);
    let mut events = dataset_events(&shared.join("datasets"), 300);
    events.extend(generated_events(3_000));
    assert!(events.len() > 5_000, "only {} events", events.len());
    let fired = compare(&set, &events);
    println!("{} events, {fired} rule matches, all equal", events.len());
    assert!(fired > 100, "too few matches ({fired}) to prove anything");
}

#[test]
fn facts_keys_separate_what_guards_separate() {
    let docs = [
        json!({"winlog": {"channel": "Security"}, "event": {"code": "4688"}}),
        json!({"winlog": {"channel": "Security"}, "event": {"code": "4689"}}),
        json!({"winlog": {"channel": "Security"}, "event": {"code": 4688}}),
        json!({"winlog": {"channel": "System"}, "event": {"code": "4688"}}),
        json!({"event": {"category": ["process"], "type": ["start"]}}),
        json!({"event": {"category": ["process"], "type": ["end"]}}),
        json!({"event": {"category": "process", "type": ["start"]}}),
        json!({"event": {"category": ["process", "file"], "type": ["start"]}}),
        json!({"event": {"category": [["process"]], "type": ["start"]}}),
        json!({"event": {"category": ["process"], "type": ["start"]}, "host": {"os": {"type": "linux"}}}),
        json!({"event": {"module": "aws", "dataset": "aws.cloudtrail"}}),
        json!({"event": {"module": "aws", "dataset": "aws.guardduty"}}),
        json!({"event": {"module": ["aws"], "dataset": "aws.cloudtrail"}}),
        json!({"event": {"module": 7}}),
        json!({}),
    ];
    let keys: Vec<Vec<u8>> = docs
        .iter()
        .map(|d| {
            let mut k = Vec::new();
            candidates::facts_key(&DocFacts::of(d), &mut k);
            k
        })
        .collect();
    for (i, a) in keys.iter().enumerate() {
        for (j, b) in keys.iter().enumerate() {
            // Documents 0 and 2 differ only in how the code is stored: same facts.
            let same = i == j || matches!((i, j), (0, 2) | (2, 0));
            assert_eq!(a == b, same, "{} vs {}", docs[i], docs[j]);
        }
    }
}

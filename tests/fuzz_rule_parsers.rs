//! Rule parsers never panic, whatever the text: real EQL queries and Sigma rules from
//! ../shared/rules (and the built-in pack's) are cut, spliced and sprinkled with the
//! characters their grammars care about, then compiled. Every outcome is fine except a
//! panic; errors must still carry a position inside the text.

#![allow(clippy::unwrap_used)]

mod common;

use common::{crate_dir, shared_dir};
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use vigil::ingest::walk::collect_files;
use vigil::model::rule::RuleOrigin;
use vigil::rules::eql::compile;
use vigil::rules::sigma::load_file;

/// Characters that matter to EQL or YAML syntax, plus a few multi-byte ones.
const SPICE: &[char] = &[
    '"', '\'', '\\', '(', ')', '[', ']', '{', '}', ':', '-', '|', '*', '?', ',', '.', '~', '!',
    '=', '<', '>', '#', '&', '\n', '\t', ' ', '0', 'é', '€', '\u{0}',
];

/// Files under `dir` ending in `.ext`, in the importer's stable walk order.
fn files_under(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let (files, _) = collect_files(&[dir.to_path_buf()]);
    out.extend(
        files
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == ext)),
    );
}

/// Every EQL query of the Elastic rules available, the built-in pack's first.
static EQL_SEEDS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut files = Vec::new();
    files_under(&crate_dir().join("rules"), "toml", &mut files);
    if let Some(shared) = shared_dir() {
        files_under(&shared.join("rules/elastic"), "toml", &mut files);
    }
    let mut queries: Vec<String> = files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .filter_map(|text| text.parse::<toml::Table>().ok())
        .filter_map(|t| {
            let rule = t.get("rule")?.as_table()?;
            (rule.get("language")?.as_str()? == "eql")
                .then(|| rule.get("query")?.as_str().map(str::to_string))?
        })
        .collect();
    queries.push(r#"sequence by host.id with maxspan=1m [process where process.name : "net.exe"] ![file where true] [any where ?x.y == 1] until [process where false] | head 3"#.into());
    queries
});

/// Sigma rule texts: the built-in pack's and a spread of SigmaHQ's.
static SIGMA_SEEDS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut files = Vec::new();
    files_under(&crate_dir().join("rules"), "yml", &mut files);
    if let Some(shared) = shared_dir() {
        let mut hq = Vec::new();
        files_under(&shared.join("rules/sigmahq"), "yml", &mut hq);
        // Every 25th file: all rule shapes (correlations, filters, modifiers) without
        // making each case slow.
        files.extend(hq.into_iter().step_by(25));
    }
    files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .collect()
});

/// A mutation of `seed`: cut it, splice a piece of it elsewhere, or insert characters.
fn mutate(seed: &str, op: u8, a: usize, b: usize, spice: &[usize]) -> String {
    let chars: Vec<char> = seed.chars().collect();
    if chars.is_empty() {
        return spice.iter().map(|i| SPICE[i % SPICE.len()]).collect();
    }
    let a = a % (chars.len() + 1);
    let b = b % (chars.len() + 1);
    let (lo, hi) = (a.min(b), a.max(b));
    let mut out: Vec<char> = match op % 4 {
        0 => chars[..a].to_vec(),
        1 => [&chars[..lo], &chars[hi..]].concat(),
        2 => [&chars[..a], &chars[lo..hi], &chars[a..]].concat(),
        _ => chars.clone(),
    };
    for (k, i) in spice.iter().enumerate() {
        let at = (a + k * 7) % (out.len() + 1);
        out.insert(at, SPICE[i % SPICE.len()]);
    }
    out.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn eql_never_panics_and_errors_stay_inside_the_text(
        pick in any::<usize>(), op in any::<u8>(), a in any::<usize>(), b in any::<usize>(),
        spice in proptest::collection::vec(any::<usize>(), 0..6),
    ) {
        let seed = &EQL_SEEDS[pick % EQL_SEEDS.len()];
        let text = mutate(seed, op, a, b, &spice);
        if let Err(e) = compile(&text) {
            let lines = text.split('\n').count().max(1);
            prop_assert!(e.line >= 1 && e.line <= lines + 1, "{e:?} in {text:?}");
        }
    }

    #[test]
    fn sigma_never_panics(
        pick in any::<usize>(), op in any::<u8>(), a in any::<usize>(), b in any::<usize>(),
        spice in proptest::collection::vec(any::<usize>(), 0..6),
    ) {
        prop_assume!(!SIGMA_SEEDS.is_empty());
        let seed = &SIGMA_SEEDS[pick % SIGMA_SEEDS.len()];
        let text = mutate(seed, op, a, b, &spice);
        let _ = load_file(RuleOrigin::File(PathBuf::from("fuzz.yml")), "fuzz.yml", &text);
    }
}

#[test]
fn the_seeds_themselves_compile() {
    // The unmutated queries must compile, or the mutations above test error paths only.
    let failed: Vec<_> = EQL_SEEDS.iter().filter(|q| compile(q).is_err()).collect();
    assert!(failed.is_empty(), "{failed:?}");
    assert!(EQL_SEEDS.len() >= 2);
}

//! Every Elastic rule in ../shared/rules/elastic loads: eql and kuery rules are ready to
//! evaluate, the others are listed as not evaluable with the reason.

use super::{ElasticRuleSet, load_rule};
use crate::model::RuleOrigin;
use crate::rules::api::{CompiledRuleSet, RuleStatus};
use crate::testutil::{files_with_extension, shared_dir};

#[test]
fn every_shared_elastic_rule_loads() {
    let Some(shared) = shared_dir() else {
        eprintln!("notice: ../shared is absent; skipping the Elastic rule corpus test");
        return;
    };
    let files = files_with_extension(&shared.join("rules/elastic"), "toml");
    assert!(files.len() >= 66, "found only {} rule files", files.len());
    let mut failures = Vec::new();
    let mut loaded = Vec::new();
    let (mut ready, mut not_evaluable) = (0, 0);
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let shown = path.display().to_string();
        match load_rule(RuleOrigin::File(path.clone()), &shown, &text) {
            Err(diags) => failures.extend(diags.iter().map(ToString::to_string)),
            Ok(rule) => {
                let evaluable_type = matches!(
                    (rule.rule_type.as_str(), rule.language.as_deref()),
                    ("eql", _) | ("query" | "threshold" | "new_terms", Some("kuery"))
                );
                match (&rule.status, evaluable_type) {
                    (RuleStatus::Ready, true) => ready += 1,
                    (RuleStatus::NotEvaluable(reason), false) => {
                        assert!(
                            reason.starts_with("not evaluable locally: "),
                            "{shown}: {reason}"
                        );
                        not_evaluable += 1;
                    }
                    (status, _) => failures.push(format!("{shown}: unexpected {status:?}")),
                }
                loaded.push(rule);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(ready + not_evaluable, files.len());
    assert_eq!(not_evaluable, 3, "esql (2) and machine_learning (1)");
    let set = ElasticRuleSet::new(loaded);
    assert_eq!(set.rules().len(), ready);
    assert_eq!(set.listed().len(), files.len());

    // `[transform]` survives into the listing, for the guide's `$investigate_N`.
    let pbpaste = set
        .listed()
        .iter()
        .find(|r| r.meta.name == "Suspicious pbpaste High Volume Activity")
        .unwrap_or_else(|| panic!("pbpaste rule missing"));
    let investigate = &pbpaste
        .transform
        .as_ref()
        .unwrap_or_else(|| panic!("no transform"))["investigate"];
    assert_eq!(investigate.as_array().map(Vec::len), Some(2));
    assert_eq!(
        investigate[0]["providers"][0][1]["value"],
        "{{process.group_leader.entity_id}}"
    );
}

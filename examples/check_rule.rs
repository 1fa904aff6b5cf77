//! Loads Elastic rule files and prints `path:line:column: message` for each problem,
//! or the rule's status: a quick way to check rule files while writing them.

use vigil::model::RuleOrigin;
use vigil::rules::api::RuleStatus;
use vigil::rules::elastic::load_rule;

fn main() {
    let mut failed = false;
    for path in std::env::args().skip(1) {
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{path}: cannot read: {e}");
                failed = true;
                continue;
            }
        };
        match load_rule(RuleOrigin::File(path.clone().into()), &path, &text) {
            Ok(rule) => match rule.status {
                RuleStatus::Ready => println!("{path}: ready ({})", rule.rule_type),
                RuleStatus::NotEvaluable(reason) => println!("{path}: {reason}"),
            },
            Err(diags) => {
                failed = true;
                for d in diags {
                    println!("{d}");
                }
            }
        }
    }
    if failed {
        std::process::exit(1);
    }
}

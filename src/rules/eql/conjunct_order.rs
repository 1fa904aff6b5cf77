//! Orders the operands of every `and` and `or` cheapest first, once at compile time.
//! Both stop at the first operand that decides them (false for `and`, true for `or`),
//! and their three-valued result does not depend on operand order (a deciding operand
//! wins wherever it is, then null, then the other value), so a rule's long `not
//! process.executable : (...)` lists and scripts run only when cheap tests pass.

use super::cond::{Cond, FieldTest};

/// A rough relative cost of evaluating `cond` on one event.
fn cost(cond: &Cond) -> u32 {
    match cond {
        Cond::Const(_) => 0,
        Cond::Not(inner) => cost(inner),
        Cond::And(items) | Cond::Or(items) => items.iter().map(cost).sum(),
        Cond::Script(_) => 40,
        Cond::Field { field, test } => {
            let base = match test {
                FieldTest::IsNull => 2,
                FieldTest::Equals(_) | FieldTest::Order(..) => 3,
                FieldTest::In { values, .. } => 3 + u32::try_from(values.len() / 2).unwrap_or(64),
                FieldTest::Wildcards(ws) => 2 + ws.iter().map(|w| w.cost()).sum::<u32>(),
                FieldTest::Regexes(rs) => 20 + 10 * u32::try_from(rs.len()).unwrap_or(64),
            };
            // Argument lists have many values, each tested.
            if field.path.ends_with(".args") {
                base * 3
            } else {
                base
            }
        }
    }
}

/// Sorts the operands of every `and`/`or` in `cond` by cost (stable: equal costs keep
/// the order written).
pub fn cheapest_first(cond: &mut Cond) {
    match cond {
        Cond::And(items) | Cond::Or(items) => {
            items.iter_mut().for_each(cheapest_first);
            items.sort_by_cached_key(cost);
        }
        Cond::Not(inner) => cheapest_first(inner),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::eql::ast::Body;
    use crate::rules::eql::compile_cond::compile_condition;
    use crate::rules::eql::parser::parse;

    fn compiled(src: &str) -> Cond {
        let q = parse(&format!("any where {src}")).unwrap();
        let Body::Event(e) = q.body else {
            panic!("not an event query")
        };
        compile_condition(&e.condition).unwrap()
    }

    fn first_field(c: &Cond) -> String {
        match c {
            Cond::And(items) | Cond::Or(items) => first_field(&items[0]),
            Cond::Not(inner) => first_field(inner),
            Cond::Field { field, .. } => field.path.clone(),
            Cond::Script(_) => "<script>".into(),
            Cond::Const(_) => "<const>".into(),
        }
    }

    #[test]
    fn cheap_tests_come_first() {
        let cases = [
            (
                r#"not process.executable : ("C:\\a\\*.exe", "*\\b\\*", "?:\\c\\*") and process.name == "x""#,
                "process.name",
            ),
            (
                r#"length(process.name) > 3 and process.pid == 4"#,
                "process.pid",
            ),
            (
                r#"process.args : "x" and process.name : "y""#,
                "process.name",
            ),
            (
                r#"process.name regex "a.*" or (user.name == "a" and user.id == "b")"#,
                "user.name",
            ),
            (r#"a == "1" and b == "2""#, "a"),
        ];
        for (src, want) in cases {
            let mut c = compiled(src);
            cheapest_first(&mut c);
            assert_eq!(first_field(&c), want, "{src}");
        }
    }
}

//! Finds, for each filter, one conjunct that needs a field to equal one of a few literal
//! strings (`process.name : ("net.exe", "net1.exe")`, `event.action == "x"`, ...), so the
//! rule set can index filters by (field, folded value) and skip every filter whose literal
//! is absent from the event. This is what keeps 500 rules close to the cost of one.

use super::cond::{Cond, FieldPath, FieldTest};
use super::text::{Needle, fold};
use super::value::Val;

/// Fields whose values are shared by most events; indexing on them prunes little.
const LOW_SELECTIVITY: &[&str] = &[
    "host.os.type",
    "host.os.family",
    "host.os.name",
    "host.os.platform",
    "event.type",
    "event.kind",
    "event.category",
    "event.outcome",
    "event.module",
    "event.dataset",
    "event.provider",
    "network.direction",
    "network.transport",
    "agent.type",
    "data_stream.dataset",
    "winlog.channel",
    "user.domain",
];

/// Extra score of indexing on a field outside the document root and the `event` object.
/// Dispatch reads `event.category` for every event, so those two objects are always
/// scanned already; any other object an index reads (`winlog.event_data`, say) is
/// scanned for every event of the bucket, and scanning cold objects, not hashing, is
/// what most of the time of a large set goes to (their keys are cache misses). It tips
/// the choice towards `event.code == "4738"` over a rarer `winlog.event_data` needle when
/// few filters share the code, never towards a common needle.
const OBJECT_SCAN: usize = 10;

fn placement_cost(path: &str) -> usize {
    match path.rsplit_once('.') {
        None | Some(("event", _)) => 0,
        Some(_) => OBJECT_SCAN,
    }
}

/// A necessary condition: some value of one of these fields, folded, fits one needle.
pub type Requirement = Vec<(FieldPath, Vec<Needle>)>;

/// Every indexable conjunct of `cond`: each one alone is a necessary condition.
pub fn options(cond: &Cond) -> Vec<Requirement> {
    match cond {
        Cond::And(items) => items.iter().filter_map(indexable).collect(),
        other => indexable(other).into_iter().collect(),
    }
}

/// The cheapest option to index on: the one whose needles the fewest filters of the rule
/// set share (`shared` counts them), avoiding fields most events carry and objects that
/// dispatch does not read anyway, exact values before affixes before inner literals.
pub fn choose(
    options: &[Requirement],
    shared: &dyn Fn(&str, &Needle) -> usize,
) -> Option<Requirement> {
    let score = |r: &Requirement| -> usize {
        r.iter()
            .map(|(f, needles)| {
                let common = if LOW_SELECTIVITY.contains(&f.path.as_str()) {
                    1_000_000
                } else if f.path.ends_with(".args") {
                    // Argument lists are long and their tokens common ("user", "/c"):
                    // every element costs a lookup.
                    6
                } else {
                    0
                };
                placement_cost(&f.path)
                    + needles
                        .iter()
                        .map(|n| {
                            let kind = match n {
                                Needle::Exact(_) => 0,
                                Needle::Prefix(_) | Needle::Suffix(_) => 1,
                                Needle::Contains(_) => 2,
                            };
                            common + shared(&f.path, n).saturating_mul(4) + kind
                        })
                        .sum::<usize>()
            })
            .sum()
    };
    options.iter().min_by_key(|r| score(r)).cloned()
}

/// The best indexable conjunct of `cond` considered alone, if any.
#[cfg(test)]
pub fn requirement(cond: &Cond) -> Option<Requirement> {
    choose(&options(cond), &|_, _| 1)
}

fn literal_text(v: &Val) -> Option<Needle> {
    plain_text(v.as_str()?).map(Needle::Exact)
}

fn plain_text(s: &str) -> Option<String> {
    // Numeric and boolean strings compare leniently with numbers and booleans. Only
    // canonical integers (`"4720"`) are indexed: the evaluator looks numbers up by their
    // integer text. Anything else numeric or boolean is left to the full evaluation.
    let t = s.trim();
    let canonical_int = s.parse::<i64>().is_ok_and(|i| i.to_string() == s);
    if (t.parse::<f64>().is_ok() && !canonical_int) || t == "true" || t == "false" {
        return None;
    }
    Some(fold(s))
}

fn indexable(cond: &Cond) -> Option<Requirement> {
    match cond {
        Cond::Field { field, test } => {
            let values: Vec<Needle> = match test {
                FieldTest::Equals(v) => vec![literal_text(v)?],
                FieldTest::In { values, .. } if !values.is_empty() => values
                    .iter()
                    .map(literal_text)
                    .collect::<Option<Vec<_>>>()?,
                FieldTest::Wildcards(ws) if !ws.is_empty() => ws
                    .iter()
                    .map(|w| match w.needle()? {
                        Needle::Exact(e) => plain_text(&e).map(Needle::Exact),
                        other => Some(other),
                    })
                    .collect::<Option<Vec<_>>>()?,
                _ => return None,
            };
            if values.is_empty() {
                return None;
            }
            Some(vec![(field.clone(), values)])
        }
        Cond::Or(items) if !items.is_empty() => {
            let mut out = Vec::new();
            for i in items {
                out.extend(indexable(i)?);
            }
            Some(out)
        }
        Cond::And(items) => items.iter().find_map(indexable),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::eql::compile_cond::compile_condition;
    use crate::rules::eql::parser::parse;

    fn req(cond_src: &str) -> Option<Requirement> {
        let q = parse(&format!("any where {cond_src}")).unwrap();
        let crate::rules::eql::ast::Body::Event(e) = q.body else {
            panic!("not an event query")
        };
        requirement(&compile_condition(&e.condition).unwrap())
    }

    #[test]
    fn picks_selective_literal_conjuncts() {
        let r =
            req(r#"host.os.type == "windows" and process.name : ("NET.exe", "net1.exe")"#).unwrap();
        assert_eq!(r[0].0.path, "process.name");
        let exact = |s: &str| Needle::Exact(s.to_string());
        assert_eq!(r[0].1, vec![exact("net.exe"), exact("net1.exe")]);
        let r = req(r#"process.name == "a" or process.pe.original_file_name == "b""#).unwrap();
        assert_eq!(r.len(), 2);
        let r = req(r#"process.executable : "*\\Tools\\X.exe""#).unwrap();
        assert_eq!(r[0].1, vec![Needle::Suffix("\\tools\\x.exe".to_string())]);
        let r = req(r#"process.executable : "?:\\Windows\\*.EXE""#).unwrap();
        assert_eq!(r[0].1, vec![Needle::Contains(":\\windows\\".to_string())]);
        assert!(req(r#"process.name : "ne*""#).is_none());
        assert!(req(r#"process.name : "*et*""#).is_none());
        assert!(req(r#"not process.name == "a""#).is_none());
        assert!(req(r#"event.code == "4720.0""#).is_none());
        assert!(req(r#"event.code == "04720""#).is_none());
        let r = req(r#"event.code == "4720""#).unwrap();
        assert_eq!(r[0].1, vec![exact("4720")]);
        let r = req(r#"file.path : "C:\\Users\\*\\AppData\\drop7\\*.exe""#).unwrap();
        assert_eq!(
            r[0].1,
            vec![Needle::Contains("\\appdata\\drop7\\".to_string())]
        );
        let r = req(r#"process.command_line : "*payload*""#).unwrap();
        assert_eq!(r[0].1, vec![Needle::Contains("payload".to_string())]);
        let r = req(r#"process.name : "net.exe" and process.args : ("x1", "x2", "x3")"#).unwrap();
        assert_eq!(r[0].0.path, "process.name");
        let r = req(r#"event.type == "start""#).unwrap();
        assert_eq!(r[0].0.path, "event.type");
        // Objects that dispatch reads anyway win over equally rare needles elsewhere ...
        let r = req(r#"event.code == "4738" and winlog.event_data.NewUACList == "X""#).unwrap();
        assert_eq!(r[0].0.path, "event.code");
        // ... but not over argument lists' common tokens.
        let r = req(r#"process.name : ("net.exe", "net1.exe") and process.args : "user""#).unwrap();
        assert_eq!(r[0].0.path, "process.name");
    }
}

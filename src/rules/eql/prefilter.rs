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

/// A necessary condition: some value of one of these fields, folded, fits one needle.
pub type Requirement = Vec<(FieldPath, Vec<Needle>)>;

/// The most selective indexable conjunct of `cond`, if any.
pub fn requirement(cond: &Cond) -> Option<Requirement> {
    let conjuncts: Vec<&Cond> = match cond {
        Cond::And(items) => items.iter().collect(),
        other => vec![other],
    };
    let found: Vec<Requirement> = conjuncts.into_iter().filter_map(indexable).collect();
    let selective = |r: &Requirement| {
        r.iter()
            .all(|(f, _)| !LOW_SELECTIVITY.contains(&f.path.as_str()))
    };
    let exact = |r: &Requirement| {
        r.iter()
            .all(|(_, ns)| ns.iter().all(|n| matches!(n, Needle::Exact(_))))
    };
    let best = found
        .iter()
        .find(|r| selective(r) && exact(r))
        .or_else(|| found.iter().find(|r| selective(r)))
        .or_else(|| found.first())?;
    Some(best.clone())
}

fn literal_text(v: &Val) -> Option<Needle> {
    plain_text(v.as_str()?).map(Needle::Exact)
}

fn plain_text(s: &str) -> Option<String> {
    // Numeric and boolean strings compare leniently with numbers and booleans, which a
    // text index cannot see; leave such conjuncts to the full evaluation.
    let t = s.trim();
    if t.parse::<f64>().is_ok() || t == "true" || t == "false" {
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
        assert_eq!(r[0].1, vec![Needle::Suffix(".exe".to_string())]);
        assert!(req(r#"process.name : "ne*""#).is_none());
        assert!(req(r#"process.name : "*et*""#).is_none());
        assert!(req(r#"not process.name == "a""#).is_none());
        assert!(req(r#"event.code == "4720""#).is_none());
        let r = req(r#"event.type == "start""#).unwrap();
        assert_eq!(r[0].0.path, "event.type");
    }
}

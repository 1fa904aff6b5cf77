//! The literals one of which must appear in an event for a detection to match, and the
//! document paths they can appear in: the shared prefilter uses them to skip rules
//! without evaluating them. Computed fields (`DOMAIN\\user`, rebuilt `Hashes`) give up
//! the part of a literal that only exists once computed and keep a run that must lie in
//! one of the document values they are built from.

use super::compile::{CompiledDetection, CompiledField, Search};
use super::condition::Cond;
use super::fieldmap::{DocPath, FieldRef, SOURCE_KINDS};

/// One place a field's value is read from, in the order the evaluator tries them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanStep {
    /// A stored path: when present, it is the field's value and later steps are unused.
    Path(String),
    /// A computed value: every stored path it is built from (later steps still count).
    Computed(Vec<&'static str>),
}

/// Where the literals of [`required_literals`] can occur in a document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiteralSources {
    /// Per source kind, the steps of each literal-supplying field with a computed value
    /// (deduplicated).
    pub fields: [Vec<Vec<ScanStep>>; SOURCE_KINDS],
    /// Literal-supplying fields read from stored paths only: the scan reads the value the
    /// evaluator resolves (and memoizes) for them.
    pub stored: Vec<FieldRef>,
    /// A keyword search supplies literals: they can be in any string of the event.
    pub whole: bool,
}

/// The fields that can supply a detection's required literals: each literal a matching
/// event must contain lies in the value of one of them (a superset is enough).
pub fn literal_sources(det: &CompiledDetection) -> LiteralSources {
    let mut out = LiteralSources::default();
    for s in &det.searches {
        search_sources(s, &mut out);
    }
    out
}

fn search_sources(s: &Search, out: &mut LiteralSources) {
    match s {
        Search::Or(items) => items.iter().for_each(|i| search_sources(i, out)),
        Search::And(fields) => {
            for f in fields.iter().filter(|f| field_req(f).is_some()) {
                let Some(field) = &f.field else {
                    out.whole = true;
                    continue;
                };
                let all_stored = field
                    .per_source
                    .iter()
                    .flatten()
                    .all(|p| matches!(p, DocPath::Path(_)));
                if all_stored {
                    if !out.stored.contains(field) {
                        out.stored.push(field.clone());
                    }
                    continue;
                }
                for (kind, paths) in field.per_source.iter().enumerate() {
                    let steps: Vec<ScanStep> = paths.iter().map(scan_step).collect();
                    if !out.fields[kind].contains(&steps) {
                        out.fields[kind].push(steps);
                    }
                }
            }
        }
    }
}

fn scan_step(p: &DocPath) -> ScanStep {
    match p {
        DocPath::Path(p) => ScanStep::Path(p.clone()),
        computed => ScanStep::Computed(source_paths(computed)),
    }
}

/// The stored paths a computed field value is built from.
fn source_paths(p: &DocPath) -> Vec<&'static str> {
    match p {
        DocPath::Path(_) => vec![],
        DocPath::EcsUser => vec!["user.domain", "user.name"],
        DocPath::SubjectUser => vec![
            "winlog.event_data.SubjectDomainName",
            "winlog.event_data.SubjectUserName",
        ],
        DocPath::EcsHashes => vec![
            "process.hash.sha1",
            "process.hash.md5",
            "process.hash.sha256",
            "process.pe.imphash",
        ],
        DocPath::MandatoryLabel => vec![],
    }
}

/// Literals one of which must occur somewhere in a matching event (`None`: no guarantee).
pub fn required_literals(det: &CompiledDetection) -> Option<Vec<String>> {
    cond_req(&det.cond, det)
}

fn pick_best(options: Vec<Vec<String>>) -> Option<Vec<String>> {
    options.into_iter().max_by_key(|l| {
        (
            l.iter().map(String::len).min().unwrap_or(0),
            std::cmp::Reverse(l.len()),
        )
    })
}

fn cond_req(c: &Cond, det: &CompiledDetection) -> Option<Vec<String>> {
    match c {
        Cond::Ident(i) => det.searches.get(*i).and_then(search_req),
        Cond::Not(_) => None,
        Cond::And(items) => pick_best(items.iter().filter_map(|i| cond_req(i, det)).collect()),
        Cond::Or(items) => union(items.iter().map(|i| cond_req(i, det))),
    }
}

fn union(items: impl Iterator<Item = Option<Vec<String>>>) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for i in items {
        out.extend(i?);
    }
    if out.is_empty() { None } else { Some(out) }
}

fn search_req(s: &Search) -> Option<Vec<String>> {
    match s {
        Search::Or(items) => union(items.iter().map(search_req)),
        Search::And(fields) => pick_best(fields.iter().filter_map(field_req).collect()),
    }
}

/// Most literals kept from one computed field: the long hash lists of driver rules would
/// triple the shared automaton (and its build peak) for events that are rare.
const MAX_COMPUTED_LITERALS: usize = 64;

fn field_req(f: &CompiledField) -> Option<Vec<String>> {
    let lits = f.test.required_literals.as_ref()?;
    let computed = f
        .field
        .iter()
        .flat_map(|field| field.per_source.iter().flatten());
    if lits.len() > MAX_COMPUTED_LITERALS
        && computed.clone().any(|p| !matches!(p, DocPath::Path(_)))
    {
        return None;
    }
    let mut out = Vec::with_capacity(lits.len());
    for lit in lits {
        let mut kept: &str = lit;
        // Computed values are not in the document as such: keep the run of the literal
        // that must lie in one of the values they are built from.
        for p in f
            .field
            .iter()
            .flat_map(|field| field.per_source.iter().flatten())
        {
            kept = match p {
                DocPath::Path(_) => kept,
                DocPath::EcsUser | DocPath::SubjectUser => user_run(kept)?,
                DocPath::EcsHashes => hashes_run(kept)?,
                DocPath::MandatoryLabel => return None,
            };
        }
        if !kept.is_ascii() || kept.len() < 3 {
            return None;
        }
        out.push(kept.to_ascii_lowercase());
    }
    if out.is_empty() { None } else { Some(out) }
}

/// `DOMAIN\\name` is the two stored values joined by a backslash: a run of the literal
/// without a backslash lies inside one of them.
fn user_run(lit: &str) -> Option<&str> {
    lit.split('\\')
        .max_by_key(|r| r.len())
        .filter(|r| !r.is_empty())
}

/// `SHA1=..,MD5=..` is labels and stored values joined by `=` and `,`: a run of the
/// literal that follows a `=` and holds no `=` or `,` lies inside one stored value, and
/// so does a literal without either that no label contains.
fn hashes_run(lit: &str) -> Option<&str> {
    const LABELS: [&str; 4] = ["SHA1", "MD5", "SHA256", "IMPHASH"];
    if !lit.contains(['=', ',']) {
        let upper = lit.to_ascii_uppercase();
        return (!LABELS.iter().any(|l| l.contains(upper.as_str()))).then_some(lit);
    }
    lit.split('=')
        .skip(1)
        .map(|after| after.split(',').next().unwrap_or_default())
        .max_by_key(|r| r.len())
        .filter(|r| !r.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_kept_from_computed_literals() {
        let users: &[(&str, Option<&str>)] = &[
            ("NT AUTHORITY\\SYSTEM", Some("NT AUTHORITY")),
            ("\\admin", Some("admin")),
            ("AUTHORI", Some("AUTHORI")),
            ("\\", None),
        ];
        for (lit, want) in users {
            assert_eq!(user_run(lit), *want, "{lit}");
        }
        let hashes: &[(&str, Option<&str>)] = &[
            ("IMPHASH=D144DE81", Some("D144DE81")),
            ("MD5=09D2,SHA256=ABCDEF12", Some("ABCDEF12")),
            ("09D278F9DE", Some("09D278F9DE")),
            ("HASH", None),
            ("sha", None),
            ("MD5=", None),
            ("A,B", None),
        ];
        for (lit, want) in hashes {
            assert_eq!(hashes_run(lit), *want, "{lit}");
        }
    }

    /// Whenever a computed value holds the literal, one of its stored parts holds the run.
    #[test]
    fn kept_runs_lie_in_a_stored_value() {
        let stored: &[&[&str]] = &[
            &["09d278f9de118ef0", "abc=def", "x,y", "c4aa9f11"],
            &["EEE", "MD5", "", "1234=5678,9"],
        ];
        let literals = [
            "MD5=09D278F9",
            "IMPHASH=C4AA9F11",
            "SHA1=ABC=DEF",
            "=DEF,SHA",
            "D=X,Y",
            "SHA256=,IMPHASH=1234=5678,9",
            "5678,9",
            "9D278",
        ];
        for values in stored {
            let computed = ["SHA1", "MD5", "SHA256", "IMPHASH"]
                .iter()
                .zip(values.iter())
                .map(|(l, v)| format!("{l}={}", v.to_ascii_uppercase()))
                .collect::<Vec<_>>()
                .join(",");
            for lit in literals {
                if !computed.contains(&lit.to_ascii_uppercase()) {
                    continue;
                }
                if let Some(run) = hashes_run(lit) {
                    let run = run.to_ascii_uppercase();
                    assert!(
                        values.iter().any(|v| v.to_ascii_uppercase().contains(&run)),
                        "{lit} in {computed}: {run} not in {values:?}"
                    );
                }
            }
        }
    }
}

//! The queue filter over the precomputed index: the same decisions as
//! [`crate::app::queue::admits`] without lower-casing or allocating per alert, and, while
//! the analyst types a term, narrowing the previous result instead of rescanning.

use crate::app::queue::{filter_terms, status_word};
use crate::app::queue_index::{QueueIndex, SearchField, SearchText};
use crate::app::state::QueueFilter;
use crate::model::Alert;
use memchr::memmem::Finder;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Rule,
    Host,
    User,
    Status,
    Severity,
    Id,
    Word,
}

struct Term {
    key: Key,
    value: String,
    finder: Finder<'static>,
}

fn compile(text: &str) -> Vec<Term> {
    filter_terms(text)
        .into_iter()
        .map(|(key, value)| {
            let key = match key.as_str() {
                "rule" => Key::Rule,
                "host" => Key::Host,
                "user" => Key::User,
                "status" => Key::Status,
                "severity" => Key::Severity,
                "id" => Key::Id,
                _ => Key::Word,
            };
            let finder = Finder::new(value.as_bytes()).into_owned();
            Term { key, value, finder }
        })
        .collect()
}

/// The last filter applied and the alerts it admitted (ascending indices).
#[derive(Debug, Clone)]
pub struct FilterMemo {
    filter: QueueFilter,
    admitted: Vec<u32>,
}

/// True when every alert `new` admits is also admitted by `old`: same status, severity
/// and suppression settings, and each old term kept with the same key and a value that
/// only grew (new terms may follow). `rule:` values must stay equal, because they also
/// match a rule id exactly.
fn narrows(old: &QueueFilter, new: &QueueFilter) -> bool {
    if old.status != new.status
        || old.min_severity != new.min_severity
        || old.show_suppressed != new.show_suppressed
    {
        return false;
    }
    let (old_terms, new_terms) = (filter_terms(&old.text), filter_terms(&new.text));
    new_terms.len() >= old_terms.len()
        && old_terms
            .iter()
            .zip(&new_terms)
            .all(|((ok, ov), (nk, nv))| {
                ok == nk && (ov == nv || (ok != "rule" && nv.starts_with(ov.as_str())))
            })
}

fn found(finder: &Finder, hay: Option<&str>) -> bool {
    hay.is_some_and(|h| finder.find(h.as_bytes()).is_some())
}

fn admits(
    a: &Alert,
    status: crate::model::triage::Status,
    text: Option<&SearchText>,
    f: &QueueFilter,
    terms: &[Term],
) -> bool {
    if !f.status.admits(status) || (a.suppressed_by.is_some() && !f.show_suppressed) {
        return false;
    }
    if f.min_severity.is_some_and(|min| a.severity < min) {
        return false;
    }
    terms.iter().all(|t| {
        let field = |which| text.and_then(|x| x.field(which));
        match t.key {
            Key::Rule => {
                found(&t.finder, field(SearchField::RuleName))
                    || text.is_some_and(|x| *x.rule_id == *t.value)
            }
            Key::Host => found(&t.finder, field(SearchField::Host)),
            Key::User => found(&t.finder, field(SearchField::User)),
            Key::Status => status_word(status).starts_with(t.value.as_str()),
            Key::Severity => a.severity.as_str().starts_with(t.value.as_str()),
            Key::Id => a.id.starts_with(t.value.as_str()),
            Key::Word => found(&t.finder, text.map(|x| &*x.joined)),
        }
    })
}

/// Indices (ascending) of the alerts passing `f`; remembers the result in `memo` so the
/// next, narrower filter only re-checks these.
pub fn admitted(index: &mut QueueIndex, alerts: &[Alert], f: &QueueFilter) -> Vec<u32> {
    let terms = compile(&f.text);
    let needs_text = terms
        .iter()
        .any(|t| matches!(t.key, Key::Rule | Key::Host | Key::User | Key::Word));
    let candidates = match index.memo.take() {
        Some(m) if narrows(&m.filter, f) => m.admitted,
        _ => (0..u32::try_from(alerts.len()).unwrap_or(u32::MAX)).collect(),
    };
    let status = std::mem::take(&mut index.status);
    let text = if needs_text {
        Some(index.search_text(alerts))
    } else {
        None
    };
    let out: Vec<u32> = candidates
        .into_iter()
        .filter(|&i| {
            let i = i as usize;
            let st = status
                .get(i)
                .copied()
                .unwrap_or(crate::model::triage::Status::Open);
            admits(&alerts[i], st, text.and_then(|t| t.get(i)), f, &terms)
        })
        .collect();
    index.status = status;
    index.memo = Some(FilterMemo {
        filter: f.clone(),
        admitted: out.clone(),
    });
    out
}

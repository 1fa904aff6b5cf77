//! The alert queue as data: filtering, sorting, grouping, precedents, counts, histogram.
//!
//! `rebuild` recomputes the visible rows after anything that changes them; it keeps the
//! cursor on the same alert when that alert is still shown.

use crate::app::state::{AppState, GroupBy, Precedent, QueueFilter, QueueRow, SortKey};
use crate::model::triage::{AlertTriage, Status};
use crate::model::{Alert, Severity};
use std::collections::HashMap;

/// The account an alert is about when it created one, else its process name.
pub fn process_or_account(a: &Alert) -> Option<&str> {
    a.fields
        .get("CreatedUser")
        .map(String::as_str)
        .or_else(|| a.process.as_ref().and_then(|p| p.name.as_deref()))
}

fn group_key(a: &Alert, by: GroupBy) -> String {
    match by {
        GroupBy::None => String::new(),
        GroupBy::Rule => a.rule_name.clone(),
        GroupBy::Host => a.host.clone().unwrap_or_else(|| "(no host)".into()),
        GroupBy::User => a.user.clone().unwrap_or_else(|| "(no user)".into()),
    }
}

fn contains_ci(hay: Option<&str>, needle: &str) -> bool {
    hay.is_some_and(|h| h.to_lowercase().contains(needle))
}

/// The filter text split into (field, lower-cased value) terms; field is empty for words.
pub fn filter_terms(text: &str) -> Vec<(String, String)> {
    text.split_whitespace()
        .map(|term| {
            let lower = term.to_lowercase();
            match lower.split_once(':') {
                Some((k, v))
                    if matches!(k, "rule" | "host" | "user" | "status" | "severity" | "id") =>
                {
                    (k.to_string(), v.to_string())
                }
                _ => (String::new(), lower),
            }
        })
        .collect()
}

/// True when the alert passes every filter (`terms` from [`filter_terms`]).
pub fn admits(
    a: &Alert,
    t: Option<&AlertTriage>,
    f: &QueueFilter,
    terms: &[(String, String)],
) -> bool {
    let status = t.map_or(Status::Open, |t| t.status);
    if !f.status.admits(status) || (a.suppressed_by.is_some() && !f.show_suppressed) {
        return false;
    }
    if f.min_severity.is_some_and(|min| a.severity < min) {
        return false;
    }
    terms.iter().all(|(key, value)| {
        let value = value.as_str();
        match key.as_str() {
            "rule" => contains_ci(Some(&a.rule_name), value) || a.rule_id.to_lowercase() == value,
            "host" => contains_ci(a.host.as_deref(), value),
            "user" => contains_ci(a.user.as_deref(), value),
            "status" => status_word(status).starts_with(value),
            "severity" => a.severity.as_str().starts_with(value),
            "id" => a.id.starts_with(value),
            _ => {
                contains_ci(Some(&a.rule_name), value)
                    || contains_ci(a.host.as_deref(), value)
                    || contains_ci(a.user.as_deref(), value)
                    || contains_ci(process_or_account(a), value)
                    || contains_ci(
                        a.process.as_ref().and_then(|p| p.command_line.as_deref()),
                        value,
                    )
            }
        }
    })
}

pub fn status_word(s: Status) -> &'static str {
    match s {
        Status::Open => "open",
        Status::Acknowledged => "acknowledged",
        Status::Closed => "closed",
    }
}

fn sort_alerts(idx: &mut [usize], alerts: &[Alert], key: SortKey, descending: bool) {
    idx.sort_by(|&x, &y| {
        let (a, b) = (&alerts[x], &alerts[y]);
        let primary = match key {
            SortKey::Time => a.timestamp_ms.cmp(&b.timestamp_ms),
            SortKey::Severity => (a.severity, a.risk_score, a.timestamp_ms).cmp(&(
                b.severity,
                b.risk_score,
                b.timestamp_ms,
            )),
            SortKey::Risk => (a.risk_score, a.severity, a.timestamp_ms).cmp(&(
                b.risk_score,
                b.severity,
                b.timestamp_ms,
            )),
        };
        let primary = if descending {
            primary.reverse()
        } else {
            primary
        };
        // Ties broken by id so the order never depends on load order.
        primary.then_with(|| a.id.cmp(&b.id))
    });
}

/// For each alert, the latest disposition given to another alert with the same rule,
/// host and user.
pub fn precedents(
    alerts: &[Alert],
    triage: &HashMap<String, AlertTriage>,
) -> HashMap<String, Precedent> {
    type Key<'a> = (&'a str, Option<&'a str>, Option<&'a str>);
    // Per fingerprint, the two latest decisions, so an alert never is its own precedent.
    let mut best: HashMap<Key, Vec<Precedent>> = HashMap::new();
    for a in alerts {
        let Some(t) = triage.get(&a.id) else { continue };
        let Some(class) = t.classification else {
            continue;
        };
        let at_ms = t
            .audit
            .iter()
            .rev()
            .find(|e| e.what == "classification")
            .map_or(0, |e| e.at_ms);
        let p = Precedent {
            alert_id: a.id.clone(),
            classification: class,
            reason: t.reason.clone(),
            at_ms,
        };
        let slot = best
            .entry((&a.rule_id, a.host.as_deref(), a.user.as_deref()))
            .or_default();
        slot.push(p);
        slot.sort_by(|x, y| (y.at_ms, &y.alert_id).cmp(&(x.at_ms, &x.alert_id)));
        slot.truncate(2);
    }
    let mut out = HashMap::new();
    for a in alerts {
        if let Some(slot) = best.get(&(a.rule_id.as_str(), a.host.as_deref(), a.user.as_deref()))
            && let Some(p) = slot.iter().find(|p| p.alert_id != a.id)
        {
            out.insert(a.id.clone(), p.clone());
        }
    }
    out
}

/// After alerts or triage changed: precedents and counts, then the rows.
pub fn refresh_all(s: &mut AppState) {
    s.precedents = precedents(&s.alerts, &s.triage);
    s.queue.counts = counts(s);
    rebuild(s);
}

/// Recomputes the visible rows (filters, sort, groups), keeping the cursor on the same alert.
pub fn rebuild(s: &mut AppState) {
    let keep = match s.queue.rows.get(s.queue.cursor.pos) {
        Some(QueueRow::Alert(i)) => s.alerts.get(*i).map(|a| a.id.clone()),
        Some(QueueRow::Group { key, .. }) => Some(format!("\u{0}group:{key}")),
        None => None,
    };
    let terms = filter_terms(&s.queue.filter.text);
    let mut idx: Vec<usize> = (0..s.alerts.len())
        .filter(|&i| {
            admits(
                &s.alerts[i],
                s.triage.get(&s.alerts[i].id),
                &s.queue.filter,
                &terms,
            )
        })
        .collect();
    let mut times: Vec<i64> = idx.iter().map(|&i| s.alerts[i].timestamp_ms).collect();
    times.sort_unstable();
    s.queue.times = times;
    sort_alerts(&mut idx, &s.alerts, s.queue.sort, s.queue.descending);
    s.queue.shown = idx.len();
    s.queue.rows = if s.queue.group == GroupBy::None {
        idx.into_iter().map(QueueRow::Alert).collect()
    } else {
        grouped_rows(s, &idx)
    };
    let pos = keep.and_then(|k| {
        s.queue.rows.iter().position(|r| match r {
            QueueRow::Alert(i) => s.alerts[*i].id == k,
            QueueRow::Group { key, .. } => k.strip_prefix("\u{0}group:") == Some(key.as_str()),
        })
    });
    let page = s.page_rows();
    let len = s.queue.rows.len();
    match pos {
        Some(p) => s.queue.cursor.set(p, len, page),
        None => s.queue.cursor.keep_visible(len, page),
    }
    s.queue
        .marked
        .retain(|id| s.alerts.iter().any(|a| &a.id == id));
}

fn grouped_rows(s: &AppState, sorted: &[usize]) -> Vec<QueueRow> {
    // Groups appear in the order of their first (best-sorted) alert.
    let mut order: Vec<String> = Vec::new();
    let mut members: HashMap<String, Vec<usize>> = HashMap::new();
    for &i in sorted {
        let key = group_key(&s.alerts[i], s.queue.group);
        let entry = members.entry(key.clone()).or_default();
        if entry.is_empty() {
            order.push(key);
        }
        entry.push(i);
    }
    let mut rows = Vec::with_capacity(sorted.len() + order.len());
    for key in order {
        let list = members.remove(&key).unwrap_or_default();
        let collapsed = s.queue.collapsed.contains(&key);
        let max_severity = list
            .iter()
            .map(|&i| s.alerts[i].severity)
            .max()
            .unwrap_or(Severity::Informational);
        rows.push(QueueRow::Group {
            key,
            count: list.len(),
            max_severity,
            collapsed,
        });
        if !collapsed {
            rows.extend(list.into_iter().map(QueueRow::Alert));
        }
    }
    rows
}

/// Counts over every alert not hidden by an exception: by status, then by severity
/// (of the active ones), for the header. Kept in `QueueState::counts`.
pub fn counts(s: &AppState) -> ([usize; 3], [usize; 5]) {
    let mut by_status = [0; 3];
    let mut by_severity = [0; 5];
    for a in s.alerts.iter().filter(|a| a.suppressed_by.is_none()) {
        let st = s.status_of(&a.id);
        by_status[st as usize] += 1;
        if st != Status::Closed {
            by_severity[a.severity as usize] += 1;
        }
    }
    (by_status, by_severity)
}

/// Alerts passing the filters counted into `buckets` equal time slices between the
/// first and last alert; returns (counts, first ms, last ms). Linear in shown alerts.
pub fn histogram(s: &AppState, buckets: usize) -> (Vec<u64>, i64, i64) {
    let times = &s.queue.times;
    let buckets = buckets.max(1);
    let (Some(&lo), Some(&hi)) = (times.first(), times.last()) else {
        return (vec![0; buckets], 0, 0);
    };
    let mut out = vec![0u64; buckets];
    let span = i128::from((hi - lo).max(1));
    let last = buckets - 1;
    for &t in times {
        let b = i128::from(t - lo) * i128::try_from(last).unwrap_or(0) / span;
        out[usize::try_from(b).unwrap_or(0).min(last)] += 1;
    }
    (out, lo, hi)
}

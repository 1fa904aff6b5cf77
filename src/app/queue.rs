//! The alert queue as data: filtering, sorting, grouping, precedents, counts, histogram.
//!
//! `rebuild` recomputes the visible rows after anything that changes them, from the
//! precomputed [`QueueIndex`]; it keeps the cursor on the same alert when that alert is
//! still shown. `admits` and `sort_alerts` are the plain definitions the index must match.

use crate::app::queue_index::{Grouping, QueueIndex};
use crate::app::state::{AppState, Precedent, QueueFilter, QueueRow, SortKey};
use crate::model::Alert;
use crate::model::triage::{AlertTriage, Status};
use std::collections::HashMap;

/// The account an alert is about when it created or changed one (the command-line parse
/// first, then the account of a 4720/4732-style event), else its process name.
pub fn process_or_account(a: &Alert) -> Option<&str> {
    ["CreatedUser", "CreatedAccount", "TargetUser"]
        .iter()
        .find_map(|k| a.fields.get(*k))
        .map(String::as_str)
        .or_else(|| a.process.as_ref().and_then(|p| p.name.as_deref()))
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

/// The queue order, computed directly: the reference the precomputed orders of
/// [`QueueIndex::order`] are tested against.
pub fn sort_alerts(idx: &mut [usize], alerts: &[Alert], key: SortKey, descending: bool) {
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
        let Some(p) = triage.get(&a.id).and_then(|t| Precedent::of(&a.id, t)) else {
            continue;
        };
        let slot = best
            .entry((&a.rule_id, a.host.as_deref(), a.user.as_deref()))
            .or_default();
        Precedent::keep_two_latest(slot, p);
    }
    let mut out = HashMap::new();
    if best.is_empty() {
        return out;
    }
    for a in alerts {
        if let Some(slot) = best.get(&(a.rule_id.as_str(), a.host.as_deref(), a.user.as_deref()))
            && let Some(p) = slot.iter().find(|p| p.alert_id != a.id)
        {
            out.insert(a.id.clone(), p.clone());
        }
    }
    out
}

/// After the alerts were replaced: a new index, built in full now (alerts are replaced
/// when they are loaded, not on a keystroke) so no later key pays for it, then
/// precedents, counts and the rows.
pub fn refresh_all(s: &mut AppState) {
    s.queue.index = QueueIndex::new(&s.alerts, &s.triage);
    s.queue.index.warm(&s.alerts);
    refresh_decisions(s);
}

/// After the analyst's decisions on `ids` changed (same alerts): their statuses, then
/// precedents, counts and the rows; sort orders, groups and search text are kept.
pub fn refresh_triage(s: &mut AppState, ids: &[String]) {
    let statuses: Vec<(String, Status)> =
        ids.iter().map(|id| (id.clone(), s.status_of(id))).collect();
    if !s.queue.index.is_for(&s.alerts) || !s.queue.index.set_status_of(&s.alerts, &statuses) {
        s.queue.index = QueueIndex::new(&s.alerts, &s.triage);
    }
    refresh_decisions(s);
}

fn refresh_decisions(s: &mut AppState) {
    s.precedents = crate::app::precedents::compute(&mut s.queue.index, &s.alerts, &s.triage);
    s.queue.counts = counts(s);
    rebuild(s);
}

/// What the cursor is on before a rebuild, to find it again after.
enum Keep {
    Alert(usize),
    Group(String),
    Nothing,
}

/// Recomputes the visible rows (filters, sort, groups), keeping the cursor on the same alert.
pub fn rebuild(s: &mut AppState) {
    if !s.queue.index.is_for(&s.alerts) {
        s.queue.index = QueueIndex::new(&s.alerts, &s.triage);
    }
    let keep = match s.queue.rows.get(s.queue.cursor.pos) {
        Some(QueueRow::Alert(i)) => s
            .alerts
            .get(*i)
            .and_then(|a| s.queue.index.find(&s.alerts, &a.id))
            .map_or(Keep::Nothing, Keep::Alert),
        Some(QueueRow::Group { key, .. }) => Keep::Group(key.clone()),
        None => Keep::Nothing,
    };
    let admitted =
        crate::app::queue_filter::admitted(&mut s.queue.index, &s.alerts, &s.queue.filter);
    let mut shown = vec![false; s.alerts.len()];
    for &i in &admitted {
        shown[i as usize] = true;
    }
    let index = &mut s.queue.index;
    s.queue.times = index
        .order(&s.alerts, SortKey::Time, false)
        .iter()
        .filter(|&&i| shown[i as usize])
        .map(|&i| s.alerts[i as usize].timestamp_ms)
        .collect();
    let sorted: Vec<u32> = index
        .order(&s.alerts, s.queue.sort, s.queue.descending)
        .iter()
        .copied()
        .filter(|&i| shown[i as usize])
        .collect();
    s.queue.shown = sorted.len();
    s.queue.rows = match index.grouping(&s.alerts, s.queue.group) {
        None => sorted
            .iter()
            .map(|&i| QueueRow::Alert(i as usize))
            .collect(),
        Some(g) => grouped_rows(&s.alerts, g, &s.queue.collapsed, &sorted),
    };
    let pos = match keep {
        Keep::Alert(k) => s
            .queue
            .rows
            .iter()
            .position(|r| matches!(r, QueueRow::Alert(i) if *i == k)),
        Keep::Group(k) => s
            .queue
            .rows
            .iter()
            .position(|r| matches!(r, QueueRow::Group { key, .. } if *key == k)),
        Keep::Nothing => None,
    };
    let page = s.page_rows();
    let len = s.queue.rows.len();
    match pos {
        Some(p) => s.queue.cursor.set(p, len, page),
        None => s.queue.cursor.keep_visible(len, page),
    }
    let (index, alerts) = (&s.queue.index, &s.alerts);
    s.queue.marked.retain(|id| index.find(alerts, id).is_some());
}

fn grouped_rows(
    alerts: &[Alert],
    g: &Grouping,
    collapsed: &std::collections::BTreeSet<String>,
    sorted: &[u32],
) -> Vec<QueueRow> {
    // Groups appear in the order of their first (best-sorted) alert.
    let mut slot_of = vec![u32::MAX; g.names.len()];
    let mut order: Vec<(u32, Vec<u32>)> = Vec::new();
    for &i in sorted {
        let gid = g.of_alert[i as usize];
        let slot = &mut slot_of[gid as usize];
        if *slot == u32::MAX {
            *slot = u32::try_from(order.len()).unwrap_or(u32::MAX);
            order.push((gid, Vec::new()));
        }
        if let Some((_, members)) = order.get_mut(*slot as usize) {
            members.push(i);
        }
    }
    let mut rows = Vec::with_capacity(sorted.len() + order.len());
    for (gid, members) in order {
        let key = g.names[gid as usize].clone();
        let folded = collapsed.contains(&key);
        rows.push(QueueRow::Group {
            count: members.len(),
            max_severity: QueueIndex::max_severity(alerts, &members),
            collapsed: folded,
            key,
        });
        if !folded {
            rows.extend(members.into_iter().map(|i| QueueRow::Alert(i as usize)));
        }
    }
    rows
}

/// Counts over every alert not hidden by an exception: by status, then by severity
/// (of the active ones), for the header. Kept in `QueueState::counts`.
pub fn counts(s: &AppState) -> ([usize; 3], [usize; 5]) {
    let mut by_status = [0; 3];
    let mut by_severity = [0; 5];
    for (i, a) in s.alerts.iter().enumerate() {
        if a.suppressed_by.is_some() {
            continue;
        }
        let st = s
            .queue
            .index
            .status
            .get(i)
            .copied()
            .unwrap_or_else(|| s.status_of(&a.id));
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

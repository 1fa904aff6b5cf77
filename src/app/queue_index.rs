//! Per-alert data the queue precomputes so that re-sorting, re-grouping and filtering tens
//! of thousands of alerts stay within a frame: sort orders as index permutations (built
//! once per sort key and direction), interned group keys, lower-cased search text, the
//! status of every alert, and an id lookup. Everything here is derived from
//! `AppState::alerts` and `AppState::triage`; `queue::refresh_all` renews it.

use crate::app::state::{GroupBy, SortKey};
use crate::model::triage::{AlertTriage, Status};
use crate::model::{Alert, Severity};
use std::collections::HashMap;

/// The lower-cased fields a queue filter searches, for one alert.
#[derive(Debug, Clone, Default)]
pub struct SearchText {
    /// Rule name, host, user, process-or-account and command line, each lower-cased,
    /// joined by `\n` (a filter word never holds whitespace, so no match spans two).
    pub joined: Box<str>,
    /// Byte ranges of the fields in `joined`, `None` when the alert lacks the field.
    ranges: [Option<(u32, u32)>; 5],
    pub rule_id: Box<str>,
}

/// Fields of [`SearchText`], in `ranges` order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchField {
    RuleName = 0,
    Host = 1,
    User = 2,
    Subject = 3,
    CommandLine = 4,
}

impl SearchText {
    fn new(a: &Alert) -> SearchText {
        let fields: [Option<&str>; 5] = [
            Some(a.rule_name.as_str()),
            a.host.as_deref(),
            a.user.as_deref(),
            crate::app::queue::process_or_account(a),
            a.process.as_ref().and_then(|p| p.command_line.as_deref()),
        ];
        let mut joined = String::new();
        let mut ranges = [None; 5];
        for (slot, field) in ranges.iter_mut().zip(fields) {
            let Some(text) = field else { continue };
            if !joined.is_empty() {
                joined.push('\n');
            }
            let start = joined.len();
            joined.push_str(&text.to_lowercase());
            *slot = Some((offset(start), offset(joined.len())));
        }
        SearchText {
            joined: joined.into_boxed_str(),
            ranges,
            rule_id: a.rule_id.to_lowercase().into_boxed_str(),
        }
    }

    /// The lower-cased field, `None` when the alert lacks it.
    pub fn field(&self, f: SearchField) -> Option<&str> {
        let (start, end) = self.ranges[f as usize]?;
        self.joined.get(start as usize..end as usize)
    }
}

fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Alerts grouped by one key: the group number of every alert and each group's name.
#[derive(Debug, Clone, Default)]
pub struct Grouping {
    pub of_alert: Vec<u32>,
    pub names: Vec<String>,
}

/// The queue's precomputed data; see the module documentation.
#[derive(Clone, Default)]
pub struct QueueIndex {
    len: usize,
    /// Alert indices in id order; ties (equal ids) keep load order.
    by_id: Vec<u32>,
    /// Position of each alert in `by_id`: the tie-break of every sort.
    id_rank: Vec<u32>,
    pub status: Vec<Status>,
    /// Sort permutations, built on first use: `[sort key][descending]`.
    orders: [[Option<Vec<u32>>; 2]; 3],
    groups: [Option<Grouping>; 3],
    text: Option<Vec<SearchText>>,
    fingerprints: Option<crate::app::precedents::Fingerprints>,
    /// The previous filter's result, dropped whenever statuses change.
    pub memo: Option<crate::app::queue_filter::FilterMemo>,
}

impl std::fmt::Debug for QueueIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "QueueIndex({} alerts)", self.len)
    }
}

/// Derived data: two states with the same alerts and triage are equal whatever their
/// caches happen to hold.
impl PartialEq for QueueIndex {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

fn sort_slot(key: SortKey) -> usize {
    match key {
        SortKey::Time => 0,
        SortKey::Severity => 1,
        SortKey::Risk => 2,
    }
}

fn group_slot(by: GroupBy) -> Option<usize> {
    match by {
        GroupBy::None => None,
        GroupBy::Rule => Some(0),
        GroupBy::Host => Some(1),
        GroupBy::User => Some(2),
    }
}

/// The primary sort key of an alert as one integer-comparable tuple.
fn sort_tuple(a: &Alert, key: SortKey) -> (i64, i64, i64) {
    let sev = i64::from(a.severity as u8);
    let risk = i64::from(a.risk_score);
    match key {
        SortKey::Time => (a.timestamp_ms, 0, 0),
        SortKey::Severity => (sev, risk, a.timestamp_ms),
        SortKey::Risk => (risk, sev, a.timestamp_ms),
    }
}

pub fn group_name(a: &Alert, by: GroupBy) -> &str {
    match by {
        GroupBy::None => "",
        GroupBy::Rule => &a.rule_name,
        GroupBy::Host => a.host.as_deref().unwrap_or("(no host)"),
        GroupBy::User => a.user.as_deref().unwrap_or("(no user)"),
    }
}

impl QueueIndex {
    pub fn new(alerts: &[Alert], triage: &HashMap<String, AlertTriage>) -> QueueIndex {
        let mut by_id: Vec<u32> = (0..offset(alerts.len())).collect();
        by_id.sort_by(|&x, &y| alerts[x as usize].id.cmp(&alerts[y as usize].id));
        let mut id_rank = vec![0; alerts.len()];
        for (rank, &i) in by_id.iter().enumerate() {
            id_rank[i as usize] = offset(rank);
        }
        let mut index = QueueIndex {
            len: alerts.len(),
            by_id,
            id_rank,
            ..QueueIndex::default()
        };
        index.set_statuses(alerts, triage);
        index
    }

    /// True when this index was built for `alerts` (same length; alerts are only ever
    /// replaced as a whole, through `queue::refresh_all`).
    pub fn is_for(&self, alerts: &[Alert]) -> bool {
        self.len == alerts.len() && self.status.len() == alerts.len()
    }

    /// Re-reads every alert's status after the analyst's decisions changed.
    pub fn set_statuses(&mut self, alerts: &[Alert], triage: &HashMap<String, AlertTriage>) {
        self.memo = None;
        self.status = alerts
            .iter()
            .map(|a| triage.get(&a.id).map_or(Status::Open, |t| t.status))
            .collect();
    }

    /// Changes the status of the alerts with these ids; false when one is unknown (the
    /// caller then rebuilds the index).
    pub fn set_status_of(&mut self, alerts: &[Alert], statuses: &[(String, Status)]) -> bool {
        self.memo = None;
        for (id, status) in statuses {
            let Some(i) = self.find(alerts, id) else {
                return false;
            };
            // Equal ids (possible in hand-made sources) share one decision.
            let mut pos = self.id_rank[i] as usize;
            while pos > 0 && alerts[self.by_id[pos - 1] as usize].id == *id {
                pos -= 1;
            }
            while let Some(&j) = self
                .by_id
                .get(pos)
                .filter(|&&j| alerts[j as usize].id == *id)
            {
                self.status[j as usize] = *status;
                pos += 1;
            }
        }
        true
    }

    /// Builds every sort order, grouping and the search text now.
    pub fn warm(&mut self, alerts: &[Alert]) {
        for key in [SortKey::Time, SortKey::Severity, SortKey::Risk] {
            for descending in [false, true] {
                self.order(alerts, key, descending);
            }
        }
        for by in [GroupBy::Rule, GroupBy::Host, GroupBy::User] {
            self.grouping(alerts, by);
        }
        self.search_text(alerts);
        self.fingerprints(alerts);
    }

    /// The alerts' (rule, host, user) fingerprints, built on first use.
    pub fn fingerprints(&mut self, alerts: &[Alert]) -> &crate::app::precedents::Fingerprints {
        let fresh = self.fingerprints.as_ref().is_some_and(|f| f.is_for(alerts));
        if !fresh {
            self.fingerprints = Some(crate::app::precedents::Fingerprints::new(alerts));
        }
        self.fingerprints
            .get_or_insert_with(|| crate::app::precedents::Fingerprints::new(alerts))
    }

    /// Indices of every alert whose id is `id` (several only in hand-made sources).
    pub fn all_with_id(&self, alerts: &[Alert], id: &str) -> Vec<usize> {
        let Some(found) = self.find(alerts, id) else {
            return Vec::new();
        };
        let mut pos = self.id_rank[found] as usize;
        while pos > 0 && alerts[self.by_id[pos - 1] as usize].id == id {
            pos -= 1;
        }
        let mut out = Vec::new();
        while let Some(&j) = self
            .by_id
            .get(pos)
            .filter(|&&j| alerts[j as usize].id == id)
        {
            out.push(j as usize);
            pos += 1;
        }
        out
    }

    /// Every alert index in queue order for `key` and direction; ties broken by id.
    pub fn order(&mut self, alerts: &[Alert], key: SortKey, descending: bool) -> &[u32] {
        let slot = &mut self.orders[sort_slot(key)][usize::from(descending)];
        let rank = &self.id_rank;
        slot.get_or_insert_with(|| {
            let keys: Vec<(i64, i64, i64)> = alerts.iter().map(|a| sort_tuple(a, key)).collect();
            let mut idx: Vec<u32> = (0..offset(alerts.len())).collect();
            idx.sort_unstable_by(|&x, &y| {
                let (x, y) = (x as usize, y as usize);
                let primary = keys[x].cmp(&keys[y]);
                let primary = if descending {
                    primary.reverse()
                } else {
                    primary
                };
                primary.then(rank[x].cmp(&rank[y]))
            });
            idx
        })
    }

    /// The group of every alert for `by` (`None` for no grouping).
    pub fn grouping(&mut self, alerts: &[Alert], by: GroupBy) -> Option<&Grouping> {
        let slot = group_slot(by)?;
        Some(self.groups[slot].get_or_insert_with(|| {
            let mut ids: HashMap<&str, u32> = HashMap::new();
            let mut g = Grouping::default();
            for a in alerts {
                let name = group_name(a, by);
                let next = offset(g.names.len());
                let id = *ids.entry(name).or_insert(next);
                if id == next {
                    g.names.push(name.to_string());
                }
                g.of_alert.push(id);
            }
            g
        }))
    }

    /// Lower-cased search text of every alert, built on the first text filter.
    pub fn search_text(&mut self, alerts: &[Alert]) -> &[SearchText] {
        self.text
            .get_or_insert_with(|| alerts.iter().map(SearchText::new).collect())
    }

    /// The index of the alert with this id.
    pub fn find(&self, alerts: &[Alert], id: &str) -> Option<usize> {
        let pos = self
            .by_id
            .binary_search_by(|&i| alerts[i as usize].id.as_str().cmp(id))
            .ok()?;
        self.by_id.get(pos).map(|&i| i as usize)
    }

    /// The highest severity among `members`.
    pub fn max_severity(alerts: &[Alert], members: &[u32]) -> Severity {
        members
            .iter()
            .map(|&i| alerts[i as usize].severity)
            .max()
            .unwrap_or(Severity::Informational)
    }
}

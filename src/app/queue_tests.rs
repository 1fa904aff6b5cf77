//! Property tests: the precomputed queue (index orders, indexed and narrowing filters,
//! interned groups) gives exactly the rows the plain definitions give.

use crate::app::queue::{admits, filter_terms, rebuild, refresh_all, sort_alerts};
use crate::app::queue_index::{QueueIndex, group_name};
use crate::app::state::{AppState, GroupBy, QueueFilter, QueueRow, SortKey, StatusFilter};
use crate::model::triage::{AlertTriage, Status};
use crate::model::{Alert, ProcessSummary, RuleKind, Severity};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};

const SEVERITIES: [Severity; 5] = [
    Severity::Informational,
    Severity::Low,
    Severity::Medium,
    Severity::High,
    Severity::Critical,
];
const HOSTS: [Option<&str>; 5] = [
    None,
    Some("WKS-01"),
    Some("wks-02"),
    Some("Srv-İ"),
    Some("db"),
];
const USERS: [Option<&str>; 4] = [None, Some("alice"), Some("Bob"), Some("ÄRGER")];
const WORDS: [&str; 18] = [
    "wk",
    "wks-0",
    "host:wks",
    "host:",
    "user:b",
    "user:bob",
    "rule:r",
    "rule:r1",
    "rule:rule",
    "status:o",
    "status:ac",
    "severity:h",
    "id:a1",
    "net",
    "net.exe",
    "i̇",
    "ä",
    "cmd",
];

fn alert(i: usize, bits: (u8, u8, u8, u8, u8, u8)) -> Alert {
    let (sev, risk, ts, host, user, rule) = bits;
    let name = ["net.exe", "cmd.exe", "powershell.exe", "sc.exe"][usize::from(rule % 4)];
    Alert {
        id: format!("a{:x}{i}", (i * 7919) % 13),
        rule_id: format!("r{}", rule % 3),
        rule_name: format!("Rule {} {name}", rule % 3),
        rule_kind: RuleKind::Eql,
        severity: SEVERITIES[usize::from(sev % 5)],
        risk_score: risk % 4 * 25,
        mitre: Vec::new(),
        timestamp_ms: i64::from(ts % 6) * 1000,
        host: HOSTS[usize::from(host % 5)].map(str::to_string),
        user: USERS[usize::from(user % 4)].map(str::to_string),
        process: Some(ProcessSummary {
            name: Some(name.to_string()),
            command_line: Some(format!("{name} /C NET user {i}")),
            ..ProcessSummary::default()
        }),
        event_ids: vec![format!("e{i}")],
        fields: BTreeMap::new(),
        fp_suggestions: Vec::new(),
        suppressed_by: (rule % 5 == 4).then(|| "exc".to_string()),
    }
}

type Bits = (u8, u8, u8, u8, u8, u8);

fn state(bits: &[Bits], statuses: &[u8]) -> AppState {
    let alerts: Vec<Alert> = bits.iter().enumerate().map(|(i, b)| alert(i, *b)).collect();
    let triage: HashMap<String, AlertTriage> = alerts
        .iter()
        .zip(statuses.iter().cycle())
        .map(|(a, s)| {
            let status = [Status::Open, Status::Acknowledged, Status::Closed][usize::from(s % 3)];
            (
                a.id.clone(),
                AlertTriage {
                    status,
                    ..AlertTriage::default()
                },
            )
        })
        .collect();
    AppState::new(alerts, triage, "t", 0)
}

fn filter(status: u8, sev: u8, suppressed: bool, words: &[u8]) -> QueueFilter {
    QueueFilter {
        status: [
            StatusFilter::Active,
            StatusFilter::All,
            StatusFilter::Only(Status::Closed),
        ][usize::from(status % 3)],
        min_severity: (!sev.is_multiple_of(3)).then(|| SEVERITIES[usize::from(sev % 5)]),
        text: words
            .iter()
            .map(|w| WORDS[usize::from(*w) % WORDS.len()])
            .collect::<Vec<_>>()
            .join(" "),
        show_suppressed: suppressed,
    }
}

/// The queue rows as the plain definitions give them: filter, full sort, groups by name.
fn reference_rows(s: &AppState) -> Vec<QueueRow> {
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
    sort_alerts(&mut idx, &s.alerts, s.queue.sort, s.queue.descending);
    if s.queue.group == GroupBy::None {
        return idx.into_iter().map(QueueRow::Alert).collect();
    }
    let mut order: Vec<&str> = Vec::new();
    let mut members: HashMap<&str, Vec<usize>> = HashMap::new();
    for &i in &idx {
        let key = group_name(&s.alerts[i], s.queue.group);
        let list = members.entry(key).or_default();
        if list.is_empty() {
            order.push(key);
        }
        list.push(i);
    }
    let mut rows = Vec::new();
    for key in order {
        let list = members.remove(key).unwrap_or_default();
        let collapsed = s.queue.collapsed.contains(key);
        rows.push(QueueRow::Group {
            key: key.to_string(),
            count: list.len(),
            max_severity: list
                .iter()
                .map(|&i| s.alerts[i].severity)
                .max()
                .unwrap_or(Severity::Informational),
            collapsed,
        });
        if !collapsed {
            rows.extend(list.into_iter().map(QueueRow::Alert));
        }
    }
    rows
}

fn bits() -> impl Strategy<Value = Vec<Bits>> {
    prop::collection::vec(any::<Bits>(), 0..60)
}

proptest! {
    #[test]
    fn index_orders_equal_a_full_sort(bits in bits(), statuses in prop::collection::vec(any::<u8>(), 1..5)) {
        let s = state(&bits, &statuses);
        let mut index = QueueIndex::new(&s.alerts, &s.triage);
        for key in [SortKey::Time, SortKey::Severity, SortKey::Risk] {
            for descending in [false, true] {
                let mut expected: Vec<usize> = (0..s.alerts.len()).collect();
                sort_alerts(&mut expected, &s.alerts, key, descending);
                let got: Vec<usize> = index
                    .order(&s.alerts, key, descending)
                    .iter()
                    .map(|&i| i as usize)
                    .collect();
                prop_assert_eq!(got, expected);
            }
        }
    }

    #[test]
    fn rows_equal_the_plain_definitions(
        bits in bits(),
        statuses in prop::collection::vec(any::<u8>(), 1..5),
        views in prop::collection::vec(
            (any::<u8>(), any::<bool>(), any::<u8>(), any::<u8>(), any::<u8>(), any::<bool>(),
             prop::collection::vec(any::<u8>(), 0..3), any::<u8>()),
            1..6),
    ) {
        let mut s = state(&bits, &statuses);
        for (sort, desc, group, status, sev, supp, words, fold) in views {
            s.queue.sort = [SortKey::Time, SortKey::Severity, SortKey::Risk][usize::from(sort % 3)];
            s.queue.descending = desc;
            s.queue.group = [GroupBy::None, GroupBy::Rule, GroupBy::Host, GroupBy::User][usize::from(group % 4)];
            s.queue.filter = filter(status, sev, supp, &words);
            s.queue.collapsed = BTreeSet::new();
            if !fold.is_multiple_of(2) && let Some(a) = s.alerts.first() {
                s.queue.collapsed.insert(group_name(a, s.queue.group).to_string());
            }
            rebuild(&mut s);
            prop_assert_eq!(&s.queue.rows, &reference_rows(&s));
            prop_assert_eq!(s.queue.shown, reference_rows(&{
                let mut t = s.clone();
                t.queue.group = GroupBy::None;
                t
            }).len());
        }
    }

    #[test]
    fn typing_a_filter_char_by_char_narrows_correctly(
        bits in bits(),
        statuses in prop::collection::vec(any::<u8>(), 1..5),
        words in prop::collection::vec(any::<u8>(), 1..4),
    ) {
        let mut s = state(&bits, &statuses);
        let text = filter(0, 0, false, &words).text;
        let mut typed = String::new();
        for c in text.chars().chain("\u{8}\u{8}x".chars()) {
            if c == '\u{8}' {
                typed.pop();
            } else {
                typed.push(c);
            }
            s.queue.filter.text.clone_from(&typed);
            rebuild(&mut s);
            prop_assert_eq!(&s.queue.rows, &reference_rows(&s), "after typing {:?}", typed);
        }
    }
}

#[test]
fn a_reload_with_other_alerts_of_the_same_count_rebuilds_the_index() {
    let mut s = state(&[(1, 1, 1, 1, 1, 1), (2, 2, 2, 2, 2, 2)], &[0]);
    s.queue.filter.text = "wks".into();
    rebuild(&mut s);
    let other = state(&[(3, 3, 3, 0, 3, 3), (4, 0, 4, 4, 0, 0)], &[0]);
    s.alerts = other.alerts;
    refresh_all(&mut s);
    assert_eq!(s.queue.rows, reference_rows(&s));
}

proptest! {
    #[test]
    fn indexed_precedents_equal_the_plain_definition(
        bits in bits(),
        decisions in prop::collection::vec((any::<u8>(), any::<u8>(), any::<u8>()), 0..30),
    ) {
        use crate::model::triage::{AuditEntry, Classification};
        let mut s = state(&bits, &[0]);
        let classes = [
            Classification::TruePositive,
            Classification::BenignPositive,
            Classification::Duplicate,
            Classification::Undetermined,
        ];
        for (which, class, at) in decisions {
            let Some(a) = s.alerts.get(usize::from(which) % s.alerts.len().max(1)) else {
                break;
            };
            let t = s.triage.entry(a.id.clone()).or_default();
            t.classification = Some(classes[usize::from(class % 4)]);
            t.reason = (class % 3 == 0).then(|| format!("r{class}"));
            t.audit.push(AuditEntry {
                by: "t".into(),
                at_ms: i64::from(at % 7),
                what: "classification".into(),
                from: None,
                to: None,
            });
            let plain = crate::app::queue::precedents(&s.alerts, &s.triage);
            let fast = crate::app::precedents::compute(&mut s.queue.index, &s.alerts, &s.triage);
            prop_assert_eq!(fast, plain);
        }
    }
}

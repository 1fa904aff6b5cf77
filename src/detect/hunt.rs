//! Hunting summaries over alerts. `created_users` is seed 002's `MachineCount`: for each
//! account created with `net user ... /add`, on how many distinct machines it was created,
//! which separates one admin's local account from an attacker's account sprayed everywhere.

use crate::model::Alert;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Field (set by the pack's `extract`) holding the account a command created.
pub const CREATED_USER_FIELD: &str = "CreatedUser";
/// Field holding the `/do...` switch when the account was created in the domain.
pub const DOMAIN_SWITCH_FIELD: &str = "DomainSwitch";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountScope {
    Local,
    Domain,
}

/// One created account over all alerts that name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedUserSummary {
    /// The name as first seen (Windows account names compare without case).
    pub user: String,
    pub local_or_domain: AccountScope,
    /// Distinct hosts (case-insensitive) where the account was created.
    pub machine_count: usize,
    pub hosts: Vec<String>,
    pub first_ms: i64,
    pub last_ms: i64,
    pub alert_ids: Vec<String>,
}

/// Groups alerts carrying a `CreatedUser` field by account name and scope; most machines
/// first, then by name. Alerts without the field are ignored.
pub fn created_users(alerts: &[Alert]) -> Vec<CreatedUserSummary> {
    struct Acc {
        summary: CreatedUserSummary,
        hosts: BTreeMap<String, String>,
    }
    let mut groups: BTreeMap<(String, AccountScope), Acc> = BTreeMap::new();
    let mut ordered: Vec<&Alert> = alerts.iter().collect();
    ordered.sort_by(|a, b| {
        a.timestamp_ms
            .cmp(&b.timestamp_ms)
            .then_with(|| a.id.cmp(&b.id))
    });
    for alert in ordered {
        let Some(user) = alert.fields.get(CREATED_USER_FIELD) else {
            continue;
        };
        let user = user.trim();
        if user.is_empty() {
            continue;
        }
        let scope = if alert.fields.contains_key(DOMAIN_SWITCH_FIELD) {
            AccountScope::Domain
        } else {
            AccountScope::Local
        };
        let acc = groups
            .entry((user.to_lowercase(), scope))
            .or_insert_with(|| Acc {
                summary: CreatedUserSummary {
                    user: user.to_string(),
                    local_or_domain: scope,
                    machine_count: 0,
                    hosts: Vec::new(),
                    first_ms: alert.timestamp_ms,
                    last_ms: alert.timestamp_ms,
                    alert_ids: Vec::new(),
                },
                hosts: BTreeMap::new(),
            });
        let s = &mut acc.summary;
        s.first_ms = s.first_ms.min(alert.timestamp_ms);
        s.last_ms = s.last_ms.max(alert.timestamp_ms);
        if !s.alert_ids.contains(&alert.id) {
            s.alert_ids.push(alert.id.clone());
        }
        if let Some(host) = &alert.host {
            acc.hosts
                .entry(host.to_lowercase())
                .or_insert_with(|| host.clone());
        }
    }
    let mut out: Vec<CreatedUserSummary> = groups
        .into_values()
        .map(|mut acc| {
            acc.summary.hosts = acc.hosts.into_values().collect();
            acc.summary.machine_count = acc.summary.hosts.len();
            acc.summary
        })
        .collect();
    out.sort_by(|a, b| {
        b.machine_count
            .cmp(&a.machine_count)
            .then_with(|| a.user.to_lowercase().cmp(&b.user.to_lowercase()))
            .then_with(|| a.local_or_domain.cmp(&b.local_or_domain))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::test_support::alert;

    fn created(id: &str, ts: i64, host: Option<&str>, user: Option<&str>, domain: bool) -> Alert {
        let mut a = alert(id, "r", ts, id);
        a.host = host.map(str::to_string);
        if let Some(u) = user {
            a.fields.insert(CREATED_USER_FIELD.into(), u.into());
        }
        if domain {
            a.fields
                .insert(DOMAIN_SWITCH_FIELD.into(), "/domain".into());
        }
        a
    }

    #[test]
    fn counts_distinct_machines_per_user_and_scope() {
        let alerts = vec![
            created("a1", 30, Some("WKS1"), Some("backdoor"), false),
            created("a2", 10, Some("wks1"), Some("BackDoor"), false),
            created("a3", 20, Some("wks2"), Some("backdoor"), false),
            created("a4", 40, Some("wks3"), Some("backdoor"), true),
            created("a5", 50, Some("wks3"), Some("helper"), false),
            created("a6", 60, Some("wks3"), None, false),
            created("a7", 70, None, Some("  "), false),
            created("a8", 80, None, Some("nohost"), false),
        ];
        let out = created_users(&alerts);
        let rows: Vec<(&str, AccountScope, usize)> = out
            .iter()
            .map(|s| (s.user.as_str(), s.local_or_domain, s.machine_count))
            .collect();
        assert_eq!(
            rows,
            [
                ("BackDoor", AccountScope::Local, 2),
                ("backdoor", AccountScope::Domain, 1),
                ("helper", AccountScope::Local, 1),
                ("nohost", AccountScope::Local, 0),
            ]
        );
        let first = &out[0];
        assert_eq!((first.first_ms, first.last_ms), (10, 30));
        assert_eq!(first.alert_ids, ["a2", "a3", "a1"]);
        assert_eq!(first.hosts, ["wks1", "wks2"]);
    }

    #[test]
    fn no_alerts_no_rows() {
        assert!(created_users(&[]).is_empty());
    }
}

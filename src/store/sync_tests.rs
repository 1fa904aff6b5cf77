//! Deferred sync: changes are readable by others at once, reach the disk within the
//! delay or on flush, and immediate mode syncs before returning.

use super::*;
use crate::model::triage::Status;
use std::time::{Duration, Instant};

fn ack(s: &mut Store, alert: &str) {
    s.apply(alert, Change::SetStatus(Status::Acknowledged), "ana", 1)
        .unwrap();
}

/// Waits up to `limit` for the store to report every change synced.
fn synced_within(s: &Store, limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if s.is_synced() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    s.is_synced()
}

#[test]
fn deferred_changes_are_visible_at_once_and_synced_within_the_delay() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path()).unwrap();
    s.set_durability(Durability::Deferred).unwrap();
    for i in 0..5 {
        ack(&mut s, &format!("a{i}"));
        // Written to the journal before `apply` returned: another reader sees it.
        let other = Store::open(dir.path()).unwrap();
        assert_eq!(other.get(&format!("a{i}")).status, Status::Acknowledged);
    }
    // Generous bound: the delay is 100 ms, a loaded test machine may take longer.
    assert!(synced_within(&s, SYNC_DELAY * 20), "never synced");
}

#[test]
fn flush_syncs_at_once_and_the_store_can_switch_modes() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path()).unwrap();
    assert_eq!(s.sync.durability(), Durability::Immediate);
    ack(&mut s, "a");
    assert!(s.is_synced(), "immediate mode syncs before returning");
    s.set_durability(Durability::Deferred).unwrap();
    assert_eq!(s.sync.durability(), Durability::Deferred);
    for i in 0..20 {
        s.apply("b", Change::Comment(format!("c{i}")), "ana", i)
            .unwrap();
    }
    s.flush().unwrap();
    assert!(s.is_synced(), "flush returned with changes unsynced");
    s.set_durability(Durability::Immediate).unwrap();
    ack(&mut s, "c");
    assert!(s.is_synced());
    drop(s);
    let again = Store::open(dir.path()).unwrap();
    assert_eq!(again.get("b").comments.len(), 20);
    assert_eq!(again.get("c").status, Status::Acknowledged);
}

#[test]
fn dropping_a_deferred_store_syncs_and_returns_promptly() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path()).unwrap();
    s.set_durability(Durability::Deferred).unwrap();
    ack(&mut s, "a");
    let start = Instant::now();
    drop(s);
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(
        Store::open(dir.path()).unwrap().get("a").status,
        Status::Acknowledged
    );
}

#[test]
fn compaction_under_deferred_sync_keeps_every_change() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path()).unwrap();
    s.set_durability(Durability::Deferred).unwrap();
    for i in 0..30 {
        s.apply("a", Change::Comment(format!("c{i}")), "ana", i)
            .unwrap();
        if i % 10 == 9 {
            s.compact().unwrap();
        }
    }
    s.flush().unwrap();
    let again = Store::open(dir.path()).unwrap();
    assert_eq!(again.get("a").comments.len(), 30);
}

//! The cloud and auditd readers never panic and never stop on bad input: random bytes
//! after each format's opening, every truncation of the real fixtures, and arbitrary
//! text given to the auditd line parser.

mod import_support;

use import_support::{fixture, write};
use proptest::prelude::*;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use vigil::ingest::{ReadItem, read_file};

/// Reads and normalizes every record; returns (records normalized, problems).
fn read_bytes(bytes: &[u8]) -> (usize, usize) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let p = write(dir.path(), "f", bytes);
    let (mut ok, mut bad) = (0, 0);
    let _ = read_file(&p, Arc::new(AtomicU64::new(0)), &mut |item| match item {
        ReadItem::Record(raw) => match vigil::normalize::normalize(raw, "f") {
            Ok(_) => ok += 1,
            Err(_) => bad += 1,
        },
        ReadItem::Bad { .. } => bad += 1,
    });
    (ok, bad)
}

fn cloud(name: &str) -> Vec<u8> {
    std::fs::read(fixture(&format!("cloud/{name}"))).expect("fixture")
}

#[test]
fn every_fixture_reads_whole_without_problems() {
    for (name, records) in [
        ("cloudtrail_iam_backdoor.json", 7),
        ("cloudtrail_noise.json", 4),
        ("entra_directory_audits.json", 4),
        ("entra_diagnostic_records.json", 2),
        ("m365_unified_audit.json", 4),
        ("auditd_webshell_useradd.log", 18),
        ("auditd_noise.log", 8),
    ] {
        assert_eq!(read_bytes(&cloud(name)), (records, 0), "{name}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_bytes_after_cloud_and_audit_openings_never_panic(
        prefix in prop::sample::select(vec![
            &b"{\"Records\":["[..],
            b"{\"records\":[{\"category\":\"AuditLogs\",\"properties\":",
            b"{\"@odata.context\":\"x\",\"value\":[{\"activityDisplayName\":",
            b"[{\"CreationTime\":\"2026-01-01T00:00:00\",\"Operation\":\"Add user.\",\"AuditData\":",
            b"type=ADD_USER msg=audit(",
            b"node=h type=SYSCALL msg=audit(1.1:1): ",
            b"type=EXECVE msg=audit(1700000000.1:7): argc=99 a0=",
        ]),
        bytes in proptest::collection::vec(any::<u8>(), 0..2048),
    ) {
        let mut all = prefix.to_vec();
        all.extend(bytes);
        read_bytes(&all);
    }

    #[test]
    fn truncated_fixtures_never_panic_and_keep_whole_records(
        which in 0usize..5,
        cut in 0usize..9000,
    ) {
        let names = [
            "cloudtrail_iam_backdoor.json",
            "entra_directory_audits.json",
            "entra_diagnostic_records.json",
            "m365_unified_audit.json",
            "auditd_webshell_useradd.log",
        ];
        let full = cloud(names[which]);
        let (ok, _) = read_bytes(&full[..cut.min(full.len())]);
        prop_assert!(ok <= read_bytes(&full).0);
    }

    #[test]
    fn audit_line_parser_never_panics(line in "(?s).{0,200}") {
        let _ = vigil::normalize::auditd::normalize_line(&line);
        let with_header = format!("type=ADD_USER msg=audit(1700000000.123:4): {line}");
        prop_assert!(vigil::normalize::auditd::normalize_line(&with_header).is_ok());
    }
}

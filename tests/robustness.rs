//! Bad input never stops an import and never panics: corrupt EVTX samples,
//! truncated JSON, binary junk, empty files, random bytes.

mod import_support;

use import_support::{fixture, import, temp_workspace, write};
use proptest::prelude::*;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use vigil::ingest::summary::ImportStatus;
use vigil::ingest::{ReadItem, read_file};

#[test]
fn corrupt_evtx_samples_recover_readable_records() {
    // (file, records the evtx 0.15 crate recovers, problems expected at least).
    // SOURCES.md quotes older parsers, which recover fewer records from these files.
    let cases = [
        ("evtx/sysmon.evtx", 358, 8),
        ("evtx/sample_with_a_bad_chunk_magic.evtx", 301, 3),
        ("evtx/sample-with-zero-data-size-event.evtx", 449, 1),
        ("evtx/Application_no_crc32.evtx", 17, 0),
        ("evtx/security_bad_string_cache.evtx", 2261, 0),
    ];
    for (file, records, problems) in cases {
        let (_d, ws) = temp_workspace();
        let out = import(&ws, &[fixture(file)]);
        let s = &out.summary;
        assert_eq!(
            s.new + s.already_present,
            records,
            "{file}: {:?}",
            s.problems
        );
        assert!(s.rejected >= problems, "{file}: {}", s.rejected);
        for p in &s.problems {
            assert!(p.contains(": chunk ") || p.contains(": record "), "{p}");
        }
    }
}

#[test]
fn malformed_json_records_are_reported_and_skipped() {
    let (dir, ws) = temp_workspace();
    let good = r#"{"@timestamp":"2024-01-01T00:00:00Z","event":{"code":"1"}}"#;
    let content = format!(
        "{good}\n{{\"@timestamp\": \"2024-01-01\n[1,2]\n{{\"no\":\"shape\"}}\n{}\n",
        good.replace("00Z", "01Z")
    );
    let p = write(dir.path(), "mixed.json", content.as_bytes());
    let out = import(&ws, std::slice::from_ref(&p));
    let s = &out.summary;
    assert_eq!(s.new, 2);
    assert_eq!(s.rejected, 3);
    assert_eq!(s.status(), ImportStatus::Partial);
    let shown = p.display().to_string();
    assert!(
        s.problems
            .iter()
            .any(|m| m.starts_with(&format!("{shown}:2: malformed JSON"))),
        "{:?}",
        s.problems
    );
    assert!(
        s.problems
            .iter()
            .any(|m| m.starts_with(&format!("{shown}:3: expected a JSON object")))
    );
    assert!(
        s.problems
            .iter()
            .any(|m| m.starts_with(&format!("{shown}:4: unrecognised record")))
    );
}

#[test]
fn junk_empty_and_truncated_files() {
    let (dir, ws) = temp_workspace();
    let junk = write(dir.path(), "junk.bin", &[0u8, 159, 146, 150, 1, 2, 3]);
    let empty = write(dir.path(), "empty.json", b"");
    let truncated = write(
        dir.path(),
        "trunc.json",
        b"[{\"@timestamp\":\"2024-01-01T00:00:00Z\"},{\"a\":",
    );
    let mut evtx = std::fs::read(fixture("evtx/new-user-security.evtx")).unwrap();
    evtx.truncate(4096 + 3000);
    let short_evtx = write(dir.path(), "short.evtx", &evtx);
    let out = import(&ws, &[junk, empty, truncated, short_evtx]);
    let s = &out.summary;
    assert_eq!(s.unreadable_files, 2, "{:?}", s.files);
    assert!(
        s.files[0]
            .file_error
            .as_deref()
            .unwrap()
            .contains("first bytes: 00 9f")
    );
    assert!(s.files[1].file_error.as_deref().unwrap().contains("empty"));
    assert_eq!(s.files[2].new, 1);
    assert!(
        s.problems.iter().any(|p| p.contains("truncated")),
        "{:?}",
        s.problems
    );
}

#[test]
fn an_evtx_file_cut_inside_a_chunk_keeps_its_records_and_says_so() {
    let (dir, ws) = temp_workspace();
    let full = std::fs::read(fixture("evtx/new-user-security.evtx")).unwrap();
    let whole = {
        let (_d, ws_full) = temp_workspace();
        import(&ws_full, &[fixture("evtx/new-user-security.evtx")])
            .summary
            .new
    };
    // The fixture's one chunk holds records 1-4 at bytes 4,608-10,103: cut inside
    // record 4, so records 1-3 are whole and record 4 is lost.
    let cut = 9_800;
    let short = write(dir.path(), "cut.evtx", &full[..cut]);
    let out = import(&ws, std::slice::from_ref(&short));
    let s = &out.summary;
    assert_eq!((s.new, whole), (3, 4));
    let shown = short.display().to_string();
    assert!(
        s.problems.iter().any(|p| p.starts_with(&format!(
            "{shown}: chunk 0: the file ends inside this chunk"
        ))),
        "{:?}",
        s.problems
    );
}

#[test]
fn nothing_importable_is_status_4() {
    let (dir, ws) = temp_workspace();
    let p = write(dir.path(), "x.txt", b"hello");
    assert_eq!(import(&ws, &[p]).summary.status(), ImportStatus::Nothing);
}

fn read_bytes(bytes: &[u8]) -> usize {
    let dir = tempfile::tempdir().expect("temporary directory");
    let p = write(dir.path(), "f", bytes);
    let mut n = 0;
    let _ = read_file(&p, Arc::new(AtomicU64::new(0)), &mut |item| {
        if let ReadItem::Record(raw) = item {
            let _ = vigil::normalize::normalize(raw, "f");
        }
        n += 1;
    });
    n
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        read_bytes(&bytes);
    }

    #[test]
    fn random_bytes_after_json_or_evtx_headers_never_panic(
        prefix in prop::sample::select(vec![&b"ElfFile\0"[..], b"{", b"[", b"{\"Event\":{\"System\":", b"\x1f\x8b"]),
        bytes in proptest::collection::vec(any::<u8>(), 0..4096),
    ) {
        let mut all = prefix.to_vec();
        all.extend(bytes);
        read_bytes(&all);
    }

    #[test]
    fn evtx_with_corrupted_bytes_never_panics(
        flips in proptest::collection::vec((4096usize..69632, any::<u8>()), 1..40),
    ) {
        let mut bytes = std::fs::read(fixture("evtx/new-user-security.evtx")).expect("fixture");
        for (at, value) in flips {
            if at < bytes.len() {
                bytes[at] = value;
            }
        }
        read_bytes(&bytes);
    }

    #[test]
    fn truncated_evtx_never_panics(cut in 0usize..69632) {
        let full = std::fs::read(fixture("evtx/new-user-security.evtx")).expect("fixture");
        read_bytes(&full[..cut.min(full.len())]);
    }
}

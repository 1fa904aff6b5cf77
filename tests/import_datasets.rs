//! Imports of the real datasets in ../shared (third-party, not copied into the
//! repository). Each test prints a notice and passes when ../shared is absent.

mod import_support;

use import_support::{dataset, import, temp_workspace};

#[test]
fn mordor_backdoor_file_gives_exactly_12278_events_and_reimport_adds_none() {
    let Some(file) = dataset("OTRF-mordor/empire_wmic_add_user_backdoor_2020-09-14080546.json")
    else {
        return;
    };
    let (_d, ws) = temp_workspace();
    let first = import(&ws, std::slice::from_ref(&file));
    assert_eq!(first.summary.new, 12_278, "{:?}", first.summary.problems);
    assert_eq!(first.summary.rejected, 0);
    assert_eq!(ws.searcher().unwrap().count_all(), 12_278);
    let second = import(&ws, &[file]);
    assert_eq!(second.summary.new, 0);
    assert_eq!(second.summary.already_present, 12_278);
    assert_eq!(ws.searcher().unwrap().count_all(), 12_278);
}

#[test]
fn net_exe_starts_have_command_lines_and_parents() {
    let (Some(mordor), Some(evtx)) = (
        dataset("OTRF-mordor/empire_wmic_add_user_backdoor_2020-09-14080546.json"),
        dataset("mdecrevoisier-EVTX-to-MITRE-Attack/ID4688-User creation via commandline.evtx"),
    ) else {
        return;
    };
    let (_d, ws) = temp_workspace();
    import(&ws, &[mordor, evtx]);
    let s = ws.searcher().unwrap();
    // Other events name net.exe as their process too (image loads, termination).
    let hits = s
        .search("process.name:net.exe AND event.type:start", 100)
        .unwrap();
    // Mordor: Sysmon 1 + 4688 of net.exe on WORKSTATION6; EVTX: one 4688.
    assert_eq!(
        hits.len(),
        3,
        "{:#?}",
        hits.iter().map(|e| &e.doc["process"]).collect::<Vec<_>>()
    );
    for ev in &hits {
        let cmd = ev.str_field("process.command_line").unwrap();
        assert!(cmd.contains("user") && cmd.contains("/add"), "{cmd}");
        assert!(ev.get("process.parent.pid").is_some(), "{}", ev.doc);
    }
    let mordor_hits: Vec<_> = hits
        .iter()
        .filter(|e| e.str_field("host.name") == Some("WORKSTATION6"))
        .collect();
    assert_eq!(mordor_hits.len(), 2);
    for ev in mordor_hits {
        assert_eq!(ev.str_field("process.parent.name"), Some("WmiPrvSE.exe"));
        assert_eq!(
            ev.str_field("process.command_line"),
            Some("net user /add backdoor paw0rd1")
        );
    }
    let evtx_hit = hits
        .iter()
        .find(|e| e.str_field("host.name") != Some("WORKSTATION6"))
        .unwrap();
    assert_eq!(
        evtx_hit.get("process.args").unwrap(),
        &serde_json::json!(["net", "user", "toto3", "@#(*kjh@(@Jd", "/add"])
    );
    // The brief's queries: case-insensitive keyword and a host filter.
    let q = "process.name:NET.EXE AND host.name:WORKSTATION6 AND event.type:start";
    assert_eq!(s.count(q).unwrap(), 2);
    assert_eq!(
        s.count(
            "process.name:net.exe AND event.type:start AND \
             @timestamp:[2020-09-14T00:00:00Z TO 2020-09-15T00:00:00Z]"
        )
        .unwrap(),
        2
    );
    // Newest first.
    assert!(
        hits.windows(2)
            .all(|w| w[0].timestamp_ms >= w[1].timestamp_ms)
    );
}

#[test]
fn mordor_iam_events_are_mapped() {
    let Some(file) = dataset("OTRF-mordor/empire_wmic_add_user_backdoor_2020-09-14080546.json")
    else {
        return;
    };
    let (_d, ws) = temp_workspace();
    import(&ws, &[file]);
    let s = ws.searcher().unwrap();
    let created = s.search("event.code:4720", 10).unwrap();
    assert_eq!(created.len(), 1);
    let d = &created[0].doc;
    assert_eq!(d["event"]["action"], "added-user-account");
    assert_eq!(d["user"]["target"]["name"], "backdoor");
    assert_eq!(d["event"]["category"], serde_json::json!(["iam"]));
    assert_eq!(
        s.count("user.target.name:backdoor AND event.code:4726")
            .unwrap(),
        1
    );
    // 4688 on the same host: hex ids decoded.
    let starts = s
        .search(
            "event.code:4688 AND process.name:net.exe AND host.name:workstation6",
            10,
        )
        .unwrap();
    assert_eq!(starts[0].doc["process"]["pid"], 0x1e58);
}

#[test]
fn evtx_and_its_json_export_are_one_event() {
    let Some(dir) = dataset(
        "SigmaHQ-sigma-regression_data/proc_creation_win_registry_special_accounts_hide_user",
    ) else {
        return;
    };
    let (_d, ws) = temp_workspace();
    let out = import(&ws, &[dir]);
    assert_eq!(
        (out.summary.new, out.summary.already_present),
        (1, 1),
        "{:?}",
        out.summary
    );
    let ev = &ws
        .searcher()
        .unwrap()
        .search("process.name:reg.exe", 5)
        .unwrap()[0];
    assert!(
        ev.str_field("process.parent.command_line")
            .unwrap()
            .contains("NET USER AtomicOperator$")
    );
}

#[test]
fn winlogbeat_and_defender_exports() {
    let (Some(wlb), Some(def)) = (
        dataset("elastic-beats-winlogbeat"),
        dataset("elastic-integrations-m365_defender"),
    ) else {
        return;
    };
    let (_d, ws) = temp_workspace();
    let out = import(&ws, &[wlb, def]);
    assert_eq!(out.summary.new, 5, "{:?}", out.summary);
    let s = ws.searcher().unwrap();
    let golden_4720 = s.search("user.target.name:elastictest1", 5).unwrap();
    assert_eq!(
        golden_4720[0].doc["event"]["category"],
        serde_json::json!(["iam"])
    );
    assert_eq!(golden_4720[0].doc["event"]["code"], "4720");
    let smartscreen = s.search("process.name:smartscreen.exe", 5).unwrap();
    assert_eq!(
        smartscreen[0].doc["process"]["parent"]["name"],
        "svchost.exe"
    );
    assert_eq!(smartscreen[0].doc["vigil"]["source"]["format"], "defender");
}

#[test]
fn whole_datasets_folder_accounts_for_every_file() {
    let Some(root) = dataset("") else { return };
    let (_d, ws) = temp_workspace();
    let first = import(&ws, std::slice::from_ref(&root));
    let s = &first.summary;
    // Only SOURCES.md is not a log.
    assert_eq!(
        s.unreadable_files,
        1,
        "{:?}",
        s.files
            .iter()
            .filter(|f| f.file_error.is_some())
            .collect::<Vec<_>>()
    );
    assert!(s.new > 20_000);
    let second = import(&ws, &[root]);
    assert_eq!(second.summary.new, 0);
    let stats = ws.searcher().unwrap().stats().unwrap();
    assert_eq!(stats.events, s.new);
    // evtx_json events are all copies of EVTX records, so none is stored under that format.
    for format in ["evtx", "nxlog", "ecs", "defender"] {
        assert!(
            stats.by_format.contains_key(format),
            "{format}: {:?}",
            stats.by_format
        );
    }
    assert!(stats.by_host.contains_key("WORKSTATION6"));
}

#[test]
fn cleared_log_reusing_record_ids_keeps_both_events() {
    // post-Security.evtx (2016) and security.evtx (2017) come from the same machine,
    // whose Security log was cleared in between: 38 record ids appear in both.
    let Some(post) = dataset("omerbenamram-evtx-samples/post-Security.evtx") else {
        return;
    };
    let (_d, ws) = temp_workspace();
    let same_as_security = import_support::fixture("evtx/security_bad_string_cache.evtx");
    let out = import(&ws, &[post, same_as_security]);
    assert_eq!(out.summary.new, 126 + 2261, "{:?}", out.summary.problems);
    assert_eq!(out.summary.already_present, 0);
}

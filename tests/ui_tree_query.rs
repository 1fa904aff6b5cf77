//! The process starts fetched by entity id build exactly the process tree the interface
//! shows when built from every process start of the host's window: on the bundled
//! sample and on generated shapes (more siblings than shown, chains 12 and 300 deep,
//! grandchildren); and a walk cut after the nearest ancestors says where it stopped and
//! keeps exactly the full tree's nearest ancestors.

#![allow(clippy::unwrap_used)]

mod import_support;

use import_support::{import, temp_workspace, write};
use serde_json::json;
use vigil::detect::AlertStore;
use vigil::ingest::pipeline::Silent;
use vigil::rules::catalog::{Catalog, Sources};
use vigil::session::casework::{focus_event, tree_bounds, tree_window, window_starts};
use vigil::session::jobs::import_and_detect;
use vigil::session::tree_query::{related_starts, related_starts_up_to};
use vigil::triage::tree::{TreeOptions, build};

fn start(ts: i64, entity: &str, parent: Option<&str>, name: &str) -> String {
    let mut process = json!({"entity_id": entity, "pid": ts % 100_000, "name": name});
    if let Some(p) = parent {
        process["parent"] = json!({"entity_id": p, "name": "parent.exe"});
    }
    let iso = chrono::DateTime::from_timestamp_millis(ts)
        .unwrap()
        .to_rfc3339();
    json!({"@timestamp": iso, "host": {"name": "shapes"},
           "event": {"category": ["process"], "type": ["start"]}, "process": process})
    .to_string()
}

/// A root with 80 children (more siblings than the tree shows); child 3 has a chain 12 deep below it and child 5 has 4
/// children of its own.
fn shapes() -> String {
    let t0 = 1_772_452_800_000;
    let mut lines = vec![start(t0, "root", Some("outside"), "root.exe")];
    for c in 0..80 {
        lines.push(start(
            t0 + 1000 + c,
            &format!("c{c}"),
            Some("root"),
            "child.exe",
        ));
    }
    let mut parent = "c3".to_string();
    for d in 0..12 {
        let me = format!("d{d}");
        lines.push(start(t0 + 5000 + d, &me, Some(&parent), "deep.exe"));
        parent = me;
    }
    for g in 0..4 {
        lines.push(start(
            t0 + 9000 + g,
            &format!("g{g}"),
            Some("c5"),
            "grand.exe",
        ));
    }
    // A wide parent: 700 children 10 ms apart (more than one level query returns); the
    // first few have children of their own.
    let w0 = t0 + 3_600_001;
    lines.push(start(w0, "wide", None, "wide.exe"));
    for c in 0..700 {
        let name = format!("w{c}");
        lines.push(start(w0 + 1000 + c * 10, &name, Some("wide"), "kid.exe"));
    }
    for c in 0..3 {
        let parent = format!("w{c}");
        lines.push(start(
            w0 + 20_000 + c,
            &format!("wg{c}"),
            Some(&parent),
            "grand.exe",
        ));
    }
    // A chain 300 deep, deeper than the interface reads at first.
    let x0 = t0 + 7_200_000;
    lines.push(start(x0, "x0", Some("x-outside"), "chain.exe"));
    for d in 1..300 {
        let parent = format!("x{}", d - 1);
        lines.push(start(
            x0 + d * 10,
            &format!("x{d}"),
            Some(&parent),
            "chain.exe",
        ));
    }
    lines.join("\n")
}

#[test]
fn entity_queries_build_the_same_trees_as_the_window() {
    let (dir, ws) = temp_workspace();
    let catalog = Catalog::load(&Sources {
        builtin: true,
        ..Sources::default()
    })
    .unwrap();
    let sample =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/demo_events.ndjson");
    import_and_detect(&ws, &[sample], Some(&catalog), &mut Silent, 0).unwrap();
    let shapes_file = write(dir.path(), "shapes.ndjson", shapes().as_bytes());
    import(&ws, &[shapes_file]);
    let searcher = ws.searcher().unwrap();
    let mut focuses: Vec<(String, i64, vigil::model::Event)> = AlertStore::open(&ws.alerts_dir())
        .unwrap()
        .alerts()
        .into_iter()
        .filter_map(|a| Some((a.host.clone()?, a.timestamp_ms, focus_event(&searcher, a)?)))
        .collect();
    for id in [
        "root", "c3", "c5", "d11", "d5", "g2", "c79", "wide", "w1", "wg2", "w650", "x299", "x150",
    ] {
        let hits = searcher
            .search(&format!("process.entity_id:\"{id}\""), 1)
            .unwrap();
        let e = hits
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no start of {id}"));
        focuses.push(("shapes".into(), e.timestamp_ms, e));
    }
    assert!(focuses.len() > 10, "the sample's alerts and the shapes");
    let mut by_entity = 0;
    for (host, at, focus) in &focuses {
        let query = tree_window(host, *at);
        let window = window_starts(&searcher, &query).unwrap();
        let found = related_starts(&searcher, focus, &query, tree_bounds(*at));
        let entity = focus.str_field("process.entity_id").unwrap_or_default();
        assert!(
            found.is_some() || !["wide", "w1", "c3", "c79", "x299", "x150"].contains(&entity),
            "the wide shapes are fetched by entity id ({entity})"
        );
        let Some(related) = found else {
            continue;
        };
        by_entity += 1;
        let related = related.unwrap();
        assert!(related.len() <= window.len());
        let opts = TreeOptions::default();
        // What the interface shows: the nodes, the root and the focus.
        assert_eq!(
            build(focus, &related, &opts).map(|b| b.tree),
            build(focus, &window, &opts).map(|b| b.tree),
            "tree of {} on {host}",
            focus.id
        );
    }
    assert!(
        by_entity >= 9,
        "the entity path was taken ({by_entity} times)"
    );
    cut_walks(&searcher);
}

/// Reading at most N ancestors of the end of the 300-deep chain.
fn cut_walks(searcher: &vigil::index::EventSearcher) {
    let end = searcher
        .search("process.entity_id:\"x299\"", 1)
        .unwrap()
        .remove(0);
    let query = tree_window("shapes", end.timestamp_ms);
    let bounds = tree_bounds(end.timestamp_ms);
    let window = window_starts(searcher, &query).unwrap();
    let opts = TreeOptions::default();
    let full = build(&end, &window, &opts).unwrap();
    let keys = |b: &vigil::triage::tree::BuiltTree| -> Vec<String> {
        b.path_to_focus
            .iter()
            .map(|&n| b.tree.nodes[n].key.clone())
            .collect()
    };
    // (limit, where the walk stops): x0's parent has no start, so reading 299 ancestors
    // or more needs no cut.
    for (limit, stop) in [
        (1, Some("x297")),
        (200, Some("x98")),
        (298, Some("x0")),
        (299, None),
        (1000, None),
    ] {
        let found = related_starts_up_to(searcher, &end, &query, bounds, Some(limit))
            .unwrap()
            .unwrap();
        assert_eq!(found.stopped_at.as_deref(), stop, "limit {limit}");
        assert_eq!(found.events.len(), limit.min(299) + 1, "limit {limit}");
        let cut = build(&end, &found.events, &opts).unwrap();
        let (full_keys, cut_keys) = (keys(&full), keys(&cut));
        if let Some(stop) = stop {
            // The nearest `limit` ancestors and the focus, under a node for the next one.
            assert_eq!(cut_keys.len(), limit + 2, "limit {limit}");
            assert_eq!(cut_keys[0], stop);
            assert!(cut.tree.nodes[cut.path_to_focus[0]].event_id.is_none());
            assert_eq!(
                cut_keys[1..],
                full_keys[full_keys.len() - limit - 1..],
                "limit {limit}"
            );
        } else {
            assert_eq!(cut.tree, full.tree, "limit {limit}");
        }
    }
}

use super::*;

fn run(config: &GenConfig) -> Vec<u8> {
    let mut out = Vec::new();
    generate(config, &mut out).unwrap();
    out
}

#[test]
fn same_seed_same_bytes_and_every_line_is_json() {
    let mut config = GenConfig::demo();
    config.events = 400;
    let a = run(&config);
    assert_eq!(a, run(&config));
    let mut other = config.clone();
    other.seed += 1;
    assert_ne!(a, run(&other));
    for line in a.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        let v: serde_json::Value = serde_json::from_slice(line).unwrap();
        assert!(v["@timestamp"].is_string() && v["host"]["os"]["type"].is_string());
    }
}

#[test]
fn background_count_is_honoured_without_stories() {
    let mut config = GenConfig::large(2_000);
    config.workstations = 3;
    let out = run(&config);
    let lines = out.iter().filter(|b| **b == b'\n').count();
    assert!((2_000..2_005).contains(&lines), "{lines}");
}

#[test]
fn bad_span_is_refused() {
    let mut config = GenConfig::demo();
    config.span_ms = 0;
    assert!(matches!(
        generate(&config, Vec::new()),
        Err(GenError::Config(_))
    ));
}

#[test]
fn stories_are_woven_into_large_datasets_on_generated_hosts() {
    let mut config = GenConfig::large(3_000);
    config.workstations = 12;
    config.stories = true;
    let text = String::from_utf8(run(&config)).unwrap();
    for needle in [
        "svc_backup",
        "/ad\"",
        "C:\\\\users\\\\PUBLIC\\\\Net.exe",
        "backup$",
        "useradd",
        "dscl . -create",
        "defaultuser0",
    ] {
        assert!(text.contains(needle), "missing {needle}");
    }
    let created = text
        .lines()
        .filter(|l| l.contains("\"code\":\"4720\""))
        .count();
    assert_eq!(created, 11);
    // Still in time order.
    let stamps: Vec<&str> = text.lines().map(|l| &l[14..38]).collect();
    assert!(stamps.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn process_trees_are_consistent() {
    let text = String::from_utf8(run(&GenConfig::demo())).unwrap();
    let mut starts = std::collections::HashMap::new();
    let docs: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for d in &docs {
        if let Some(id) = d["process"]["entity_id"].as_str()
            && d["event"]["type"][0] == "start"
        {
            starts.insert(id.to_string(), d["process"]["pid"].clone());
        }
    }
    // Every child of a process started in the file names that process's pid as parent pid.
    let mut linked = 0;
    for d in &docs {
        let parent = &d["process"]["parent"];
        if let Some(pid) = parent["entity_id"].as_str().and_then(|id| starts.get(id)) {
            assert_eq!(&parent["pid"], pid);
            linked += 1;
        }
    }
    assert!(linked > 50, "{linked}");
}

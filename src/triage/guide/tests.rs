use super::*;
use crate::model::triage::{AlertTriage, StepState};
use crate::testutil::shared_dir;
use serde_json::json;

/// The seed rule's `note`, cut out of the seed page (the TOML there carries line numbers).
fn seed_note() -> Option<String> {
    let Some(dir) = shared_dir() else {
        eprintln!("notice: shared data not found, seed guide test skipped");
        return None;
    };
    let page = std::fs::read_to_string(dir.join("seeds/000_c9ac5831a516a241.txt")).ok()?;
    let mut note = String::new();
    let mut inside = false;
    for line in page.lines() {
        let body = line
            .trim_start()
            .trim_start_matches(|c: char| c.is_ascii_digit());
        if !inside {
            if let Some(rest) = body.strip_prefix("note = \"\"\"") {
                inside = true;
                note.push_str(rest);
                note.push('\n');
            }
        } else if body.starts_with("\"\"\"") {
            break;
        } else {
            note.push_str(body);
            note.push('\n');
        }
    }
    Some(note)
}

#[test]
fn seed_rule_guide_has_four_investigation_and_six_response_steps() {
    let Some(note) = seed_note() else { return };
    let guide = parse(&note, None);
    let count = |k| guide.steps.iter().filter(|s| s.section == k).count();
    assert_eq!(count(SectionKind::Investigation), 4);
    assert_eq!(count(SectionKind::Response), 6);
    assert_eq!(
        guide.steps.len(),
        10,
        "false-positive and related-rule bullets are not steps"
    );
    assert!(
        guide.steps[3]
            .text
            .starts_with("Investigate other alerts associated with the user/host")
    );
    assert!(guide.steps[0].id.starts_with("inv-") && guide.steps[4].id.starts_with("resp-"));
    // Ids are stable: same note, same ids; a formatting-only change keeps them.
    let again = parse(
        &note.replace("(parent process tree)", "(*parent process tree*)"),
        None,
    );
    let ids = |g: &Guide| g.steps.iter().map(|s| s.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&guide), ids(&again));
    let titles: Vec<&str> = guide.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Triage and analysis",
            "Investigating User Account Creation",
            "Possible investigation steps",
            "False positive analysis",
            "Related rules",
            "Response and remediation"
        ]
    );
}

#[test]
fn pivots_from_markup_and_transform() {
    let note = r#"## Triage and analysis

### Possible investigation steps

- Review the host's recent alerts: !{investigate{"label":"Alerts on the host","target":"alerts","providers":[[{"field":"host.name","excluded":false,"queryType":"phrase","value":"{{host.name}}","valueType":"string"}]],"relativeFrom":"now-48h","relativeTo":"now"}}
- Examine the process tree.
  - $investigate_0
  - $investigate_1
- Check `net.exe` usage, see [docs](https://example.org).

#### Triage and analysis steps

1. Numbered step $osquery_0

### Response and remediation
- Isolate the host.
"#;
    let transform = json!({
        "investigate": [
            {"label": "Same parent", "providers": [[{"field": "process.parent.entity_id", "excluded": false, "queryType": "phrase", "value": "{{process.parent.entity_id}}", "valueType": "string"}]], "relativeFrom": "now-1h", "relativeTo": "now"},
            {"label": "Same user", "providers": [[{"field": "user.name", "queryType": "phrase", "value": "{{user.name}}"}]]}
        ],
        "osquery": [{"label": "Osquery - processes", "query": "select * from processes"}]
    });
    let g = parse(note, Some(&transform));
    let texts: Vec<&str> = g.steps.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Review the host's recent alerts: [Alerts on the host]",
            "Examine the process tree.",
            "Check net.exe usage, see docs.",
            "Numbered step [Osquery - processes]",
            "Isolate the host."
        ]
    );
    let labels = |i: usize| {
        g.steps[i]
            .pivots
            .iter()
            .map(|p| p.label.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(labels(0), ["Alerts on the host"]);
    assert_eq!(labels(1), ["Same parent", "Same user"]);
    assert!(labels(3).is_empty(), "osquery buttons are not pivots");
    assert_eq!(g.steps[3].section, SectionKind::Investigation);
    assert_eq!(g.steps[4].section, SectionKind::Response);
    assert_eq!(g.embeds.len(), 4);
    // Both pivot-only sub-item lines point at their parent step.
    let sub_lines: Vec<_> = g.lines.iter().filter(|l| l.step == Some(1)).collect();
    assert_eq!(sub_lines.len(), 3);
}

#[test]
fn text_rendering_shows_checkbox_state() {
    let g = parse(
        "### Possible investigation steps\n- First `a`\n- Second\n\n```\ncode\n```\n",
        None,
    );
    let mut t = AlertTriage::default();
    t.steps.insert(
        g.steps[1].id.clone(),
        StepState {
            done: true,
            ..Default::default()
        },
    );
    let text = to_text(&g, Some(&t));
    let want = format!(
        "### Possible investigation steps\n- [ ] First `a`  ({})\n- [x] Second  ({})\n\n    code\n",
        g.steps[0].id, g.steps[1].id
    );
    assert_eq!(text, want);
}

#[test]
fn duplicate_steps_get_distinct_ids_and_sections_end_at_same_level() {
    let g = parse(
        "## Possible investigation steps\n- Same\n- same!\n### Sub heading\n- Inside\n## Other\n- Outside\n",
        None,
    );
    let ids: Vec<&str> = g.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert_eq!(ids[1], format!("{}-2", ids[0]));
    assert_eq!(g.steps[2].text, "Inside");
}

#[test]
fn hostile_guides_do_not_panic() {
    for note in [
        "",
        "#",
        "- ",
        "!{investigate{",
        "!{investigate{}}",
        "`",
        "**",
        "[a](",
        "\u{1b}]0;x\u{7}",
        "- \u{fffc}\n  - !{investigate{\"label\":1}}",
    ] {
        let g = parse(note, Some(&json!({"investigate": "not a list"})));
        let _ = to_text(&g, None);
    }
}

#[test]
fn steps_are_found_by_id_prefix_or_number() {
    let g = parse("### Possible investigation steps\n- One\n- Two\n", None);
    let id = g.steps[1].id.clone();
    assert_eq!(g.find_step(&id).unwrap().text, "Two");
    assert_eq!(g.find_step(&id[..8]).unwrap().text, "Two");
    assert_eq!(g.find_step("1").unwrap().text, "One");
    assert!(g.find_step("3").unwrap_err().contains("has 2 steps"));
    assert!(g.find_step("inv-").unwrap_err().contains("several"));
    assert!(g.find_step("nope").unwrap_err().contains("no step"));
    let mut t = AlertTriage::default();
    t.steps.insert(
        id,
        StepState {
            done: true,
            ..Default::default()
        },
    );
    assert_eq!(g.progress(&t), (1, 2));
}

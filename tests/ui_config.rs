//! Every shipped theme and key-map file loads from disk, and the interface layers keep
//! terminal code out of the functional core.

use std::path::Path;
use vigil::app::keymap::Keymap;
use vigil::app::theme::{THEME_KEYS, Theme};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_theme_file_loads_and_sets_every_key() {
    let mut n = 0;
    for entry in std::fs::read_dir(root().join("themes")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let t = Theme::parse("x", &text, &path.display().to_string(), None)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            t.missing_keys().is_empty(),
            "{} misses {:?}",
            path.display(),
            t.missing_keys()
        );
        n += 1;
    }
    assert!(n >= 3, "dark, light and high-contrast ship");
    for name in ["dark", "light", "high-contrast"] {
        Theme::builtin(name).unwrap();
    }
}

#[test]
fn user_themes_and_paths_are_found_and_fall_back_to_dark() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("mine.toml"),
        "[styles]\ntitle = { fg = \"#112233\" }\n",
    )
    .unwrap();
    let t = Theme::load("mine", Some(dir.path())).unwrap();
    assert_eq!(
        t.style("title").fg,
        Some(vigil::app::theme::Color::Rgb(0x11, 0x22, 0x33))
    );
    assert!(t.missing_keys().is_empty());
    let path = dir.path().join("mine.toml");
    assert!(Theme::load(path.to_str().unwrap(), None).is_ok());
    let err = Theme::load("nope", Some(dir.path()))
        .unwrap_err()
        .to_string();
    assert!(err.contains("'nope'"));
}

#[test]
fn the_keymap_file_loads_and_user_overrides_apply() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("keymap.toml");
    std::fs::write(
        &file,
        "[[queue]]\non = \"J\"\nrun = \"page_down\"\ndesc = \"Page\"\n",
    )
    .unwrap();
    let map = Keymap::load(Some(&file)).unwrap();
    assert_eq!(
        map.lookup(
            vigil::app::keymap::Context::Queue,
            vigil::app::KeyPress::ch('J')
        ),
        Some(&vigil::app::Action::PageDown)
    );
    std::fs::write(&file, "[[queue]]\non = \"J\"\nrun = \"teleport\"\n").unwrap();
    let err = Keymap::load(Some(&file)).unwrap_err().to_string();
    assert!(
        err.contains("'teleport'") && err.contains("keymap.toml"),
        "{err}"
    );
    assert!(Keymap::load(Some(&dir.path().join("absent.toml"))).is_ok());
}

#[test]
fn docs_list_every_theme_key() {
    let doc = std::fs::read_to_string(root().join("docs/themes.md")).unwrap();
    for (k, _) in THEME_KEYS {
        assert!(
            doc.contains(&format!("`{k}`")),
            "docs/themes.md does not list {k}"
        );
    }
}

#[test]
fn the_functional_core_does_not_import_terminal_crates() {
    for entry in std::fs::read_dir(root().join("src/app")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for banned in ["ratatui::", "crossterm::", "use ratatui", "use crossterm"] {
            assert!(
                !text.contains(banned),
                "{} mentions {banned}",
                path.display()
            );
        }
    }
}

#[test]
fn docs_list_every_default_binding() {
    let doc = std::fs::read_to_string(root().join("docs/keys.md")).unwrap();
    let map = Keymap::builtin().unwrap();
    for ctx in vigil::app::keymap::Context::ALL {
        for b in map.bindings(ctx) {
            assert!(
                doc.contains(&format!("`{}`", b.run)),
                "docs/keys.md misses {}",
                b.run
            );
            assert!(doc.contains(&b.desc), "docs/keys.md misses '{}'", b.desc);
        }
    }
}

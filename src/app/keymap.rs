//! The key map: which key runs which action in which context, loaded from TOML.
//!
//! The built-in map (`keymaps/default.toml`) is embedded in the binary; a user file in the
//! config directory holds only overrides. Every binding carries a description, which is
//! what the `?` overlay shows, so the help can never drift from the real keys.

use crate::app::action::Action;
use crate::app::keys::{KeyPress, parse_key};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

pub const DEFAULT_KEYMAP: &str = include_str!("../../keymaps/default.toml");

/// Where a binding applies. Lookups try the focused context first, then `Global`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Global,
    Queue,
    Detail,
    Checklist,
    Tree,
    Timeline,
    Overlay,
}

impl Context {
    pub const ALL: [Context; 7] = [
        Context::Global,
        Context::Queue,
        Context::Detail,
        Context::Checklist,
        Context::Tree,
        Context::Timeline,
        Context::Overlay,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Queue => "queue",
            Context::Detail => "detail",
            Context::Checklist => "checklist",
            Context::Tree => "tree",
            Context::Timeline => "timeline",
            Context::Overlay => "overlay",
        }
    }

    fn from_name(name: &str) -> Option<Context> {
        Context::ALL.into_iter().find(|c| c.name() == name)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub keys: Vec<KeyPress>,
    pub run: String,
    pub action: Action,
    pub desc: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Keymap {
    bindings: BTreeMap<Context, Vec<Binding>>,
}

#[derive(Debug, thiserror::Error)]
pub enum KeymapError {
    #[error("key map {origin} is not valid TOML: {source}")]
    Toml {
        origin: String,
        source: toml::de::Error,
    },
    #[error(
        "key map {origin}: unknown section '[{section}]'; use one of global, queue, detail, checklist, tree, timeline, overlay"
    )]
    UnknownContext { origin: String, section: String },
    #[error(
        "key map {origin}, section [{section}]: unknown action '{run}'; see docs/keys.md for the action names"
    )]
    UnknownAction {
        origin: String,
        section: String,
        run: String,
    },
    #[error("key map {origin}, section [{section}]: {source}")]
    BadKey {
        origin: String,
        section: String,
        source: crate::app::keys::KeyParseError,
    },
    #[error("cannot read key map {path}: {source}; check the file's permissions or remove it")]
    Read {
        path: String,
        source: std::io::Error,
    },
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBinding {
    on: OneOrMany,
    run: String,
    #[serde(default)]
    desc: String,
}

fn parse(text: &str, origin: &str) -> Result<BTreeMap<Context, Vec<Binding>>, KeymapError> {
    let raw: BTreeMap<String, Vec<RawBinding>> =
        toml::from_str(text).map_err(|source| KeymapError::Toml {
            origin: origin.to_string(),
            source,
        })?;
    let mut out: BTreeMap<Context, Vec<Binding>> = BTreeMap::new();
    for (section, entries) in raw {
        let ctx = Context::from_name(&section).ok_or_else(|| KeymapError::UnknownContext {
            origin: origin.to_string(),
            section: section.clone(),
        })?;
        for entry in entries {
            let action =
                Action::from_name(&entry.run).ok_or_else(|| KeymapError::UnknownAction {
                    origin: origin.to_string(),
                    section: section.clone(),
                    run: entry.run.clone(),
                })?;
            let texts = match entry.on {
                OneOrMany::One(k) => vec![k],
                OneOrMany::Many(ks) => ks,
            };
            let keys = texts
                .iter()
                .map(|t| parse_key(t))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|source| KeymapError::BadKey {
                    origin: origin.to_string(),
                    section: section.clone(),
                    source,
                })?;
            out.entry(ctx).or_default().push(Binding {
                keys,
                run: entry.run,
                action,
                desc: entry.desc,
            });
        }
    }
    Ok(out)
}

impl Keymap {
    /// The built-in key map.
    pub fn builtin() -> Result<Keymap, KeymapError> {
        Ok(Keymap {
            bindings: parse(DEFAULT_KEYMAP, "keymaps/default.toml (built-in)")?,
        })
    }

    /// The built-in map with a user's overrides (TOML text) on top: a key the user binds
    /// in a context is removed from the default bindings of that context; `run = "noop"`
    /// unbinds it.
    pub fn with_overrides(mut self, text: &str, origin: &str) -> Result<Keymap, KeymapError> {
        for (ctx, user) in parse(text, origin)? {
            let defaults = self.bindings.entry(ctx).or_default();
            for b in &user {
                for d in defaults.iter_mut() {
                    d.keys.retain(|k| !b.keys.contains(k));
                }
            }
            defaults.retain(|d| !d.keys.is_empty());
            let mut merged: Vec<Binding> = user
                .into_iter()
                .filter(|b| b.action != Action::Noop)
                .collect();
            merged.append(defaults);
            *defaults = merged;
        }
        Ok(self)
    }

    /// The built-in map plus the user file at `path` when it exists.
    pub fn load(user_file: Option<&Path>) -> Result<Keymap, KeymapError> {
        let map = Keymap::builtin()?;
        match user_file {
            Some(path) if path.exists() => {
                let text = std::fs::read_to_string(path).map_err(|source| KeymapError::Read {
                    path: path.display().to_string(),
                    source,
                })?;
                map.with_overrides(&text, &path.display().to_string())
            }
            _ => Ok(map),
        }
    }

    /// The action bound to `key` in `ctx`, falling back to the global bindings.
    pub fn lookup(&self, ctx: Context, key: KeyPress) -> Option<&Action> {
        let find = |c: Context| {
            self.bindings
                .get(&c)?
                .iter()
                .find(|b| b.keys.contains(&key))
                .map(|b| &b.action)
        };
        find(ctx).or_else(|| {
            if ctx == Context::Global {
                None
            } else {
                find(Context::Global)
            }
        })
    }

    pub fn bindings(&self, ctx: Context) -> &[Binding] {
        self.bindings.get(&ctx).map_or(&[], Vec::as_slice)
    }

    /// The first key that runs `action` in `ctx` (a global key the section rebinds does
    /// not count), for status-bar hints.
    pub fn key_for(&self, ctx: Context, action: &Action) -> Option<KeyPress> {
        [ctx, Context::Global]
            .into_iter()
            .flat_map(|c| self.bindings(c).iter())
            .filter(|b| &b.action == action)
            .flat_map(|b| b.keys.iter().copied())
            .find(|k| self.lookup(ctx, *k) == Some(action))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::keys::Key;

    #[test]
    fn builtin_map_loads_and_every_binding_has_a_description() {
        let map = Keymap::builtin().unwrap();
        for ctx in Context::ALL {
            for b in map.bindings(ctx) {
                assert!(!b.desc.is_empty(), "{} {} has no desc", ctx.name(), b.run);
            }
        }
        assert_eq!(
            map.lookup(Context::Queue, KeyPress::ch('j')),
            Some(&Action::SelectNext)
        );
        assert_eq!(
            map.lookup(Context::Tree, KeyPress::plain(Key::Down)),
            Some(&Action::SelectNext)
        );
        assert_eq!(
            map.lookup(Context::Tree, KeyPress::ch('q')),
            Some(&Action::Quit)
        );
    }

    #[test]
    fn hint_keys_skip_keys_a_section_rebinds() {
        let map = Keymap::builtin().unwrap();
        assert_eq!(
            map.key_for(Context::Queue, &Action::Quit),
            Some(KeyPress::ch('q'))
        );
        let in_overlay = map.key_for(Context::Overlay, &Action::Quit).unwrap();
        assert_eq!(in_overlay.to_string(), "<c-c>");
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        let map = Keymap::builtin().unwrap();
        for ctx in Context::ALL {
            let mut seen = std::collections::HashSet::new();
            for b in map.bindings(ctx) {
                for k in &b.keys {
                    assert!(seen.insert(*k), "{k} bound twice in [{}]", ctx.name());
                }
            }
        }
    }

    #[test]
    fn user_overrides_replace_and_unbind() {
        let user = r#"
            [[queue]]
            on = "j"
            run = "select_last"
            desc = "Jump to the end"
            [[global]]
            on = "q"
            run = "noop"
        "#;
        let map = Keymap::builtin()
            .unwrap()
            .with_overrides(user, "test")
            .unwrap();
        assert_eq!(
            map.lookup(Context::Queue, KeyPress::ch('j')),
            Some(&Action::SelectLast)
        );
        assert_eq!(
            map.lookup(Context::Queue, KeyPress::plain(Key::Down)),
            Some(&Action::SelectNext)
        );
        assert_eq!(map.lookup(Context::Queue, KeyPress::ch('q')), None);
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        let cases = [
            (
                "[[queue]]\non = \"j\"\nrun = \"fly\"",
                "unknown action 'fly'",
            ),
            (
                "[[sideways]]\non = \"j\"\nrun = \"quit\"",
                "unknown section '[sideways]'",
            ),
            (
                "[[queue]]\non = \"<hyper>\"\nrun = \"quit\"",
                "unknown key '<hyper>'",
            ),
            ("[[queue]\n", "not valid TOML"),
        ];
        for (text, want) in cases {
            let err = Keymap::builtin()
                .unwrap()
                .with_overrides(text, "user.toml")
                .unwrap_err()
                .to_string();
            assert!(err.contains(want), "{err}");
        }
    }
}

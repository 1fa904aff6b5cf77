//! Themes: semantic style keys (severity levels, statuses, selection, tree...) read from TOML.
//!
//! Views never name a colour; they ask the theme for `severity.high` or `tree.focus`.
//! Three themes ship inside the binary (dark, light, high-contrast); users add their own in
//! the config directory's `themes/` folder. `NO_COLOR` strips every colour but keeps
//! bold/reverse so the selection stays visible.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Every semantic key a theme may set, with what it styles (docs/themes.md lists the same).
pub const THEME_KEYS: &[(&str, &str)] = &[
    ("base", "ordinary text and the background"),
    ("muted", "secondary text: labels, hints, empty values"),
    ("border", "pane borders"),
    ("border.focused", "the border of the focused pane"),
    ("title", "pane titles"),
    ("header", "table headers"),
    ("selection", "the row under the cursor"),
    ("marked", "rows marked for a bulk action"),
    ("group", "group rows in the queue"),
    ("label", "field names in the detail view"),
    ("severity.informational", "informational severity"),
    ("severity.low", "low severity"),
    ("severity.medium", "medium severity"),
    ("severity.high", "high severity"),
    ("severity.critical", "critical severity"),
    ("status.open", "open status"),
    ("status.acknowledged", "acknowledged status"),
    ("status.closed", "closed status"),
    ("disposition.true_positive", "true positive"),
    ("disposition.benign_positive", "benign positive"),
    ("disposition.false_positive", "false positive"),
    ("disposition.duplicate", "duplicate"),
    ("disposition.undetermined", "undetermined"),
    ("tree.focus", "the alert's own process in the tree"),
    ("tree.guide", "tree connector lines"),
    ("tree.alert", "alert markers on tree nodes"),
    ("histogram", "the alerts-over-time histogram"),
    ("escaped", "control characters shown escaped (hostile data)"),
    ("key", "key names in the help overlay and status bar"),
    ("statusbar", "the bottom status bar"),
    ("error", "error messages"),
    ("notice", "notices and progress"),
    ("prompt", "the text prompt"),
    ("checkbox.done", "a ticked checklist step"),
    ("checkbox.todo", "an unticked checklist step"),
];

pub const BUILTIN_THEMES: &[(&str, &str)] = &[
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
];

/// A colour as written in a theme; the terminal layer maps it to its own type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Color {
    Reset,
    /// One of the 16 ANSI colours, 0-15 (black, red, ... bright white).
    Ansi(u8),
    Indexed(u8),
    Rgb(u8, u8, u8),
}

const ANSI_NAMES: [&str; 16] = [
    "black",
    "red",
    "green",
    "yellow",
    "blue",
    "magenta",
    "cyan",
    "gray",
    "dark-gray",
    "light-red",
    "light-green",
    "light-yellow",
    "light-blue",
    "light-magenta",
    "light-cyan",
    "white",
];

fn parse_color(text: &str, palette: &BTreeMap<String, String>) -> Option<Color> {
    let text = palette.get(text).map_or(text, String::as_str);
    if text == "reset" || text == "default" {
        return Some(Color::Reset);
    }
    if let Some(i) = ANSI_NAMES.iter().position(|n| *n == text) {
        return u8::try_from(i).ok().map(Color::Ansi);
    }
    if let Some(hex) = text.strip_prefix('#')
        && hex.len() == 6
        && hex.is_ascii()
    {
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        return Some(Color::Rgb(byte(0)?, byte(2)?, byte(4)?));
    }
    text.parse::<u8>().ok().map(Color::Indexed)
}

/// A resolved style for one semantic key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StyleSpec {
    pub fg: Option<Color>,
    pub bg: Option<Color>,
    pub bold: bool,
    pub italic: bool,
    pub underline: bool,
    pub reversed: bool,
    pub dim: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStyle {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    italic: bool,
    #[serde(default)]
    underline: bool,
    #[serde(default)]
    reversed: bool,
    #[serde(default)]
    dim: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTheme {
    #[serde(default)]
    palette: BTreeMap<String, String>,
    #[serde(default)]
    styles: BTreeMap<String, RawStyle>,
}

#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("theme {origin} is not valid TOML: {source}")]
    Toml {
        origin: String,
        source: toml::de::Error,
    },
    #[error(
        "theme {origin}: unknown style key '{key}'; docs/themes.md lists the keys (e.g. severity.high, selection)"
    )]
    UnknownKey { origin: String, key: String },
    #[error(
        "theme {origin}: colour '{value}' of '{key}' is not a colour; use a name (red, light-blue), #rrggbb, 0-255 or a [palette] entry"
    )]
    BadColor {
        origin: String,
        key: String,
        value: String,
    },
    #[error(
        "no theme named '{0}': use dark, light, high-contrast, a file in the config directory's themes/ folder, or a path to a .toml file"
    )]
    NotFound(String),
    #[error("cannot read theme {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    styles: BTreeMap<&'static str, StyleSpec>,
}

impl Theme {
    /// Parses a theme file. Keys it leaves out come from `fallback` (the dark theme for
    /// user themes), so a user theme may change only a few keys.
    pub fn parse(
        name: &str,
        text: &str,
        origin: &str,
        fallback: Option<&Theme>,
    ) -> Result<Theme, ThemeError> {
        let raw: RawTheme = toml::from_str(text).map_err(|source| ThemeError::Toml {
            origin: origin.to_string(),
            source,
        })?;
        let mut styles = fallback.map(|t| t.styles.clone()).unwrap_or_default();
        for (key, rs) in raw.styles {
            let Some(&(known, _)) = THEME_KEYS.iter().find(|(k, _)| *k == key) else {
                return Err(ThemeError::UnknownKey {
                    origin: origin.to_string(),
                    key,
                });
            };
            let color =
                |v: &Option<String>| -> Result<Option<Color>, ThemeError> {
                    match v {
                        None => Ok(None),
                        Some(v) => parse_color(v, &raw.palette).map(Some).ok_or_else(|| {
                            ThemeError::BadColor {
                                origin: origin.to_string(),
                                key: key.clone(),
                                value: v.clone(),
                            }
                        }),
                    }
                };
            let spec = StyleSpec {
                fg: color(&rs.fg)?,
                bg: color(&rs.bg)?,
                bold: rs.bold,
                italic: rs.italic,
                underline: rs.underline,
                reversed: rs.reversed,
                dim: rs.dim,
            };
            styles.insert(known, spec);
        }
        Ok(Theme {
            name: name.to_string(),
            styles,
        })
    }

    /// One of the themes shipped in the binary.
    pub fn builtin(name: &str) -> Result<Theme, ThemeError> {
        let (n, text) = BUILTIN_THEMES
            .iter()
            .find(|(n, _)| *n == name)
            .ok_or_else(|| ThemeError::NotFound(name.to_string()))?;
        Theme::parse(n, text, &format!("themes/{n}.toml (built-in)"), None)
    }

    /// Resolves `--theme NAME`: a path to a file, a user theme `<dir>/NAME.toml`, or a
    /// built-in theme, in that order.
    pub fn load(name: &str, user_dir: Option<&Path>) -> Result<Theme, ThemeError> {
        let as_path = Path::new(name);
        let user_file = user_dir.map(|d| d.join(format!("{name}.toml")));
        let file = if name.ends_with(".toml") && as_path.exists() {
            Some(as_path.to_path_buf())
        } else {
            user_file.filter(|p| p.exists())
        };
        match file {
            Some(path) => {
                let text = std::fs::read_to_string(&path).map_err(|source| ThemeError::Read {
                    path: path.display().to_string(),
                    source,
                })?;
                let base = Theme::builtin("dark")?;
                Theme::parse(name, &text, &path.display().to_string(), Some(&base))
            }
            None => Theme::builtin(name),
        }
    }

    /// The style of a semantic key (an unset key is unstyled).
    pub fn style(&self, key: &str) -> StyleSpec {
        self.styles.get(key).copied().unwrap_or_default()
    }

    /// The same theme without any colour, for `NO_COLOR`: emphasis is kept and the
    /// selection is shown reversed so it stays visible.
    pub fn without_color(mut self) -> Theme {
        for (key, spec) in &mut self.styles {
            spec.fg = None;
            spec.bg = None;
            if matches!(*key, "selection" | "tree.focus" | "escaped") {
                spec.reversed = true;
            }
        }
        self.name.push_str(" (no colour)");
        self
    }

    /// Keys the theme leaves unset (a shipped theme must set them all).
    pub fn missing_keys(&self) -> Vec<&'static str> {
        THEME_KEYS
            .iter()
            .map(|(k, _)| *k)
            .filter(|k| !self.styles.contains_key(k))
            .collect()
    }
}

/// True when the environment asks for no colour (`NO_COLOR` set and not empty).
pub fn no_color_requested(value: Option<&str>) -> bool {
    value.is_some_and(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_theme_loads_and_sets_every_key() {
        for (name, _) in BUILTIN_THEMES {
            let t = Theme::builtin(name).unwrap();
            assert!(
                t.missing_keys().is_empty(),
                "{name} misses {:?}",
                t.missing_keys()
            );
        }
    }

    #[test]
    fn colours_parse_in_every_notation() {
        let mut pal = BTreeMap::new();
        pal.insert("accent".to_string(), "#ff8000".to_string());
        assert_eq!(parse_color("red", &pal), Some(Color::Ansi(1)));
        assert_eq!(parse_color("light-cyan", &pal), Some(Color::Ansi(14)));
        assert_eq!(parse_color("#0a0B0c", &pal), Some(Color::Rgb(10, 11, 12)));
        assert_eq!(parse_color("208", &pal), Some(Color::Indexed(208)));
        assert_eq!(parse_color("accent", &pal), Some(Color::Rgb(255, 128, 0)));
        assert_eq!(parse_color("reset", &pal), Some(Color::Reset));
        for bad in ["#12345", "#gg0000", "256", "chartreuse", "#ééé"] {
            assert_eq!(parse_color(bad, &pal), None, "{bad}");
        }
    }

    #[test]
    fn user_themes_fall_back_to_dark_and_report_errors() {
        let dark = Theme::builtin("dark").unwrap();
        let t = Theme::parse(
            "mine",
            "[styles]\n\"severity.high\" = { fg = \"#010203\" }",
            "x",
            Some(&dark),
        )
        .unwrap();
        assert_eq!(t.style("severity.high").fg, Some(Color::Rgb(1, 2, 3)));
        assert_eq!(t.style("selection"), dark.style("selection"));
        let err = Theme::parse("m", "[styles]\nsparkle = { fg = \"red\" }", "x", None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("'sparkle'"), "{err}");
        let err = Theme::parse("m", "[styles]\nbase = { fg = \"mauve\" }", "x", None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("'mauve'"), "{err}");
        assert!(matches!(
            Theme::load("nope", None),
            Err(ThemeError::NotFound(_))
        ));
    }

    #[test]
    fn no_color_strips_colours_but_keeps_the_selection_visible() {
        let t = Theme::builtin("dark").unwrap().without_color();
        for (k, _) in THEME_KEYS {
            assert_eq!(t.style(k).fg, None);
            assert_eq!(t.style(k).bg, None);
        }
        assert!(t.style("selection").reversed);
        assert!(t.style("escaped").reversed, "hostile escapes stay distinct");
        assert!(no_color_requested(Some("1")));
        assert!(!no_color_requested(Some("")));
        assert!(!no_color_requested(None));
    }
}

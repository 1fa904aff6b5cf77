//! Maps the theme's semantic styles onto ratatui styles.

use crate::app::theme::{Color as ThemeColor, StyleSpec, Theme};
use ratatui::style::{Color, Modifier, Style};

fn color(c: ThemeColor) -> Color {
    match c {
        ThemeColor::Reset => Color::Reset,
        ThemeColor::Ansi(n) => match n {
            0 => Color::Black,
            1 => Color::Red,
            2 => Color::Green,
            3 => Color::Yellow,
            4 => Color::Blue,
            5 => Color::Magenta,
            6 => Color::Cyan,
            7 => Color::Gray,
            8 => Color::DarkGray,
            9 => Color::LightRed,
            10 => Color::LightGreen,
            11 => Color::LightYellow,
            12 => Color::LightBlue,
            13 => Color::LightMagenta,
            14 => Color::LightCyan,
            _ => Color::White,
        },
        ThemeColor::Indexed(n) => Color::Indexed(n),
        ThemeColor::Rgb(r, g, b) => Color::Rgb(r, g, b),
    }
}

pub fn to_style(spec: StyleSpec) -> Style {
    let mut s = Style::default();
    if let Some(fg) = spec.fg {
        s = s.fg(color(fg));
    }
    if let Some(bg) = spec.bg {
        s = s.bg(color(bg));
    }
    let mods = [
        (spec.bold, Modifier::BOLD),
        (spec.italic, Modifier::ITALIC),
        (spec.underline, Modifier::UNDERLINED),
        (spec.reversed, Modifier::REVERSED),
        (spec.dim, Modifier::DIM),
    ];
    for (on, m) in mods {
        if on {
            s = s.add_modifier(m);
        }
    }
    s
}

/// The ratatui style of a semantic key.
pub fn st(theme: &Theme, key: &str) -> Style {
    to_style(theme.style(key))
}

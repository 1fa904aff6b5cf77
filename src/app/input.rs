//! Turns a key press into an action through the key map, for the focused layer.
//!
//! The same path serves the terminal and the key-sequence tests, so tests exercise the
//! real default key map.

use crate::app::action::{Action, InputEdit};
use crate::app::keymap::{Context, Keymap};
use crate::app::keys::{Key, KeyPress};
use crate::app::state::{AppState, HelpRow, Mode, Pane};

/// The key-map section that applies now.
pub fn context(s: &AppState) -> Context {
    if s.overlay.is_some() {
        return Context::Overlay;
    }
    match (s.mode, s.pane) {
        (Mode::Queue, _) => Context::Queue,
        (Mode::Alert, Pane::Detail) => Context::Detail,
        (Mode::Alert, Pane::Checklist) => Context::Checklist,
        (Mode::Alert, Pane::Tree) => Context::Tree,
        (Mode::Alert, Pane::Timeline) => Context::Timeline,
    }
}

/// The action for `key`: prompt editing while a prompt is open, else the key map.
pub fn action_for_key(s: &AppState, keymap: &Keymap, key: KeyPress) -> Action {
    if s.prompt.is_some() {
        return match key.key {
            Key::Enter => Action::Input(InputEdit::Submit),
            Key::Esc => Action::Input(InputEdit::Cancel),
            Key::Backspace => Action::Input(InputEdit::Backspace),
            Key::Char('c' | 'g') if key.ctrl => Action::Input(InputEdit::Cancel),
            Key::Char(c) if !key.ctrl && !key.alt => Action::Input(InputEdit::Char(c)),
            _ => Action::Noop,
        };
    }
    keymap
        .lookup(context(s), key)
        .cloned()
        .unwrap_or(Action::Noop)
}

/// The help overlay's rows, generated from the key map.
pub fn help_rows(keymap: &Keymap) -> Vec<HelpRow> {
    let mut out = Vec::new();
    for ctx in Context::ALL {
        for b in keymap.bindings(ctx) {
            let keys: Vec<String> = b.keys.iter().map(ToString::to_string).collect();
            out.push(HelpRow {
                section: ctx.name(),
                keys: keys.join(" "),
                desc: b.desc.clone(),
            });
        }
    }
    out
}

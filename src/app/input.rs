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

/// How many lines the help overlay draws for `rows`: an intro line, a blank line and a
/// heading per section, the rows, and a blank line plus a footer.
pub fn help_line_count(rows: &[HelpRow]) -> usize {
    let mut sections: Vec<&str> = rows.iter().map(|r| r.section).collect();
    sections.dedup();
    1 + 2 * sections.len() + rows.len() + 2
}

/// A one-line reminder of the main keys of `ctx`, read from the key map so it follows the
/// user's overrides.
pub fn hints(keymap: &Keymap, ctx: Context) -> String {
    use crate::model::triage::{Classification, FalsePositiveKind};
    let wanted: Vec<(Action, &str)> = vec![
        (Action::Help, "help"),
        (Action::Quit, "quit"),
        (Action::Back, "back"),
        (Action::Open, "open"),
        (Action::StartFilter, "filter"),
        (Action::CycleSort, "sort"),
        (Action::CycleGroup, "group"),
        (Action::CycleStatusFilter, "status"),
        (Action::ToggleSelect, "mark"),
        (Action::ToggleStep, "tick"),
        (Action::StepNote, "note"),
        (Action::ToggleOriginal, "record"),
        (Action::ToggleSiblings, "siblings"),
        (Action::WidenWindow, "wider"),
        (Action::NextPane, "pane"),
        (Action::Classify(Classification::TruePositive), "TP"),
        (
            Action::FalsePositive(FalsePositiveKind::IncorrectRuleLogic),
            "FP",
        ),
        (Action::MakeException, "exception"),
        (Action::ExportCase, "export"),
        (Action::Save, "save"),
    ];
    let mut out = String::new();
    for (action, word) in wanted {
        // Overlays take every key: only their own bindings mean anything there.
        let pointless = (ctx == Context::Queue
            && matches!(action, Action::NextPane | Action::Back))
            || (ctx == Context::Overlay
                && !keymap.bindings(ctx).iter().any(|b| b.action == action));
        if pointless {
            continue;
        }
        if let Some(k) = keymap.key_for(ctx, &action) {
            out.push_str(&format!(" {k} {word} "));
        }
    }
    out
}

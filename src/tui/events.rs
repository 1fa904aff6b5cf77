//! Converts crossterm's key and mouse events into vigil's own representation.

use crate::app::keys::{Key, KeyPress};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// The key press for a crossterm key event; releases and repeats of unknown keys give `None`.
pub fn key_press(ev: &KeyEvent) -> Option<KeyPress> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    let key = match ev.code {
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Tab => Key::Tab,
        KeyCode::BackTab => Key::BackTab,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Delete => Key::Delete,
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::F(n) => Key::F(n),
        _ => return None,
    };
    Some(KeyPress {
        key,
        ctrl: ev.modifiers.contains(KeyModifiers::CONTROL),
        alt: ev.modifiers.contains(KeyModifiers::ALT),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_convert_with_modifiers() {
        let ev = KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL);
        assert_eq!(key_press(&ev).unwrap().to_string(), "<c-d>");
        let ev = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(key_press(&ev).unwrap().to_string(), "G");
        let ev = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(key_press(&ev).unwrap().to_string(), "<s-tab>");
        let mut ev = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
        ev.kind = KeyEventKind::Release;
        assert_eq!(key_press(&ev), None);
    }
}

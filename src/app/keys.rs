//! vigil's own key representation, independent of the terminal library.
//!
//! Key maps, the help overlay and key-sequence tests all speak this notation:
//! `j`, `G`, `<enter>`, `<esc>`, `<tab>`, `<s-tab>`, `<c-d>`, `<a-x>`, `<up>`, `<pgdn>`, `<f1>`.
//! The terminal layer converts its key events into [`KeyPress`].

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    F(u8),
}

/// A key with its modifiers. Shift is folded into the character for printable keys
/// (`G`, not `<s-g>`), and `<s-tab>` is [`Key::BackTab`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyPress {
    pub key: Key,
    pub ctrl: bool,
    pub alt: bool,
}

impl KeyPress {
    pub const fn plain(key: Key) -> Self {
        Self {
            key,
            ctrl: false,
            alt: false,
        }
    }

    pub const fn ch(c: char) -> Self {
        Self::plain(Key::Char(c))
    }
}

impl From<Key> for KeyPress {
    fn from(key: Key) -> Self {
        Self::plain(key)
    }
}

/// A key notation that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown key '{0}': use a single character or a name in angle brackets such as <enter>, <esc>, <tab>, <s-tab>, <up>, <pgdn>, <c-d>"
)]
pub struct KeyParseError(pub String);

fn named(name: &str) -> Option<Key> {
    Some(match name {
        "enter" | "cr" | "return" => Key::Enter,
        "esc" | "escape" => Key::Esc,
        "tab" => Key::Tab,
        "s-tab" | "backtab" => Key::BackTab,
        "bs" | "backspace" => Key::Backspace,
        "del" | "delete" => Key::Delete,
        "up" => Key::Up,
        "down" => Key::Down,
        "left" => Key::Left,
        "right" => Key::Right,
        "home" => Key::Home,
        "end" => Key::End,
        "pgup" | "pageup" => Key::PageUp,
        "pgdn" | "pagedown" => Key::PageDown,
        "space" => Key::Char(' '),
        "lt" => Key::Char('<'),
        _ => {
            let n = name.strip_prefix('f')?.parse::<u8>().ok()?;
            if (1..=12).contains(&n) {
                Key::F(n)
            } else {
                return None;
            }
        }
    })
}

/// Parses one key in the notation above (`"j"`, `"<c-d>"`).
pub fn parse_key(text: &str) -> Result<KeyPress, KeyParseError> {
    let err = || KeyParseError(text.to_string());
    let mut chars = text.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return Ok(KeyPress::ch(c));
    }
    let inner = text
        .strip_prefix('<')
        .and_then(|t| t.strip_suffix('>'))
        .ok_or_else(err)?;
    let lower = inner.to_ascii_lowercase();
    if let Some(key) = named(&lower) {
        return Ok(KeyPress::plain(key));
    }
    let (ctrl, alt, rest) = if let Some(r) = lower.strip_prefix("c-") {
        (true, false, r)
    } else if let Some(r) = lower.strip_prefix("a-") {
        (false, true, r)
    } else {
        return Err(err());
    };
    let mut rc = rest.chars();
    let key = match (rc.next(), rc.next()) {
        (Some(c), None) => Key::Char(c),
        _ => named(rest).ok_or_else(err)?,
    };
    Ok(KeyPress { key, ctrl, alt })
}

/// Parses a key sequence such as `"jj<enter>/net<enter>"` (used by tests and macros).
pub fn parse_keys(seq: &str) -> Result<Vec<KeyPress>, KeyParseError> {
    let mut out = Vec::new();
    let mut rest = seq;
    while let Some(c) = rest.chars().next() {
        if c == '<'
            && let Some(end) = rest.find('>')
            && end > 1
            && let Ok(k) = parse_key(&rest[..=end])
        {
            out.push(k);
            rest = &rest[end + 1..];
            continue;
        }
        out.push(KeyPress::ch(c));
        rest = &rest[c.len_utf8()..];
    }
    Ok(out)
}

impl fmt::Display for KeyPress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.key {
            Key::Char(' ') => "space".to_string(),
            Key::Char('<') => "lt".to_string(),
            Key::Char(c) => c.to_string(),
            Key::Enter => "enter".into(),
            Key::Esc => "esc".into(),
            Key::Tab => "tab".into(),
            Key::BackTab => "s-tab".into(),
            Key::Backspace => "bs".into(),
            Key::Delete => "del".into(),
            Key::Up => "up".into(),
            Key::Down => "down".into(),
            Key::Left => "left".into(),
            Key::Right => "right".into(),
            Key::Home => "home".into(),
            Key::End => "end".into(),
            Key::PageUp => "pgup".into(),
            Key::PageDown => "pgdn".into(),
            Key::F(n) => format!("f{n}"),
        };
        let prefix = if self.ctrl {
            "c-"
        } else if self.alt {
            "a-"
        } else {
            ""
        };
        match self.key {
            Key::Char(c) if prefix.is_empty() && c != ' ' && c != '<' => write!(f, "{c}"),
            _ => write!(f, "<{prefix}{name}>"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_keys_parse_and_print_back() {
        for text in [
            "j", "G", "?", "<enter>", "<esc>", "<s-tab>", "<c-d>", "<a-x>", "<pgdn>", "<f1>",
            "<space>", "<lt>",
        ] {
            let k = parse_key(text).unwrap();
            assert_eq!(k.to_string(), text, "round trip of {text}");
        }
    }

    #[test]
    fn bad_keys_are_rejected_with_the_value() {
        for text in ["", "jj", "<nope>", "<c->", "<f13>"] {
            let e = parse_key(text).unwrap_err();
            assert!(e.to_string().contains(&format!("'{text}'")));
        }
    }

    #[test]
    fn sequences_mix_chars_and_names() {
        let ks = parse_keys("jj<enter>/a<b<esc>").unwrap();
        let shown: Vec<String> = ks.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["j", "j", "<enter>", "/", "a", "<lt>", "b", "<esc>"]);
    }
}

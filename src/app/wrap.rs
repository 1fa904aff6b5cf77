//! Wrapping of untrusted text into rows of a given width, measured as it will be shown
//! (a hostile character counts as the length of its visible escape).
//!
//! Shared by `update` (to know how far a pane can scroll) and the views (to draw the rows),
//! so both agree on the row count.

use crate::app::detail::{Span, StyledLine};
use crate::app::sanitize::{is_hostile, sanitize};

/// Shown width of one character: its escape's length when hostile, else one cell
/// (wide characters are rare in event data; the terminal clips any overflow).
fn shown_len(c: char) -> usize {
    if is_hostile(c) {
        let mut b = [0u8; 4];
        sanitize(c.encode_utf8(&mut b)).chars().count()
    } else {
        1
    }
}

/// Splits `text` into pieces of at most `width` shown cells, breaking after spaces when
/// possible. Always returns at least one (possibly empty) piece.
pub fn wrap(text: &str, width: usize) -> Vec<&str> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut start = 0;
    let mut used = 0;
    let mut last_space: Option<usize> = None;
    for (i, c) in text.char_indices() {
        let w = shown_len(c);
        if used + w > width && i > start {
            let cut = last_space.filter(|&s| s > start).unwrap_or(i);
            out.push(&text[start..cut]);
            start = cut;
            used = text[start..i].chars().map(shown_len).sum();
            last_space = None;
        }
        used += w;
        if c == ' ' {
            last_space = Some(i + 1);
        }
    }
    out.push(&text[start..]);
    out
}

/// Wraps a styled line to `width`, continuation rows indented by `indent` spaces.
pub fn wrap_line(line: &StyledLine, width: usize, indent: usize) -> Vec<StyledLine> {
    let width = width.max(indent + 8);
    let mut rows: Vec<StyledLine> = vec![Vec::new()];
    let mut used = 0;
    for span in line {
        let mut rest = span.text.as_str();
        loop {
            let room = width.saturating_sub(used).max(1);
            let pieces = wrap(rest, room);
            let first = pieces.first().copied().unwrap_or("");
            if let Some(row) = rows.last_mut() {
                row.push(Span {
                    text: first.to_string(),
                    style: span.style,
                });
            }
            used += first.chars().map(shown_len).sum::<usize>();
            rest = &rest[first.len()..];
            if rest.is_empty() {
                break;
            }
            rows.push(vec![Span {
                text: " ".repeat(indent),
                style: "base",
            }]);
            used = indent;
        }
    }
    rows
}

/// One side of a popup: `pct` percent of `total`, at least `min` (or all of `total`).
pub fn popup_len(total: u16, pct: u16, min: u16) -> u16 {
    let scaled = u16::try_from(u32::from(total) * u32::from(pct) / 100).unwrap_or(total);
    scaled.max(total.min(min)).min(total)
}

/// Text width inside the full-record and help overlays (90% of the screen, bordered).
pub fn big_overlay_text_width(screen_width: u16) -> usize {
    usize::from(popup_len(screen_width, 90, 36).saturating_sub(2))
}

/// Every row of the detail pane at a screen width (values wrap under their value column).
pub fn detail_rows(lines: &[StyledLine], screen_width: u16) -> Vec<StyledLine> {
    let width = usize::from(screen_width.saturating_sub(2));
    lines.iter().flat_map(|l| wrap_line(l, width, 29)).collect()
}

/// Every row of a full-record overlay at a screen width.
pub fn record_rows(lines: &[String], screen_width: u16) -> Vec<&str> {
    let width = big_overlay_text_width(screen_width);
    lines.iter().flat_map(|l| wrap(l, width)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_and_hard_breaks_long_words() {
        assert_eq!(
            wrap("net user backdoor /add", 10),
            ["net user ", "backdoor ", "/add"]
        );
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), [""]);
    }

    #[test]
    fn escapes_count_as_their_visible_length() {
        // "\x1b" shows as 4 cells: "a" + ESC fills 5, so the break comes before ESC at 4.
        let rows = wrap("a\u{1b}bc", 4);
        assert_eq!(rows, ["a", "\u{1b}", "bc"]);
        for r in rows {
            assert!(sanitize(r).chars().count() <= 4);
        }
    }

    #[test]
    fn styled_lines_wrap_with_an_indent() {
        let line = vec![
            Span {
                text: "label ".into(),
                style: "label",
            },
            Span {
                text: "one two three four".into(),
                style: "base",
            },
        ];
        let rows = wrap_line(&line, 14, 6);
        let text: Vec<String> = rows
            .iter()
            .map(|r| r.iter().map(|s| s.text.as_str()).collect())
            .collect();
        assert_eq!(text, ["label one two ", "      three ", "      four"]);
    }
}

//! Turns untrusted text into spans: every string from events or alerts passes through
//! [`crate::app::sanitize`] here, and escaped characters get the theme's `escaped` style
//! so they cannot pass for ordinary text.

use crate::app::detail::StyledLine;
use crate::app::sanitize::{Piece, is_hostile, pieces, truncate_chars};
use crate::app::theme::Theme;
use crate::ui::style::st;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// Spans for untrusted `text` in `style`, escapes highlighted.
pub fn safe_spans(text: &str, style: Style, theme: &Theme) -> Vec<Span<'static>> {
    if !text.chars().any(is_hostile) {
        return vec![Span::styled(text.to_string(), style)];
    }
    let esc = st(theme, "escaped");
    pieces(text)
        .into_iter()
        .map(|p| match p {
            Piece::Text(t) => Span::styled(t, style),
            Piece::Escaped(e) => Span::styled(e, esc),
        })
        .collect()
}

/// One table cell or list item: sanitized, cut to `max` characters (escapes keep their
/// style even when cut).
pub fn safe_cell(text: &str, max: usize, style: Style, theme: &Theme) -> Line<'static> {
    let clean_len = crate::app::sanitize::sanitize(text).chars().count();
    if clean_len <= max {
        return Line::from(safe_spans(text, style, theme));
    }
    let esc = st(theme, "escaped");
    let mut budget = max.saturating_sub(1);
    let mut spans = Vec::new();
    for p in pieces(text) {
        if budget == 0 {
            break;
        }
        let (t, s) = match p {
            Piece::Text(t) => (t, style),
            Piece::Escaped(e) => (e, esc),
        };
        let cut = truncate_chars(&t, budget + 1);
        let taken: String = if cut.chars().count() > budget {
            t.chars().take(budget).collect()
        } else {
            cut.into_owned()
        };
        budget -= taken.chars().count();
        spans.push(Span::styled(taken, s));
    }
    if max > 0 {
        spans.push(Span::styled("…", style));
    }
    Line::from(spans)
}

/// A styled line from the app's semantic description.
pub fn styled_line(line: &StyledLine, theme: &Theme) -> Line<'static> {
    let mut spans = Vec::new();
    for s in line {
        spans.extend(safe_spans(&s.text, st(theme, s.style), theme));
    }
    Line::from(spans)
}

//! The checklist pane: the rule's guide, readable, with a checkbox, the note and the live
//! pivot counts on each step.

use crate::app::casework::GuideLineKind;
use crate::app::state::AppState;
use crate::app::theme::Theme;
use crate::ui::alert::pane_block;
use crate::ui::layout::list_area;
use crate::ui::style::st;
use crate::ui::text::safe_spans;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let Some(v) = &state.view else { return };
    let cl = match &v.data.checklist {
        Ok(cl) => cl,
        Err(e) => {
            let p = Paragraph::new(Line::from(safe_spans(
                &format!("No checklist: {e}"),
                st(theme, "muted"),
                theme,
            )))
            .wrap(Wrap { trim: true })
            .block(pane_block(" Checklist ".into(), theme));
            frame.render_widget(p, area);
            return;
        }
    };
    let triage = state.triage.get(&v.data.alert.id);
    let state_of = |id: &str| triage.and_then(|t| t.steps.get(id));
    let done = cl
        .steps
        .iter()
        .filter(|s| state_of(&s.id).is_some_and(|x| x.done))
        .count();
    let title = format!(
        " Checklist {done}/{} · space tick · N note · enter open results ",
        cl.steps.len()
    );
    let width = usize::from(area.width.saturating_sub(2));
    let mut lines: Vec<Line> = Vec::new();
    let mut cursor_line = 0;
    for gl in &cl.lines {
        let indent = "  ".repeat(gl.depth);
        match gl.kind {
            GuideLineKind::Heading(level) => {
                let style = if level <= 2 {
                    st(theme, "title")
                } else {
                    st(theme, "header")
                };
                lines.push(Line::from(safe_spans(&gl.text, style, theme)));
            }
            GuideLineKind::Blank => lines.push(Line::default()),
            GuideLineKind::Code => {
                lines.push(Line::from(safe_spans(
                    &format!("    {}", gl.text),
                    st(theme, "label"),
                    theme,
                )));
            }
            GuideLineKind::Text => {
                let text = format!("{indent}{}", gl.text);
                for (n, piece) in crate::app::wrap::wrap(&text, width).into_iter().enumerate() {
                    let lead = if n == 0 {
                        String::new()
                    } else {
                        format!("{indent}  ")
                    };
                    let mut row = vec![Span::raw(lead)];
                    row.extend(safe_spans(piece, st(theme, "base"), theme));
                    lines.push(Line::from(row));
                }
            }
            GuideLineKind::Step(i) => {
                let Some(step) = cl.steps.get(i) else {
                    continue;
                };
                let s = state_of(&step.id);
                let ticked = s.is_some_and(|x| x.done);
                let selected = i == v.step_cursor;
                if selected {
                    cursor_line = lines.len();
                }
                let (mark, mark_style) = if ticked {
                    ("[x] ", st(theme, "checkbox.done"))
                } else {
                    ("[ ] ", st(theme, "checkbox.todo"))
                };
                let text_style = if selected {
                    st(theme, "selection")
                } else {
                    st(theme, "base")
                };
                let mut spans = vec![
                    Span::styled(if selected { "›" } else { " " }, st(theme, "key")),
                    Span::raw(indent.clone()),
                    Span::styled(mark, mark_style),
                ];
                let lead = 5 + indent.len();
                let pieces = crate::app::wrap::wrap(&step.text, width.saturating_sub(lead));
                spans.extend(safe_spans(
                    pieces.first().copied().unwrap_or(""),
                    text_style,
                    theme,
                ));
                lines.push(Line::from(spans));
                for piece in pieces.iter().skip(1) {
                    let mut row = vec![Span::raw(" ".repeat(lead))];
                    row.extend(safe_spans(piece, text_style, theme));
                    lines.push(Line::from(row));
                }
                if ticked && let Some(step_state) = s {
                    let when = step_state
                        .at_ms
                        .map(crate::app::detail::format_time)
                        .unwrap_or_default();
                    let who = step_state.by.as_deref().unwrap_or("");
                    let mut row = vec![Span::styled(
                        format!("{}✓ ", " ".repeat(lead)),
                        st(theme, "checkbox.done"),
                    )];
                    row.extend(safe_spans(
                        &format!("{who} {when}"),
                        st(theme, "muted"),
                        theme,
                    ));
                    lines.push(Line::from(row));
                }
                for p in &step.pivots {
                    let (count, style) = match &p.count {
                        Ok(n) => (n.to_string(), st(theme, "key")),
                        Err(e) => (format!("cannot run: {e}"), st(theme, "error")),
                    };
                    let mut pl = vec![Span::styled(format!("     {indent}⟶ "), st(theme, "muted"))];
                    pl.extend(safe_spans(&p.label, st(theme, "label"), theme));
                    pl.push(Span::styled(": ", st(theme, "muted")));
                    pl.extend(safe_spans(&count, style, theme));
                    lines.push(Line::from(pl));
                }
                if let Some(note) = s.and_then(|x| x.note.as_deref()) {
                    let who = s.and_then(|x| x.by.as_deref()).unwrap_or("");
                    let mut n = vec![Span::styled(format!("     {indent}✎ "), st(theme, "muted"))];
                    n.extend(safe_spans(note, st(theme, "notice"), theme));
                    n.push(Span::styled(format!("  ({who})"), st(theme, "muted")));
                    lines.push(Line::from(n));
                }
            }
        }
    }
    let inner = list_area(area, false);
    let h = usize::from(inner.height);
    // Keep the selected step a third of the way down the pane.
    let start = cursor_line
        .saturating_sub(h / 3)
        .min(lines.len().saturating_sub(h));
    let shown: Vec<Line> = lines.into_iter().skip(start).take(h).collect();
    frame.render_widget(Paragraph::new(shown).block(pane_block(title, theme)), area);
}

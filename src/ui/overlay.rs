//! Overlays drawn over the screen: the key-map help, a full original record, and the
//! false-positive reason picker.

use crate::app::cursor::visible_offset;
use crate::app::state::{AppState, Overlay};
use crate::app::theme::Theme;
use crate::ui::layout::{list_area, popup_area};
use crate::ui::style::st;
use crate::ui::text::safe_spans;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

fn frame_block(title: String, theme: &Theme) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(st(theme, "border.focused"))
        .style(st(theme, "base"))
        .title(Span::styled(title, st(theme, "title")))
}

fn help_lines(state: &AppState, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = vec![Line::from(Span::styled(
        "Keys (from the key map; override them in keymap.toml in the config directory)",
        st(theme, "muted"),
    ))];
    let mut section = "";
    for row in &state.help {
        if row.section != section {
            section = row.section;
            out.push(Line::default());
            out.push(Line::from(Span::styled(
                format!("[{section}]"),
                st(theme, "header"),
            )));
        }
        out.push(Line::from(vec![
            Span::styled(format!("  {:<20}", row.keys), st(theme, "key")),
            Span::styled(row.desc.clone(), st(theme, "base")),
        ]));
    }
    out.push(Line::default());
    out.push(Line::from(Span::styled(
        "In a prompt: type, <bs> erases, <enter> applies, <esc> cancels. Mouse: wheel scrolls, click selects.",
        st(theme, "muted"),
    )));
    out
}

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let Some(ov) = &state.overlay else { return };
    let popup = match ov {
        Overlay::Picker(_) | Overlay::Exception(_) => popup_area(area, 70, 60),
        _ => popup_area(area, 90, 90),
    };
    frame.render_widget(Clear, popup);
    let inner = list_area(popup, false);
    let h = usize::from(inner.height);
    match ov {
        Overlay::Exception(ed) => exception(frame, popup, ed, theme),
        Overlay::AlertList { title, ids, cursor } => {
            let off = visible_offset(*cursor, ids.len(), h);
            let shown: Vec<Line> = ids
                .iter()
                .enumerate()
                .skip(off)
                .take(h)
                .map(|(i, id)| {
                    let style = if i == cursor.pos {
                        st(theme, "selection")
                    } else {
                        st(theme, "base")
                    };
                    let text = state.alerts.iter().find(|a| &a.id == id).map_or_else(
                        || id.clone(),
                        |a| {
                            format!(
                                "{}  {:<8} {}  host {}  user {}",
                                crate::app::detail::format_time(a.timestamp_ms),
                                a.severity.as_str(),
                                a.rule_name,
                                a.host.as_deref().unwrap_or("-"),
                                a.user.as_deref().unwrap_or("-")
                            )
                        },
                    );
                    Line::from(safe_spans(&text, style, theme)).style(style)
                })
                .collect();
            let t = format!(
                " {} · {} alert(s) · enter open · esc close ",
                crate::app::sanitize::sanitize(title),
                ids.len()
            );
            frame.render_widget(Paragraph::new(shown).block(frame_block(t, theme)), popup);
        }
        Overlay::Help { scroll } => {
            let lines = help_lines(state, theme);
            let start = (*scroll).min(lines.len().saturating_sub(h));
            let shown: Vec<Line> = lines.into_iter().skip(start).take(h).collect();
            let title = " Help · j/k scroll · esc close ".to_string();
            frame.render_widget(
                Paragraph::new(shown).block(frame_block(title, theme)),
                popup,
            );
        }
        Overlay::Record {
            title,
            lines,
            scroll,
        } => {
            let rows = crate::app::wrap::record_rows(lines, area.width);
            let start = (*scroll).min(rows.len().saturating_sub(h));
            let shown: Vec<Line> = rows
                .iter()
                .skip(start)
                .take(h)
                .map(|l| Line::from(safe_spans(l, st(theme, "base"), theme)))
                .collect();
            let t = format!(
                " {} · {}/{} · esc close ",
                crate::app::sanitize::sanitize(title),
                start + 1,
                rows.len()
            );
            frame.render_widget(Paragraph::new(shown).block(frame_block(t, theme)), popup);
        }
        Overlay::Picker(p) => {
            let off = visible_offset(p.cursor, p.choices.len(), h);
            let shown: Vec<Line> = p
                .choices
                .iter()
                .enumerate()
                .skip(off)
                .take(h)
                .map(|(i, (_, label))| {
                    let style = if i == p.cursor.pos {
                        st(theme, "selection")
                    } else {
                        st(theme, "base")
                    };
                    let mut spans = vec![Span::styled(
                        if i == p.cursor.pos { "› " } else { "  " },
                        style,
                    )];
                    spans.extend(safe_spans(label, style, theme));
                    Line::from(spans).style(style)
                })
                .collect();
            let t = format!(" {} · enter choose · esc cancel ", p.title);
            frame.render_widget(Paragraph::new(shown).block(frame_block(t, theme)), popup);
            if let Some(row) = p.cursor.pos.checked_sub(off).filter(|&r| r < h) {
                let y = inner.y + u16::try_from(row).unwrap_or(0);
                frame.buffer_mut().set_style(
                    Rect {
                        y,
                        height: 1,
                        ..inner
                    },
                    st(theme, "selection"),
                );
            }
        }
    }
}

fn exception(
    frame: &mut Frame,
    popup: Rect,
    ed: &crate::app::state::ExceptionEditor,
    theme: &Theme,
) {
    let mut lines = vec![Line::from(Span::styled(
        "Every set condition must match (case-insensitive, * and ? wildcards).",
        st(theme, "muted"),
    ))];
    for (i, (label, value)) in ed.draft.fields().into_iter().enumerate() {
        let selected = i == ed.cursor;
        let style = if selected {
            st(theme, "selection")
        } else {
            st(theme, "base")
        };
        let mut spans = vec![Span::styled(
            format!("{}{label:<21} ", if selected { "› " } else { "  " }),
            st(theme, "label"),
        )];
        match value {
            Some(v) => spans.extend(safe_spans(&v, style, theme)),
            None => spans.push(Span::styled("(any)", st(theme, "muted"))),
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::default());
    let preview = match &ed.preview {
        None => Line::from(Span::styled("counting matches…", st(theme, "muted"))),
        Some(Ok(p)) => Line::from(vec![
            Span::styled("Matches ", st(theme, "base")),
            Span::styled(format!("{} open", p.open), st(theme, "status.open")),
            Span::styled(" alert(s), which saving closes, and ", st(theme, "base")),
            Span::styled(format!("{} past", p.past), st(theme, "status.closed")),
            Span::styled(" (already closed).", st(theme, "base")),
        ]),
        Some(Err(e)) => Line::from(safe_spans(e, st(theme, "error"), theme)),
    };
    lines.push(preview);
    let title = " Exception · enter edit · w save · esc cancel ".to_string();
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .block(frame_block(title, theme)),
        popup,
    );
}

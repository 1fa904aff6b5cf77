//! The alert view: a tab bar, and the detail, process tree or timeline pane.

use crate::app::cursor::visible_offset;
use crate::app::detail::{format_time, severity_style};
use crate::app::state::{AppState, Pane};
use crate::app::theme::Theme;
use crate::model::fields::{first_str, get, scalar_text};
use crate::ui::layout::list_area;
use crate::ui::style::st;
use crate::ui::text::{safe_cell, safe_spans, styled_line};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

pub fn render_tabs(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let Some(v) = &state.view else { return };
    let a = &v.data.alert;
    let mut spans = Vec::new();
    for p in Pane::ALL {
        let style = if p == state.pane {
            st(theme, "selection")
        } else {
            st(theme, "muted")
        };
        spans.push(Span::styled(format!(" {} ", p.title()), style));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(
        format!("{} ", a.severity.as_str()),
        st(theme, severity_style(a.severity)),
    ));
    spans.extend(safe_spans(&a.rule_name, st(theme, "title"), theme));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn pane_block(title: String, theme: &Theme) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(st(theme, "border.focused"))
        .title(Span::styled(title, st(theme, "title")))
}

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    match state.pane {
        Pane::Detail => render_detail(frame, area, state, theme),
        Pane::Checklist => crate::ui::checklist::render(frame, area, state, theme),
        Pane::Tree => crate::ui::tree::render(frame, area, state, theme),
        Pane::Timeline => render_timeline(frame, area, state, theme),
    }
}

fn render_detail(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let Some(v) = &state.view else { return };
    let inner = list_area(area, false);
    let h = usize::from(inner.height);
    let rows = crate::app::wrap::detail_rows(&v.detail, area.width);
    let start = v.detail_scroll.min(rows.len().saturating_sub(h));
    let lines: Vec<Line> = rows
        .iter()
        .skip(start)
        .take(h)
        .map(|l| styled_line(l, theme))
        .collect();
    let title = format!(
        " Detail {}-{}/{} ",
        start + 1,
        (start + h).min(rows.len()),
        rows.len()
    );
    frame.render_widget(Paragraph::new(lines).block(pane_block(title, theme)), area);
}

fn value_text(doc: &serde_json::Value, field: &str) -> Option<String> {
    match get(doc, field)? {
        serde_json::Value::Array(items) => Some(
            items
                .iter()
                .filter_map(scalar_text)
                .collect::<Vec<_>>()
                .join(","),
        ),
        other => scalar_text(other),
    }
}

/// A one-line summary of an event for the timeline.
fn summary(doc: &serde_json::Value) -> String {
    for f in [
        "process.command_line",
        "registry.path",
        "file.path",
        "message",
    ] {
        if let Some(s) = first_str(doc, f) {
            return s.to_string();
        }
    }
    let target = first_str(doc, "user.target.name");
    let group = first_str(doc, "group.name");
    match (target, group) {
        (Some(t), Some(g)) => format!("{t} → {g}"),
        (Some(t), None) => t.to_string(),
        (None, Some(g)) => g.to_string(),
        (None, None) => String::new(),
    }
}

fn render_timeline(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let Some(v) = &state.view else { return };
    let t = &v.timeline;
    let minutes = t.half_window_ms / 60_000;
    let window = if minutes >= 60 {
        format!("±{}h", minutes / 60)
    } else {
        format!("±{minutes}m")
    };
    let mut title = format!(
        " Timeline {} {window} around {} · {} events",
        t.host.as_deref().unwrap_or("all hosts"),
        format_time(t.center_ms),
        t.events.len()
    );
    if t.loading {
        title.push_str(" · reading…");
    }
    title.push(' ');
    frame.render_widget(
        pane_block(crate::app::sanitize::sanitize(&title).into_owned(), theme),
        area,
    );
    let inner = list_area(area, false);
    if inner.height == 0 {
        return;
    }
    let query_line = match &t.error {
        Some(e) => Line::from(safe_spans(e, st(theme, "error"), theme)),
        None if t.query.is_empty() => Line::from(Span::styled(
            "query: (none)   / filter  +/- window  enter record",
            st(theme, "muted"),
        )),
        None => {
            let mut s = vec![Span::styled("query: ", st(theme, "muted"))];
            s.extend(safe_spans(&t.query, st(theme, "prompt"), theme));
            Line::from(s)
        }
    };
    frame.render_widget(Paragraph::new(query_line), Rect { height: 1, ..inner });
    let list = list_area(area, true);
    let page = usize::from(list.height);
    let offset = visible_offset(t.cursor, t.events.len(), page);
    let w = usize::from(list.width);
    let alert_events = &v.data.alert.event_ids;
    for (i, e) in t.events.iter().enumerate().skip(offset).take(page) {
        let y = list.y + u16::try_from(i - offset).unwrap_or(0);
        let code = value_text(&e.doc, "event.code").unwrap_or_default();
        let name = first_str(&e.doc, "process.name").unwrap_or("");
        let action = first_str(&e.doc, "event.action").unwrap_or("");
        let marker = if alert_events.contains(&e.id) {
            "▶"
        } else {
            " "
        };
        let text = format!(
            "{marker}{} {code:>5} {:<14.14} {:<12.12} {}",
            format_time(e.timestamp_ms).get(11..19).unwrap_or_default(),
            action,
            name,
            summary(&e.doc)
        );
        let style = if i == t.cursor.pos {
            st(theme, "selection")
        } else {
            st(theme, "base")
        };
        let line = safe_cell(&text, w, style, theme);
        let rect = Rect {
            y,
            height: 1,
            ..list
        };
        frame.render_widget(Paragraph::new(line).style(style), rect);
        if i == t.cursor.pos {
            frame.buffer_mut().set_style(rect, style);
        }
    }
}

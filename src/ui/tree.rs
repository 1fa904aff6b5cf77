//! The process tree pane: connector lines, fold markers, alert markers, and the full
//! command line of the selected process underneath.

use crate::app::cursor::visible_offset;
use crate::app::detail::{format_time, severity_style};
use crate::app::state::AppState;
use crate::app::theme::Theme;
use crate::model::process::ProcessNode;
use crate::ui::alert::pane_block;
use crate::ui::layout::{list_area, tree_split};
use crate::ui::style::st;
use crate::ui::text::safe_spans;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let Some(v) = &state.view else { return };
    let Some(tv) = &v.tree else {
        let msg = match &v.tree_error {
            Some(e) => format!("No process tree for this alert: {e}"),
            None if v.tree_reading => "Reading the process tree…".to_string(),
            None => "No process tree for this alert: not loaded yet".to_string(),
        };
        let p = Paragraph::new(Line::from(safe_spans(&msg, st(theme, "muted"), theme)))
            .wrap(Wrap { trim: true })
            .block(pane_block(" Process tree ".into(), theme));
        frame.render_widget(p, area);
        return;
    };
    let (list_rect, detail_rect) = tree_split(area);
    let siblings = if tv.show_siblings {
        "shown"
    } else {
        "hidden (s)"
    };
    let reading = if tv.reading_all {
        " · reading all ancestors…"
    } else {
        ""
    };
    let title = format!(
        " Process tree · {} processes · siblings {siblings}{reading} ",
        tv.tree.nodes.len()
    );
    frame.render_widget(pane_block(title, theme), list_rect);
    let list = list_area(list_rect, false);
    let page = usize::from(list.height);
    let offset = visible_offset(tv.cursor, tv.rows.len(), page);
    for (i, row) in tv.rows.iter().enumerate().skip(offset).take(page) {
        let Some(n) = tv.tree.nodes.get(row.node) else {
            continue;
        };
        let y = list.y + u16::try_from(i - offset).unwrap_or(0);
        let is_focus = row.node == tv.tree.focus;
        let base = if i == tv.cursor.pos {
            st(theme, "selection")
        } else if is_focus {
            st(theme, "tree.focus")
        } else {
            st(theme, "base")
        };
        let fold = match (row.has_children, row.folded) {
            (true, true) => format!("▸{} ", n.children.len()),
            (true, false) => "▾ ".to_string(),
            (false, _) => "• ".to_string(),
        };
        let mut spans = vec![
            Span::styled(row.guide.clone(), st(theme, "tree.guide")),
            Span::styled(fold, st(theme, "tree.guide")),
        ];
        if let Some(more) = tv.more_ancestors.filter(|m| m.node == row.node) {
            spans.push(Span::styled(
                "⋯ older ancestors not read: ",
                st(theme, "label"),
            ));
            spans.extend(safe_spans(n.name.as_deref().unwrap_or("?"), base, theme));
            let pid = n.pid.map_or_else(|| "?".into(), |p| p.to_string());
            let hint = if tv.reading_all {
                "reading them…".to_string()
            } else {
                "press A to read them all".to_string()
            };
            spans.push(Span::styled(
                format!(" [{pid}] and above ({} nearest shown) · {hint}", more.read),
                st(theme, "label"),
            ));
        } else {
            node_spans(&mut spans, n, base, theme);
        }
        let rect = Rect {
            y,
            height: 1,
            ..list
        };
        frame.render_widget(Paragraph::new(Line::from(spans)).style(base), rect);
        if i == tv.cursor.pos {
            frame.buffer_mut().set_style(rect, st(theme, "selection"));
        }
    }
    if detail_rect.height == 0 {
        return;
    }
    let selected = tv
        .rows
        .get(tv.cursor.pos)
        .and_then(|r| tv.tree.nodes.get(r.node));
    let text = selected
        .map(|n| {
            n.command_line
                .clone()
                .or_else(|| n.executable.clone())
                .unwrap_or_else(|| "(no command line)".into())
        })
        .unwrap_or_default();
    let p = Paragraph::new(Line::from(safe_spans(&text, st(theme, "base"), theme)))
        .wrap(Wrap { trim: false })
        .block(
            Block::default()
                .borders(Borders::LEFT | Borders::RIGHT | Borders::BOTTOM)
                .border_style(st(theme, "border"))
                .title(Span::styled(
                    " command line (enter: its events) ",
                    st(theme, "muted"),
                )),
        );
    frame.render_widget(p, detail_rect);
}

/// The spans of an ordinary process row after its guide and fold marks: name, pid,
/// alert, event count, user, start time and command line.
fn node_spans<'a>(spans: &mut Vec<Span<'a>>, n: &'a ProcessNode, base: Style, theme: &Theme) {
    spans.extend(safe_spans(n.name.as_deref().unwrap_or("?"), base, theme));
    spans.push(Span::styled(
        format!(" [{}]", n.pid.map_or_else(|| "?".into(), |p| p.to_string())),
        base,
    ));
    if let Some((_, sev)) = &n.alert {
        spans.push(Span::styled(
            format!(" ⚑ {}", sev.as_str()),
            st(theme, severity_style(*sev)).patch(st(theme, "tree.alert")),
        ));
    }
    if n.event_count > 0 {
        spans.push(Span::styled(
            format!(" +{} ev", n.event_count),
            st(theme, "muted"),
        ));
    }
    if let Some(u) = &n.user {
        spans.push(Span::styled(" ", base));
        spans.extend(safe_spans(u, st(theme, "muted"), theme));
    }
    if let Some(t) = n.start_ms {
        spans.push(Span::styled(
            format!(" {}", format_time(t).get(11..19).unwrap_or_default()),
            st(theme, "muted"),
        ));
    }
    if let Some(cmd) = &n.command_line {
        spans.push(Span::styled("  ", base));
        spans.extend(safe_spans(cmd, st(theme, "muted"), theme));
    }
}

//! The queue header: counts by status and severity, the active sort/group/filters, and a
//! histogram of alerts over time.

use crate::app::detail::{format_time, severity_style};
use crate::app::queue::histogram;
use crate::app::state::{AppState, GroupBy, SortKey};
use crate::app::theme::Theme;
use crate::model::Severity;
use crate::ui::style::st;
use crate::ui::text::safe_spans;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline};

const SEVERITIES: [Severity; 5] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Informational,
];

fn counts_line(state: &AppState, theme: &Theme) -> Line<'static> {
    let (by_status, by_sev) = state.queue.counts;
    let mut spans = vec![
        Span::styled(" vigil ", st(theme, "title")),
        Span::styled(format!("{} shown ", state.queue.shown), st(theme, "base")),
        Span::styled("│ ", st(theme, "border")),
    ];
    for (i, (name, key)) in [
        ("open", "status.open"),
        ("ack", "status.acknowledged"),
        ("closed", "status.closed"),
    ]
    .into_iter()
    .enumerate()
    {
        spans.push(Span::styled(
            format!("{name} {} ", by_status[i]),
            st(theme, key),
        ));
    }
    spans.push(Span::styled("│ active: ", st(theme, "border")));
    for sev in SEVERITIES {
        let short = crate::ui::queue::severity_short(sev);
        spans.push(Span::styled(
            format!("{short} {}", by_sev[sev as usize]),
            st(theme, severity_style(sev)),
        ));
        spans.push(Span::raw(" "));
    }
    Line::from(spans)
}

fn view_line(state: &AppState, theme: &Theme) -> Line<'static> {
    let q = &state.queue;
    let sort = match q.sort {
        SortKey::Time => "time",
        SortKey::Severity => "severity",
        SortKey::Risk => "risk",
    };
    let group = match q.group {
        GroupBy::None => "none",
        GroupBy::Rule => "rule",
        GroupBy::Host => "host",
        GroupBy::User => "user",
    };
    let dir = if q.descending { "↓" } else { "↑" };
    let mut spans = vec![
        Span::styled(" sort ", st(theme, "muted")),
        Span::styled(format!("{sort}{dir}"), st(theme, "key")),
        Span::styled("  group ", st(theme, "muted")),
        Span::styled(group.to_string(), st(theme, "key")),
        Span::styled("  status ", st(theme, "muted")),
        Span::styled(q.filter.status.label().to_string(), st(theme, "key")),
    ];
    if let Some(min) = q.filter.min_severity {
        spans.push(Span::styled("  severity ≥ ", st(theme, "muted")));
        spans.push(Span::styled(min.as_str().to_string(), st(theme, "key")));
    }
    if q.filter.show_suppressed {
        spans.push(Span::styled("  +suppressed", st(theme, "key")));
    }
    if !q.filter.text.is_empty() {
        spans.push(Span::styled("  filter ", st(theme, "muted")));
        spans.extend(safe_spans(&q.filter.text, st(theme, "prompt"), theme));
    }
    if !q.marked.is_empty() {
        spans.push(Span::styled(
            format!("  {} marked", q.marked.len()),
            st(theme, "marked"),
        ));
    }
    Line::from(spans)
}

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let rows = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(u16::from(area.height >= 2)),
        Constraint::Min(0),
    ])
    .split(area);
    frame.render_widget(Paragraph::new(counts_line(state, theme)), rows[0]);
    frame.render_widget(Paragraph::new(view_line(state, theme)), rows[1]);
    let hist_area = rows[2];
    if hist_area.height == 0 || hist_area.width < 30 {
        return;
    }
    // Time labels either side of the histogram.
    let label_w = 17u16;
    let [left, bars, right] = Layout::horizontal([
        Constraint::Length(label_w),
        Constraint::Min(1),
        Constraint::Length(label_w),
    ])
    .areas(hist_area);
    let (data, lo, hi) = histogram(state, usize::from(bars.width));
    if hi == 0 && lo == 0 {
        return;
    }
    frame.render_widget(
        Sparkline::default()
            .data(&data)
            .style(st(theme, "histogram")),
        bars,
    );
    let short = |ms: i64| format_time(ms).get(5..16).unwrap_or_default().to_string();
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(
            format!(" {}", short(lo)),
            st(theme, "muted"),
        ))),
        left,
    );
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(
            format!(" {}", short(hi)),
            st(theme, "muted"),
        ))),
        right,
    );
}

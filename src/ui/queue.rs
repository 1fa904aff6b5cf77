//! The alert queue table. Only the rows on screen become widgets; columns are dropped by
//! priority when the terminal is narrow.

use crate::app::cursor::visible_offset;
use crate::app::detail::{format_time, severity_style};
use crate::app::queue::{process_or_account, status_word};
use crate::app::state::{AppState, QueueRow};
use crate::app::theme::Theme;
use crate::model::triage::{Classification, FalsePositiveKind, Status};
use crate::model::{Alert, Severity};
use crate::ui::layout::list_area;
use crate::ui::style::st;
use crate::ui::text::safe_cell;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Col {
    Mark,
    Severity,
    Risk,
    Time,
    Rule,
    Host,
    User,
    Subject,
    Status,
    Disposition,
    Precedent,
}

/// (column, title, width; 0 = takes the rest, priority: lower survives longer).
const COLUMNS: [(Col, &str, u16, u8); 11] = [
    (Col::Mark, "", 1, 0),
    (Col::Severity, "Sev", 4, 0),
    (Col::Risk, "Risk", 4, 5),
    (Col::Time, "Time (UTC)", 11, 2),
    (Col::Rule, "Rule", 0, 0),
    (Col::Host, "Host", 12, 1),
    (Col::User, "User", 10, 3),
    (Col::Subject, "Proc/account", 13, 3),
    (Col::Status, "Status", 6, 2),
    (Col::Disposition, "Disposition", 12, 4),
    (Col::Precedent, "Precedent", 12, 4),
];

const RULE_MIN: u16 = 12;

fn columns_for(width: u16) -> Vec<(Col, &'static str, u16)> {
    for max_prio in (0..=5u8).rev() {
        let cols: Vec<_> = COLUMNS.iter().filter(|c| c.3 <= max_prio).collect();
        let fixed: u16 = cols.iter().map(|c| c.2 + 1).sum();
        if fixed + RULE_MIN <= width || max_prio == 0 {
            return cols.into_iter().map(|c| (c.0, c.1, c.2)).collect();
        }
    }
    Vec::new()
}

/// Four-letter severity names for narrow columns (the header uses the same).
pub fn severity_short(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical => "crit",
        Severity::High => "high",
        Severity::Medium => "med",
        Severity::Low => "low",
        Severity::Informational => "info",
    }
}

pub fn classification_short(c: Classification) -> &'static str {
    match c {
        Classification::TruePositive => "TP",
        Classification::BenignPositive => "BP",
        Classification::FalsePositive(FalsePositiveKind::IncorrectRuleLogic) => "FP",
        Classification::FalsePositive(FalsePositiveKind::IncorrectData) => "FP-data",
        Classification::Duplicate => "dup",
        Classification::Undetermined => "undet",
    }
}

pub fn classification_style(c: Classification) -> &'static str {
    match c {
        Classification::TruePositive => "disposition.true_positive",
        Classification::BenignPositive => "disposition.benign_positive",
        Classification::FalsePositive(_) => "disposition.false_positive",
        Classification::Duplicate => "disposition.duplicate",
        Classification::Undetermined => "disposition.undetermined",
    }
}

fn status_style(s: Status) -> &'static str {
    match s {
        Status::Open => "status.open",
        Status::Acknowledged => "status.acknowledged",
        Status::Closed => "status.closed",
    }
}

fn with_reason(c: Classification, reason: Option<&String>) -> String {
    match reason {
        Some(r) => format!("{}: {r}", classification_short(c)),
        None => classification_short(c).to_string(),
    }
}

fn alert_cells(
    state: &AppState,
    a: &Alert,
    cols: &[(Col, &str, u16)],
    rule_w: u16,
    theme: &Theme,
) -> Vec<Cell<'static>> {
    let base = st(theme, "base");
    let muted = st(theme, "muted");
    let t = state.triage.get(&a.id);
    let status = t.map_or(Status::Open, |t| t.status);
    cols.iter()
        .map(|(col, _, w)| {
            let w = usize::from(if *w == 0 { rule_w } else { *w });
            let line: Line<'static> = match col {
                Col::Mark => {
                    let marked = state.queue.marked.contains(&a.id);
                    let mark = if marked {
                        "●"
                    } else if a.suppressed_by.is_some() {
                        "~"
                    } else {
                        " "
                    };
                    Line::from(Span::styled(mark, st(theme, "marked")))
                }
                Col::Severity => Line::from(Span::styled(
                    severity_short(a.severity).to_string(),
                    st(theme, severity_style(a.severity)),
                )),
                Col::Risk => Line::from(Span::styled(format!("{:>4}", a.risk_score), base)),
                Col::Time => Line::from(Span::styled(
                    format_time(a.timestamp_ms)
                        .get(5..16)
                        .unwrap_or_default()
                        .to_string(),
                    muted,
                )),
                Col::Rule => safe_cell(&a.rule_name, w, base, theme),
                Col::Host => safe_cell(a.host.as_deref().unwrap_or("-"), w, base, theme),
                Col::User => safe_cell(a.user.as_deref().unwrap_or("-"), w, base, theme),
                Col::Subject => safe_cell(process_or_account(a).unwrap_or("-"), w, base, theme),
                Col::Status => Line::from(Span::styled(
                    match status {
                        Status::Acknowledged => "ack".to_string(),
                        other => status_word(other).chars().take(w).collect::<String>(),
                    },
                    st(theme, status_style(status)),
                )),
                Col::Disposition => match t.and_then(|t| t.classification) {
                    Some(c) => safe_cell(
                        &with_reason(c, t.and_then(|t| t.reason.as_ref())),
                        w,
                        st(theme, classification_style(c)),
                        theme,
                    ),
                    None => Line::from(Span::styled("-", muted)),
                },
                Col::Precedent => match state.precedents.get(&a.id) {
                    Some(p) => safe_cell(
                        &with_reason(p.classification, p.reason.as_ref()),
                        w,
                        st(theme, classification_style(p.classification)),
                        theme,
                    ),
                    None => Line::from(Span::styled("-", muted)),
                },
            };
            Cell::from(line)
        })
        .collect()
}

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(st(theme, "border.focused"))
        .title(Span::styled(" Alerts ", st(theme, "title")));
    let list = list_area(area, true);
    let cols = columns_for(list.width);
    let fixed: u16 = cols.iter().filter(|c| c.2 > 0).map(|c| c.2 + 1).sum();
    let rule_w = list.width.saturating_sub(fixed).max(4);
    let page = usize::from(list.height);
    let rows_all = &state.queue.rows;
    let offset = visible_offset(state.queue.cursor, rows_all.len(), page);
    let end = (offset + page).min(rows_all.len());
    let selected = st(theme, "selection");
    let rows: Vec<Row> = rows_all[offset..end]
        .iter()
        .map(|r| match r {
            QueueRow::Alert(idx) => Row::new(alert_cells(
                state,
                &state.alerts[*idx],
                &cols,
                rule_w,
                theme,
            )),
            QueueRow::Group {
                max_severity,
                collapsed,
                ..
            } => {
                let arrow = if *collapsed { "▸" } else { "▾" };
                // The label is drawn over the other columns after the table (no colspan).
                let cells: Vec<Cell> = cols
                    .iter()
                    .map(|c| match c.0 {
                        Col::Mark => Cell::from(Span::styled(arrow, st(theme, "group"))),
                        Col::Severity => Cell::from(Span::styled(
                            severity_short(*max_severity).to_string(),
                            st(theme, severity_style(*max_severity)),
                        )),
                        _ => Cell::from(""),
                    })
                    .collect();
                Row::new(cells)
            }
        })
        .collect();
    let widths: Vec<Constraint> = cols
        .iter()
        .map(|c| {
            if c.2 == 0 {
                Constraint::Min(4)
            } else {
                Constraint::Length(c.2)
            }
        })
        .collect();
    let header = Row::new(cols.iter().map(|c| Cell::from(c.1)).collect::<Vec<_>>())
        .style(st(theme, "header"));
    let mut table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .column_spacing(1);
    // Drawn over the empty table's first row, across every column: a cell of its own
    // would be cut to the width of one column.
    let empty_note = state.queue.rows.is_empty().then(|| match &state.job {
        Some(job) if state.alerts.is_empty() => format!("{}…", job.label),
        _ => "no alert matches: <bs> clears the filters, f changes the status shown".into(),
    });
    table = table.row_highlight_style(selected);
    let mut table_state = TableState::default().with_selected(
        state
            .queue
            .cursor
            .pos
            .checked_sub(offset)
            .filter(|&r| r < end - offset),
    );
    frame.render_stateful_widget(table, area, &mut table_state);
    if let Some(why) = empty_note {
        // Inside the border, below the header row.
        let note = Rect {
            x: area.x.saturating_add(2),
            y: area.y.saturating_add(2),
            width: area.width.saturating_sub(4),
            height: u16::from(area.height > 3),
        };
        frame.render_widget(Paragraph::new(Span::styled(why, st(theme, "muted"))), note);
    }
    draw_group_labels(frame, list, state, offset, end, theme);
}

/// Group rows span every column after the severity: their count and key are drawn over
/// the table row (mark 1 + severity 4, each followed by one space of column spacing).
fn draw_group_labels(
    frame: &mut Frame,
    list: Rect,
    state: &AppState,
    offset: usize,
    end: usize,
    theme: &Theme,
) {
    let label_x = list.x.saturating_add(7);
    let width = list.width.saturating_sub(7);
    if width == 0 {
        return;
    }
    for (i, r) in state.queue.rows[offset..end].iter().enumerate() {
        let QueueRow::Group { key, count, .. } = r else {
            continue;
        };
        let y = list.y + u16::try_from(i).unwrap_or(0);
        let selected = offset + i == state.queue.cursor.pos;
        let base = if selected {
            st(theme, "selection")
        } else {
            st(theme, "base")
        };
        let noun = if *count == 1 { "alert" } else { "alerts" };
        let mut spans = vec![Span::styled(
            format!("{count:>4} {noun}  "),
            st(theme, "muted"),
        )];
        spans.extend(crate::ui::text::safe_spans(key, st(theme, "group"), theme));
        let rect = Rect::new(label_x, y, width, 1);
        frame.render_widget(
            ratatui::widgets::Paragraph::new(Line::from(spans)).style(base),
            rect,
        );
        if selected {
            frame.buffer_mut().set_style(rect, base);
        }
    }
}

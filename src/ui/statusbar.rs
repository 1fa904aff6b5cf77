//! The bottom line: the open prompt, else a message or progress, else key hints taken
//! from the key map.

use crate::app::state::{AppState, PromptPurpose};
use crate::app::theme::Theme;
use crate::ui::style::st;
use crate::ui::text::safe_spans;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let bar = st(theme, "statusbar");
    let line = if let Some(p) = &state.prompt {
        let label = match &p.purpose {
            PromptPurpose::QueueFilter => {
                "filter (rule: host: user: status: severity: or text)".to_string()
            }
            PromptPurpose::TimelineQuery => "query (field:value AND ...)".to_string(),
            PromptPurpose::StepNote { .. } => "note on the step".to_string(),
            PromptPurpose::ExceptionField { index } => {
                let name = crate::app::casework::FIELD_NAMES
                    .get(*index)
                    .unwrap_or(&"field");
                format!("{name} (empty removes the condition; * and ? wildcards)")
            }
            PromptPurpose::Comment { alert_ids } => {
                format!("comment on {} alert(s)", alert_ids.len())
            }
            PromptPurpose::FpReason { alert_ids, .. } => {
                format!("false-positive reason for {} alert(s)", alert_ids.len())
            }
        };
        let mut spans = vec![Span::styled(format!("{label}: "), st(theme, "prompt"))];
        spans.extend(safe_spans(&p.text, bar, theme));
        spans.push(Span::styled("█", st(theme, "prompt")));
        Line::from(spans)
    } else if let Some(m) = &state.message {
        let style = if m.is_error {
            st(theme, "error")
        } else {
            st(theme, "notice")
        };
        Line::from(safe_spans(&format!(" {}", m.text), style, theme))
    } else if let Some(j) = &state.job {
        let progress = match j.total {
            Some(t) if t > 0 => format!(" {}/{} ({}%)", j.done, t, j.done * 100 / t),
            // Nothing counted yet (reading the alerts): no bare "0".
            _ if j.done == 0 => String::new(),
            _ => format!(" {}", j.done),
        };
        Line::from(Span::styled(
            format!(" {} …{progress}", j.label),
            st(theme, "notice"),
        ))
    } else {
        let ctx = crate::app::input::context(state).name();
        let hints = state.hints.get(ctx).map_or("", String::as_str);
        Line::from(Span::styled(hints, st(theme, "muted")))
    };
    frame.render_widget(Paragraph::new(line).style(bar), area);
}

//! Where each part of the screen goes, shared by drawing and mouse hit-testing so a click
//! always lands on the row that was drawn there.

use crate::app::action::Action;
use crate::app::cursor::visible_offset;
use crate::app::state::{AppState, Mode, Overlay, Pane};
use ratatui::layout::{Constraint, Layout, Rect};

pub struct Areas {
    pub header: Rect,
    pub body: Rect,
    pub status: Rect,
}

/// Header height in the queue: counts, filters and a histogram when there is room.
pub fn header_height(state: &AppState, area: Rect) -> u16 {
    match state.mode {
        Mode::Alert => 1,
        Mode::Queue if area.height >= 20 => 4,
        Mode::Queue if area.height >= 12 => 2,
        Mode::Queue => 1,
    }
}

pub fn split(state: &AppState, area: Rect) -> Areas {
    let [header, body, status] = Layout::vertical([
        Constraint::Length(header_height(state, area)),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    Areas {
        header,
        body,
        status,
    }
}

/// The rows inside a bordered pane; the queue and timeline also lose a header row.
pub fn list_area(pane_area: Rect, has_header_row: bool) -> Rect {
    let inner = Rect {
        x: pane_area.x.saturating_add(1),
        y: pane_area.y.saturating_add(1),
        width: pane_area.width.saturating_sub(2),
        height: pane_area.height.saturating_sub(2),
    };
    if has_header_row {
        Rect {
            y: inner.y.saturating_add(1),
            height: inner.height.saturating_sub(1),
            ..inner
        }
    } else {
        inner
    }
}

/// The tree pane keeps a few lines under the list for the selected command line.
pub fn tree_split(body: Rect) -> (Rect, Rect) {
    let detail_h = if body.height >= 14 { 4 } else { 0 };
    let [list, detail] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(detail_h)]).areas(body);
    (list, detail)
}

pub fn popup_area(area: Rect, width_pct: u16, height_pct: u16) -> Rect {
    let w = crate::app::wrap::popup_len(area.width, width_pct, 36);
    let h = crate::app::wrap::popup_len(area.height, height_pct, 8);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

fn row_at(list: Rect, row: u16, offset: usize) -> Option<usize> {
    (row >= list.y && row < list.y + list.height).then(|| offset + usize::from(row - list.y))
}

/// The action for a left click at (`col`, `row`) on a screen of size `area`.
pub fn hit_test(state: &AppState, area: Rect, col: u16, row: u16) -> Option<Action> {
    let _ = col;
    if let Some(Overlay::Picker(p)) = &state.overlay {
        let list = list_area(popup_area(area, 70, 60), false);
        let page = usize::from(list.height);
        let off = visible_offset(p.cursor, p.choices.len(), page);
        return row_at(list, row, off).map(Action::ClickRow);
    }
    if state.overlay.is_some() {
        return None;
    }
    let l = split(state, area);
    match state.mode {
        Mode::Queue => {
            let list = list_area(l.body, true);
            let off = visible_offset(
                state.queue.cursor,
                state.queue.rows.len(),
                usize::from(list.height),
            );
            row_at(list, row, off).map(Action::ClickRow)
        }
        Mode::Alert => {
            let v = state.view.as_ref()?;
            match state.pane {
                Pane::Tree => {
                    let tv = v.tree.as_ref()?;
                    let list = list_area(tree_split(l.body).0, false);
                    let off = visible_offset(tv.cursor, tv.rows.len(), usize::from(list.height));
                    row_at(list, row, off).map(Action::ClickRow)
                }
                Pane::Timeline => {
                    let list = list_area(l.body, true);
                    let t = &v.timeline;
                    let off = visible_offset(t.cursor, t.events.len(), usize::from(list.height));
                    row_at(list, row, off).map(Action::ClickRow)
                }
                Pane::Detail | Pane::Checklist => None,
            }
        }
    }
}

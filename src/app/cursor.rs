//! A cursor over a list with a scroll offset that keeps it on screen.
//!
//! Selection lives in the state (not in widgets) so movement is testable without a
//! terminal and the views only read it.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cursor {
    pub pos: usize,
    pub offset: usize,
}

impl Cursor {
    /// Moves by `delta` within `len` rows and scrolls so the cursor stays among `page` rows.
    pub fn move_by(&mut self, delta: isize, len: usize, page: usize) {
        if len == 0 {
            *self = Cursor::default();
            return;
        }
        let target = self.pos.saturating_add_signed(delta).min(len - 1);
        self.set(target, len, page);
    }

    pub fn set(&mut self, pos: usize, len: usize, page: usize) {
        self.pos = pos.min(len.saturating_sub(1));
        self.keep_visible(len, page);
    }

    /// Re-applies the bounds after the list or the page size changed.
    pub fn keep_visible(&mut self, len: usize, page: usize) {
        let page = page.max(1);
        self.pos = self.pos.min(len.saturating_sub(1));
        if self.pos < self.offset {
            self.offset = self.pos;
        } else if self.pos >= self.offset + page {
            self.offset = self.pos + 1 - page;
        }
        self.offset = self.offset.min(len.saturating_sub(page));
    }
}

/// The offset a view should use for `page` rows, whatever the stored one says (the
/// terminal may have shrunk since the last update).
pub fn visible_offset(c: Cursor, len: usize, page: usize) -> usize {
    let mut c = c;
    c.keep_visible(len, page);
    c.offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_stays_in_bounds_and_on_screen() {
        let mut c = Cursor::default();
        c.move_by(1, 10, 3);
        c.move_by(1, 10, 3);
        c.move_by(1, 10, 3);
        assert_eq!((c.pos, c.offset), (3, 1));
        c.move_by(100, 10, 3);
        assert_eq!((c.pos, c.offset), (9, 7));
        c.move_by(-100, 10, 3);
        assert_eq!((c.pos, c.offset), (0, 0));
        c.move_by(1, 0, 3);
        assert_eq!(c, Cursor::default());
        let shrunk = Cursor { pos: 9, offset: 0 };
        assert_eq!(visible_offset(shrunk, 10, 4), 6);
    }
}

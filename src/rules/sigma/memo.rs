//! Per-event memo of the rule set's shared detection items and mapped-field lookups.
//!
//! Thousands of rules repeat the same tests (`Image|endswith: \net.exe`) and read the
//! same few fields; each distinct test and field has an id (see [`super::shared`]) and
//! its answer is kept here for the rest of the event. Slots carry the number of the event
//! that wrote them, so nothing is cleared between events.

use serde_json::Value;
use std::cell::{Cell, Ref, RefCell};

/// A resolved field, without borrowing the event context (computed values by slot).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Resolved<'d> {
    Absent,
    Json(&'d Value),
    /// Index of the context's computed-value cell (already filled).
    Computed(u8),
    Fixed(&'static str),
}

/// Allocations and the event counter kept between events.
#[derive(Default)]
pub struct MemoBuffers {
    stamp: u32,
    items: Vec<Cell<u32>>,
    fields: Vec<Cell<u64>>,
    values: Vec<Slot<'static>>,
    lowered: String,
}

/// A resolved field and, once asked for, the span of its ASCII-lowercased text in the
/// memo's arena.
#[derive(Clone, Copy)]
struct Slot<'d> {
    value: Resolved<'d>,
    lowered: Option<(u32, u32)>,
}

/// Gives a cleared vector's allocation a new element lifetime (see `doc_index::recycle`).
#[allow(clippy::unnecessary_filter_map)]
fn recycle<'b>(mut v: Vec<Slot<'_>>) -> Vec<Slot<'b>> {
    v.clear();
    v.into_iter().filter_map(|_| None).collect()
}

/// The memo of one event.
pub struct EventMemo<'d> {
    /// This event's number, never 0; an item slot holds `stamp << 1 | answer`, a field
    /// slot `stamp << 32 | index into values`.
    stamp: u32,
    items: Vec<Cell<u32>>,
    fields: Vec<Cell<u64>>,
    values: RefCell<Vec<Slot<'d>>>,
    lowered: RefCell<String>,
}

impl<'d> EventMemo<'d> {
    /// A memo for the next event, with room for `items` item ids and `fields` field ids.
    pub fn begin(buffers: MemoBuffers, items: usize, fields: usize) -> Self {
        let MemoBuffers {
            stamp,
            items: mut item_slots,
            fields: mut field_slots,
            values,
            mut lowered,
        } = buffers;
        lowered.clear();
        let mut stamp = stamp.wrapping_add(1);
        if stamp == 0 || stamp > u32::MAX >> 1 {
            // Wrapped: forget every slot so no old answer looks current.
            item_slots.iter().for_each(|c| c.set(0));
            field_slots.iter().for_each(|c| c.set(0));
            stamp = 1;
        }
        if item_slots.len() < items {
            item_slots.resize_with(items, || Cell::new(0));
        }
        if field_slots.len() < fields {
            field_slots.resize_with(fields, || Cell::new(0));
        }
        Self {
            stamp,
            items: item_slots,
            fields: field_slots,
            values: RefCell::new(recycle(values)),
            lowered: RefCell::new(lowered),
        }
    }

    /// Hands the allocations back for the next event.
    pub fn into_buffers(self) -> MemoBuffers {
        MemoBuffers {
            stamp: self.stamp,
            items: self.items,
            fields: self.fields,
            values: recycle(self.values.into_inner()),
            lowered: self.lowered.into_inner(),
        }
    }

    /// The answer of item `id` on this event, if already known.
    pub fn item(&self, id: u32) -> Option<bool> {
        let v = self.items.get(id as usize)?.get();
        (v >> 1 == self.stamp).then_some(v & 1 == 1)
    }

    pub fn set_item(&self, id: u32, answer: bool) {
        if let Some(c) = self.items.get(id as usize) {
            c.set(self.stamp << 1 | u32::from(answer));
        }
    }

    /// Field `id` as resolved on this event, if already known.
    pub fn field(&self, id: u32) -> Option<Resolved<'d>> {
        let v = self.fields.get(id as usize)?.get();
        if (v >> 32) as u32 != self.stamp {
            return None;
        }
        let values = self.values.try_borrow().ok()?;
        values
            .get((v & u64::from(u32::MAX)) as usize)
            .map(|s| s.value)
    }

    /// The ASCII-lowercased copy of `text`, the single string value of field `id`
    /// (already resolved on this event), made once per event.
    pub fn lowered(&self, id: u32, text: &str) -> Option<Ref<'_, str>> {
        let v = self.fields.get(id as usize)?.get();
        if (v >> 32) as u32 != self.stamp {
            return None;
        }
        let at = (v & u64::from(u32::MAX)) as usize;
        let mut values = self.values.try_borrow_mut().ok()?;
        let slot = values.get_mut(at)?;
        let (start, end) = match slot.lowered {
            Some(span) => span,
            None => {
                let mut arena = self.lowered.try_borrow_mut().ok()?;
                let start = arena.len();
                arena.push_str(text);
                arena[start..].make_ascii_lowercase();
                let span = (u32::try_from(start).ok()?, u32::try_from(arena.len()).ok()?);
                slot.lowered = Some(span);
                span
            }
        };
        let arena = self.lowered.try_borrow().ok()?;
        Ref::filter_map(arena, |a| a.get(start as usize..end as usize)).ok()
    }

    pub fn set_field(&self, id: u32, value: Resolved<'d>) {
        let (Some(c), Ok(mut values)) =
            (self.fields.get(id as usize), self.values.try_borrow_mut())
        else {
            return;
        };
        let Ok(at) = u32::try_from(values.len()) else {
            return;
        };
        values.push(Slot {
            value,
            lowered: None,
        });
        c.set(u64::from(self.stamp) << 32 | u64::from(at));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn answers_last_only_for_their_event() {
        let doc = json!({"a": 1});
        let mut buffers = MemoBuffers::default();
        for round in 0..3u32 {
            let memo = EventMemo::begin(buffers, 4, 3);
            for id in 0..4 {
                assert_eq!(memo.item(id), None, "round {round} item {id}");
            }
            assert_eq!(memo.field(0), None);
            memo.set_item(1, true);
            memo.set_item(2, false);
            memo.set_item(9, true);
            assert_eq!(memo.item(1), Some(true));
            assert_eq!(memo.item(2), Some(false));
            assert_eq!(memo.item(9), None);
            memo.set_field(0, Resolved::Json(&doc));
            memo.set_field(2, Resolved::Absent);
            assert_eq!(memo.field(0), Some(Resolved::Json(&doc)));
            assert_eq!(memo.field(2), Some(Resolved::Absent));
            assert_eq!(memo.field(1), None);
            assert_eq!(memo.lowered(1, "X").as_deref(), None);
            assert_eq!(memo.lowered(0, "Net USER").as_deref(), Some("net user"));
            assert_eq!(memo.lowered(2, "ÄB c").as_deref(), Some("Äb c"));
            // The first copy is kept for the event.
            assert_eq!(memo.lowered(0, "other").as_deref(), Some("net user"));
            buffers = memo.into_buffers();
        }
    }

    #[test]
    fn stamp_wrap_forgets_old_answers() {
        let memo = EventMemo::begin(MemoBuffers::default(), 2, 1);
        memo.set_item(0, true);
        let mut buffers = memo.into_buffers();
        buffers.stamp = u32::MAX >> 1;
        let memo = EventMemo::begin(buffers, 2, 1);
        assert_eq!(memo.item(0), None);
        assert_eq!(memo.stamp, 1);
    }
}

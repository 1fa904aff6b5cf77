//! Process starts by entity id, read straight from the index for the tree's ancestor
//! walk: one term look-up per ancestor, checked against the tree's window (host,
//! process starts, time range) through a per-segment bitset of the window's documents
//! built once, instead of a full search (query parsing, a window range query and a
//! time-ordered collector) per ancestor.
//!
//! Answers exactly what `EventSearcher::search(window AND process.entity_id:ID)` would,
//! oldest first; the tree query's tests compare the two.

use crate::index::document::from_document;
use crate::index::reader::EventSearcher;
use crate::index::schema::{Fields, fields_of};
use crate::model::Event;
use crate::session::casework::quote;
use tantivy::query::{EnableScoring, Query, QueryParser, Weight};
use tantivy::{BitSet, DocAddress, Searcher, TantivyDocument};

pub struct StartLookup<'s> {
    searcher: &'s Searcher,
    fields: Fields,
    parser: QueryParser,
    window: Box<dyn Weight>,
    /// Per segment, the documents the window selects; built when first needed.
    in_window: Vec<Option<BitSet>>,
}

fn text<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

impl<'s> StartLookup<'s> {
    /// A look-up restricted to the documents `window` (a `vigil search` query) selects.
    pub fn new(events: &'s EventSearcher, window: &str) -> Result<Self, String> {
        let searcher = events.searcher();
        let index = searcher.index();
        let fields = fields_of(&index.schema())
            .ok_or_else(|| "the index has an unexpected field layout".to_string())?;
        // The same parser `EventSearcher` uses, so a query means the same thing here.
        let mut defaults: Vec<_> = fields.texts.iter().map(|(_, f)| *f).collect();
        defaults.push(fields.other);
        let mut parser = QueryParser::for_index(index, defaults);
        parser.set_conjunction_by_default();
        let window = parser
            .parse_query(window)
            .map_err(|e| format!("cannot read the tree's window `{window}`: {e}"))?
            .weight(EnableScoring::disabled_from_searcher(searcher))
            .map_err(text)?;
        Ok(StartLookup {
            searcher,
            fields,
            parser,
            window,
            in_window: vec![None; searcher.segment_readers().len()],
        })
    }

    fn window_has(&mut self, addr: DocAddress) -> Result<bool, String> {
        let ord = addr.segment_ord as usize;
        let Some(slot) = self.in_window.get_mut(ord) else {
            return Ok(false);
        };
        if slot.is_none() {
            let reader = self.searcher.segment_reader(addr.segment_ord);
            let mut set = BitSet::with_max_value(reader.max_doc());
            self.window
                .for_each_no_score(reader, &mut |docs| {
                    for &d in docs {
                        set.insert(d);
                    }
                })
                .map_err(text)?;
            *slot = Some(set);
        }
        Ok(slot.as_ref().is_some_and(|s| s.contains(addr.doc_id)))
    }

    /// The window's starts of process `entity`, oldest first (ties by event id), or
    /// `None` when there are `limit` or more (the caller then reads the whole window).
    pub fn starts(&mut self, entity: &str, limit: usize) -> Option<Result<Vec<Event>, String>> {
        match self.addresses(entity) {
            Ok(addrs) if addrs.len() >= limit => None,
            Ok(addrs) => Some(self.load(&addrs)),
            Err(e) => Some(Err(e)),
        }
    }

    /// True when process `entity` has a start in the window (nothing is read).
    pub fn has_start(&mut self, entity: &str) -> Result<bool, String> {
        self.addresses(entity).map(|a| !a.is_empty())
    }

    fn addresses(&mut self, entity: &str) -> Result<Vec<DocAddress>, String> {
        let query = self
            .parser
            .parse_query(&format!("process.entity_id:{}", quote(entity)))
            .map_err(text)?;
        let weight = query
            .weight(EnableScoring::disabled_from_searcher(self.searcher))
            .map_err(text)?;
        let mut found = Vec::new();
        for (ord, reader) in self.searcher.segment_readers().iter().enumerate() {
            let mut docs = Vec::new();
            weight
                .for_each_no_score(reader, &mut |d| docs.extend_from_slice(d))
                .map_err(text)?;
            for doc in docs {
                if !reader.is_deleted(doc) {
                    found.push(DocAddress::new(ord as u32, doc));
                }
            }
        }
        let mut kept = Vec::with_capacity(found.len());
        for addr in found {
            if self.window_has(addr)? {
                kept.push(addr);
            }
        }
        Ok(kept)
    }

    fn load(&self, addrs: &[DocAddress]) -> Result<Vec<Event>, String> {
        let mut events = Vec::with_capacity(addrs.len());
        for &addr in addrs {
            let doc: TantivyDocument = self.searcher.doc(addr).map_err(text)?;
            events.extend(from_document(&self.fields, &doc));
        }
        events.sort_by(|a, b| (a.timestamp_ms, &a.id).cmp(&(b.timestamp_ms, &b.id)));
        Ok(events)
    }
}

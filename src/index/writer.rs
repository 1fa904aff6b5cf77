//! Adding events to the index, once each, and re-tagging stored events.
//!
//! Idempotency: before adding, an event id is looked up among committed documents
//! and among those added since the last commit. Commits happen in batches so the
//! cost of a commit is paid every few hundred thousand events, not per file.

use super::document::{from_document, to_document};
use super::{Fields, find_doc};
use crate::error::{Result, VigilError};
use crate::model::Event;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::path::PathBuf;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

/// Events added between automatic commits.
const COMMIT_EVERY: usize = 250_000;
/// Memory budget of the tantivy writer.
const WRITER_HEAP_BYTES: usize = 192 * 1024 * 1024;
/// Tantivy indexing threads. One, although the machine may have more cores: each
/// thread writes a segment of its own, so two threads meant two term dictionaries
/// built per commit and, by the fourth commit of a large import, eight segments
/// that the merge policy then merged again (1M generated events: about a fifth less
/// CPU, peak memory 680 MB -> 260 MB, and no longer in wall clock: the parse and
/// normalize workers keep the other core busy). See BENCHMARKS.md, "Store stage".
const INDEXING_THREADS: usize = 1;

/// The single writer of a workspace index. Holds the workspace lock while alive.
pub struct EventWriter {
    path: PathBuf,
    fields: Fields,
    writer: IndexWriter,
    reader: IndexReader,
    /// Committed state used for duplicate checks; refreshed at every commit.
    committed: Searcher,
    pending: HashSet<String, BuildHasherDefault<IdHasher>>,
    /// Reused for each event's stored JSON text.
    json_scratch: Vec<u8>,
    _lock: crate::workspace::lock::WriterLock,
}

impl EventWriter {
    pub(crate) fn new(
        path: PathBuf,
        index: &Index,
        fields: Fields,
        lock: crate::workspace::lock::WriterLock,
    ) -> Result<Self> {
        let writer = index
            .writer_with_num_threads(INDEXING_THREADS, WRITER_HEAP_BYTES)
            .map_err(|e| VigilError::index(&path, e))?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| VigilError::index(&path, e))?;
        let committed = reader.searcher();
        Ok(EventWriter {
            path,
            fields,
            writer,
            reader,
            committed,
            pending: HashSet::default(),
            json_scratch: Vec::new(),
            _lock: lock,
        })
    }

    /// Whether an event with this id is already stored (committed or pending).
    pub fn contains(&self, id: &str) -> Result<bool> {
        if self.pending.contains(id) {
            return Ok(true);
        }
        if self.committed.num_docs() == 0 {
            return Ok(false);
        }
        find_doc(&self.committed, &self.fields, id)
            .map(|d| d.is_some())
            .map_err(|e| VigilError::index(&self.path, e))
    }

    /// Adds the event unless its id is already stored. Returns whether it was new.
    pub fn add(&mut self, event: &Event) -> Result<bool> {
        if self.contains(&event.id)? {
            return Ok(false);
        }
        let doc = to_document(&self.fields, event, &mut self.json_scratch);
        self.writer
            .add_document(doc)
            .map_err(|e| VigilError::index(&self.path, e))?;
        self.pending.insert(event.id.clone());
        if self.pending.len() >= COMMIT_EVERY {
            self.commit()?;
        }
        Ok(true)
    }

    /// Makes everything added so far durable and visible to readers.
    pub fn commit(&mut self) -> Result<()> {
        self.writer
            .commit()
            .map_err(|e| VigilError::index(&self.path, e))?;
        self.reader
            .reload()
            .map_err(|e| VigilError::index(&self.path, e))?;
        self.committed = self.reader.searcher();
        self.pending.clear();
        Ok(())
    }

    /// Lets the index finish the segment merges its commits started, then releases the
    /// writer (and the workspace lock). Without this, merges run on in the background
    /// while the caller goes on (building alerts), and both peak in memory at once.
    pub fn close(self) -> Result<()> {
        let path = self.path.clone();
        self.writer
            .wait_merging_threads()
            .map_err(|e| VigilError::index(&path, e))
    }

    /// Adds rule ids to the `rule.id` array of stored events (event id -> rule ids).
    /// Commits first so pending events can be tagged too; commits again at the end.
    /// Returns how many events changed. Unknown event ids are skipped.
    pub fn add_tags(&mut self, tags: &BTreeMap<String, BTreeSet<String>>) -> Result<usize> {
        if tags.is_empty() {
            return Ok(0);
        }
        self.commit()?;
        let searcher = self.reader.searcher();
        let mut changed = 0;
        for (event_id, rule_ids) in tags {
            let addr = find_doc(&searcher, &self.fields, event_id)
                .map_err(|e| VigilError::index(&self.path, e))?;
            let Some(addr) = addr else { continue };
            let stored: TantivyDocument = searcher
                .doc(addr)
                .map_err(|e| VigilError::index(&self.path, e))?;
            let Some(mut event) = from_document(&self.fields, &stored) else {
                continue;
            };
            if !merge_rule_ids(&mut event.doc, rule_ids) {
                continue;
            }
            self.writer
                .delete_term(Term::from_field_text(self.fields.id, event_id));
            self.writer
                .add_document(to_document(&self.fields, &event, &mut self.json_scratch))
                .map_err(|e| VigilError::index(&self.path, e))?;
            changed += 1;
        }
        self.commit()?;
        Ok(changed)
    }
}

/// Adds `rule_ids` to `doc.rule.id` (kept sorted, no duplicates). Returns whether it changed.
pub fn merge_rule_ids(doc: &mut Value, rule_ids: &BTreeSet<String>) -> bool {
    let mut all: BTreeSet<String> = BTreeSet::new();
    crate::model::fields::for_each_scalar(doc, "rule.id", &mut |v| {
        if let Some(s) = v.as_str() {
            all.insert(s.to_string());
        }
    });
    let before = all.len();
    all.extend(rule_ids.iter().cloned());
    if all.len() == before && before > 0 {
        return false;
    }
    let list = Value::Array(all.into_iter().map(Value::String).collect());
    crate::model::fields::set(doc, "rule.id", list);
    true
}

/// FNV-1a for the pending-id set. Event ids are hex digests, already uniform, so
/// the DoS-resistant default hasher only cost time (it showed in import profiles).
#[derive(Default)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(i: usize) -> Event {
        Event {
            id: format!("{i:064x}"),
            timestamp_ms: 1_700_000_000_000 + i as i64,
            doc: json!({"process": {"name": format!("p{}.exe", i % 7), "pid": i}}),
            original: format!("{{\"n\":{i}}}"),
        }
    }

    #[test]
    fn each_commit_writes_one_segment_and_ids_stay_unique() {
        let dir = tempfile::tempdir().unwrap();
        let ws = crate::workspace::Workspace::open_or_create(dir.path()).unwrap();
        let mut writer = ws.writer().unwrap();
        for round in 0..2 {
            for i in 0..500 {
                assert_eq!(writer.add(&event(i)).unwrap(), round == 0, "event {i}");
            }
            writer.commit().unwrap();
        }
        for i in 500..700 {
            assert!(writer.add(&event(i)).unwrap());
        }
        writer.commit().unwrap();
        writer.close().unwrap();
        let index = tantivy::Index::open_in_dir(ws.index_dir()).unwrap();
        let segments = index.searchable_segment_metas().unwrap();
        let mut sizes: Vec<u32> = segments.iter().map(|s| s.num_docs()).collect();
        sizes.sort_unstable();
        assert_eq!(
            sizes,
            [200, 500],
            "one segment per commit that added events"
        );
    }

    #[test]
    fn merging_rule_ids_is_sorted_and_deduplicated() {
        let mut doc = json!({"rule": {"id": ["b"]}});
        let ids: BTreeSet<String> = ["a".to_string(), "b".to_string()].into();
        assert!(merge_rule_ids(&mut doc, &ids));
        assert_eq!(doc, json!({"rule": {"id": ["a", "b"]}}));
        assert!(!merge_rule_ids(&mut doc, &ids));
        let mut empty = json!({});
        assert!(merge_rule_ids(&mut empty, &ids));
        assert_eq!(empty["rule"]["id"], json!(["a", "b"]));
    }
}

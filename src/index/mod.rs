//! The tantivy index of a workspace: schema, writing, reading and querying.
//!
//! The workspace owns the directory and the writer lock; this module only knows
//! how events become documents and how to find them again.

pub mod curated;
pub mod document;
mod exists;
pub mod query_fields;
pub mod reader;
pub mod schema;
pub mod stats;
pub mod writer;

pub use reader::EventSearcher;
pub use schema::{Fields, SCHEMA_VERSION};
pub use stats::IndexStats;
pub use writer::EventWriter;

use crate::error::{Result, VigilError};
use std::path::Path;
use tantivy::directory::MmapDirectory;
use tantivy::{DocAddress, Index, Searcher, Term};

/// Opens the index in `dir`, creating it when `create` is set and none exists.
pub(crate) fn open_index(dir: &Path, create: bool) -> Result<(Index, Fields)> {
    let (schema, built) = schema::build_schema();
    let has_index = dir.join("meta.json").exists();
    let index = if has_index {
        Index::open_in_dir(dir).map_err(|e| VigilError::index(dir, e))?
    } else if create {
        std::fs::create_dir_all(dir).map_err(|e| VigilError::io("create", dir, e))?;
        let mmap = MmapDirectory::open(dir).map_err(|e| VigilError::index(dir, e))?;
        Index::create(mmap, schema, tantivy::IndexSettings::default())
            .map_err(|e| VigilError::index(dir, e))?
    } else {
        return Err(VigilError::Index {
            path: dir.to_path_buf(),
            reason: "the index is missing; import some logs first with `vigil import PATH`"
                .to_string(),
        });
    };
    schema::register_tokenizers(&index);
    let fields = if has_index {
        schema::fields_of(&index.schema()).ok_or_else(|| VigilError::Index {
            path: dir.to_path_buf(),
            reason: "the index was written with a different field layout; re-import into a new \
                     workspace"
                .to_string(),
        })?
    } else {
        built
    };
    Ok((index, fields))
}

/// Finds the live document holding event `id`.
pub(crate) fn find_doc(
    searcher: &Searcher,
    fields: &Fields,
    id: &str,
) -> tantivy::Result<Option<DocAddress>> {
    let term = Term::from_field_text(fields.id, id);
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let inverted = segment.inverted_index(fields.id)?;
        let Some(mut postings) =
            inverted.read_postings(&term, tantivy::schema::IndexRecordOption::Basic)?
        else {
            continue;
        };
        use tantivy::DocSet;
        let mut doc = postings.doc();
        while doc != tantivy::TERMINATED {
            if !segment.is_deleted(doc) {
                return Ok(Some(DocAddress::new(ord as u32, doc)));
            }
            doc = postings.advance();
        }
    }
    Ok(None)
}

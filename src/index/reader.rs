//! Reading the index: query search (newest first), fetch by id, full iteration.
//!
//! Readers never take the workspace lock, so `vigil search` works while an
//! import runs; they see the last committed state.

use super::document::from_document;
use super::{Fields, find_doc};
use crate::error::{Result, VigilError};
use crate::model::Event;
use std::path::PathBuf;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, Query, QueryParser};
use tantivy::{DateTime, DocAddress, Index, Order, ReloadPolicy, Searcher, TantivyDocument};

/// A consistent read view of a workspace index.
pub struct EventSearcher {
    path: PathBuf,
    index: Index,
    fields: Fields,
    searcher: Searcher,
}

impl EventSearcher {
    pub(crate) fn new(path: PathBuf, index: Index, fields: Fields) -> Result<Self> {
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| VigilError::index(&path, e))?;
        let searcher = tantivy::IndexReader::searcher(&reader);
        Ok(EventSearcher {
            path,
            index,
            fields,
            searcher,
        })
    }

    /// Number of stored events.
    pub fn count_all(&self) -> u64 {
        self.searcher.num_docs()
    }

    fn parse(&self, query: &str) -> Result<Box<dyn Query>> {
        if query.trim().is_empty() || query.trim() == "*" {
            return Ok(Box::new(AllQuery));
        }
        if let Some(field) = super::query_fields::first_unindexed_field(query) {
            return Err(VigilError::Query {
                query: query.to_string(),
                reason: format!(
                    "the field {field:?} is stored but not indexed for search; search an indexed \
                     field instead (process.*, host.*, user.*, event.*, winlog.event_data.*... \
                     the list is in docs/formats.md, section Search fields) and read {field} in \
                     the results"
                ),
            });
        }
        let mut defaults: Vec<_> = self.fields.texts.iter().map(|(_, f)| *f).collect();
        defaults.push(self.fields.other);
        let mut parser = QueryParser::for_index(&self.index, defaults);
        parser.set_conjunction_by_default();
        let built = match tantivy::query_grammar::parse_query(query) {
            Ok(ast) if super::exists::has_exists(&ast) => {
                super::exists::build(ast, &parser, &self.searcher, &self.fields)
            }
            _ => parser.parse_query(query),
        };
        built.map_err(|e| VigilError::Query {
            query: query.to_string(),
            reason: explain_query_error(&e),
        })
    }

    /// Events matching `query` (tantivy syntax over ECS field names), newest first.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Event>> {
        let q = self.parse(query)?;
        let top = TopDocs::with_limit(limit.max(1))
            .order_by_fast_field::<DateTime>(super::schema::TIMESTAMP, Order::Desc);
        let hits = self
            .searcher
            .search(&q, &top)
            .map_err(|e| VigilError::index(&self.path, e))?;
        hits.into_iter()
            .map(|(_, addr)| self.load(addr))
            .collect::<Result<Vec<_>>>()
            .map(|v| v.into_iter().flatten().collect())
    }

    /// How many events match `query`.
    pub fn count(&self, query: &str) -> Result<usize> {
        let q = self.parse(query)?;
        self.searcher
            .search(&q, &Count)
            .map_err(|e| VigilError::index(&self.path, e))
    }

    /// Events by id, in the order asked; unknown ids are skipped.
    pub fn get_events(&self, ids: &[&str]) -> Result<Vec<Event>> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let addr = find_doc(&self.searcher, &self.fields, id)
                .map_err(|e| VigilError::index(&self.path, e))?;
            if let Some(addr) = addr
                && let Some(ev) = self.load(addr)?
            {
                out.push(ev);
            }
        }
        Ok(out)
    }

    /// Streams every stored event (index order, not time order).
    pub fn iter_events(&self) -> impl Iterator<Item = Result<Event>> + '_ {
        self.searcher
            .segment_readers()
            .iter()
            .enumerate()
            .flat_map(move |(ord, segment)| {
                (0..segment.max_doc())
                    .filter(move |doc| !segment.is_deleted(*doc))
                    .map(move |doc| DocAddress::new(ord as u32, doc))
            })
            .filter_map(move |addr| self.load(addr).transpose())
    }

    fn load(&self, addr: DocAddress) -> Result<Option<Event>> {
        let doc: TantivyDocument = self
            .searcher
            .doc(addr)
            .map_err(|e| VigilError::index(&self.path, e))?;
        Ok(from_document(&self.fields, &doc))
    }

    pub(crate) fn searcher(&self) -> &Searcher {
        &self.searcher
    }

    pub(crate) fn path(&self) -> &std::path::Path {
        &self.path
    }
}

/// Turns tantivy's parser errors into advice an analyst can act on.
fn explain_query_error(e: &tantivy::query::QueryParserError) -> String {
    use tantivy::query::QueryParserError as E;
    match e {
        E::FieldDoesNotExist(f) => format!(
            "unknown field {f:?}; use ECS names such as process.name, host.name, event.code, \
             winlog.event_data.TargetUserName (see docs/field-mapping.md)"
        ),
        E::DateFormatError(_) => "dates must be RFC 3339, for example 2020-09-14T00:00:00Z".into(),
        other => other.to_string(),
    }
}

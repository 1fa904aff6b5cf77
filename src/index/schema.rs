//! The tantivy schema of a workspace index and the handles to its fields.
//!
//! ECS documents are indexed as one JSON field per ECS root (`process`, `host`,
//! `winlog`...) with a lowercasing keyword tokenizer, so `process.name:NET.EXE`
//! finds `net.exe`; command lines and messages are also full-text fields whose
//! names shadow the keyword path (tantivy resolves the longest field name).

use super::curated::{self, PathNode};
use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, Field, IndexRecordOption, JsonObjectOptions, STORED,
    STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{LowerCaser, RawTokenizer, RemoveLongFilter, TextAnalyzer};

/// Version of the on-disk layout; bump when documents or fields change meaning.
pub const SCHEMA_VERSION: u32 = 1;

/// Name of the tokenizer used for keyword fields (whole value, lowercased).
pub const KEYWORD_TOKENIZER: &str = "vigil_keyword";

/// ECS roots indexed as keyword JSON fields. Anything else lands in [`OTHER_FIELD`].
pub const KEYWORD_ROOTS: &[&str] = &[
    "agent",
    "cloud",
    "container",
    "data_stream",
    "destination",
    "dll",
    "dns",
    "ecs",
    "email",
    "error",
    "event",
    "file",
    "group",
    "host",
    "http",
    "log",
    "m365_defender",
    "network",
    "observer",
    "orchestrator",
    "organization",
    "package",
    "powershell",
    "process",
    "registry",
    "related",
    "rule",
    "server",
    "service",
    "source",
    "threat",
    "tls",
    "url",
    "user",
    "user_agent",
    "vigil",
    "vulnerability",
    "winlog",
];

/// Full-text fields (default tokenizer: split on non-alphanumerics, lowercased).
/// `message` is stored but not indexed: rendered Windows messages are long and
/// tokenizing them costs more than the rest of an event's indexing together.
pub const TEXT_FIELDS: &[&str] = &[
    "process.command_line",
    "process.parent.command_line",
    "powershell.file.script_block_text",
];

/// JSON field holding every root not listed above; queried as the default JSON field.
pub const OTHER_FIELD: &str = "other";

pub(crate) const ID: &str = "id";
pub(crate) const TIMESTAMP: &str = "@timestamp";
pub(crate) const DOC: &str = "_doc";
pub(crate) const ORIGINAL: &str = "_original";
pub(crate) const STAT_FORMAT: &str = "_stat_format";
pub(crate) const STAT_CHANNEL: &str = "_stat_channel";
pub(crate) const STAT_CODE: &str = "_stat_code";
pub(crate) const STAT_HOST: &str = "_stat_host";

/// Field handles, resolved once per index.
#[derive(Debug, Clone)]
pub struct Fields {
    pub id: Field,
    pub timestamp: Field,
    pub doc: Field,
    pub original: Field,
    pub other: Field,
    pub stat_format: Field,
    pub stat_channel: Field,
    pub stat_code: Field,
    pub stat_host: Field,
    /// (root name, field, its indexed-path tree) for every keyword JSON root, sorted
    /// by name; the tree is `None` for roots of which nothing is indexed.
    pub roots: Vec<(&'static str, Field, Option<&'static PathNode>)>,
    /// (dotted ECS path, field) for every full-text field.
    pub texts: Vec<(&'static str, Field)>,
}

impl Fields {
    /// The keyword JSON field for an ECS root, if it has one.
    pub fn root(&self, name: &str) -> Option<Field> {
        self.root_with_paths(name).map(|(field, _)| field)
    }

    /// The keyword JSON field for an ECS root and the part of it that is indexed
    /// ([`curated::indexed_root`]), found with one search.
    pub fn root_with_paths(&self, name: &str) -> Option<(Field, Option<&'static PathNode>)> {
        self.roots
            .binary_search_by(|(n, _, _)| (*n).cmp(name))
            .ok()
            .map(|i| (self.roots[i].1, self.roots[i].2))
    }
}

/// Builds the schema and its field handles.
pub fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let keyword_json = JsonObjectOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(KEYWORD_TOKENIZER)
                .set_index_option(IndexRecordOption::Basic)
                // Keyword matches are filters (results sort by time), so per-document
                // length norms would be written for every event and never read.
                .set_fieldnorms(false),
        )
        .set_expand_dots_enabled();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("default")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let id = b.add_text_field(ID, STRING | STORED);
    let timestamp = b.add_date_field(
        TIMESTAMP,
        DateOptions::default()
            .set_indexed()
            .set_stored()
            .set_fast()
            .set_precision(DateTimePrecision::Milliseconds),
    );
    let doc = b.add_text_field(DOC, STORED);
    let original = b.add_text_field(ORIGINAL, STORED);
    // Read only as fast columns by `vigil stats`; an inverted index would be wasted work.
    let stat = || FAST;
    let stat_format = b.add_text_field(STAT_FORMAT, stat());
    let stat_channel = b.add_text_field(STAT_CHANNEL, stat());
    let stat_code = b.add_text_field(STAT_CODE, stat());
    let stat_host = b.add_text_field(STAT_HOST, stat());
    let other = b.add_json_field(OTHER_FIELD, keyword_json.clone());
    let mut roots: Vec<(&'static str, Field, Option<&'static PathNode>)> = KEYWORD_ROOTS
        .iter()
        .map(|r| {
            let field = b.add_json_field(r, keyword_json.clone());
            (*r, field, curated::indexed_root(r))
        })
        .collect();
    roots.sort_by(|a, b| a.0.cmp(b.0));
    let texts = TEXT_FIELDS
        .iter()
        .map(|t| (*t, b.add_text_field(t, text.clone())))
        .collect();
    let fields = Fields {
        id,
        timestamp,
        doc,
        original,
        other,
        stat_format,
        stat_channel,
        stat_code,
        stat_host,
        roots,
        texts,
    };
    (b.build(), fields)
}

/// Registers the tokenizers the schema refers to; call on every opened index.
pub fn register_tokenizers(index: &tantivy::Index) {
    let keyword = TextAnalyzer::builder(RawTokenizer::default())
        .filter(RemoveLongFilter::limit(16_000))
        .filter(LowerCaser)
        .build();
    index.tokenizers().register(KEYWORD_TOKENIZER, keyword);
}

/// Resolves field handles from an existing index's schema.
pub fn fields_of(schema: &Schema) -> Option<Fields> {
    let f = |name: &str| schema.get_field(name).ok();
    let mut roots = Vec::with_capacity(KEYWORD_ROOTS.len());
    for r in KEYWORD_ROOTS {
        roots.push((*r, f(r)?, curated::indexed_root(r)));
    }
    roots.sort_by(|a, b| a.0.cmp(b.0));
    let mut texts = Vec::with_capacity(TEXT_FIELDS.len());
    for t in TEXT_FIELDS {
        texts.push((*t, f(t)?));
    }
    Some(Fields {
        id: f(ID)?,
        timestamp: f(TIMESTAMP)?,
        doc: f(DOC)?,
        original: f(ORIGINAL)?,
        other: f(OTHER_FIELD)?,
        stat_format: f(STAT_FORMAT)?,
        stat_channel: f(STAT_CHANNEL)?,
        stat_code: f(STAT_CODE)?,
        stat_host: f(STAT_HOST)?,
        roots,
        texts,
    })
}

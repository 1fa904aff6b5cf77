//! Reading source files: format detection and streaming readers that hand out
//! raw records (the text of one record, not parsed yet) one at a time.
//!
//! Readers never abort on a bad record: they report it with its location and
//! continue. Normalization to ECS happens in [`crate::normalize`]; the import
//! pipeline that ties reading, normalizing and indexing together is [`pipeline`].

pub mod auditd_lines;
pub mod counting;
pub mod detect;
pub mod envelope;
pub mod envelope_peek;
pub mod evtx_file;
pub mod evtx_tail;
pub mod json_scan;
pub mod json_stream;
pub mod pipeline;
pub mod reader;
pub mod seen;
pub mod summary;
pub mod walk;

use detect::{Detected, JsonLayout};
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

/// Where a record sits in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// 1-based line of a text file.
    Line(u64),
    /// EVTX record id.
    Record(u64),
    /// EVTX chunk number (a whole chunk could not be read).
    Chunk(u64),
    /// The `index`-th record (1-based) of a wrapping array, which starts at `line`.
    Element { line: u64, index: u64 },
    /// N-th item read, when nothing better is known.
    Ordinal(u64),
    /// After the last record that could be read (the rest of the file is unreadable).
    Trailer,
}

impl Location {
    /// Formats `path` and this location the way reports show them.
    pub fn describe(&self, path: &str) -> String {
        match self {
            Location::Line(l) => format!("{path}:{l}"),
            Location::Record(r) => format!("{path}: record {r}"),
            Location::Chunk(c) => format!("{path}: chunk {c}"),
            Location::Element { line, index } => format!("{path}:{line}: record {index}"),
            Location::Ordinal(n) => format!("{path}: item {n}"),
            Location::Trailer => format!("{path}: after the last readable record"),
        }
    }
}

/// How a raw record was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawKind {
    /// A JSON record from a text file (possibly gzip-compressed).
    Json,
    /// One line of a Linux audit log (`text` is the line; it is not JSON).
    AuditdLine,
    /// An EVTX record rendered as JSON by the `evtx` crate.
    Evtx {
        header_time_ms: i64,
        recovered: bool,
    },
}

/// One record before normalization. Readers only cut records out and check that they
/// are text; parsing the JSON is left to normalization, so that it can run on the
/// worker threads ([`reader`]) instead of the one thread that reads the file.
pub struct RawRecord<'a> {
    pub kind: RawKind,
    /// The record exactly as read (for EVTX: the XML rendered as JSON).
    pub text: &'a str,
    pub location: Location,
}

/// What a reader hands to its sink.
pub enum ReadItem<'a> {
    Record(RawRecord<'a>),
    Bad { location: Location, reason: String },
}

/// The container format a file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    Evtx,
    Json(JsonLayout),
    GzipJson(JsonLayout),
    AuditdText,
    GzipAuditdText,
}

impl fmt::Display for Container {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let layout = |l: &JsonLayout| match l {
            JsonLayout::Lines => "JSON lines",
            JsonLayout::Array => "JSON array",
            JsonLayout::Stream => "JSON",
            JsonLayout::Envelope => "JSON records array",
        };
        match self {
            Container::Evtx => write!(f, "EVTX"),
            Container::Json(l) => write!(f, "{}", layout(l)),
            Container::GzipJson(l) => write!(f, "gzip {}", layout(l)),
            Container::AuditdText => write!(f, "auditd log"),
            Container::GzipAuditdText => write!(f, "gzip auditd log"),
        }
    }
}

/// A file that could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRejected(pub String);

const PEEK_BYTES: usize = 64 * 1024;

/// Reads every record of `path` into `sink`, detecting the format from content.
/// `counter` receives the number of bytes read from disk as reading proceeds.
pub fn read_file(
    path: &Path,
    counter: Arc<AtomicU64>,
    sink: &mut dyn FnMut(ReadItem<'_>),
) -> Result<Container, FileRejected> {
    let open = || File::open(path).map_err(|e| FileRejected(format!("cannot open: {e}")));
    let mut reader = BufReader::with_capacity(
        PEEK_BYTES,
        counting::CountingReader::new(open()?, counter.clone()),
    );
    let head = reader
        .fill_buf()
        .map_err(|e| FileRejected(format!("cannot read: {e}")))?;
    let complete = head.len() < PEEK_BYTES;
    match detect::detect(head, complete) {
        Detected::Evtx => {
            // The EVTX parser reads the file again from the start: do not count the peek twice.
            let peeked = head.len() as u64;
            drop(reader);
            counter.fetch_sub(peeked, std::sync::atomic::Ordering::Relaxed);
            evtx_file::read_evtx(open()?, counter, sink).map_err(FileRejected)?;
            Ok(Container::Evtx)
        }
        Detected::Json(layout) => {
            read_json(&mut reader, layout, sink)?;
            Ok(Container::Json(layout))
        }
        Detected::AuditdText => {
            auditd_lines::read(&mut reader, sink)?;
            Ok(Container::AuditdText)
        }
        Detected::Gzip => {
            let decoder = flate2::read::MultiGzDecoder::new(reader);
            let mut inner = BufReader::with_capacity(PEEK_BYTES, decoder);
            let head = inner
                .fill_buf()
                .map_err(|e| FileRejected(format!("gzip data is corrupt: {e}")))?;
            match detect::detect(head, head.is_empty()) {
                Detected::Json(layout) => {
                    read_json(&mut inner, layout, sink)?;
                    Ok(Container::GzipJson(layout))
                }
                Detected::AuditdText => {
                    auditd_lines::read(&mut inner, sink)?;
                    Ok(Container::GzipAuditdText)
                }
                Detected::Evtx => Err(FileRejected(
                    "gzip-compressed EVTX is not supported; decompress it first (gunzip)".into(),
                )),
                Detected::Gzip => Err(FileRejected("gzip inside gzip is not supported".into())),
                Detected::Unrecognised(why) => Err(FileRejected(format!(
                    "gzip of an unrecognised format: {why}"
                ))),
            }
        }
        Detected::Unrecognised(why) => Err(FileRejected(format!("unrecognised format: {why}"))),
    }
}

fn read_json(
    reader: &mut dyn BufRead,
    layout: JsonLayout,
    sink: &mut dyn FnMut(ReadItem<'_>),
) -> Result<(), FileRejected> {
    let read = if layout == JsonLayout::Envelope {
        envelope::for_each_element(reader, &mut |element| match element {
            envelope::Element::Record { line, index, bytes } => {
                emit_json(element_location(line, index), bytes, sink)
            }
            envelope::Element::Bad {
                line,
                index,
                reason,
            } => sink(ReadItem::Bad {
                location: element_location(line, index),
                reason,
            }),
        })
    } else {
        json_stream::for_each_record(reader, layout, &mut |piece| match piece {
            json_stream::Piece::Bad { line, reason } => sink(ReadItem::Bad {
                location: Location::Line(line),
                reason,
            }),
            json_stream::Piece::Record { line, bytes } => {
                emit_json(Location::Line(line), bytes, sink)
            }
        })
    };
    read.or_else(|e| {
        sink(ReadItem::Bad {
            location: Location::Trailer,
            reason: format!("read error, the rest of the file is skipped: {e}"),
        });
        Ok(())
    })
}

fn element_location(line: u64, index: Option<u64>) -> Location {
    match index {
        Some(index) => Location::Element { line, index },
        None => Location::Line(line),
    }
}

/// Hands one JSON record cut out of a text file to `sink` (parsed when normalized).
fn emit_json(location: Location, bytes: &[u8], sink: &mut dyn FnMut(ReadItem<'_>)) {
    match std::str::from_utf8(bytes) {
        Ok(text) => sink(ReadItem::Record(RawRecord {
            kind: RawKind::Json,
            text,
            location,
        })),
        Err(e) => sink(ReadItem::Bad {
            location,
            reason: format!("not valid UTF-8 text: {e}"),
        }),
    }
}

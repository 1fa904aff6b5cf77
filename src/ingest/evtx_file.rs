//! EVTX files through the `evtx` crate, recovering every readable record.
//!
//! Dirty and corrupt logs are the norm in incident work: a bad chunk or record
//! is reported with its number and the rest of the file is still read. Records
//! are not carved from slack space: in filtered exports the slack holds unrelated
//! older records, which would pollute the dataset the analyst chose to export.

use super::counting::CountingReader;
use super::evtx_tail::{self, ZeroPadded};
use super::{Location, RawKind, RawRecord, ReadItem};
use evtx::{EvtxParser, ParserSettings};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

/// Reads every record of an EVTX file into `sink`. Fails only when the file
/// header itself cannot be read.
pub fn read_evtx(
    mut file: File,
    counter: Arc<AtomicU64>,
    sink: &mut dyn FnMut(ReadItem<'_>),
) -> Result<(), String> {
    let len = file
        .metadata()
        .map_err(|e| format!("cannot read the file's size: {e}"))?
        .len();
    // A file cut inside a chunk is read as if zero-padded to the whole chunk, so the
    // records before the cut are not lost with it; the cut itself is reported below.
    let cut = evtx_tail::cut_chunk(len);
    let (kept, padded) = match cut {
        Some(c) => {
            let start = len - c.present;
            (
                start + whole_records_in(&mut file, start)?,
                start + evtx_tail::CHUNK_SIZE,
            )
        }
        None => (len, len),
    };
    let reader = ZeroPadded::new(CountingReader::new(file, counter), kept, padded);
    let settings = ParserSettings::new()
        .indent(false)
        .separate_json_attributes(false)
        .recover_records(false);
    let mut parser = EvtxParser::from_read_seek(reader)
        .map_err(|e| format!("not a readable EVTX file: {}", error_chain(&e)))?
        .with_configuration(settings);
    let mut ordinal = 0u64;
    for item in parser.records_json() {
        ordinal += 1;
        match item {
            Ok(record) => {
                sink(ReadItem::Record(RawRecord {
                    kind: RawKind::Evtx {
                        header_time_ms: record.timestamp.as_millisecond(),
                        recovered: record.recovered,
                    },
                    text: &record.data,
                    location: Location::Record(record.event_record_id),
                }));
            }
            Err(e) => {
                let location = match &e {
                    evtx::err::EvtxError::FailedToParseChunk { chunk_id, .. } => {
                        Location::Chunk(*chunk_id)
                    }
                    evtx::err::EvtxError::FailedToParseRecord { record_id, .. } => {
                        Location::Record(*record_id)
                    }
                    evtx::err::EvtxError::FailedToReadRecordAt {
                        chunk: Some(chunk), ..
                    } => Location::Chunk(*chunk),
                    _ => Location::Ordinal(ordinal),
                };
                sink(ReadItem::Bad {
                    location,
                    reason: error_chain(&e),
                });
            }
        }
    }
    if let Some(c) = cut {
        sink(ReadItem::Bad {
            location: Location::Chunk(c.number),
            reason: format!(
                "the file ends inside this chunk ({} of {} bytes present): it was cut short, \
                 for example copied while being written; the records before the cut were \
                 read, the rest of the chunk is lost",
                c.present,
                evtx_tail::CHUNK_SIZE
            ),
        });
    }
    Ok(())
}

/// Bytes of whole records in the cut chunk starting at `start`; leaves `file` at 0.
fn whole_records_in(file: &mut File, start: u64) -> Result<u64, String> {
    let mut present = Vec::new();
    file.seek(SeekFrom::Start(start))
        .and_then(|_| file.read_to_end(&mut present))
        .and_then(|_| file.seek(SeekFrom::Start(0)))
        .map_err(|e| format!("cannot read the file's last chunk: {e}"))?;
    Ok(evtx_tail::whole_records_end(&present) as u64)
}

/// An error with its causes, `outer: inner: innermost`.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        cur = s.source();
    }
    out
}

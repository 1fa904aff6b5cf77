//! EVTX files cut short inside a chunk.
//!
//! The `evtx` crate only reads whole 64 KiB chunks: the records of a file copied or
//! collected while it was being written, or cut by a transfer, vanish without a word
//! when they sit in its incomplete last chunk. This wrapper presents such a file
//! padded with zeros to a whole chunk, so that the records before the cut are read
//! like any others, and says how much is missing so the importer can report it.

use std::io::{Read, Seek, SeekFrom};

/// Size of an EVTX chunk.
pub const CHUNK_SIZE: u64 = 65_536;
/// Size of the EVTX file header block (all files in practice).
pub const HEADER_SIZE: u64 = 4_096;

/// Where a file ends inside a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CutChunk {
    /// The chunk's number (0-based).
    pub number: u64,
    /// Bytes of the chunk present in the file.
    pub present: u64,
}

/// The incomplete last chunk of a file of `len` bytes, if it has one.
pub fn cut_chunk(len: u64) -> Option<CutChunk> {
    let data = len.checked_sub(HEADER_SIZE)?;
    let present = data % CHUNK_SIZE;
    (present > 0).then_some(CutChunk {
        number: data / CHUNK_SIZE,
        present,
    })
}

/// Size of a chunk's header, before its first record.
const CHUNK_HEADER_SIZE: usize = 512;
/// Size of a record's fixed header (magic, size, id, time).
const RECORD_HEADER_SIZE: usize = 24;

/// How many bytes of a cut chunk's `present` bytes hold whole records: the end of the
/// last record that fits entirely. A record cut in two must not be parsed with zeros
/// in place of its missing half, so everything after this offset is dropped.
pub fn whole_records_end(present: &[u8]) -> usize {
    let mut pos = CHUNK_HEADER_SIZE;
    while let Some(head) = present.get(pos..pos + RECORD_HEADER_SIZE) {
        if head[..4] != *b"**\0\0" {
            break;
        }
        let size = u32::from_le_bytes([head[4], head[5], head[6], head[7]]) as usize;
        match pos.checked_add(size) {
            Some(end) if size >= RECORD_HEADER_SIZE && end <= present.len() => pos = end,
            _ => break,
        }
    }
    pos.min(present.len())
}

/// A reader that continues a `len`-byte stream with zeros up to `padded` bytes.
pub struct ZeroPadded<R> {
    inner: R,
    len: u64,
    padded: u64,
    pos: u64,
}

impl<R: Read + Seek> ZeroPadded<R> {
    /// Wraps `inner` (of `len` bytes, positioned at its start) to look `padded` long.
    pub fn new(inner: R, len: u64, padded: u64) -> Self {
        ZeroPadded {
            inner,
            len,
            padded: padded.max(len),
            pos: 0,
        }
    }
}

impl<R: Read + Seek> Read for ZeroPadded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pos < self.len {
            let room = (self.len - self.pos).min(buf.len() as u64) as usize;
            let n = self.inner.read(&mut buf[..room])?;
            self.pos += n as u64;
            return Ok(n);
        }
        let room = (self.padded.saturating_sub(self.pos)).min(buf.len() as u64) as usize;
        buf[..room].fill(0);
        self.pos += room as u64;
        Ok(room)
    }
}

impl<R: Read + Seek> Seek for ZeroPadded<R> {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        let target = match pos {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => self.padded.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        }
        .ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "seek before the start of the file",
            )
        })?;
        self.inner.seek(SeekFrom::Start(target.min(self.len)))?;
        self.pos = target;
        Ok(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[test]
    fn only_a_partial_last_chunk_is_a_cut() {
        assert_eq!(cut_chunk(100), None);
        assert_eq!(cut_chunk(HEADER_SIZE), None);
        assert_eq!(cut_chunk(HEADER_SIZE + 2 * CHUNK_SIZE), None);
        assert_eq!(
            cut_chunk(HEADER_SIZE + CHUNK_SIZE + 10),
            Some(CutChunk {
                number: 1,
                present: 10
            })
        );
    }

    fn record(size: u32) -> Vec<u8> {
        let mut r = b"**\0\0".to_vec();
        r.extend(size.to_le_bytes());
        r.resize(size as usize, 7);
        r
    }

    #[test]
    fn only_whole_records_are_kept() {
        let mut chunk = vec![1u8; CHUNK_HEADER_SIZE];
        chunk.extend(record(100));
        chunk.extend(record(60));
        let two = chunk.len();
        chunk.extend(&record(80)[..50]);
        assert_eq!(whole_records_end(&chunk), two);
        assert_eq!(
            whole_records_end(&chunk[..two - 1]),
            CHUNK_HEADER_SIZE + 100
        );
        assert_eq!(whole_records_end(&chunk[..10]), 10);
        let mut bad = vec![0u8; CHUNK_HEADER_SIZE];
        bad.extend(record(10));
        assert_eq!(whole_records_end(&bad), CHUNK_HEADER_SIZE);
    }

    #[test]
    fn reads_the_data_then_zeros_and_seeks_anywhere() {
        let mut r = ZeroPadded::new(Cursor::new(vec![1u8, 2, 3]), 3, 6);
        let mut all = Vec::new();
        r.read_to_end(&mut all).unwrap();
        assert_eq!(all, [1, 2, 3, 0, 0, 0]);
        assert_eq!(r.seek(SeekFrom::End(0)).unwrap(), 6);
        r.seek(SeekFrom::Start(2)).unwrap();
        let mut two = [9u8; 2];
        r.read_exact(&mut two).unwrap();
        assert_eq!(two, [3, 0]);
        r.seek(SeekFrom::Current(-3)).unwrap();
        let mut one = [9u8; 1];
        r.read_exact(&mut one).unwrap();
        assert_eq!(one, [2]);
        assert!(r.seek(SeekFrom::Current(-10)).is_err());
    }
}

//! Counts for `vigil stats`: events per source format, channel, event code and
//! host, and the time range covered. Read from fast columns, not stored documents.

use super::EventSearcher;
use super::schema::{STAT_CHANNEL, STAT_CODE, STAT_FORMAT, STAT_HOST, TIMESTAMP};
use crate::error::{Result, VigilError};
use serde::Serialize;
use std::collections::BTreeMap;

/// Summary of a workspace's contents.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct IndexStats {
    pub events: u64,
    pub first_ms: Option<i64>,
    pub last_ms: Option<i64>,
    pub by_format: BTreeMap<String, u64>,
    pub by_channel: BTreeMap<String, u64>,
    pub by_code: BTreeMap<String, u64>,
    pub by_host: BTreeMap<String, u64>,
}

impl EventSearcher {
    /// Computes the statistics over every live event.
    pub fn stats(&self) -> Result<IndexStats> {
        let err = |e: &dyn std::fmt::Display| VigilError::index(self.path(), e);
        let mut stats = IndexStats {
            events: self.count_all(),
            ..Default::default()
        };
        for segment in self.searcher().segment_readers() {
            let ff = segment.fast_fields();
            for (name, target) in [
                (STAT_FORMAT, &mut stats.by_format),
                (STAT_CHANNEL, &mut stats.by_channel),
                (STAT_CODE, &mut stats.by_code),
                (STAT_HOST, &mut stats.by_host),
            ] {
                let Some(col) = ff.str(name).map_err(|e| err(&e))? else {
                    continue;
                };
                let mut per_ord = vec![0u64; col.num_terms()];
                for doc in 0..segment.max_doc() {
                    if segment.is_deleted(doc) {
                        continue;
                    }
                    for ord in col.term_ords(doc) {
                        if let Some(slot) = per_ord.get_mut(ord as usize) {
                            *slot += 1;
                        }
                    }
                }
                let mut name_buf = String::new();
                for (ord, n) in per_ord.into_iter().enumerate() {
                    if n == 0 {
                        continue;
                    }
                    name_buf.clear();
                    if col
                        .ord_to_str(ord as u64, &mut name_buf)
                        .map_err(|e| err(&e))?
                    {
                        let key = if name_buf.is_empty() {
                            "(none)".to_string()
                        } else {
                            name_buf.clone()
                        };
                        *target.entry(key).or_default() += n;
                    }
                }
            }
            if segment.num_docs() > 0 {
                let ts = ff.date(TIMESTAMP).map_err(|e| err(&e))?;
                let (lo, hi) = (
                    ts.min_value().into_timestamp_millis(),
                    ts.max_value().into_timestamp_millis(),
                );
                stats.first_ms = Some(stats.first_ms.map_or(lo, |v| v.min(lo)));
                stats.last_ms = Some(stats.last_ms.map_or(hi, |v| v.max(hi)));
            }
        }
        Ok(stats)
    }
}

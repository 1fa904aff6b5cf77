//! What an import did, per file and in total, for the analyst and for scripts.

use serde::Serialize;
use std::collections::BTreeMap;

/// At most this many problem messages are kept in the summary (all are reported live).
pub const MAX_KEPT_PROBLEMS: usize = 1000;

/// Outcome of one input file.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct FileReport {
    pub path: String,
    /// Container detected ("EVTX", "JSON lines", "gzip JSON array"...), if any.
    pub container: Option<String>,
    /// Events per source format (evtx, ecs, nxlog, evtx_json, defender).
    pub formats: BTreeMap<String, u64>,
    pub new: u64,
    pub already_present: u64,
    pub rejected: u64,
    /// Why the whole file was not imported (unrecognised format, unreadable...).
    pub file_error: Option<String>,
}

/// Outcome of an import run.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct ImportSummary {
    pub files: Vec<FileReport>,
    pub new: u64,
    pub already_present: u64,
    pub rejected: u64,
    pub unreadable_files: u64,
    pub bytes: u64,
    pub elapsed_ms: u64,
    /// Rule matches returned by the evaluator (on events and at finish).
    pub rule_matches: usize,
    /// Events re-tagged in the index after the evaluator finished.
    pub retagged: usize,
    /// The first [`MAX_KEPT_PROBLEMS`] problem reports (`path:line: reason`).
    pub problems: Vec<String>,
    pub problems_total: u64,
}

/// Process exit status of an import (documented in README and `vigil import --help`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStatus {
    /// Every record of every file was imported (or already present).
    Complete = 0,
    /// Some records or files were rejected; the rest was imported.
    Partial = 3,
    /// Nothing could be imported.
    Nothing = 4,
}

impl ImportSummary {
    pub fn status(&self) -> ImportStatus {
        if self.new + self.already_present == 0 {
            ImportStatus::Nothing
        } else if self.rejected > 0 || self.unreadable_files > 0 || self.problems_total > 0 {
            ImportStatus::Partial
        } else {
            ImportStatus::Complete
        }
    }

    /// The human-readable summary printed at the end of `vigil import`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for f in &self.files {
            match &f.file_error {
                Some(e) => out.push_str(&format!("{}: not imported: {e}\n", f.path)),
                None => {
                    let formats: Vec<String> =
                        f.formats.iter().map(|(k, v)| format!("{k} {v}")).collect();
                    out.push_str(&format!(
                        "{}: {} ({}): {} new, {} already present{}\n",
                        f.path,
                        f.container.as_deref().unwrap_or("?"),
                        if formats.is_empty() {
                            "no events".to_string()
                        } else {
                            formats.join(", ")
                        },
                        f.new,
                        f.already_present,
                        if f.rejected > 0 {
                            format!(", {} rejected", f.rejected)
                        } else {
                            String::new()
                        }
                    ));
                }
            }
        }
        let secs = self.elapsed_ms as f64 / 1000.0;
        let total = self.new + self.already_present;
        let rate = if secs > 0.0 { total as f64 / secs } else { 0.0 };
        out.push_str(&format!(
            "imported {} files: {} new events, {} already present, {} rejected records, {} files \
             not imported ({:.1} MB in {:.1}s, {:.0} events/s)\n",
            self.files.len(),
            self.new,
            self.already_present,
            self.rejected,
            self.unreadable_files,
            self.bytes as f64 / 1e6,
            secs,
            rate
        ));
        if self.rule_matches > 0 {
            out.push_str(&format!(
                "detection: {} rule matches, {} events re-tagged\n",
                self.rule_matches, self.retagged
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes() {
        let mut s = ImportSummary::default();
        assert_eq!(s.status(), ImportStatus::Nothing);
        s.already_present = 3;
        assert_eq!(s.status(), ImportStatus::Complete);
        s.rejected = 1;
        assert_eq!(s.status(), ImportStatus::Partial);
        assert_eq!(ImportStatus::Partial as i32, 3);
        assert_eq!(ImportStatus::Nothing as i32, 4);
    }
}

//! Long work shared by the CLI and the interface's background worker: importing files
//! with detection, then recording the alerts.

use crate::detect::{Recorded, record_matches};
use crate::error::Result;
use crate::ingest::pipeline::{ImportObserver, ImportOutcome, import_paths};
use crate::rules::api::Evaluator;
use crate::rules::catalog::Catalog;
use crate::workspace::Workspace;
use std::path::PathBuf;

/// Imports `paths` into `ws`, evaluating `catalog`'s rules on the way when given, and
/// records the alerts. The writer lock is held only while importing.
pub fn import_and_detect(
    ws: &Workspace,
    paths: &[PathBuf],
    catalog: Option<&Catalog>,
    observer: &mut dyn ImportObserver,
    now_ms: i64,
) -> Result<(ImportOutcome, Option<Recorded>)> {
    let outcome = {
        let mut writer = ws.writer()?;
        let mut evaluator = catalog.map(Catalog::evaluator);
        let outcome = import_paths(
            &mut writer,
            paths,
            evaluator.as_mut().map(|e| e as &mut dyn Evaluator),
            observer,
        )?;
        drop(evaluator);
        writer.close()?;
        outcome
    };
    let recorded = match catalog {
        Some(c) => Some(record_matches(ws, &c.ready(), &outcome.matches, now_ms)?),
        None => None,
    };
    Ok((outcome, recorded))
}

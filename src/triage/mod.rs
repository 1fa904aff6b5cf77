//! The analyst's workflow around one alert: the rule's guide as a checklist with pivots,
//! exceptions made from false positives, and the process tree of the alert's process.

pub mod exceptions;
pub mod glob;
pub mod guide;
pub mod pivot;
pub mod precedent;
pub mod tree;

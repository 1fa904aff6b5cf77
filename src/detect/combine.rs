//! One evaluator over several rule sets (Elastic and Sigma rules run in the same pass).

use crate::model::Event;
use crate::rules::api::{Evaluator, RuleMatch};

/// Feeds every event to each inner evaluator in turn.
pub struct Combined<'a> {
    inner: Vec<Box<dyn Evaluator + 'a>>,
}

impl<'a> Combined<'a> {
    pub fn new(inner: Vec<Box<dyn Evaluator + 'a>>) -> Self {
        Self { inner }
    }
}

impl Evaluator for Combined<'_> {
    fn on_event(&mut self, event: &Event, out: &mut Vec<RuleMatch>) {
        for ev in &mut self.inner {
            ev.on_event(event, out);
        }
    }

    fn finish(&mut self, out: &mut Vec<RuleMatch>) {
        for ev in &mut self.inner {
            ev.finish(out);
        }
    }

    fn shortfalls(&self) -> Vec<String> {
        self.inner.iter().flat_map(|ev| ev.shortfalls()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    /// Matches events whose `event.code` equals the given code; reports a count at finish.
    struct CodeRule {
        code: &'static str,
        seen: usize,
    }

    impl Evaluator for CodeRule {
        fn on_event(&mut self, event: &Event, out: &mut Vec<RuleMatch>) {
            if event.str_field("event.code") == Some(self.code) {
                self.seen += 1;
                out.push(RuleMatch {
                    rule_id: self.code.to_string(),
                    events: vec![(event.id.clone(), event.timestamp_ms)],
                    fields: BTreeMap::new(),
                });
            }
        }
        fn finish(&mut self, out: &mut Vec<RuleMatch>) {
            let mut fields = BTreeMap::new();
            fields.insert("count".into(), self.seen.to_string());
            out.push(RuleMatch {
                rule_id: format!("{}-count", self.code),
                events: vec![],
                fields,
            });
        }
    }

    #[test]
    fn every_inner_evaluator_sees_every_event() {
        let mut a = CodeRule {
            code: "4720",
            seen: 0,
        };
        let mut b = CodeRule {
            code: "4732",
            seen: 0,
        };
        let mut combined = Combined::new(vec![Box::new(&mut a), Box::new(&mut b)]);
        let mut out = vec![];
        for (i, code) in ["4720", "4732", "4720"].iter().enumerate() {
            let ev = Event {
                id: format!("e{i}"),
                timestamp_ms: i as i64,
                doc: json!({"event": {"code": code}}),
                original: String::new(),
            };
            combined.on_event(&ev, &mut out);
        }
        combined.finish(&mut out);
        let ids: Vec<_> = out.iter().map(|m| m.rule_id.as_str()).collect();
        assert_eq!(ids, ["4720", "4732", "4720", "4720-count", "4732-count"]);
        assert_eq!(out[3].fields["count"], "2");
    }

    impl Evaluator for &mut CodeRule {
        fn on_event(&mut self, event: &Event, out: &mut Vec<RuleMatch>) {
            (**self).on_event(event, out);
        }
        fn finish(&mut self, out: &mut Vec<RuleMatch>) {
            (**self).finish(out);
        }
    }
}

//! Parses the stateful query forms: `sequence` (shared `by`, `with maxspan`, items with
//! their own `by`, `with runs`, `![...]` missing events, `until`) and `sample by`, and checks
//! the structural rules Elasticsearch enforces on them.

use super::ast::{Sample, SeqItem, Sequence};
use super::error::{EqlError, Pos};
use super::lexer::Tok;
use super::parser::{Parser, describe};

impl Parser {
    pub(super) fn sequence(&mut self) -> Result<Sequence, EqlError> {
        let mut by = Vec::new();
        let mut maxspan_ms = None;
        loop {
            if by.is_empty() && self.eat_word("by") {
                by = self.field_list()?;
            } else if maxspan_ms.is_none() && self.at_word("with") {
                self.advance();
                maxspan_ms = Some(self.maxspan()?);
            } else {
                break;
            }
        }
        let mut items = Vec::new();
        while matches!(self.peek(), Tok::LBracket | Tok::Bang) {
            items.push(self.item(true)?);
        }
        let until = if self.eat_word("until") {
            let item = self.item(false)?;
            Some(item)
        } else {
            None
        };
        let seq = Sequence {
            by,
            maxspan_ms,
            items,
            until,
        };
        check_sequence(&seq, self.pos())?;
        Ok(seq)
    }

    pub(super) fn sample(&mut self) -> Result<Sample, EqlError> {
        let mut by = Vec::new();
        if self.eat_word("by") {
            by = self.field_list()?;
        }
        if self.at_word("with") {
            return Err(EqlError::at(
                self.pos(),
                "sample does not accept 'with' (maxspan and runs are sequence-only)",
            ));
        }
        let mut items = Vec::new();
        while matches!(self.peek(), Tok::LBracket | Tok::Bang) {
            let item = self.item(false)?;
            if item.runs != 1 {
                return Err(EqlError::at(
                    item.pos,
                    "sample items do not accept 'with runs'",
                ));
            }
            items.push(item);
        }
        if self.at_word("until") {
            return Err(EqlError::at(self.pos(), "sample does not accept 'until'"));
        }
        if items.len() < 2 {
            return Err(self.unexpected("at least two [ ... ] filters in the sample"));
        }
        if by.is_empty() && items.iter().any(|i| i.by.is_empty()) {
            return Err(EqlError::at(
                items[0].pos,
                "a sample needs join keys: add 'by FIELD' after 'sample' or after every filter",
            ));
        }
        Ok(Sample { by, items })
    }

    fn item(&mut self, allow_missing: bool) -> Result<SeqItem, EqlError> {
        let pos = self.pos();
        let missing = self.eat(&Tok::Bang);
        if missing && !allow_missing {
            return Err(EqlError::at(
                pos,
                "a missing-event clause ![...] is only allowed among sequence items",
            ));
        }
        self.expect(&Tok::LBracket)?;
        let query = self.event_query()?;
        self.expect(&Tok::RBracket)?;
        let by = if self.eat_word("by") {
            self.field_list()?
        } else {
            Vec::new()
        };
        let mut runs = 1;
        if self.at_word("with") && self.word_at(1, "runs") {
            self.advance();
            self.advance();
            self.expect(&Tok::Assign)?;
            let rpos = self.pos();
            runs = match self.advance() {
                Tok::Int(n) if (1..=100).contains(&n) => u32::try_from(n).unwrap_or(1),
                other => {
                    return Err(EqlError::at(
                        rpos,
                        format!(
                            "runs must be a whole number from 1 to 100, found {}",
                            describe(&other)
                        ),
                    ));
                }
            };
            if missing {
                return Err(EqlError::at(
                    rpos,
                    "a missing-event clause cannot have 'with runs'",
                ));
            }
        }
        Ok(SeqItem {
            query,
            by,
            missing,
            runs,
            pos,
        })
    }

    fn maxspan(&mut self) -> Result<i64, EqlError> {
        self.expect_word("maxspan")?;
        self.expect(&Tok::Assign)?;
        let pos = self.pos();
        let Tok::Int(n) = self.advance() else {
            return Err(EqlError::at(
                pos,
                "maxspan needs a duration such as 30s, 15m, 1h or 500ms",
            ));
        };
        let upos = self.pos();
        let unit = match self.advance() {
            Tok::Word { text, tilde: false } => text,
            _ => {
                return Err(EqlError::at(
                    upos,
                    format!("maxspan={n} needs a time unit: ms, s, m, h or d (for example {n}s)"),
                ));
            }
        };
        let to_ms = |mult: i64| n.checked_mul(mult);
        let ms = match unit.as_str() {
            "nanos" => Some(n / 1_000_000),
            "micros" => Some(n / 1_000),
            "ms" => Some(n),
            "s" => to_ms(1_000),
            "m" => to_ms(60_000),
            "h" => to_ms(3_600_000),
            "d" => to_ms(86_400_000),
            other => {
                return Err(EqlError::at(
                    upos,
                    format!("unknown time unit \"{other}\" in maxspan; use ms, s, m, h or d"),
                ));
            }
        };
        ms.ok_or_else(|| EqlError::at(pos, "maxspan is too large"))
    }
}

fn check_sequence(seq: &Sequence, end: Pos) -> Result<(), EqlError> {
    let expanded: u32 = seq.items.iter().map(|i| i.runs).sum();
    if expanded < 2 {
        return Err(EqlError::at(
            seq.items.first().map(|i| i.pos).unwrap_or(end),
            "a sequence needs at least two [ ... ] items",
        ));
    }
    let first = seq.items.first().map(|i| i.pos).unwrap_or(end);
    if seq.items.iter().all(|i| i.missing) {
        return Err(EqlError::at(
            first,
            "a sequence needs at least one positive [ ... ] item besides missing-event clauses",
        ));
    }
    if let Some(m) = seq.items.iter().find(|i| i.missing)
        && seq.maxspan_ms.is_none()
    {
        return Err(EqlError::at(
            m.pos,
            "missing-event clauses ![...] require 'with maxspan=...' on the sequence",
        ));
    }
    let key_count = seq.items.first().map(|i| i.by.len()).unwrap_or(0);
    for item in seq.items.iter().chain(seq.until.iter()) {
        if item.by.len() != key_count {
            return Err(EqlError::at(
                item.pos,
                format!(
                    "every sequence item must have the same number of 'by' keys: this one has {}, the first has {key_count}",
                    item.by.len()
                ),
            ));
        }
    }
    Ok(())
}

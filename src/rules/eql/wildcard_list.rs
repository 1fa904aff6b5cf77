//! The pattern list of one `:`/`like` test (`process.args : ("C:\\PerfLogs\\*", ...)`),
//! matched as a whole. Real rules list up to ~60 whole values, prefixes and suffixes per
//! field; testing them one by one was most of the condition cost. Here the ASCII ones go
//! into one hash table, and an ASCII value is hashed once while walking its bytes: the
//! running hash after `n` bytes is the key of its `n`-byte prefix (from the end, of its
//! suffix), so each needle length costs one probe. Non-ASCII values and patterns keep the
//! one-by-one path, whose character folding the table does not model.

use super::text::{Affix, Wildcard};

const K: u64 = 0x517c_c1b7_2722_0a95;
/// Lists with fewer table-able patterns than this are tested one by one.
const MIN_TABLE: usize = 3;

fn step(h: u64, b: u8) -> u64 {
    (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K)
}

fn finish(h: u64, kind: Affix) -> u64 {
    let tag = match kind {
        Affix::Exact => 1,
        Affix::Prefix => 2,
        Affix::Suffix => 3,
    };
    let mut h = h ^ (tag << 58);
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

/// A pattern's literal shape and folded text.
type Literal = (Affix, Vec<u8>);

#[derive(Debug)]
struct Entry {
    key: u64,
    kind: Affix,
    /// The pattern text (folded when the list is case-insensitive).
    text: Box<[u8]>,
}

/// Whole values, prefixes and suffixes of one list, all ASCII.
#[derive(Debug)]
struct AffixTable {
    insensitive: bool,
    /// Byte lengths of the whole values (bit 63: 63 and more).
    exact_lens: u64,
    /// Distinct byte lengths of the prefixes and of the suffixes, ascending.
    prefix_lens: Vec<usize>,
    suffix_lens: Vec<usize>,
    /// Open addressing: entry position + 1, 0 = empty.
    slots: Vec<u32>,
    entries: Vec<Entry>,
}

impl AffixTable {
    fn build(insensitive: bool, affixes: Vec<Literal>) -> AffixTable {
        let mut table = AffixTable {
            insensitive,
            exact_lens: 0,
            prefix_lens: Vec::new(),
            suffix_lens: Vec::new(),
            slots: vec![0; (affixes.len() * 2).next_power_of_two()],
            entries: Vec::new(),
        };
        for (kind, text) in affixes {
            let key = match kind {
                Affix::Exact => {
                    table.exact_lens |= 1 << text.len().min(63);
                    finish(text.iter().fold(0, |h, &b| step(h, b)), kind)
                }
                Affix::Prefix => {
                    table.prefix_lens.push(text.len());
                    finish(text.iter().fold(0, |h, &b| step(h, b)), kind)
                }
                Affix::Suffix => {
                    table.suffix_lens.push(text.len());
                    finish(text.iter().rev().fold(0, |h, &b| step(h, b)), kind)
                }
            };
            let entry = Entry {
                key,
                kind,
                text: text.into(),
            };
            if table
                .entries
                .iter()
                .any(|e| e.kind == entry.kind && e.text == entry.text)
            {
                continue;
            }
            let mask = table.slots.len() - 1;
            let mut at = (key as usize) & mask;
            while table.slots.get(at).is_some_and(|&s| s != 0) {
                at = (at + 1) & mask;
            }
            table.entries.push(entry);
            if let Some(s) = table.slots.get_mut(at) {
                *s = u32::try_from(table.entries.len()).unwrap_or(0);
            }
        }
        for lens in [&mut table.prefix_lens, &mut table.suffix_lens] {
            lens.sort_unstable();
            lens.dedup();
        }
        table
    }

    fn byte(&self, b: u8) -> u8 {
        if self.insensitive {
            b.to_ascii_lowercase()
        } else {
            b
        }
    }

    /// Whether an entry of `kind` with hash `key` equals `part` of the value.
    fn probe(&self, kind: Affix, key: u64, part: &[u8]) -> bool {
        let mask = self.slots.len() - 1;
        let mut at = (key as usize) & mask;
        while let Some(&s) = self.slots.get(at) {
            let Some(e) = (s as usize)
                .checked_sub(1)
                .and_then(|i| self.entries.get(i))
            else {
                return false;
            };
            if e.key == key
                && e.kind == kind
                && if self.insensitive {
                    part.eq_ignore_ascii_case(&e.text)
                } else {
                    *part == *e.text
                }
            {
                return true;
            }
            at = (at + 1) & mask;
        }
        false
    }

    /// Whether some entry fits the ASCII `value`.
    fn matches(&self, value: &[u8]) -> bool {
        if self.exact_lens & (1 << value.len().min(63)) != 0 {
            let h = value.iter().fold(0, |h, &b| step(h, self.byte(b)));
            if self.probe(Affix::Exact, finish(h, Affix::Exact), value) {
                return true;
            }
        }
        let mut h = 0;
        let mut done = 0;
        for &len in self.prefix_lens.iter().take_while(|&&l| l <= value.len()) {
            let Some(head) = value.get(..len) else { break };
            h = head[done..].iter().fold(h, |h, &b| step(h, self.byte(b)));
            done = len;
            if self.probe(Affix::Prefix, finish(h, Affix::Prefix), head) {
                return true;
            }
        }
        let mut h = 0;
        let mut done = 0;
        for &len in self.suffix_lens.iter().take_while(|&&l| l <= value.len()) {
            let Some(tail) = value.get(value.len() - len..) else {
                break;
            };
            let fresh = &tail[..len - done];
            h = fresh.iter().rev().fold(h, |h, &b| step(h, self.byte(b)));
            done = len;
            if self.probe(Affix::Suffix, finish(h, Affix::Suffix), tail) {
                return true;
            }
        }
        false
    }
}

/// The patterns of one test, true when any of them matches.
#[derive(Debug)]
pub struct WildcardList {
    items: Vec<Wildcard>,
    /// Tables by the number of leading `?` their patterns skip (one ASCII byte each).
    tables: Vec<(usize, AffixTable)>,
    /// With tables: the positions of the patterns they do not hold.
    rest: Vec<usize>,
}

impl WildcardList {
    pub fn new(items: Vec<Wildcard>) -> WildcardList {
        let mut lanes: Vec<(usize, Vec<Literal>)> = Vec::new();
        let mut rest = Vec::new();
        let mut held = 0;
        let insensitive = items.first().is_some_and(Wildcard::insensitive);
        for (i, w) in items.iter().enumerate() {
            match w.affix() {
                Some((kind, skip, text)) if text.is_ascii() && w.insensitive() == insensitive => {
                    let entry = (kind, text.into_bytes());
                    match lanes.iter_mut().find(|(s, _)| *s == skip) {
                        Some((_, lane)) => lane.push(entry),
                        None => lanes.push((skip, vec![entry])),
                    }
                    held += 1;
                }
                _ => rest.push(i),
            }
        }
        if held < MIN_TABLE {
            return WildcardList {
                items,
                tables: Vec::new(),
                rest: Vec::new(),
            };
        }
        let tables = lanes
            .into_iter()
            .map(|(skip, lane)| (skip, AffixTable::build(insensitive, lane)))
            .collect();
        WildcardList {
            items,
            tables,
            rest,
        }
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Wildcard> {
        self.items.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Whether some pattern matches `value`, as `Wildcard::matches` on each would say.
    pub fn matches(&self, value: &str) -> bool {
        if self.tables.is_empty() || !value.is_ascii() {
            return self.items.iter().any(|w| w.matches(value));
        }
        let bytes = value.as_bytes();
        self.tables
            .iter()
            .any(|(skip, t)| bytes.get(*skip..).is_some_and(|tail| t.matches(tail)))
            || self
                .rest
                .iter()
                .filter_map(|&i| self.items.get(i))
                .any(|w| w.matches(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn one_by_one(ws: &[Wildcard], v: &str) -> bool {
        ws.iter().any(|w| w.matches(v))
    }

    #[test]
    fn table_agrees_with_one_by_one_on_real_shapes() {
        let patterns = [
            "C:\\PerfLogs\\*",
            "C:\\Users\\Public\\*",
            "c:\\windows\\ime\\*",
            "*\\rundll32.exe",
            "*.dll",
            "cmd.exe",
            "WScript.exe",
            "*\\AppData\\*",
            "?:\\Windows\\*.exe",
            "?:\\Windows\\System32\\svchost.exe",
            "?:\\Program Files\\*",
            "??x",
            "?",
            "é*",
            "*\u{212a}",
            "",
            "*",
        ];
        let values = [
            "c:\\perflogs\\x.exe",
            "C:\\PERFLOGS\\",
            "C:\\PerfLogs",
            "C:\\Windows\\IME\\a",
            "x\\RUNDLL32.EXE",
            "a.DLL",
            "CMD.EXE",
            "wscript.exe",
            "C:\\Users\\bob\\AppData\\x",
            "D:\\Windows\\a.exe",
            "c:\\windows\\system32\\SVCHOST.EXE",
            "é:\\Windows\\System32\\svchost.exe",
            "E:\\Program Files\\x",
            "abx",
            "x",
            "ÉTÉ",
            "\u{212a}",
            "k",
            "",
            "ne\u{212a}",
        ];
        for ci in [true, false] {
            let ws: Vec<Wildcard> = patterns.iter().map(|p| Wildcard::new(p, ci)).collect();
            let list = WildcardList::new(ws.clone());
            assert!(!list.tables.is_empty(), "long lists get a table");
            for v in values {
                assert_eq!(list.matches(v), one_by_one(&ws, v), "{v} (ci {ci})");
            }
        }
    }

    fn pattern() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(vec![
                "a", "B", "ab", "\\", ".", "*", "?", "é", "\u{212a}", "k",
            ]),
            0..5,
        )
        .prop_map(|parts| parts.concat())
    }

    fn value() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(vec![
                "a", "A", "b", "B", "\\", ".", "é", "É", "\u{212a}", "K",
            ]),
            0..7,
        )
        .prop_map(|parts| parts.concat())
    }

    /// The general wildcard matcher, which knows no shapes: the reference for the
    /// shortcuts of `Wildcard::matches` and of the table.
    fn reference(pattern: &str, v: &str, ci: bool) -> bool {
        use crate::rules::eql::glob::{PatChar, glob};
        use crate::rules::eql::text::fold;
        let text = if ci {
            fold(pattern)
        } else {
            pattern.to_string()
        };
        let pat: Vec<PatChar> = text
            .chars()
            .map(|c| match c {
                '*' => PatChar::Any,
                '?' => PatChar::One,
                c => PatChar::Lit(c),
            })
            .collect();
        glob(&pat, v, ci)
    }

    proptest! {
        #[test]
        fn each_pattern_agrees_with_the_general_matcher(
            p in pattern(),
            vals in prop::collection::vec(value(), 1..12),
            ci in any::<bool>(),
        ) {
            let w = Wildcard::new(&p, ci);
            for v in &vals {
                prop_assert_eq!(w.matches(v), reference(&p, v, ci), "{} vs {}", v, p);
            }
        }

        #[test]
        fn any_list_agrees_with_one_by_one(
            pats in prop::collection::vec(pattern(), 0..12),
            vals in prop::collection::vec(value(), 1..12),
            ci in any::<bool>(),
        ) {
            let ws: Vec<Wildcard> = pats.iter().map(|p| Wildcard::new(p, ci)).collect();
            let list = WildcardList::new(ws.clone());
            for v in &vals {
                prop_assert_eq!(list.matches(v), one_by_one(&ws, v), "{} vs {:?}", v, pats);
            }
        }
    }
}

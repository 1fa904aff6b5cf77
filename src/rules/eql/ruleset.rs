//! A set of compiled EQL rules with the shared dispatch tables that make many rules cheap:
//! every filter (an event query, or one sequence/sample item) is a "unit" filed under its
//! event category, and, when it has a literal requirement, under (field, folded needle) so
//! that an event only reaches the filters whose literals it carries. Each filter is filed
//! under its rarest requirement across the set; inner literals of one field share one
//! aho-corasick automaton.

use super::cond::FieldPath;
use super::evaluator::EqlEvaluator;
use super::field_tree::FieldTree;
use super::literal_hash::LiteralMap;
use super::prefilter::{Requirement, choose, options};
use super::query::{EqlQuery, Filter, KeyField, Kind};
use super::slots::assign_slots;
use super::text::Needle;
use aho_corasick::AhoCorasick;
use std::collections::{BTreeMap, HashMap, HashSet};

#[derive(Debug, Clone, Copy)]
pub(crate) struct Unit {
    pub rule: usize,
    /// Index into the rule's filters: sequence/sample stages in order, then `until`.
    pub filter: usize,
    /// For sequence/sample items, the number of their join-key field list among the
    /// distinct lists of the set: items with the same list share one key per event.
    pub key_list: u32,
}

/// Units reachable for one event category (or for any category).
#[derive(Debug, Default)]
pub(crate) struct Bucket {
    /// Units evaluated for every event of the category.
    pub plain: Vec<u32>,
    /// Units evaluated only when a value of the field fits one of their needles.
    pub index: Vec<FieldIndex>,
}

/// Needles of one field: folded whole values, prefixes/suffixes grouped by length in
/// characters so that one hash lookup per length decides, and inner literals matched
/// together by one automaton.
#[derive(Debug)]
pub(crate) struct FieldIndex {
    pub field: FieldPath,
    pub exact: LiteralMap<String, Vec<u32>>,
    pub prefix: BTreeMap<usize, LiteralMap<String, Vec<u32>>>,
    pub suffix: BTreeMap<usize, LiteralMap<String, Vec<u32>>>,
    /// Inner literals with their units, until `seal` builds `contains`.
    inner: LiteralMap<String, Vec<u32>>,
    /// The automaton over the inner literals and, by pattern id, their units.
    pub contains: Option<(AhoCorasick, Vec<Vec<u32>>)>,
    /// Quick rejections before hashing (see `NeedleBits`).
    pub bits: NeedleBits,
}

/// What a folded value must look like for some needle of a field to fit it: byte
/// lengths of the whole values (63 stands for 63 and more), first bytes of the prefixes
/// and last bytes of the suffixes. Most values of a field fail these tests, and each
/// costs a bit test instead of hashing the value.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct NeedleBits {
    exact_lens: u64,
    prefix_first: [u64; 4],
    suffix_last: [u64; 4],
}

fn set_bit(bits: &mut [u64; 4], b: u8) {
    bits[usize::from(b >> 6)] |= 1 << (b & 63);
}

fn has_bit(bits: &[u64; 4], b: Option<&u8>) -> bool {
    b.is_some_and(|&b| bits[usize::from(b >> 6)] & (1 << (b & 63)) != 0)
}

impl NeedleBits {
    fn of(fi: &FieldIndex) -> NeedleBits {
        let mut bits = NeedleBits::default();
        for k in fi.exact.keys() {
            bits.exact_lens |= 1 << k.len().min(63);
        }
        for k in fi.prefix.values().flat_map(|m| m.keys()) {
            match k.as_bytes().first() {
                Some(&b) => set_bit(&mut bits.prefix_first, b),
                None => bits.prefix_first = [u64::MAX; 4],
            }
        }
        for k in fi.suffix.values().flat_map(|m| m.keys()) {
            match k.as_bytes().last() {
                Some(&b) => set_bit(&mut bits.suffix_last, b),
                None => bits.suffix_last = [u64::MAX; 4],
            }
        }
        bits
    }

    /// Whether a folded value could equal some whole-value needle.
    pub fn may_equal(&self, folded: &str) -> bool {
        self.exact_lens & (1 << folded.len().min(63)) != 0
    }

    /// Whether a folded value could start with some prefix needle (`true` for an empty
    /// value only when an empty prefix exists).
    pub fn may_start(&self, folded: &str) -> bool {
        self.prefix_first == [u64::MAX; 4] || has_bit(&self.prefix_first, folded.as_bytes().first())
    }

    pub fn may_end(&self, folded: &str) -> bool {
        self.suffix_last == [u64::MAX; 4] || has_bit(&self.suffix_last, folded.as_bytes().last())
    }
}

fn add_unit(map: &mut LiteralMap<String, Vec<u32>>, key: String, unit: u32) {
    let list = map.entry(key).or_default();
    if !list.contains(&unit) {
        list.push(unit);
    }
}

impl Bucket {
    fn add(&mut self, unit: u32, req: Option<Requirement>) {
        let Some(req) = req else {
            self.plain.push(unit);
            return;
        };
        for (field, needles) in req {
            let pos = match self.index.iter().position(|fi| fi.field == field) {
                Some(p) => p,
                None => {
                    self.index.push(FieldIndex {
                        field,
                        exact: LiteralMap::default(),
                        prefix: BTreeMap::new(),
                        suffix: BTreeMap::new(),
                        inner: LiteralMap::default(),
                        contains: None,
                        bits: NeedleBits::default(),
                    });
                    self.index.len() - 1
                }
            };
            let Some(fi) = self.index.get_mut(pos) else {
                continue;
            };
            for n in needles {
                match n {
                    Needle::Exact(v) => add_unit(&mut fi.exact, v, unit),
                    Needle::Prefix(v) => {
                        let len = v.chars().count();
                        add_unit(fi.prefix.entry(len).or_default(), v, unit);
                    }
                    Needle::Suffix(v) => {
                        let len = v.chars().count();
                        add_unit(fi.suffix.entry(len).or_default(), v, unit);
                    }
                    Needle::Contains(v) => add_unit(&mut fi.inner, v, unit),
                }
            }
        }
    }

    /// Builds the automata once every unit is filed. An automaton that cannot be built
    /// (it never fails for plain literals) sends its units to the unindexed list, which
    /// costs speed, never a match.
    fn seal(&mut self) {
        for fi in &mut self.index {
            fi.bits = NeedleBits::of(fi);
            if fi.inner.is_empty() {
                continue;
            }
            let mut entries: Vec<(String, Vec<u32>)> =
                std::mem::take(&mut fi.inner).into_iter().collect();
            entries.sort();
            let (patterns, units): (Vec<String>, Vec<Vec<u32>>) = entries.into_iter().unzip();
            match AhoCorasick::new(&patterns) {
                Ok(ac) => fi.contains = Some((ac, units)),
                Err(_) => {
                    for u in units.into_iter().flatten() {
                        if !self.plain.contains(&u) {
                            self.plain.push(u);
                        }
                    }
                }
            }
        }
    }
}

/// Compiled EQL rules, evaluated together.
#[derive(Debug)]
pub struct EqlRuleSet {
    pub(crate) rules: Vec<(String, EqlQuery)>,
    pub(crate) units: Vec<Unit>,
    pub(crate) by_category: LiteralMap<String, Bucket>,
    pub(crate) any: Bucket,
    /// `event.category`, read through the memo like every other field.
    pub(crate) category_field: FieldPath,
    /// Every field path the rules read (memo size per event: its node count).
    pub(crate) fields: FieldTree,
    /// Number of distinct join-key field lists (see `Unit::key_list`).
    pub(crate) key_lists: usize,
}

impl EqlRuleSet {
    /// Builds the set from (rule id, compiled query) pairs.
    pub fn new(mut rules: Vec<(String, EqlQuery)>) -> Self {
        let mut fields = assign_slots(rules.iter_mut().map(|(_, q)| q));
        let category_field =
            FieldPath::with_slot("event.category", None, fields.insert("event.category"));
        let mut set = EqlRuleSet {
            rules,
            units: Vec::new(),
            by_category: LiteralMap::default(),
            any: Bucket::default(),
            category_field,
            fields,
            key_lists: 0,
        };
        // Every filter's indexable conjuncts, then how many filters share each needle.
        let mut all_options: Vec<Vec<Requirement>> = Vec::new();
        let mut shared: HashMap<(String, Needle), usize> = HashMap::new();
        for (_, q) in &set.rules {
            for filter in q.filters() {
                let opts = options(&filter.cond);
                let mut mine: HashSet<(String, Needle)> = HashSet::new();
                for (f, needles) in opts.iter().flatten() {
                    for n in needles {
                        mine.insert((f.path.clone(), n.clone()));
                    }
                }
                for k in mine {
                    *shared.entry(k).or_default() += 1;
                }
                all_options.push(opts);
            }
        }
        let count = |path: &str, n: &Needle| {
            shared
                .get(&(path.to_string(), n.clone()))
                .copied()
                .unwrap_or(1)
        };
        let mut opts = all_options.iter();
        let mut key_lists: Vec<&[KeyField]> = Vec::new();
        for (ri, (_, q)) in set.rules.iter().enumerate() {
            for (fi, filter) in q.filters().into_iter().enumerate() {
                let id = u32::try_from(set.units.len()).unwrap_or(u32::MAX);
                let keys = q.stage(fi).map_or(&[][..], |st| &st.keys[..]);
                let key_list = match key_lists.iter().position(|k| *k == keys) {
                    Some(p) => p,
                    None => {
                        key_lists.push(keys);
                        key_lists.len() - 1
                    }
                };
                set.units.push(Unit {
                    rule: ri,
                    filter: fi,
                    key_list: u32::try_from(key_list).unwrap_or(u32::MAX),
                });
                let bucket = match &filter.category {
                    Some(c) => set.by_category.entry(c.clone()).or_default(),
                    None => &mut set.any,
                };
                let chosen = opts.next().and_then(|o| choose(o, &count));
                bucket.add(id, chosen);
            }
        }
        set.key_lists = key_lists.len();
        set.any.seal();
        set.by_category.values_mut().for_each(Bucket::seal);
        set
    }

    /// The rules in the order given.
    pub fn rules(&self) -> &[(String, EqlQuery)] {
        &self.rules
    }

    /// A fresh evaluator for one detection run.
    pub fn evaluator(&self) -> EqlEvaluator<'_> {
        EqlEvaluator::new(self)
    }

    pub(crate) fn filter(&self, unit: Unit) -> Option<&Filter> {
        let (_, q) = self.rules.get(unit.rule)?;
        match &q.kind {
            Kind::Event(f) => (unit.filter == 0).then_some(f),
            Kind::Sequence(s) => match s.stages.get(unit.filter) {
                Some(st) => Some(&st.filter),
                None if unit.filter == s.stages.len() => s.until.as_ref().map(|u| &u.filter),
                None => None,
            },
            Kind::Sample(s) => s.stages.get(unit.filter).map(|st| &st.filter),
        }
    }
}

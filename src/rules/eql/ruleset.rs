//! A set of compiled EQL rules with the shared dispatch tables that make many rules cheap:
//! every filter (an event query, or one sequence/sample item) is a "unit" filed under its
//! event category, and, when it has a literal requirement, under (field, folded value) so
//! that an event only reaches the filters whose literals it carries.

use super::cond::FieldPath;
use super::evaluator::EqlEvaluator;
use super::prefilter::requirement;
use super::query::{EqlQuery, Filter, Kind};
use super::text::Needle;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, Copy)]
pub(crate) struct Unit {
    pub rule: usize,
    /// Index into the rule's filters: sequence/sample stages in order, then `until`.
    pub filter: usize,
}

/// Units reachable for one event category (or for any category).
#[derive(Debug, Default)]
pub(crate) struct Bucket {
    /// Units evaluated for every event of the category.
    pub plain: Vec<u32>,
    /// Units evaluated only when a value of the field fits one of their needles.
    pub index: Vec<FieldIndex>,
}

/// Needles of one field: folded whole values, and prefixes/suffixes grouped by length in
/// characters so that one hash lookup per length decides.
#[derive(Debug)]
pub(crate) struct FieldIndex {
    pub field: FieldPath,
    pub exact: HashMap<String, Vec<u32>>,
    pub prefix: BTreeMap<usize, HashMap<String, Vec<u32>>>,
    pub suffix: BTreeMap<usize, HashMap<String, Vec<u32>>>,
}

fn add_unit(map: &mut HashMap<String, Vec<u32>>, key: String, unit: u32) {
    let list = map.entry(key).or_default();
    if !list.contains(&unit) {
        list.push(unit);
    }
}

impl Bucket {
    fn add(&mut self, unit: u32, filter: &Filter) {
        let Some(req) = requirement(&filter.cond) else {
            self.plain.push(unit);
            return;
        };
        for (field, needles) in req {
            let pos = match self.index.iter().position(|fi| fi.field == field) {
                Some(p) => p,
                None => {
                    self.index.push(FieldIndex {
                        field,
                        exact: HashMap::new(),
                        prefix: BTreeMap::new(),
                        suffix: BTreeMap::new(),
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
    pub(crate) by_category: HashMap<String, Bucket>,
    pub(crate) any: Bucket,
}

impl EqlRuleSet {
    /// Builds the set from (rule id, compiled query) pairs.
    pub fn new(rules: Vec<(String, EqlQuery)>) -> Self {
        let mut set = EqlRuleSet {
            rules,
            units: Vec::new(),
            by_category: HashMap::new(),
            any: Bucket::default(),
        };
        for (ri, (_, q)) in set.rules.iter().enumerate() {
            for (fi, filter) in q.filters().into_iter().enumerate() {
                let id = u32::try_from(set.units.len()).unwrap_or(u32::MAX);
                set.units.push(Unit {
                    rule: ri,
                    filter: fi,
                });
                let bucket = match &filter.category {
                    Some(c) => set.by_category.entry(c.clone()).or_default(),
                    None => &mut set.any,
                };
                bucket.add(id, filter);
            }
        }
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

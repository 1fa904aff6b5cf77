//! Field keys (`Field|mod1|mod2`) and their values compiled into one field test.
//!
//! Modifiers apply left to right: transformations rewrite the patterns (wildcards,
//! dashes, encodings), and the type modifiers (`re`, `cidr`, `exists`, `fieldref`,
//! comparisons) pick the kind of test. Every error says which value or modifier is wrong.

use super::encode::{self, Utf16};
use super::matcher::StrSet;
use super::time_parts::{TimePart, TimeTest};
use super::value_tests;
use super::values::{self, Pattern};
use super::yaml::Scalar;
use ipnet::IpNet;
use regex::Regex;
use std::collections::BTreeMap;

/// Values for `%placeholder%` under the `expand` modifier.
pub type Placeholders = BTreeMap<String, Vec<String>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Gt,
    Gte,
    Lt,
    Lte,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefKind {
    Equal,
    Prefix,
    Suffix,
    Contains,
}

/// One test of a field value (arrays: true when any element passes).
#[derive(Debug, Clone)]
pub enum ValueTest {
    Str(StrSet),
    Regex(Regex),
    Cidr(Vec<IpNet>),
    Cmp(CmpOp, f64),
    /// The field is absent or JSON null.
    Null,
    Exists(bool),
    FieldRef {
        other: String,
        kind: RefKind,
        cased: bool,
    },
    /// A calendar part of a timestamp value (Sigma 2.1 time modifiers).
    Time(TimeTest),
}

/// All the values of one `field|modifiers` key.
#[derive(Debug, Clone)]
pub struct FieldTest {
    /// Sigma field name as written (mapped to document paths later).
    pub field: String,
    pub tests: Vec<ValueTest>,
    /// `all`: every test must pass; otherwise any.
    pub all: bool,
    /// `neq`: the field is present and no test passes.
    pub negate: bool,
    /// Literal texts one of which must occur in the value when the test passes
    /// (`None` when no such guarantee exists); feeds the shared prefilter.
    pub required_literals: Option<Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Modifier {
    Contains,
    StartsWith,
    EndsWith,
    All,
    Re,
    ReI,
    ReM,
    ReS,
    Base64,
    Base64Offset,
    Utf16(Utf16),
    Windash,
    Cidr,
    Exists,
    FieldRef,
    Cmp(CmpOp),
    Neq,
    Cased,
    Expand,
    Time(TimePart),
}

fn parse_modifier(name: &str) -> Result<Modifier, String> {
    Ok(match name.to_ascii_lowercase().as_str() {
        "contains" => Modifier::Contains,
        "startswith" => Modifier::StartsWith,
        "endswith" => Modifier::EndsWith,
        "all" => Modifier::All,
        "re" => Modifier::Re,
        "i" | "ignorecase" => Modifier::ReI,
        "m" | "multiline" => Modifier::ReM,
        "s" | "dotall" => Modifier::ReS,
        "base64" => Modifier::Base64,
        "base64offset" => Modifier::Base64Offset,
        "utf16le" | "wide" => Modifier::Utf16(Utf16::Le),
        "utf16be" => Modifier::Utf16(Utf16::Be),
        "utf16" => Modifier::Utf16(Utf16::LeBom),
        "windash" => Modifier::Windash,
        "cidr" => Modifier::Cidr,
        "exists" => Modifier::Exists,
        "fieldref" => Modifier::FieldRef,
        "gt" => Modifier::Cmp(CmpOp::Gt),
        "gte" => Modifier::Cmp(CmpOp::Gte),
        "lt" => Modifier::Cmp(CmpOp::Lt),
        "lte" => Modifier::Cmp(CmpOp::Lte),
        "neq" => Modifier::Neq,
        "cased" => Modifier::Cased,
        "expand" => Modifier::Expand,
        other => match TimePart::from_name(other) {
            Some(part) => Modifier::Time(part),
            None => {
                return Err(format!(
                    "unknown modifier '{other}' (known: contains, startswith, endswith, all, re, i, m, s, base64, base64offset, utf16le, utf16be, utf16, wide, windash, cidr, exists, fieldref, gt, gte, lt, lte, neq, cased, expand, minute, hour, day, week, month, year)"
                ));
            }
        },
    })
}

/// A value during the transformation chain.
enum Stage {
    Patterns(Vec<Pattern>),
    Bytes(Vec<Vec<u8>>),
}

/// Compiles `key` (field and modifiers) with its values (already flattened from a list).
pub fn compile_field(
    key: &str,
    values: &[Scalar],
    placeholders: &Placeholders,
) -> Result<FieldTest, String> {
    let mut segments = key.split('|');
    let field = segments.next().unwrap_or_default().to_string();
    let mods = segments
        .map(parse_modifier)
        .collect::<Result<Vec<_>, _>>()?;
    let has = |m: Modifier| mods.contains(&m);
    // A keyword search (no field) runs over every string of an event.
    let keywords = field.is_empty();
    let all = has(Modifier::All);
    let negate = has(Modifier::Neq);
    let cased = has(Modifier::Cased);
    let mut test = FieldTest {
        field,
        tests: Vec::new(),
        all,
        negate,
        required_literals: None,
    };

    if has(Modifier::Exists) {
        let want = match values {
            [Scalar::Bool(b)] => *b,
            [Scalar::Str(s)]
                if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") =>
            {
                s.eq_ignore_ascii_case("true")
            }
            _ => return Err("the 'exists' modifier takes exactly one value, true or false".into()),
        };
        test.tests.push(ValueTest::Exists(want));
        return Ok(test);
    }
    if let Some(tests) = value_tests::typed(&mods, values, cased)? {
        test.tests = tests;
        return Ok(test);
    }

    // String values through the transformation chain.
    let mut literal_sets: Vec<Vec<String>> = Vec::new();
    let mut any_without_literal = false;
    let mut combined: Vec<Pattern> = Vec::new();
    let mut numbers = Vec::new();
    for v in values {
        if matches!(v, Scalar::Null) {
            test.tests.push(ValueTest::Null);
            any_without_literal = true;
            continue;
        }
        let text = scalar_text(v).unwrap_or_default();
        let number = match v {
            Scalar::Int(i) => Some(*i),
            _ => None,
        };
        let start: Vec<Pattern> = if has(Modifier::Expand) {
            expand(&text, placeholders)?
        } else {
            vec![Pattern::parse(&text)]
        };
        let mut stage = Stage::Patterns(start);
        for m in &mods {
            stage = apply(stage, *m)?;
        }
        let patterns = match stage {
            Stage::Patterns(p) => p,
            Stage::Bytes(_) => {
                return Err(
                    "a utf16/wide modifier must be followed by base64 or base64offset".into(),
                );
            }
        };
        let lits: Vec<String> = patterns
            .iter()
            .filter_map(|p| p.longest_literal().map(str::to_string))
            .collect();
        // Numbers and booleans may be stored as JSON scalars, which the prefilter does not scan.
        let scalar_like = |l: &String| {
            l.bytes()
                .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
                || l.eq_ignore_ascii_case("true")
                || l.eq_ignore_ascii_case("false")
        };
        if number.is_some()
            || lits.len() != patterns.len()
            || lits.iter().any(|l| l.len() < 3 || scalar_like(l))
        {
            any_without_literal = true;
        }
        literal_sets.push(lits);
        if all {
            let set = StrSet::build(&patterns, cased, number.into_iter().collect(), keywords)
                .map_err(|e| e.0)?;
            test.tests.push(ValueTest::Str(set));
        } else {
            combined.extend(patterns);
            numbers.extend(number);
        }
    }
    if !combined.is_empty() || (!numbers.is_empty()) {
        let set = StrSet::build(&combined, cased, numbers, keywords).map_err(|e| e.0)?;
        test.tests.push(ValueTest::Str(set));
    }
    if !negate {
        test.required_literals = if all {
            // Any one value's literals are required; pick the longest guarantee.
            literal_sets
                .into_iter()
                .filter(|l| {
                    !l.is_empty()
                        && l.iter()
                            .all(|s| s.len() >= 3 && !s.bytes().all(|b| b.is_ascii_digit()))
                })
                .max_by_key(|l| l.iter().map(String::len).min().unwrap_or(0))
        } else if any_without_literal {
            None
        } else {
            Some(literal_sets.into_iter().flatten().collect())
        };
    }
    Ok(test)
}

fn apply(stage: Stage, m: Modifier) -> Result<Stage, String> {
    Ok(match (stage, m) {
        (Stage::Patterns(ps), Modifier::Contains) => {
            Stage::Patterns(ps.into_iter().map(Pattern::contains).collect())
        }
        (Stage::Patterns(ps), Modifier::StartsWith) => {
            Stage::Patterns(ps.into_iter().map(Pattern::startswith).collect())
        }
        (Stage::Patterns(ps), Modifier::EndsWith) => {
            Stage::Patterns(ps.into_iter().map(Pattern::endswith).collect())
        }
        (Stage::Patterns(ps), Modifier::Windash) => {
            Stage::Patterns(ps.iter().flat_map(values::windash).collect())
        }
        (Stage::Patterns(ps), Modifier::Utf16(kind)) => Stage::Bytes(
            literal_bytes(&ps, "utf16")?
                .iter()
                .map(|b| encode::utf16(b, kind))
                .collect(),
        ),
        (Stage::Patterns(ps), Modifier::Base64) => Stage::Patterns(
            literal_bytes(&ps, "base64")?
                .iter()
                .map(|b| Pattern::literal(&encode::base64(b)))
                .collect(),
        ),
        (Stage::Bytes(bs), Modifier::Base64) => Stage::Patterns(
            bs.iter()
                .map(|b| Pattern::literal(&encode::base64(b)))
                .collect(),
        ),
        (Stage::Patterns(ps), Modifier::Base64Offset) => Stage::Patterns(
            literal_bytes(&ps, "base64offset")?
                .iter()
                .flat_map(|b| encode::base64_offsets(b))
                .map(|s| Pattern::literal(&s))
                .collect(),
        ),
        (Stage::Bytes(bs), Modifier::Base64Offset) => Stage::Patterns(
            bs.iter()
                .flat_map(|b| encode::base64_offsets(b))
                .map(|s| Pattern::literal(&s))
                .collect(),
        ),
        (Stage::Bytes(_), other)
            if !matches!(
                other,
                Modifier::All | Modifier::Cased | Modifier::Neq | Modifier::Expand
            ) =>
        {
            return Err(format!(
                "{other:?} cannot follow a utf16/wide modifier; add base64 or base64offset first"
            )
            .to_lowercase());
        }
        (stage, _) => stage,
    })
}

fn literal_bytes(ps: &[Pattern], modifier: &str) -> Result<Vec<Vec<u8>>, String> {
    ps.iter()
        .map(|p| {
            p.as_literal().map(String::into_bytes).ok_or_else(|| {
                format!("the '{modifier}' modifier cannot encode wildcards; put contains/startswith/endswith after it")
            })
        })
        .collect()
}

/// `expand`: replaces `%name%` with each configured value (`\%` is a literal percent).
fn expand(text: &str, placeholders: &Placeholders) -> Result<Vec<Pattern>, String> {
    let mut results = vec![String::new()];
    let mut rest = text;
    while let Some(pos) = rest.find('%') {
        if pos > 0 && rest.as_bytes()[pos - 1] == b'\\' {
            let (head, tail) = rest.split_at(pos + 1);
            for r in &mut results {
                r.push_str(&head[..head.len() - 2]);
                r.push('%');
            }
            rest = tail;
            continue;
        }
        let Some(end) = rest[pos + 1..].find('%') else {
            break;
        };
        let name = &rest[pos + 1..pos + 1 + end];
        let Some(vals) = placeholders.get(name).filter(|v| !v.is_empty()) else {
            return Err(format!(
                "unresolved placeholder '%{name}%': define it in the Sigma placeholder configuration"
            ));
        };
        let head = &rest[..pos];
        results = results
            .iter()
            .flat_map(|r| vals.iter().map(move |v| format!("{r}{head}{v}")))
            .collect();
        rest = &rest[pos + end + 2..];
    }
    Ok(results
        .into_iter()
        .map(|r| Pattern::parse(&format!("{r}{rest}")))
        .collect())
}

pub fn scalar_text(v: &Scalar) -> Option<String> {
    match v {
        Scalar::Str(s) => Some(s.clone()),
        Scalar::Int(i) => Some(i.to_string()),
        Scalar::Float(f) => Some(f.to_string()),
        Scalar::Bool(b) => Some(b.to_string()),
        Scalar::Null => None,
    }
}

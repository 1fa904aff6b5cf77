//! The modifiers that make a field's values one typed test each: numbers for the
//! comparisons, networks for `cidr`, field names for `fieldref`, regular expressions
//! for `re`, calendar parts for the time modifiers. Everything else goes through the
//! string transformation chain in `modifiers`.

use super::matcher::build_regex;
use super::modifiers::{Modifier, RefKind, ValueTest, scalar_text};
use super::time_parts::{TimePart, TimeTest};
use super::yaml::Scalar;
use ipnet::IpNet;

/// The tests of a typed modifier, or `None` when the key has none (string values).
pub(super) fn typed(
    mods: &[Modifier],
    values: &[Scalar],
    cased: bool,
) -> Result<Option<Vec<ValueTest>>, String> {
    let has = |m: Modifier| mods.contains(&m);
    let mut tests = Vec::new();
    if let Some(part) = mods.iter().find_map(|m| match m {
        Modifier::Time(part) => Some(*part),
        _ => None,
    }) {
        return time_tests(part, mods, values).map(Some);
    }
    if let Some(op) = mods.iter().find_map(|m| match m {
        Modifier::Cmp(op) => Some(*op),
        _ => None,
    }) {
        for v in values {
            let n = match v {
                Scalar::Int(i) => *i as f64,
                Scalar::Float(f) => *f,
                Scalar::Str(s) => s
                    .trim()
                    .parse()
                    .map_err(|_| format!("comparison modifiers need a number, got '{s}'"))?,
                _ => return Err("comparison modifiers need a number".into()),
            };
            tests.push(ValueTest::Cmp(op, n));
        }
        return Ok(Some(tests));
    }
    if has(Modifier::Cidr) {
        let mut nets = Vec::new();
        for v in values {
            let text = scalar_text(v)
                .ok_or("the 'cidr' modifier needs network strings such as 10.0.0.0/8")?;
            let net: IpNet = text
                .trim()
                .parse()
                .or_else(|_| text.trim().parse::<std::net::IpAddr>().map(IpNet::from))
                .map_err(|_| format!("'{text}' is not a network in CIDR notation (for example 10.0.0.0/8 or fe80::/10)"))?;
            nets.push(net);
        }
        tests.push(ValueTest::Cidr(nets));
        return Ok(Some(tests));
    }
    if has(Modifier::FieldRef) {
        let kind = if has(Modifier::Contains) {
            RefKind::Contains
        } else if has(Modifier::StartsWith) {
            RefKind::Prefix
        } else if has(Modifier::EndsWith) {
            RefKind::Suffix
        } else {
            RefKind::Equal
        };
        for v in values {
            let other = scalar_text(v).ok_or("the 'fieldref' modifier needs field names")?;
            tests.push(ValueTest::FieldRef { other, kind, cased });
        }
        return Ok(Some(tests));
    }
    if has(Modifier::Re) {
        let mut flags = String::new();
        if has(Modifier::ReI) {
            flags.push('i');
        }
        if has(Modifier::ReM) {
            flags.push('m');
        }
        if has(Modifier::ReS) {
            flags.push('s');
        }
        for v in values {
            let text =
                scalar_text(v).ok_or("the 're' modifier needs a regular expression string")?;
            let body = if flags.is_empty() {
                text.clone()
            } else {
                format!("(?{flags}){text}")
            };
            let re = build_regex(&body)
                .map_err(|e| format!("invalid regular expression '{text}': {e}"))?;
            tests.push(ValueTest::Regex(re));
        }
        return Ok(Some(tests));
    }
    Ok(None)
}

/// A time modifier (`hour`...) with its whole-number values, compared for equality or
/// by the one comparison modifier given with it.
fn time_tests(
    part: TimePart,
    mods: &[Modifier],
    values: &[Scalar],
) -> Result<Vec<ValueTest>, String> {
    let mut tests = Vec::new();
    let name = format!("{part:?}").to_ascii_lowercase();
    let mut op = None;
    for m in mods {
        match m {
            Modifier::Time(p) if *p == part => {}
            Modifier::Cmp(c) if op.is_none() => op = Some(*c),
            Modifier::All | Modifier::Neq => {}
            other => {
                return Err(format!(
                    "the '{name}' modifier combines only with gt, gte, lt, lte, neq and all, not with {other:?}"
                ));
            }
        }
    }
    for v in values {
        let value = match v {
            Scalar::Int(i) => *i,
            Scalar::Str(s) => s
                .trim()
                .parse()
                .map_err(|_| format!("the '{name}' modifier needs whole numbers, got '{s}'"))?,
            _ => return Err(format!("the '{name}' modifier needs whole numbers")),
        };
        tests.push(ValueTest::Time(TimeTest { part, op, value }));
    }
    Ok(tests)
}

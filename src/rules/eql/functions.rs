//! The Elasticsearch EQL functions, their arity checks and their evaluation.
//!
//! Every function returns null when a required argument is null. The `~` variants
//! (between, endsWith, indexOf, startsWith, stringContains) compare case-insensitively.
//! Positions and lengths count characters.

use super::ast::ArithOp;
use super::script::arith;
use super::text;
use super::value::{Val, render_float};
use std::borrow::Cow;
use std::net::IpAddr;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn parse(s: &str) -> Option<Cidr> {
        let (addr_text, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p.trim().parse::<u8>().ok()?)),
            None => (s, None),
        };
        let addr: IpAddr = addr_text.trim().parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(Cidr { addr, prefix })
    }

    pub fn contains(&self, ip: &IpAddr) -> bool {
        let (net, ip, bits) = match (self.addr, ip) {
            (IpAddr::V4(n), IpAddr::V4(i)) => (
                u128::from(u32::from(n)) << 96,
                u128::from(u32::from(*i)) << 96,
                self.prefix,
            ),
            (IpAddr::V6(n), IpAddr::V6(i)) => (u128::from(n), u128::from(*i), self.prefix),
            (IpAddr::V4(n), IpAddr::V6(i)) => match i.to_ipv4_mapped() {
                Some(i4) => (
                    u128::from(u32::from(n)) << 96,
                    u128::from(u32::from(i4)) << 96,
                    self.prefix,
                ),
                None => return false,
            },
            (IpAddr::V6(_), IpAddr::V4(_)) => return false,
        };
        if bits == 0 {
            return true;
        }
        let mask = u128::MAX << (128 - u32::from(bits));
        net & mask == ip & mask
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Func {
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
    Between { ci: bool },
    CidrMatch(Vec<Cidr>),
    Concat,
    EndsWith { ci: bool },
    IndexOf { ci: bool },
    Length,
    Number,
    StartsWith { ci: bool },
    String,
    StringContains { ci: bool },
    Substring,
}

/// Looks a function up by name (case-insensitively, as Elasticsearch does): the function
/// without its compiled extras, and its (min, max) argument counts.
pub fn lookup(name: &str, ci: bool) -> Result<(Func, usize, Option<usize>), String> {
    let lower = name.to_ascii_lowercase();
    let (f, min, max, takes_ci) = match lower.as_str() {
        "add" => (Func::Add, 2, Some(2), false),
        "subtract" => (Func::Subtract, 2, Some(2), false),
        "multiply" => (Func::Multiply, 2, Some(2), false),
        "divide" => (Func::Divide, 2, Some(2), false),
        "modulo" => (Func::Modulo, 2, Some(2), false),
        "between" => (Func::Between { ci }, 3, Some(4), true),
        "cidrmatch" => (Func::CidrMatch(Vec::new()), 2, None, false),
        "concat" => (Func::Concat, 1, None, false),
        "endswith" => (Func::EndsWith { ci }, 2, Some(2), true),
        "indexof" => (Func::IndexOf { ci }, 2, Some(3), true),
        "length" => (Func::Length, 1, Some(1), false),
        "number" => (Func::Number, 1, Some(2), false),
        "startswith" => (Func::StartsWith { ci }, 2, Some(2), true),
        "string" => (Func::String, 1, Some(1), false),
        "stringcontains" => (Func::StringContains { ci }, 2, Some(2), true),
        "substring" => (Func::Substring, 2, Some(3), false),
        "arraycontains" | "arraycount" | "arraysearch" | "match" | "matchlite" | "wildcard"
        | "safe" => {
            return Err(format!(
                "function '{name}' is not supported by Elasticsearch EQL (it exists only in the Python EQL dialect)"
            ));
        }
        _ => {
            return Err(format!(
                "unknown function '{name}'; EQL functions are add, between, cidrMatch, concat, divide, endsWith, indexOf, length, modulo, multiply, number, startsWith, string, stringContains, substring, subtract"
            ));
        }
    };
    if ci && !takes_ci {
        return Err(format!(
            "function '{name}' has no case-insensitive '~' variant; remove the ~"
        ));
    }
    Ok((f, min, max))
}

fn owned(s: String) -> Val<'static> {
    Val::Str(Cow::Owned(s))
}

fn text_of<'v>(v: &'v Val) -> Option<Cow<'v, str>> {
    v.to_text()
}

pub fn call<'a>(func: &Func, args: Vec<Val<'a>>) -> Val<'a> {
    let arg = |i: usize| args.get(i).cloned().unwrap_or(Val::Null);
    let two = || (arg(0), arg(1));
    match func {
        Func::Add => arith_fn(ArithOp::Add, two()),
        Func::Subtract => arith_fn(ArithOp::Sub, two()),
        Func::Multiply => arith_fn(ArithOp::Mul, two()),
        Func::Divide => arith_fn(ArithOp::Div, two()),
        Func::Modulo => arith_fn(ArithOp::Mod, two()),
        Func::Concat => {
            let mut out = String::new();
            for a in &args {
                match text_of(a) {
                    Some(t) => out.push_str(&t),
                    None => return Val::Null,
                }
            }
            owned(out)
        }
        Func::Length => match arg(0).to_text() {
            Some(t) => Val::Int(t.chars().count() as i64),
            None => Val::Null,
        },
        Func::String => match arg(0) {
            Val::Null => Val::Null,
            Val::Float(f) => owned(render_float(f)),
            v => v
                .to_text()
                .map(|t| owned(t.into_owned()))
                .unwrap_or(Val::Null),
        },
        Func::Number => number(&arg(0), &arg(1)),
        Func::StartsWith { ci } => str2(&args, |s, p| text::starts_with(s, p, *ci)),
        Func::EndsWith { ci } => str2(&args, |s, p| text::ends_with(s, p, *ci)),
        Func::StringContains { ci } => {
            str2(&args, |s, p| !p.is_empty() && text::contains(s, p, *ci))
        }
        Func::IndexOf { ci } => index_of(&args, *ci),
        Func::Between { ci } => between(&args, *ci),
        Func::Substring => substring(&args),
        Func::CidrMatch(cidrs) => match arg(0).to_text() {
            None => Val::Null,
            Some(t) => match t.trim().parse::<IpAddr>() {
                Ok(ip) => Val::Bool(cidrs.iter().any(|c| c.contains(&ip))),
                Err(_) => Val::Bool(false),
            },
        },
    }
}

fn arith_fn(op: ArithOp, (a, b): (Val, Val)) -> Val<'static> {
    arith(op, &a, &b)
}

fn str2(args: &[Val], f: impl Fn(&str, &str) -> bool) -> Val<'static> {
    let (Some(a), Some(b)) = (
        args.first().and_then(Val::to_text),
        args.get(1).and_then(Val::to_text),
    ) else {
        return Val::Null;
    };
    Val::Bool(f(&a, &b))
}

fn char_to_byte(s: &str, chars: usize) -> usize {
    s.char_indices()
        .nth(chars)
        .map(|(b, _)| b)
        .unwrap_or(s.len())
}

fn index_of(args: &[Val], ci: bool) -> Val<'static> {
    let (Some(hay), Some(needle)) = (
        args.first().and_then(Val::to_text),
        args.get(1).and_then(Val::to_text),
    ) else {
        return Val::Null;
    };
    let start = match args.get(2) {
        Some(Val::Int(i)) => (*i).max(0) as usize,
        Some(Val::Float(f)) => f.max(0.0) as usize,
        _ => 0,
    };
    let len = hay.chars().count();
    if start > len {
        return Val::Null;
    }
    let from = char_to_byte(&hay, start);
    match text::find(&hay, &needle, from, ci) {
        Some(b) => Val::Int(hay[..b].chars().count() as i64),
        None => Val::Null,
    }
}

fn between(args: &[Val], ci: bool) -> Val<'static> {
    let texts: Vec<Option<Cow<str>>> = args.iter().take(3).map(Val::to_text).collect();
    let (Some(Some(src)), Some(Some(left)), Some(Some(right))) =
        (texts.first(), texts.get(1), texts.get(2))
    else {
        return Val::Null;
    };
    let greedy = matches!(args.get(3), Some(Val::Bool(true)));
    let Some(l) = text::find(src, left, 0, ci) else {
        return owned(String::new());
    };
    let start = l + left.len();
    let end = if greedy {
        let mut last = None;
        let mut from = start;
        while let Some(i) = text::find(src, right, from, ci) {
            last = Some(i);
            match src[i..].chars().next() {
                Some(c) => from = i + c.len_utf8(),
                None => break,
            }
        }
        last
    } else {
        text::find(src, right, start, ci)
    };
    match end {
        Some(e) if e >= start => owned(src[start..e].to_string()),
        _ => owned(String::new()),
    }
}

fn substring(args: &[Val]) -> Val<'static> {
    let Some(src) = args.first().and_then(Val::to_text) else {
        return Val::Null;
    };
    let len = src.chars().count() as i64;
    let norm = |i: i64| if i < 0 { (len + i).max(0) } else { i.min(len) };
    let start = match args.get(1) {
        Some(Val::Int(i)) => norm(*i),
        Some(Val::Null) | None => 0,
        _ => return Val::Null,
    };
    let end = match args.get(2) {
        Some(Val::Int(i)) => norm(*i),
        Some(Val::Null) | None => len,
        _ => return Val::Null,
    };
    if end <= start {
        return owned(String::new());
    }
    owned(
        src.chars()
            .skip(start as usize)
            .take((end - start) as usize)
            .collect(),
    )
}

fn number(v: &Val, base: &Val) -> Val<'static> {
    match v {
        Val::Int(i) => return Val::Int(*i),
        Val::Float(f) => return Val::Float(*f),
        Val::Str(_) => {}
        _ => return Val::Null,
    }
    let Some(raw) = v.as_str() else {
        return Val::Null;
    };
    let t = raw.trim();
    let (neg, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let hex_body = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"));
    let radix = match base {
        Val::Int(b) if (2..=36).contains(b) => Some(*b as u32),
        Val::Null => None,
        _ => return Val::Null,
    };
    let parsed = match (radix, hex_body) {
        (None, Some(h)) | (Some(16), Some(h)) => i64::from_str_radix(h, 16).ok(),
        (Some(r), _) => i64::from_str_radix(digits, r).ok(),
        (None, None) => {
            if let Ok(i) = digits.parse::<i64>() {
                Some(i)
            } else {
                return match t.parse::<f64>() {
                    Ok(f) if f.is_finite() => Val::Float(f),
                    _ => Val::Null,
                };
            }
        }
    };
    match parsed {
        Some(i) => Val::Int(if neg { -i } else { i }),
        None => Val::Null,
    }
}

//! Compiles parsed expressions into conditions: `field OP literal` predicates become
//! two-valued field tests (wildcards compiled, strings folded for the insensitive forms,
//! regexes built anchored), the rest becomes script predicates with field slots.

use super::ast::{CmpOp, Expr, FieldRef, Lit, StrOp};
use super::cond::{Cond, FieldPath, FieldTest, OrderOp};
use super::error::{EqlError, Pos};
use super::functions::{Cidr, Func, lookup};
use super::script::{SExpr, ScriptPred};
use super::text::{Wildcard, fold};
use super::value::Val;
use super::wildcard_list::WildcardList;
use std::borrow::Cow;

pub fn compile_condition(e: &Expr) -> Result<Cond, EqlError> {
    match e {
        Expr::And(items) => Ok(Cond::And(
            items
                .iter()
                .map(compile_condition)
                .collect::<Result<_, _>>()?,
        )),
        Expr::Or(items) => Ok(Cond::Or(
            items
                .iter()
                .map(compile_condition)
                .collect::<Result<_, _>>()?,
        )),
        Expr::Not(inner) => Ok(Cond::Not(Box::new(compile_condition(inner)?))),
        Expr::Lit(Lit::Bool(b), _) => Ok(Cond::Const(Some(*b))),
        Expr::Lit(Lit::Null, _) => Ok(Cond::Const(None)),
        Expr::Lit(_, pos) | Expr::Arith(_, _, _, pos) | Expr::Neg(_, pos) => Err(EqlError::at(
            *pos,
            "expected a condition here, found a value; compare it with ==, :, in ...",
        )),
        Expr::Field(f) => Ok(Cond::Field {
            field: path(f),
            test: FieldTest::Equals(Val::Bool(true)),
        }),
        _ => {
            if let Some(c) = field_predicate(e)? {
                return Ok(c);
            }
            let mut fields = Vec::new();
            let expr = script(e, &mut fields)?;
            Ok(Cond::Script(Box::new(ScriptPred { fields, expr })))
        }
    }
}

fn path(f: &FieldRef) -> FieldPath {
    FieldPath::new(&f.path, f.index)
}

fn lit_val(l: &Lit) -> Val<'static> {
    match l {
        Lit::Str(s) => Val::Str(Cow::Owned(s.clone())),
        Lit::Int(i) => Val::Int(*i),
        Lit::Float(f) => Val::Float(*f),
        Lit::Bool(b) => Val::Bool(*b),
        Lit::Null => Val::Null,
    }
}

fn flip(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        other => other,
    }
}

fn order_op(op: CmpOp) -> Option<OrderOp> {
    match op {
        CmpOp::Lt => Some(OrderOp::Lt),
        CmpOp::Le => Some(OrderOp::Le),
        CmpOp::Gt => Some(OrderOp::Gt),
        CmpOp::Ge => Some(OrderOp::Ge),
        _ => None,
    }
}

/// `field OP literal` forms, evaluated like Elasticsearch's Query DSL translation.
fn field_predicate(e: &Expr) -> Result<Option<Cond>, EqlError> {
    let field_cond = |f: &FieldRef, test| Cond::Field {
        field: path(f),
        test,
    };
    match e {
        Expr::Cmp(op, a, b, _) => {
            let (f, lit, op) = match (a.as_ref(), b.as_ref()) {
                (Expr::Field(f), Expr::Lit(l, _)) => (f, l, *op),
                (Expr::Lit(l, _), Expr::Field(f)) => (f, l, flip(*op)),
                _ => return Ok(None),
            };
            let cond = match (op, lit) {
                (CmpOp::Eq, Lit::Null) => field_cond(f, FieldTest::IsNull),
                (CmpOp::Ne, Lit::Null) => Cond::Not(Box::new(field_cond(f, FieldTest::IsNull))),
                (_, Lit::Null) => Cond::Const(None),
                (CmpOp::Eq, l) => field_cond(f, FieldTest::Equals(lit_val(l))),
                (CmpOp::Ne, l) => Cond::Not(Box::new(field_cond(f, FieldTest::Equals(lit_val(l))))),
                (other, l) => match order_op(other) {
                    Some(o) => field_cond(f, FieldTest::Order(o, lit_val(l))),
                    None => return Ok(None),
                },
            };
            Ok(Some(cond))
        }
        Expr::In {
            value,
            list,
            negated,
            insensitive,
            ..
        } => {
            let Expr::Field(f) = value.as_ref() else {
                return Ok(None);
            };
            let mut values = Vec::new();
            let mut with_null = false;
            for item in list {
                match item {
                    Expr::Lit(Lit::Null, _) => with_null = true,
                    Expr::Lit(l, _) => values.push(fold_if(lit_val(l), *insensitive)),
                    _ => return Ok(None),
                }
            }
            let mut cond = field_cond(
                f,
                FieldTest::In {
                    values,
                    insensitive: *insensitive,
                },
            );
            if with_null {
                cond = Cond::Or(vec![cond, field_cond(f, FieldTest::IsNull)]);
            }
            Ok(Some(if *negated {
                Cond::Not(Box::new(cond))
            } else {
                cond
            }))
        }
        Expr::StrMatch {
            value,
            op,
            patterns,
            ..
        } => {
            let Expr::Field(f) = value.as_ref() else {
                return Ok(None);
            };
            let test = match string_matcher(*op, patterns)? {
                Matcher::Wild(ws) => FieldTest::Wildcards(WildcardList::new(ws)),
                Matcher::Re(rs) => FieldTest::Regexes(rs),
            };
            Ok(Some(field_cond(f, test)))
        }
        _ => Ok(None),
    }
}

fn fold_if(v: Val<'static>, insensitive: bool) -> Val<'static> {
    match v {
        Val::Str(s) if insensitive => Val::Str(Cow::Owned(fold(&s))),
        other => other,
    }
}

enum Matcher {
    Wild(Vec<Wildcard>),
    Re(Vec<regex::Regex>),
}

fn pattern_text(l: &Lit, pos: Pos) -> Result<String, EqlError> {
    match l {
        Lit::Str(s) => Ok(s.clone()),
        Lit::Int(i) => Ok(i.to_string()),
        Lit::Float(f) => Ok(super::value::render_float(*f)),
        Lit::Bool(b) => Ok(b.to_string()),
        Lit::Null => Err(EqlError::at(
            pos,
            "null cannot be a pattern; test for a missing field with == null",
        )),
    }
}

fn string_matcher(op: StrOp, patterns: &[(Lit, Pos)]) -> Result<Matcher, EqlError> {
    match op {
        StrOp::Colon | StrOp::Like { .. } => {
            let ci = !matches!(op, StrOp::Like { insensitive: false });
            let mut ws = Vec::new();
            for (l, pos) in patterns {
                ws.push(Wildcard::new(&pattern_text(l, *pos)?, ci));
            }
            Ok(Matcher::Wild(ws))
        }
        StrOp::Regex { insensitive } => {
            let mut rs = Vec::new();
            for (l, pos) in patterns {
                let pat = pattern_text(l, *pos)?;
                let full = format!("{}^(?:{pat})$", if insensitive { "(?i)" } else { "" });
                let re = regex::Regex::new(&full).map_err(|e| {
                    EqlError::at(*pos, format!("invalid regular expression \"{pat}\": {e}"))
                })?;
                rs.push(re);
            }
            Ok(Matcher::Re(rs))
        }
    }
}

fn slot(f: &FieldRef, fields: &mut Vec<FieldPath>) -> usize {
    let p = path(f);
    match fields.iter().position(|x| *x == p) {
        Some(i) => i,
        None => {
            fields.push(p);
            fields.len() - 1
        }
    }
}

fn script(e: &Expr, fields: &mut Vec<FieldPath>) -> Result<SExpr, EqlError> {
    let mut sub = |x: &Expr| script(x, fields).map(Box::new);
    Ok(match e {
        Expr::Lit(l, _) => SExpr::Const(lit_val(l)),
        Expr::Field(f) => SExpr::Slot(slot(f, fields)),
        Expr::Neg(inner, _) => SExpr::Neg(sub(inner)?),
        Expr::Arith(op, a, b, _) => SExpr::Arith(*op, sub(a)?, sub(b)?),
        Expr::Cmp(op, a, b, _) => {
            let (a, b) = (sub(a)?, sub(b)?);
            match op {
                CmpOp::Eq => SExpr::Eq(a, b),
                CmpOp::Ne => SExpr::Not(Box::new(SExpr::Eq(a, b))),
                other => match order_op(*other) {
                    Some(o) => SExpr::Order(o, a, b),
                    None => SExpr::Eq(a, b),
                },
            }
        }
        Expr::In {
            value,
            list,
            negated,
            insensitive,
            ..
        } => {
            let value = sub(value)?;
            let list = list
                .iter()
                .map(|x| script(x, fields))
                .collect::<Result<Vec<_>, _>>()?;
            let node = SExpr::In {
                value,
                list,
                insensitive: *insensitive,
            };
            if *negated {
                SExpr::Not(Box::new(node))
            } else {
                node
            }
        }
        Expr::StrMatch {
            value,
            op,
            patterns,
            ..
        } => {
            let value = sub(value)?;
            match string_matcher(*op, patterns)? {
                Matcher::Wild(ws) => SExpr::Wildcards(value, ws),
                Matcher::Re(rs) => SExpr::Regexes(value, rs),
            }
        }
        Expr::Call {
            name,
            insensitive,
            args,
            pos,
        } => call(name, *insensitive, args, *pos, fields)?,
        Expr::And(items) => SExpr::And(
            items
                .iter()
                .map(|x| script(x, fields))
                .collect::<Result<_, _>>()?,
        ),
        Expr::Or(items) => SExpr::Or(
            items
                .iter()
                .map(|x| script(x, fields))
                .collect::<Result<_, _>>()?,
        ),
        Expr::Not(inner) => SExpr::Not(sub(inner)?),
    })
}

fn call(
    name: &str,
    ci: bool,
    args: &[Expr],
    pos: Pos,
    fields: &mut Vec<FieldPath>,
) -> Result<SExpr, EqlError> {
    let (mut func, min, max) = lookup(name, ci).map_err(|m| EqlError::at(pos, m))?;
    if args.len() < min || max.is_some_and(|m| args.len() > m) {
        let wanted = match max {
            Some(m) if m == min => format!("{min}"),
            Some(m) => format!("{min} to {m}"),
            None => format!("at least {min}"),
        };
        return Err(EqlError::at(
            pos,
            format!(
                "function '{name}' takes {wanted} arguments, but {} were given",
                args.len()
            ),
        ));
    }
    if let Func::CidrMatch(cidrs) = &mut func {
        for a in &args[1..] {
            let Expr::Lit(Lit::Str(s), p) = a else {
                return Err(EqlError::at(
                    a.pos(),
                    "cidrMatch takes string literals such as \"10.0.0.0/8\" after the address",
                ));
            };
            let c = Cidr::parse(s).ok_or_else(|| {
                EqlError::at(
                    *p,
                    format!("\"{s}\" is not a valid CIDR block; write it like \"192.168.0.0/16\" or \"fe80::/10\""),
                )
            })?;
            cidrs.push(c);
        }
        return Ok(SExpr::Call(func, vec![script(&args[0], fields)?]));
    }
    if matches!(func, Func::Between { .. })
        && let Some(g) = args.get(3)
        && !matches!(g, Expr::Lit(Lit::Bool(_), _))
    {
        return Err(EqlError::at(
            g.pos(),
            "the greedy argument of between must be true or false",
        ));
    }
    let compiled = args
        .iter()
        .map(|a| script(a, fields))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(SExpr::Call(func, compiled))
}

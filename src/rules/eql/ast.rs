//! The syntax tree the parser produces, before compilation.
//!
//! It mirrors the query text closely (operators, literals, positions) so that the compiler
//! can report errors at the right place; all semantic decisions happen in `compile`.

use super::error::Pos;

#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Null,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FieldRef {
    /// Dotted path, segments joined with '.'.
    pub path: String,
    /// `process.args[0]`: an index into the (multi-valued) field.
    pub index: Option<usize>,
    /// Written `?field`.
    pub optional: bool,
    pub pos: Pos,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

/// String operators with a literal (or list of literals) on the right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrOp {
    /// `:` (same as `like~`).
    Colon,
    Like {
        insensitive: bool,
    },
    Regex {
        insensitive: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Lit(Lit, Pos),
    Field(FieldRef),
    Neg(Box<Expr>, Pos),
    Arith(ArithOp, Box<Expr>, Box<Expr>, Pos),
    Cmp(CmpOp, Box<Expr>, Box<Expr>, Pos),
    In {
        value: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
        insensitive: bool,
        pos: Pos,
    },
    StrMatch {
        value: Box<Expr>,
        op: StrOp,
        patterns: Vec<(Lit, Pos)>,
        pos: Pos,
    },
    Call {
        name: String,
        insensitive: bool,
        args: Vec<Expr>,
        pos: Pos,
    },
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
}

impl Expr {
    pub fn pos(&self) -> Pos {
        match self {
            Expr::Lit(_, p)
            | Expr::Neg(_, p)
            | Expr::Arith(_, _, _, p)
            | Expr::Cmp(_, _, _, p)
            | Expr::In { pos: p, .. }
            | Expr::StrMatch { pos: p, .. }
            | Expr::Call { pos: p, .. } => *p,
            Expr::Field(f) => f.pos,
            Expr::And(v) | Expr::Or(v) => v.first().map(Expr::pos).unwrap_or_default(),
            Expr::Not(e) => e.pos(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EventQuery {
    /// `None` for `any`.
    pub category: Option<String>,
    pub condition: Expr,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SeqItem {
    pub query: EventQuery,
    pub by: Vec<FieldRef>,
    /// Written `![...]`.
    pub missing: bool,
    pub runs: u32,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sequence {
    pub by: Vec<FieldRef>,
    pub maxspan_ms: Option<i64>,
    pub items: Vec<SeqItem>,
    pub until: Option<SeqItem>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub by: Vec<FieldRef>,
    pub items: Vec<SeqItem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pipe {
    Head(usize),
    Tail(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Event(EventQuery),
    Sequence(Sequence),
    Sample(Sample),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub body: Body,
    pub pipes: Vec<Pipe>,
}

//! YAML documents with source positions.
//!
//! Sigma diagnostics must point at `path:line:column`, which serde-style YAML loaders
//! lose. This module drives yaml-rust2's event parser and builds a small tree whose
//! every node remembers where it started.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A scalar as written: its text and what YAML resolves a plain scalar to.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum YValue {
    Scalar(Scalar),
    Seq(Vec<YNode>),
    /// Keys in document order.
    Map(Vec<(YNode, YNode)>),
}

/// A YAML node and the 1-based line and column where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct YNode {
    pub value: YValue,
    pub line: usize,
    pub col: usize,
}

/// A YAML syntax error with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl YNode {
    pub fn scalar(s: Scalar, line: usize, col: usize) -> Self {
        Self {
            value: YValue::Scalar(s),
            line,
            col,
        }
    }

    /// The value under `key` when this node is a map with string keys.
    pub fn get(&self, key: &str) -> Option<&YNode> {
        match &self.value {
            YValue::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_key().as_deref() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// A scalar rendered as a map key or plain text (`null` has no text).
    pub fn as_key(&self) -> Option<String> {
        match &self.value {
            YValue::Scalar(Scalar::Str(s)) => Some(s.clone()),
            YValue::Scalar(Scalar::Int(i)) => Some(i.to_string()),
            YValue::Scalar(Scalar::Float(f)) => Some(f.to_string()),
            YValue::Scalar(Scalar::Bool(b)) => Some(b.to_string()),
            _ => None,
        }
    }

    #[cfg(test)]
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            YValue::Scalar(Scalar::Str(s)) => Some(s),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, YValue::Scalar(Scalar::Null))
    }

    pub fn kind_name(&self) -> &'static str {
        match &self.value {
            YValue::Scalar(Scalar::Null) => "null",
            YValue::Scalar(_) => "a scalar",
            YValue::Seq(_) => "a list",
            YValue::Map(_) => "a map",
        }
    }

    /// A string, or each string of a list of strings (other scalars rendered as text).
    pub fn string_list(&self) -> Vec<String> {
        match &self.value {
            YValue::Seq(items) => items.iter().filter_map(YNode::as_key).collect(),
            _ => self.as_key().into_iter().collect(),
        }
    }
}

/// Parses every document of a YAML stream. A syntax error ends parsing: the documents
/// completed before it are returned alongside the error.
pub fn parse_documents(text: &str) -> (Vec<YNode>, Option<YamlError>) {
    let mut builder = TreeBuilder::default();
    let mut parser = Parser::new_from_str(text);
    let err = parser.load(&mut builder, true).err().map(|e| YamlError {
        line: e.marker().line(),
        col: e.marker().col() + 1,
        message: e.info().to_string(),
    });
    (builder.docs, err)
}

#[derive(Default)]
struct TreeBuilder {
    docs: Vec<YNode>,
    /// Open collections: the node being filled and, for maps, a pending key.
    stack: Vec<(YNode, Option<YNode>, usize)>,
    anchors: Vec<(usize, YNode)>,
}

impl TreeBuilder {
    fn push_value(&mut self, node: YNode, anchor: usize) {
        if anchor > 0 {
            self.anchors.push((anchor, node.clone()));
        }
        match self.stack.last_mut() {
            None => self.docs.push(node),
            Some((parent, pending_key, _)) => match &mut parent.value {
                YValue::Seq(items) => items.push(node),
                YValue::Map(entries) => match pending_key.take() {
                    None => *pending_key = Some(node),
                    Some(key) => entries.push((key, node)),
                },
                YValue::Scalar(_) => {}
            },
        }
    }
}

impl MarkedEventReceiver for TreeBuilder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let (line, col) = (mark.line(), mark.col() + 1);
        match ev {
            Event::Scalar(text, style, anchor, _tag) => {
                let scalar = if style == TScalarStyle::Plain {
                    resolve_plain(&text)
                } else {
                    Scalar::Str(text)
                };
                self.push_value(YNode::scalar(scalar, line, col), anchor);
            }
            Event::SequenceStart(anchor, _) => {
                let node = YNode {
                    value: YValue::Seq(Vec::new()),
                    line,
                    col,
                };
                self.stack.push((node, None, anchor));
            }
            Event::MappingStart(anchor, _) => {
                let node = YNode {
                    value: YValue::Map(Vec::new()),
                    line,
                    col,
                };
                self.stack.push((node, None, anchor));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((node, _, anchor)) = self.stack.pop() {
                    self.push_value(node, anchor);
                }
            }
            Event::Alias(id) => {
                let found = self
                    .anchors
                    .iter()
                    .rev()
                    .find(|(a, _)| *a == id)
                    .map(|(_, n)| n.clone());
                let node = found.unwrap_or_else(|| YNode::scalar(Scalar::Null, line, col));
                self.push_value(node, 0);
            }
            Event::DocumentEnd => self.stack.clear(),
            _ => {}
        }
    }
}

/// YAML 1.2 core-schema resolution of plain scalars.
fn resolve_plain(text: &str) -> Scalar {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Scalar::Null,
        "true" | "True" | "TRUE" => return Scalar::Bool(true),
        "false" | "False" | "FALSE" => return Scalar::Bool(false),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && let Ok(i) = text.parse::<i64>()
    {
        return Scalar::Int(i);
    }
    let looks_float = digits.bytes().any(|b| b == b'.')
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'e' || b == b'E' || b == b'-');
    if looks_float
        && digits.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && let Ok(f) = text.parse::<f64>()
    {
        return Scalar::Float(f);
    }
    Scalar::Str(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_and_types() {
        let (docs, err) = parse_documents(
            "title: x\ndetection:\n  sel:\n    EventID: 4720\n    A: '1'\n---\nb: ~\n",
        );
        assert!(err.is_none());
        assert_eq!(docs.len(), 2);
        let sel = docs[0].get("detection").and_then(|d| d.get("sel")).unwrap();
        let eid = sel.get("EventID").unwrap();
        assert_eq!(eid.value, YValue::Scalar(Scalar::Int(4720)));
        assert_eq!((eid.line, eid.col), (4, 14));
        assert_eq!(sel.get("A").unwrap().as_str(), Some("1"));
        assert!(docs[1].get("b").unwrap().is_null());
    }

    #[test]
    fn syntax_errors_have_positions() {
        let (_, err) = parse_documents("a: [1, 2\nb: c\n");
        let err = err.unwrap();
        assert!(err.line >= 1, "{err:?}");
    }

    #[test]
    fn aliases_copy_anchored_nodes() {
        let (docs, _) = parse_documents("a: &x [1, 2]\nb: *x\n");
        assert_eq!(docs[0].get("a"), docs[0].get("b"));
    }
}

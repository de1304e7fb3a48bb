//! The syntax tree: what the source says, in source order, with a span on
//! every item. Nothing is resolved yet; ids are plain names.

use crate::diagnostic::Span;

/// A whole source file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagram {
    pub statements: Vec<Statement>,
}

/// One statement, at the top level or inside a body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Statement {
    Title(Title),
    Direction(DirectionStatement),
    Row(Row),
    Node(NodeDeclaration),
    Bullet(Text),
    Edge(EdgeStatement),
}

/// `title "text"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Title {
    pub text: Text,
    pub span: Span,
}

/// `direction value` (bare or quoted); the value is checked by `model::lower`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectionStatement {
    pub value: Text,
    pub span: Span,
}

/// `row a, b, c`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub members: Vec<Ident>,
    pub span: Span,
}

/// Which keyword introduced a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKeyword {
    Layer,
    Group,
    /// No keyword: a component.
    None,
}

/// `layer id "label" [attrs] { ... }`, `group ...` or a bare component.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeDeclaration {
    pub keyword: NodeKeyword,
    pub id: Ident,
    pub labels: Vec<Text>,
    pub attributes: Vec<Attribute>,
    /// `None` when there are no braces; `Some(vec![])` for `{}`.
    pub body: Option<Vec<Statement>>,
    pub span: Span,
}

/// `a, b -> c <- d : "label" [attrs]`: `lists[i]` and `lists[i + 1]` are
/// joined by `operators[i]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EdgeStatement {
    pub lists: Vec<Vec<Ident>>,
    pub operators: Vec<Operator>,
    pub label: Option<Text>,
    pub attributes: Vec<Attribute>,
    pub span: Span,
}

/// An edge operator with its place in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operator {
    pub kind: OperatorKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperatorKind {
    /// `->`
    Forward,
    /// `<-`
    Backward,
    /// `<->`
    Both,
    /// `--`
    Plain,
}

/// `key=value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    pub key: Ident,
    pub value: Text,
    pub span: Span,
}

/// An identifier as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A string literal with its escapes decoded (the span covers the quotes),
/// or a bare word given as a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub value: String,
    pub span: Span,
}

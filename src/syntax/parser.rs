//! The pest grammar (`grammar/strata.pest`) and the walk that turns its parse
//! tree into [`ast`] values. This is the only file that names pest.

use pest::Parser as _;
use pest::iterators::Pair;

use super::ast::{
    Attribute, Diagram, DirectionStatement, EdgeStatement, Ident, NodeDeclaration, NodeKeyword,
    Operator, OperatorKind, Row, Statement, Text, Title,
};
use crate::diagnostic::{Diagnostic, Span};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/strata.pest"]
struct Grammar;

/// Words that start statements and so cannot be ids, with how each is used.
const KEYWORDS: [(&str, &str); 5] = [
    ("title", "`title \"My Diagram\"`"),
    ("direction", "`direction down` or `direction right`"),
    ("row", "`row a, b, c`"),
    ("layer", "`layer my_id \"Label\" { ... }`"),
    ("group", "`group my_id \"Label\" { ... }`"),
];

/// How a keyword is used, or `None` when `name` is not a keyword.
fn keyword_usage(name: &str) -> Option<&'static str> {
    KEYWORDS
        .iter()
        .find(|(keyword, _)| *keyword == name)
        .map(|(_, usage)| *usage)
}

/// Parses `source` (already through `scan::check`) into a syntax tree.
/// A grammar error stops at the first; the errors found while building the
/// tree (bad escapes, keywords used as ids) are all collected.
pub fn parse(source: &str) -> Result<Diagram, Vec<Diagnostic>> {
    let mut pairs = Grammar::parse(Rule::diagram, source)
        .map_err(|error| vec![grammar_error(source, &error)])?;
    let diagram = pairs.next().expect("the grammar always yields a diagram");
    let mut builder = Builder::default();
    let statements = diagram
        .into_inner()
        .filter(|pair| pair.as_rule() != Rule::EOI)
        .map(|pair| builder.statement(pair))
        .collect();
    if builder.errors.is_empty() {
        Ok(Diagram { statements })
    } else {
        Err(builder.errors)
    }
}

#[derive(Default)]
struct Builder {
    errors: Vec<Diagnostic>,
}

impl Builder {
    fn statement(&mut self, pair: Pair<'_, Rule>) -> Statement {
        let span = span_of(&pair);
        match pair.as_rule() {
            Rule::title_stmt => {
                let text = self.text(last_inner(pair));
                Statement::Title(Title { text, span })
            }
            Rule::direction_stmt => {
                let value = last_inner(pair);
                let value = match value.as_rule() {
                    Rule::string => self.text(value),
                    _ => bare_text(value),
                };
                Statement::Direction(DirectionStatement { value, span })
            }
            Rule::row_stmt => Statement::Row(Row {
                members: self.ident_list(last_inner(pair)),
                span,
            }),
            Rule::layer_decl => Statement::Node(self.node(pair, NodeKeyword::Layer)),
            Rule::group_decl => Statement::Node(self.node(pair, NodeKeyword::Group)),
            Rule::component_decl => Statement::Node(self.node(pair, NodeKeyword::None)),
            Rule::bullet => Statement::Bullet(self.text(last_inner(pair))),
            Rule::edge_stmt => Statement::Edge(self.edge(pair)),
            rule => unreachable!("the grammar has no statement {rule:?}"),
        }
    }

    fn node(&mut self, pair: Pair<'_, Rule>, keyword: NodeKeyword) -> NodeDeclaration {
        let span = span_of(&pair);
        let mut id = None;
        let mut labels = Vec::new();
        let mut attributes = Vec::new();
        let mut body = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::kw_layer | Rule::kw_group => {}
                Rule::ident => id = Some(self.ident(part)),
                Rule::string => labels.push(self.text(part)),
                Rule::attributes => attributes = self.attributes(part),
                Rule::body => {
                    body = Some(
                        part.into_inner()
                            .map(|inner| self.statement(inner))
                            .collect(),
                    );
                }
                rule => unreachable!("the grammar has no node part {rule:?}"),
            }
        }
        NodeDeclaration {
            keyword,
            id: id.expect("the grammar requires a node id"),
            labels,
            attributes,
            body,
            span,
        }
    }

    fn edge(&mut self, pair: Pair<'_, Rule>) -> EdgeStatement {
        let span = span_of(&pair);
        let mut lists = Vec::new();
        let mut operators = Vec::new();
        let mut label = None;
        let mut attributes = Vec::new();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::ident_list => lists.push(self.ident_list(part)),
                Rule::arrow => operators.push(operator(part)),
                Rule::edge_label => label = Some(self.text(last_inner(part))),
                Rule::attributes => attributes = self.attributes(part),
                rule => unreachable!("the grammar has no edge part {rule:?}"),
            }
        }
        EdgeStatement {
            lists,
            operators,
            label,
            attributes,
            span,
        }
    }

    fn attributes(&mut self, pair: Pair<'_, Rule>) -> Vec<Attribute> {
        pair.into_inner()
            .map(|attribute| {
                let span = span_of(&attribute);
                let mut parts = attribute.into_inner();
                let key = plain_ident(parts.next().expect("an attribute has a key"));
                let value = parts.next().expect("an attribute has a value");
                let value = match value.as_rule() {
                    Rule::string => self.text(value),
                    _ => bare_text(value),
                };
                Attribute { key, value, span }
            })
            .collect()
    }

    fn ident_list(&mut self, pair: Pair<'_, Rule>) -> Vec<Ident> {
        pair.into_inner().map(|ident| self.ident(ident)).collect()
    }

    /// An id that names a node: keywords are refused here.
    fn ident(&mut self, pair: Pair<'_, Rule>) -> Ident {
        let ident = plain_ident(pair);
        if let Some(usage) = keyword_usage(&ident.name) {
            self.errors.push(
                Diagnostic::error(
                    format!("`{}` is a keyword and cannot be used as an id", ident.name),
                    ident.span,
                )
                .with_note("keyword where an id belongs")
                .with_help(format!("the `{}` statement is written {usage}", ident.name))
                .with_help(format!(
                    "to name a node, pick another id, such as `{}_`",
                    ident.name
                )),
            );
        }
        ident
    }

    /// Decodes a string literal's escapes, refusing control characters and
    /// noncharacters.
    fn text(&mut self, pair: Pair<'_, Rule>) -> Text {
        let span = span_of(&pair);
        let content = pair.into_inner().next().expect("a string has content");
        let base = content.as_span().start();
        let mut value = String::with_capacity(content.as_str().len());
        let mut chars = content.as_str().char_indices();
        while let Some((at, c)) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some((_, '"')) => value.push('"'),
                    Some((_, '\\')) => value.push('\\'),
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, other)) => {
                        let end = base + at + 1 + other.len_utf8();
                        self.errors.push(
                            Diagnostic::error(format!("unknown escape `\\{}`", other.escape_default()), Span::new(base + at, end))
                                .with_note("not an escape")
                                .with_help("the escapes are `\\\"`, `\\\\` and `\\n`; write `\\\\` for a backslash"),
                        );
                    }
                    None => unreachable!("the grammar never ends a string on a backslash"),
                },
                c if c.is_control() || is_noncharacter(c) => {
                    let (kind, note, help) = if c.is_control() {
                        let help = if c == '\t' {
                            "use spaces instead of a tab inside a string"
                        } else {
                            "remove it; write `\\n` for a line break"
                        };
                        ("control character", "control character", help)
                    } else {
                        (
                            "noncharacter",
                            "not a character",
                            "remove it: Unicode keeps noncharacters out of text, and XML (SVG) refuses U+FFFE and U+FFFF",
                        )
                    };
                    let span = Span::new(base + at, base + at + c.len_utf8());
                    self.errors.push(
                        Diagnostic::error(
                            format!("{kind} U+{:04X} in a string", u32::from(c)),
                            span,
                        )
                        .with_note(note)
                        .with_help(help),
                    );
                }
                c => value.push(c),
            }
        }
        Text { value, span }
    }
}

/// One of Unicode's 66 noncharacters: U+FDD0 to U+FDEF, and the last two
/// code points of every plane.
fn is_noncharacter(c: char) -> bool {
    let code = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&code) || code & 0xFFFE == 0xFFFE
}

fn plain_ident(pair: Pair<'_, Rule>) -> Ident {
    Ident {
        name: pair.as_str().to_owned(),
        span: span_of(&pair),
    }
}

/// A bare word used as a value, as if it had been quoted.
fn bare_text(pair: Pair<'_, Rule>) -> Text {
    Text {
        value: pair.as_str().to_owned(),
        span: span_of(&pair),
    }
}

fn operator(pair: Pair<'_, Rule>) -> Operator {
    let span = span_of(&pair);
    let kind = match last_inner(pair).as_rule() {
        Rule::forward_arrow => OperatorKind::Forward,
        Rule::backward_arrow => OperatorKind::Backward,
        Rule::both_arrow => OperatorKind::Both,
        Rule::plain_line => OperatorKind::Plain,
        rule => unreachable!("the grammar has no operator {rule:?}"),
    };
    Operator { kind, span }
}

fn last_inner(pair: Pair<'_, Rule>) -> Pair<'_, Rule> {
    pair.into_inner()
        .last()
        .expect("the grammar gives this rule an inner value")
}

fn span_of(pair: &Pair<'_, Rule>) -> Span {
    let span = pair.as_span();
    Span::new(span.start(), span.end())
}

/// Turns pest's error into "expected X, found Y" at the failing token.
fn grammar_error(source: &str, error: &pest::error::Error<Rule>) -> Diagnostic {
    let at = match error.location {
        pest::error::InputLocation::Pos(at) => at,
        pest::error::InputLocation::Span((start, _)) => start,
    };
    let mut expected: Vec<&str> = match &error.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            positives.iter().map(|rule| describe(*rule)).collect()
        }
        pest::error::ErrorVariant::CustomError { .. } => Vec::new(),
    };
    expected.sort_unstable();
    expected.dedup();
    let (found, length) = found_at(source, at);
    let message = match expected.as_slice() {
        [] => format!("unexpected {found}"),
        [only] => format!("expected {only}, found {found}"),
        [init @ .., last] => format!("expected {} or {last}, found {found}", init.join(", ")),
    };
    let diagnostic =
        Diagnostic::error(message, Span::new(at, at + length)).with_note("unexpected here");
    let first = source[at.min(source.len())..].chars().next();
    if first.is_some_and(|c| !c.is_ascii() && c.is_alphanumeric()) {
        diagnostic.with_help("ids use ASCII letters, digits, `_` and `-`; write other scripts in label strings: `web \"ウェブ\"`")
    } else if found == "a string"
        && (expected.contains(&"an id") || expected.contains(&"a statement"))
    {
        diagnostic.with_help("labels follow the id, before any attributes or body: `web \"Web App\" [shape=rounded]`")
    } else {
        diagnostic
    }
}

/// A reader's name for what a grammar rule matches.
fn describe(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "end of file",
        Rule::ident | Rule::ident_list => "an id",
        Rule::string | Rule::string_content => "a string",
        Rule::arrow
        | Rule::forward_arrow
        | Rule::backward_arrow
        | Rule::both_arrow
        | Rule::plain_line => "an edge operator (`->`, `<-`, `<->`, `--`)",
        Rule::body => "`{`",
        Rule::attributes => "`[`",
        Rule::attribute => "an attribute `key=value`",
        Rule::edge_label => "`:` and a label",
        _ => "a statement",
    }
}

/// Describes the token at `at` and its length in bytes.
fn found_at(source: &str, at: usize) -> (String, usize) {
    let rest = &source[at.min(source.len())..];
    let Some(first) = rest.chars().next() else {
        return ("end of file".to_owned(), 0);
    };
    if first == '"' {
        let length = rest[1..].find('"').map_or(rest.len(), |end| end + 2);
        return ("a string".to_owned(), length);
    }
    if first.is_alphanumeric() || first == '_' {
        let length = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(rest.len());
        return (format!("`{}`", &rest[..length]), length);
    }
    let shown = if first.is_control() {
        first.escape_default().to_string()
    } else {
        first.to_string()
    };
    (format!("`{shown}`"), first.len_utf8())
}

//! Lowering: syntax tree to [`Model`]. Declares every node, resolves every
//! name, applies defaults and runs every semantic check, collecting all the
//! errors of one file in one run.

use std::collections::HashMap;

use petgraph::stable_graph::StableDiGraph;
use unicode_width::UnicodeWidthChar;

use super::{
    Align, Direction, Edge, EdgeStyle, Heads, Model, Node, NodeId, NodeKind, Relation, Shape,
};
use crate::diagnostic::{Diagnostic, Span};
use crate::syntax::ast::{self, NodeKeyword, OperatorKind, Statement};

/// Builds the model of a parsed diagram, or every error that prevents it.
pub fn lower(diagram: &ast::Diagram) -> Result<Model, Vec<Diagnostic>> {
    let mut lowering = Lowering::default();
    lowering.statements(&diagram.statements, None);
    for statement in std::mem::take(&mut lowering.edge_statements) {
        lowering.edge_statement(statement);
    }
    let mut rows = Vec::new();
    for row in std::mem::take(&mut lowering.row_statements) {
        if let Some(members) = lowering.row(row, &rows) {
            rows.push(members);
        }
    }
    if lowering.graph.node_count() == 0 && lowering.errors.is_empty() {
        lowering.errors.push(
            Diagnostic::error("the diagram is empty", Span::new(0, 0))
                .with_note("no nodes are declared in this file")
                .with_help("declare a component, for example `web \"Web App\"`"),
        );
    }
    if !lowering.errors.is_empty() {
        return Err(lowering.errors);
    }
    Ok(Model {
        title: lowering.title.map(|(title, _)| title),
        direction: lowering
            .direction
            .map_or(Direction::Down, |(direction, _)| direction),
        graph: lowering.graph,
        rows: rows
            .into_iter()
            .map(|row| row.into_iter().map(|(node, _)| node).collect())
            .collect(),
    })
}

/// Attribute names and their valid values, in the order help lists them.
type AttributeTable = [(&'static str, &'static [&'static str])];

const NODE_ATTRIBUTES: &AttributeTable = &[
    ("shape", &["box", "rounded", "cylinder", "person"]),
    ("align", &["center", "left"]),
];

const EDGE_ATTRIBUTES: &AttributeTable = &[("style", &["solid", "dashed", "thick"])];

const DIRECTIONS: &[&str] = &["down", "right"];

/// Unknown ids get a "did you mean" for at most this many; past that the
/// file is likely not a typo away from valid, and the search is quadratic.
const MAX_SUGGESTIONS: usize = 100;

#[derive(Default)]
struct Lowering<'a> {
    graph: StableDiGraph<Node, Relation>,
    ids: HashMap<&'a str, NodeId>,
    /// Each node's container, by node index (indices are dense: nothing is removed).
    parents: Vec<Option<NodeId>>,
    title: Option<(String, Span)>,
    direction: Option<(Direction, Span)>,
    edge_statements: Vec<&'a ast::EdgeStatement>,
    row_statements: Vec<&'a ast::Row>,
    suggestions_made: usize,
    errors: Vec<Diagnostic>,
}

impl<'a> Lowering<'a> {
    fn statements(&mut self, statements: &'a [Statement], parent: Option<NodeId>) {
        for statement in statements {
            match statement {
                Statement::Title(title) => self.title(title, parent),
                Statement::Direction(direction) => self.direction(direction, parent),
                Statement::Row(row) => self.row_statements.push(row),
                Statement::Node(declaration) => self.node(declaration, parent),
                Statement::Bullet(text) => self.bullet(text, parent),
                Statement::Edge(edge) => self.edge_statements.push(edge),
            }
        }
    }

    fn title(&mut self, title: &ast::Title, parent: Option<NodeId>) {
        if self.top_level_only("title", title.span, parent) {
            return;
        }
        self.check_one_line(&title.text, "title");
        if let Some((_, first)) = self.title {
            self.errors.push(
                Diagnostic::error("the diagram has two titles", title.span)
                    .with_note("second title")
                    .with_secondary(first, "first title")
                    .with_help("keep one `title` statement"),
            );
        } else {
            self.title = Some((title.text.value.clone(), title.span));
        }
    }

    fn direction(&mut self, statement: &ast::DirectionStatement, parent: Option<NodeId>) {
        if self.top_level_only("direction", statement.span, parent) {
            return;
        }
        let direction = match statement.value.value.as_str() {
            "down" => Direction::Down,
            "right" => Direction::Right,
            other => {
                self.errors.push(unknown_value(
                    "direction",
                    other,
                    statement.value.span,
                    DIRECTIONS,
                ));
                return;
            }
        };
        if let Some((_, first)) = self.direction {
            self.errors.push(
                Diagnostic::error("the diagram has two directions", statement.span)
                    .with_note("second direction")
                    .with_secondary(first, "first direction")
                    .with_help("keep one `direction` statement"),
            );
        } else {
            self.direction = Some((direction, statement.span));
        }
    }

    /// Reports a statement that is only meaningful at the top level; true if it was nested.
    fn top_level_only(&mut self, keyword: &str, span: Span, parent: Option<NodeId>) -> bool {
        let Some(parent) = parent else { return false };
        self.errors.push(
            Diagnostic::error(
                format!("`{keyword}` belongs at the top level of the file"),
                span,
            )
            .with_note("inside a body")
            .with_secondary(self.graph[parent].span, "in the body of this node")
            .with_help(format!(
                "move the `{keyword}` statement out of every `{{ ... }}`"
            )),
        );
        true
    }

    fn node(&mut self, declaration: &'a ast::NodeDeclaration, parent: Option<NodeId>) {
        let kind = match declaration.keyword {
            NodeKeyword::Layer => NodeKind::Layer,
            NodeKeyword::Group => NodeKind::Group,
            NodeKeyword::None => NodeKind::Component,
        };
        if let (NodeKind::Layer, Some(parent)) = (kind, parent) {
            self.errors.push(
                Diagnostic::error("a layer cannot be nested inside another node", declaration.id.span)
                    .with_note("nested layer")
                    .with_secondary(self.graph[parent].span, "inside this node")
                    .with_help("layers are the diagram's top-level bands; use `group` for a container inside another"),
            );
        }

        let mut label = Vec::new();
        for text in &declaration.labels {
            label.extend(self.lines(text, "label"));
        }
        if label.is_empty() {
            label.push(declaration.id.name.clone());
        }

        let attributes = self.attributes(&declaration.attributes, NODE_ATTRIBUTES, "a node");
        let shape = match attributes.get("shape").map(|text| text.value.as_str()) {
            Some("rounded") => Shape::Rounded,
            Some("cylinder") => Shape::Cylinder,
            Some("person") => Shape::Person,
            _ => Shape::Box,
        };
        let has_bullets = declaration
            .body
            .iter()
            .flatten()
            .any(|statement| matches!(statement, Statement::Bullet(_)));
        let align = match attributes.get("align").map(|text| text.value.as_str()) {
            Some("left") => Align::Left,
            Some(_) => Align::Center,
            None if has_bullets || kind == NodeKind::Group => Align::Left,
            None => Align::Center,
        };

        let node = self.graph.add_node(Node {
            id: declaration.id.name.clone(),
            kind,
            label,
            bullets: Vec::new(),
            shape,
            align,
            span: declaration.id.span,
        });
        self.parents.push(parent);
        if let Some(parent) = parent {
            self.graph.add_edge(parent, node, Relation::Contains);
        }
        match self.ids.get(declaration.id.name.as_str()) {
            Some(&first) => self.errors.push(
                Diagnostic::error(
                    format!("duplicate id `{}`", declaration.id.name),
                    declaration.id.span,
                )
                .with_note("declared again here")
                .with_secondary(self.graph[first].span, "first declared here")
                .with_help("ids share one namespace across the whole file; rename one of them"),
            ),
            None => {
                self.ids.insert(&declaration.id.name, node);
            }
        }

        if let Some(body) = &declaration.body {
            self.statements(body, Some(node));
        }

        let is_container =
            kind != NodeKind::Component || self.graph.neighbors(node).next().is_some();
        if let (Some(text), true) = (attributes.get("shape"), is_container)
            && matches!(shape, Shape::Cylinder | Shape::Person)
        {
            self.errors.push(
                    Diagnostic::error(format!("a container cannot have the shape `{}`", text.value), text.span)
                        .with_note("shape of a container")
                        .with_secondary(declaration.id.span, "this node is a container")
                        .with_help("containers are drawn as `box` or `rounded`; give the shape to a component inside"),
                );
        }
    }

    fn bullet(&mut self, text: &ast::Text, parent: Option<NodeId>) {
        let Some(parent) = parent else {
            self.errors.push(
                Diagnostic::error("a bullet line must be inside a node", text.span)
                    .with_note("bullet at the top level")
                    .with_help("put it in a body: `box \"Title\" { - \"text\" }`"),
            );
            return;
        };
        let lines = self.lines(text, "bullet line");
        self.graph[parent].bullets.extend(lines);
    }

    fn edge_statement(&mut self, statement: &'a ast::EdgeStatement) {
        let label = statement
            .label
            .as_ref()
            .filter(|label| self.check_one_line(label, "edge label"));
        let attributes = self.attributes(&statement.attributes, EDGE_ATTRIBUTES, "an edge");
        let style = match attributes.get("style").map(|text| text.value.as_str()) {
            Some("dashed") => EdgeStyle::Dashed,
            Some("thick") => EdgeStyle::Thick,
            _ => EdgeStyle::Solid,
        };
        let lists: Vec<Vec<(NodeId, &ast::Ident)>> = statement
            .lists
            .iter()
            .map(|list| {
                list.iter()
                    .filter_map(|ident| self.resolve(ident).map(|node| (node, ident)))
                    .collect()
            })
            .collect();
        for (hop, operator) in statement.operators.iter().enumerate() {
            for &(left, left_ident) in &lists[hop] {
                for &(right, right_ident) in &lists[hop + 1] {
                    let span = Span::new(left_ident.span.start, right_ident.span.end);
                    let (from, to, heads) = match operator.kind {
                        OperatorKind::Forward => (left, right, Heads::Forward),
                        OperatorKind::Backward => (right, left, Heads::Forward),
                        OperatorKind::Both => (left, right, Heads::Both),
                        OperatorKind::Plain => (left, right, Heads::None),
                    };
                    if self.check_edge_ends(left_ident, right_ident, left, right) {
                        let edge = Edge {
                            heads,
                            label: label.map(|label| label.value.clone()),
                            style,
                            span,
                        };
                        self.graph.add_edge(from, to, Relation::Flow(edge));
                    }
                }
            }
        }
    }

    /// Refuses edges that cannot be drawn between two separate boxes.
    fn check_edge_ends(
        &mut self,
        left: &ast::Ident,
        right: &ast::Ident,
        left_node: NodeId,
        right_node: NodeId,
    ) -> bool {
        if left_node == right_node {
            self.errors.push(
                Diagnostic::error(format!("an edge from `{}` to itself", left.name), Span::new(left.span.start, right.span.end))
                    .with_note("self-edge")
                    .with_help("Strata does not draw self-loops; describe the behaviour in a bullet line, e.g. `- \"retries itself\"`"),
            );
            return false;
        }
        let (ancestor, descendant) = if self.is_ancestor(left_node, right_node) {
            (left, right)
        } else if self.is_ancestor(right_node, left_node) {
            (right, left)
        } else {
            return true;
        };
        self.errors.push(
            Diagnostic::error(
                format!("an edge between `{}` and `{}`, which it contains", ancestor.name, descendant.name),
                Span::new(left.span.start, right.span.end),
            )
            .with_note("container and its own descendant")
            .with_help("a box drawn inside another cannot be linked to it by a line; connect the inner node to a sibling instead"),
        );
        false
    }

    fn is_ancestor(&self, ancestor: NodeId, node: NodeId) -> bool {
        std::iter::successors(self.parent(node), |&above| self.parent(above))
            .any(|above| above == ancestor)
    }

    fn parent(&self, node: NodeId) -> Option<NodeId> {
        self.parents[node.index()]
    }

    /// Checks a row; returns its members with their ids when it is valid.
    fn row(
        &mut self,
        row: &'a ast::Row,
        earlier: &[Vec<(NodeId, &'a ast::Ident)>],
    ) -> Option<Vec<(NodeId, &'a ast::Ident)>> {
        let mut members: Vec<(NodeId, &ast::Ident)> = Vec::new();
        let mut valid = true;
        for ident in &row.members {
            let Some(node) = self.resolve(ident) else {
                valid = false;
                continue;
            };
            if let Some((_, first)) = members.iter().find(|(member, _)| *member == node) {
                self.errors.push(
                    Diagnostic::error(
                        format!("`{}` appears twice in this row", ident.name),
                        ident.span,
                    )
                    .with_note("again here")
                    .with_secondary(first.span, "first here"),
                );
                valid = false;
                continue;
            }
            if self.graph[node].kind == NodeKind::Layer {
                self.errors.push(
                    Diagnostic::error(format!("layer `{}` cannot be in a row", ident.name), ident.span)
                        .with_note("a layer")
                        .with_help("layers always stack one below the other; rows arrange the nodes inside them"),
                );
                valid = false;
                continue;
            }
            if let Some(other) = earlier.iter().flatten().find(|(member, _)| *member == node) {
                self.errors.push(
                    Diagnostic::error(format!("`{}` is already in another row", ident.name), ident.span)
                        .with_note("second row")
                        .with_secondary(other.1.span, "first row")
                        .with_help("a node is in at most one row; list all its row neighbours in one `row` statement"),
                );
                valid = false;
                continue;
            }
            members.push((node, ident));
        }
        if row.members.len() < 2 {
            self.errors.push(
                Diagnostic::error("a row needs at least two nodes", row.span)
                    .with_note("one node")
                    .with_help("list the nodes to keep side by side: `row a, b, c`"),
            );
            return None;
        }
        if let Some(&(first, first_ident)) = members.first() {
            let expected = self.parent(first);
            if let Some(&(stranger, stranger_ident)) = members
                .iter()
                .find(|(member, _)| self.parent(*member) != expected)
            {
                let place = |node: Option<NodeId>| match node {
                    Some(node) => format!("inside `{}`", self.graph[node].id),
                    None => "at the top level".to_owned(),
                };
                self.errors.push(
                    Diagnostic::error(
                        "the nodes of a row must share one container",
                        stranger_ident.span,
                    )
                    .with_note(place(self.parent(stranger)))
                    .with_secondary(first_ident.span, place(expected))
                    .with_help("a row arranges siblings; move the nodes into the same container"),
                );
                valid = false;
            }
        }
        valid.then_some(members)
    }

    /// Looks an id up, reporting it (with a suggestion) when it is unknown.
    fn resolve(&mut self, ident: &ast::Ident) -> Option<NodeId> {
        if let Some(&node) = self.ids.get(ident.name.as_str()) {
            return Some(node);
        }
        let mut diagnostic = Diagnostic::error(format!("unknown id `{}`", ident.name), ident.span)
            .with_note("not declared anywhere");
        if self.suggestions_made < MAX_SUGGESTIONS {
            self.suggestions_made += 1;
            let known = self
                .graph
                .node_indices()
                .map(|node| self.graph[node].id.as_str());
            if let Some(close) = closest(&ident.name, known) {
                let declared = self.graph[self.ids[close]].span;
                diagnostic = diagnostic
                    .with_help(format!("did you mean `{close}`?"))
                    .with_secondary(declared, format!("`{close}` is declared here"));
            }
        }
        self.errors.push(diagnostic.with_help(format!(
            "declare it anywhere in the file: `{} \"Label\"`",
            ident.name
        )));
        None
    }

    /// Checks attributes against a table; returns the valid ones by key.
    fn attributes(
        &mut self,
        attributes: &'a [ast::Attribute],
        table: &AttributeTable,
        owner: &str,
    ) -> HashMap<&'a str, &'a ast::Text> {
        let mut valid: HashMap<&str, &ast::Text> = HashMap::new();
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for attribute in attributes {
            let key = attribute.key.name.as_str();
            let Some((_, values)) = table.iter().find(|(name, _)| *name == key) else {
                let names: Vec<&str> = table.iter().map(|(name, _)| *name).collect();
                let mut diagnostic = Diagnostic::error(
                    format!("unknown attribute `{key}` on {owner}"),
                    attribute.key.span,
                )
                .with_note("unknown attribute");
                if let Some(close) = closest(key, names.iter().copied()) {
                    diagnostic = diagnostic.with_help(format!("did you mean `{close}`?"));
                }
                self.errors.push(
                    diagnostic.with_help(format!("attributes of {owner}: {}", names.join(", "))),
                );
                continue;
            };
            if let Some(&first) = seen.get(key) {
                self.errors.push(
                    Diagnostic::error(format!("attribute `{key}` is given twice"), attribute.span)
                        .with_note("second value")
                        .with_secondary(first, "first value"),
                );
                continue;
            }
            seen.insert(key, attribute.span);
            if values.contains(&attribute.value.value.as_str()) {
                valid.insert(key, &attribute.value);
            } else {
                self.errors.push(unknown_value(
                    key,
                    &attribute.value.value,
                    attribute.value.span,
                    values,
                ));
            }
        }
        valid
    }

    /// The lines of a node label or bullet text (split at `\n`), reporting
    /// blank ones; an invalid text gives no lines.
    fn lines(&mut self, text: &ast::Text, what: &str) -> Vec<String> {
        let lines: Vec<String> = text.value.split('\n').map(str::to_owned).collect();
        if is_blank(&text.value) {
            let help = match what {
                "label" => "leave the label out to label the node with its id",
                _ => "write some text or remove the line",
            };
            self.errors.push(blank(text, what).with_help(help));
            return Vec::new();
        }
        if lines.iter().any(|line| is_blank(line)) {
            self.errors.push(
                Diagnostic::error(format!("blank line in the {what}"), text.span)
                    .with_note("`\\n` here makes an empty line")
                    .with_help("remove the extra `\\n`; boxes are sized to their text"),
            );
            return Vec::new();
        }
        lines
    }

    /// Checks a title or edge label: some text, on one line.
    fn check_one_line(&mut self, text: &ast::Text, what: &str) -> bool {
        if is_blank(&text.value) {
            let help = match what {
                "edge label" => "leave out `: \"\"` for an edge without a label",
                _ => "write some text or remove the statement",
            };
            self.errors.push(blank(text, what).with_help(help));
            return false;
        }
        if text.value.contains('\n') {
            self.errors.push(
                Diagnostic::error(format!("a line break in the {what}"), text.span)
                    .with_note("`\\n` is only for node labels and bullet lines")
                    .with_help(format!("write the {what} on one line")),
            );
            return false;
        }
        true
    }
}

/// Whether a text shows nothing: only whitespace and zero-width characters
/// (a zero-width space, a lone accent), which would draw an empty label.
fn is_blank(text: &str) -> bool {
    !text
        .chars()
        .any(|c| !c.is_whitespace() && c.width().is_some_and(|width| width > 0))
}

fn blank(text: &ast::Text, what: &str) -> Diagnostic {
    Diagnostic::error(format!("empty {what}"), text.span)
        .with_note(format!("this {what} has no text"))
}

fn unknown_value(what: &str, value: &str, span: Span, valid: &[&str]) -> Diagnostic {
    let mut diagnostic = Diagnostic::error(format!("unknown {what} `{value}`"), span)
        .with_note(format!("not a valid {what}"));
    if let Some(close) = closest(value, valid.iter().copied()) {
        diagnostic = diagnostic.with_help(format!("did you mean `{close}`?"));
    }
    diagnostic.with_help(format!("valid values of {what}: {}", valid.join(", ")))
}

/// The candidate nearest to `name` by edit distance, if one is near enough
/// to be a typo; the first such candidate wins ties.
fn closest<'c>(name: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    // One edit in three characters, as rustc allows; names of one or two
    // characters are too short to tell a typo from another name.
    let limit = match name.chars().count() {
        0..=2 => return None,
        length => (length / 3).clamp(1, 3),
    };
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if candidate.len().abs_diff(name.len()) > limit {
            continue;
        }
        let distance = edit_distance(name, candidate);
        if distance <= limit && best.is_none_or(|(nearest, _)| distance < nearest) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// Levenshtein distance, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("gateway", "gatway"), 1);
        assert_eq!(edit_distance("svc_a", "svc_b"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("漢字", "漢"), 1);
    }

    #[test]
    fn closest_prefers_the_nearest_then_the_first() {
        let ids = ["svc_a", "svc_b", "gateway"];
        assert_eq!(closest("svc_c", ids.into_iter()), Some("svc_a"));
        assert_eq!(closest("gatewya", ids.into_iter()), Some("gateway"));
        assert_eq!(closest("database", ids.into_iter()), None);
    }
}

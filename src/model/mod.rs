//! The semantic model: names resolved, defaults applied, every check passed.
//! Reads an [`ast::Diagram`](crate::syntax::ast::Diagram) (through
//! [`lower`]) and returns an immutable [`Model`] that the layout reads.
//! This is the only module that builds the petgraph.
//!
//! Containment and flow are kept apart: both live in one `StableDiGraph`, but
//! as different [`Relation`]s, and every accessor asks for one kind only.
//! Node and edge indices are handed out in source order and never reused, so
//! sorting by index is sorting by source position.

mod json;
mod lower;

pub use json::to_json;
pub use lower::lower;

use petgraph::Direction as Incoming;
use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::{EdgeRef, IntoEdgeReferences};

use crate::diagnostic::Span;

/// A node's handle in the [`Model`].
pub type NodeId = NodeIndex;
/// A flow edge's handle in the [`Model`].
pub type EdgeId = EdgeIndex;

/// A checked diagram.
///
/// Invariants, established by [`lower`]:
/// - node ids are unique; every node but the roots has exactly one parent;
/// - layers are roots;
/// - no flow edge joins a node to itself, or a container to one of its descendants;
/// - every label, bullet and title is non-empty and free of control characters
///   and noncharacters;
/// - every row holds two or more distinct siblings, none a layer, and a node is
///   in at most one row.
#[derive(Clone, Debug)]
pub struct Model {
    title: Option<String>,
    direction: Direction,
    graph: StableDiGraph<Node, Relation>,
    rows: Vec<Vec<NodeId>>,
}

/// Where ranks advance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Direction {
    /// Top to bottom (the default).
    #[default]
    Down,
    /// Left to right.
    Right,
}

/// A layer, group or component.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub id: String,
    pub kind: NodeKind,
    /// Label lines, at least one: the written labels split at `\n`, or the id.
    pub label: Vec<String>,
    /// Bullet lines, without the leading "- ".
    pub bullets: Vec<String>,
    pub shape: Shape,
    pub align: Align,
    /// The id where the node is declared.
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    Layer,
    Group,
    Component,
}

/// How a node's box is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Box,
    Rounded,
    Cylinder,
    Person,
}

/// How a node's label (a container's title) sits on its lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Center,
    Left,
}

/// A graph edge: either containment or flow, never both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Relation {
    /// The source node contains the target node.
    Contains,
    /// A drawn edge from the source node to the target node.
    Flow(Edge),
}

/// A drawn edge. `a <- b` is stored as a forward edge from `b` to `a`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    pub heads: Heads,
    pub label: Option<String>,
    pub style: EdgeStyle,
    /// From the first endpoint to the last as written.
    pub span: Span,
}

/// Which ends of an edge carry an arrowhead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Heads {
    /// At the target only (`->`, and `<-` after normalising).
    Forward,
    /// At both ends (`<->`).
    Both,
    /// At neither end (`--`).
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EdgeStyle {
    Solid,
    Dashed,
    Thick,
}

/// One flow edge with its ends.
#[derive(Clone, Copy, Debug)]
pub struct FlowEdge<'a> {
    pub id: EdgeId,
    pub from: NodeId,
    pub to: NodeId,
    pub edge: &'a Edge,
}

impl Model {
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// The whole graph, for algorithms; prefer the accessors below.
    pub fn graph(&self) -> &StableDiGraph<Node, Relation> {
        &self.graph
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.graph[id]
    }

    /// Every node in source order.
    pub fn nodes(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.graph.node_indices()
    }

    /// Top-level nodes in source order.
    pub fn roots(&self) -> Vec<NodeId> {
        self.nodes()
            .filter(|&node| self.parent(node).is_none())
            .collect()
    }

    /// The node that contains `node`, if any.
    pub fn parent(&self, node: NodeId) -> Option<NodeId> {
        self.graph
            .edges_directed(node, Incoming::Incoming)
            .find(|edge| matches!(edge.weight(), Relation::Contains))
            .map(|edge| edge.source())
    }

    /// The nodes directly inside `node`, in source order.
    pub fn children(&self, node: NodeId) -> Vec<NodeId> {
        let mut children: Vec<NodeId> = self
            .graph
            .edges(node)
            .filter(|edge| matches!(edge.weight(), Relation::Contains))
            .map(|edge| edge.target())
            .collect();
        children.sort_unstable();
        children
    }

    /// Whether `node` is drawn as a container: a layer, a group, or a component
    /// holding other nodes. (Bullet lines alone do not make a container.)
    pub fn is_container(&self, node: NodeId) -> bool {
        self.graph[node].kind != NodeKind::Component || !self.children(node).is_empty()
    }

    /// Whether `ancestor` contains `node`, directly or through other nodes.
    pub fn contains(&self, ancestor: NodeId, node: NodeId) -> bool {
        std::iter::successors(self.parent(node), |&above| self.parent(above))
            .any(|above| above == ancestor)
    }

    /// Every flow edge in source order.
    pub fn edges(&self) -> Vec<FlowEdge<'_>> {
        let mut edges: Vec<FlowEdge<'_>> = (&self.graph)
            .edge_references()
            .filter_map(|edge| match edge.weight() {
                Relation::Flow(flow) => Some(FlowEdge {
                    id: edge.id(),
                    from: edge.source(),
                    to: edge.target(),
                    edge: flow,
                }),
                Relation::Contains => None,
            })
            .collect();
        edges.sort_unstable_by_key(|edge| edge.id);
        edges
    }

    /// The `row` constraints: nodes to keep side by side on one rank.
    pub fn rows(&self) -> &[Vec<NodeId>] {
        &self.rows
    }
}

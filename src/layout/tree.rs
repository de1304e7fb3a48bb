//! The containment tree as flat arrays, read once from the model so that the
//! layout's inner loops ask "parent?", "depth?" and "which children?" in
//! constant time.

use crate::model::{Model, NodeId};

pub struct Tree {
    parent: Vec<Option<NodeId>>,
    children: Vec<Vec<NodeId>>,
    depth: Vec<usize>,
    roots: Vec<NodeId>,
}

impl Tree {
    pub fn new(model: &Model) -> Tree {
        let count = model
            .nodes()
            .map(|node| node.index() + 1)
            .max()
            .unwrap_or(0);
        let mut parent = vec![None; count];
        let mut children = vec![Vec::new(); count];
        let mut roots = Vec::new();
        for node in model.nodes() {
            match model.parent(node) {
                Some(above) => {
                    parent[node.index()] = Some(above);
                    children[above.index()].push(node);
                }
                None => roots.push(node),
            }
        }
        // Nodes come in source order and parents before children, so one
        // pass fills every depth.
        let mut depth = vec![0; count];
        for node in model.nodes() {
            if let Some(above) = parent[node.index()] {
                depth[node.index()] = depth[above.index()] + 1;
            }
        }
        Tree {
            parent,
            children,
            depth,
            roots,
        }
    }

    pub fn parent(&self, node: NodeId) -> Option<NodeId> {
        self.parent[node.index()]
    }

    /// The children of `container`, or the top-level nodes for `None`.
    pub fn children(&self, container: Option<NodeId>) -> &[NodeId] {
        match container {
            Some(node) => &self.children[node.index()],
            None => &self.roots,
        }
    }

    /// Whether `container` holds `node`, at any depth (not itself).
    pub fn contains(&self, container: NodeId, node: NodeId) -> bool {
        let mut above = self.parent(node);
        while let Some(current) = above {
            if current == container {
                return true;
            }
            if self.depth[current.index()] <= self.depth[container.index()] {
                return false;
            }
            above = self.parent(current);
        }
        false
    }

    /// The lowest container holding all of `nodes` (`None`: the top level).
    pub fn lowest_common_container(
        &self,
        mut nodes: impl Iterator<Item = NodeId>,
    ) -> Option<NodeId> {
        let first = nodes.next()?;
        let mut common = self.parent(first);
        for node in nodes {
            while let Some(container) = common {
                if self.contains(container, node) {
                    break;
                }
                common = self.parent(container);
            }
        }
        common
    }

    /// The container in which an edge between `a` and `b` is laid out (their
    /// lowest common container, `None` for the top level), with the children
    /// of that container that hold `a` and `b`.
    pub fn lift(&self, a: NodeId, b: NodeId) -> (Option<NodeId>, NodeId, NodeId) {
        let (mut a, mut b) = (a, b);
        while self.depth[a.index()] > self.depth[b.index()] {
            a = self.parent(a).expect("deeper nodes have parents");
        }
        while self.depth[b.index()] > self.depth[a.index()] {
            b = self.parent(b).expect("deeper nodes have parents");
        }
        while self.parent(a) != self.parent(b) {
            a = self
                .parent(a)
                .expect("nodes of equal depth below the top have parents");
            b = self
                .parent(b)
                .expect("nodes of equal depth below the top have parents");
        }
        (self.parent(a), a, b)
    }
}

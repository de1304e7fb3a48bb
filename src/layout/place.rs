//! Placement: every box's rectangle in cells, and where each edge may leave
//! and enter its boxes.
//!
//! Reads the model and its tree; returns a [`Placement`]. Each container's
//! children are laid out as one small layered graph: ranked ([`rank`]),
//! ordered ([`order`]), then given coordinates along the rank axis (down or
//! right) and across it. Containers are sized bottom-up from their contents
//! and positioned top-down. Edges between nodes in different containers are
//! laid out in their lowest common container, between the children that
//! hold their ends; where such an edge crosses a container's border, that
//! container gets a routing channel (a rank with no boxes) inside its border
//! so the route can reach the inner node, and lanes through its ranks.
//!
//! Sizes are generous enough for the router: channels between ranks hold a
//! track for every route that may run along them, and every box side is wide
//! enough for a separate port per net. `slack` widens all spacing, for the
//! rare layout the router cannot complete at the first try.

use unicode_width::UnicodeWidthStr;

use super::order::{self, Slot};
use super::rank::{self, RankInput};
use super::tree::Tree;
use super::{LayoutOptions, PlacedBox, Point, Rect, Side, TextRun};
use crate::model::{Align, Direction, EdgeStyle, FlowEdge, Heads, Model, NodeId, NodeKind};

/// Empty cells between a box's side border and its text.
const TEXT_PADDING: usize = 2;
/// Empty cells between neighbouring boxes along a rank.
const BOX_SEPARATION: usize = 2;

/// Boxes placed, and each net's ends with the sides they use.
pub struct Placement {
    pub width: usize,
    pub height: usize,
    pub title: Option<TextRun>,
    pub boxes: Vec<PlacedBox>,
    /// The index in `boxes` of each node, by node index.
    pub box_of: Vec<usize>,
    pub nets: Vec<PlannedNet>,
    /// The model's id of each flow edge, by index in `model.edges()`.
    pub flow_ids: Vec<crate::model::EdgeId>,
    pub direction: Direction,
    /// Edges that skip a rank: each may have to go around the ranks between
    /// (a full-width layer leaves no way but around), in a track of its own.
    pub detours: usize,
}

/// A net before routing: its edges, and the sides its ends use.
#[derive(Clone)]
pub struct PlannedNet {
    /// Indices into `model.edges()`.
    pub flows: Vec<usize>,
    pub style: EdgeStyle,
    pub label: Option<String>,
    /// `(node, side, arrow)`; in a bus the shared end comes first.
    pub ends: Vec<(NodeId, Side, bool)>,
}

/// One container's children as a layered graph.
#[derive(Default)]
struct Level {
    children: Vec<NodeId>,
    /// Lifted edges `(from child, to child, index in model.edges())`.
    edges: Vec<(usize, usize, usize)>,
    /// Routes that cross this container's border: the child they pass
    /// through and the side they leave by.
    crossings: Vec<(usize, Side)>,
    rows: Vec<Vec<usize>>,
    chain: Vec<usize>,
    ranks: Vec<usize>,
    slots: Vec<Vec<Slot>>,
    /// Links between slots of consecutive ranks: `(upper rank, upper, lower)`.
    links: Vec<(usize, Slot, Slot)>,
    /// Rank of the channel for routes that cross the start / end border
    /// (top / bottom going down; left / right going right), if any.
    entry_channel: bool,
    exit_channel: bool,
}

impl Level {
    /// Whether `slot` holds a layer (chained in source order): a band along
    /// the start of its rank that does not line up with anything.
    fn is_band(&self, slot: Slot) -> bool {
        matches!(slot, Slot::Child(child) if self.chain.contains(&child))
    }
}

pub fn place(model: &Model, tree: &Tree, options: &LayoutOptions, slack: usize) -> Placement {
    let direction = model.direction();
    let node_count = model
        .nodes()
        .map(|node| node.index() + 1)
        .max()
        .unwrap_or(0);
    let flows = model.edges();

    // One level per container, plus the top level at `node_count`.
    let level_index = |container: Option<NodeId>| container.map_or(node_count, |node| node.index());
    let mut levels: Vec<Level> = (0..=node_count).map(|_| Level::default()).collect();
    let mut child_index = vec![0usize; node_count];
    for container in std::iter::once(None).chain(model.nodes().map(Some)) {
        let children = tree.children(container);
        for (index, child) in children.iter().enumerate() {
            child_index[child.index()] = index;
        }
        levels[level_index(container)].children = children.to_vec();
    }
    // Every edge is laid out in the lowest container holding both ends,
    // between the children of it that hold the ends.
    let mut lifted = Vec::with_capacity(flows.len());
    for (flow_index, flow) in flows.iter().enumerate() {
        let (container, a, b) = tree.lift(flow.from, flow.to);
        let (a_index, b_index) = (child_index[a.index()], child_index[b.index()]);
        levels[level_index(container)]
            .edges
            .push((a_index, b_index, flow_index));
        lifted.push((a, b));
    }
    for row in model.rows() {
        let container = tree.parent(row[0]);
        let members = row.iter().map(|node| child_index[node.index()]).collect();
        levels[level_index(container)].rows.push(members);
    }
    let root = &mut levels[node_count];
    root.chain = (0..root.children.len())
        .filter(|&index| model.node(root.children[index]).kind == NodeKind::Layer)
        .collect();

    // Rank and order each level top-down (breadth-first): a container learns
    // which routes cross its border when the levels above decide their sides.
    let breadth_first = breadth_first(tree);
    let mut sides: Vec<(Side, Side)> = vec![(Side::Bottom, Side::Top); flows.len()];
    let mut skips = vec![false; flows.len()];
    for &container in &breadth_first {
        let level = &mut levels[level_index(container)];
        rank_and_order(level, options, direction);
        for &(a, b, flow_index) in &level.edges {
            skips[flow_index] = level.ranks[a].abs_diff(level.ranks[b]) > 1;
        }
        let decided: Vec<(usize, (Side, Side))> = level
            .edges
            .iter()
            .map(|&(a, b, flow_index)| (flow_index, sides_between(level, a, b, direction)))
            .collect();
        for (flow_index, pair) in decided {
            sides[flow_index] = pair;
            let flow = &flows[flow_index];
            let (a, b) = lifted[flow_index];
            for (end, side, top) in [(flow.from, pair.0, a), (flow.to, pair.1, b)] {
                // Every container between the end and the common container is crossed.
                let mut inner = end;
                while inner != top {
                    let outer = tree.parent(inner).expect("below the common container");
                    levels[level_index(Some(outer))]
                        .crossings
                        .push((child_index[inner.index()], side));
                    inner = outer;
                }
            }
        }
    }

    let nets = plan_nets(&flows, &sides, &skips);
    let mut net_of_flow = vec![0usize; flows.len()];
    for (net_index, net) in nets.iter().enumerate() {
        for &flow_index in &net.flows {
            net_of_flow[flow_index] = net_index;
        }
    }
    let ports = count_ports(node_count, &nets);
    let ends: Vec<(NodeId, NodeId)> = flows.iter().map(|flow| (flow.from, flow.to)).collect();

    // Sizes bottom-up, then positions top-down.
    let spacing = Spacing { direction, slack };
    let mut sizes = vec![(0usize, 0usize); node_count];
    let mut offsets = vec![(0usize, 0usize); node_count];
    let mut root_size = (0, 0);
    for &container in breadth_first.iter().rev() {
        let level = &levels[level_index(container)];
        if let Some(node) = container
            && !model.is_container(node)
        {
            sizes[node.index()] = leaf_size(model, node, &ports[node.index()], slack);
            continue;
        }
        let known = Known {
            sizes: &sizes,
            offsets: &offsets,
            nets: &nets,
            net_of_flow: &net_of_flow,
            ends: &ends,
            tree,
        };
        let content = arrange(level, &known, spacing);
        // The top level has no border: its children sit at its origin.
        let (inset, size) = match container {
            Some(node) => {
                let chrome = Chrome::of(model, node, level);
                (
                    (chrome.inner_x(), chrome.inner_y),
                    Some((node, chrome.size(&content, &ports[node.index()], slack))),
                )
            }
            None => ((0, 0), None),
        };
        match size {
            Some((node, size)) => sizes[node.index()] = size,
            None => root_size = content.size,
        }
        for (child, offset) in level.children.iter().zip(&content.offsets) {
            offsets[child.index()] = (offset.0 + inset.0, offset.1 + inset.1);
        }
    }

    // Layers are bands: stretch each to the full width when it is alone on its rank.
    let root = &levels[node_count];
    for (index, &child) in root.children.iter().enumerate() {
        let alone = root
            .ranks
            .iter()
            .filter(|&&rank| rank == root.ranks[index])
            .count()
            == 1;
        if model.node(child).kind == NodeKind::Layer && alone && direction == Direction::Down {
            sizes[child.index()].0 = root_size.0.max(sizes[child.index()].0);
        }
    }

    let title_rows = if model.title().is_some() { 2 } else { 0 };
    let mut boxes: Vec<PlacedBox> = Vec::with_capacity(node_count);
    let mut box_of = vec![usize::MAX; node_count];
    for node in model.nodes() {
        let parent = tree.parent(node);
        let origin = match parent {
            Some(above) => {
                let rect = boxes[box_of[above.index()]].rect;
                Point {
                    x: rect.x,
                    y: rect.y,
                }
            }
            None => Point {
                x: 0,
                y: title_rows,
            },
        };
        let (dx, dy) = offsets[node.index()];
        let (width, height) = sizes[node.index()];
        let rect = Rect {
            x: origin.x + dx,
            y: origin.y + dy,
            width,
            height,
        };
        box_of[node.index()] = boxes.len();
        boxes.push(PlacedBox {
            node,
            id: model.node(node).id.clone(),
            rect,
            shape: model.node(node).shape,
            is_container: model.is_container(node),
            parent: parent.map(|above| box_of[above.index()]),
            text: box_text(model, node, rect),
            label_lines: model.node(node).label.len(),
        });
    }
    let title = model.title().map(|text| TextRun {
        at: Point { x: 0, y: 0 },
        text: text.to_owned(),
    });
    let width = boxes
        .iter()
        .map(|placed| placed.rect.right() + 1)
        .chain(title.iter().map(|run| run.text.width()))
        .max()
        .unwrap_or(0);
    let height = boxes
        .iter()
        .map(|placed| placed.rect.bottom() + 1)
        .max()
        .unwrap_or(0);
    Placement {
        width,
        height,
        title,
        boxes,
        box_of,
        nets,
        flow_ids: flows.iter().map(|flow| flow.id).collect(),
        direction,
        detours: skips.iter().filter(|&&skips| skips).count(),
    }
}

/// The top level (`None`), then every container, parents before children.
fn breadth_first(tree: &Tree) -> Vec<Option<NodeId>> {
    let mut all = vec![None];
    let mut next = 0;
    while next < all.len() {
        let container = all[next];
        next += 1;
        all.extend(tree.children(container).iter().map(|&child| Some(child)));
    }
    all
}

fn rank_and_order(level: &mut Level, options: &LayoutOptions, direction: Direction) {
    let pairs: Vec<(usize, usize)> = level.edges.iter().map(|&(a, b, _)| (a, b)).collect();
    let mut ranks = rank::rank(&RankInput {
        count: level.children.len(),
        edges: &pairs,
        rows: &level.rows,
        chain: &level.chain,
    });
    // Channels for routes that cross this container's border at the start or
    // end of the rank axis: an empty rank before the first and after the last.
    let (start, end) = match direction {
        Direction::Down => (Side::Top, Side::Bottom),
        Direction::Right => (Side::Left, Side::Right),
    };
    // A route entering through the header side needs a channel below the
    // header to reach a free column; otherwise a channel is needed only to
    // reach a child that is not on the rank next to the border.
    let last_rank = ranks.iter().copied().max().unwrap_or(0);
    level.entry_channel = level
        .crossings
        .iter()
        .any(|&(child, side)| side == start && (direction == Direction::Down || ranks[child] != 0));
    level.exit_channel = level
        .crossings
        .iter()
        .any(|&(child, side)| side == end && ranks[child] != last_rank);
    let shift = usize::from(level.entry_channel);
    for rank in &mut ranks {
        *rank += shift;
    }
    let last = ranks.iter().copied().max().unwrap_or(0) + 1;
    let mut order_edges = pairs;
    let children = level.children.len();
    // Virtual children stand for the channels; links to them reserve lanes.
    let mut all_ranks = ranks.clone();
    if level.entry_channel {
        all_ranks.push(0);
        for &(child, side) in &level.crossings {
            if side == start {
                order_edges.push((children, child));
            }
        }
    }
    if level.exit_channel {
        let virtual_index = children + usize::from(level.entry_channel);
        all_ranks.push(last);
        for &(child, side) in &level.crossings {
            if side == end {
                order_edges.push((child, virtual_index));
            }
        }
    }
    let mut ordering = order::order(&all_ranks, &order_edges, options.max_order_sweeps);
    // A layer alone on its rank is a band along the start of the rank: the
    // lanes of edges passing it go around it, after it.
    for slots in &mut ordering.slots {
        let bands = slots.iter().filter(|&&slot| level.is_band(slot)).count();
        let lanes = slots
            .iter()
            .filter(|slot| matches!(slot, Slot::Lane(_)))
            .count();
        if bands == 1 && bands + lanes == slots.len() {
            slots.sort_by_key(|&slot| !level.is_band(slot));
        }
    }
    level.slots = ordering.slots;
    level.links = ordering.links;
    level.ranks = all_ranks;
}

/// The sides by which an edge between children `a` and `b` leaves `a`'s
/// box and enters `b`'s.
fn sides_between(level: &Level, a: usize, b: usize, direction: Direction) -> (Side, Side) {
    let (forward, backward, ahead, behind) = match direction {
        Direction::Down => (Side::Bottom, Side::Top, Side::Right, Side::Left),
        Direction::Right => (Side::Right, Side::Left, Side::Bottom, Side::Top),
    };
    let (rank_a, rank_b) = (level.ranks[a], level.ranks[b]);
    if rank_a < rank_b {
        (forward, backward)
    } else if rank_a > rank_b {
        (backward, forward)
    } else {
        let position = |child: usize| {
            level.slots[rank_a]
                .iter()
                .position(|&slot| slot == Slot::Child(child))
                .expect("every child has a slot on its rank")
        };
        if position(a) < position(b) {
            (ahead, behind)
        } else {
            (behind, ahead)
        }
    }
}

/// Groups edges into nets: fan-ins and fan-outs of plain arrows become one
/// bus when the merged drawing reads exactly as those edges. An edge that
/// skips ranks stays on its own: it may have to go around the ranks between,
/// where a bus's trunk runs straight across one channel.
fn plan_nets(edges: &[FlowEdge<'_>], sides: &[(Side, Side)], skips: &[bool]) -> Vec<PlannedNet> {
    let mut taken = vec![false; edges.len()];
    let mut nets = Vec::new();
    let mergeable = |index: usize| edges[index].edge.heads == Heads::Forward && !skips[index];
    type Key<'a> = (NodeId, Side, EdgeStyle, Option<&'a str>);
    let key = |index: usize, at_target: bool| -> Key<'_> {
        let flow = &edges[index];
        let (node, side) = if at_target {
            (flow.to, sides[index].1)
        } else {
            (flow.from, sides[index].0)
        };
        (node, side, flow.edge.style, flow.edge.label.as_deref())
    };
    for at_target in [true, false] {
        let mut groups: std::collections::BTreeMap<Key<'_>, Vec<usize>> =
            std::collections::BTreeMap::new();
        for index in (0..edges.len()).filter(|&index| mergeable(index)) {
            if !taken[index] {
                groups.entry(key(index, at_target)).or_default().push(index);
            }
        }
        let mut buses: Vec<Vec<usize>> = groups
            .into_values()
            .filter(|group| group.len() > 1)
            .collect();
        buses.sort_by_key(|group| group[0]);
        for group in buses {
            // Two edges between the same pair would draw as one line.
            let mut others: Vec<NodeId> = group
                .iter()
                .map(|&index| {
                    if at_target {
                        edges[index].from
                    } else {
                        edges[index].to
                    }
                })
                .collect();
            others.sort_unstable();
            others.dedup();
            if others.len() != group.len() {
                continue;
            }
            let first = group[0];
            let flow = &edges[first];
            let shared = if at_target {
                (flow.to, sides[first].1, true)
            } else {
                (flow.from, sides[first].0, false)
            };
            let mut ends = vec![shared];
            for &index in &group {
                taken[index] = true;
                let flow = &edges[index];
                ends.push(if at_target {
                    (flow.from, sides[index].0, false)
                } else {
                    (flow.to, sides[index].1, true)
                });
            }
            nets.push((
                first,
                PlannedNet {
                    flows: group.clone(),
                    style: flow.edge.style,
                    label: flow.edge.label.clone(),
                    ends,
                },
            ));
        }
    }
    for index in 0..edges.len() {
        if taken[index] {
            continue;
        }
        let flow = &edges[index];
        let (arrow_from, arrow_to) = match flow.edge.heads {
            Heads::Forward => (false, true),
            Heads::Both => (true, true),
            Heads::None => (false, false),
        };
        nets.push((
            index,
            PlannedNet {
                flows: vec![index],
                style: flow.edge.style,
                label: flow.edge.label.clone(),
                ends: vec![
                    (flow.from, sides[index].0, arrow_from),
                    (flow.to, sides[index].1, arrow_to),
                ],
            },
        ));
    }
    nets.sort_by_key(|(first, _)| *first);
    nets.into_iter().map(|(_, net)| net).collect()
}

/// Ports needed on each side of each box, by node index: `[top, bottom, left, right]`.
fn count_ports(node_count: usize, nets: &[PlannedNet]) -> Vec<[usize; 4]> {
    let mut ports = vec![[0usize; 4]; node_count];
    for net in nets {
        for &(node, side, _) in &net.ends {
            ports[node.index()][side_index(side)] += 1;
        }
    }
    ports
}

fn side_index(side: Side) -> usize {
    match side {
        Side::Top => 0,
        Side::Bottom => 1,
        Side::Left => 2,
        Side::Right => 3,
    }
}

#[derive(Clone, Copy)]
struct Spacing {
    direction: Direction,
    slack: usize,
}

/// A level's children placed relative to the level's content origin.
struct Content {
    offsets: Vec<(usize, usize)>,
    size: (usize, usize),
}

/// What is known when a level is arranged: the sizes and relative offsets
/// of everything inside its children, and the nets.
struct Known<'a> {
    sizes: &'a [(usize, usize)],
    /// Each node's offset from its container's top-left corner.
    offsets: &'a [(usize, usize)],
    nets: &'a [PlannedNet],
    net_of_flow: &'a [usize],
    /// Each flow's `(from, to)` nodes.
    ends: &'a [(NodeId, NodeId)],
    tree: &'a Tree,
}

impl Known<'_> {
    /// The offset of `node`'s centre from the top-left of its ancestor `top`.
    fn centre_within(&self, node: NodeId, top: NodeId) -> (usize, usize) {
        let (width, height) = self.sizes[node.index()];
        let (mut x, mut y) = (width / 2, height / 2);
        let mut current = node;
        while current != top {
            x += self.offsets[current.index()].0;
            y += self.offsets[current.index()].1;
            current = self.tree.parent(current).expect("top is an ancestor");
        }
        (x, y)
    }
}

/// Coordinates for one level: ranks along the rank axis, slots across it.
fn arrange(level: &Level, known: &Known<'_>, spacing: Spacing) -> Content {
    let (sizes, nets, net_of_flow) = (known.sizes, known.nets, known.net_of_flow);
    let down = spacing.direction == Direction::Down;
    let children = level.children.len();
    // (along the rank axis, across it); lanes and channel children are one cell.
    let extent = |slot: Slot| match slot {
        Slot::Child(child) if child < children => {
            let (width, height) = sizes[level.children[child].index()];
            if down {
                (height, width)
            } else {
                (width, height)
            }
        }
        _ => (0, 1),
    };

    // Across: neighbours on a rank joined by an edge get room for an arrow
    // and its label; others the plain separation.
    let plain = if down { BOX_SEPARATION } else { 1 } + spacing.slack;
    let mut beside: std::collections::HashMap<(usize, usize), usize> =
        std::collections::HashMap::new();
    for &(a, b, flow_index) in &level.edges {
        if level.ranks[a] == level.ranks[b] {
            let label = nets[net_of_flow[flow_index]]
                .label
                .as_ref()
                .map_or(0, |label| label.width() + 2);
            let room = if down { 6 + label } else { 3 };
            let key = (a.min(b), a.max(b));
            let entry = beside.entry(key).or_insert(0);
            *entry = (*entry).max(room);
        }
    }
    let gap_between = |left: Slot, right: Slot| match (left, right) {
        (Slot::Child(a), Slot::Child(b)) => beside
            .get(&(a.min(b), a.max(b)))
            .copied()
            .unwrap_or(0)
            .max(plain),
        _ => plain,
    };
    let mut start: std::collections::HashMap<(usize, Slot), usize> =
        std::collections::HashMap::new();
    let rank_count = level.slots.len();
    for (rank, slots) in level.slots.iter().enumerate() {
        let mut cursor = 0;
        for (position, &slot) in slots.iter().enumerate() {
            if position > 0 {
                cursor += gap_between(slots[position - 1], slot);
            }
            start.insert((rank, slot), cursor);
            cursor += extent(slot).1;
        }
    }
    // Align each slot with the slots it is linked to on the rank above, then
    // below, moving slots only forward so the order and separations hold.
    let centre = |start: &std::collections::HashMap<(usize, Slot), usize>,
                  rank: usize,
                  slot: Slot| { start[&(rank, slot)] + extent(slot).1 / 2 };
    // Each slot's linked slots on the rank above and below, gathered once.
    type Neighbours = std::collections::HashMap<(usize, Slot), Vec<(usize, Slot)>>;
    let (mut above, mut below): (Neighbours, Neighbours) = Default::default();
    for &(rank, upper, lower) in &level.links {
        above
            .entry((rank + 1, lower))
            .or_default()
            .push((rank, upper));
        below
            .entry((rank, upper))
            .or_default()
            .push((rank + 1, lower));
    }
    let to_a_channel = |slot: Slot| match slot {
        Slot::Child(child) => child >= children,
        Slot::Lane(index) => index >= level.edges.len(),
    };
    for pass in [true, false] {
        let (ranks, neighbours): (Vec<usize>, &Neighbours) = if pass {
            ((1..rank_count).collect(), &above)
        } else {
            ((0..rank_count.saturating_sub(1)).rev().collect(), &below)
        };
        for rank in ranks {
            let mut cursor = 0;
            for (position, &slot) in level.slots[rank].iter().enumerate() {
                if position > 0 {
                    let previous = level.slots[rank][position - 1];
                    cursor =
                        start[&(rank, previous)] + extent(previous).1 + gap_between(previous, slot);
                }
                // A box does not line up with a channel or the lanes that
                // lead to one: they stand for routes leaving the container,
                // and follow the boxes. (Else a lane passing a new rank on
                // its way out pulls the box it comes from, and with it the
                // rest of its rank.)
                let is_box = matches!(slot, Slot::Child(child) if child < children);
                let linked: Vec<usize> = neighbours
                    .get(&(rank, slot))
                    .into_iter()
                    .flatten()
                    .filter(|&&(_, other)| !is_box || !to_a_channel(other))
                    .map(|&(other_rank, other)| centre(&start, other_rank, other))
                    .collect();
                let current = start[&(rank, slot)];
                let mut wanted = current.max(cursor);
                // Layers are bands along the left edge; everything else aligns.
                if !linked.is_empty() && !level.is_band(slot) {
                    let mean = linked.iter().sum::<usize>() / linked.len();
                    wanted = wanted.max(mean.saturating_sub(extent(slot).1 / 2));
                }
                start.insert((rank, slot), wanted);
            }
        }
    }
    let widest = level
        .slots
        .iter()
        .enumerate()
        .map(|(rank, slots)| {
            slots
                .last()
                .map_or(0, |&slot| start[&(rank, slot)] + extent(slot).1)
        })
        .max()
        .unwrap_or(0);

    // Along: ranks one after another, with a channel between each pair sized
    // for the routes that run along it.
    let mut rank_extent = vec![0usize; rank_count];
    for (rank, slots) in level.slots.iter().enumerate() {
        for &slot in slots {
            rank_extent[rank] = rank_extent[rank].max(extent(slot).0);
        }
    }
    let mut intervals: Vec<Vec<(usize, usize, usize)>> = vec![Vec::new(); rank_count];
    let mut labelled = vec![false; rank_count];
    for &(rank, upper, lower) in &level.links {
        let is_child = |slot: Slot| matches!(slot, Slot::Child(child) if child < children);
        if is_child(upper) && is_child(lower) {
            continue; // Counted from the edges below, at their actual ends.
        }
        let (from, to) = (centre(&start, rank, upper), centre(&start, rank + 1, lower));
        // Links of one net share tracks; other links (to channel children)
        // each get their own.
        let net = match (upper, lower) {
            // Lanes of the level's own edges; the others lead to channel children.
            (Slot::Lane(index), _) | (_, Slot::Lane(index)) => level
                .edges
                .get(index)
                .map(|&(_, _, flow_index)| net_of_flow[flow_index]),
            _ => None,
        };
        let key = net.unwrap_or(usize::MAX - intervals[rank].len());
        if let Some(net) = net {
            labelled[rank] |= nets[net].label.is_some();
            intervals[rank].push((from.min(to), from.max(to), key));
        } else {
            // A route to or from a channel child crosses the border near the
            // inner child: it needs a track only there.
            let inner = match (upper, lower) {
                (Slot::Child(child), _) if child < children => from,
                _ => to,
            };
            intervals[rank].push((inner, inner, key));
        }
    }
    // An edge between neighbouring ranks runs from the centre of its actual
    // end inside one child to its end inside the other.
    for &(a, b, flow_index) in &level.edges {
        let (ra, rb) = (level.ranks[a], level.ranks[b]);
        if ra.abs_diff(rb) == 1 {
            let net = net_of_flow[flow_index];
            let (from, to) = known.ends[flow_index];
            let across_of = |child: usize, node: NodeId| {
                let within = known.centre_within(node, level.children[child]);
                start[&(level.ranks[child], Slot::Child(child))]
                    + if down { within.0 } else { within.1 }
            };
            let (from, to) = (across_of(a, from), across_of(b, to));
            let rank = ra.min(rb);
            intervals[rank].push((from.min(to), from.max(to), net));
            labelled[rank] |= nets[net].label.is_some();
        }
    }
    let mut along = 0;
    let mut rank_start = vec![0usize; rank_count];
    for rank in 0..rank_count {
        rank_start[rank] = along;
        along += rank_extent[rank];
        if rank + 1 < rank_count {
            // An edge that skips ranks may have to go around the ranks in
            // between, along the whole channel: a track of its own.
            let around = level
                .edges
                .iter()
                .filter(|&&(a, b, _)| {
                    let (low, high) = ordered(level.ranks[a], level.ranks[b]);
                    high - low > 1 && low <= rank && rank < high
                })
                .count();
            let tracks = density(&mut intervals[rank]) + around;
            let label_room = match (labelled[rank], down) {
                (false, _) => 0,
                (true, true) => 1,
                (true, false) => 2 + widest_label(level, nets, net_of_flow, rank),
            };
            let channel = if tracks == 0 {
                1
            } else {
                tracks + 1 + label_room
            };
            along += channel + spacing.slack;
        }
    }
    let offsets = (0..children)
        .map(|child| {
            let rank = level.ranks[child];
            let across = start[&(rank, Slot::Child(child))];
            if down {
                (across, rank_start[rank])
            } else {
                (rank_start[rank], across)
            }
        })
        .collect();
    let size = if down {
        (widest, along)
    } else {
        (along, widest)
    };
    Content { offsets, size }
}

/// The widest label of the edges leaving rank `rank` of a level.
fn widest_label(level: &Level, nets: &[PlannedNet], net_of_flow: &[usize], rank: usize) -> usize {
    level
        .edges
        .iter()
        .filter(|&&(a, b, _)| {
            level.ranks[a].min(level.ranks[b]) <= rank && level.ranks[a].max(level.ranks[b]) > rank
        })
        .filter_map(|&(_, _, flow_index)| nets[net_of_flow[flow_index]].label.as_ref())
        .map(|label| label.width())
        .max()
        .unwrap_or(0)
}

fn ordered(a: usize, b: usize) -> (usize, usize) {
    (a.min(b), a.max(b))
}

/// The most intervals of distinct nets over any one column.
fn density(intervals: &mut [(usize, usize, usize)]) -> usize {
    if intervals.is_empty() {
        return 0;
    }
    // Merge each net's intervals into their hull, then sweep.
    intervals.sort_unstable_by_key(|&(_, _, net)| net);
    let mut hulls: Vec<(usize, usize)> = Vec::new();
    let mut current: Option<(usize, usize, usize)> = None;
    for &(start, end, net) in intervals.iter() {
        current = match current {
            Some((s, e, n)) if n == net => Some((s.min(start), e.max(end), n)),
            Some((s, e, _)) => {
                hulls.push((s, e));
                Some((start, end, net))
            }
            None => Some((start, end, net)),
        };
    }
    if let Some((s, e, _)) = current {
        hulls.push((s, e));
    }
    let mut events: Vec<(usize, i32)> = hulls
        .iter()
        .flat_map(|&(s, e)| [(s, 1), (e + 1, -1)])
        .collect();
    events.sort_unstable();
    let (mut open, mut most) = (0i32, 0i32);
    for (_, change) in events {
        open += change;
        most = most.max(open);
    }
    most as usize
}

/// A container's border, header (title and bullets) and inner margins.
struct Chrome {
    header_rows: usize,
    header_width: usize,
    inner_y: usize,
    /// Extra columns inside each side border for routes that cross it sideways.
    side_margin: usize,
}

impl Chrome {
    fn of(model: &Model, node: NodeId, level: &Level) -> Chrome {
        let lines = header_lines(model, node);
        let header_rows = lines.len();
        let header_width = lines.iter().map(|line| line.width()).max().unwrap_or(0);
        let sideways = level
            .crossings
            .iter()
            .filter(|&&(_, side)| match model.direction() {
                Direction::Down => matches!(side, Side::Left | Side::Right),
                Direction::Right => matches!(side, Side::Top | Side::Bottom),
            })
            .count();
        Chrome {
            header_rows,
            header_width,
            inner_y: 1 + header_rows,
            side_margin: if sideways > 0 { sideways + 1 } else { 0 },
        }
    }

    fn inner_x(&self) -> usize {
        1 + TEXT_PADDING + self.side_margin
    }

    fn size(&self, content: &Content, ports: &[usize; 4], slack: usize) -> (usize, usize) {
        let crossing_room = 2 * (ports[0].max(ports[1])) + 1;
        let content_width = content.size.0 + 2 * (TEXT_PADDING + self.side_margin);
        let header_width = self.header_width + 2 * TEXT_PADDING + crossing_room + slack;
        let width = 2 + content_width.max(header_width).max(crossing_room);
        let side_room = 2 * ports[2].max(ports[3]) + 1;
        let height = (2 + self.header_rows + content.size.1).max(2 + side_room);
        let extra_bottom = usize::from(content.size.1 > 0 && self.side_margin > 0);
        (width, height + extra_bottom)
    }
}

/// A container's header: its title lines, then its bullet lines.
fn header_lines(model: &Model, node: NodeId) -> Vec<String> {
    let data = model.node(node);
    data.label
        .iter()
        .cloned()
        .chain(data.bullets.iter().map(|bullet| format!("- {bullet}")))
        .collect()
}

/// A component's size: its text with padding, and room for a port per net
/// (more with `slack` where several ports could wall each other in).
fn leaf_size(model: &Model, node: NodeId, ports: &[usize; 4], slack: usize) -> (usize, usize) {
    let lines = header_lines(model, node);
    let text_width = lines.iter().map(|line| line.width()).max().unwrap_or(0);
    let port_room = |count: usize| match count {
        0 | 1 => 2 * count + 1,
        _ => (2 + slack) * count + 1,
    };
    let width = (text_width + 2 * TEXT_PADDING + 2).max(port_room(ports[0].max(ports[1])));
    let height = (lines.len() + 2).max(port_room(ports[2].max(ports[3])));
    (width, height)
}

/// The text runs inside a placed box.
fn box_text(model: &Model, node: NodeId, rect: Rect) -> Vec<TextRun> {
    let data = model.node(node);
    let mut runs = Vec::new();
    let inner_width = rect.width - 2;
    for (row, line) in data.label.iter().enumerate() {
        let x = match data.align {
            Align::Left => rect.x + 1 + TEXT_PADDING,
            Align::Center => rect.x + 1 + (inner_width - line.width()) / 2,
        };
        runs.push(TextRun {
            at: Point {
                x,
                y: rect.y + 1 + row,
            },
            text: line.clone(),
        });
    }
    for (row, bullet) in data.bullets.iter().enumerate() {
        runs.push(TextRun {
            at: Point {
                x: rect.x + 1 + TEXT_PADDING,
                y: rect.y + 1 + data.label.len() + row,
            },
            text: format!("- {bullet}"),
        });
    }
    runs
}

//! Routing: an orthogonal path for every net, and a place for its label.
//!
//! Reads the [`Placement`]; returns the finished [`Layout`], or which route
//! or label found no room (the caller then places again with more spacing,
//! or names the net in `make_room`: a net named there whose label finds no
//! room beside its route is ripped up and routed again, by a search that
//! takes only a route with room for the label beside it). Before any net is
//! routed, [`tracks`] keeps channel lines for the nets' trunks. Across a
//! large span a net first tries simple shapes on them ([`pattern`]);
//! otherwise, and first for nearby ends, it is found by [`search`], with
//! costs for length, bends and crossings. A route may cross another net's
//! straight segment at a right angle, never share or run along it; a path
//! may enter a container only if the container holds one of the ends it
//! connects, and cross a container's border only if the container holds
//! some but not all of those ends. The edges of a bus are routed one by one,
//! each later edge searching for the lines already drawn and joining them at
//! a junction.

use unicode_width::UnicodeWidthStr;

mod guide;
mod label;
mod pattern;
mod search;
mod tracks;

use super::grid::{Cell, Dir, Grid, HORIZONTAL, NONE, VERTICAL, neighbour};
use super::place::{Placement, PlannedNet};
use super::tree::Tree;
use super::{End, Layout, Net, PlacedBox, Point, Rect, Side, TextRun};
use crate::model::{Direction, EdgeId, NodeId};
use label::{LabelRoom, place_label};
use search::Search;

const STEP: u32 = 2;
const BEND: u32 = 5;
const CROSSING: u32 = 3;
/// A step inside a container.
const INSIDE: u32 = 1;
/// Using a port right next to another one.
const CROWDED_PORT: u32 = 8;
/// Crossing a container's border: allowed where needed, avoided otherwise.
const BORDER: u32 = 24;
/// A step along a line kept for another net's trunk (the search may take
/// it where nothing else fits; a pattern route never does).
const ANOTHERS_TRACK: u32 = 6;

/// Why routing found no layout, with the model edge that found no room.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoRoom {
    /// A route found no way.
    Route(EdgeId),
    /// The label of this planned net found no place beside its route.
    Label(usize, EdgeId),
}

impl NoRoom {
    pub fn edge(self) -> EdgeId {
        match self {
            NoRoom::Route(edge) | NoRoom::Label(_, edge) => edge,
        }
    }
}

pub fn route(tree: &Tree, placement: Placement, make_room: &[usize]) -> Result<Layout, NoRoom> {
    let without_bands = || {
        routed_nets(tree, &placement, make_room, false).expect("without bands nothing is redone")
    };
    let nets = routed_nets(tree, &placement, make_room, true).unwrap_or_else(without_bands)?;

    let mut layout_width = placement.width;
    let mut layout_height = placement.height;
    for net in &nets {
        for point in net.paths.iter().flatten() {
            layout_width = layout_width.max(point.x + 1);
            layout_height = layout_height.max(point.y + 1);
        }
        for end in &net.ends {
            layout_width = layout_width.max(end.port.x + 2);
        }
        if let Some(label) = &net.label {
            layout_width = layout_width.max(label.at.x + label.text.width());
            layout_height = layout_height.max(label.at.y + 1);
        }
    }
    Ok(Layout {
        width: layout_width,
        height: layout_height,
        title: placement.title,
        boxes: placement.boxes,
        nets,
    })
}

/// Every net routed on a fresh grid, in the order of the planned nets,
/// then the bus ends split off. With `bands`, a large diagram going down
/// has the nets of its upper and lower halves routed side by side on two
/// threads, each in its own band of rows (see [`Bands`]), and the nets
/// between the halves after them; `None` if a net finds no room in its
/// band, when the caller routes everything again without bands.
fn routed_nets(
    tree: &Tree,
    placement: &Placement,
    make_room: &[usize],
    bands: bool,
) -> Option<Result<Vec<Net>, NoRoom>> {
    let widest_label = placement
        .nets
        .iter()
        .filter_map(|net| net.label.as_ref())
        .map(|label| label.width())
        .max()
        .unwrap_or(0);
    // Room on the right and below for routes around everything and labels,
    // with a track for each edge that may have to go around, beside the
    // ranks (the way around runs along the rank axis), up to as many as
    // the plan tries.
    let around = 2 * placement.detours.min(tracks::SIDE_LINES_TRIED);
    let (around_x, around_y) = match placement.direction {
        Direction::Down => (around, 0),
        Direction::Right => (0, around),
    };
    let width = placement.width + widest_label + 8 + around_x;
    let height = placement.height + 4 + around_y;
    let mut cells = Grid::paint(width, height, &placement.boxes);
    let mut grid = Grid::whole(width, height, &mut cells);
    // The title and the empty row under it stay clear.
    if placement.title.is_some() {
        for y in 0..2.min(height) {
            for x in 0..width {
                grid.cell_mut(Point { x, y }).text = true;
            }
        }
    }
    let tracks = tracks::plan(placement, tree, &mut grid);

    // Labelled nets go first, each placing its label at once, so that later
    // routes keep clear of the labels instead of crowding them out.
    let mut order: Vec<usize> = (0..placement.nets.len()).collect();
    order.sort_by_key(|&index| placement.nets[index].label.is_none());
    let route_all = |grid: &mut Grid, order: &[usize]| {
        let mut search = Search::default();
        let mut routed = Vec::new();
        for &net_index in order {
            let planned = &placement.nets[net_index];
            let (net, leftovers) = route_one(
                grid,
                &mut search,
                placement,
                tree,
                (planned, tracks[net_index]),
                (net_index, net_index),
                make_room,
            )?;
            routed.push((net_index, net, leftovers));
        }
        Ok::<_, NoRoom>(routed)
    };
    let (mut routed, rest) = match Bands::split(placement, &order).filter(|_| bands) {
        None => (Vec::new(), order),
        Some(split) => {
            let (mut upper, mut lower) = grid.split_at_row(split.cut);
            let (above, below) = crate::side_by_side(
                || route_all(&mut upper, &split.above),
                || route_all(&mut lower, &split.below),
            );
            let (Ok(mut routed), Ok(below)) = (above, below) else {
                return None;
            };
            routed.extend(below);
            (routed, split.across)
        }
    };
    Some(route_all(&mut grid, &rest).and_then(|more| {
        routed.extend(more);
        with_split_offs(routed, &mut grid, placement, tree, make_room)
    }))
}

/// The routed nets by planned net, then the bus ends that found no way to
/// join their bus, each routed as a net of its own, so that the drawing
/// still reads as exactly the model's edges.
fn with_split_offs(
    routed: Vec<(usize, Net, Vec<PlannedNet>)>,
    grid: &mut Grid,
    placement: &Placement,
    tree: &Tree,
    make_room: &[usize],
) -> Result<Vec<Net>, NoRoom> {
    let mut nets: Vec<Option<Net>> = vec![None; placement.nets.len()];
    // Each with the index of the planned net it comes from.
    let mut split_off: Vec<(usize, PlannedNet)> = Vec::new();
    for (net_index, net, leftovers) in routed {
        split_off.extend(leftovers.into_iter().map(|more| (net_index, more)));
        nets[net_index] = Some(net);
    }
    let mut search = Search::default();
    while let Some((origin, planned)) = split_off.pop() {
        let (net, more) = route_one(
            grid,
            &mut search,
            placement,
            tree,
            (&planned, None),
            (nets.len(), origin),
            make_room,
        )?;
        debug_assert!(
            more.is_empty(),
            "a two-ended net has no bus ends to split off"
        );
        nets.push(Some(net));
    }
    Ok(nets
        .into_iter()
        .map(|net| net.expect("every net is routed"))
        .collect())
}

/// The nets of a large diagram going down split between two bands of rows,
/// to be routed side by side: the upper band's nets have all their ports at
/// least [`Bands::MARGIN`] rows above the cut, the lower band's as far below
/// it, the rest are routed after both on the whole grid. The cut is a row
/// in the middle third of the diagram that nearly the fewest nets span
/// (mostly one through the boxes of a layer), the one that best balances
/// the bands.
struct Bands {
    cut: usize,
    above: Vec<usize>,
    below: Vec<usize>,
    across: Vec<usize>,
}

impl Bands {
    /// Rows kept between a band's ports and the cut, for routes to turn in.
    const MARGIN: usize = 1;
    /// Below this many nets a second thread costs more than it saves.
    const FEWEST_NETS: usize = 256;

    fn split(placement: &Placement, order: &[usize]) -> Option<Bands> {
        if placement.direction != Direction::Down || order.len() < Self::FEWEST_NETS {
            return None;
        }
        // The rows of the cells just outside each net's ports.
        let port_rows = |index: usize| {
            let rows = placement.nets[index].ends.iter().map(|&(node, side, _)| {
                let rect = placement.boxes[placement.box_of[node.index()]].rect;
                match side {
                    Side::Top => (rect.y.saturating_sub(1), rect.y.saturating_sub(1)),
                    Side::Bottom => (rect.bottom() + 1, rect.bottom() + 1),
                    Side::Left | Side::Right => (rect.y, rect.bottom()),
                }
            });
            rows.fold((usize::MAX, 0), |(low, high), (top, bottom)| {
                (low.min(top), high.max(bottom))
            })
        };
        let rows: Vec<(usize, usize)> = order.iter().map(|&index| port_rows(index)).collect();
        // For each row, were it the cut: how many nets would be left
        // between the bands, and how many would go above and below it.
        // A net goes above a cut from one row past its last port row and
        // its margin on, below it up to its first port row less the margin,
        // and spans it in between.
        let height = placement.height;
        let (mut now_above, mut no_longer_below) = (vec![0; height + 2], vec![0; height + 2]);
        for &(low, high) in &rows {
            now_above[(high + Self::MARGIN + 1).min(height + 1)] += 1;
            no_longer_below[(low + 1).saturating_sub(Self::MARGIN).min(height + 1)] += 1;
        }
        let mut candidates = Vec::new();
        let (mut above, mut below) = (0, rows.len());
        for row in 0..height {
            above += now_above[row];
            below -= no_longer_below[row];
            if (height / 3..=2 * height / 3).contains(&row) {
                let spanning = rows.len() - above - below;
                candidates.push((spanning, above.abs_diff(below), row));
            }
        }
        // Few nets between the bands (they wait for both), and as many in
        // one band as in the other (the slower band sets the pace). Only the
        // rows with nearly the fewest: a row a few more nets span runs close
        // by more ports, whose routes then lack room in their band (allowing
        // twice the fewest plus eight took N=1,000 from 81 ms to 238 ms).
        let fewest = candidates.iter().map(|&(count, _, _)| count).min()?;
        let (_, _, cut) = candidates
            .into_iter()
            .filter(|&(count, _, _)| count <= fewest + 2)
            .min_by_key(|&(count, imbalance, row)| (imbalance, count, row))?;
        let mut bands = Bands {
            cut,
            above: Vec::new(),
            below: Vec::new(),
            across: Vec::new(),
        };
        for (&index, &(low, high)) in order.iter().zip(&rows) {
            if high + Self::MARGIN < cut {
                bands.above.push(index);
            } else if low >= cut + Self::MARGIN {
                bands.below.push(index);
            } else {
                bands.across.push(index);
            }
        }
        Some(bands)
    }
}

/// Routes one planned net (with the line kept for its trunk, if any) and
/// places its label; returns the net, and the bus ends that cannot join it
/// as two-ended nets to route on their own. `(net_index, origin)`: the
/// net's index, and that of the planned net it comes from (itself, unless
/// it is a bus end split off).
fn route_one(
    grid: &mut Grid,
    search: &mut Search,
    placement: &Placement,
    tree: &Tree,
    (planned, trunk): (&PlannedNet, Option<tracks::Trunk>),
    (net_index, origin): (usize, usize),
    make_room: &[usize],
) -> Result<(Net, Vec<PlannedNet>), NoRoom> {
    let mut router = NetRouter::new(net_index, planned, placement, tree);
    router.trunk = trunk;
    let edge = placement.flow_ids[planned.flows[0]];
    let mut routed = router
        .route(grid, search, None)
        .ok_or(NoRoom::Route(edge))?;
    if let Some(label) = &planned.label {
        routed.label = place_label(grid, &routed.paths, label, placement, router.net);
        if routed.label.is_none() {
            if !make_room.contains(&origin) {
                return Err(NoRoom::Label(origin, edge));
            }
            // The route runs where other lines leave no room beside it (and
            // more spacing does not change how closely routes pack): it is
            // taken up again and searched for anew, this time only where its
            // label has room beside it.
            router.rip_up(grid, &routed);
            routed = router
                .route(grid, search, Some(label))
                .filter(|routed| routed.label.is_some())
                .ok_or(NoRoom::Label(origin, edge))?;
        }
    }
    let mut flows = planned.flows.clone();
    let mut split_off = Vec::new();
    for &index in routed.leftovers.iter().rev() {
        // End `index` of a bus belongs to flow `index - 1`.
        let flow = flows.remove(index - 1);
        let (shared, other) = (planned.ends[0], planned.ends[index]);
        let ends = if shared.2 {
            vec![other, shared]
        } else {
            vec![shared, other]
        };
        split_off.push(PlannedNet {
            flows: vec![flow],
            style: planned.style,
            label: planned.label.clone(),
            ends,
        });
    }
    let net = Net {
        edges: flows.iter().map(|&flow| placement.flow_ids[flow]).collect(),
        style: planned.style,
        paths: routed.paths,
        ends: routed.ends,
        label: routed.label,
    };
    Ok((net, split_off))
}

/// A routed net: its paths and ends, the bus ends that could not join it,
/// and its label once placed.
struct RoutedNet {
    paths: Vec<Vec<Point>>,
    ends: Vec<End>,
    leftovers: Vec<usize>,
    label: Option<TextRun>,
}

/// Routes one net on the grid.
struct NetRouter<'a> {
    net: u32,
    planned: &'a PlannedNet,
    placement: &'a Placement,
    tree: &'a Tree,
    /// The containers around the ends the path being routed connects, each
    /// with how many of those ends it holds, and how many ends that is.
    holders: Vec<(NodeId, usize)>,
    connected: usize,
    /// The lines kept for the net's trunk (see [`tracks`]).
    trunk: Option<tracks::Trunk>,
}

/// What an allowed step of a path does.
#[derive(Clone, Copy)]
enum Step {
    /// Into the net's own lines, making a junction: the path ends there.
    Joins,
    /// Into a cell, at this cost (bends not counted).
    Enters(u32),
}

/// Where a search may start or must end.
#[derive(Clone, Copy)]
enum Terminal {
    /// A free port on this side of this node's box, with or without an arrowhead.
    Port(NodeId, Side, bool),
    /// Any cell of this net's lines (within these bounds) where a junction
    /// can be made.
    Net(Rect),
}

impl<'a> NetRouter<'a> {
    fn new(
        net_index: usize,
        planned: &'a PlannedNet,
        placement: &'a Placement,
        tree: &'a Tree,
    ) -> NetRouter<'a> {
        // `route` sets the containers each path may use, path by path.
        NetRouter {
            net: net_index as u32,
            planned,
            placement,
            tree,
            holders: Vec::new(),
            connected: 0,
            trunk: None,
        }
    }

    /// Lets the search use the containers around these ends (indices into
    /// the planned ends): every container around an end, with how many ends
    /// it holds, asked at every step of the search, so counted once here.
    fn connect(&mut self, ends: &[usize]) {
        self.holders.clear();
        for &index in ends {
            let mut above = self.tree.parent(self.planned.ends[index].0);
            while let Some(container) = above {
                match self
                    .holders
                    .iter_mut()
                    .find(|(holder, _)| *holder == container)
                {
                    Some((_, count)) => *count += 1,
                    None => self.holders.push((container, 1)),
                }
                above = self.tree.parent(container);
            }
        }
        self.connected = ends.len();
    }

    /// Routes the net; returns its paths, its ends, and the indices of the
    /// bus ends that could not join the bus (to be routed as nets of their own).
    /// With a `label`, the first path is one with room for the label beside
    /// it, and the label is placed before any further path is routed.
    fn route(
        &mut self,
        grid: &mut Grid,
        search: &mut Search,
        label: Option<&str>,
    ) -> Option<RoutedNet> {
        let planned = self.planned;
        let ends = &planned.ends;
        // A path may enter only containers around the ends it connects: a
        // bus branch that later fails to join is drawn as a net of its own,
        // and the lines already drawn must not run through a container that
        // then holds none of their ends.
        let mut joined: Vec<usize> = vec![0];
        let mut paths = Vec::new();
        let mut placed_ends = Vec::new();
        let mut leftovers = Vec::new();
        let mut placed_label = None;
        for index in 1..ends.len() {
            // The first path runs from the first end to the second; every
            // later one from its end to the lines already drawn.
            let (from, to) = if index == 1 {
                (ends[0], Some(ends[1]))
            } else {
                (ends[index], None)
            };
            let mut connecting = joined.clone();
            connecting.push(index);
            self.connect(&connecting);
            let goal = match to {
                Some((node, side, arrow)) => Terminal::Port(node, side, arrow),
                None => Terminal::Net(bounding(
                    &paths.iter().flatten().copied().collect::<Vec<_>>(),
                )),
            };
            let (starts, outward) = self.port_cells(grid, from.0, from.1, from.2);
            let mut goal = Goal::new(self, grid, goal);
            goal.label = label
                .filter(|_| index == 1)
                .map(|label| LabelRoom::new(label, self.placement, self.net));
            let leg = Leg {
                starts,
                outward,
                goal,
            };
            // Where the ends are near each other the search is cheap and
            // finds the best route (if it fails near the ends, simple shapes
            // come before a wider search); across a large diagram a simple
            // shape is tried first, as the search would explore a large
            // area. (Simple shapes do not look for room for a label.)
            let reach = leg.reach();
            let found = if leg.goal.label.is_some() {
                search.run(self, grid, &leg)
            } else if reach.width * reach.height > SEARCH_FIRST_AREA {
                pattern::find(self, grid, &leg).or_else(|| search.run(self, grid, &leg))
            } else {
                search
                    .quick(self, grid, &leg)
                    .or_else(|| pattern::find(self, grid, &leg))
                    .or_else(|| search.run(self, grid, &leg))
            };
            let Some(cells) = found else {
                if index >= 2 {
                    leftovers.push(index);
                    continue;
                }
                return None;
            };
            let mut path = Vec::with_capacity(cells.len() + 2);
            let first = cells[0];
            let last = *cells.last().expect("a path has cells");
            let mut end_at = |(node, side, arrow): (NodeId, Side, bool),
                              outside: Point,
                              path: &mut Vec<Point>,
                              at_start: bool| {
                let port = Self::port_of(side, outside);
                let end = End {
                    node,
                    port,
                    side,
                    arrow,
                };
                placed_ends.push(end);
                // The path reaches the port, unless a sideways arrowhead
                // sits beside the border: then it ends outside.
                if end.path_end() == port {
                    if at_start {
                        path.insert(0, port);
                    } else {
                        path.push(port);
                    }
                }
            };
            path.extend_from_slice(&cells);
            end_at(from, first, &mut path, true);
            if let Some(to) = to {
                end_at(to, last, &mut path, false);
            }
            self.commit(grid, &path, &placed_ends);
            paths.push(corners(&path));
            joined.push(index);
            if let Some(label) = label.filter(|_| index == 1) {
                placed_label = Some(place_label(grid, &paths, label, self.placement, self.net)?);
            }
        }
        Some(RoutedNet {
            paths,
            ends: placed_ends,
            leftovers,
            label: placed_label,
        })
    }

    /// Takes a routed net's lines off the grid again, as `commit` put them
    /// there: its own cells become free, its crossings uncrossed.
    fn rip_up(&self, grid: &mut Grid, routed: &RoutedNet) {
        let ports = routed.ends.iter().map(|end| end.port);
        let cells = routed.paths.iter().flat_map(|path| super::path_cells(path));
        for point in cells.chain(ports) {
            let cell = grid.cell_mut(point);
            if cell.net == self.net {
                cell.net = NONE;
                cell.dirs = 0;
            } else if cell.net != NONE {
                cell.crossed = false;
            }
        }
    }

    /// The border cell next to `outside`, on `side` of its box.
    fn port_of(side: Side, outside: Point) -> Point {
        neighbour(outside, outward(side).opposite())
    }

    fn rect(&self, node: NodeId) -> Rect {
        self.placement.boxes[self.placement.box_of[node.index()]].rect
    }

    /// Marks a path's cells on the grid: lines, crossings, ports.
    fn commit(&self, grid: &mut Grid, path: &[Point], ends: &[End]) {
        for (index, &point) in path.iter().enumerate() {
            let mut dirs = 0u8;
            if index > 0 {
                dirs |= direction_between(point, path[index - 1]).bit();
            }
            if index + 1 < path.len() {
                dirs |= direction_between(point, path[index + 1]).bit();
            }
            let cell = grid.cell_mut(point);
            if cell.net == NONE || cell.net == self.net {
                cell.net = self.net;
                cell.dirs |= dirs;
            } else {
                cell.crossed = true;
            }
        }
        // An arrowhead beside a box blocks the border cell next to it too.
        for end in ends {
            let cell = grid.cell_mut(end.port);
            if cell.net == NONE {
                cell.net = self.net;
            }
        }
    }

    /// Whether a path may turn at `point`: not at a crossing, and where the
    /// net may turn.
    fn can_turn(&self, grid: &Grid, point: Point) -> bool {
        grid.cell(point).net == NONE && self.may_turn(grid, point)
    }

    /// Whether the net may turn or branch at `point`: not next to another
    /// net's turn, branch or port, nor next to a box corner, so that in ASCII
    /// (where all of these are `+`) neighbouring `+` always belong together.
    fn may_turn(&self, grid: &Grid, point: Point) -> bool {
        !grid.cell(point).beside_corner && !self.beside_another_turn(grid, point, &Dir::ALL)
    }

    /// Whether a cell next to `point` in one of `dirs` is another net's
    /// turn, branch or port.
    fn beside_another_turn(&self, grid: &Grid, point: Point, dirs: &[Dir]) -> bool {
        dirs.iter()
            .filter_map(|&dir| grid.step(point, dir))
            .any(|neighbour| {
                let cell = grid.cell(neighbour);
                let other_net = cell.net != NONE && cell.net != self.net;
                let straight = cell.dirs == VERTICAL || cell.dirs == HORIZONTAL;
                other_net && !straight
            })
    }

    /// The cells of the path through `corners`, if it is one the search
    /// could take for `leg`: starting at a start cell, every step allowed,
    /// turns only where the net may turn, straight on through crossings, no
    /// cell twice, and ending where the goal is reached. Stricter than the
    /// search in one way: it never runs along a line kept for another net
    /// (the search only pays a toll there), so a pattern route never spoils
    /// the plan. Stops at the first cell that breaks a rule: shapes tried
    /// one after another mostly fail near their start.
    fn legal_path(&self, grid: &Grid, corners: &[Point], leg: &Leg) -> Option<Vec<Point>> {
        let (outward, goal) = (leg.outward, &leg.goal);
        let first = *corners.first()?;
        if self.step_cost(grid, first, outward).is_none()
            || self.runs_along_another_track(grid, first, outward)
        {
            return None;
        }
        let (mut dir, mut previous) = (outward, first);
        let mut joined = false;
        for &corner in &corners[1..] {
            let next_dir = direction_between(previous, corner);
            while previous != corner {
                if joined {
                    return None; // A path ends where it joins the net.
                }
                // Straight on into an empty cell, off other nets' kept
                // lines, is always allowed: the common case, checked quickly.
                if next_dir == dir
                    && let Some(point) = grid.step(previous, dir)
                    && grid.cell(point).is_empty()
                    && !self.runs_along_another_track(grid, point, dir)
                {
                    previous = point;
                    continue;
                }
                let can_turn = || self.can_turn(grid, previous);
                let (point, step) = self.step(grid, goal, (previous, dir), next_dir, can_turn)?;
                match step {
                    Step::Joins => joined = true,
                    Step::Enters(_) if !self.runs_along_another_track(grid, point, next_dir) => {}
                    Step::Enters(_) => return None,
                }
                (dir, previous) = (next_dir, point);
            }
        }
        let reached = joined || goal.is_reached(self, grid, previous, dir);
        (reached && !crosses_itself(corners)).then(|| super::path_cells(corners))
    }

    /// One step of a path, by the rules the search and the shapes share:
    /// from `point`, entered travelling `dir`, on travelling `next_dir`.
    /// A path never doubles back, goes straight on through a crossing, and
    /// turns only where the net may turn (`can_turn`, asked only for a turn:
    /// the search asks it once a cell). `None` if the step is not allowed.
    fn step(
        &self,
        grid: &Grid,
        goal: &Goal,
        (point, dir): (Point, Dir),
        next_dir: Dir,
        can_turn: impl FnOnce() -> bool,
    ) -> Option<(Point, Step)> {
        let turns = next_dir != dir;
        if next_dir == dir.opposite()
            || (turns && (!can_turn() || self.turn_at_a_crossing(grid, point, dir, next_dir)))
        {
            return None;
        }
        let next = grid.step(point, next_dir)?;
        if self.crossing_beside_a_turning_crossing(grid, next, next_dir) {
            return None;
        }
        match goal.joins(self, grid, next, next_dir) {
            Some(true) => Some((next, Step::Joins)),
            Some(false) => None,
            None => self
                .step_cost(grid, next, next_dir)
                .map(|cost| (next, Step::Enters(cost))),
        }
    }

    /// Whether `point` is on the border of a container.
    fn on_a_container_border(&self, grid: &Grid, point: Point) -> bool {
        let cell = grid.cell(point);
        cell.border && cell.owner != NONE && self.placement.boxes[cell.owner as usize].is_container
    }

    /// The border cells on each side of a crossing at `point` by a line
    /// travelling `dir`, where another net crosses the border too.
    fn crossings_beside(&self, grid: &Grid, point: Point, dir: Dir) -> impl Iterator<Item = Point> {
        let along = if dir.is_vertical() {
            [Dir::Left, Dir::Right]
        } else {
            [Dir::Up, Dir::Down]
        };
        along
            .into_iter()
            .filter_map(move |side| grid.step(point, side))
            .filter(|&beside| {
                let net = grid.cell(beside).net;
                net != NONE && net != self.net && self.on_a_container_border(grid, beside)
            })
    }

    /// Whether a turn at `point` (entered travelling `dir`, left travelling
    /// `next_dir`) would come right after or right before crossing a
    /// container's border next to another net's crossing. In ASCII
    /// crossings and turns are all `+`: two crossings side by side, one
    /// with a turn next to it, no longer show that the lines go on through
    /// the border, and the container reads as two boxes.
    fn turn_at_a_crossing(&self, grid: &Grid, point: Point, dir: Dir, next_dir: Dir) -> bool {
        [
            (grid.step(point, dir.opposite()), dir),
            (grid.step(point, next_dir), next_dir),
        ]
        .into_iter()
        .any(|(crossing, across)| {
            crossing.is_some_and(|crossing| {
                self.on_a_container_border(grid, crossing)
                    && self
                        .crossings_beside(grid, crossing, across)
                        .next()
                        .is_some()
            })
        })
    }

    /// Whether crossing a container's border at `point` travelling `dir`
    /// would put the crossing next to another net's crossing that has a
    /// turn next to it (see [`Self::turn_at_a_crossing`]).
    fn crossing_beside_a_turning_crossing(&self, grid: &Grid, point: Point, dir: Dir) -> bool {
        if !self.on_a_container_border(grid, point) {
            return false;
        }
        self.crossings_beside(grid, point, dir).any(|beside| {
            let net = grid.cell(beside).net;
            [dir, dir.opposite()]
                .into_iter()
                .filter_map(|along| grid.step(beside, along))
                .any(|next| {
                    let cell = grid.cell(next);
                    cell.net == net && cell.dirs & VERTICAL != 0 && cell.dirs & HORIZONTAL != 0
                })
        })
    }

    /// How many of the net's end nodes lie strictly inside `container`.
    fn ends_inside(&self, container: NodeId) -> usize {
        self.holders
            .iter()
            .find(|&&(holder, _)| holder == container)
            .map_or(0, |&(_, count)| count)
    }

    /// Whether stepping into `point` travelling `dir` runs along a line
    /// kept for another net's trunk (crossing it is fine).
    fn runs_along_another_track(&self, grid: &Grid, point: Point, dir: Dir) -> bool {
        let cell = grid.cell(point);
        let kept = if dir.is_vertical() {
            cell.kept_vertical
        } else {
            cell.kept_horizontal
        };
        kept != NONE && kept != self.net
    }

    /// The cost of stepping into `point` travelling `dir`, or `None` if the
    /// net may not go there.
    fn step_cost(&self, grid: &Grid, point: Point, dir: Dir) -> Option<u32> {
        let toll = if self.runs_along_another_track(grid, point, dir) {
            ANOTHERS_TRACK
        } else {
            0
        };
        self.base_step_cost(grid, point, dir)
            .map(|cost| cost + toll)
    }

    fn base_step_cost(&self, grid: &Grid, point: Point, dir: Dir) -> Option<u32> {
        let cell: &Cell = grid.cell(point);
        if cell.text || (cell.header && !dir.is_vertical()) {
            return None;
        }
        let mut crossing = false;
        if cell.net != NONE {
            if cell.net == self.net || cell.crossed {
                return None;
            }
            let perpendicular = if dir.is_vertical() {
                HORIZONTAL
            } else {
                VERTICAL
            };
            if cell.dirs != perpendicular {
                return None;
            }
            crossing = true;
        }
        if cell.owner != NONE {
            let placed = &self.placement.boxes[cell.owner as usize];
            let inside = self.ends_inside(placed.node);
            if cell.border {
                if cell.corner || !placed.is_container || inside == 0 || inside == self.connected {
                    return None;
                }
                let rect = placed.rect;
                let across_top_or_bottom = point.y == rect.y || point.y == rect.bottom();
                if across_top_or_bottom != dir.is_vertical() {
                    return None;
                }
                return Some(STEP + BORDER);
            } else if !placed.is_container || inside == 0 {
                return None;
            } else {
                // Inside a container: fine where needed, but the open space
                // between containers is the better place to run along.
                return Some(STEP + INSIDE + if crossing { CROSSING } else { 0 });
            }
        }
        Some(STEP + if crossing { CROSSING } else { 0 })
    }

    /// The cells just outside `side` of `node`'s box whose border cell is a
    /// free port, each with the cost of using that port (away from the middle
    /// of the side, or next to another port), and the outward direction.
    fn port_cells(
        &self,
        grid: &Grid,
        node: NodeId,
        side: Side,
        arrow: bool,
    ) -> (Vec<(Point, u32)>, Dir) {
        // A sideways arrowhead takes the cell outside the border, which must
        // then not be part of another net.
        let arrowhead_outside = arrow && is_horizontal(side);
        let rect = self.rect(node);
        let outward = outward(side);
        let border: Vec<Point> = match side {
            Side::Top => (rect.x + 1..rect.right())
                .map(|x| Point { x, y: rect.y })
                .collect(),
            Side::Bottom => (rect.x + 1..rect.right())
                .map(|x| Point {
                    x,
                    y: rect.bottom(),
                })
                .collect(),
            Side::Left => (rect.y + 1..rect.bottom())
                .map(|y| Point { x: rect.x, y })
                .collect(),
            Side::Right => (rect.y + 1..rect.bottom())
                .map(|y| Point { x: rect.right(), y })
                .collect(),
        };
        let free = |point: Point| grid.cell(point).net == NONE;
        let cells = border
            .iter()
            .enumerate()
            // A port is a `+` (or an arrowhead) in ASCII too, so it keeps
            // clear of other nets' turns across the border as turns keep
            // clear of ports: a turn just inside a container would join it.
            // (Ports side by side on a border never join.)
            .filter(|&(_, &point)| {
                let across = [outward, outward.opposite()];
                free(point) && !self.beside_another_turn(grid, point, &across)
            })
            .filter_map(|(index, &point)| {
                let crowded = (index > 0 && !free(border[index - 1]))
                    || border.get(index + 1).is_some_and(|&next| !free(next));
                let outside = grid.step(point, outward)?;
                if arrowhead_outside && grid.cell(outside).net != NONE {
                    return None;
                }
                Some((
                    outside,
                    off_centre(rect, outside) + if crowded { CROWDED_PORT } else { 0 },
                ))
            })
            .collect();
        (cells, outward)
    }
}

fn outward(side: Side) -> Dir {
    match side {
        Side::Top => Dir::Up,
        Side::Bottom => Dir::Down,
        Side::Left => Dir::Left,
        Side::Right => Dir::Right,
    }
}

fn is_horizontal(side: Side) -> bool {
    matches!(side, Side::Left | Side::Right)
}

fn direction_between(from: Point, to: Point) -> Dir {
    if to.y < from.y {
        Dir::Up
    } else if to.y > from.y {
        Dir::Down
    } else if to.x < from.x {
        Dir::Left
    } else {
        Dir::Right
    }
}

/// Whether the path through `corners` passes a cell twice: whether two of
/// its straight segments share a cell (other than the corner between
/// neighbours), checked on the few segments rather than the many cells.
fn crosses_itself(corners: &[Point]) -> bool {
    // Neighbouring segments share their corner, and meet elsewhere only
    // where the path turns back along its line.
    let turns_back = corners.windows(3).any(|three| {
        direction_between(three[0], three[1]) == direction_between(three[1], three[2]).opposite()
    });
    let segments: Vec<Rect> = corners.windows(2).map(bounding).collect();
    let overlap = |a: &Rect, b: &Rect| {
        a.x <= b.right() && b.x <= a.right() && a.y <= b.bottom() && b.y <= a.bottom()
    };
    turns_back
        || segments.iter().enumerate().any(|(index, segment)| {
            let later = segments.get(index + 2..).unwrap_or_default();
            later.iter().any(|other| overlap(segment, other))
        })
}

/// A path's corner points: its first and last cell and every turn.
fn corners(path: &[Point]) -> Vec<Point> {
    let mut points: Vec<Point> = Vec::new();
    for (index, &point) in path.iter().enumerate() {
        let turns = index > 0
            && index + 1 < path.len()
            && direction_between(path[index - 1], point)
                != direction_between(point, path[index + 1]);
        if index == 0 || index + 1 == path.len() || turns {
            points.push(point);
        }
    }
    points
}

/// One path to find: the cells it may start from (just outside free ports,
/// each with the cost of using that port), the direction it leaves them in,
/// and where it must end.
struct Leg<'a> {
    starts: Vec<(Point, u32)>,
    outward: Dir,
    goal: Goal<'a>,
}

impl Leg<'_> {
    /// The smallest rectangle holding the start cells and the goal.
    fn reach(&self) -> Rect {
        let mut cells: Vec<Point> = self.starts.iter().map(|&(point, _)| point).collect();
        let bounds = self.goal.bounds;
        cells.push(Point {
            x: bounds.x,
            y: bounds.y,
        });
        cells.push(Point {
            x: bounds.right(),
            y: bounds.bottom(),
        });
        bounding(&cells)
    }
}

/// Legs whose ends span at most this many cells try a quick search before
/// the simple shapes. Across more, in a crowded channel, the quick search
/// mostly gives up (with 4,096 here, 59 of the 64 legs of that size at
/// N=1,000 did, a tenth of all the work), while between the nearby boxes
/// of a small diagram it finds the best route at once.
const SEARCH_FIRST_AREA: usize = 1024;

/// The end of a search: a port region, or the net's own lines; reached, if
/// the goal has a label, only past a place with room for it.
struct Goal<'a> {
    terminal: Terminal,
    /// The goal's bounding box, for the distance estimate.
    bounds: Rect,
    /// For a port goal: the cells just outside free ports with their costs,
    /// in order, and the inward direction.
    ports: Vec<(Point, u32)>,
    inward: Dir,
    label: Option<LabelRoom<'a>>,
    /// For a port goal: the boxes (indices in `boxes`) of the containers
    /// around its node, whose borders a path from outside must cross.
    around: Option<Vec<usize>>,
    boxes: &'a [PlacedBox],
}

impl<'a> Goal<'a> {
    fn new(router: &NetRouter<'a>, grid: &Grid, terminal: Terminal) -> Goal<'a> {
        let boxes = &router.placement.boxes[..];
        match terminal {
            Terminal::Port(node, side, arrow) => {
                let (ports, outward) = router.port_cells(grid, node, side, arrow);
                let cells: Vec<Point> = ports.iter().map(|&(point, _)| point).collect();
                let mut around = Vec::new();
                let mut above = boxes[router.placement.box_of[node.index()]].parent;
                while let Some(container) = above {
                    around.push(container);
                    above = boxes[container].parent;
                }
                Goal {
                    terminal,
                    bounds: bounding(&cells),
                    ports,
                    inward: outward.opposite(),
                    label: None,
                    around: Some(around),
                    boxes,
                }
            }
            Terminal::Net(bounds) => Goal {
                terminal,
                bounds,
                ports: Vec::new(),
                inward: Dir::Up,
                label: None,
                around: None,
                boxes,
            },
        }
    }

    /// What the container borders between `point` and a port goal cost at
    /// least: every container around one and not the other has its border
    /// crossed (a border cell has paid for its own).
    fn borders_to_cross(&self, grid: &Grid, point: Point) -> u32 {
        let Some(around) = &self.around else {
            return 0;
        };
        let cell = grid.cell(point);
        let on_border = (cell.border && cell.owner != NONE).then_some(cell.owner as usize);
        let mut crossings = 0;
        let mut shared = 0;
        let mut above = (cell.owner != NONE).then_some(cell.owner as usize);
        while let Some(container) = above {
            if self.boxes[container].is_container && Some(container) != on_border {
                if around.contains(&container) {
                    shared += 1;
                } else {
                    crossings += 1;
                }
            }
            above = self.boxes[container].parent;
        }
        let unentered = around.len()
            - shared
            - usize::from(on_border.is_some_and(|border| around.contains(&border)));
        (crossings + unentered) as u32 * BORDER
    }

    /// The extra cost of arriving at a port away from the middle of its side.
    fn arrival_cost(&self, point: Point, dir: Dir) -> u32 {
        if dir != self.inward {
            return 0;
        }
        self.port_cost(point).unwrap_or(0)
    }

    fn port_cost(&self, point: Point) -> Option<u32> {
        let index = self
            .ports
            .binary_search_by_key(&point, |&(cell, _)| cell)
            .ok()?;
        Some(self.ports[index].1)
    }

    /// The fewest steps from `point` to the goal, in a straight line.
    fn distance(&self, point: Point) -> u32 {
        let dx = distance_to_range(point.x, self.bounds.x, self.bounds.right());
        let dy = distance_to_range(point.y, self.bounds.y, self.bounds.bottom());
        ((dx + dy) as u32) * STEP
    }

    fn is_reached(&self, router: &NetRouter<'_>, grid: &Grid, point: Point, dir: Dir) -> bool {
        match self.terminal {
            Terminal::Port(..) => dir == self.inward && self.port_cost(point).is_some(),
            // Own cells are only ever entered through `joins`.
            Terminal::Net(_) => grid.cell(point).net == router.net,
        }
    }

    /// For a net goal: `Some(true)` if stepping into `point` travelling
    /// `dir` makes a junction with the net's lines, `Some(false)` if the cell
    /// is the net's but cannot be joined there, `None` if it is not the net's.
    fn joins(&self, router: &NetRouter<'_>, grid: &Grid, point: Point, dir: Dir) -> Option<bool> {
        if !matches!(self.terminal, Terminal::Net(_)) {
            return None;
        }
        let cell = grid.cell(point);
        if cell.net != router.net {
            return None;
        }
        let joinable = !cell.crossed
            && router.may_turn(grid, point)
            && !cell.border
            && cell.dirs.count_ones() == 2
            && cell.dirs & dir.opposite().bit() == 0;
        Some(joinable)
    }
}

/// A cost for using a port away from the middle of its box's side, so
/// lines leave and enter boxes centrally unless a straight line needs otherwise.
fn off_centre(rect: Rect, outside: Point) -> u32 {
    let along = if outside.y < rect.y || outside.y > rect.bottom() {
        outside.x.abs_diff(rect.x + rect.width / 2)
    } else {
        outside.y.abs_diff(rect.y + rect.height / 2)
    };
    along as u32 * 3
}

fn bounding(points: &[Point]) -> Rect {
    let min_x = points.iter().map(|p| p.x).min().unwrap_or(0);
    let max_x = points.iter().map(|p| p.x).max().unwrap_or(0);
    let min_y = points.iter().map(|p| p.y).min().unwrap_or(0);
    let max_y = points.iter().map(|p| p.y).max().unwrap_or(0);
    Rect {
        x: min_x,
        y: min_y,
        width: max_x - min_x + 1,
        height: max_y - min_y + 1,
    }
}

fn distance_to_range(value: usize, low: usize, high: usize) -> usize {
    low.saturating_sub(value) + value.saturating_sub(high)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{LayoutOptions, place, tree};
    use std::fmt::Write as _;

    /// A layered diagram of `layers` layers of `width` components, each
    /// pointing at two in the next layer (and some two layers on), half of
    /// every other layer in a group, some labels in CJK, edges of every
    /// kind, some labelled.
    fn layered(layers: usize, width: usize) -> String {
        let mut source = String::new();
        for layer in 0..layers {
            let _ = writeln!(source, "layer l{layer} {{");
            let grouped = if layer % 2 == 1 { width / 2 } else { 0 };
            if grouped > 0 {
                let _ = writeln!(source, "  group g{layer} \"Group {layer}\" {{");
            }
            for index in 0..width {
                let label = if index % 5 == 2 { "数据" } else { "Service" };
                let _ = writeln!(source, "  c{layer}_{index} \"{label} {layer}.{index}\"");
                if index + 1 == grouped {
                    source.push_str("  }\n");
                }
            }
            source.push_str("}\n");
        }
        let kinds = ["->", "->", "<->", "--", "->"];
        let styles = ["", " [style=dashed]", "", " [style=thick]"];
        for layer in 0..layers - 1 {
            for index in 0..width {
                for (number, step) in [3, 7].into_iter().enumerate() {
                    let skip = layer + 2 < layers && (index + number) % 17 == 0;
                    let to_layer = layer + if skip { 2 } else { 1 };
                    let to = (index * step + layer) % width;
                    let kind = kinds[(index + layer + number) % kinds.len()];
                    let style = styles[(index * 3 + layer) % styles.len()];
                    let label = if (index + layer) % 11 == 0 {
                        " : \"call\""
                    } else {
                        ""
                    };
                    let _ = writeln!(
                        source,
                        "c{layer}_{index} {kind} c{to_layer}_{to}{label}{style}"
                    );
                }
            }
        }
        source
    }

    /// The placement the layout starts from.
    fn placed(model: &crate::model::Model) -> (tree::Tree, Placement) {
        let tree = tree::Tree::new(model);
        let placement = place::place(model, &tree, &LayoutOptions::default(), 0);
        (tree, placement)
    }

    /// The bands the nets of a placement would be routed in.
    fn bands_of(placement: &Placement) -> Option<Bands> {
        let order: Vec<usize> = (0..placement.nets.len()).collect();
        Bands::split(placement, &order)
    }

    /// A large diagram is split into two bands with most nets on either
    /// side of the cut, every band net finds room in its band (no falling
    /// back to the whole grid), and the drawing reads back as its model in
    /// both charsets.
    #[test]
    fn large_diagrams_route_in_two_bands_and_read_back() {
        let model = crate::compile(&layered(10, 30)).expect("the source is valid");
        let (tree, placement) = placed(&model);
        let nets = placement.nets.len();
        let bands = bands_of(&placement).expect("a large diagram has bands");
        let sizes = (bands.above.len(), bands.below.len(), bands.across.len());
        assert!(
            sizes.0 > nets / 4 && sizes.1 > nets / 4 && sizes.2 < nets / 10,
            "above, below, across: {sizes:?} of {nets}"
        );
        let routed = routed_nets(&tree, &placement, &[], true);
        assert!(
            matches!(routed, Some(Ok(_))),
            "the nets of each band are routed in it"
        );
        let layout = crate::layout::layout(&model, &LayoutOptions::default()).expect("room");
        for charset in [
            crate::render::Charset::Unicode,
            crate::render::Charset::Ascii,
        ] {
            let drawing = crate::render::text(&layout, charset);
            if let Err(problems) = crate::verify::verify(&drawing, &model, charset) {
                panic!("{charset:?}:\n{drawing}\n{problems:#?}");
            }
        }
    }

    /// A small diagram is routed on the whole grid.
    #[test]
    fn small_diagrams_have_no_bands() {
        let model = crate::compile(&layered(3, 5)).expect("the source is valid");
        assert!(bands_of(&placed(&model).1).is_none());
    }
}

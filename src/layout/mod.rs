//! Layout: the [`Model`] placed on a grid of character cells. Reads a
//! `Model`, returns a [`Layout`], the one immutable value every renderer
//! draws. Text renders its cells as glyphs; SVG and PNG scale them to pixels.
//!
//! The phases follow Sugiyama et al. (1981), "Methods for visual
//! understanding of hierarchical system structures", applied recursively to
//! each container's children, as Graphviz's dot does for clusters:
//! `rank` (cycle breaking, longest-path ranks) → `order` (barycentric
//! crossing reduction) → `place` (cell coordinates, bottom-up sizes,
//! top-down positions) → `route` (orthogonal routes on the cell grid:
//! simple shapes where they fit, else A* in a window around the ends; buses;
//! label places) → `compact` (runs of rows with only lines passing
//! through cut to one). `verify` checks the result's invariants in
//! debug builds.

mod compact;
mod dump;
mod grid;
mod order;
mod place;
mod rank;
mod route;
mod tree;
mod verify;

use crate::model::{EdgeId, EdgeStyle, Model, NodeId, Shape};

pub use dump::dump;

/// Settings of the layout that do not come from the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayoutOptions {
    /// Crossing reduction stops after this many sweeps (down and up count
    /// one each), keeping the work linear in the graph's size.
    pub max_order_sweeps: usize,
}

impl Default for LayoutOptions {
    fn default() -> LayoutOptions {
        LayoutOptions {
            max_order_sweeps: 8,
        }
    }
}

/// A diagram placed on a grid of cells. Coordinates are cells: `x` grows to
/// the right, `y` downwards, `(0, 0)` is the top-left cell.
///
/// Invariants (checked by `verify` in debug builds):
/// - every box lies inside `width` × `height`; two boxes either do not
///   overlap (with at least one free cell between siblings) or one contains
///   the other, and a box contains exactly its model descendants;
/// - every text run lies inside its box, with at least one free cell between
///   it and a side border;
/// - every model edge belongs to exactly one net; a net's paths run only
///   through free cells, box interiors of containers holding one of its
///   ends, and the borders of containers holding exactly one of its ends
///   (crossed at right angles, never at a corner);
/// - two nets never share a cell except where one crosses the other's
///   straight segment at a right angle;
/// - edge labels lie on free cells with a free cell on each side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    pub width: usize,
    pub height: usize,
    /// The diagram title, drawn on the first row (`y = 0`).
    pub title: Option<TextRun>,
    /// Every node, parents before their children, in source order otherwise.
    pub boxes: Vec<PlacedBox>,
    /// Every edge, as one net each or several merged into a bus.
    pub nets: Vec<Net>,
}

impl Layout {
    /// Every run of text: the title, the boxes' lines, the edges' labels.
    pub fn texts(&self) -> impl Iterator<Item = &TextRun> {
        self.title
            .iter()
            .chain(self.boxes.iter().flat_map(|placed| &placed.text))
            .chain(self.nets.iter().filter_map(|net| net.label.as_ref()))
    }
}

/// An axis-aligned rectangle of cells, borders included.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Rect {
    pub x: usize,
    pub y: usize,
    pub width: usize,
    pub height: usize,
}

impl Rect {
    pub fn right(&self) -> usize {
        self.x + self.width - 1
    }

    pub fn bottom(&self) -> usize {
        self.y + self.height - 1
    }

    pub fn contains(&self, point: Point) -> bool {
        point.x >= self.x
            && point.x <= self.right()
            && point.y >= self.y
            && point.y <= self.bottom()
    }

    /// The number of a cell of the rectangle, row after row from zero,
    /// and the cell of a number.
    pub fn number_of(&self, point: Point) -> usize {
        (point.y - self.y) * self.width + (point.x - self.x)
    }

    pub fn cell_numbered(&self, number: usize) -> Point {
        Point {
            x: self.x + number % self.width,
            y: self.y + number / self.width,
        }
    }

    pub fn is_on_border(&self, point: Point) -> bool {
        self.contains(point)
            && (point.x == self.x
                || point.x == self.right()
                || point.y == self.y
                || point.y == self.bottom())
    }
}

/// A cell position.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Point {
    pub x: usize,
    pub y: usize,
}

/// One line of text starting at a cell. Wide characters take two cells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextRun {
    pub at: Point,
    pub text: String,
}

/// A node's box.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlacedBox {
    pub node: NodeId,
    /// The node's id in the source, for dumps and SVG element ids.
    pub id: String,
    pub rect: Rect,
    pub shape: Shape,
    pub is_container: bool,
    /// The index in [`Layout::boxes`] of the containing box.
    pub parent: Option<usize>,
    /// Label (or title) lines, then bullet lines (with their "- ").
    pub text: Vec<TextRun>,
    /// How many of `text` are label (or title) lines.
    pub label_lines: usize,
}

/// Lines joined into one network: a single edge, or a fan-in or fan-out bus.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Net {
    pub edges: Vec<EdgeId>,
    pub style: EdgeStyle,
    /// Orthogonal polylines through cell centres; consecutive points share a
    /// row or a column. Paths of one net meet only at their ends or at a
    /// point of another of its paths (a junction); a path that reaches a
    /// box ends at that end's [`End::path_end`].
    pub paths: Vec<Vec<Point>>,
    /// Where the net meets boxes.
    pub ends: Vec<End>,
    pub label: Option<TextRun>,
}

/// Where a net meets a box.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct End {
    pub node: NodeId,
    /// The border cell the net attaches to.
    pub port: Point,
    /// The side of the box the port is on.
    pub side: Side,
    /// Whether an arrowhead points into the box here.
    pub arrow: bool,
}

impl End {
    /// The cell a path ends in here: the port, or for an arrowhead on the
    /// left or right side, the cell beside the port, where the arrowhead
    /// sits (`─▶│`).
    pub fn path_end(&self) -> Point {
        match (self.arrow, self.side) {
            (true, Side::Left) => Point {
                x: self.port.x - 1,
                ..self.port
            },
            (true, Side::Right) => Point {
                x: self.port.x + 1,
                ..self.port
            },
            _ => self.port,
        }
    }
}

/// A side of a box.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    Top,
    Bottom,
    Left,
    Right,
}

/// Every cell of an orthogonal polyline, in order.
pub fn path_cells(corners: &[Point]) -> Vec<Point> {
    let length: usize = corners
        .windows(2)
        .map(|pair| pair[0].x.abs_diff(pair[1].x) + pair[0].y.abs_diff(pair[1].y))
        .sum();
    let mut cells = Vec::with_capacity(length + 1);
    for pair in corners.windows(2) {
        let (mut point, to) = (pair[0], pair[1]);
        while point != to {
            cells.push(point);
            point = Point {
                x: step_towards(point.x, to.x),
                y: step_towards(point.y, to.y),
            };
        }
    }
    cells.extend(corners.last());
    cells
}

fn step_towards(from: usize, to: usize) -> usize {
    match from.cmp(&to) {
        std::cmp::Ordering::Less => from + 1,
        std::cmp::Ordering::Greater => from - 1,
        std::cmp::Ordering::Equal => from,
    }
}

/// Lays the model out, or says which edge found no room: the router is
/// not yet complete, and a diagram it cannot draw correctly gets this error
/// rather than a wrong picture.
pub fn layout(model: &Model, options: &LayoutOptions) -> Result<Layout, LayoutError> {
    let tree = tree::Tree::new(model);
    // Spacing grows until every route and label finds room; each attempt is
    // complete, so the first that succeeds is the layout. More spacing makes
    // room where a channel is too short for a label, but not where routes
    // pack tightly around a labelled one: a label that finds no room even
    // with a little more spacing has its net routed again where the label
    // has room (ripped up and searched for anew, a detour where the shortest
    // way has none), which costs one search where more spacing would cost a
    // whole layout, and then more.
    let mut make_room: Vec<usize> = Vec::new();
    let mut slack = 0;
    let stuck = loop {
        let placement = place::place(model, &tree, options, slack);
        match route::route(&tree, placement, &make_room) {
            Ok(layout) => {
                let layout = compact::rows(layout);
                verify::check(model, &layout);
                return Ok(layout);
            }
            Err(route::NoRoom::Label(net, _))
                if slack >= LABEL_SLACK && !make_room.contains(&net) =>
            {
                make_room.push(net)
            }
            Err(_) if slack < MAX_SLACK => slack += 1,
            Err(no_room) => break no_room.edge(),
        }
    };
    let flow = model
        .edges()
        .into_iter()
        .find(|flow| flow.id == stuck)
        .expect("the router names a model edge");
    Err(LayoutError {
        from: model.node(flow.from).id.clone(),
        to: model.node(flow.to).id.clone(),
    })
}

/// The most extra spacing tried before giving up.
const MAX_SLACK: usize = 16;
/// The most extra spacing tried for a label before its net is routed again
/// where the label has room.
const LABEL_SLACK: usize = 2;

/// An edge the router found no room for (its route or its label), even
/// with the most spacing. A limitation of Strata, not an error in the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayoutError {
    /// The ids of the edge's ends, as in the source.
    pub from: String,
    pub to: String,
}

impl std::fmt::Display for LayoutError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            formatter,
            "the layout found no room for the edge `{} -> {}` or its label; \
             this is a limitation of Strata, please report it with the source",
            self.from, self.to
        )
    }
}

impl std::error::Error for LayoutError {}

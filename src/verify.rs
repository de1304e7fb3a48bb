//! The reader: checks a rendered text diagram against the model it was drawn
//! from, reading only the text, the way a person reads it.
//!
//! Owns the reading rules of `docs/TEXT-FORMAT.md`. Reads the rendered text,
//! the [`Model`] and the [`Charset`] the text was drawn in; never looks at a
//! layout, so it checks what the picture says, not what the renderer meant.
//! Returns `Ok(())`, or every [`Problem`] found, each a sentence that names
//! its place as a row and a column (both counted from 1, columns in display
//! cells).
//!
//! The reading goes in the order a person reads a diagram:
//! 1. cells: the text becomes a grid of display cells (`unicode-width`);
//! 2. boxes: closed rectangles of border glyphs with text inside, and how
//!    they nest;
//! 3. lines: every other line glyph, joined to its neighbours into networks,
//!    with the boxes each network attaches to and its arrowheads;
//! 4. text: each box's label and bullet lines, and the edge labels beside
//!    the networks;
//! 5. meaning: nodes matched to boxes (ids are not drawn, so by text and
//!    nesting), networks read as edges, and both compared with the model.
//!
//! The reader never panics: whatever the text, it answers with problems.
//! Work is bounded: grids above `MAX_CELLS` cells are refused, and the box
//! search and the tie-breaking between look-alike nodes have budgets.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::model::{EdgeStyle, Heads, Model, NodeId, Shape};

/// Checks that `text`, drawn in `charset`, shows exactly `model`: every node
/// once, in its container, every edge with its heads, label and style, and
/// nothing else; and that it keeps the format's promises (no overlapping
/// boxes, no dangling or stray lines, no text touching a line or a border,
/// no trailing spaces, no tabs).
pub fn verify(text: &str, model: &Model, charset: Charset) -> Result<(), Vec<Problem>> {
    let mut problems = Vec::new();
    if let Some(mut grid) = Grid::parse(text, &mut problems) {
        check_title(&mut grid, model.title(), &mut problems);
        read_diagram(&grid, model, charset, &mut problems);
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

pub use crate::render::Charset;

/// One thing wrong with a diagram: a sentence saying what, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem(pub String);

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Problem {
    fn at(pos: Pos, message: impl fmt::Display) -> Problem {
        Problem(format!("{pos}: {message}"))
    }
}

/// Grids with more cells than this are refused: no diagram is that big, and
/// the reader keeps a few arrays of this size.
const MAX_CELLS: usize = 4_000_000;

/// How many boxes the reader reads at most.
const MAX_BOXES: usize = 10_000;

/// How many corner combinations the box search tries at most. A diagram
/// needs a few per box; only text made of nothing but corners needs more.
const BOX_SEARCH_BUDGET: usize = 2_000_000;

/// How many times the ASCII reading is redone at most, as punctuation that
/// looked like lines turns out to be text.
const MAX_SETTLING_ROUNDS: usize = 8;

/// How many full matchings the tie-breaking between look-alike nodes tries.
const MATCHING_BUDGET: usize = 2_000;

/// Runs every stage after the grid: boxes, lines, text, and the comparison.
fn read_diagram(grid: &Grid, model: &Model, charset: Charset, problems: &mut Vec<Problem>) {
    let Some(boxes) = Boxes::find(grid, charset, problems) else {
        return;
    };
    let canvas = Canvas::read(grid, charset, &boxes, problems);
    let runs = text_runs(grid, &canvas, problems);
    let (box_lines, is_box_text) = read_box_lines(&boxes, &runs, problems);
    let texts = Texts::new(model, &boxes, box_lines);
    let mut networks = read_networks(&canvas, &boxes, &texts, problems);
    attach_labels(&canvas, &mut networks, &runs, &is_box_text, problems);
    let read_edges = read_edges(&networks);
    let diagram = Diagram {
        model,
        charset,
        boxes: &boxes,
        texts: &texts,
        networks: &networks,
        read_edges: &read_edges,
        model_edges: model_edges(model),
    };
    diagram.compare(problems);
}

// ---------------------------------------------------------------------------
// Cells

/// A cell of the grid: a row and a display column, both from 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Pos {
    row: usize,
    col: usize,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // People count rows and columns from 1.
        write!(f, "row {}, column {}", self.row + 1, self.col + 1)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dir {
    Up,
    Down,
    Left,
    Right,
}

const UP: u8 = 1;
const DOWN: u8 = 2;
const LEFT: u8 = 4;
const RIGHT: u8 = 8;
const VERTICAL: u8 = UP | DOWN;
const HORIZONTAL: u8 = LEFT | RIGHT;
const ALL_DIRS: u8 = VERTICAL | HORIZONTAL;

impl Dir {
    const ALL: [Dir; 4] = [Dir::Up, Dir::Down, Dir::Left, Dir::Right];

    fn bit(self) -> u8 {
        match self {
            Dir::Up => UP,
            Dir::Down => DOWN,
            Dir::Left => LEFT,
            Dir::Right => RIGHT,
        }
    }

    fn opposite(self) -> Dir {
        match self {
            Dir::Up => Dir::Down,
            Dir::Down => Dir::Up,
            Dir::Left => Dir::Right,
            Dir::Right => Dir::Left,
        }
    }

    fn is_horizontal(self) -> bool {
        matches!(self, Dir::Left | Dir::Right)
    }

    fn name(self) -> &'static str {
        match self {
            Dir::Up => "up",
            Dir::Down => "down",
            Dir::Left => "left",
            Dir::Right => "right",
        }
    }
}

/// The directions in a set of direction bits.
fn dirs(bits: u8) -> impl Iterator<Item = Dir> {
    Dir::ALL
        .into_iter()
        .filter(move |dir| bits & dir.bit() != 0)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Cell {
    ch: char,
    /// A cell that a wide character (or cluster) covers after its first:
    /// it holds nothing itself.
    wide_tail: bool,
}

impl Cell {
    const BLANK: Cell = Cell {
        ch: ' ',
        wide_tail: false,
    };
    const WIDE_TAIL: Cell = Cell {
        ch: ' ',
        wide_tail: true,
    };

    /// The character drawn in the cell, or `None` for the second half of a
    /// wide character.
    fn glyph(self) -> Option<char> {
        (!self.wide_tail).then_some(self.ch)
    }
}

/// The text as a rectangle of display cells, padded with spaces.
struct Grid {
    width: usize,
    height: usize,
    cells: Vec<Cell>,
    /// Zero-width characters (combining marks, joiners), kept with the cell
    /// of the character they follow so that text reads back whole.
    marks: BTreeMap<Pos, String>,
}

impl Grid {
    /// Splits the text into cells, reporting tabs, control characters and
    /// trailing spaces. Returns `None` for a grid too big to read.
    fn parse(text: &str, problems: &mut Vec<Problem>) -> Option<Grid> {
        let mut lines: Vec<&str> = text.split('\n').collect();
        if text.ends_with('\n') {
            lines.pop();
        }
        let mut marks = BTreeMap::new();
        let rows: Vec<Vec<Cell>> = lines
            .iter()
            .enumerate()
            .map(|(row, line)| read_line(row, line, &mut marks, problems))
            .collect();
        let height = rows.len();
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        if width.saturating_mul(height) > MAX_CELLS {
            problems.push(Problem(format!(
                "the text is {width} columns by {height} rows, too big to read as a diagram \
                 (at most {MAX_CELLS} cells)"
            )));
            return None;
        }
        let mut cells = Vec::with_capacity(width * height);
        for mut row in rows {
            row.resize(width, Cell::BLANK);
            cells.extend(row);
        }
        Some(Grid {
            width,
            height,
            cells,
            marks,
        })
    }

    fn index(&self, pos: Pos) -> usize {
        pos.row * self.width + pos.col
    }

    fn pos(&self, index: usize) -> Pos {
        Pos {
            row: index / self.width.max(1),
            col: index % self.width.max(1),
        }
    }

    fn len(&self) -> usize {
        self.cells.len()
    }

    fn cell(&self, pos: Pos) -> Cell {
        if pos.row < self.height && pos.col < self.width {
            self.cells[self.index(pos)]
        } else {
            Cell::BLANK
        }
    }

    fn glyph(&self, pos: Pos) -> Option<char> {
        self.cell(pos).glyph()
    }

    /// The neighbouring cell in `dir`, if it is on the grid.
    fn step(&self, pos: Pos, dir: Dir) -> Option<Pos> {
        let (row, col) = match dir {
            Dir::Up => (pos.row.checked_sub(1)?, pos.col),
            Dir::Down => (pos.row + 1, pos.col),
            Dir::Left => (pos.row, pos.col.checked_sub(1)?),
            Dir::Right => (pos.row, pos.col + 1),
        };
        (row < self.height && col < self.width).then_some(Pos { row, col })
    }

    /// Appends what a cell shows to `out`: its character and any marks.
    fn push_cell_text(&self, pos: Pos, out: &mut String) {
        if let Some(ch) = self.glyph(pos) {
            out.push(ch);
        }
        if let Some(marks) = self.marks.get(&pos) {
            out.push_str(marks);
        }
    }

    fn row_text(&self, row: usize) -> String {
        let mut text = String::new();
        for col in 0..self.width {
            self.push_cell_text(Pos { row, col }, &mut text);
        }
        text.trim_end().to_owned()
    }

    fn blank_row(&mut self, row: usize) {
        if row < self.height {
            let start = row * self.width;
            self.cells[start..start + self.width].fill(Cell::BLANK);
            self.marks.retain(|pos, _| pos.row != row);
        }
    }
}

/// Turns one line of text into cells. A character and the zero-width
/// characters that join it (combining marks, variation selectors, the parts
/// of a joined emoji) are one cluster, as wide as `unicode-width` measures
/// the whole, which is how the layout measures labels.
fn read_line(
    row: usize,
    line: &str,
    marks: &mut BTreeMap<Pos, String>,
    problems: &mut Vec<Problem>,
) -> Vec<Cell> {
    let mut cells: Vec<Cell> = Vec::new();
    let mut cluster = String::new();
    for ch in line.chars() {
        let joins_cluster = !cluster.is_empty()
            && !ch.is_control()
            && (cluster.ends_with(ZERO_WIDTH_JOINER) || ch.width() == Some(0));
        if joins_cluster {
            cluster.push(ch);
            continue;
        }
        push_cluster(row, &mut cluster, &mut cells, marks);
        let here = Pos {
            row,
            col: cells.len(),
        };
        if ch == '\t' {
            problems.push(Problem::at(
                here,
                "a tab character; diagrams use spaces only",
            ));
            cells.push(Cell::BLANK);
        } else if ch.is_control() {
            problems.push(Problem::at(
                here,
                format!("a control character (U+{:04X})", u32::from(ch)),
            ));
            cells.push(Cell::BLANK);
        } else {
            cluster.push(ch);
        }
    }
    push_cluster(row, &mut cluster, &mut cells, marks);
    let trailing = line.len() - line.trim_end_matches(' ').len();
    if trailing > 0 {
        let col = cells.len().saturating_sub(trailing);
        problems.push(Problem::at(Pos { row, col }, "trailing spaces"));
    }
    cells
}

const ZERO_WIDTH_JOINER: char = '\u{200D}';

/// Adds a cluster's cells: its first character in the first cell (the rest
/// kept as marks of that cell), then one empty cell per extra column.
fn push_cluster(
    row: usize,
    cluster: &mut String,
    cells: &mut Vec<Cell>,
    marks: &mut BTreeMap<Pos, String>,
) {
    let mut chars = cluster.chars();
    let Some(first) = chars.next() else {
        return;
    };
    let width = UnicodeWidthStr::width(cluster.as_str());
    if width == 0 {
        // Only zero-width characters, at the start of a line or after a
        // control character: they belong to the cell before, if any.
        if let Some(col) = cells.iter().rposition(|cell| !cell.wide_tail) {
            marks.entry(Pos { row, col }).or_default().push_str(cluster);
        }
    } else {
        let col = cells.len();
        cells.push(Cell {
            ch: first,
            wide_tail: false,
        });
        if !chars.as_str().is_empty() {
            marks.insert(Pos { row, col }, chars.as_str().to_owned());
        }
        cells.extend(std::iter::repeat_n(Cell::WIDE_TAIL, width - 1));
    }
    cluster.clear();
}

/// Collapses every run of white space to one space and trims the ends, the
/// way labels are compared.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Checks the title lines and blanks them, so that later stages read only
/// the diagram.
fn check_title(grid: &mut Grid, title: Option<&str>, problems: &mut Vec<Problem>) {
    let Some(title) = title else {
        return;
    };
    let first = if grid.height > 0 {
        grid.row_text(0)
    } else {
        String::new()
    };
    if collapse(&first) != collapse(title) {
        problems.push(Problem(format!(
            "row 1: the first line should be the title \"{}\", but it reads \"{}\"",
            collapse(title),
            first.trim()
        )));
        return;
    }
    if first.starts_with(' ') && !title.starts_with(char::is_whitespace) {
        problems.push(Problem("row 1: the title is not left-aligned".to_owned()));
    }
    grid.blank_row(0);
    if grid.height > 1 && !grid.row_text(1).is_empty() {
        problems.push(Problem(
            "row 2: the line after the title should be empty".to_owned(),
        ));
    }
}

// ---------------------------------------------------------------------------
// Glyphs

/// What a glyph means as part of a line.
#[derive(Clone, Copy, Debug)]
struct LineGlyph {
    /// The directions its strokes leave the cell in.
    strokes: u8,
    /// ASCII `+`: it has a stroke towards every neighbour that points back.
    joins_any: bool,
    arrowhead: bool,
    /// The style only lines of this style draw; `None` for glyphs that
    /// several styles share (corners, junctions, arrowheads).
    style: Option<EdgeStyle>,
}

fn line_glyph(charset: Charset, ch: char) -> Option<LineGlyph> {
    use EdgeStyle::{Dashed, Solid, Thick};
    let (strokes, style, arrowhead) = match (charset, ch) {
        (Charset::Unicode, '─') => (HORIZONTAL, Some(Solid), false),
        (Charset::Unicode, '│') => (VERTICAL, Some(Solid), false),
        (Charset::Unicode, '┄') => (HORIZONTAL, Some(Dashed), false),
        (Charset::Unicode, '┆') => (VERTICAL, Some(Dashed), false),
        (Charset::Unicode, '━') => (HORIZONTAL, Some(Thick), false),
        (Charset::Unicode, '┃') => (VERTICAL, Some(Thick), false),
        (Charset::Unicode, '┌') => (DOWN | RIGHT, None, false),
        (Charset::Unicode, '┐') => (DOWN | LEFT, None, false),
        (Charset::Unicode, '└') => (UP | RIGHT, None, false),
        (Charset::Unicode, '┘') => (UP | LEFT, None, false),
        (Charset::Unicode, '├') => (VERTICAL | RIGHT, None, false),
        (Charset::Unicode, '┤') => (VERTICAL | LEFT, None, false),
        (Charset::Unicode, '┬') => (DOWN | HORIZONTAL, None, false),
        (Charset::Unicode, '┴') => (UP | HORIZONTAL, None, false),
        (Charset::Unicode, '┼') => (ALL_DIRS, None, false),
        (Charset::Unicode, '┏') => (DOWN | RIGHT, Some(Thick), false),
        (Charset::Unicode, '┓') => (DOWN | LEFT, Some(Thick), false),
        (Charset::Unicode, '┗') => (UP | RIGHT, Some(Thick), false),
        (Charset::Unicode, '┛') => (UP | LEFT, Some(Thick), false),
        (Charset::Unicode, '┣') => (VERTICAL | RIGHT, Some(Thick), false),
        (Charset::Unicode, '┫') => (VERTICAL | LEFT, Some(Thick), false),
        (Charset::Unicode, '┳') => (DOWN | HORIZONTAL, Some(Thick), false),
        (Charset::Unicode, '┻') => (UP | HORIZONTAL, Some(Thick), false),
        // An arrowhead's one stroke is its tail: `▼` is reached from above.
        (Charset::Unicode, '▼') | (Charset::Ascii, 'v') => (UP, None, true),
        (Charset::Unicode, '▲') | (Charset::Ascii, '^') => (DOWN, None, true),
        (Charset::Unicode, '▶') | (Charset::Ascii, '>') => (LEFT, None, true),
        (Charset::Unicode, '◀') | (Charset::Ascii, '<') => (RIGHT, None, true),
        (Charset::Ascii, '-') => (HORIZONTAL, Some(Solid), false),
        (Charset::Ascii, '|') => (VERTICAL, Some(Solid), false),
        (Charset::Ascii, '.') => (HORIZONTAL, Some(Dashed), false),
        (Charset::Ascii, ':') => (VERTICAL, Some(Dashed), false),
        (Charset::Ascii, '=') => (HORIZONTAL, Some(Thick), false),
        (Charset::Ascii, '#') => (VERTICAL, Some(Thick), false),
        (Charset::Ascii, '+') => {
            return Some(LineGlyph {
                strokes: ALL_DIRS,
                joins_any: true,
                arrowhead: false,
                style: None,
            });
        }
        _ => return None,
    };
    Some(LineGlyph {
        strokes,
        joins_any: false,
        arrowhead,
        style,
    })
}

/// The ASCII characters that may be part of a line outside a box border.
/// (`v` and `^` are arrowheads only on a border, so elsewhere they are text.)
const ASCII_LINE_CHARS: &str = "-.=|:#+<>";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Corner {
    TopLeft,
    TopRight,
    BottomLeft,
    BottomRight,
}

/// The shape a box is drawn as, told by its corners and horizontal borders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DrawnShape {
    Square,
    Rounded,
    Cylinder,
}

impl DrawnShape {
    fn name(self) -> &'static str {
        match self {
            DrawnShape::Square => "a plain box",
            DrawnShape::Rounded => "a rounded box",
            DrawnShape::Cylinder => "a cylinder",
        }
    }
}

/// The shape family of a corner glyph in the given corner, if it is one.
/// ASCII corners are all `+`, which tells no shape: `Square` stands for any.
fn corner_shape(charset: Charset, ch: char, corner: Corner) -> Option<DrawnShape> {
    use Corner::{BottomLeft, BottomRight, TopLeft, TopRight};
    use DrawnShape::{Cylinder, Rounded, Square};
    match (charset, ch, corner) {
        (Charset::Ascii, '+', _) => Some(Square),
        (Charset::Unicode, '┌', TopLeft)
        | (Charset::Unicode, '┐', TopRight)
        | (Charset::Unicode, '└', BottomLeft)
        | (Charset::Unicode, '┘', BottomRight) => Some(Square),
        (Charset::Unicode, '╭', TopLeft)
        | (Charset::Unicode, '╮', TopRight)
        | (Charset::Unicode, '╰', BottomLeft)
        | (Charset::Unicode, '╯', BottomRight) => Some(Rounded),
        (Charset::Unicode, '╒', TopLeft)
        | (Charset::Unicode, '╕', TopRight)
        | (Charset::Unicode, '╘', BottomLeft)
        | (Charset::Unicode, '╛', BottomRight) => Some(Cylinder),
        _ => None,
    }
}

/// Whether a glyph may sit on a top or bottom border: the border line
/// itself or a port.
fn is_horizontal_border(charset: Charset, ch: char) -> bool {
    match charset {
        Charset::Unicode => "─═┬┴┼▼▲".contains(ch),
        Charset::Ascii => "-=+v^".contains(ch),
    }
}

/// Whether a glyph may sit on a side border: the border line or a port.
fn is_vertical_border(charset: Charset, ch: char) -> bool {
    match charset {
        Charset::Unicode => "│├┤┼".contains(ch),
        Charset::Ascii => "|+".contains(ch),
    }
}

/// Whether a cell holds something that can only be text: what tells a box
/// (which holds its label) from a rectangle that lines happen to close.
fn is_text_evidence(charset: Charset, cell: Cell) -> bool {
    let Some(ch) = cell.glyph() else {
        return true;
    };
    if ch == ' ' {
        return false;
    }
    match charset {
        Charset::Unicode => {
            line_glyph(charset, ch).is_none()
                && !is_horizontal_border(charset, ch)
                && !is_vertical_border(charset, ch)
                && !"╭╮╰╯╒╕╘╛".contains(ch)
        }
        Charset::Ascii => !ASCII_LINE_CHARS.contains(ch),
    }
}

// ---------------------------------------------------------------------------
// Boxes

type BoxId = usize;

/// A rectangle of cells, its border included (all coordinates inclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Rect {
    top: usize,
    left: usize,
    bottom: usize,
    right: usize,
}

impl Rect {
    fn top_left(self) -> Pos {
        Pos {
            row: self.top,
            col: self.left,
        }
    }

    fn area(self) -> usize {
        (self.bottom - self.top + 1) * (self.right - self.left + 1)
    }

    /// Whether `other` lies inside this rectangle's border, not touching it.
    fn holds_inside(self, other: Rect) -> bool {
        other.top > self.top
            && other.bottom < self.bottom
            && other.left > self.left
            && other.right < self.right
    }

    fn intersects(self, other: Rect) -> bool {
        self.top <= other.bottom
            && other.top <= self.bottom
            && self.left <= other.right
            && other.left <= self.right
    }

    /// Whether the rectangles share a cell or are next to each other
    /// (diagonally too).
    fn touches(self, other: Rect) -> bool {
        self.top <= other.bottom + 1
            && other.top <= self.bottom + 1
            && self.left <= other.right + 1
            && other.left <= self.right + 1
    }
}

/// Which side of its box a border cell is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Top,
    Bottom,
    Left,
    Right,
}

impl Side {
    /// The direction that leaves the box through this side.
    fn outward(self) -> Dir {
        match self {
            Side::Top => Dir::Up,
            Side::Bottom => Dir::Down,
            Side::Left => Dir::Left,
            Side::Right => Dir::Right,
        }
    }

    /// The directions that cross this side: the only ones a port's line
    /// may take (the others run along the border).
    fn across(self) -> u8 {
        match self {
            Side::Top | Side::Bottom => VERTICAL,
            Side::Left | Side::Right => HORIZONTAL,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Side::Top => "top",
            Side::Bottom => "bottom",
            Side::Left => "left",
            Side::Right => "right",
        }
    }
}

struct DrawnBox {
    rect: Rect,
    shape: DrawnShape,
    /// The smallest box this one lies inside.
    parent: Option<BoxId>,
    /// The boxes directly inside this one, in reading order.
    children: Vec<BoxId>,
}

/// Every box of the diagram, in reading order (by top row, then column).
struct Boxes {
    list: Vec<DrawnBox>,
    top_level: Vec<BoxId>,
}

impl Boxes {
    /// Finds the boxes and their nesting, reporting overlaps and touches.
    /// Returns `None` when the text holds too many boxes to read.
    fn find(grid: &Grid, charset: Charset, problems: &mut Vec<Problem>) -> Option<Boxes> {
        let search = BoxSearch::new(grid, charset);
        let mut budget = BOX_SEARCH_BUDGET;
        let mut rects = Vec::new();
        for index in 0..grid.len() {
            let pos = grid.pos(index);
            if let Some(rect) = search.smallest_box_at(pos, &mut budget) {
                rects.push(rect);
            }
            if budget == 0 || rects.len() > MAX_BOXES {
                problems.push(Problem(
                    "the text holds too many box corners to read as a diagram".to_owned(),
                ));
                return None;
            }
        }
        let total_area: usize = rects.iter().map(|rect| rect.area()).sum();
        if total_area > 16 * MAX_CELLS {
            problems.push(Problem(
                "the text nests too many boxes to read as a diagram".to_owned(),
            ));
            return None;
        }
        let list = rects
            .into_iter()
            .map(|rect| DrawnBox {
                rect,
                shape: read_shape(grid, charset, rect, problems),
                parent: None,
                children: Vec::new(),
            })
            .collect();
        Some(Boxes::nest(list, problems))
    }

    /// Works out which box lies in which, and reports boxes that overlap
    /// without one containing the other, and siblings that touch.
    fn nest(mut list: Vec<DrawnBox>, problems: &mut Vec<Problem>) -> Boxes {
        for inner in 0..list.len() {
            let rect = list[inner].rect;
            list[inner].parent = (0..list.len())
                .filter(|&outer| list[outer].rect.holds_inside(rect))
                .min_by_key(|&outer| list[outer].rect.area());
        }
        for (first, a) in list.iter().enumerate() {
            for b in &list[first + 1..] {
                let nested = a.rect.holds_inside(b.rect) || b.rect.holds_inside(a.rect);
                if a.rect.intersects(b.rect) && !nested {
                    problems.push(Problem::at(
                        b.rect.top_left(),
                        format!(
                            "this box overlaps the box at {} without either containing the other",
                            a.rect.top_left()
                        ),
                    ));
                } else if !nested && a.rect.touches(b.rect) {
                    problems.push(Problem::at(
                        b.rect.top_left(),
                        format!(
                            "this box touches the box at {}; boxes side by side need a cell between them",
                            a.rect.top_left()
                        ),
                    ));
                }
            }
        }
        let mut top_level = Vec::new();
        for id in 0..list.len() {
            match list[id].parent {
                Some(parent) => list[parent].children.push(id),
                None => top_level.push(id),
            }
        }
        Boxes { list, top_level }
    }

    fn rect(&self, id: BoxId) -> Rect {
        self.list[id].rect
    }

    /// Whether box `inner` lies inside box `outer`, at any depth.
    fn is_inside(&self, inner: BoxId, outer: BoxId) -> bool {
        // Each parent is strictly bigger than its child, so the walk ends.
        let mut current = self.list[inner].parent;
        while let Some(id) = current {
            if id == outer {
                return true;
            }
            current = self.list[id].parent;
        }
        false
    }
}

/// Finds closed rectangles of border glyphs, with precomputed runs of
/// border cells so that each candidate is checked in constant time.
struct BoxSearch<'a> {
    grid: &'a Grid,
    charset: Charset,
    /// For each cell, how many top/bottom border glyphs start there going right.
    across: Vec<u32>,
    /// For each cell, how many side border glyphs start there going down.
    down: Vec<u32>,
    /// Prefix sums of text cells, to ask whether a rectangle holds text.
    text_before: Vec<u32>,
}

impl<'a> BoxSearch<'a> {
    fn new(grid: &'a Grid, charset: Charset) -> BoxSearch<'a> {
        let (width, height) = (grid.width, grid.height);
        let is = |index: usize, test: fn(Charset, char) -> bool| {
            grid.cells[index]
                .glyph()
                .is_some_and(|ch| test(charset, ch))
        };
        let mut across = vec![0u32; grid.len()];
        let mut down = vec![0u32; grid.len()];
        for row in (0..height).rev() {
            for col in (0..width).rev() {
                let index = row * width + col;
                if is(index, is_horizontal_border) {
                    across[index] = 1 + if col + 1 < width {
                        across[index + 1]
                    } else {
                        0
                    };
                }
                if is(index, is_vertical_border) {
                    down[index] = 1 + if row + 1 < height {
                        down[index + width]
                    } else {
                        0
                    };
                }
            }
        }
        let stride = width + 1;
        let mut text_before = vec![0u32; (height + 1) * stride];
        for row in 0..height {
            for col in 0..width {
                let here = u32::from(is_text_evidence(charset, grid.cells[row * width + col]));
                text_before[(row + 1) * stride + col + 1] = here
                    + text_before[row * stride + col + 1]
                    + text_before[(row + 1) * stride + col]
                    - text_before[row * stride + col];
            }
        }
        BoxSearch {
            grid,
            charset,
            across,
            down,
            text_before,
        }
    }

    fn run(&self, runs: &[u32], row: usize, col: usize) -> usize {
        if row < self.grid.height && col < self.grid.width {
            runs[row * self.grid.width + col] as usize
        } else {
            0
        }
    }

    fn is_corner(&self, row: usize, col: usize, corner: Corner) -> bool {
        self.grid
            .glyph(Pos { row, col })
            .is_some_and(|ch| corner_shape(self.charset, ch, corner).is_some())
    }

    /// Whether the cells of rows `top..bottom` and columns `left..right`
    /// (exclusive ends) hold any text.
    fn has_text(&self, top: usize, bottom: usize, left: usize, right: usize) -> bool {
        let stride = self.grid.width + 1;
        let at = |row: usize, col: usize| self.text_before[row * stride + col];
        at(bottom, right) + at(top, left) > at(top, right) + at(bottom, left)
    }

    /// Whether no border runs on past the rectangle's corners. Only ASCII
    /// needs asking: there a `+` on a border may be a port as well as a
    /// corner, and a line running straight through a container from port to
    /// port would otherwise cut it into two rectangles. (A `+` beyond a
    /// corner proves nothing: it may be a line's corner passing by.)
    fn corners_end_borders(&self, rect: Rect) -> bool {
        if self.charset == Charset::Unicode {
            return true;
        }
        let holds = |row: Option<usize>, col: Option<usize>, glyphs: &str| match (row, col) {
            (Some(row), Some(col)) => self
                .grid
                .glyph(Pos { row, col })
                .is_some_and(|ch| glyphs.contains(ch)),
            _ => false,
        };
        let Rect {
            top,
            left,
            bottom,
            right,
        } = rect;
        let (above, below) = (top.checked_sub(1), Some(bottom + 1));
        let (before, after) = (left.checked_sub(1), Some(right + 1));
        let top_or_bottom_runs_on = [before, after]
            .into_iter()
            .any(|col| holds(Some(top), col, "-=v^") || holds(Some(bottom), col, "-=v^"));
        let side_runs_on = [above, below]
            .into_iter()
            .any(|row| holds(row, Some(left), "|") || holds(row, Some(right), "|"));
        !top_or_bottom_runs_on && !side_runs_on
    }

    /// The smallest box whose top-left corner is at `pos`, if any. Several
    /// candidates exist only in ASCII, where `+` is both a corner and a port.
    fn smallest_box_at(&self, pos: Pos, budget: &mut usize) -> Option<Rect> {
        let Pos {
            row: top,
            col: left,
        } = pos;
        if !self.is_corner(top, left, Corner::TopLeft) {
            return None;
        }
        let mut best: Option<Rect> = None;
        let widest = 1 + self.run(&self.across, top, left + 1);
        let tallest = 1 + self.run(&self.down, top + 1, left);
        for width in 2..=widest {
            let right = left + width;
            if !self.is_corner(top, right, Corner::TopRight) {
                continue;
            }
            for height in 2..=tallest {
                *budget = budget.saturating_sub(1);
                if *budget == 0 {
                    return best;
                }
                let bottom = top + height;
                let closed = self.is_corner(bottom, left, Corner::BottomLeft)
                    && self.is_corner(bottom, right, Corner::BottomRight)
                    && self.run(&self.down, top + 1, right) >= height - 1
                    && self.run(&self.across, bottom, left + 1) >= width - 1;
                let rect = Rect {
                    top,
                    left,
                    bottom,
                    right,
                };
                if closed
                    && self.corners_end_borders(rect)
                    && self.has_text(top + 1, bottom, left + 1, right)
                {
                    if best.is_none_or(|best| rect.area() < best.area()) {
                        best = Some(rect);
                    }
                    break;
                }
            }
        }
        best
    }
}

/// Reads which shape a box is drawn as, and reports a box whose corners and
/// borders belong to different shapes.
fn read_shape(
    grid: &Grid,
    charset: Charset,
    rect: Rect,
    problems: &mut Vec<Problem>,
) -> DrawnShape {
    let glyph = |row, col| grid.glyph(Pos { row, col }).unwrap_or(' ');
    let horizontal: Vec<char> = (rect.left + 1..rect.right)
        .flat_map(|col| [glyph(rect.top, col), glyph(rect.bottom, col)])
        .filter(|&ch| matches!(ch, '─' | '═' | '-' | '='))
        .collect();
    let cylinder_line = match charset {
        Charset::Unicode => '═',
        Charset::Ascii => '=',
    };
    let shape = match charset {
        Charset::Unicode => corner_shape(charset, glyph(rect.top, rect.left), Corner::TopLeft)
            .unwrap_or(DrawnShape::Square),
        Charset::Ascii if horizontal.first() == Some(&cylinder_line) => DrawnShape::Cylinder,
        Charset::Ascii => DrawnShape::Square,
    };
    let corners = [
        (rect.top, rect.right, Corner::TopRight),
        (rect.bottom, rect.left, Corner::BottomLeft),
        (rect.bottom, rect.right, Corner::BottomRight),
    ];
    let corners_agree = charset == Charset::Ascii
        || corners.iter().all(|&(row, col, corner)| {
            corner_shape(charset, glyph(row, col), corner) == Some(shape)
        });
    let lines_agree = horizontal
        .iter()
        .all(|&ch| (ch == cylinder_line) == (shape == DrawnShape::Cylinder));
    if !(corners_agree && lines_agree) {
        problems.push(Problem::at(
            rect.top_left(),
            "this box mixes the corner and border glyphs of different shapes",
        ));
    }
    shape
}

// ---------------------------------------------------------------------------
// Lines

type NetworkId = usize;

/// What a cell is, once boxes are known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Space,
    Text,
    /// A line glyph or an arrowhead outside any border.
    Line,
    /// A cell of a box's border: `side` is `None` for a corner.
    Border {
        owner: BoxId,
        side: Option<Side>,
    },
}

/// The grid read as roles, with the lines' strokes joined into networks.
struct Canvas<'a> {
    grid: &'a Grid,
    charset: Charset,
    /// The line meaning of each cell's glyph, whatever its role.
    glyphs: Vec<Option<LineGlyph>>,
    roles: Vec<Role>,
    /// The innermost box whose inside holds the cell (borders excluded).
    inside: Vec<Option<BoxId>>,
    /// The directions each line cell or port points in.
    strokes: Vec<u8>,
    /// The strokes that meet a neighbour pointing back.
    matched: Vec<u8>,
    network: Vec<Option<NetworkId>>,
    network_count: usize,
    /// Cells a horizontal line passes under, with the networks passing.
    passed_under: BTreeMap<Pos, BTreeSet<NetworkId>>,
}

/// The strokes joined: which strokes met a neighbour, the sets of joined
/// cells, and the crossing cells a horizontal line passed under.
struct Joins {
    matched: Vec<u8>,
    sets: DisjointSets,
    /// (crossing cell, a cell of the line passing under it).
    passes: Vec<(usize, usize)>,
}

impl<'a> Canvas<'a> {
    fn read(
        grid: &'a Grid,
        charset: Charset,
        boxes: &Boxes,
        problems: &mut Vec<Problem>,
    ) -> Canvas<'a> {
        let glyphs = grid
            .cells
            .iter()
            .map(|cell| cell.glyph().and_then(|ch| line_glyph(charset, ch)))
            .collect();
        let (borders, inside) = paint_boxes(grid, boxes);
        let mut canvas = Canvas {
            grid,
            charset,
            glyphs,
            roles: Vec::new(),
            inside,
            strokes: Vec::new(),
            matched: Vec::new(),
            network: vec![None; grid.len()],
            network_count: 0,
            passed_under: BTreeMap::new(),
        };
        canvas.roles = canvas.initial_roles(&borders);
        let Joins {
            matched,
            sets,
            passes,
        } = canvas.join_until_settled();
        canvas.matched = matched;
        canvas.report_dangling(problems);
        canvas.number_networks(sets, passes);
        canvas
    }

    fn role(&self, pos: Pos) -> Role {
        self.roles[self.grid.index(pos)]
    }

    fn glyph(&self, pos: Pos) -> Option<LineGlyph> {
        self.glyphs[self.grid.index(pos)]
    }

    /// Each cell's role. In Unicode a line glyph is always a line. In ASCII
    /// the line characters are also ordinary punctuation, so a character is
    /// read as a line only when its whole word is made of line characters
    /// (`C++` and `(.NET)` stay text); `<` and `>` only when they sit just
    /// outside a box's side, where arrowheads go.
    fn initial_roles(&self, borders: &[Option<BorderCell>]) -> Vec<Role> {
        let mut roles: Vec<Role> = (0..self.grid.len())
            .map(|index| match borders[index] {
                Some((owner, side)) => Role::Border { owner, side },
                None => match self.grid.cells[index].glyph() {
                    None => Role::Text,
                    Some(' ') => Role::Space,
                    Some(_) if self.charset == Charset::Unicode && self.glyphs[index].is_some() => {
                        Role::Line
                    }
                    Some(_) => Role::Text,
                },
            })
            .collect();
        if self.charset == Charset::Ascii {
            self.mark_ascii_lines(&mut roles);
        }
        roles
    }

    fn mark_ascii_lines(&self, roles: &mut [Role]) {
        let width = self.grid.width;
        for row in 0..self.grid.height {
            let mut col = 0;
            while col < width {
                let word_start = col;
                while col < width && roles[row * width + col] == Role::Text {
                    col += 1;
                }
                let word = word_start..col;
                let all_line_chars = word.clone().all(|col| {
                    self.grid.cells[row * width + col]
                        .glyph()
                        .is_some_and(|ch| ASCII_LINE_CHARS.contains(ch))
                });
                if all_line_chars {
                    for col in word {
                        let pos = Pos { row, col };
                        let is_line = match self.grid.glyph(pos) {
                            Some('>') => self.beside_side(roles, pos, Dir::Right, Side::Left),
                            Some('<') => self.beside_side(roles, pos, Dir::Left, Side::Right),
                            _ => true,
                        };
                        if is_line {
                            roles[row * width + col] = Role::Line;
                        }
                    }
                }
                col = col.max(word_start + 1);
            }
        }
    }

    /// Whether the cell next to `pos` in `dir` is on the `side` border of a box.
    fn beside_side(&self, roles: &[Role], pos: Pos, dir: Dir, side: Side) -> bool {
        self.grid.step(pos, dir).is_some_and(|next| {
            matches!(roles[self.grid.index(next)], Role::Border { side: Some(found), .. } if found == side)
        })
    }

    /// The strokes a cell may have: a line's glyph strokes, or a port's
    /// strokes across its border.
    fn potential(&self, pos: Pos) -> u8 {
        let strokes = self.glyph(pos).map_or(0, |glyph| glyph.strokes);
        match self.role(pos) {
            Role::Line => strokes,
            Role::Border {
                side: Some(side), ..
            } => strokes & side.across(),
            _ => 0,
        }
    }

    /// A plain vertical line cell, which a horizontal line may pass under.
    fn is_pass_cell(&self, pos: Pos) -> bool {
        self.role(pos) == Role::Line
            && self
                .glyph(pos)
                .is_some_and(|glyph| !glyph.joins_any && glyph.strokes == VERTICAL)
    }

    /// The cell a horizontal line from `pos` going `dir` reaches after
    /// passing under the vertical lines next to it, if it passes any.
    fn beyond_crossings(&self, pos: Pos, dir: Dir) -> Option<(Pos, Vec<Pos>)> {
        let mut passed = Vec::new();
        let mut here = self.grid.step(pos, dir)?;
        while self.is_pass_cell(here) {
            passed.push(here);
            here = self.grid.step(here, dir)?;
        }
        (!passed.is_empty()).then_some((here, passed))
    }

    /// Whether the neighbour in `dir` could point back at `pos`. (A `+`
    /// never points into a crossing: the vertical line there does not point
    /// back, so only fixed horizontal glyphs pass under it.)
    fn reaches_back(&self, pos: Pos, dir: Dir) -> bool {
        self.grid
            .step(pos, dir)
            .is_some_and(|next| self.potential(next) & dir.opposite().bit() != 0)
    }

    /// The directions each cell points in. A fixed glyph points where its
    /// strokes go; an ASCII `+` points at every neighbour that could point
    /// back (another `+` included).
    fn compute_strokes(&self) -> Vec<u8> {
        let mut strokes: Vec<u8> = (0..self.grid.len())
            .map(|index| {
                let pos = self.grid.pos(index);
                let potential = self.potential(pos);
                if self.is_plus(index) {
                    dirs(potential)
                        .filter(|&dir| self.reaches_back(pos, dir))
                        .fold(0, |bits, dir| bits | dir.bit())
                } else {
                    potential
                }
            })
            .collect();
        let through = self.plus_strokes_under_crossings(&strokes);
        for (index, dir) in through {
            strokes[index] |= dir.bit();
        }
        strokes
    }

    fn is_plus(&self, index: usize) -> bool {
        self.glyphs[index].is_some_and(|glyph| glyph.joins_any)
    }

    /// A `+` points into a crossing beside it when the line beyond the
    /// crossing needs it to: when that line is a fixed glyph pointing back
    /// (`+|--`: otherwise the `--` would end under the crossing), or another
    /// `+` when that is how a line end goes on: both would otherwise be
    /// line ends (a line turning on both sides of the crossing), or one
    /// would and has no other `+` beyond a crossing to go on to (`-+|+`
    /// over a line going down: the `+` on the left is a branch). Two
    /// corners either side of a vertical line (`-+|+-`) stay two corners,
    /// and a line end between two crossings joins another line end rather
    /// than a corner.
    fn plus_strokes_under_crossings(&self, strokes: &[u8]) -> Vec<(usize, Dir)> {
        // The cell beyond the crossings next to a `+`, if the two could
        // point at each other under them.
        let beyond = |index: usize, dir: Dir| -> Option<usize> {
            let pos = self.grid.pos(index);
            if self.potential(pos) & dir.bit() == 0 {
                return None;
            }
            let (far, _) = self.beyond_crossings(pos, dir)?;
            (self.potential(far) & dir.opposite().bit() != 0).then(|| self.grid.index(far))
        };
        let sideways = [Dir::Left, Dir::Right];
        let pluses: Vec<usize> = (0..self.grid.len())
            .filter(|&index| self.is_plus(index))
            .collect();
        let mut found: Vec<(usize, Dir)> = pluses
            .iter()
            .flat_map(|&index| sideways.map(|dir| (index, dir)))
            .filter(|&(index, dir)| beyond(index, dir).is_some_and(|far| !self.is_plus(far)))
            .collect();
        // How many more lines a `+` needs not to be a line end, after the
        // fixed glyphs it joins under crossings.
        let missing = |index: usize| {
            let through = found.iter().filter(|&&(at, _)| at == index).count();
            2usize.saturating_sub(strokes[index].count_ones() as usize + through)
        };
        let plus_beyond =
            |index: usize, dir: Dir| beyond(index, dir).filter(|&far| self.is_plus(far));
        let forced = |index: usize| {
            let missing = missing(index);
            let choices = sideways
                .iter()
                .filter(|&&dir| plus_beyond(index, dir).is_some())
                .count();
            missing > 0 && choices <= missing
        };
        let mut between_pluses = Vec::new();
        for &index in &pluses {
            for dir in sideways {
                let Some(far) = plus_beyond(index, dir) else {
                    continue;
                };
                let both_end = missing(index) > 0 && missing(far) > 0;
                if both_end || forced(index) || forced(far) {
                    between_pluses.push((index, dir));
                }
            }
        }
        found.extend(between_pluses);
        found
    }

    /// Joins neighbouring cells that point at each other, and the two sides
    /// of a horizontal line that passes under a vertical one.
    fn join(&self, strokes: &[u8]) -> Joins {
        let mut joins = Joins {
            matched: vec![0; strokes.len()],
            sets: DisjointSets::new(strokes.len()),
            passes: Vec::new(),
        };
        for (index, &bits) in strokes.iter().enumerate() {
            let pos = self.grid.pos(index);
            for dir in dirs(bits) {
                let back = dir.opposite().bit();
                let Some(next) = self.grid.step(pos, dir) else {
                    continue;
                };
                let next_index = self.grid.index(next);
                if strokes[next_index] & back != 0 {
                    joins.sets.union(index, next_index);
                    joins.matched[index] |= dir.bit();
                    continue;
                }
                if !dir.is_horizontal() {
                    continue;
                }
                if let Some((far, passed)) = self.beyond_crossings(pos, dir) {
                    let far_index = self.grid.index(far);
                    if strokes[far_index] & back != 0 {
                        joins.sets.union(index, far_index);
                        joins.matched[index] |= dir.bit();
                        joins.passes.extend(
                            passed
                                .into_iter()
                                .map(|cell| (self.grid.index(cell), index)),
                        );
                    }
                }
            }
        }
        joins
    }

    /// Computes strokes and joins. In ASCII, a line character that joins
    /// nothing is punctuation after all (a lone `-` or `.` in a label), so it
    /// becomes text and the reading is repeated until nothing changes.
    fn join_until_settled(&mut self) -> Joins {
        let mut rounds = 1;
        loop {
            self.strokes = self.compute_strokes();
            let joins = self.join(&self.strokes);
            let lonely: Vec<usize> = (0..self.grid.len())
                .filter(|&index| {
                    self.charset == Charset::Ascii
                        && self.roles[index] == Role::Line
                        && joins.matched[index] == 0
                })
                .collect();
            // Each round settles what the last one unsettled: a crossing read
            // as text no longer joins the line passing under it. A few rounds
            // settle any diagram; the cap only bounds the work on noise.
            if lonely.is_empty() || rounds == MAX_SETTLING_ROUNDS {
                return joins;
            }
            for index in lonely {
                self.roles[index] = Role::Text;
            }
            rounds += 1;
        }
    }

    /// Reports every stroke that meets nothing pointing back: a line that
    /// ends without reaching a box.
    fn report_dangling(&self, problems: &mut Vec<Problem>) {
        for index in 0..self.grid.len() {
            let pos = self.grid.pos(index);
            let loose = self.strokes[index] & !self.matched[index];
            if let Some(dir) = dirs(loose).next() {
                let what = self.describe(self.grid.step(pos, dir));
                problems.push(Problem::at(
                    pos,
                    match self.role(pos) {
                        Role::Border { .. } => format!(
                            "a port on a box border leads nowhere: it points {} at {what}",
                            dir.name()
                        ),
                        _ => format!(
                            "a line ends without reaching a box: it points {} at {what}",
                            dir.name()
                        ),
                    },
                ));
                continue;
            }
            let is_plus = self.glyphs[index].is_some_and(|glyph| glyph.joins_any);
            let joined = self.matched[index].count_ones();
            match self.role(pos) {
                Role::Line if is_plus && joined == 1 => {
                    problems.push(Problem::at(pos, "a line ends here without reaching a box"));
                }
                Role::Border { side: Some(_), .. } if is_plus && joined == 0 => {
                    problems.push(Problem::at(pos, "a port on a box border has no line"));
                }
                _ => {}
            }
        }
    }

    /// What a line that points at `pos` meets there, for messages.
    fn describe(&self, pos: Option<Pos>) -> &'static str {
        let Some(pos) = pos else {
            return "the edge of the diagram";
        };
        match self.role(pos) {
            Role::Space => "empty space",
            Role::Text => "text",
            Role::Line => "a line that does not point back",
            Role::Border { side: None, .. } => "a box corner (lines never attach to corners)",
            Role::Border { .. } => "a box border with no port there",
        }
    }

    /// Numbers the sets of joined cells in reading order: these are the networks.
    fn number_networks(&mut self, mut sets: DisjointSets, passes: Vec<(usize, usize)>) {
        let mut ids: BTreeMap<usize, NetworkId> = BTreeMap::new();
        for index in 0..self.grid.len() {
            if self.matched[index] == 0 {
                continue;
            }
            let root = sets.find(index);
            let next = ids.len();
            self.network[index] = Some(*ids.entry(root).or_insert(next));
        }
        self.network_count = ids.len();
        for (cell, line) in passes {
            if let Some(network) = self.network[line] {
                self.passed_under
                    .entry(self.grid.pos(cell))
                    .or_default()
                    .insert(network);
            }
        }
    }
}

/// A cell of a box's border: the box, and its side (`None` at a corner).
type BorderCell = (BoxId, Option<Side>);

/// Marks which cells are borders (with their box and side) and which box's
/// inside holds each other cell. Bigger boxes are painted first, so the
/// innermost box wins.
fn paint_boxes(grid: &Grid, boxes: &Boxes) -> (Vec<Option<BorderCell>>, Vec<Option<BoxId>>) {
    let mut borders = vec![None; grid.len()];
    let mut inside = vec![None; grid.len()];
    let mut order: Vec<BoxId> = (0..boxes.list.len()).collect();
    order.sort_by_key(|&id| std::cmp::Reverse(boxes.rect(id).area()));
    for id in order {
        let rect = boxes.rect(id);
        for row in rect.top..=rect.bottom {
            for col in rect.left..=rect.right {
                let index = row * grid.width + col;
                let on_top_or_bottom = row == rect.top || row == rect.bottom;
                let on_side = col == rect.left || col == rect.right;
                let side = if on_top_or_bottom && on_side {
                    None
                } else if row == rect.top {
                    Some(Side::Top)
                } else if row == rect.bottom {
                    Some(Side::Bottom)
                } else if col == rect.left {
                    Some(Side::Left)
                } else {
                    Some(Side::Right)
                };
                if on_top_or_bottom || on_side {
                    borders[index] = Some((id, side));
                } else {
                    inside[index] = Some(id);
                    borders[index] = None;
                }
            }
        }
    }
    (borders, inside)
}

/// Union-find over cell indices, for joining line cells into networks.
struct DisjointSets {
    parent: Vec<usize>,
}

impl DisjointSets {
    fn new(len: usize) -> DisjointSets {
        DisjointSets {
            parent: (0..len).collect(),
        }
    }

    fn find(&mut self, mut item: usize) -> usize {
        while self.parent[item] != item {
            self.parent[item] = self.parent[self.parent[item]];
            item = self.parent[item];
        }
        item
    }

    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        // The smaller index becomes the root, so roots do not depend on the
        // order of unions.
        if a < b {
            self.parent[b] = a;
        } else {
            self.parent[a] = b;
        }
    }
}

/// A network: joined line cells, the boxes they attach to, and their label.
struct Network {
    /// Its first cell in reading order, to say where it is.
    first: Pos,
    ends: Vec<End>,
    /// The first cell seen of each style (solid, dashed, thick).
    styles: [Option<Pos>; 3],
    label: Option<Label>,
}

/// Where a network attaches to a box.
#[derive(Clone, Copy, Debug)]
struct End {
    box_id: BoxId,
    arrowhead: bool,
}

struct Label {
    text: String,
    pos: Pos,
}

fn style_index(style: EdgeStyle) -> usize {
    match style {
        EdgeStyle::Solid => 0,
        EdgeStyle::Dashed => 1,
        EdgeStyle::Thick => 2,
    }
}

const STYLES: [EdgeStyle; 3] = [EdgeStyle::Solid, EdgeStyle::Dashed, EdgeStyle::Thick];

fn style_name(style: EdgeStyle) -> &'static str {
    match style {
        EdgeStyle::Solid => "solid",
        EdgeStyle::Dashed => "dashed",
        EdgeStyle::Thick => "thick",
    }
}

impl Network {
    /// The one style its glyphs show, if they show exactly one.
    fn style(&self) -> Option<EdgeStyle> {
        let mut seen = STYLES
            .into_iter()
            .filter(|&style| self.styles[style_index(style)].is_some());
        let style = seen.next()?;
        seen.next().is_none().then_some(style)
    }

    /// The distinct boxes it attaches to, with whether any of its ends at
    /// that box carries an arrowhead.
    fn boxes(&self) -> BTreeMap<BoxId, bool> {
        let mut boxes: BTreeMap<BoxId, bool> = BTreeMap::new();
        for end in &self.ends {
            *boxes.entry(end.box_id).or_default() |= end.arrowhead;
        }
        boxes
    }
}

/// Reads each network's ends, crossings and style, and reports arrowheads
/// and ports in the wrong place, networks that reach fewer than two boxes,
/// lines inside boxes they have no business in, and mixed styles.
fn read_networks(
    canvas: &Canvas,
    boxes: &Boxes,
    texts: &Texts,
    problems: &mut Vec<Problem>,
) -> Vec<Network> {
    let grid = canvas.grid;
    let mut networks: Vec<Network> = Vec::with_capacity(canvas.network_count);
    // The first cell where each network is inside, or crosses into, a box.
    let mut entered: BTreeMap<(NetworkId, BoxId), Pos> = BTreeMap::new();
    for index in 0..grid.len() {
        let Some(id) = canvas.network[index] else {
            continue;
        };
        let pos = grid.pos(index);
        if id == networks.len() {
            networks.push(Network {
                first: pos,
                ends: Vec::new(),
                styles: [None; 3],
                label: None,
            });
        }
        let network = &mut networks[id];
        let strokes = canvas.strokes[index];
        let Some(glyph) = canvas.glyphs[index] else {
            continue;
        };
        match canvas.roles[index] {
            Role::Border {
                owner,
                side: Some(side),
            } => match read_port(glyph, strokes, side) {
                Port::End { arrowhead } => network.ends.push(End {
                    box_id: owner,
                    arrowhead,
                }),
                Port::Crossing => {
                    entered.entry((id, owner)).or_insert(pos);
                }
                Port::Wrong(message) => problems.push(Problem::at(
                    pos,
                    format!(
                        "{message} on the {} border of {}",
                        side.name(),
                        texts.box_names[owner]
                    ),
                )),
            },
            Role::Line => {
                if let Some(style) = glyph.style {
                    network.styles[style_index(style)].get_or_insert(pos);
                }
                if let Some(owner) = canvas.inside[index] {
                    entered.entry((id, owner)).or_insert(pos);
                }
                if glyph.arrowhead {
                    match arrowhead_target(canvas, pos, strokes) {
                        Ok(box_id) => network.ends.push(End {
                            box_id,
                            arrowhead: true,
                        }),
                        Err(message) => problems.push(Problem::at(pos, message)),
                    }
                }
            }
            _ => {}
        }
    }
    for (id, network) in networks.iter().enumerate() {
        check_network(network, texts, problems);
        for (&(_, box_id), &pos) in entered.range((id, 0)..(id + 1, 0)) {
            let ends_inside = network
                .ends
                .iter()
                .any(|end| boxes.is_inside(end.box_id, box_id));
            if !ends_inside {
                problems.push(Problem::at(
                    pos,
                    format!(
                        "a line runs into {} but none of its ends is inside it",
                        texts.box_names[box_id]
                    ),
                ));
            }
        }
    }
    networks
}

/// How a port glyph on a border reads.
enum Port {
    /// The network ends at this box, with or without an arrowhead.
    End {
        arrowhead: bool,
    },
    /// The line passes through the border (`┼`): the box is not an end.
    Crossing,
    Wrong(String),
}

fn read_port(glyph: LineGlyph, strokes: u8, side: Side) -> Port {
    let outward = side.outward().bit();
    let inward = side.outward().opposite().bit();
    match (
        glyph.arrowhead,
        strokes & outward != 0,
        strokes & inward != 0,
    ) {
        (true, true, _) => Port::End { arrowhead: true },
        (true, false, _) => Port::Wrong("an arrowhead points out of its box".to_owned()),
        (false, true, true) => Port::Crossing,
        (false, true, false) => Port::End { arrowhead: false },
        (false, false, _) => Port::Wrong("a line meets the border from inside".to_owned()),
    }
}

/// The box an arrowhead outside any border points into: `▶` just left of a
/// left border, `◀` just right of a right border.
fn arrowhead_target(canvas: &Canvas, pos: Pos, strokes: u8) -> Result<BoxId, String> {
    let (toward, side) = match strokes {
        LEFT => (Dir::Right, Side::Left),
        RIGHT => (Dir::Left, Side::Right),
        _ => {
            return Err("an arrowhead that is not on a box border; \
                 `▼` and `▲` replace a cell of a top or bottom border"
                .to_owned());
        }
    };
    match canvas.grid.step(pos, toward).map(|next| canvas.role(next)) {
        Some(Role::Border {
            owner,
            side: Some(found),
        }) if found == side => Ok(owner),
        _ => Err(format!(
            "an arrowhead that does not point at a box: it should sit just outside a {} border",
            side.name()
        )),
    }
}

fn check_network(network: &Network, texts: &Texts, problems: &mut Vec<Problem>) {
    let attached = network.boxes();
    match attached.keys().next() {
        None => problems.push(Problem::at(network.first, "a line that attaches to no box")),
        Some(&only) if attached.len() == 1 => problems.push(Problem::at(
            network.first,
            format!(
                "a line from {} that reaches no other box",
                texts.box_names[only]
            ),
        )),
        _ => {}
    }
    let seen: Vec<(EdgeStyle, Pos)> = STYLES
        .into_iter()
        .filter_map(|style| network.styles[style_index(style)].map(|pos| (style, pos)))
        .collect();
    if let [(first, first_pos), (second, second_pos), ..] = seen[..] {
        problems.push(Problem::at(
            second_pos,
            format!(
                "this {} glyph belongs to a line drawn {} at {first_pos}; a line keeps one style",
                style_name(second),
                style_name(first)
            ),
        ));
    }
}

// ---------------------------------------------------------------------------
// Text

/// Words on one row separated by single spaces: one line of a box's text,
/// or an edge label.
struct TextRun {
    row: usize,
    start: usize,
    /// One past its last cell.
    end: usize,
    text: String,
    /// The innermost box whose inside holds it.
    owner: Option<BoxId>,
}

/// Reads every run of text, and reports text touching a line or a border.
fn text_runs(grid: &Grid, canvas: &Canvas, problems: &mut Vec<Problem>) -> Vec<TextRun> {
    let mut runs: Vec<TextRun> = Vec::new();
    for row in 0..grid.height {
        let mut current: Option<TextRun> = None;
        for col in 0..grid.width {
            let pos = Pos { row, col };
            match canvas.role(pos) {
                Role::Text => {
                    let mut run = match current.take() {
                        // Contiguous, or one space after the run: the same run.
                        Some(mut run) if col <= run.end + 1 => {
                            if col == run.end + 1 {
                                run.text.push(' ');
                            }
                            run
                        }
                        finished => {
                            runs.extend(finished);
                            TextRun {
                                row,
                                start: col,
                                end: col,
                                text: String::new(),
                                owner: canvas.inside[grid.index(pos)],
                            }
                        }
                    };
                    grid.push_cell_text(pos, &mut run.text);
                    run.end = col + 1;
                    current = Some(run);
                }
                // A second space ends a run.
                Role::Space if current.as_ref().is_some_and(|run| col > run.end) => {
                    runs.extend(current.take());
                }
                Role::Space => {}
                Role::Line | Role::Border { .. } => runs.extend(current.take()),
            }
        }
        runs.extend(current);
    }
    for run in &mut runs {
        run.text = collapse(&run.text);
        report_touching(grid, canvas, run, problems);
    }
    runs
}

/// Text never touches a line or a border on its left or right.
fn report_touching(grid: &Grid, canvas: &Canvas, run: &TextRun, problems: &mut Vec<Problem>) {
    let row = run.row;
    let before = run.start.checked_sub(1).map(|col| Pos { row, col });
    let after = (run.end < grid.width).then_some(Pos { row, col: run.end });
    for pos in [before, after].into_iter().flatten() {
        let what = match canvas.role(pos) {
            Role::Line => "a line",
            Role::Border { .. } => "a box border",
            _ => continue,
        };
        problems.push(Problem::at(
            Pos {
                row,
                col: run.start,
            },
            format!(
                "the text \"{}\" touches {what}; leave a space between",
                run.text
            ),
        ));
    }
}

/// Reads each box's lines of text: all of a box with no boxes inside, or,
/// for a container, its title block (the rows from its top border down to
/// the first empty row or the first row with a box inside). Returns the
/// lines per box and which runs they used; the other runs are edge labels.
fn read_box_lines(
    boxes: &Boxes,
    runs: &[TextRun],
    problems: &mut Vec<Problem>,
) -> (Vec<Vec<String>>, Vec<bool>) {
    // The runs inside each box (not inside its children), row by row.
    let mut runs_by_box: BTreeMap<BoxId, BTreeMap<usize, Vec<usize>>> = BTreeMap::new();
    for (index, run) in runs.iter().enumerate() {
        if let Some(owner) = run.owner {
            let rows = runs_by_box.entry(owner).or_default();
            rows.entry(run.row).or_default().push(index);
        }
    }
    let no_runs = BTreeMap::new();
    let mut is_box_text = vec![false; runs.len()];
    let mut all_lines = Vec::with_capacity(boxes.list.len());
    for (id, drawn) in boxes.list.iter().enumerate() {
        let rect = drawn.rect;
        let own_rows = runs_by_box.get(&id).unwrap_or(&no_runs);
        let row_text = |row: usize| -> String {
            let words: Vec<&str> = own_rows
                .get(&row)
                .into_iter()
                .flatten()
                .map(|&index| runs[index].text.as_str())
                .collect();
            words.join(" ")
        };
        let first_child_row = drawn
            .children
            .iter()
            .map(|&child| boxes.rect(child).top)
            .min()
            .unwrap_or(rect.bottom);
        let rows: Vec<(usize, String)> = (rect.top + 1..first_child_row)
            .map(|row| (row, row_text(row)))
            .collect();
        let Some(first) = rows.iter().position(|(_, text)| !text.is_empty()) else {
            all_lines.push(Vec::new());
            continue;
        };
        let last = if drawn.children.is_empty() {
            rows.iter()
                .rposition(|(_, text)| !text.is_empty())
                .unwrap_or(first)
        } else {
            rows[first..]
                .iter()
                .position(|(_, text)| text.is_empty())
                .map_or(rows.len() - 1, |blank| first + blank - 1)
        };
        if first > 0 {
            problems.push(Problem::at(
                Pos {
                    row: rows[first].0,
                    col: rect.left,
                },
                "the box's text should start on the row just under its top border",
            ));
        }
        for (_, indices) in own_rows.range(rows[first].0..=rows[last].0) {
            for &index in indices {
                is_box_text[index] = true;
            }
        }
        all_lines.push(
            rows[first..=last]
                .iter()
                .map(|(_, text)| text.clone())
                .collect(),
        );
    }
    (all_lines, is_box_text)
}

/// Attaches each run of text outside the boxes' own text to the network it
/// labels: beside a vertical line cell (starting two columns right of it,
/// or ending two columns left of it), or on the row just above a run of the
/// network's horizontal cells.
fn attach_labels(
    canvas: &Canvas,
    networks: &mut [Network],
    runs: &[TextRun],
    is_box_text: &[bool],
    problems: &mut Vec<Problem>,
) {
    // The last label attached, to continue a label whose words are more than
    // one space apart.
    let mut previous: Option<(usize, usize, NetworkId)> = None;
    for (index, run) in runs.iter().enumerate() {
        if is_box_text[index] {
            continue;
        }
        let pos = Pos {
            row: run.row,
            col: run.start,
        };
        let beside: BTreeSet<NetworkId> =
            vertical_network_at(canvas, run.row, run.start.checked_sub(2))
                .into_iter()
                .chain(vertical_network_at(canvas, run.row, Some(run.end + 1)))
                .chain(network_below(canvas, run))
                .collect();
        let continues = previous.filter(|&(row, end, _)| {
            row == run.row
                && (end..run.start).all(|col| canvas.role(Pos { row, col }) == Role::Space)
        });
        match (beside.len(), continues) {
            (1, _) => {
                let Some(&id) = beside.first() else { continue };
                let network = &mut networks[id];
                if let Some(label) = &network.label {
                    problems.push(Problem::at(
                        pos,
                        format!(
                            "the label \"{}\" is a second label on the line labelled \"{}\" at {}",
                            run.text, label.text, label.pos
                        ),
                    ));
                } else {
                    network.label = Some(Label {
                        text: run.text.clone(),
                        pos,
                    });
                }
                previous = Some((run.row, run.end, id));
            }
            (0, Some((_, _, id))) => {
                if let Some(label) = &mut networks[id].label {
                    label.text = format!("{} {}", label.text, run.text);
                }
                previous = Some((run.row, run.end, id));
            }
            (0, None) => problems.push(Problem::at(
                pos,
                format!(
                    "the text \"{}\" is neither inside a box's text nor beside a line",
                    run.text
                ),
            )),
            _ => problems.push(Problem::at(
                pos,
                format!(
                    "the label \"{}\" is beside two lines and could label either",
                    run.text
                ),
            )),
        }
    }
}

/// The network of a vertical line cell on the run's row at `col`, if any:
/// two columns before the run (a label right of its line) or two after its
/// last column (a label left of its line).
fn vertical_network_at(canvas: &Canvas, row: usize, col: Option<usize>) -> Option<NetworkId> {
    let pos = Pos { row, col: col? };
    if pos.col >= canvas.grid.width {
        return None;
    }
    let index = canvas.grid.index(pos);
    let is_vertical = canvas.strokes[index] & VERTICAL == VERTICAL;
    (canvas.role(pos) == Role::Line && is_vertical)
        .then_some(canvas.network[index])
        .flatten()
}

/// The network whose horizontal cells run under every column of the run on
/// the next row (passing under a crossing counts).
fn network_below(canvas: &Canvas, run: &TextRun) -> Option<NetworkId> {
    let row = run.row + 1;
    if row >= canvas.grid.height {
        return None;
    }
    let mut common: Option<BTreeSet<NetworkId>> = None;
    for col in run.start..run.end {
        let pos = Pos { row, col };
        let index = canvas.grid.index(pos);
        let mut here: BTreeSet<NetworkId> =
            canvas.passed_under.get(&pos).cloned().unwrap_or_default();
        if canvas.strokes[index] & HORIZONTAL != 0 {
            here.extend(canvas.network[index]);
        }
        let narrowed: BTreeSet<NetworkId> = match common {
            Some(common) => common.intersection(&here).copied().collect(),
            None => here,
        };
        if narrowed.is_empty() {
            return None;
        }
        common = Some(narrowed);
    }
    common.and_then(|common| common.first().copied())
}

// ---------------------------------------------------------------------------
// Meaning: edges, nodes, and the comparison

/// An edge as a reader sees it in a network.
struct ReadEdge {
    from: BoxId,
    to: BoxId,
    heads: Heads,
    network: NetworkId,
}

/// Reads each network as edges: every box it attaches to without an
/// arrowhead to every box with one; with no arrowheads, every pair
/// undirected; with arrowheads everywhere, every pair two-way.
fn read_edges(networks: &[Network]) -> Vec<ReadEdge> {
    let mut edges = Vec::new();
    for (network, drawn) in networks.iter().enumerate() {
        let attached = drawn.boxes();
        let with_head = |head: bool| -> Vec<BoxId> {
            let ends = attached
                .iter()
                .filter(move |&(_, &has_head)| has_head == head);
            ends.map(|(&id, _)| id).collect()
        };
        let (heads, tails) = (with_head(true), with_head(false));
        let read: Vec<(BoxId, BoxId, Heads)> = if heads.is_empty() {
            pairs_within(&tails, Heads::None)
        } else if tails.is_empty() {
            pairs_within(&heads, Heads::Both)
        } else {
            tails
                .iter()
                .flat_map(|&from| heads.iter().map(move |&to| (from, to, Heads::Forward)))
                .collect()
        };
        edges.extend(read.into_iter().map(|(from, to, heads)| ReadEdge {
            from,
            to,
            heads,
            network,
        }));
    }
    edges
}

/// Every pair of distinct boxes in `ids`, joined by edges with `heads`.
fn pairs_within(ids: &[BoxId], heads: Heads) -> Vec<(BoxId, BoxId, Heads)> {
    ids.iter()
        .enumerate()
        .flat_map(|(position, &from)| ids[position + 1..].iter().map(move |&to| (from, to, heads)))
        .collect()
}

/// A model edge with its label as a reader compares it.
struct ModelEdge {
    from: NodeId,
    to: NodeId,
    heads: Heads,
    label: Option<String>,
    style: EdgeStyle,
}

fn model_edges(model: &Model) -> Vec<ModelEdge> {
    model
        .edges()
        .into_iter()
        .map(|flow| ModelEdge {
            from: flow.from,
            to: flow.to,
            heads: flow.edge.heads,
            label: flow.edge.label.as_deref().map(collapse),
            style: flow.edge.style,
        })
        .collect()
}

/// An edge as compared: its ends (ordered only for `->`), heads and label.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct EdgeKey {
    from: NodeId,
    to: NodeId,
    heads: u8,
    label: Option<String>,
}

impl EdgeKey {
    fn new(from: NodeId, to: NodeId, heads: Heads, label: Option<String>) -> EdgeKey {
        let (from, to) = match heads {
            Heads::Forward => (from, to),
            Heads::Both | Heads::None => (from.min(to), from.max(to)),
        };
        let heads = match heads {
            Heads::Forward => 0,
            Heads::Both => 1,
            Heads::None => 2,
        };
        EdgeKey {
            from,
            to,
            heads,
            label,
        }
    }
}

fn arrow(heads: Heads) -> &'static str {
    match heads {
        Heads::Forward => "->",
        Heads::Both => "<->",
        Heads::None => "--",
    }
}

/// The text each node should show, each box's text, and names for messages.
struct Texts {
    node_lines: BTreeMap<NodeId, Vec<String>>,
    /// A node's text and its children's, recursively: equal signatures mean
    /// interchangeable subtrees.
    node_signature: BTreeMap<NodeId, String>,
    box_lines: Vec<Vec<String>>,
    box_signature: Vec<String>,
    box_names: Vec<String>,
}

impl Texts {
    fn new(model: &Model, boxes: &Boxes, box_lines: Vec<Vec<String>>) -> Texts {
        let node_lines: BTreeMap<NodeId, Vec<String>> = model
            .nodes()
            .map(|id| {
                let node = model.node(id);
                let label = node.label.iter().map(|line| collapse(line));
                let bullets = node
                    .bullets
                    .iter()
                    .map(|line| collapse(&format!("- {line}")));
                (id, label.chain(bullets).collect())
            })
            .collect();
        let mut node_signature = BTreeMap::new();
        for root in model.roots() {
            node_signature_of(model, root, &node_lines, &mut node_signature);
        }
        // Children are smaller than their parents, so going by area reaches
        // every child before its parent, without recursion.
        let mut by_area: Vec<BoxId> = (0..boxes.list.len()).collect();
        by_area.sort_by_key(|&id| boxes.rect(id).area());
        let mut box_signature = vec![String::new(); boxes.list.len()];
        for id in by_area {
            let children = boxes.list[id]
                .children
                .iter()
                .map(|&child| box_signature[child].clone())
                .collect();
            box_signature[id] = signature(&box_lines[id], children);
        }
        let box_names = boxes
            .list
            .iter()
            .zip(&box_lines)
            .map(|(drawn, lines)| match lines.first() {
                Some(first) => format!("the box \"{first}\" at {}", drawn.rect.top_left()),
                None => format!("the box at {}", drawn.rect.top_left()),
            })
            .collect();
        Texts {
            node_lines,
            node_signature,
            box_lines,
            box_signature,
            box_names,
        }
    }
}

/// Model nesting is at most 100 deep, so this recursion is bounded.
fn node_signature_of(
    model: &Model,
    node: NodeId,
    lines: &BTreeMap<NodeId, Vec<String>>,
    out: &mut BTreeMap<NodeId, String>,
) -> String {
    let children = model
        .children(node)
        .into_iter()
        .map(|child| node_signature_of(model, child, lines, out))
        .collect();
    let text = signature(lines.get(&node).map_or(&[][..], Vec::as_slice), children);
    out.insert(node, text.clone());
    text
}

fn signature(lines: &[String], mut children: Vec<String>) -> String {
    // Control characters never reach a label or the grid, so they separate safely.
    children.sort();
    format!(
        "{}\u{1}{}\u{2}",
        lines.join("\u{3}"),
        children.join("\u{4}")
    )
}

/// Which box draws which node.
#[derive(Clone, Default)]
struct Matching {
    box_of: BTreeMap<NodeId, BoxId>,
    node_of: BTreeMap<BoxId, NodeId>,
    /// Groups of sibling nodes whose boxes are interchangeable by text and
    /// nesting; only the edges can tell them apart.
    ambiguous: Vec<Vec<NodeId>>,
    problems: Vec<Problem>,
}

/// Matches nodes to boxes, given an order to try for each ambiguous group.
struct Matcher<'a> {
    model: &'a Model,
    boxes: &'a Boxes,
    texts: &'a Texts,
    choices: &'a BTreeMap<Vec<NodeId>, usize>,
    result: Matching,
}

impl<'a> Matcher<'a> {
    fn run(mut self) -> Matching {
        self.match_children(None, None);
        self.place_misplaced();
        self.pair_leftovers_in_place();
        self.report_unmatched();
        self.result
    }

    fn claim(&mut self, node: NodeId, box_id: BoxId) {
        self.result.box_of.insert(node, box_id);
        self.result.node_of.insert(box_id, node);
    }

    fn is_claimed(&self, box_id: BoxId) -> bool {
        self.result.node_of.contains_key(&box_id)
    }

    fn child_nodes(&self, parent: Option<NodeId>) -> Vec<NodeId> {
        match parent {
            Some(parent) => self.model.children(parent),
            None => self.model.roots(),
        }
    }

    fn child_boxes(&self, parent: Option<BoxId>) -> &'a [BoxId] {
        match parent {
            Some(parent) => &self.boxes.list[parent].children,
            None => &self.boxes.top_level,
        }
    }

    /// Matches the children of a node to the boxes inside its box: first
    /// whole subtrees by signature, then what is left by text alone.
    fn match_children(&mut self, parent: Option<NodeId>, parent_box: Option<BoxId>) {
        let texts = self.texts;
        let no_lines: &[String] = &[];
        let by_signature = self.pair_by_key(
            parent,
            parent_box,
            |node| texts.node_signature.get(&node).map_or("", String::as_str),
            |id| texts.box_signature[id].as_str(),
            true,
        );
        let by_text = self.pair_by_key(
            parent,
            parent_box,
            |node| texts.node_lines.get(&node).map_or(no_lines, Vec::as_slice),
            |id| texts.box_lines[id].as_slice(),
            false,
        );
        for (node, box_id) in by_signature.into_iter().chain(by_text) {
            self.match_children(Some(node), Some(box_id));
        }
    }

    /// Pairs the unmatched children of `parent` with the unclaimed boxes
    /// inside `parent_box` whose keys are equal, in source and reading order;
    /// for a group of several alike, in the order chosen for that group.
    fn pair_by_key<K: Ord>(
        &mut self,
        parent: Option<NodeId>,
        parent_box: Option<BoxId>,
        node_key: impl Fn(NodeId) -> K,
        box_key: impl Fn(BoxId) -> K,
        may_reorder: bool,
    ) -> Vec<(NodeId, BoxId)> {
        let mut boxes_by_key: BTreeMap<K, Vec<BoxId>> = BTreeMap::new();
        for &id in self.child_boxes(parent_box) {
            if !self.is_claimed(id) {
                boxes_by_key.entry(box_key(id)).or_default().push(id);
            }
        }
        let mut nodes_by_key: BTreeMap<K, Vec<NodeId>> = BTreeMap::new();
        for node in self.child_nodes(parent) {
            if !self.result.box_of.contains_key(&node) {
                nodes_by_key.entry(node_key(node)).or_default().push(node);
            }
        }
        let mut pairs = Vec::new();
        for (key, group_nodes) in nodes_by_key {
            let Some(group_boxes) = boxes_by_key.get(&key) else {
                continue;
            };
            let count = group_nodes.len().min(group_boxes.len());
            let group: Vec<NodeId> = group_nodes[..count].to_vec();
            let mut chosen: Vec<BoxId> = group_boxes[..count].to_vec();
            if may_reorder && count >= 2 {
                if let Some(&choice) = self.choices.get(&group) {
                    chosen = nth_permutation(&chosen, choice);
                }
                self.result.ambiguous.push(group.clone());
            }
            for (node, box_id) in group.into_iter().zip(chosen) {
                self.claim(node, box_id);
                pairs.push((node, box_id));
            }
        }
        pairs
    }

    /// The box a node's box should be inside: `Some(None)` for a top-level
    /// node, `None` when its parent is not drawn.
    fn expected_parent_box(&self, node: NodeId) -> Option<Option<BoxId>> {
        match self.model.parent(node) {
            None => Some(None),
            Some(parent) => self.result.box_of.get(&parent).map(|&id| Some(id)),
        }
    }

    /// Finds nodes drawn somewhere other than inside their parent's box.
    fn place_misplaced(&mut self) {
        let texts = self.texts;
        for node in self.model.nodes() {
            if self.result.box_of.contains_key(&node) {
                continue;
            }
            let unclaimed = |id: &BoxId| !self.is_claimed(*id);
            let lines = texts.node_lines.get(&node);
            let signature = texts.node_signature.get(&node);
            let found = (0..self.boxes.list.len())
                .filter(unclaimed)
                .find(|&id| Some(&texts.box_signature[id]) == signature)
                .or_else(|| {
                    (0..self.boxes.list.len())
                        .filter(unclaimed)
                        .find(|&id| Some(&texts.box_lines[id]) == lines)
                });
            let Some(box_id) = found else {
                continue;
            };
            self.claim(node, box_id);
            let drawn_in = self.boxes.list[box_id].parent;
            if let Some(expected) = self.expected_parent_box(node)
                && expected != drawn_in
            {
                let id = &self.model.node(node).id;
                let place = match self.model.parent(node) {
                    Some(parent) => format!(
                        "inside the box of its parent `{}`",
                        self.model.node(parent).id
                    ),
                    None => "at the top level, outside every box".to_owned(),
                };
                self.result.problems.push(Problem::at(
                    self.boxes.rect(box_id).top_left(),
                    format!("node `{id}` is drawn here, but it belongs {place}"),
                ));
            }
            self.match_children(Some(node), Some(box_id));
        }
    }

    /// Pairs nodes still unmatched with unclaimed boxes where they belong,
    /// reporting the difference in text: a box that reads wrong is more
    /// likely the node's box than a missing node and a stray box.
    fn pair_leftovers_in_place(&mut self) {
        for node in self.model.nodes() {
            if self.result.box_of.contains_key(&node) {
                continue;
            }
            let Some(expected) = self.expected_parent_box(node) else {
                continue;
            };
            let Some(&box_id) = self
                .child_boxes(expected)
                .iter()
                .find(|&&id| !self.is_claimed(id))
            else {
                continue;
            };
            self.claim(node, box_id);
            let wanted = self
                .texts
                .node_lines
                .get(&node)
                .map(|lines| lines.join(" / "))
                .unwrap_or_default();
            self.result.problems.push(Problem::at(
                self.boxes.rect(box_id).top_left(),
                format!(
                    "this box reads \"{}\", but node `{}` should read \"{wanted}\"",
                    self.texts.box_lines[box_id].join(" / "),
                    self.model.node(node).id
                ),
            ));
            self.match_children(Some(node), Some(box_id));
        }
    }

    fn report_unmatched(&mut self) {
        for node in self.model.nodes() {
            if !self.result.box_of.contains_key(&node) {
                let drawn = self.model.node(node);
                self.result.problems.push(Problem(format!(
                    "node `{}` (\"{}\") is not drawn",
                    drawn.id,
                    drawn.label.join(" / ")
                )));
            }
        }
        for box_id in 0..self.boxes.list.len() {
            if self.is_claimed(box_id) {
                continue;
            }
            let lines = &self.texts.box_lines[box_id];
            let twin = self
                .result
                .box_of
                .iter()
                .find(|&(node, _)| self.texts.node_lines.get(node) == Some(lines));
            let message = match twin {
                Some((node, &other)) => format!(
                    "node `{}` is drawn a second time here (it is already drawn at {})",
                    self.model.node(*node).id,
                    self.boxes.rect(other).top_left()
                ),
                None => format!(
                    "this box reads \"{}\", which is no node of the model",
                    lines.join(" / ")
                ),
            };
            self.result
                .problems
                .push(Problem::at(self.boxes.rect(box_id).top_left(), message));
        }
    }
}

/// The `n`-th ordering of `items` (in the factorial number system).
fn nth_permutation<T: Copy>(items: &[T], mut n: usize) -> Vec<T> {
    let mut pool = items.to_vec();
    let mut out = Vec::with_capacity(items.len());
    while !pool.is_empty() {
        let block = factorial(pool.len() - 1);
        let pick = (n / block).min(pool.len() - 1);
        n %= block;
        out.push(pool.remove(pick));
    }
    out
}

fn factorial(n: usize) -> usize {
    (1..=n).fold(1usize, |product, k| product.saturating_mul(k))
}

/// The result of comparing the model's edges with the edges read.
struct EdgeComparison {
    /// (model edge, read edge) pairs that agree exactly.
    agreeing: Vec<(usize, usize)>,
    missing: Vec<usize>,
    extra: Vec<usize>,
}

impl EdgeComparison {
    fn cost(&self) -> usize {
        self.missing.len() + self.extra.len()
    }
}

/// Everything the comparison needs.
struct Diagram<'a> {
    model: &'a Model,
    charset: Charset,
    boxes: &'a Boxes,
    texts: &'a Texts,
    networks: &'a [Network],
    read_edges: &'a [ReadEdge],
    model_edges: Vec<ModelEdge>,
}

impl Diagram<'_> {
    fn compare(&self, problems: &mut Vec<Problem>) {
        let matching = self.best_matching();
        problems.extend(matching.problems.iter().cloned());
        self.check_shapes(&matching, problems);
        let comparison = self.compare_edges(&matching);
        self.report_edges(&matching, comparison, problems);
    }

    fn match_with(&self, choices: &BTreeMap<Vec<NodeId>, usize>) -> Matching {
        Matcher {
            model: self.model,
            boxes: self.boxes,
            texts: self.texts,
            choices,
            result: Matching::default(),
        }
        .run()
    }

    /// Matches nodes to boxes. Where several sibling nodes look exactly
    /// alike, tries their orders (one group at a time, within a budget) and
    /// keeps the one whose edges agree best with the model.
    fn best_matching(&self) -> Matching {
        let mut choices: BTreeMap<Vec<NodeId>, usize> = BTreeMap::new();
        let mut best = self.match_with(&choices);
        let mut best_cost = self.compare_edges(&best).cost();
        let mut budget = MATCHING_BUDGET;
        let groups = best.ambiguous.clone();
        for group in groups {
            if best_cost == 0 {
                break;
            }
            let orders = factorial(group.len());
            if orders > budget {
                continue;
            }
            budget -= orders;
            let mut best_choice = 0;
            for choice in 1..orders {
                choices.insert(group.clone(), choice);
                let candidate = self.match_with(&choices);
                let cost = self.compare_edges(&candidate).cost();
                if cost < best_cost {
                    best = candidate;
                    best_cost = cost;
                    best_choice = choice;
                }
            }
            choices.insert(group, best_choice);
        }
        best
    }

    fn read_key(&self, matching: &Matching, edge: &ReadEdge) -> Option<EdgeKey> {
        let from = *matching.node_of.get(&edge.from)?;
        let to = *matching.node_of.get(&edge.to)?;
        let label = self.networks[edge.network]
            .label
            .as_ref()
            .map(|label| label.text.clone());
        Some(EdgeKey::new(from, to, edge.heads, label))
    }

    /// Compares the model's edges with the edges read, as multisets.
    fn compare_edges(&self, matching: &Matching) -> EdgeComparison {
        let mut unclaimed: BTreeMap<EdgeKey, Vec<usize>> = BTreeMap::new();
        let mut extra = Vec::new();
        for (index, edge) in self.read_edges.iter().enumerate() {
            match self.read_key(matching, edge) {
                Some(key) => unclaimed.entry(key).or_default().push(index),
                None => extra.push(index),
            }
        }
        let mut agreeing = Vec::new();
        let mut missing = Vec::new();
        for (index, edge) in self.model_edges.iter().enumerate() {
            let key = EdgeKey::new(edge.from, edge.to, edge.heads, edge.label.clone());
            // Among equal edges, take the drawn one with the same style.
            let claim = |found: &mut Vec<usize>| {
                let same_style = found.iter().position(|&read| {
                    self.networks[self.read_edges[read].network].style() == Some(edge.style)
                });
                match same_style {
                    Some(at) => Some(found.remove(at)),
                    None => found.pop(),
                }
            };
            match unclaimed.get_mut(&key).and_then(claim) {
                Some(read) => agreeing.push((index, read)),
                None => missing.push(index),
            }
        }
        extra.extend(unclaimed.into_values().flatten());
        extra.sort_unstable();
        EdgeComparison {
            agreeing,
            missing,
            extra,
        }
    }

    fn node_id(&self, node: NodeId) -> &str {
        &self.model.node(node).id
    }

    fn describe_model_edge(&self, edge: &ModelEdge) -> String {
        let label = edge
            .label
            .as_ref()
            .map(|label| format!(" : \"{label}\""))
            .unwrap_or_default();
        format!(
            "`{} {} {}{label}`",
            self.node_id(edge.from),
            arrow(edge.heads),
            self.node_id(edge.to)
        )
    }

    fn describe_read_edge(&self, matching: &Matching, edge: &ReadEdge) -> String {
        let end = |box_id: BoxId| match matching.node_of.get(&box_id) {
            Some(&node) => format!("`{}`", self.node_id(node)),
            None => self.texts.box_names[box_id].clone(),
        };
        let label = self.networks[edge.network]
            .label
            .as_ref()
            .map(|label| format!(" labelled \"{}\"", label.text))
            .unwrap_or_default();
        format!(
            "{} {} {}{label}",
            end(edge.from),
            arrow(edge.heads),
            end(edge.to)
        )
    }

    fn report_edges(
        &self,
        matching: &Matching,
        comparison: EdgeComparison,
        problems: &mut Vec<Problem>,
    ) {
        let mut styled: Vec<(usize, usize)> = comparison.agreeing;
        let mut extra = comparison.extra;
        for model_index in comparison.missing {
            let edge = &self.model_edges[model_index];
            let (Some(&from), Some(&to)) = (
                matching.box_of.get(&edge.from),
                matching.box_of.get(&edge.to),
            ) else {
                // A node that is not drawn is reported already.
                continue;
            };
            let same_boxes = extra.iter().position(|&read| {
                let drawn = &self.read_edges[read];
                (drawn.from, drawn.to) == (from, to) || (drawn.from, drawn.to) == (to, from)
            });
            match same_boxes {
                Some(position) => {
                    let read = extra.remove(position);
                    self.report_difference(matching, edge, &self.read_edges[read], problems);
                    styled.push((model_index, read));
                }
                None => problems.push(Problem(format!(
                    "the edge {} is not drawn",
                    self.describe_model_edge(edge)
                ))),
            }
        }
        for read in extra {
            let edge = &self.read_edges[read];
            problems.push(Problem::at(
                self.networks[edge.network].first,
                format!(
                    "this line reads as {}, which is not an edge of the model",
                    self.describe_read_edge(matching, edge)
                ),
            ));
        }
        self.check_styles(&styled, problems);
    }

    /// Says how a drawn edge between the right boxes differs from the model's.
    fn report_difference(
        &self,
        matching: &Matching,
        edge: &ModelEdge,
        read: &ReadEdge,
        problems: &mut Vec<Problem>,
    ) {
        let network = &self.networks[read.network];
        let read_key = self.read_key(matching, read);
        let model_key = EdgeKey::new(edge.from, edge.to, edge.heads, edge.label.clone());
        let heads_differ = read_key.as_ref().is_none_or(|key| {
            (key.from, key.to, key.heads) != (model_key.from, model_key.to, model_key.heads)
        });
        let message = if heads_differ {
            format!(
                "the edge {} is drawn as {}",
                self.describe_model_edge(edge),
                self.describe_read_edge(matching, read)
            )
        } else {
            match (&edge.label, &network.label) {
                (Some(wanted), Some(found)) => format!(
                    "the edge {} carries the label \"{}\" instead of \"{wanted}\"",
                    self.describe_model_edge(edge),
                    found.text
                ),
                (Some(wanted), None) => format!(
                    "the edge {} is drawn without its label \"{wanted}\"",
                    self.describe_model_edge(edge)
                ),
                (None, Some(found)) => format!(
                    "the edge {} carries the label \"{}\", which the model does not give it",
                    self.describe_model_edge(edge),
                    found.text
                ),
                (None, None) => format!(
                    "the edge {} is drawn differently",
                    self.describe_model_edge(edge)
                ),
            }
        };
        problems.push(Problem::at(network.first, message));
    }

    /// Each network's glyphs show the style of the model edges it draws.
    fn check_styles(&self, pairs: &[(usize, usize)], problems: &mut Vec<Problem>) {
        let mut reported = BTreeSet::new();
        for &(model_index, read) in pairs {
            let edge = &self.model_edges[model_index];
            let network_id = self.read_edges[read].network;
            let network = &self.networks[network_id];
            let Some(drawn) = network.style() else {
                continue;
            };
            if drawn != edge.style && reported.insert(network_id) {
                problems.push(Problem::at(
                    network.first,
                    format!(
                        "this line is drawn {}, but the edge {} is {}",
                        style_name(drawn),
                        self.describe_model_edge(edge),
                        style_name(edge.style)
                    ),
                ));
            }
        }
    }

    /// Each node's box has the node's shape (in ASCII only cylinders differ).
    fn check_shapes(&self, matching: &Matching, problems: &mut Vec<Problem>) {
        for (&node, &box_id) in &matching.box_of {
            let wanted = match (self.model.node(node).shape, self.charset) {
                (Shape::Cylinder, _) => DrawnShape::Cylinder,
                (_, Charset::Ascii) | (Shape::Box, _) => DrawnShape::Square,
                (Shape::Rounded | Shape::Person, Charset::Unicode) => DrawnShape::Rounded,
            };
            let drawn = self.boxes.list[box_id].shape;
            if drawn != wanted {
                problems.push(Problem::at(
                    self.boxes.rect(box_id).top_left(),
                    format!(
                        "node `{}` is drawn as {}, but its shape is {}",
                        self.node_id(node),
                        drawn.name(),
                        wanted.name()
                    ),
                ));
            }
        }
    }
}

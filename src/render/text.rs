//! The text renderer: a [`Layout`] as Unicode box-drawing or ASCII text.
//!
//! Reads a `Layout`; returns a `String`, one line a row, without trailing
//! spaces. Each cell records which directions lines leave it in (up, down,
//! left, right) and the style of each; glyphs are chosen last from a table
//! by that connectivity (as svgbob does), so junctions come out right
//! whatever order the lines were drawn in. A cell where two nets cross keeps
//! the vertical line only, so a crossing never looks like a junction. The
//! two charsets share everything but the table.

use unicode_width::UnicodeWidthChar;

use std::ops::Range;

use crate::layout::{Layout, Point, Side};
use crate::model::{EdgeStyle, Shape};

/// Which glyphs to draw with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charset {
    /// Box-drawing characters and arrowheads (`┌─┐ │ ┬ ▼`).
    Unicode,
    /// Plain ASCII (`+-| v >`).
    Ascii,
}

const UP: u8 = 1;
const DOWN: u8 = 2;
const LEFT: u8 = 4;
const RIGHT: u8 = 8;

/// The lines of one cell before glyphs are chosen. The canvas keeps it
/// packed in two bytes (see [`Cell::pack`]).
#[derive(Clone, Copy, Default)]
struct Cell {
    /// Directions lines or borders leave the cell in.
    bits: u8,
    /// The style of the vertical and of the horizontal strokes.
    vertical: Stroke,
    horizontal: Stroke,
    /// A box border runs through the cell (ports keep the border's style).
    border: Option<Shape>,
    crossed: bool,
    /// The second cell of a wide character.
    continuation: bool,
    /// A net's line runs through the cell.
    drawn: bool,
    /// Text or an arrowhead is written in the cell.
    written: bool,
}

impl Cell {
    const SHAPES: [Shape; 4] = [Shape::Box, Shape::Rounded, Shape::Cylinder, Shape::Person];
    const STROKES: [Stroke; 4] = [Stroke::Solid, Stroke::Dashed, Stroke::Thick, Stroke::Double];

    /// Bits 0-3 the directions, 4-5 and 6-7 the strokes, 8-10 the border's
    /// shape (0 for none), 11 crossed, 12 continuation, 13 drawn, 14
    /// written; zero is an empty cell.
    fn pack(self) -> u16 {
        let shape = self.border.map_or(0, |shape| {
            1 + Self::SHAPES
                .iter()
                .position(|&known| known == shape)
                .expect("every shape is listed") as u16
        });
        u16::from(self.bits)
            | (self.vertical as u16) << 4
            | (self.horizontal as u16) << 6
            | shape << 8
            | u16::from(self.crossed) << 11
            | u16::from(self.continuation) << 12
            | u16::from(self.drawn) << 13
            | u16::from(self.written) << 14
    }

    fn unpack(packed: u16) -> Cell {
        let shape = usize::from(packed >> 8 & 7);
        Cell {
            bits: (packed & 15) as u8,
            vertical: Self::STROKES[usize::from(packed >> 4 & 3)],
            horizontal: Self::STROKES[usize::from(packed >> 6 & 3)],
            border: shape.checked_sub(1).map(|index| Self::SHAPES[index]),
            crossed: packed & 1 << 11 != 0,
            continuation: packed & 1 << 12 != 0,
            drawn: packed & 1 << 13 != 0,
            written: packed & 1 << 14 != 0,
        }
    }
}

#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum Stroke {
    #[default]
    Solid,
    Dashed,
    Thick,
    /// The top and bottom of a cylinder.
    Double,
}

/// Draws the layout as text. A large drawing is drawn in two bands of
/// rows on two threads: what a cell shows depends only on what is drawn
/// through that cell, in the same order in both.
pub fn text(layout: &Layout, charset: Charset) -> String {
    let rows = layout.height;
    if layout.width * rows < CELLS_DRAWN_ALONE {
        return draw_band(layout, charset, 0..rows);
    }
    let (mut text, rest) = crate::side_by_side(
        || draw_band(layout, charset, 0..rows / 2),
        || draw_band(layout, charset, rows / 2..rows),
    );
    text.push_str(&rest);
    text
}

/// Below this many cells a drawing is drawn on one thread: a second one
/// costs more to start than it saves.
const CELLS_DRAWN_ALONE: usize = 1 << 16;

/// The text of some rows of the drawing.
fn draw_band(layout: &Layout, charset: Charset, rows: Range<usize>) -> String {
    let mut canvas = Canvas::new(layout.width, rows);
    for placed in &layout.boxes {
        canvas.draw_box(placed.rect, placed.shape);
    }
    for net in &layout.nets {
        let stroke = match net.style {
            EdgeStyle::Solid => Stroke::Solid,
            EdgeStyle::Dashed => Stroke::Dashed,
            EdgeStyle::Thick => Stroke::Thick,
        };
        for (index, path) in net.paths.iter().enumerate() {
            canvas.draw_path(path, stroke, index > 0);
        }
        for end in &net.ends {
            if end.arrow {
                let arrow = match end.side {
                    Side::Top => Arrow::Down,
                    Side::Bottom => Arrow::Up,
                    Side::Left => Arrow::Right,
                    Side::Right => Arrow::Left,
                };
                canvas.set_glyph(end.path_end(), arrow.glyph(charset));
            }
        }
    }
    for run in layout.texts() {
        canvas.write(run.at, &run.text);
    }
    canvas.into_string(charset)
}

#[derive(Clone, Copy)]
enum Arrow {
    Up,
    Down,
    Left,
    Right,
}

impl Arrow {
    fn glyph(self, charset: Charset) -> char {
        match (charset, self) {
            (Charset::Unicode, Arrow::Up) => '▲',
            (Charset::Unicode, Arrow::Down) => '▼',
            (Charset::Unicode, Arrow::Left) => '◀',
            (Charset::Unicode, Arrow::Right) => '▶',
            (Charset::Ascii, Arrow::Up) => '^',
            (Charset::Ascii, Arrow::Down) => 'v',
            (Charset::Ascii, Arrow::Left) => '<',
            (Charset::Ascii, Arrow::Right) => '>',
        }
    }
}

/// The cells of a band of rows, row after row, kept small (a large diagram
/// has millions of them) and zeroed when empty, so that the memory of cells
/// nothing is drawn on costs nothing until it is read. Whatever is drawn
/// outside the band is left out.
struct Canvas {
    width: usize,
    rows: Range<usize>,
    /// Each cell's lines, packed.
    cells: Vec<u16>,
    /// Text and arrowheads, by cell index, in the order written (the last
    /// written to a cell shows).
    glyphs: Vec<(usize, char)>,
    /// Zero-width characters that follow a cell's glyph (accents, variation
    /// selectors, joiners), written with it; by cell index.
    combining: std::collections::BTreeMap<usize, String>,
}

impl Canvas {
    fn new(width: usize, rows: Range<usize>) -> Canvas {
        let cells = width * rows.len();
        Canvas {
            width,
            rows,
            cells: vec![0; cells],
            glyphs: Vec::new(),
            combining: std::collections::BTreeMap::new(),
        }
    }

    /// The index of the cell at `point`, if it is in the band.
    fn index(&self, point: Point) -> Option<usize> {
        self.rows
            .contains(&point.y)
            .then(|| (point.y - self.rows.start) * self.width + point.x)
    }

    /// Changes the lines of the cell at `point`.
    fn update(&mut self, point: Point, change: impl FnOnce(&mut Cell)) {
        if let Some(index) = self.index(point) {
            let mut cell = Cell::unpack(self.cells[index]);
            change(&mut cell);
            self.cells[index] = cell.pack();
        }
    }

    fn set_glyph(&mut self, point: Point, glyph: char) {
        if let Some(index) = self.index(point) {
            self.glyphs.push((index, glyph));
            self.cells[index] |= Cell {
                written: true,
                ..Cell::default()
            }
            .pack();
        }
    }

    fn draw_box(&mut self, rect: crate::layout::Rect, shape: Shape) {
        if rect.bottom() < self.rows.start || rect.y >= self.rows.end {
            return;
        }
        let horizontal = if shape == Shape::Cylinder {
            Stroke::Double
        } else {
            Stroke::Solid
        };
        for x in rect.x..=rect.right() {
            for (y, vertical_bit) in [(rect.y, DOWN), (rect.bottom(), UP)] {
                let mut bits = 0;
                if x > rect.x {
                    bits |= LEFT;
                }
                if x < rect.right() {
                    bits |= RIGHT;
                }
                if x == rect.x || x == rect.right() {
                    bits |= vertical_bit;
                }
                self.update(Point { x, y }, |cell| {
                    cell.bits |= bits;
                    cell.horizontal = horizontal;
                    cell.border = Some(shape);
                });
            }
        }
        let inside = (rect.y + 1).max(self.rows.start)..rect.bottom().min(self.rows.end);
        for y in inside {
            for x in [rect.x, rect.right()] {
                self.update(Point { x, y }, |cell| {
                    cell.bits |= UP | DOWN;
                    cell.border = Some(shape);
                });
            }
        }
    }

    /// Draws the polyline through `corners` (the part in the band), cell by
    /// cell, each cell joined to the cells before and after it.
    /// A line already in a cell is another net's, except at the ends of a
    /// `branch` (a bus's later path), which join the net's own lines there:
    /// paths of a net meet only at their ends.
    fn draw_path(&mut self, corners: &[Point], stroke: Stroke, branch: bool) {
        if let [only] = corners {
            self.draw_cell(*only, 0, stroke, branch);
        }
        for (index, pair) in corners.windows(2).enumerate() {
            let (from, to) = (pair[0], pair[1]);
            let (forward, back) = towards(from, to);
            // The segment's cells up to (not including) its far end, which
            // the next segment starts from; the last segment's far end too.
            let last = index + 2 == corners.len();
            let vertical = from.x == to.x;
            // The stretch of the segment inside the band.
            let (low, high) = if vertical {
                let (top, bottom) = (from.y.min(to.y), from.y.max(to.y));
                (
                    top.max(self.rows.start),
                    bottom.min(self.rows.end.saturating_sub(1)),
                )
            } else if self.rows.contains(&from.y) {
                (from.x.min(to.x), from.x.max(to.x))
            } else {
                continue;
            };
            for along in low..=high {
                let point = if vertical {
                    Point {
                        x: from.x,
                        y: along,
                    }
                } else {
                    Point {
                        x: along,
                        y: from.y,
                    }
                };
                let bits = if point == to {
                    if !last {
                        continue;
                    }
                    back
                } else if point == from {
                    let arriving = if index == 0 {
                        0
                    } else {
                        towards(corners[index - 1], from).1
                    };
                    forward | arriving
                } else {
                    forward | back
                };
                let at_an_end = (index == 0 && point == from) || (last && point == to);
                self.draw_cell(point, bits, stroke, branch && at_an_end);
            }
        }
    }

    /// Draws a line through the cell at `point`, leaving it in directions
    /// `bits`; a line already there is another net's unless the line
    /// `joins` its own net here.
    fn draw_cell(&mut self, point: Point, bits: u8, stroke: Stroke, joins: bool) {
        let Some(index) = self.index(point) else {
            return;
        };
        let mut cell = Cell::unpack(self.cells[index]);
        let another = cell.drawn && !joins;
        if another {
            // Another net's straight line: the vertical one stays whole.
            cell.crossed = true;
            if bits & (UP | DOWN) != 0 {
                cell.vertical = stroke;
            }
        } else {
            cell.drawn = true;
            cell.bits |= bits;
            if cell.border.is_none() {
                if bits & (UP | DOWN) != 0 {
                    cell.vertical = stroke;
                }
                if bits & (LEFT | RIGHT) != 0 {
                    cell.horizontal = stroke;
                }
            }
        }
        self.cells[index] = cell.pack();
    }

    fn write(&mut self, at: Point, text: &str) {
        if !self.rows.contains(&at.y) {
            return;
        }
        let mut x = at.x;
        let mut last: Option<usize> = None;
        for c in text.chars() {
            let width = c.width().unwrap_or(0);
            if width == 0 {
                // Kept with the character before it, as the layout measured.
                if let Some(index) = last {
                    self.combining.entry(index).or_default().push(c);
                }
                continue;
            }
            let point = Point { x, y: at.y };
            self.set_glyph(point, c);
            last = self.index(point);
            if width == 2 {
                self.update(Point { x: x + 1, y: at.y }, |cell| cell.continuation = true);
            }
            x += width;
        }
    }

    fn into_string(mut self, charset: Charset) -> String {
        // In cell order, the last written to a cell first (the sort is
        // stable), the rest of that cell's dropped.
        self.glyphs.reverse();
        self.glyphs.sort_by_key(|&(index, _)| index);
        self.glyphs.dedup_by_key(|&mut (index, _)| index);
        let mut glyphs = self.glyphs.iter().peekable();
        let width = self.width.max(1);
        let mut out = String::with_capacity(self.rows.len() * (width + 1));
        for row in 0..self.rows.len() {
            // Written straight into `out`, then cut back to its last glyph.
            let line_start = out.len();
            for index in row * width..(row + 1) * width {
                let packed = self.cells[index];
                if packed == 0 {
                    out.push(' ');
                    continue;
                }
                let cell = Cell::unpack(packed);
                let written = glyphs
                    .next_if(|&&(at, _)| at == index)
                    .map(|&(_, written)| written);
                if cell.continuation {
                    continue;
                }
                out.push(written.unwrap_or_else(|| glyph(&cell, charset)));
                if !self.combining.is_empty()
                    && let Some(combining) = self.combining.get(&index)
                {
                    out.push_str(combining);
                }
            }
            let line_end = line_start + out[line_start..].trim_end().len();
            out.truncate(line_end);
            out.push('\n');
        }
        out
    }
}

/// The direction bits from `from` towards `to` (on one row or column), and
/// back.
fn towards(from: Point, to: Point) -> (u8, u8) {
    if to.y < from.y {
        (UP, DOWN)
    } else if to.y > from.y {
        (DOWN, UP)
    } else if to.x < from.x {
        (LEFT, RIGHT)
    } else {
        (RIGHT, LEFT)
    }
}

/// The glyph for a cell's lines, chosen by connectivity and stroke.
#[inline]
fn glyph(cell: &Cell, charset: Charset) -> char {
    let bits = if cell.crossed { UP | DOWN } else { cell.bits };
    if bits == 0 {
        return ' ';
    }
    let straight_vertical = bits & (LEFT | RIGHT) == 0;
    let straight_horizontal = bits & (UP | DOWN) == 0;
    if charset == Charset::Ascii {
        return if straight_vertical {
            match cell.vertical {
                Stroke::Dashed => ':',
                Stroke::Thick => '#',
                Stroke::Solid | Stroke::Double => '|',
            }
        } else if straight_horizontal {
            match cell.horizontal {
                Stroke::Dashed => '.',
                Stroke::Thick | Stroke::Double => '=',
                Stroke::Solid => '-',
            }
        } else {
            '+'
        };
    }
    if straight_vertical {
        return match cell.vertical {
            Stroke::Dashed => '┆',
            Stroke::Thick => '┃',
            Stroke::Solid | Stroke::Double => '│',
        };
    }
    if straight_horizontal {
        return match cell.horizontal {
            Stroke::Dashed => '┄',
            Stroke::Thick => '━',
            Stroke::Double => '═',
            Stroke::Solid => '─',
        };
    }
    let corner = |plain: char, rounded: char, double: char| match cell.border {
        Some(Shape::Rounded | Shape::Person) => rounded,
        Some(Shape::Cylinder) => double,
        _ => plain,
    };
    let thick = cell.border.is_none()
        && (cell.vertical == Stroke::Thick || cell.horizontal == Stroke::Thick);
    match (bits, thick) {
        (b, false) if b == DOWN | RIGHT => corner('┌', '╭', '╒'),
        (b, false) if b == DOWN | LEFT => corner('┐', '╮', '╕'),
        (b, false) if b == UP | RIGHT => corner('└', '╰', '╘'),
        (b, false) if b == UP | LEFT => corner('┘', '╯', '╛'),
        (b, true) if b == DOWN | RIGHT => '┏',
        (b, true) if b == DOWN | LEFT => '┓',
        (b, true) if b == UP | RIGHT => '┗',
        (b, true) if b == UP | LEFT => '┛',
        (b, false) if b == UP | DOWN | RIGHT => '├',
        (b, false) if b == UP | DOWN | LEFT => '┤',
        (b, false) if b == DOWN | LEFT | RIGHT => '┬',
        (b, false) if b == UP | LEFT | RIGHT => '┴',
        (b, true) if b == UP | DOWN | RIGHT => '┣',
        (b, true) if b == UP | DOWN | LEFT => '┫',
        (b, true) if b == DOWN | LEFT | RIGHT => '┳',
        (b, true) if b == UP | LEFT | RIGHT => '┻',
        (_, true) => '╋',
        _ => '┼',
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    /// A drawing large enough to be drawn in two bands comes out as one
    /// band draws it, with lines, wide and combining characters on both
    /// sides of the cut.
    #[test]
    fn two_bands_draw_what_one_would() {
        let mut source = String::new();
        for layer in 0..12 {
            let _ = writeln!(source, "layer l{layer} {{");
            for index in 0..30 {
                let _ = writeln!(
                    source,
                    "  c{layer}_{index} \"数据 {index}\" \"e\u{301}t\u{e9}\""
                );
            }
            source.push_str("}\n");
        }
        for layer in 0..11 {
            for index in 0..30 {
                let _ = writeln!(
                    source,
                    "c{layer}_{index} -> c{}_{}",
                    layer + 1,
                    (index * 7) % 30
                );
            }
        }
        let model = crate::compile(&source).expect("the source is valid");
        let layout = crate::layout::layout(&model, &Default::default()).expect("it lays out");
        assert!(layout.width * layout.height >= CELLS_DRAWN_ALONE);
        let whole = draw_band(&layout, Charset::Unicode, 0..layout.height);
        assert_eq!(text(&layout, Charset::Unicode), whole);
        let middle = whole
            .lines()
            .nth(layout.height / 2)
            .expect("the middle row");
        assert!(middle.contains('│'), "lines cross the cut: {middle}");
        assert!(whole.contains("e\u{301}t\u{e9}") && whole.contains("数据 29"));
    }
}

//! The text renderer: a [`Layout`] as Unicode box-drawing or ASCII text.
//!
//! Reads a `Layout`; returns a `String`, one line a row, without trailing
//! spaces. Each cell records which directions lines leave it in (up, down,
//! left, right) and the style of each; glyphs are chosen last from a table
//! by that connectivity (as svgbob does), so junctions come out right
//! whatever order the lines were drawn in. A cell where two nets cross keeps
//! the vertical line only, so a crossing never looks like a junction. The
//! two charsets share everything but the table.

use std::num::NonZeroU32;

use unicode_width::UnicodeWidthChar;

use crate::layout::{Layout, Point, Side, path_cells};
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

/// What one cell holds before glyphs are chosen.
#[derive(Clone, Default)]
struct Cell {
    /// Directions lines or borders leave the cell in.
    bits: u8,
    /// The style of the vertical and of the horizontal strokes.
    vertical: Stroke,
    horizontal: Stroke,
    /// A box border runs through the cell (ports keep the border's style).
    border: Option<Shape>,
    /// Which net drew the cell's line (its index plus one, so that a cell
    /// stays small), to tell a crossing from a junction.
    net: Option<NonZeroU32>,
    crossed: bool,
    glyph: Option<char>,
    /// The second cell of a wide character.
    continuation: bool,
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

/// Draws the layout as text.
pub fn text(layout: &Layout, charset: Charset) -> String {
    let mut canvas = Canvas::new(layout.width, layout.height);
    for placed in &layout.boxes {
        canvas.draw_box(placed.rect, placed.shape);
    }
    for (index, net) in layout.nets.iter().enumerate() {
        let stroke = match net.style {
            EdgeStyle::Solid => Stroke::Solid,
            EdgeStyle::Dashed => Stroke::Dashed,
            EdgeStyle::Thick => Stroke::Thick,
        };
        for path in &net.paths {
            canvas.draw_path(index as u32, &path_cells(path), stroke);
        }
        for end in &net.ends {
            if end.arrow {
                let (at, arrow) = match end.side {
                    Side::Top => (end.port, Arrow::Down),
                    Side::Bottom => (end.port, Arrow::Up),
                    Side::Left => (
                        Point {
                            x: end.port.x - 1,
                            y: end.port.y,
                        },
                        Arrow::Right,
                    ),
                    Side::Right => (
                        Point {
                            x: end.port.x + 1,
                            y: end.port.y,
                        },
                        Arrow::Left,
                    ),
                };
                canvas.cell_mut(at).glyph = Some(arrow.glyph(charset));
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

/// The cells, row after row; a cell is kept small, as a large diagram has
/// millions of them.
struct Canvas {
    width: usize,
    cells: Vec<Cell>,
    /// Zero-width characters that follow a cell's glyph (accents, variation
    /// selectors, joiners), written with it; by cell index.
    combining: std::collections::BTreeMap<usize, String>,
}

impl Canvas {
    fn new(width: usize, height: usize) -> Canvas {
        Canvas {
            width,
            cells: vec![Cell::default(); width * height],
            combining: std::collections::BTreeMap::new(),
        }
    }

    fn index(&self, point: Point) -> usize {
        point.y * self.width + point.x
    }

    fn cell_mut(&mut self, point: Point) -> &mut Cell {
        let index = self.index(point);
        &mut self.cells[index]
    }

    fn draw_box(&mut self, rect: crate::layout::Rect, shape: Shape) {
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
                let cell = self.cell_mut(Point { x, y });
                cell.bits |= bits;
                cell.horizontal = horizontal;
                cell.border = Some(shape);
            }
        }
        for y in rect.y + 1..rect.bottom() {
            for x in [rect.x, rect.right()] {
                let cell = self.cell_mut(Point { x, y });
                cell.bits |= UP | DOWN;
                cell.border = Some(shape);
            }
        }
    }

    fn draw_path(&mut self, net: u32, cells: &[Point], stroke: Stroke) {
        let net = NonZeroU32::new(net + 1);
        for (index, &point) in cells.iter().enumerate() {
            let mut bits = 0;
            for neighbour in [
                index.checked_sub(1).map(|i| cells[i]),
                cells.get(index + 1).copied(),
            ]
            .into_iter()
            .flatten()
            {
                bits |= if neighbour.y < point.y {
                    UP
                } else if neighbour.y > point.y {
                    DOWN
                } else if neighbour.x < point.x {
                    LEFT
                } else {
                    RIGHT
                };
            }
            let cell = self.cell_mut(point);
            if cell.net.is_some_and(|other| Some(other) != net) {
                // Another net's straight line: the vertical one stays whole.
                cell.crossed = true;
                if bits & (UP | DOWN) != 0 {
                    cell.vertical = stroke;
                }
                continue;
            }
            cell.net = net;
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
    }

    fn write(&mut self, at: Point, text: &str) {
        let mut x = at.x;
        let mut last: Option<Point> = None;
        for c in text.chars() {
            let width = c.width().unwrap_or(0);
            if width == 0 {
                // Kept with the character before it, as the layout measured.
                if let Some(point) = last {
                    let index = self.index(point);
                    self.combining.entry(index).or_default().push(c);
                }
                continue;
            }
            let point = Point { x, y: at.y };
            self.cell_mut(point).glyph = Some(c);
            last = Some(point);
            if width == 2 {
                self.cell_mut(Point { x: x + 1, y: at.y }).continuation = true;
            }
            x += width;
        }
    }

    /// The text, row after row. A large canvas is written in two halves on
    /// two threads (each row depends only on its own cells).
    fn into_string(self, charset: Charset) -> String {
        let width = self.width.max(1);
        let rows = self.cells.len() / width;
        if self.cells.len() < CELLS_WRITTEN_ALONE {
            return self.write_rows(0, &self.cells, charset);
        }
        let (top, bottom) = self.cells.split_at(rows / 2 * width);
        let (mut text, rest) = std::thread::scope(|scope| {
            let lower = scope.spawn(|| self.write_rows(rows / 2, bottom, charset));
            let upper = self.write_rows(0, top, charset);
            let lower = lower
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (upper, lower)
        });
        text.push_str(&rest);
        text
    }

    /// The rows of `cells`, the first of which is row `first_row`.
    fn write_rows(&self, first_row: usize, cells: &[Cell], charset: Charset) -> String {
        let width = self.width.max(1);
        let mut out = String::with_capacity(cells.len() + cells.len() / width);
        for (row_index, row) in (first_row..).zip(cells.chunks(width)) {
            // Written straight into `out`, then cut back to its last glyph.
            let line_start = out.len();
            for (column, cell) in row.iter().enumerate() {
                if cell.continuation {
                    continue;
                }
                out.push(cell.glyph.unwrap_or_else(|| glyph(cell, charset)));
                if !self.combining.is_empty()
                    && let Some(combining) = self.combining.get(&(row_index * width + column))
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

/// Below this many cells a canvas is written on one thread: a second one
/// costs more to start than it saves.
const CELLS_WRITTEN_ALONE: usize = 1 << 16;

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

    /// A canvas large enough to be written on two threads comes out as it
    /// would on one, with wide and combining characters in both halves.
    #[test]
    fn two_threads_write_what_one_would() {
        let (width, height) = (400, 400);
        assert!(width * height >= CELLS_WRITTEN_ALONE);
        let draw = || {
            let mut canvas = Canvas::new(width, height);
            for (index, y) in [3, 150, 199, 200, 201, 390].into_iter().enumerate() {
                let rect = crate::layout::Rect {
                    x: 10 + index,
                    y: y - 2,
                    width: 40,
                    height: 5,
                };
                canvas.draw_box(rect, Shape::Box);
                canvas.write(Point { x: 13 + index, y }, "e\u{301}t\u{e9} 数据 👍🏽 end");
            }
            canvas
        };
        let expected = {
            let canvas = draw();
            canvas.write_rows(0, &canvas.cells, Charset::Unicode)
        };
        assert_eq!(draw().into_string(Charset::Unicode), expected);
        assert!(expected.contains("e\u{301}t\u{e9} 数据 👍🏽 end"));
        assert_eq!(expected.lines().count(), height);
    }
}

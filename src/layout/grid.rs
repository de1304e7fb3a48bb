//! The cell grid the router works on: which box covers each cell, which net
//! runs through it and in which directions, and which cells text occupies.

use std::ops::Range;

use super::{PlacedBox, Point, Rect};
use crate::model::Direction;
use unicode_width::UnicodeWidthStr;

/// A direction of travel, and of a line leaving a cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    Up,
    Down,
    Left,
    Right,
}

impl Dir {
    pub const ALL: [Dir; 4] = [Dir::Up, Dir::Down, Dir::Left, Dir::Right];

    pub fn bit(self) -> u8 {
        match self {
            Dir::Up => 1,
            Dir::Down => 2,
            Dir::Left => 4,
            Dir::Right => 8,
        }
    }

    pub fn opposite(self) -> Dir {
        match self {
            Dir::Up => Dir::Down,
            Dir::Down => Dir::Up,
            Dir::Left => Dir::Right,
            Dir::Right => Dir::Left,
        }
    }

    pub fn is_vertical(self) -> bool {
        matches!(self, Dir::Up | Dir::Down)
    }

    /// Down or right: towards growing coordinates.
    pub fn is_forward(self) -> bool {
        matches!(self, Dir::Down | Dir::Right)
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// Coordinates along an axis (`y` for a vertical one, `x` otherwise) and
/// across it, so that one piece of code serves both directions.
#[derive(Clone, Copy)]
pub struct Axis {
    vertical: bool,
}

impl Axis {
    /// The axis of travel in `dir`.
    pub fn of(dir: Dir) -> Axis {
        Axis {
            vertical: dir.is_vertical(),
        }
    }

    /// The rank axis of a diagram laid out in `direction`.
    pub fn of_ranks(direction: Direction) -> Axis {
        Axis {
            vertical: direction == Direction::Down,
        }
    }

    pub fn is_vertical(self) -> bool {
        self.vertical
    }

    pub fn along(self, point: Point) -> usize {
        if self.vertical { point.y } else { point.x }
    }

    pub fn across(self, point: Point) -> usize {
        if self.vertical { point.x } else { point.y }
    }

    pub fn at(self, along: usize, across: usize) -> Point {
        if self.vertical {
            Point {
                x: across,
                y: along,
            }
        } else {
            Point {
                x: along,
                y: across,
            }
        }
    }

    /// The grid's size along the axis, and across it.
    pub fn len(self, grid: &Grid) -> usize {
        if self.vertical {
            grid.height
        } else {
            grid.width
        }
    }

    pub fn across_len(self, grid: &Grid) -> usize {
        if self.vertical {
            grid.width
        } else {
            grid.height
        }
    }

    /// A rectangle's first and last coordinate along the axis, and across it.
    pub fn along_extent(self, rect: Rect) -> (usize, usize) {
        let far = Point {
            x: rect.right(),
            y: rect.bottom(),
        };
        (
            self.along(Point {
                x: rect.x,
                y: rect.y,
            }),
            self.along(far),
        )
    }

    pub fn across_extent(self, rect: Rect) -> (usize, usize) {
        let far = Point {
            x: rect.right(),
            y: rect.bottom(),
        };
        (
            self.across(Point {
                x: rect.x,
                y: rect.y,
            }),
            self.across(far),
        )
    }
}

pub const VERTICAL: u8 = 1 | 2;
pub const HORIZONTAL: u8 = 4 | 8;
pub const NONE: u32 = u32::MAX;

/// What the router knows of one cell.
#[derive(Clone, Copy)]
pub struct Cell {
    /// The innermost box covering the cell, or `NONE`.
    pub owner: u32,
    /// The net whose line runs through the cell, or `NONE`.
    pub net: u32,
    /// Directions that net's line leaves the cell in.
    pub dirs: u8,
    /// A second net crosses the first here at a right angle.
    pub crossed: bool,
    /// Text (a box's header or an edge label) or the space kept around it.
    pub text: bool,
    /// A row of a container's header: lines may only cross it vertically.
    pub header: bool,
    /// On the border of the `owner` box.
    pub border: bool,
    /// On a corner of the `owner` box.
    pub corner: bool,
    /// Next to a corner of some box (above, below or beside it).
    pub beside_corner: bool,
    /// The net whose trunk runs horizontally (or vertically) through the
    /// cell by the track plan (see `route::tracks`), or `NONE`: other nets
    /// may cross the trunk's line, not run along it.
    pub kept_horizontal: u32,
    pub kept_vertical: u32,
}

impl Cell {
    const EMPTY: Cell = Cell {
        owner: NONE,
        net: NONE,
        dirs: 0,
        crossed: false,
        text: false,
        header: false,
        border: false,
        corner: false,
        beside_corner: false,
        kept_horizontal: NONE,
        kept_vertical: NONE,
    };

    /// Outside every box, with no line or text: open to any route.
    pub fn is_empty(&self) -> bool {
        self.owner == NONE && self.net == NONE && !self.text && !self.header
    }
}

/// Reads and changes the cells of a band of rows of a grid: all of them,
/// or while the nets of one half of a diagram are routed beside those of
/// the other (see `route`), the rows of that half. A cell outside the band
/// reads as [`OUTSIDE`], where no route may go, and is never a neighbour.
pub struct Grid<'a> {
    pub width: usize,
    pub height: usize,
    rows: Range<usize>,
    cells: &'a mut [Cell],
}

/// What a cell outside a grid's band reads as: text, which no route
/// enters and no label covers.
static OUTSIDE: Cell = Cell {
    text: true,
    ..Cell::EMPTY
};

impl<'a> Grid<'a> {
    /// The cells of a grid with every box painted in, parents before
    /// children, and the text of every box marked (with one cell of margin
    /// on each side, so no line touches text).
    pub fn paint(width: usize, height: usize, boxes: &[PlacedBox]) -> Vec<Cell> {
        let mut cells = vec![Cell::EMPTY; width * height];
        let mut grid = Grid::whole(width, height, &mut cells);
        for (index, placed) in boxes.iter().enumerate() {
            let rect = placed.rect;
            for y in rect.y..=rect.bottom() {
                for x in rect.x..=rect.right() {
                    let point = Point { x, y };
                    let cell = grid.cell_mut(point);
                    cell.owner = index as u32;
                    cell.border = rect.is_on_border(point);
                    cell.corner = cell.border && !is_side_cell(rect, point);
                }
            }
            let corners = [
                (rect.x, rect.y),
                (rect.right(), rect.y),
                (rect.x, rect.bottom()),
                (rect.right(), rect.bottom()),
            ];
            for (x, y) in corners {
                for dir in Dir::ALL {
                    if let Some(next) = grid.step(Point { x, y }, dir) {
                        grid.cell_mut(next).beside_corner = true;
                    }
                }
            }
            for run in &placed.text {
                let y = run.at.y;
                if placed.is_container {
                    for x in rect.x + 1..rect.right() {
                        grid.cell_mut(Point { x, y }).header = true;
                    }
                }
                let start = run.at.x.saturating_sub(1).max(rect.x + 1);
                let end = (run.at.x + run.text.width()).min(rect.right() - 1);
                for x in start..=end {
                    grid.cell_mut(Point { x, y }).text = true;
                }
            }
        }
        cells
    }

    /// A grid over all the rows of `cells`.
    pub fn whole(width: usize, height: usize, cells: &'a mut [Cell]) -> Grid<'a> {
        Grid {
            width,
            height,
            rows: 0..height,
            cells,
        }
    }

    /// The grid's band cut in two at `row`: the rows above it, and the rest.
    pub fn split_at_row(&mut self, row: usize) -> (Grid<'_>, Grid<'_>) {
        let row = row.clamp(self.rows.start, self.rows.end);
        let (above, below) = self
            .cells
            .split_at_mut((row - self.rows.start) * self.width);
        let band = |rows: Range<usize>, cells| Grid {
            width: self.width,
            height: self.height,
            rows,
            cells,
        };
        (
            band(self.rows.start..row, above),
            band(row..self.rows.end, below),
        )
    }

    /// The rows the grid reads and changes.
    pub fn rows(&self) -> Range<usize> {
        self.rows.clone()
    }

    /// The index of `point`'s cell in the band's cells; past their end
    /// (wrapping round below zero) for a row outside the band.
    fn index(&self, point: Point) -> usize {
        (point.y * self.width + point.x).wrapping_sub(self.rows.start * self.width)
    }

    pub fn cell(&self, point: Point) -> &Cell {
        self.cells.get(self.index(point)).unwrap_or(&OUTSIDE)
    }

    /// The cell at `point`, which must be in the grid's band.
    pub fn cell_mut(&mut self, point: Point) -> &mut Cell {
        let index = self.index(point);
        &mut self.cells[index]
    }

    /// The neighbour of `point` in `dir`, if it is in the grid's band.
    pub fn step(&self, point: Point, dir: Dir) -> Option<Point> {
        let on_grid = match dir {
            Dir::Up => point.y > self.rows.start,
            Dir::Down => point.y + 1 < self.rows.end,
            Dir::Left => point.x > 0,
            Dir::Right => point.x + 1 < self.width,
        };
        on_grid.then(|| neighbour(point, dir))
    }
}

/// Whether `point` is on the border of `rect` but not a corner.
pub fn is_side_cell(rect: Rect, point: Point) -> bool {
    let on_x_edge = point.x == rect.x || point.x == rect.right();
    let on_y_edge = point.y == rect.y || point.y == rect.bottom();
    rect.contains(point) && (on_x_edge != on_y_edge)
}

/// The neighbour of `point` in `dir`; the caller knows it exists.
pub fn neighbour(point: Point, dir: Dir) -> Point {
    match dir {
        Dir::Up => Point {
            x: point.x,
            y: point.y - 1,
        },
        Dir::Down => Point {
            x: point.x,
            y: point.y + 1,
        },
        Dir::Left => Point {
            x: point.x - 1,
            y: point.y,
        },
        Dir::Right => Point {
            x: point.x + 1,
            y: point.y,
        },
    }
}

//! Edge labels: where a label has room beside its net, and placing it.
//!
//! A label goes beside a vertical segment of its net (`│ label`), else to
//! its left, else above a horizontal segment, on free cells with a free cell
//! on each side, off the lines kept for other nets' trunks where it can, and
//! clear of borders above and below where there is room, so that it reads
//! as its own net's label and no other's.

use unicode_width::UnicodeWidthStr;

use crate::layout::grid::{Cell, Grid, HORIZONTAL, NONE, VERTICAL};
use crate::layout::place::Placement;
use crate::layout::{Point, TextRun};
use crate::model::Direction;

/// What a label needs around it to read as its net's label only.
pub(super) struct LabelRoom<'a> {
    width: usize,
    placement: &'a Placement,
    /// The label's net.
    own: u32,
}

impl<'a> LabelRoom<'a> {
    pub(super) fn new(label: &str, placement: &'a Placement, own: u32) -> LabelRoom<'a> {
        LabelRoom {
            width: label.width(),
            placement,
            own,
        }
    }

    /// Whether a border (or a container's header above) lies `distance`
    /// rows above or below `point`. A label keeps two rows away from a
    /// border, room that routes leaving or entering that box need to turn in.
    fn border_at(&self, grid: &Grid, point: Point, distance: usize) -> bool {
        let above = point.y.checked_sub(distance).is_some_and(|y| {
            let cell = grid.cell(Point { x: point.x, y });
            // A label alone under a container's header would read as part
            // of its title.
            cell.border || (cell.header && !row_has_child_box(grid, self.placement, point))
        });
        let below = Point {
            x: point.x,
            y: point.y + distance,
        };
        above || grid.cell(below).border
    }

    /// Whether the label fits at `at`, with `reach` rows above and below
    /// clear of borders.
    fn fits(&self, grid: &Grid, at: Point, reach: usize) -> bool {
        self.clearance(grid, at, reach, reach).is_some()
    }

    /// If the label fits at `at` with at least `least` rows above and below
    /// clear of borders: how many rows are clear, counting up to `most`.
    fn clearance(&self, grid: &Grid, at: Point, least: usize, most: usize) -> Option<usize> {
        let width = self.width;
        if at.x < 1
            || !free_run(
                grid,
                self.placement,
                Point {
                    x: at.x - 1,
                    y: at.y,
                },
                width + 2,
            )
            || beside_another(grid, at, width, self.own)
        {
            return None;
        }
        let clear = (1..=most)
            .take_while(|&distance| {
                !(at.x - 1..=at.x + width)
                    .any(|x| self.border_at(grid, Point { x, y: at.y }, distance))
            })
            .count();
        (clear >= least).then_some(clear)
    }

    /// Whether the label at `at`, or the cells kept clear around it, would
    /// lie on a line kept for another net's trunk.
    fn on_another_track(&self, grid: &Grid, at: Point) -> bool {
        kept_clear(grid, at, self.width).any(|point| {
            let cell = grid.cell(point);
            [cell.kept_horizontal, cell.kept_vertical]
                .iter()
                .any(|&kept| kept != NONE && kept != self.own)
        })
    }

    /// The places beside a vertical line cell at `point`: to the right of
    /// the line, else to its left.
    fn beside(&self, point: Point) -> [Option<Point>; 2] {
        let right = Some(Point {
            x: point.x + 2,
            y: point.y,
        });
        let left = (point.x >= self.width + 2).then(|| Point {
            x: point.x - self.width - 1,
            y: point.y,
        });
        [right, left]
    }

    /// Whether the label would fit beside a vertical line through `point`.
    pub(super) fn fits_beside(&self, grid: &Grid, point: Point) -> bool {
        self.beside(point)
            .into_iter()
            .flatten()
            .any(|at| self.fits(grid, at, 2))
    }
}

/// Rows kept clear of borders above and below a label where there is room.
const LABEL_CLEARANCE: usize = 4;

/// Finds a free place for a net's label beside one of its segments (its
/// `paths`), where it reads as that net's label only, and marks it taken.
pub(super) fn place_label(
    grid: &mut Grid,
    paths: &[Vec<Point>],
    label: &str,
    placement: &Placement,
    own: u32,
) -> Option<TextRun> {
    let room = LabelRoom::new(label, placement, own);
    let width = room.width;
    // Beside a vertical segment, off the lines kept for other nets' trunks
    // if it can be, and where the label keeps the most rows clear of
    // borders above and below: a label right under a box would wall in the
    // box's other ports, while the middle of a channel leaves room to go
    // around it.
    let beside_vertical = |grid: &Grid| -> Option<Point> {
        let mut best: Option<((bool, usize), Point)> = None;
        for path in paths {
            for point in crate::layout::path_cells(path) {
                let cell = grid.cell(point);
                if cell.dirs != VERTICAL || cell.crossed || cell.border {
                    continue;
                }
                for at in room.beside(point).into_iter().flatten() {
                    let Some(clearance) = room.clearance(grid, at, 2, LABEL_CLEARANCE) else {
                        continue;
                    };
                    let score = (!room.on_another_track(grid, at), clearance);
                    if score == (true, LABEL_CLEARANCE) {
                        return Some(at);
                    }
                    if best.is_none_or(|(most, _)| score > most) {
                        best = Some((score, at));
                    }
                }
            }
        }
        best.map(|(_, at)| at)
    };
    let above_horizontal = |grid: &Grid| -> Option<Point> {
        for path in paths {
            let cells = crate::layout::path_cells(path);
            for window in cells.windows(width.max(1)) {
                let straight = window.iter().all(|&point| {
                    let cell = grid.cell(point);
                    point.y == window[0].y && cell.dirs == HORIZONTAL && !cell.crossed
                });
                if !straight || window[0].y == 0 {
                    continue;
                }
                let left = window
                    .iter()
                    .map(|point| point.x)
                    .min()
                    .expect("a window has cells");
                let at = Point {
                    x: left,
                    y: window[0].y - 1,
                };
                if room.fits(grid, at, 1) {
                    return Some(at);
                }
            }
        }
        None
    };
    let at = match placement.direction {
        Direction::Down => beside_vertical(grid).or_else(|| above_horizontal(grid)),
        Direction::Right => above_horizontal(grid).or_else(|| beside_vertical(grid)),
    }?;
    // Keep the label's surroundings free of other nets for good: no line may
    // later come to touch it or run where it would read as that line's label.
    let clear: Vec<Point> = kept_clear(grid, at, width).collect();
    for point in clear {
        let cell = grid.cell_mut(point);
        if cell.net == NONE {
            cell.text = true;
        }
    }
    Some(TextRun {
        at,
        text: label.to_owned(),
    })
}

/// The cells a label at `at`, `width` cells wide, keeps clear of other
/// nets: its row from two cells before it to one after, and the cells
/// under it.
fn kept_clear(grid: &Grid, at: Point, width: usize) -> impl Iterator<Item = Point> {
    let (grid_width, rows) = (grid.width, grid.rows());
    let row = (at.x.saturating_sub(2)..=at.x + width + 1).map(move |x| Point { x, y: at.y });
    let below = (at.x..at.x + width).map(move |x| Point { x, y: at.y + 1 });
    row.chain(below)
        .filter(move |point| point.x < grid_width && rows.contains(&point.y))
}

/// Whether the row of `point`, inside the container that holds it, crosses
/// one of the container's children (so the row does not extend its title).
fn row_has_child_box(grid: &Grid, placement: &Placement, point: Point) -> bool {
    let container = grid.cell(point).owner;
    if container == NONE {
        return false;
    }
    let rect = placement.boxes[container as usize].rect;
    (rect.x + 1..rect.right()).any(|x| {
        let owner = grid.cell(Point { x, y: point.y }).owner;
        owner != NONE && owner != container
    })
}

/// Whether text at `at`, `width` cells wide, would also read as the label of
/// a net other than `own`: a vertical line two cells before or after it, or
/// horizontal lines under all of it.
fn beside_another(grid: &Grid, at: Point, width: usize, own: u32) -> bool {
    let other = |cell: &Cell| cell.net != NONE && (cell.net != own || cell.crossed);
    let vertical_at = |x: Option<usize>| {
        x.filter(|&x| x < grid.width).is_some_and(|x| {
            let cell = grid.cell(Point { x, y: at.y });
            other(cell) && (cell.dirs & VERTICAL == VERTICAL || cell.crossed)
        })
    };
    if vertical_at(at.x.checked_sub(2)) || vertical_at(Some(at.x + width + 1)) {
        return true;
    }
    let below = at.y + 1;
    if below >= grid.height {
        return false;
    }
    let cells: Vec<&Cell> = (at.x..at.x + width)
        .filter(|&x| x < grid.width)
        .map(|x| grid.cell(Point { x, y: below }))
        .collect();
    let all_horizontal = !cells.is_empty()
        && cells
            .iter()
            .all(|cell| cell.net != NONE && (cell.dirs & HORIZONTAL != 0 || cell.crossed));
    all_horizontal && cells.iter().any(|cell| other(cell))
}

/// Whether `length` cells from `start` rightwards are free for text: on the
/// grid, no line or text, and inside no box but a container's open interior.
fn free_run(grid: &Grid, placement: &Placement, start: Point, length: usize) -> bool {
    (0..length).all(|offset| {
        let point = Point {
            x: start.x + offset,
            y: start.y,
        };
        if point.x >= grid.width {
            return false;
        }
        let cell = grid.cell(point);
        if cell.net != NONE || cell.text {
            return false;
        }
        if cell.owner == NONE {
            return true;
        }
        let placed = &placement.boxes[cell.owner as usize];
        placed.is_container && !cell.border
    })
}

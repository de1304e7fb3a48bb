//! The search's guide: how many steps each cell of a window lies from the
//! goal, counting only cells a route could ever enter, by a breadth-first
//! walk out from the goal.
//!
//! As the search's estimate it never exceeds the true cost (every step of a
//! route enters such a cell and costs at least [`STEP`]), and it is far
//! closer than the straight-line distance where a route must go around a
//! box or a line: the search then heads straight for the way around instead
//! of first trying every cell nearer the goal. A cell the walk never reaches
//! is one no route in the window passes through, so a window with no route
//! is known at once, without a search.

use super::{Goal, NetRouter, STEP, Terminal};
use crate::layout::grid::{Dir, Grid};
use crate::layout::{Point, Rect};

const UNREACHED: u32 = u32::MAX;

#[derive(Default)]
pub(super) struct Guide {
    window: Rect,
    /// Steps from the goal, by cell of the window, row after row.
    steps: Vec<u32>,
    frontier: Vec<usize>,
}

impl Guide {
    /// Walks `window` out from `goal`'s cells.
    pub(super) fn walk(&mut self, router: &NetRouter<'_>, grid: &Grid, goal: &Goal, window: Rect) {
        self.window = window;
        self.steps.clear();
        self.steps.resize(window.width * window.height, UNREACHED);
        self.frontier.clear();
        match goal.terminal {
            Terminal::Port(..) => {
                for &(port, _) in &goal.ports {
                    self.reach(port, 0);
                }
            }
            // A branch ends where it joins the net's own lines, all within
            // the goal's bounds.
            Terminal::Net(bounds) => {
                let (left, right) = (bounds.x.max(window.x), bounds.right().min(window.right()));
                let (top, bottom) = (bounds.y.max(window.y), bounds.bottom().min(window.bottom()));
                for y in top..=bottom {
                    for x in left..=right {
                        let point = Point { x, y };
                        if grid.cell(point).net == router.net {
                            self.reach(point, 0);
                        }
                    }
                }
            }
        }
        let mut distance = 0;
        while !self.frontier.is_empty() {
            distance += 1;
            // `reach` gathers the next ring while this one is walked.
            let ring = std::mem::take(&mut self.frontier);
            for &index in &ring {
                let point = self.point(index);
                for dir in Dir::ALL {
                    let Some(next) = grid.step(point, dir).filter(|&next| window.contains(next))
                    else {
                        continue;
                    };
                    if self.steps[self.index(next)] == UNREACHED && enterable(router, grid, next) {
                        self.reach(next, distance);
                    }
                }
            }
        }
    }

    /// The least a route from `point` to the goal costs in steps, or `None`
    /// if no route within the window reaches the goal from there.
    pub(super) fn estimate(&self, point: Point) -> Option<u32> {
        let steps = self.steps[self.index(point)];
        (steps != UNREACHED).then(|| steps * STEP)
    }

    fn reach(&mut self, point: Point, distance: u32) {
        if self.window.contains(point) {
            let index = self.index(point);
            if self.steps[index] == UNREACHED {
                self.steps[index] = distance;
                self.frontier.push(index);
            }
        }
    }

    fn index(&self, point: Point) -> usize {
        (point.y - self.window.y) * self.window.width + (point.x - self.window.x)
    }

    fn point(&self, index: usize) -> Point {
        Point {
            x: self.window.x + index % self.window.width,
            y: self.window.y + index / self.window.width,
        }
    }
}

/// Whether a route could enter `point` going one way or the other (what
/// entering costs does not matter here).
fn enterable(router: &NetRouter<'_>, grid: &Grid, point: Point) -> bool {
    router.base_step_cost(grid, point, Dir::Up).is_some()
        || router.base_step_cost(grid, point, Dir::Right).is_some()
}

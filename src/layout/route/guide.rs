//! The search's guide: the least each state of a window could cost to take
//! to the goal, by a walk out from the goal (Dijkstra 1959, on a bucket
//! queue) over a simpler problem than the search's.
//!
//! A guide state is a cell and the axis a route travels along there. A
//! step into a cell costs what the search's step would cost along that axis
//! (the toll for running along another net's kept line included), and a
//! change of axis costs a bend; what the simpler problem leaves out (where
//! turns are allowed, a path never crossing itself, the ports' own costs)
//! only makes routes dearer. So the guide never exceeds the true cost, and
//! is consistent: it is A*'s estimate, and usually an exact one, so the
//! search walks straight along a cheapest route instead of trying every
//! cheaper-looking cell first (in a channel full of other lines, most of
//! the window). A state the walk never reaches is one no route in the
//! window passes through, so a window with no route is known at once.

use super::search::Buckets;
use super::{BEND, Goal, NetRouter, Terminal};
use crate::layout::grid::{Dir, Grid};
use crate::layout::{Point, Rect};

const UNREACHED: u32 = u32::MAX;

#[derive(Default)]
pub(super) struct Guide {
    window: Rect,
    /// Cost to the goal, by state of the window: two a cell (vertical,
    /// horizontal), row after row.
    cost: Vec<u32>,
    queue: Buckets,
}

impl Guide {
    /// Walks `window` out from `goal`'s cells.
    pub(super) fn walk(&mut self, router: &NetRouter<'_>, grid: &Grid, goal: &Goal, window: Rect) {
        self.window = window;
        self.cost.clear();
        self.cost
            .resize(2 * window.width * window.height, UNREACHED);
        self.queue.clear();
        match goal.terminal {
            // A route reaches a port travelling inward (having paid for the
            // port as it entered the cell).
            Terminal::Port(..) => {
                let axis = usize::from(!goal.inward.is_vertical());
                for &(port, _) in &goal.ports {
                    if window.contains(port) {
                        self.relax(2 * self.window.number_of(port) + axis, 0);
                    }
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
                            let index = self.window.number_of(point);
                            self.relax(2 * index, 0);
                            self.relax(2 * index + 1, 0);
                        }
                    }
                }
            }
        }
        while let Some((cost, (state, _))) = self.queue.pop() {
            let state = state as usize;
            if cost != self.cost[state] {
                continue; // Reached again more cheaply since it was queued.
            }
            let (index, vertical) = (state / 2, state.is_multiple_of(2));
            let point = self.window.cell_numbered(index);
            // Arriving here along the other axis, the route turns here
            // (asked only where turning would be cheaper than what is known).
            let turned = 2 * index + usize::from(vertical);
            if cost + BEND < self.cost[turned] && router.can_turn(grid, point) {
                self.relax(turned, cost + BEND);
            }
            // Entering this cell along the axis costs what the search's
            // step would; the cells before it along the axis pay that.
            let (forward, backward) = if vertical {
                (Dir::Down, Dir::Up)
            } else {
                (Dir::Right, Dir::Left)
            };
            let Some(step) = router.step_cost(grid, point, forward) else {
                continue;
            };
            // Only a route travelling inward enters a port cell (the cell
            // before it the other way is the box's border).
            let arrival = if vertical == goal.inward.is_vertical() {
                goal.port_cost(point).unwrap_or(0)
            } else {
                0
            };
            let enter = step + arrival;
            for dir in [forward, backward] {
                if let Some(before) = grid.step(point, dir).filter(|&at| window.contains(at)) {
                    let before = 2 * self.window.number_of(before) + usize::from(!vertical);
                    self.relax(before, cost + enter);
                }
            }
        }
    }

    /// The least a route from `point`, travelling `dir`, costs to reach the
    /// goal, or `None` if no route within the window reaches it from there.
    pub(super) fn estimate(&self, point: Point, dir: Dir) -> Option<u32> {
        let cost = self.cost[2 * self.window.number_of(point) + usize::from(!dir.is_vertical())];
        (cost != UNREACHED).then_some(cost)
    }

    fn relax(&mut self, state: usize, cost: u32) {
        if cost < self.cost[state] {
            self.cost[state] = cost;
            self.queue.push(cost, (state as u32, 0));
        }
    }
}

//! The A* search (Hart, Nilsson and Raphael 1968) for one leg of a route:
//! over (cell, direction) states in a window around the leg's ends, with
//! the costs and rules of [`NetRouter::step`], taking states from a bucket
//! queue and estimating what is left by the straight-line distance plus the
//! container borders still to cross, or in a large window by the least
//! cost the [`guide`] finds still to pay.

use super::{BEND, Leg, NetRouter, STEP, Step, corners, crosses_itself, guide};
use crate::layout::Point;
use crate::layout::Rect;
use crate::layout::grid::{Dir, Grid, NONE};

/// The windows the search is guided in (see [`guide`]): a smaller one is
/// searched quickly enough by the straight-line estimate, and in a larger
/// one the guide would walk everything connected to the goal, which costs
/// more than a search that finds its start walled in (the usual reason a
/// huge window is searched at all).
const GUIDED_CELLS: std::ops::RangeInclusive<usize> = 4_097..=500_000;

/// The most states a quick search near the ends may take before the caller
/// tries something else: enough for any route in a small diagram, while in
/// a crowded channel the simple shapes find a route for far less.
const QUICK_SEARCH_STATES: usize = 1_000;

/// Reusable A* state arrays, reset by a generation stamp instead of clearing.
///
/// A state is a cell of the search's window and the direction it was
/// entered in; a search for a route with room for its label (see
/// [`LabelRoom`]) has a second layer of states, those on a path that has
/// passed a place for the label. States are numbered within the window, so
/// that every search reuses the same memory however far apart on the grid
/// their windows lie.
#[derive(Default)]
pub(super) struct Search {
    window: Rect,
    /// States in a layer: four a cell of the window.
    layer: usize,
    /// Layers in this search: two with a label to find room for, else one.
    layers: usize,
    cost: Vec<u32>,
    parent: Vec<u32>,
    stamp: Vec<u32>,
    generation: u32,
    queue: Buckets,
    guide: guide::Guide,
}

const ROOT: u32 = u32::MAX;

/// Cells around the ends the search first looks within; if that fails, it
/// looks in the whole grid.
const FIRST_MARGIN: usize = 8;

impl Search {
    /// The cells of the cheapest path for `leg`. The search looks near the
    /// ends first and in the grid's whole band only when that fails, so a route's
    /// cost follows its length, not the diagram's area. Where the goal has a
    /// label, only a path that runs straight down or up through a cell
    /// beside which the label has room will do.
    pub(super) fn run(
        &mut self,
        router: &NetRouter<'_>,
        grid: &Grid,
        leg: &Leg,
    ) -> Option<Vec<Point>> {
        // A route that does not fit near its ends mostly has to go around
        // something large: a failed search has explored its whole window, so
        // widening it step by step would pay for the same cells again.
        let near = around_ends(leg, grid);
        self.run_in(router, grid, leg, near, usize::MAX)
            .or_else(|| {
                let rows = grid.rows();
                let whole = Rect {
                    x: 0,
                    y: rows.start,
                    width: grid.width,
                    height: rows.len(),
                };
                (near != whole)
                    .then(|| self.run_in(router, grid, leg, whole, usize::MAX))
                    .flatten()
            })
    }

    /// `run` near the ends only, giving up after a few states: cheap where
    /// the ends are close and nothing is in the way.
    pub(super) fn quick(
        &mut self,
        router: &NetRouter<'_>,
        grid: &Grid,
        leg: &Leg,
    ) -> Option<Vec<Point>> {
        let near = around_ends(leg, grid);
        self.run_in(router, grid, leg, near, QUICK_SEARCH_STATES)
    }

    /// The cheapest path within `window`, taking at most `most_states`
    /// states. Walking back along the path at every step to keep it from
    /// crossing itself is slow, and the cheapest path rarely does: the check
    /// runs only when the quick search's path needs it.
    fn run_in(
        &mut self,
        router: &NetRouter<'_>,
        grid: &Grid,
        leg: &Leg,
        window: Rect,
        most_states: usize,
    ) -> Option<Vec<Point>> {
        let limits = (window, most_states);
        let found = self.search(router, grid, leg, limits, false);
        if !found
            .as_ref()
            .is_some_and(|path| crosses_itself(&corners(path)))
        {
            return found;
        }
        self.search(router, grid, leg, limits, true)
    }

    /// One A* search; with `never_crossing_itself`, a path is kept from
    /// entering a cell it has passed.
    fn search(
        &mut self,
        router: &NetRouter<'_>,
        grid: &Grid,
        leg: &Leg,
        (window, most_states): (Rect, usize),
        never_crossing_itself: bool,
    ) -> Option<Vec<Point>> {
        let (outward, goal) = (leg.outward, &leg.goal);
        let label = goal.label.as_ref();
        self.generation += 1;
        self.queue.clear();
        self.window = window;
        self.layer = window.width * window.height * 4;
        self.layers = if label.is_some() { 2 } else { 1 };
        let states = self.layers * self.layer;
        if self.cost.len() < states {
            // Fresh zeroed arrays cost nothing until a search touches them;
            // a zero stamp is no generation: unreached. (A parent is only
            // read where `relax` wrote it.)
            self.cost = vec![0; states];
            self.parent = vec![0; states];
            self.stamp = vec![0; states];
        }
        // A quick search takes too few states to repay walking the window.
        let guided =
            most_states == usize::MAX && GUIDED_CELLS.contains(&(window.width * window.height));
        if guided {
            self.guide.walk(router, grid, goal, window);
        }
        let estimate_at = |guide: &guide::Guide, point: Point, dir: Dir| {
            if guided {
                guide.estimate(point, dir)
            } else {
                Some(goal.distance(point) + goal.borders_to_cross(grid, point))
            }
        };
        for &(start, penalty) in &leg.starts {
            if !window.contains(start) {
                continue;
            }
            if let Some(cost) = router.step_cost(grid, start, outward)
                && let Some(estimate) = estimate_at(&self.guide, start, outward)
            {
                let state = self.window.number_of(start) * 4 + outward.index();
                self.relax(state, cost + penalty, ROOT, estimate);
            }
        }
        let mut expanded = 0;
        while let Some((total, (state, estimate))) = self.queue.pop() {
            let state = state as usize;
            if total != self.cost[state] + estimate {
                continue; // Reached again more cheaply since it was queued.
            }
            expanded += 1;
            if expanded > most_states {
                return None;
            }
            // Whether the path to this state has passed a place for the label.
            let passed = state >= self.layer;
            let dir = Dir::ALL[state % 4];
            let point = self.window.cell_numbered((state % self.layer) / 4);
            let cost = self.cost[state];
            if (passed || label.is_none()) && goal.is_reached(router, grid, point, dir) {
                return Some(self.path(state));
            }
            let here = grid.cell(point);
            let crossing_here = here.net != NONE;
            let can_turn = router.can_turn(grid, point);
            for next_dir in Dir::ALL {
                let Some((next, step)) = router
                    .step(grid, goal, (point, dir), next_dir, || can_turn)
                    .filter(|&(next, _)| window.contains(next))
                else {
                    continue;
                };
                let bend = if next_dir == dir { 0 } else { BEND };
                // Going straight on up or down through a free cell, the path
                // is a vertical line there: the label may go beside it.
                let passes = passed
                    || label.is_some_and(|label| {
                        next_dir == dir
                            && dir.is_vertical()
                            && !crossing_here
                            && !here.border
                            && label.fits_beside(grid, point)
                    });
                let layer = if passes { self.layer } else { 0 };
                let next_state = layer + self.window.number_of(next) * 4 + next_dir.index();
                match step {
                    Step::Joins => self.relax(next_state, cost + STEP + bend, state as u32, 0),
                    Step::Enters(step) => {
                        if never_crossing_itself && self.on_path(state, self.window.number_of(next))
                        {
                            continue; // A path never crosses itself.
                        }
                        let Some(estimate) = estimate_at(&self.guide, next, next_dir) else {
                            continue; // No way to the goal from there.
                        };
                        let arrival = goal.arrival_cost(next, next_dir);
                        self.relax(
                            next_state,
                            cost + step + bend + arrival,
                            state as u32,
                            estimate,
                        );
                    }
                }
            }
        }
        None
    }

    /// Whether `cell` lies on the path that leads to `state`. Only walked
    /// when the cell was reached before in this search, which is rare.
    fn on_path(&self, state: usize, cell: usize) -> bool {
        let seen = (0..self.layers * 4).any(|index| {
            let state = (index / 4) * self.layer + cell * 4 + index % 4;
            self.stamp[state] == self.generation
        });
        if !seen {
            return false;
        }
        let mut current = state;
        loop {
            if (current % self.layer) / 4 == cell {
                return true;
            }
            let parent = self.parent[current];
            if parent == ROOT {
                return false;
            }
            current = parent as usize;
        }
    }

    fn relax(&mut self, state: usize, cost: u32, parent: u32, estimate: u32) {
        if self.stamp[state] == self.generation && self.cost[state] <= cost {
            return;
        }
        self.stamp[state] = self.generation;
        self.cost[state] = cost;
        self.parent[state] = parent;
        self.queue.push(cost + estimate, (state as u32, estimate));
    }

    fn path(&self, mut state: usize) -> Vec<Point> {
        let mut cells = Vec::new();
        loop {
            cells.push(self.window.cell_numbered((state % self.layer) / 4));
            let parent = self.parent[state];
            if parent == ROOT {
                break;
            }
            state = parent as usize;
        }
        cells.reverse();
        cells
    }
}

/// The cells of the grid's band within `FIRST_MARGIN` of the leg's ends.
fn around_ends(leg: &Leg, grid: &Grid) -> Rect {
    let (reach, rows) = (leg.reach(), grid.rows());
    let (x, y) = (
        reach.x.saturating_sub(FIRST_MARGIN),
        reach.y.saturating_sub(FIRST_MARGIN).max(rows.start),
    );
    Rect {
        x,
        y,
        width: (reach.right() + FIRST_MARGIN + 1).min(grid.width) - x,
        height: (reach.bottom() + FIRST_MARGIN + 1).min(rows.end) - y,
    }
}

/// A priority queue for the search's small whole-number priorities (Dial
/// 1969): a bucket of entries a priority, the lowest taken first and the
/// latest first within one, which sends the search deep along ties.
#[derive(Default)]
pub(super) struct Buckets {
    buckets: Vec<Vec<(u32, u32)>>,
    /// No entry is queued below `lowest`, none above `highest`.
    lowest: usize,
    highest: usize,
    len: usize,
}

impl Buckets {
    pub(super) fn clear(&mut self) {
        if let Some(used) = self.buckets.get_mut(self.lowest..=self.highest) {
            used.iter_mut().for_each(Vec::clear);
        }
        (self.lowest, self.highest, self.len) = (usize::MAX, 0, 0);
    }

    pub(super) fn push(&mut self, priority: u32, entry: (u32, u32)) {
        let priority = priority as usize;
        if priority >= self.buckets.len() {
            self.buckets.resize_with(priority + 1, Vec::new);
        }
        self.buckets[priority].push(entry);
        self.lowest = self.lowest.min(priority);
        self.highest = self.highest.max(priority);
        self.len += 1;
    }

    pub(super) fn pop(&mut self) -> Option<(u32, (u32, u32))> {
        if self.len == 0 {
            return None;
        }
        while self.buckets[self.lowest].is_empty() {
            self.lowest += 1;
        }
        self.len -= 1;
        let entry = self.buckets[self.lowest].pop()?;
        Some((self.lowest as u32, entry))
    }
}

//! Pattern routes: straight, L-, Z- and U-shaped paths tried before the
//! search. In the channels between ranks most nets need nothing more, and
//! checking a shape costs its length where a search costs the area it
//! explores. A shape is taken only if [`NetRouter::legal_path`] accepts it,
//! by the rules the search follows, so a pattern route is always one the
//! search could have found (if not always the cheapest).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::tracks::Trunk;
use super::{BEND, Goal, Leg, NetRouter, STEP, Terminal, corners};
use crate::layout::Point;
use crate::layout::grid::{Axis, Dir, Grid, NONE};

/// How many of the cheapest pairs of ports a route on the net's kept
/// lines is tried from (a wide box side has hundreds of ports).
const TRUNK_PAIRS_TRIED: usize = 256;

/// How many of the cheapest ports at each end the shapes are tried from.
const PORTS_TRIED: usize = 8;

/// The cells of a legal route of a simple shape for `leg`, if one fits.
pub(super) fn find(router: &NetRouter<'_>, grid: &Grid, leg: &Leg) -> Option<Vec<Point>> {
    match leg.goal.terminal {
        Terminal::Port(..) => to_port(router, grid, leg),
        Terminal::Net(_) => to_net(router, grid, &cheapest(&leg.starts, PORTS_TRIED), leg),
    }
}

/// Up to `limit` port cells, cheapest first (ties in border order).
fn cheapest(ports: &[(Point, u32)], limit: usize) -> Vec<Point> {
    let mut sorted = ports.to_vec();
    sorted.sort_by_key(|&(_, cost)| cost);
    sorted
        .into_iter()
        .take(limit)
        .map(|(point, _)| point)
        .collect()
}

/// Port to port: along the lines the track plan kept for the net, from any
/// pair of ports; else a straight line where ports line up, one bend (L),
/// or two (Z between ranks, U around to a side facing the same way).
fn to_port(router: &NetRouter<'_>, grid: &Grid, leg: &Leg) -> Option<Vec<Point>> {
    let (outward, goal) = (leg.outward, &leg.goal);
    let inward = goal.inward;
    let legal = |corners: &[Point]| router.legal_path(grid, corners, leg);
    // The kept lines run between ends that face each other across them.
    if let Some(trunk) = router.trunk.filter(|_| inward == outward) {
        // Every pair of ports, in the order of what the search would pay
        // for the route: port costs, bends and the length across.
        let axis = Axis::of(outward);
        let mut pairs: Vec<Reverse<(u32, Point, Point)>> = Vec::new();
        for &(start, start_cost) in &leg.starts {
            for &(end, end_cost) in &goal.ports {
                let jog = axis.across(start).abs_diff(axis.across(end)) as u32;
                let bends = if jog == 0 { 0 } else { 2 * BEND };
                pairs.push(Reverse((
                    start_cost + end_cost + bends + jog * STEP,
                    start,
                    end,
                )));
            }
        }
        // Mostly the first pair fits: a heap hands them out in order without
        // sorting them all.
        let mut pairs = BinaryHeap::from(pairs);
        for _ in 0..TRUNK_PAIRS_TRIED {
            let Some(Reverse((_, start, end))) = pairs.pop() else {
                break;
            };
            if let Some(cells) =
                on_trunk(trunk, start, outward, end).and_then(|corners| legal(&corners))
            {
                return Some(cells);
            }
        }
    }
    let (starts, ends) = (
        cheapest(&leg.starts, PORTS_TRIED),
        cheapest(&goal.ports, PORTS_TRIED),
    );
    for &start in &starts {
        for &end in &ends {
            if let Some(cells) = shapes(grid, start, outward, end, inward)
                .into_iter()
                .find_map(|corners| legal(&corners))
            {
                return Some(cells);
            }
        }
    }
    None
}

/// The corners of a route from `start` (left travelling `outward`) to `end`
/// along the net's kept lines (lines run across the axis the ports face
/// along), if the line lies between the ends.
fn on_trunk(trunk: Trunk, start: Point, outward: Dir, end: Point) -> Option<Vec<Point>> {
    let frame = Axis::of(outward);
    let (from, to) = (frame.along(start), frame.along(end));
    let corners = match trunk {
        Trunk::Straight(line) => {
            if line < from.min(to) || line > from.max(to) {
                return None;
            }
            vec![
                start,
                frame.at(line, frame.across(start)),
                frame.at(line, frame.across(end)),
                end,
            ]
        }
        Trunk::Around { out, side, back } => {
            let (first, second) = if outward.is_forward() {
                (out, back)
            } else {
                (back, out)
            };
            vec![
                start,
                frame.at(first, frame.across(start)),
                frame.at(first, side),
                frame.at(second, side),
                frame.at(second, frame.across(end)),
                end,
            ]
        }
    };
    Some(polyline(&corners))
}

/// Candidate corner lists from `start` (left travelling `outward`) to `end`
/// (reached travelling `inward`), simplest first.
fn shapes(grid: &Grid, start: Point, outward: Dir, end: Point, inward: Dir) -> Vec<Vec<Point>> {
    let frame = Axis::of(outward);
    let along = |point: Point| frame.along(point);
    let across = |point: Point| frame.across(point);
    let at = |along: usize, across: usize| frame.at(along, across);
    let forward = outward.is_forward();
    let ahead = |from: usize, to: usize| if forward { to >= from } else { to <= from };
    let mut found = Vec::new();
    if inward == outward {
        if !ahead(along(start), along(end)) {
            return found;
        }
        if across(start) == across(end) {
            found.push(vec![start, end]);
            return found;
        }
        // Z: the middle segment on any line between the two, the open
        // space between boxes first.
        let (low, high) = (along(start).min(along(end)), along(start).max(along(end)));
        let mut pivots: Vec<usize> = (low..=high).collect();
        if !forward {
            pivots.reverse();
        }
        pivots.sort_by_key(|&pivot| {
            in_a_box(grid, at(pivot, across(start))) || in_a_box(grid, at(pivot, across(end)))
        });
        for pivot in pivots.into_iter().take(PIVOTS_TRIED) {
            found.push(polyline(&[
                start,
                at(pivot, across(start)),
                at(pivot, across(end)),
                end,
            ]));
        }
    } else if inward == outward.opposite() {
        // U: out beyond both ends, across, and back.
        if across(start) == across(end) {
            return found;
        }
        let limit = frame.len(grid);
        let beyond = if forward {
            along(start).max(along(end))
        } else {
            along(start).min(along(end))
        };
        let reach = if forward { limit - 1 - beyond } else { beyond };
        for distance in 0..=reach.min(U_REACH) {
            let pivot = if forward {
                beyond + distance
            } else {
                beyond - distance
            };
            found.push(polyline(&[
                start,
                at(pivot, across(start)),
                at(pivot, across(end)),
                end,
            ]));
        }
    } else {
        // L: one bend where the two lines meet.
        let bend = at(along(end), across(start));
        let inward_axis = Axis::of(inward);
        let (then, towards) = (inward_axis.along(bend), inward_axis.along(end));
        let reaches = if inward.is_forward() {
            towards >= then
        } else {
            towards <= then
        };
        if ahead(along(start), along(end)) && reaches {
            found.push(polyline(&[start, bend, end]));
        }
    }
    found
}

/// How many lines a Z-shaped route's middle segment is tried on, for each
/// pair of ports (a tall channel has hundreds; the search does better
/// where the first few are all blocked).
const PIVOTS_TRIED: usize = 24;

/// How far beyond both ends a U-shaped route is tried.
const U_REACH: usize = 8;

/// Port to the net's own lines (a bus branch): straight on until a line of
/// the net, or one bend onto it, on the net's track first.
fn to_net(router: &NetRouter<'_>, grid: &Grid, starts: &[Point], leg: &Leg) -> Option<Vec<Point>> {
    let (outward, goal) = (leg.outward, &leg.goal);
    let axis = Axis::of(outward);
    // A line level with the net's lines, from which a walk across may meet them.
    let (first, last) = axis.along_extent(goal.bounds);
    let level = |point: Point| axis.along(point) + 1 >= first && axis.along(point) <= last + 1;
    let (left, right) = if axis.is_vertical() {
        (Dir::Left, Dir::Right)
    } else {
        (Dir::Up, Dir::Down)
    };
    let planned_line = match router.trunk {
        Some(Trunk::Straight(line)) => Some(line),
        _ => None,
    };
    for &start in starts {
        // Walk out of the port: each cell of the walk is a place to turn.
        let mut walk = vec![start];
        let mut point = start;
        while let Some(next) = grid.step(point, outward) {
            if let Some(joined) = goal.joins(router, grid, next, outward) {
                walk.push(next);
                if joined && let Some(path) = router.legal_path(grid, &corners(&walk), leg) {
                    return Some(path);
                }
                walk.pop();
                break;
            }
            if router.step_cost(grid, next, outward).is_none() || !toward(point, outward, goal) {
                break;
            }
            walk.push(next);
            point = next;
        }
        let mut turns: Vec<usize> = (0..walk.len())
            .filter(|&index| level(walk[index]))
            .collect();
        turns.sort_by_key(|&index| Some(axis.along(walk[index])) != planned_line);
        for index in turns {
            for side in [left, right] {
                if let Some(path) = walk_to_net(router, grid, &walk[..=index], side, goal)
                    .and_then(|cells| router.legal_path(grid, &corners(&cells), leg))
                {
                    return Some(path);
                }
            }
        }
    }
    None
}

/// From the end of `walk`, straight on in `dir` until the net's lines:
/// the whole path if they are met where a junction can be made.
fn walk_to_net(
    router: &NetRouter<'_>,
    grid: &Grid,
    walk: &[Point],
    dir: Dir,
    goal: &Goal,
) -> Option<Vec<Point>> {
    let mut point = *walk.last().expect("a walk has a cell");
    let mut cells = walk.to_vec();
    loop {
        if !toward(point, dir, goal) {
            return None;
        }
        let next = grid.step(point, dir)?;
        cells.push(next);
        match goal.joins(router, grid, next, dir) {
            Some(true) => return Some(cells),
            Some(false) => return None,
            None => {}
        }
        router.step_cost(grid, next, dir)?;
        point = next;
    }
}

/// Whether a step from `point` in `dir` can still bring a route nearer the
/// goal's bounds along that axis.
fn toward(point: Point, dir: Dir, goal: &Goal) -> bool {
    let bounds = goal.bounds;
    match dir {
        Dir::Up => point.y > bounds.y,
        Dir::Down => point.y < bounds.bottom(),
        Dir::Left => point.x > bounds.x,
        Dir::Right => point.x < bounds.right(),
    }
}

fn in_a_box(grid: &Grid, point: Point) -> bool {
    grid.cell(point).owner != NONE
}

/// A polyline through `points`, a point repeated in a row kept once (a
/// shape whose bend falls on its start or end).
fn polyline(points: &[Point]) -> Vec<Point> {
    let mut kept = points.to_vec();
    kept.dedup();
    kept
}

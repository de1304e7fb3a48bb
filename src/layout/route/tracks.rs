//! The track plan: before any net is routed, each net whose ends face each
//! other across a channel gets a line of that channel to itself (a row
//! going down, a column going right), over the whole span of its ends.
//!
//! This is the left-edge algorithm of channel routing (Hashimoto and
//! Stevens, 1971): nets sorted by where their span starts, each taking the
//! first line whose kept spans it does not touch. Other nets may cross a
//! kept span but not run along it, so the net's trunk (the middle of a Z,
//! or the line a bus's branches join) finds its line free when its turn
//! comes, however many nets were routed before it. Without the plan,
//! earlier routes fill the channel's lines piece by piece and later nets
//! are left to a slow search, or find no way at all.
//!
//! An edge whose ends have boxes between them that no line avoids (an
//! edge skipping a full-width layer) gets a way around instead: a line
//! past its leaving end out to beyond every box, a line there along the
//! diagram, and a line back in before its entered end.

use super::NONE;
use crate::layout::grid::{Axis, Grid};
use crate::layout::place::{Placement, PlannedNet};
use crate::layout::tree::Tree;
use crate::layout::{Point, Side};
use crate::model::{Direction, NodeId};

/// The lines kept for a net's trunk. Lines are rows going down and columns
/// going right; `side` runs the other way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Trunk {
    /// One line between the ends.
    Straight(usize),
    /// Out along line `out`, along `side` beyond every box, back along `back`.
    Around {
        out: usize,
        side: usize,
        back: usize,
    },
}

/// Keeps lines for every net that crosses a channel, marking them on the
/// grid (`Cell::kept_horizontal`, `Cell::kept_vertical`); returns each
/// planned net's trunk.
pub(super) fn plan(placement: &Placement, tree: &Tree, grid: &mut Grid) -> Vec<Option<Trunk>> {
    let axis = Axis::of_ranks(placement.direction);
    // How far each box's lines reach, forward and back, asked once a box:
    // most boxes have several nets.
    let mut reaches = vec![[None; 2]; placement.box_of.len()];
    let mut wanted: Vec<Want> = Vec::new();
    for (net, planned) in placement.nets.iter().enumerate() {
        wanted.extend(want(
            placement,
            tree,
            grid,
            axis,
            (net, planned),
            &mut reaches,
        ));
    }
    wanted.sort_by_key(|want| (want.low, want.net));

    let mut lines = Lines {
        open: vec![None; axis.len(grid)],
        kept: vec![Vec::new(); axis.len(grid)],
        sides: vec![Vec::new(); axis.across_len(grid)],
        first_side: axis.across(Point {
            x: placement.width,
            y: placement.height,
        }) + 1,
    };
    let mut trunks = vec![None; placement.nets.len()];
    for want in wanted {
        let trunk = if want.reach.0 <= want.reach.1 {
            lines.straight(grid, axis, &want)
        } else {
            lines.around(grid, axis, &want)
        };
        if let Some(trunk) = trunk {
            keep(grid, axis, &want, trunk);
            trunks[want.net] = Some(trunk);
        }
    }
    trunks
}

/// A net that wants lines kept: the lines beside its ends' boxes, the lines
/// every end can reach straight out of its box (`reach`, empty if boxes lie
/// between), the span across its ports, and the box whose open interior a
/// trunk must run through (`NONE` for the top level).
struct Want {
    net: usize,
    beside: (usize, usize),
    reach: (usize, usize),
    /// For an edge with boxes between its ends: its leaving end, then its
    /// entered end.
    ends: Option<[EndReach; 2]>,
    low: usize,
    high: usize,
    owner: u32,
    /// A labelled net keeps the line before its trunk too, for its label.
    labelled: bool,
}

/// The lines an end reaches straight out of its box (first, last), and
/// the span across its ports.
type EndReach = ((usize, usize), (usize, usize));

/// The lines a net wants, if all its ends face each other across a gap:
/// some leave forward (down or right), the rest enter from behind, and
/// every leaving box ends before every entered box begins.
fn want(
    placement: &Placement,
    tree: &Tree,
    grid: &Grid,
    axis: Axis,
    (net, planned): (usize, &PlannedNet),
    reaches: &mut [[Option<Option<usize>>; 2]],
) -> Option<Want> {
    let ends = &planned.ends;
    let (forward, backward) = facing_sides(placement.direction);
    let rect = |node: NodeId| placement.boxes[placement.box_of[node.index()]].rect;
    let mut beside = (None::<usize>, None::<usize>);
    let mut reach = (0, usize::MAX);
    let (mut low, mut high) = (usize::MAX, 0);
    let mut spans = Vec::new();
    for &(node, side, _) in ends {
        let (start, end) = axis.along_extent(rect(node));
        let (across_start, across_end) = axis.across_extent(rect(node));
        let middle = (across_start + across_end) / 2;
        // Straight out of the box's far side (forward) or near side (back).
        let mut reach_from = |ahead: bool| {
            let from = if ahead { end } else { start };
            *reaches[node.index()][usize::from(ahead)].get_or_insert_with(|| {
                reachable(placement, tree, grid, axis, node, middle, from, ahead)
            })
        };
        let reached = if side == forward {
            beside.0 = Some(beside.0.map_or(end + 1, |first| first.max(end + 1)));
            let last = reach_from(true)?;
            reach.1 = reach.1.min(last);
            (end + 1, last)
        } else if side == backward {
            let before = start.checked_sub(1)?;
            beside.1 = Some(beside.1.map_or(before, |last| last.min(before)));
            let first = reach_from(false)?;
            reach.0 = reach.0.max(first);
            (first, before)
        } else {
            return None;
        };
        spans.push((reached, (across_start + 1, across_end - 1)));
        low = low.min(across_start + 1);
        high = high.max(across_end - 1);
    }
    let beside = (beside.0?, beside.1?);
    if beside.0 > beside.1 {
        return None;
    }
    let reach = (reach.0.max(beside.0), reach.1.min(beside.1));
    let container = tree.lowest_common_container(ends.iter().map(|&(node, _, _)| node));
    let owner = container.map_or(NONE, |node| placement.box_of[node.index()] as u32);
    // Only a two-ended net at the top level goes around, beyond every box.
    let two_ended_at_top = spans.len() == 2 && owner == NONE && ends[0].1 == forward;
    if reach.0 > reach.1 && !two_ended_at_top {
        return None;
    }
    Some(Want {
        net,
        beside,
        reach,
        ends: two_ended_at_top.then(|| [spans[0], spans[1]]),
        low,
        high,
        owner,
        labelled: planned.label.is_some(),
    })
}

/// The farthest line a route can reach going straight out of `node`'s box
/// from its side at line `from` (forward: down or right), through open
/// space and the containers around the node only.
#[allow(clippy::too_many_arguments)]
fn reachable(
    placement: &Placement,
    tree: &Tree,
    grid: &Grid,
    axis: Axis,
    node: NodeId,
    across: usize,
    from: usize,
    forward: bool,
) -> Option<usize> {
    let allowed = |line: usize| {
        let owner = grid.cell(axis.at(line, across)).owner;
        owner == NONE || tree.contains(placement.boxes[owner as usize].node, node)
    };
    let mut line = from;
    loop {
        let next = if forward {
            (line + 1 < axis.len(grid)).then_some(line + 1)
        } else {
            line.checked_sub(1)
        };
        match next {
            Some(next) if allowed(next) => line = next,
            _ => break,
        }
    }
    (line != from).then_some(line)
}

/// What is known of the lines while planning.
struct Lines {
    /// Each line's open runs, found when first asked for.
    open: Vec<Option<Vec<Run>>>,
    /// The spans kept on each line (with a cell of margin).
    kept: Vec<Vec<(usize, usize)>>,
    /// The spans kept along each `side` line, beyond every box.
    sides: Vec<Vec<(usize, usize)>>,
    /// The first `side` line past every box (with a cell between).
    first_side: usize,
}

impl Lines {
    /// Whether `line` is open from `low` to `high` inside `owner` and no
    /// kept span touches that stretch.
    fn is_free(
        &mut self,
        grid: &Grid,
        axis: Axis,
        line: usize,
        (low, high): (usize, usize),
        owner: u32,
    ) -> bool {
        // Runs are disjoint and in order: only the one holding `low` can do.
        let runs = self.runs(grid, axis, line);
        let open = runs
            .get(runs.partition_point(|run| run.end < low))
            .is_some_and(|run| run.owner == owner && run.start <= low && run.end >= high);
        open && !overlaps(&self.kept[line], (low, high))
    }

    fn runs(&mut self, grid: &Grid, axis: Axis, line: usize) -> &[Run] {
        self.open[line].get_or_insert_with(|| open_runs(grid, axis, line))
    }

    /// Whether `line` is open (of any box) from `low` to `high`: no border
    /// or text there.
    fn is_open(
        &mut self,
        grid: &Grid,
        axis: Axis,
        line: usize,
        (low, high): (usize, usize),
    ) -> bool {
        let mut covered = low;
        let runs = self.runs(grid, axis, line);
        for run in &runs[runs.partition_point(|run| run.end < low)..] {
            if run.start > covered {
                break;
            }
            covered = covered.max(run.end + 1);
        }
        covered > high
    }

    fn straight(&mut self, grid: &Grid, axis: Axis, want: &Want) -> Option<Trunk> {
        // Lines next to a border come last: a trunk there would crowd the
        // ports and crossings on that border, and leave no room for a
        // label beside it.
        let (first, last) = want.reach;
        let span = (want.low - 1, want.high + 1);
        let mut candidates: Vec<(bool, usize)> = Vec::new();
        for line in first..=last {
            let next_to_border = line == want.beside.0
                || line == want.beside.1
                || [line.checked_sub(1), Some(line + 1)]
                    .into_iter()
                    .flatten()
                    .any(|next| next >= axis.len(grid) || !self.is_open(grid, axis, next, span));
            candidates.push((next_to_border, line));
        }
        candidates.sort_unstable();
        // A label goes on the line before the trunk, where other trunks
        // then cannot run.
        let label_line = |line: usize| line.checked_sub(1).filter(|_| want.labelled);
        let line = candidates.into_iter().map(|(_, line)| line).find(|&line| {
            self.is_free(grid, axis, line, span, want.owner)
                && label_line(line).is_none_or(|before| {
                    before >= first && self.is_free(grid, axis, before, span, want.owner)
                })
        })?;
        self.kept[line].push(span);
        if let Some(before) = label_line(line) {
            self.kept[before].push(span);
        }
        Some(Trunk::Straight(line))
    }

    /// Out, along a side line past every box, and back in.
    fn around(&mut self, grid: &Grid, axis: Axis, want: &Want) -> Option<Trunk> {
        let [(out_lines, out_span), (back_lines, back_span)] = want.ends?;
        // A few side lines, nearest first: past them the diagram only grows.
        for side in (self.first_side..axis.across_len(grid)).take(SIDE_LINES_TRIED) {
            let out = (out_lines.0..=out_lines.1)
                .find(|&line| self.is_free(grid, axis, line, (out_span.0 - 1, side + 1), NONE));
            let back = (back_lines.0..=back_lines.1)
                .rev()
                .find(|&line| self.is_free(grid, axis, line, (back_span.0 - 1, side + 1), NONE));
            let (Some(out), Some(back)) = (out, back) else {
                continue;
            };
            let along = (out - 1, back + 1);
            if overlaps(&self.sides[side], along) {
                continue;
            }
            self.kept[out].push((out_span.0 - 1, side + 1));
            self.kept[back].push((back_span.0 - 1, side + 1));
            self.sides[side].push(along);
            return Some(Trunk::Around { out, side, back });
        }
        None
    }
}

/// Whether any of `spans` shares a cell with `span`.
fn overlaps(spans: &[(usize, usize)], (low, high): (usize, usize)) -> bool {
    spans
        .iter()
        .any(|&(start, end)| start <= high && end >= low)
}

/// How many side lines a way around tries.
pub(super) const SIDE_LINES_TRIED: usize = 64;

/// Marks a trunk's lines on the grid as kept for the net.
fn keep(grid: &mut Grid, axis: Axis, want: &Want, trunk: Trunk) {
    let net = want.net as u32;
    // Lines run across the rank axis; `side` lines along it.
    let mark = |grid: &mut Grid, line: usize, from: usize, to: usize, along_line: bool| {
        let horizontal = along_line == axis.is_vertical();
        for across in from..=to {
            let point = if along_line {
                axis.at(line, across)
            } else {
                axis.at(across, line)
            };
            let cell = grid.cell_mut(point);
            if horizontal {
                cell.kept_horizontal = net;
            } else {
                cell.kept_vertical = net;
            }
        }
    };
    match trunk {
        Trunk::Straight(line) => mark(grid, line, want.low, want.high, true),
        Trunk::Around { out, side, back } => {
            let [(_, out_span), (_, back_span)] = want.ends.expect("a way around has two ends");
            mark(grid, out, out_span.0, side, true);
            mark(grid, back, back_span.0, side, true);
            mark(grid, side, out, back, false);
        }
    }
}

/// A stretch of a line where a trunk may run: open cells (no border, no
/// text) all directly inside one box (or outside every box). A line's runs
/// are disjoint and in order.
#[derive(Clone, Copy)]
struct Run {
    start: usize,
    end: usize,
    owner: u32,
}

fn open_runs(grid: &Grid, axis: Axis, line: usize) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    for across in 0..axis.across_len(grid) {
        let cell = grid.cell(axis.at(line, across));
        if cell.border || cell.text || cell.header {
            continue;
        }
        match runs.last_mut() {
            Some(run) if run.end + 1 == across && run.owner == cell.owner => run.end = across,
            _ => runs.push(Run {
                start: across,
                end: across,
                owner: cell.owner,
            }),
        }
    }
    runs
}

/// The side ends leave by going forward along the rank axis, and the side
/// they enter by.
fn facing_sides(direction: Direction) -> (Side, Side) {
    match direction {
        Direction::Down => (Side::Bottom, Side::Top),
        Direction::Right => (Side::Right, Side::Left),
    }
}

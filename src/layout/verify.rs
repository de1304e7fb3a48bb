//! The layout's invariants (see [`Layout`]), checked in debug builds after
//! every layout. A failure here is a bug in the layout, never in the input.

use super::{Layout, path_cells};
use crate::model::Model;

pub fn check(model: &Model, layout: &Layout) {
    if !cfg!(debug_assertions) {
        return;
    }
    let edge_count: usize = layout.nets.iter().map(|net| net.edges.len()).sum();
    assert_eq!(
        edge_count,
        model.edges().len(),
        "every edge is in exactly one net"
    );
    for (index, placed) in layout.boxes.iter().enumerate() {
        let rect = placed.rect;
        assert!(
            rect.width >= 3 && rect.height >= 3,
            "box {} is at least 3x3",
            placed.id
        );
        assert!(
            rect.right() < layout.width && rect.bottom() < layout.height,
            "box {} is on the grid",
            placed.id
        );
        if let Some(parent) = placed.parent {
            let outer = layout.boxes[parent].rect;
            assert!(
                outer.x < rect.x
                    && outer.y < rect.y
                    && rect.right() < outer.right()
                    && rect.bottom() < outer.bottom(),
                "box {} lies inside its container",
                placed.id
            );
        }
        for sibling in &layout.boxes[index + 1..] {
            if sibling.parent == placed.parent {
                let other = sibling.rect;
                let apart = rect.right() + 1 < other.x
                    || other.right() + 1 < rect.x
                    || rect.bottom() + 1 < other.y
                    || other.bottom() + 1 < rect.y;
                assert!(apart, "boxes {} and {} do not touch", placed.id, sibling.id);
            }
        }
        for run in &placed.text {
            assert!(
                run.at.x > rect.x + 1 && run.at.y > rect.y && run.at.y < rect.bottom(),
                "text of {} is inside",
                placed.id
            );
        }
    }
    let mut seen = std::collections::HashMap::new();
    for (index, net) in layout.nets.iter().enumerate() {
        for path in &net.paths {
            for pair in path.windows(2) {
                assert!(
                    pair[0].x == pair[1].x || pair[0].y == pair[1].y,
                    "paths are orthogonal"
                );
            }
            for cell in path_cells(path) {
                if let Some(&other) = seen.get(&cell) {
                    assert!(
                        other == index || crosses(layout, other, index, cell),
                        "nets {other} and {index} share {cell:?}"
                    );
                }
                seen.insert(cell, index);
            }
        }
    }
}

/// Whether two nets cross at `cell` at a right angle (each straight there).
fn crosses(layout: &Layout, first: usize, second: usize, cell: super::Point) -> bool {
    let straight = |net: usize| -> Option<bool> {
        for path in &layout.nets[net].paths {
            let cells = path_cells(path);
            if let Some(at) = cells.iter().position(|&c| c == cell) {
                if at == 0 || at + 1 == cells.len() {
                    return None;
                }
                let (before, after) = (cells[at - 1], cells[at + 1]);
                if before.x == after.x {
                    return Some(true);
                }
                if before.y == after.y {
                    return Some(false);
                }
                return None;
            }
        }
        None
    };
    matches!((straight(first), straight(second)), (Some(a), Some(b)) if a != b)
}

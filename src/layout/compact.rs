//! Compaction: the last phase, after routing.
//!
//! Reads a [`Layout`]; returns it with every run of rows that hold nothing
//! but vertical lines passing through (of routes and of box sides) cut down
//! to its first row. Channels are sized before routing knows how many lines
//! each will carry, so a dense diagram is left with such runs; they say
//! nothing, and a reader has to scroll past them.
//!
//! A run keeps one row, so nothing that was apart comes to touch, and no
//! turn, junction, port, border, text or label lies on a removed row: every
//! line only gets shorter, and every invariant of `Layout` still holds.

use super::{Layout, Point, Rect};

/// `layout` without the rows that repeat a row of vertical lines only.
pub fn rows(mut layout: Layout) -> Layout {
    let busy = busy_rows(&layout);
    // The new row of each old one; a removed row maps to the row above it.
    let mut new_row = Vec::with_capacity(layout.height);
    let mut next = 0;
    for row in 0..layout.height {
        let removed = row > 0 && !busy[row] && !busy[row - 1];
        if removed {
            new_row.push(next - 1);
        } else {
            new_row.push(next);
            next += 1;
        }
    }
    if next == layout.height {
        return layout;
    }
    let moved = |point: Point| Point {
        x: point.x,
        y: new_row[point.y],
    };
    if let Some(title) = &mut layout.title {
        title.at = moved(title.at);
    }
    for placed in &mut layout.boxes {
        let (top, bottom) = (new_row[placed.rect.y], new_row[placed.rect.bottom()]);
        placed.rect = Rect {
            y: top,
            height: bottom - top + 1,
            ..placed.rect
        };
        for run in &mut placed.text {
            run.at = moved(run.at);
        }
    }
    for net in &mut layout.nets {
        for point in net.paths.iter_mut().flatten() {
            *point = moved(*point);
        }
        for end in &mut net.ends {
            end.port = moved(end.port);
        }
        if let Some(label) = &mut net.label {
            label.at = moved(label.at);
        }
    }
    layout.height = next;
    layout
}

/// Whether each row holds anything but vertical lines passing through:
/// a box's top or bottom border, text, a label, or a route's turn or end.
fn busy_rows(layout: &Layout) -> Vec<bool> {
    let mut busy = vec![false; layout.height];
    for run in layout.texts() {
        busy[run.at.y] = true;
    }
    for placed in &layout.boxes {
        busy[placed.rect.y] = true;
        busy[placed.rect.bottom()] = true;
    }
    for net in &layout.nets {
        for point in net.paths.iter().flatten() {
            busy[point.y] = true;
        }
        for end in &net.ends {
            busy[end.port.y] = true;
        }
    }
    busy
}

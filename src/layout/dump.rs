//! A plain-text dump of a [`Layout`], for snapshot tests: one line a box,
//! net and label, in layout order, so a change in geometry shows as a
//! readable diff.

use std::fmt::Write as _;

use super::{Layout, Side};

pub fn dump(layout: &Layout) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "size {}x{}", layout.width, layout.height);
    if let Some(title) = &layout.title {
        let _ = writeln!(
            out,
            "title {:?} at {},{}",
            title.text, title.at.x, title.at.y
        );
    }
    for placed in &layout.boxes {
        let rect = placed.rect;
        let kind = if placed.is_container {
            "container"
        } else {
            "box"
        };
        let _ = writeln!(
            out,
            "{kind} {} {:?} at {},{} size {}x{}",
            placed.id, placed.shape, rect.x, rect.y, rect.width, rect.height
        );
    }
    for (index, net) in layout.nets.iter().enumerate() {
        let ends: Vec<String> = net
            .ends
            .iter()
            .map(|end| {
                let side = match end.side {
                    Side::Top => "top",
                    Side::Bottom => "bottom",
                    Side::Left => "left",
                    Side::Right => "right",
                };
                let box_id = &layout
                    .boxes
                    .iter()
                    .find(|placed| placed.node == end.node)
                    .expect("ends are boxes")
                    .id;
                let arrow = if end.arrow { " arrow" } else { "" };
                format!("{box_id}.{side}@{},{}{arrow}", end.port.x, end.port.y)
            })
            .collect();
        let _ = writeln!(out, "net {index} {:?} ends {}", net.style, ends.join(" "));
        for path in &net.paths {
            let points: Vec<String> = path
                .iter()
                .map(|point| format!("{},{}", point.x, point.y))
                .collect();
            let _ = writeln!(out, "  path {}", points.join(" "));
        }
        if let Some(label) = &net.label {
            let _ = writeln!(
                out,
                "  label {:?} at {},{}",
                label.text, label.at.x, label.at.y
            );
        }
    }
    out
}

//! The SVG's `<desc>`: the diagram in words, for screen readers.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::layout::{Layout, PlacedBox};
use crate::model::{EdgeStyle, NodeId};

/// The diagram in words, for screen readers: what each container holds,
/// then every edge with its label.
pub(super) fn describe(layout: &Layout) -> String {
    let name = |placed: &PlacedBox| {
        placed.text[..placed.label_lines]
            .iter()
            .map(|run| run.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let names: BTreeMap<NodeId, String> = layout
        .boxes
        .iter()
        .map(|placed| (placed.node, name(placed)))
        .collect();
    let mut sentences = Vec::new();
    let top_level: Vec<String> = layout
        .boxes
        .iter()
        .filter(|placed| placed.parent.is_none())
        .map(name)
        .collect();
    sentences.push(format!("The diagram shows {}.", listed(&top_level)));
    for (index, container) in layout.boxes.iter().enumerate() {
        let children: Vec<String> = layout
            .boxes
            .iter()
            .filter(|placed| placed.parent == Some(index))
            .map(name)
            .collect();
        if container.is_container && !children.is_empty() {
            sentences.push(format!("{} holds {}.", name(container), listed(&children)));
        }
    }
    for net in &layout.nets {
        let ends = |arrow: bool| -> Vec<String> {
            net.ends
                .iter()
                .filter(|end| end.arrow == arrow)
                .map(|end| names[&end.node].clone())
                .collect()
        };
        let (sources, targets) = (ends(false), ends(true));
        let mut sentence = if targets.is_empty() {
            format!("{} are connected", listed(&sources))
        } else if sources.is_empty() {
            format!("{} point at each other", listed(&targets))
        } else {
            format!("{} to {}", listed(&sources), listed(&targets))
        };
        match net.style {
            EdgeStyle::Solid => {}
            EdgeStyle::Dashed => sentence.push_str(", dashed"),
            EdgeStyle::Thick => sentence.push_str(", thick"),
        }
        if let Some(label) = &net.label {
            let _ = write!(sentence, ", labelled \u{201c}{}\u{201d}", label.text);
        }
        sentences.push(format!("{sentence}."));
    }
    sentences.join(" ")
}

/// `a`, `a and b`, `a, b and c`.
fn listed(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_english() {
        let items = |names: &[&str]| {
            names
                .iter()
                .map(|name| name.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(listed(&items(&["a"])), "a");
        assert_eq!(listed(&items(&["a", "b"])), "a and b");
        assert_eq!(listed(&items(&["a", "b", "c"])), "a, b and c");
    }
}

//! How much of a drawing a small edit changes: a 30-component layered
//! diagram is drawn before and after one edit, and the share of the old
//! drawing's lines that survive unchanged (in order, by longest common
//! subsequence) is printed as a Markdown table.
//!
//! `cargo bench --bench edit_stability`

use std::fmt::Write as _;

use strata::layout::{LayoutOptions, layout};
use strata::render::{Charset, text};

/// Layer sizes of the base diagram: 30 components.
const LAYERS: [usize; 4] = [8, 8, 8, 6];

/// One edit: a name and what it adds to the base source's declarations
/// (inside layer `l{layer}`) and to its edges.
struct Edit {
    name: &'static str,
    layer: usize,
    component: Option<&'static str>,
    edge: Option<&'static str>,
}

const EDITS: [Edit; 5] = [
    Edit {
        name: "add a component with one edge",
        layer: 1,
        component: Some("added \"New Service\""),
        edge: Some("c1_0 -> added"),
    },
    Edit {
        name: "add a component without edges to a widest layer",
        layer: 1,
        component: Some("added \"New Service\""),
        edge: None,
    },
    Edit {
        name: "add a component without edges to a narrower layer",
        layer: 3,
        component: Some("added \"New Service\""),
        edge: None,
    },
    Edit {
        name: "add one edge",
        layer: 1,
        component: None,
        edge: Some("c0_1 -> c1_6"),
    },
    Edit {
        name: "add a labelled edge",
        layer: 1,
        component: None,
        edge: Some("c2_2 -> c3_4 : \"gRPC\""),
    },
];

/// The base diagram, with `edit` applied if given.
fn source(edit: Option<&Edit>) -> String {
    let mut source = String::from("title \"Thirty\"\n");
    for (layer, &count) in LAYERS.iter().enumerate() {
        let _ = writeln!(source, "layer l{layer} \"Layer {layer}\" {{");
        for index in 0..count {
            let _ = writeln!(source, "  c{layer}_{index} \"Service {layer}.{index}\"");
        }
        if let Some(edit) = edit.filter(|edit| edit.layer == layer)
            && let Some(component) = edit.component
        {
            let _ = writeln!(source, "  {component}");
        }
        source.push_str("}\n");
    }
    // Each component points at one or two in the next layer, spread out.
    for layer in 0..LAYERS.len() - 1 {
        let next = LAYERS[layer + 1];
        for index in 0..LAYERS[layer] {
            let _ = writeln!(
                source,
                "c{layer}_{index} -> c{}_{}",
                layer + 1,
                (index * 3 + 1) % next
            );
            if index % 3 == 0 {
                let _ = writeln!(
                    source,
                    "c{layer}_{index} -> c{}_{}",
                    layer + 1,
                    (index + 5) % next
                );
            }
        }
    }
    if let Some(edge) = edit.and_then(|edit| edit.edge) {
        let _ = writeln!(source, "{edge}");
    }
    source
}

fn draw(source: &str) -> String {
    let model = strata::compile(source).expect("the generated source is valid");
    let placed = layout(&model, &LayoutOptions::default()).expect("the layout finds room");
    text(&placed, Charset::Unicode)
}

/// The length of the longest common subsequence of two line lists.
fn common_lines(old: &[&str], new: &[&str]) -> usize {
    let mut row = vec![0usize; new.len() + 1];
    for old_line in old {
        let mut diagonal = 0;
        for (index, new_line) in new.iter().enumerate() {
            let above = row[index + 1];
            row[index + 1] = if old_line == new_line {
                diagonal + 1
            } else {
                above.max(row[index])
            };
            diagonal = above;
        }
    }
    row[new.len()]
}

fn main() {
    let before = draw(&source(None));
    let old: Vec<&str> = before.lines().collect();
    println!("| edit | lines before | lines after | unchanged | changed |");
    println!("|---|---|---|---|---|");
    for edit in &EDITS {
        let after = draw(&source(Some(edit)));
        let new: Vec<&str> = after.lines().collect();
        let kept = common_lines(&old, &new);
        let share = kept as f64 / old.len() as f64 * 100.0;
        println!(
            "| {} | {} | {} | {kept} ({share:.0}%) | {:.0}% |",
            edit.name,
            old.len(),
            new.len(),
            100.0 - share
        );
    }
}

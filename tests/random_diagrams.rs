//! Random diagrams, drawn and read back: for every generated source, both
//! charsets' drawings must read back (through `strata::verify`) as exactly
//! the model. Layers, groups nested up to three deep, 1 to 60 components,
//! random edges (cycles, fans, container ends, all operators and styles),
//! rows, and labels with wide characters. Every SVG must agree with the
//! text drawing (each box where the text has its corners), and every 25th
//! diagram's PNG too (background, fills and ink at every cell's centre).

mod common;

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use strata::layout::{LayoutOptions, layout};
use strata::render::{Charset, PngOptions, SvgOptions, text};

/// A node of a generated diagram: its container (an earlier node) and kind.
#[derive(Clone, Debug)]
struct PlannedNode {
    parent: Option<usize>,
    kind: Kind,
    label: String,
    bullets: usize,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Layer,
    Group,
    Component,
}

const WORDS: &[&str] = &[
    "api",
    "Web App",
    "数据库",
    "キャッシュ",
    "queue 📦",
    "auth",
    "Service B",
    "日志",
    "edge",
    "db",
];
const OPERATORS: &[&str] = &["->", "<-", "<->", "--"];
const STYLES: &[&str] = &["", " [style=dashed]", " [style=thick]"];

fn nodes() -> impl Strategy<Value = Vec<PlannedNode>> {
    let layer_count = 0..4usize;
    let group_specs = proptest::collection::vec((any::<prop::sample::Index>(), 0..3usize), 0..5);
    let components = proptest::collection::vec(
        (any::<prop::sample::Index>(), 0..WORDS.len(), 0..3usize),
        1..61,
    );
    (layer_count, group_specs, components).prop_map(|(layers, groups, components)| {
        let mut nodes: Vec<PlannedNode> = (0..layers)
            .map(|index| PlannedNode {
                parent: None,
                kind: Kind::Layer,
                label: format!("Layer {index}"),
                bullets: 0,
            })
            .collect();
        // Groups go in a layer, another group (at most three deep) or the top.
        for (index, (place, _)) in groups.iter().enumerate() {
            let containers: Vec<usize> = (0..nodes.len())
                .filter(|&node| depth(&nodes, node) < 2)
                .collect();
            let parent = if containers.is_empty() || place.index(3) == 0 {
                None
            } else {
                Some(containers[place.index(containers.len())])
            };
            nodes.push(PlannedNode {
                parent,
                kind: Kind::Group,
                label: format!("Group {index}"),
                bullets: 0,
            });
        }
        let containers = nodes.len();
        for (index, (place, word, bullets)) in components.iter().enumerate() {
            let parent = if containers == 0 || place.index(5) == 0 {
                None
            } else {
                Some(place.index(containers))
            };
            nodes.push(PlannedNode {
                parent,
                kind: Kind::Component,
                label: format!("{} {index}", WORDS[*word]),
                bullets: usize::from(*bullets == 2),
            });
        }
        nodes
    })
}

fn depth(nodes: &[PlannedNode], mut node: usize) -> usize {
    let mut depth = 0;
    while let Some(parent) = nodes[node].parent {
        depth += 1;
        node = parent;
    }
    depth
}

fn is_ancestor(nodes: &[PlannedNode], ancestor: usize, mut node: usize) -> bool {
    while let Some(parent) = nodes[node].parent {
        if parent == ancestor {
            return true;
        }
        node = parent;
    }
    false
}

/// Source text for planned nodes and edges (edges between invalid pairs are skipped).
fn source(
    nodes: &[PlannedNode],
    edges: &[(
        prop::sample::Index,
        prop::sample::Index,
        usize,
        usize,
        Option<usize>,
    )],
    row: bool,
) -> String {
    let mut out = String::from("title \"Random\"\n");
    fn write(out: &mut String, nodes: &[PlannedNode], node: usize, indent: usize) {
        let pad = "  ".repeat(indent);
        let keyword = match nodes[node].kind {
            Kind::Layer => "layer ",
            Kind::Group => "group ",
            Kind::Component => "",
        };
        out.push_str(&format!("{pad}{keyword}n{node} \"{}\"", nodes[node].label));
        let children: Vec<usize> = (0..nodes.len())
            .filter(|&child| nodes[child].parent == Some(node))
            .collect();
        if children.is_empty() && nodes[node].bullets == 0 {
            out.push('\n');
            return;
        }
        out.push_str(" {\n");
        for bullet in 0..nodes[node].bullets {
            out.push_str(&format!("{pad}  - \"note {bullet}\"\n"));
        }
        for child in children {
            write(out, nodes, child, indent + 1);
        }
        out.push_str(&format!("{pad}}}\n"));
    }
    for node in (0..nodes.len()).filter(|&node| nodes[node].parent.is_none()) {
        write(&mut out, nodes, node, 0);
    }
    for (from, to, operator, style, label) in edges {
        let (from, to) = (from.index(nodes.len()), to.index(nodes.len()));
        if from == to || is_ancestor(nodes, from, to) || is_ancestor(nodes, to, from) {
            continue;
        }
        out.push_str(&format!("n{from} {} n{to}", OPERATORS[*operator]));
        if let Some(word) = label {
            out.push_str(&format!(" : \"{}\"", WORDS[*word]));
        }
        out.push_str(STYLES[*style]);
        out.push('\n');
    }
    if row {
        // Two sibling components side by side, when there are such.
        let pair = (0..nodes.len())
            .flat_map(|a| (a + 1..nodes.len()).map(move |b| (a, b)))
            .find(|&(a, b)| {
                nodes[a].kind == Kind::Component
                    && nodes[b].kind == Kind::Component
                    && nodes[a].parent == nodes[b].parent
            });
        if let Some((a, b)) = pair {
            out.push_str(&format!("row n{a}, n{b}\n"));
        }
    }
    out
}

fn diagram() -> impl Strategy<Value = String> {
    nodes().prop_flat_map(|nodes| {
        let count = nodes.len();
        let edge = (
            any::<prop::sample::Index>(),
            any::<prop::sample::Index>(),
            0..OPERATORS.len(),
            0..STYLES.len(),
            proptest::option::weighted(0.2, 0..WORDS.len()),
        );
        (
            Just(nodes),
            proptest::collection::vec(edge, 0..(count * 3 / 2 + 1)),
            any::<bool>(),
        )
            .prop_map(|(nodes, edges, row)| source(&nodes, &edges, row))
    })
}

#[test]
fn random_diagrams_read_back_as_their_model() {
    let cases = std::env::var("STRATA_RANDOM_CASES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(1000);
    // A fixed seed keeps CI repeatable; set STRATA_RANDOM_SEED to explore others.
    let seed: u64 = std::env::var("STRATA_RANDOM_SEED")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(2026);
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let rng = proptest::test_runner::TestRng::from_seed(
        proptest::test_runner::RngAlgorithm::ChaCha,
        &bytes,
    );
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 32,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(config, rng);
    let drawn = Cell::new(0usize);
    runner
        .run(&diagram(), |source| {
            let model = strata::compile(&source).map_err(|errors| {
                TestCaseError::fail(format!("invalid source {errors:?}:\n{source}"))
            })?;
            // STRATA_RANDOM_FAILURE=path keeps the failing source for `strata render`.
            let keep = || {
                if let Ok(path) = std::env::var("STRATA_RANDOM_FAILURE") {
                    let _ = std::fs::write(path, &source);
                }
            };
            let placed = std::panic::catch_unwind(|| layout(&model, &LayoutOptions::default()))
                .map_err(|_| {
                    keep();
                    TestCaseError::fail(format!("layout panicked on:\n{source}"))
                })?
                .map_err(|error| {
                    keep();
                    TestCaseError::fail(format!("{error}:\n{source}"))
                })?;
            for charset in [Charset::Unicode, Charset::Ascii] {
                let drawing = text(&placed, charset);
                if let Err(problems) = strata::verify::verify(&drawing, &model, charset) {
                    keep();
                    let problems: Vec<String> =
                        problems.iter().take(10).map(ToString::to_string).collect();
                    return Err(TestCaseError::fail(format!(
                        "{charset:?}:\n{source}\n{drawing}\n{}",
                        problems.join("\n")
                    )));
                }
                if charset == Charset::Unicode
                    && let Some(row) = repeated_row_of_verticals(&drawing)
                {
                    keep();
                    return Err(TestCaseError::fail(format!(
                        "rows {row} and {} hold only vertical lines:\n{source}\n{drawing}",
                        row + 1
                    )));
                }
            }
            drawn.set(drawn.get() + 1);
            let images = catch_unwind(AssertUnwindSafe(|| {
                common::drawn_svg(&placed, &SvgOptions::default());
                if drawn.get().is_multiple_of(25) {
                    let options = PngOptions::default();
                    common::check_png("random", &placed, &options, &common::LIGHT);
                }
            }));
            if images.is_err() {
                keep();
                return Err(TestCaseError::fail(format!(
                    "the SVG or PNG disagrees with the text drawing:\n{source}"
                )));
            }
            Ok(())
        })
        .unwrap();
}

/// The first of two neighbouring rows that hold nothing but vertical lines
/// passing through, which compaction leaves one of.
fn repeated_row_of_verticals(drawing: &str) -> Option<usize> {
    let only_verticals =
        |line: &str| !line.is_empty() && line.chars().all(|c| matches!(c, ' ' | '│' | '┆' | '┃'));
    let lines: Vec<&str> = drawing.lines().collect();
    (0..lines.len().saturating_sub(1))
        .find(|&row| only_verticals(lines[row]) && only_verticals(lines[row + 1]))
}

//! The model as JSON (`strata render -f json`), in the stable schema
//! `strata-model/1` documented in `docs/JSON.md`. Reads a [`Model`], returns
//! pretty-printed text; nodes and edges appear in source order.

use serde::Serialize;

use super::{Align, Direction, EdgeStyle, Heads, Model, NodeKind, Shape};

/// The schema name written into every document; bumped on any breaking change.
pub const SCHEMA: &str = "strata-model/1";

/// Serialises the model, ending with a newline.
pub fn to_json(model: &Model) -> String {
    let document = Document {
        schema: SCHEMA,
        title: model.title(),
        direction: match model.direction() {
            Direction::Down => "down",
            Direction::Right => "right",
        },
        nodes: model
            .nodes()
            .map(|id| {
                let node = model.node(id);
                JsonNode {
                    id: &node.id,
                    kind: match node.kind {
                        NodeKind::Layer => "layer",
                        NodeKind::Group => "group",
                        NodeKind::Component => "component",
                    },
                    label: &node.label,
                    bullets: &node.bullets,
                    parent: model
                        .parent(id)
                        .map(|parent| model.node(parent).id.as_str()),
                    shape: match node.shape {
                        Shape::Box => "box",
                        Shape::Rounded => "rounded",
                        Shape::Cylinder => "cylinder",
                        Shape::Person => "person",
                    },
                    align: match node.align {
                        Align::Center => "center",
                        Align::Left => "left",
                    },
                }
            })
            .collect(),
        edges: model
            .edges()
            .into_iter()
            .map(|flow| JsonEdge {
                from: &model.node(flow.from).id,
                to: &model.node(flow.to).id,
                heads: match flow.edge.heads {
                    Heads::Forward => "forward",
                    Heads::Both => "both",
                    Heads::None => "none",
                },
                label: flow.edge.label.as_deref(),
                style: match flow.edge.style {
                    EdgeStyle::Solid => "solid",
                    EdgeStyle::Dashed => "dashed",
                    EdgeStyle::Thick => "thick",
                },
            })
            .collect(),
        rows: model
            .rows()
            .iter()
            .map(|row| row.iter().map(|&id| model.node(id).id.as_str()).collect())
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&document).expect("the model always serialises");
    text.push('\n');
    text
}

#[derive(Serialize)]
struct Document<'a> {
    schema: &'static str,
    title: Option<&'a str>,
    direction: &'static str,
    nodes: Vec<JsonNode<'a>>,
    edges: Vec<JsonEdge<'a>>,
    rows: Vec<Vec<&'a str>>,
}

#[derive(Serialize)]
struct JsonNode<'a> {
    id: &'a str,
    kind: &'static str,
    label: &'a [String],
    bullets: &'a [String],
    parent: Option<&'a str>,
    shape: &'static str,
    align: &'static str,
}

#[derive(Serialize)]
struct JsonEdge<'a> {
    from: &'a str,
    to: &'a str,
    heads: &'static str,
    label: Option<&'a str>,
    style: &'static str,
}

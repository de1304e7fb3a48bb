//! The SVG renderer: a [`Layout`] as an SVG document, the text drawing's
//! cells scaled to pixels.
//!
//! Reads a `Layout`; returns a `String`. A cell is [`CELL_WIDTH`] ×
//! [`CELL_HEIGHT`] pixels, and everything is drawn where its glyphs are in
//! the text drawing: a box's border and a route run through the centres of
//! their cells, a line of text starts at its first cell. The SVG is the text
//! drawing made crisp, never a second layout.
//!
//! Every coordinate is a multiple of half a pixel and is written exactly,
//! element ids come from the source's ids, and colours live in one `<style>`
//! sheet that the theme alone decides, so the same layout gives the same
//! bytes and a theme changes only the sheet.

mod describe;
mod style;
mod text;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Display, Write};

use unicode_width::UnicodeWidthStr;

use crate::layout::{End, Layout, Net, PlacedBox, Point, Rect, Side};
use crate::model::{EdgeStyle, NodeId, Shape};

use describe::describe;
use style::{style_sheet, theme_class};
use text::{Escaped, write_text};

/// The width of a cell, in pixels: the advance of the bundled monospace
/// face at [`FONT_SIZE`] (0.602 em), rounded.
pub const CELL_WIDTH: u32 = 9;
/// The height of a cell (a row of text), in pixels.
pub const CELL_HEIGHT: u32 = 18;
/// The size of every text, in pixels.
pub const FONT_SIZE: u32 = 15;

/// The fonts asked for, first to last. The bundled face comes first so the
/// PNG and a browser that has it agree; a proportional face is the last
/// resort, and `textLength` keeps any face's line within its cells.
pub const FONT_FAMILIES: &str = "'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', \
     'Noto Sans Mono', monospace, sans-serif";

/// Settings of the SVG that do not come from the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SvgOptions {
    pub theme: Theme,
    pub background: Background,
    /// Start with `<?xml ...?>`; leave it out to inline the SVG in HTML.
    pub xml_declaration: bool,
    /// Put before every element id, so that several drawings inlined in
    /// one HTML page keep their ids apart (`box-web` becomes `PREFIXbox-web`).
    pub id_prefix: String,
}

impl Default for SvgOptions {
    fn default() -> SvgOptions {
        SvgOptions {
            theme: Theme::Auto,
            background: Background::Theme,
            xml_declaration: true,
            id_prefix: String::new(),
        }
    }
}

/// The colours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    /// Dark lines and text on white.
    Light,
    /// Light lines and text on near-black.
    Dark,
    /// Light, or dark where the viewer prefers a dark colour scheme
    /// (`prefers-color-scheme`, honoured by browsers; a renderer that does
    /// not read media queries draws it light).
    Auto,
}

/// What lies behind the drawing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Background {
    /// The theme's background colour.
    Theme,
    /// Nothing: the page shows through between boxes.
    Transparent,
}

/// The free space around the drawing, in pixels, on every side.
pub const MARGIN: u32 = CELL_WIDTH;

/// The width and height of the layout's SVG, in pixels: its cells and the
/// margin around them. The cell at `(x, y)` spans `x × CELL_WIDTH` to
/// `(x + 1) × CELL_WIDTH` and `y × CELL_HEIGHT` to `(y + 1) × CELL_HEIGHT`
/// in the SVG's coordinates, whose origin is the margin's inner corner.
pub fn size(layout: &Layout) -> (u32, u32) {
    (
        layout.width as u32 * CELL_WIDTH + 2 * MARGIN,
        layout.height as u32 * CELL_HEIGHT + 2 * MARGIN,
    )
}

/// Draws the layout as an SVG document.
pub fn svg(layout: &Layout, options: &SvgOptions) -> String {
    let (width, height) = size(layout);
    let (left, top) = (-(MARGIN as i64), -(MARGIN as i64));
    let mut svg = String::new();
    if options.xml_declaration {
        svg.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    }
    let _ = writeln!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"{left} {top} {width} {height}\" class=\"strata {}\" role=\"img\" \
         xml:space=\"preserve\">",
        theme_class(options.theme)
    );
    let title = layout
        .title
        .as_ref()
        .map_or("Architecture diagram", |run| run.text.as_str());
    let _ = writeln!(svg, "<title>{}</title>", Escaped(title));
    let _ = writeln!(svg, "<desc>{}</desc>", Escaped(&describe(layout)));
    let _ = writeln!(svg, "<style>\n{}</style>", style_sheet(options.theme));
    if options.background == Background::Theme {
        let _ = writeln!(
            svg,
            "<rect class=\"strata-background\" x=\"{left}\" y=\"{top}\" width=\"{width}\" height=\"{height}\"/>"
        );
    }
    if let Some(title) = &layout.title {
        write_text(&mut svg, title, "strata-title");
    }
    let prefix = &options.id_prefix;
    for placed in &layout.boxes {
        write_box(&mut svg, placed, &format!("{prefix}box-{}", placed.id));
    }
    let boxes: BTreeMap<NodeId, &PlacedBox> = layout
        .boxes
        .iter()
        .map(|placed| (placed.node, placed))
        .collect();
    for (net, id) in layout.nets.iter().zip(net_ids(layout)) {
        // A label's background is the colour around it, so it hides the
        // lines near the text and nothing else.
        let on_container = net.label.as_ref().is_some_and(|label| {
            layout
                .boxes
                .iter()
                .any(|placed| placed.is_container && placed.rect.contains(label.at))
        });
        let ground = if on_container {
            "strata-label-background strata-on-container"
        } else {
            "strata-label-background"
        };
        write_net(&mut svg, net, &format!("{prefix}{id}"), &boxes, ground);
    }
    svg.push_str("</svg>\n");
    svg
}

/// A length in half pixels. Every coordinate is one, so it is written
/// exactly: `4.5`, never `4.4999`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Half(i64);

impl Half {
    const fn px(pixels: i64) -> Half {
        Half(2 * pixels)
    }
}

impl std::ops::Add for Half {
    type Output = Half;
    fn add(self, other: Half) -> Half {
        Half(self.0 + other.0)
    }
}

impl std::ops::Sub for Half {
    type Output = Half;
    fn sub(self, other: Half) -> Half {
        Half(self.0 - other.0)
    }
}

impl Display for Half {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let halves = self.0.unsigned_abs();
        if halves.is_multiple_of(2) {
            write!(formatter, "{sign}{}", halves / 2)
        } else {
            write!(formatter, "{sign}{}.5", halves / 2)
        }
    }
}

/// A point of the drawing, in half pixels.
type At = (Half, Half);

/// The left edge of column `x` and the top edge of row `y`.
fn left_of(x: usize) -> Half {
    Half::px(x as i64 * i64::from(CELL_WIDTH))
}

fn top_of(y: usize) -> Half {
    Half::px(y as i64 * i64::from(CELL_HEIGHT))
}

/// The centre of a cell, where its glyph's lines meet.
fn centre(point: Point) -> At {
    (
        left_of(point.x) + Half(i64::from(CELL_WIDTH)),
        top_of(point.y) + Half(i64::from(CELL_HEIGHT)),
    )
}

/// From a row's centre down to the baseline that centres capitals on it.
const BASELINE_BELOW_CENTRE: Half = Half(11);
/// The radius of a rounded box's corners and of a route's bends.
const BOX_RADIUS: Half = Half::px(6);
const BEND_RADIUS: Half = Half(9);
/// A cylinder's lid: half the height of its ellipse.
const LID_RADIUS: Half = Half(9);
/// An arrowhead's length and half its width.
const ARROW_LENGTH: Half = Half::px(9);
const ARROW_HALF_WIDTH: Half = Half::px(4);
/// How far an edge label's background reaches beyond its text.
const LABEL_MARGIN: Half = Half::px(3);

fn write_box(svg: &mut String, placed: &PlacedBox, id: &str) {
    let class = if placed.is_container {
        "strata-container"
    } else {
        "strata-component"
    };
    let (left, top) = centre(Point {
        x: placed.rect.x,
        y: placed.rect.y,
    });
    let (right, bottom) = centre(Point {
        x: placed.rect.right(),
        y: placed.rect.bottom(),
    });
    let (width, height) = (right - left, bottom - top);
    match placed.shape {
        Shape::Box => {
            let _ = writeln!(
                svg,
                "<rect id=\"{id}\" class=\"{class}\" x=\"{left}\" y=\"{top}\" \
                 width=\"{width}\" height=\"{height}\"/>"
            );
        }
        Shape::Rounded | Shape::Person => {
            let _ = writeln!(
                svg,
                "<rect id=\"{id}\" class=\"{class}\" x=\"{left}\" y=\"{top}\" \
                 width=\"{width}\" height=\"{height}\" rx=\"{BOX_RADIUS}\"/>"
            );
        }
        Shape::Cylinder => {
            // The outline, then the lid's near edge.
            let rx = Half(width.0 / 2);
            let (lid, base) = (top + LID_RADIUS, bottom - LID_RADIUS);
            let _ = writeln!(
                svg,
                "<path id=\"{id}\" class=\"{class}\" d=\"M{left} {lid}\
                 A{rx} {LID_RADIUS} 0 0 1 {right} {lid}V{base}\
                 A{rx} {LID_RADIUS} 0 0 1 {left} {base}Z\
                 M{left} {lid}A{rx} {LID_RADIUS} 0 0 0 {right} {lid}\"/>"
            );
        }
    }
    if placed.shape == Shape::Person {
        write_person_icon(svg, placed.rect);
    }
    for (index, run) in placed.text.iter().enumerate() {
        let class = if placed.is_container && index < placed.label_lines {
            "strata-container-title"
        } else {
            "strata-text"
        };
        write_text(svg, run, class);
    }
}

/// A head and shoulders in the two free cells left of the first label line
/// (the layout keeps two cells of padding between text and a border).
fn write_person_icon(svg: &mut String, rect: Rect) {
    let (_, row_centre) = centre(Point {
        x: rect.x,
        y: rect.y + 1,
    });
    let x = left_of(rect.x + 1) + Half::px(7);
    let head = row_centre - Half::px(3);
    let head_radius = Half::px(3);
    let shoulders = row_centre + Half::px(7);
    let half_width = Half(9);
    let _ = writeln!(
        svg,
        "<path class=\"strata-icon\" d=\"M{} {head}a{head_radius} {head_radius} 0 1 0 {} 0\
         a{head_radius} {head_radius} 0 1 0 {} 0Z\
         M{} {shoulders}a{half_width} {half_width} 0 0 1 {} 0Z\"/>",
        x - head_radius,
        Half(head_radius.0 * 2),
        Half(-head_radius.0 * 2),
        x - half_width,
        Half(half_width.0 * 2),
    );
}

fn write_net(
    svg: &mut String,
    net: &Net,
    id: &str,
    boxes: &BTreeMap<NodeId, &PlacedBox>,
    ground: &str,
) {
    let style = match net.style {
        EdgeStyle::Solid => "strata-line",
        EdgeStyle::Dashed => "strata-line strata-dashed",
        EdgeStyle::Thick => "strata-line strata-thick",
    };
    let _ = writeln!(svg, "<g id=\"{id}\" class=\"strata-edge\">");
    let mut junctions = BTreeSet::new();
    for path in &net.paths {
        let (Some(&first), Some(&last)) = (path.first(), path.last()) else {
            continue;
        };
        let mut corners: Vec<At> = path.iter().map(|&point| centre(point)).collect();
        for (point, at_start) in [(first, true), (last, false)] {
            let Some(end) = net.ends.iter().find(|end| end.path_end() == point) else {
                junctions.insert(point);
                continue;
            };
            if !at_start {
                corners.reverse();
            }
            corners[0] = attachment(end, boxes[&end.node]);
            // A line stops where its arrowhead starts, so a thick line
            // never blunts the tip.
            if end.arrow {
                shorten_start(&mut corners);
            }
            if !at_start {
                corners.reverse();
            }
        }
        let _ = writeln!(svg, "<path class=\"{style}\" d=\"{}\"/>", rounded(&corners));
    }
    for end in net.ends.iter().filter(|end| end.arrow) {
        write_arrowhead(svg, end, attachment(end, boxes[&end.node]));
    }
    // A dot is wider than the line it sits on.
    let radius = if net.style == EdgeStyle::Thick { 4 } else { 3 };
    for junction in junctions {
        let (x, y) = centre(junction);
        let _ = writeln!(
            svg,
            "<circle class=\"strata-dot\" cx=\"{x}\" cy=\"{y}\" r=\"{radius}\"/>"
        );
    }
    if let Some(label) = &net.label {
        let x = left_of(label.at.x) - LABEL_MARGIN;
        let y = top_of(label.at.y);
        let width = left_of(label.text.width()) + Half(LABEL_MARGIN.0 * 2);
        let height = Half::px(i64::from(CELL_HEIGHT));
        let _ = writeln!(
            svg,
            "<rect class=\"{ground}\" x=\"{x}\" y=\"{y}\" width=\"{width}\" height=\"{height}\"/>"
        );
        write_text(svg, label, "strata-edge-label");
    }
    svg.push_str("</g>\n");
}

/// Where a line meets its box at an end: the centre of the port, on the
/// border, or on a cylinder's lid or base, the point of the ellipse there.
fn attachment(end: &End, placed: &PlacedBox) -> At {
    let (x, y) = centre(end.port);
    if placed.shape != Shape::Cylinder || !matches!(end.side, Side::Top | Side::Bottom) {
        return (x, y);
    }
    let (left, _) = centre(Point {
        x: placed.rect.x,
        y: placed.rect.y,
    });
    let (right, _) = centre(Point {
        x: placed.rect.right(),
        y: placed.rect.y,
    });
    let radius = (right.0 - left.0) as f64 / 2.0;
    let across = (x.0 - left.0) as f64 / radius - 1.0;
    // How far the ellipse lies inside the rectangle at `x`, to a half pixel.
    let inset = Half((LID_RADIUS.0 as f64 * (1.0 - (1.0 - across * across).sqrt())).round() as i64);
    match end.side {
        Side::Top => (x, y + inset),
        _ => (x, y - inset),
    }
}

/// The length of a horizontal or vertical segment.
fn distance(from: At, to: At) -> Half {
    Half((to.0 - from.0).0.abs() + (to.1 - from.1).0.abs())
}

/// The point `by` along a horizontal or vertical segment.
fn towards(from: At, to: At, by: Half) -> At {
    let step = |a: Half, b: Half| Half(a.0 + (b.0 - a.0).signum() * by.0);
    (step(from.0, to.0), step(from.1, to.1))
}

/// Moves a line's first point back along its first segment by an
/// arrowhead's length, less a pixel so the line runs into the head.
fn shorten_start(corners: &mut [At]) {
    if let [first, second, ..] = corners {
        let cut = Half(ARROW_LENGTH.0 - 2).min(distance(*first, *second));
        *first = towards(*first, *second, cut);
    }
}

/// The path data of an orthogonal polyline with its bends rounded.
fn rounded(corners: &[At]) -> String {
    let mut data = String::new();
    let Some(&(x, y)) = corners.first() else {
        return data;
    };
    let _ = write!(data, "M{x} {y}");
    for index in 1..corners.len() {
        let (before, at) = (corners[index - 1], corners[index]);
        match corners.get(index + 1) {
            Some(&after) if is_bend(before, at, after) => {
                // Each bend takes at most half of a segment it shares.
                let radius = BEND_RADIUS
                    .min(Half(distance(before, at).0 / 2))
                    .min(Half(distance(at, after).0 / 2));
                let (start, end) = (towards(at, before, radius), towards(at, after, radius));
                let _ = write!(
                    data,
                    "L{} {}Q{} {} {} {}",
                    start.0, start.1, at.0, at.1, end.0, end.1
                );
            }
            Some(_) => {}
            None => {
                let _ = write!(data, "L{} {}", at.0, at.1);
            }
        }
    }
    data
}

fn is_bend(before: At, at: At, after: At) -> bool {
    let horizontal_in = before.1 == at.1;
    let horizontal_out = at.1 == after.1;
    horizontal_in != horizontal_out
}

/// A triangle with its tip where the line meets the box, pointing in.
fn write_arrowhead(svg: &mut String, end: &End, (x, y): At) {
    // The direction the head points in, as signs.
    let (dx, dy) = match end.side {
        Side::Top => (0, 1),
        Side::Bottom => (0, -1),
        Side::Left => (1, 0),
        Side::Right => (-1, 0),
    };
    let base = |sign: i64| {
        (
            Half(x.0 - dx * ARROW_LENGTH.0 + dy * sign * ARROW_HALF_WIDTH.0),
            Half(y.0 - dy * ARROW_LENGTH.0 + dx * sign * ARROW_HALF_WIDTH.0),
        )
    };
    let (left, right) = (base(1), base(-1));
    let _ = writeln!(
        svg,
        "<path class=\"strata-head\" d=\"M{x} {y}L{} {}L{} {}Z\"/>",
        left.0, left.1, right.0, right.1
    );
}

/// An id for every net, from the ids of the boxes it joins in the order of
/// its ends (`edge-a--b`); nets with the same ends are told apart by a
/// count among themselves. Adding a node or an edge renames only a net
/// whose ends it changes (a bus it joins).
fn net_ids(layout: &Layout) -> Vec<String> {
    let names: BTreeMap<NodeId, &str> = layout
        .boxes
        .iter()
        .map(|placed| (placed.node, placed.id.as_str()))
        .collect();
    let mut taken = BTreeSet::new();
    layout
        .nets
        .iter()
        .map(|net| {
            let ends: Vec<&str> = net.ends.iter().map(|end| names[&end.node]).collect();
            let base = format!("edge-{}", ends.join("--"));
            let mut id = base.clone();
            let mut count = 1;
            while !taken.insert(id.clone()) {
                count += 1;
                id = format!("{base}-{count}");
            }
            id
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_are_written_exactly() {
        let written: Vec<String> = [0, 1, 9, 18, -1, -3]
            .map(|halves| Half(halves).to_string())
            .into();
        assert_eq!(written, ["0", "0.5", "4.5", "9", "-0.5", "-1.5"]);
    }
}

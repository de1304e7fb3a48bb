//! Checks of SVG and PNG drawings against the text drawing of the same
//! layout, shared by the image tests and the random diagrams.

// Each test crate uses only some of these.
#![allow(dead_code)]

use std::path::Path;

use resvg::tiny_skia::Pixmap;
use resvg::usvg;
use unicode_width::UnicodeWidthChar;

use strata::layout::{Layout, LayoutOptions, Rect, layout};
use strata::model::Shape;
use strata::render::svg::{CELL_HEIGHT, CELL_WIDTH, MARGIN, size};
use strata::render::{Background, Charset, PngOptions, SvgOptions, png, svg, text};

/// Draws the layout as SVG and checks the document (see [`check_svg`]) and
/// that a second drawing gives the same bytes.
pub fn drawn_svg(layout: &Layout, options: &SvgOptions) -> (String, usvg::Tree) {
    let drawing = svg(layout, options);
    assert_eq!(drawing, svg(layout, options), "deterministic");
    let tree = check_svg(&drawing, layout, &options.id_prefix);
    (drawing, tree)
}

/// Checks an SVG document of the layout: it refers to nothing outside
/// itself; usvg parses it; it has the layout's size and one text node per
/// line of text; its boxes (ids starting with `id_prefix`) agree with the
/// text drawing.
pub fn check_svg(drawing: &str, layout: &Layout, id_prefix: &str) -> usvg::Tree {
    assert!(
        !drawing.contains("href") && !drawing.contains("url("),
        "no external resources"
    );
    let tree = parse(drawing);
    let (width, height) = size(layout);
    assert_eq!(
        (tree.size().width(), tree.size().height()),
        (width as f32, height as f32),
        "the SVG's size is its cells' and the margin's"
    );
    let lines = layout.texts().filter(|run| !run.text.is_empty()).count();
    assert_eq!(
        text_nodes(tree.root()),
        lines,
        "one text node per line of text"
    );
    check_boxes_agree_with_text(layout, &tree, id_prefix);
    tree
}

/// Parses an SVG as the PNG renderer does: with only the bundled fonts.
pub fn parse(svg: &str) -> usvg::Tree {
    let options = usvg::Options {
        fontdb: strata::render::png::bundled_fonts(),
        ..usvg::Options::default()
    };
    usvg::Tree::from_str(svg, &options).unwrap_or_else(|error| panic!("{error}:\n{svg}"))
}

/// The layout of a source, which must be valid and find room.
pub fn layout_of(source: &str) -> Layout {
    let model = strata::compile(source).unwrap_or_else(|errors| panic!("compiles: {errors:?}"));
    layout(&model, &LayoutOptions::default()).expect("lays out")
}

pub fn layout_of_file(path: &Path) -> Layout {
    layout_of(&std::fs::read_to_string(path).expect("a UTF-8 source"))
}

pub fn text_nodes(group: &usvg::Group) -> usize {
    group
        .children()
        .iter()
        .map(|node| match node {
            usvg::Node::Text(_) => 1,
            usvg::Node::Group(group) => text_nodes(group),
            _ => 0,
        })
        .sum()
}

/// Every box of the SVG is the rectangle through the centres of the cells
/// where the text drawing has the box's corners, times the cell size.
pub fn check_boxes_agree_with_text(layout: &Layout, tree: &usvg::Tree, id_prefix: &str) {
    let cells = cells(&text(layout, Charset::Unicode));
    for placed in &layout.boxes {
        let Rect {
            x,
            y,
            width,
            height,
        } = placed.rect;
        let (right, bottom) = (x + width - 1, y + height - 1);
        let corners = match placed.shape {
            Shape::Box => ['┌', '┐', '└', '┘'],
            Shape::Rounded | Shape::Person => ['╭', '╮', '╰', '╯'],
            Shape::Cylinder => ['╒', '╕', '╘', '╛'],
        };
        let drawn = [(x, y), (right, y), (x, bottom), (right, bottom)]
            .map(|(column, row)| cells.get(row).and_then(|line| line.get(column)).copied());
        assert_eq!(
            drawn,
            corners.map(Some),
            "the text has box {} at {:?}",
            placed.id,
            placed.rect
        );
        let node = tree
            .node_by_id(&format!("{id_prefix}box-{}", placed.id))
            .unwrap_or_else(|| panic!("the SVG has box {}", placed.id));
        let bounds = node.abs_bounding_box();
        let (left, top) = cell_centre(x, y);
        let (right, bottom) = cell_centre(right, bottom);
        let found = [bounds.left(), bounds.top(), bounds.right(), bounds.bottom()];
        let expected = [left, top, right, bottom];
        assert!(
            found
                .iter()
                .zip(expected)
                .all(|(found, expected)| (found - expected).abs() < 0.01),
            "box {}: the SVG has {found:?}, the text {expected:?}",
            placed.id
        );
    }
}

/// The centre of a cell in the SVG's canvas (the margin included), in
/// pixels.
pub fn cell_centre(column: usize, row: usize) -> (f32, f32) {
    (
        (MARGIN + column as u32 * CELL_WIDTH) as f32 + CELL_WIDTH as f32 / 2.0,
        (MARGIN + row as u32 * CELL_HEIGHT) as f32 + CELL_HEIGHT as f32 / 2.0,
    )
}

/// The text drawing as a grid of display cells: a wide character fills its
/// first cell and leaves a `\0` in its second; zero-width characters go.
pub fn cells(drawing: &str) -> Vec<Vec<char>> {
    drawing
        .lines()
        .map(|line| {
            let mut row = Vec::new();
            for c in line.chars() {
                match c.width().unwrap_or(0) {
                    0 => {}
                    1 => row.push(c),
                    _ => row.extend([c, '\0']),
                }
            }
            row
        })
        .collect()
}

/// The colours the PNG must show, as RGBA.
pub struct Expected {
    pub background: [u8; 4],
    pub container: [u8; 4],
    pub component: [u8; 4],
}

pub const LIGHT: Expected = Expected {
    background: [0xff, 0xff, 0xff, 0xff],
    container: [0xf6, 0xf8, 0xfa, 0xff],
    component: [0xff, 0xff, 0xff, 0xff],
};

pub const DARK: Expected = Expected {
    background: [0x0d, 0x11, 0x17, 0xff],
    container: [0x16, 0x1b, 0x22, 0xff],
    component: [0x0d, 0x11, 0x17, 0xff],
};

/// Draws the PNG and checks it against the text drawing: its size is the
/// SVG's times the scale; at the centre of every empty cell it shows the
/// fill of the innermost box around the cell, or the background; every
/// line of text has ink in its cells.
pub fn check_png(name: &str, layout: &Layout, options: &PngOptions, colours: &Expected) {
    let bytes = png(layout, options).expect("draws");
    let image = Pixmap::decode_png(&bytes).expect("a PNG");
    let (width, height) = size(layout);
    let scale = options.scale;
    assert_eq!(
        (image.width(), image.height()),
        (
            (width as f32 * scale).round() as u32,
            (height as f32 * scale).round() as u32
        ),
        "{name}: the PNG is the SVG scaled"
    );
    let pixel = |x: f32, y: f32| {
        let colour = image
            .pixel((x * scale) as u32, (y * scale) as u32)
            .expect("inside the image")
            .demultiply();
        [colour.red(), colour.green(), colour.blue(), colour.alpha()]
    };
    let background = match options.background {
        Background::Theme => colours.background,
        Background::Transparent => [0, 0, 0, 0],
    };
    let transparent = |colour: [u8; 4]| colour[3] == 0;
    let same = |found: [u8; 4], expected: [u8; 4]| {
        (transparent(found) && transparent(expected))
            || found.iter().zip(expected).all(|(a, b)| a.abs_diff(b) <= 2)
    };
    assert!(
        same(pixel(0.5, 0.5), background),
        "{name}: the margin is background"
    );
    let drawing = cells(&text(layout, Charset::Unicode));
    for row in 0..layout.height {
        for column in 0..layout.width {
            let glyph = drawing.get(row).and_then(|line| line.get(column));
            if !matches!(glyph, None | Some(' ')) {
                continue;
            }
            let inside = |rect: &Rect| {
                column > rect.x
                    && column < rect.x + rect.width - 1
                    && row > rect.y
                    && row < rect.y + rect.height - 1
            };
            let expected = match layout.boxes.iter().rev().find(|b| inside(&b.rect)) {
                Some(placed) if placed.is_container => colours.container,
                Some(_) => colours.component,
                None => background,
            };
            let (x, y) = cell_centre(column, row);
            let found = pixel(x, y);
            assert!(
                same(found, expected),
                "{name}: the empty cell at column {column}, row {row} shows {found:?}, not {expected:?}"
            );
        }
    }
    for run in layout.texts().filter(|run| !run.text.trim().is_empty()) {
        let columns = run
            .text
            .chars()
            .map(|c| c.width().unwrap_or(0))
            .sum::<usize>();
        let (left, top) = cell_centre(run.at.x, run.at.y);
        let (left, top) = (
            left - CELL_WIDTH as f32 / 2.0,
            top - CELL_HEIGHT as f32 / 2.0,
        );
        let inked = (0..(columns as u32 * CELL_WIDTH * scale as u32))
            .flat_map(|dx| (0..CELL_HEIGHT * scale as u32).map(move |dy| (dx, dy)))
            .filter(|&(dx, dy)| {
                let found = pixel(left + dx as f32 / scale, top + dy as f32 / scale);
                let ground = [colours.background, colours.container, colours.component];
                !transparent(found)
                    && ground.iter().all(|&fill| {
                        found[..3]
                            .iter()
                            .zip(&fill[..3])
                            .map(|(a, b)| u32::from(a.abs_diff(*b)))
                            .sum::<u32>()
                            > 96
                    })
            })
            .count();
        assert!(
            inked > 0,
            "{name}: the text {:?} has ink in its cells",
            run.text
        );
    }
}

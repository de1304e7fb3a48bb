//! The PNG renderer: the [SVG](mod@super::svg) of a [`Layout`], parsed by usvg
//! and rasterised by resvg.
//!
//! Reads a `Layout`; returns the PNG's bytes. Text is drawn with the fonts
//! bundled in the binary (`assets/fonts/`), and no system font is read, so
//! a PNG is the same on every machine.

use std::sync::{Arc, OnceLock};

use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg::{self, fontdb};

use super::svg::{self, Background, SvgOptions, Theme};
use crate::layout::Layout;

/// Settings of the PNG that do not come from the source.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PngOptions {
    /// [`Theme::Auto`] draws light: a PNG cannot follow the viewer's scheme.
    pub theme: Theme,
    pub background: Background,
    /// Pixels per SVG pixel: 2 (the default) is sharp on high-density screens.
    pub scale: f32,
}

impl Default for PngOptions {
    fn default() -> PngOptions {
        PngOptions {
            theme: Theme::Light,
            background: Background::Theme,
            scale: 2.0,
        }
    }
}

/// Why no PNG was made.
#[derive(Clone, Debug, PartialEq)]
pub enum PngError {
    /// The scale is not a number from [`MIN_SCALE`] to [`MAX_SCALE`].
    Scale(f32),
    /// The image would have more than [`MAX_PIXELS`] pixels.
    TooLarge { width: u64, height: u64 },
    /// The SVG did not parse or the PNG did not encode: a bug in Strata.
    Internal(String),
}

/// The smallest and the largest scale accepted: a cell is at least 2 × 4
/// pixels, at most 144 × 288.
pub const MIN_SCALE: f32 = 0.25;
pub const MAX_SCALE: f32 = 16.0;

/// The most pixels a PNG may have: 2^30, a 32,768-pixel square. Few viewers
/// open a larger one, and drawing and compressing it would take minutes.
pub const MAX_PIXELS: u64 = 1 << 30;

impl std::fmt::Display for PngError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PngError::Scale(scale) => write!(
                formatter,
                "the scale must be a number from {MIN_SCALE} to {MAX_SCALE}, not {scale}"
            ),
            PngError::TooLarge { width, height } => write!(
                formatter,
                "the image would be {width} × {height} pixels, more than a PNG \
                 may have here ({MAX_PIXELS}); use a smaller --scale, or SVG"
            ),
            PngError::Internal(message) => write!(
                formatter,
                "the PNG could not be drawn ({message}); this is a bug in Strata"
            ),
        }
    }
}

impl std::error::Error for PngError {}

/// Draws the layout as a PNG image.
pub fn png(layout: &Layout, options: &PngOptions) -> Result<Vec<u8>, PngError> {
    let scale = options.scale;
    if !(MIN_SCALE..=MAX_SCALE).contains(&scale) {
        return Err(PngError::Scale(scale));
    }
    let theme = match options.theme {
        Theme::Auto => Theme::Light,
        theme => theme,
    };
    let svg = svg::svg(
        layout,
        &SvgOptions {
            theme,
            background: options.background,
            xml_declaration: false,
            id_prefix: String::new(),
        },
    );
    let parse_options = usvg::Options {
        fontdb: bundled_fonts(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(&svg, &parse_options)
        .map_err(|error| PngError::Internal(error.to_string()))?;
    rasterise(&tree, scale, STRIP_BYTES)
}

/// The PNG of a parsed SVG, drawn in strips of at most `strip_bytes`.
fn rasterise(tree: &usvg::Tree, scale: f32, strip_bytes: u64) -> Result<Vec<u8>, PngError> {
    let too_large = PngError::TooLarge {
        width: (f64::from(tree.size().width()) * f64::from(scale)).ceil() as u64,
        height: (f64::from(tree.size().height()) * f64::from(scale)).ceil() as u64,
    };
    let size = tree.size().to_int_size().scale_by(scale);
    let (width, height) = size
        .map(|size| (size.width(), size.height()))
        .filter(|&(width, height)| u64::from(width) * u64::from(height) <= MAX_PIXELS)
        .ok_or(too_large.clone())?;
    let strip_rows = (strip_bytes / (u64::from(width) * 4)).clamp(1, u64::from(height)) as u32;
    // A strip is drawn with rows to spare above and below: anti-aliasing
    // differs near a pixmap's edge, and the spare rows take the difference.
    let mut strip = Pixmap::new(width, strip_rows + 2 * SPARE_ROWS).ok_or(too_large.clone())?;
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|_| too_large)?;
    let internal = |error: &dyn std::fmt::Display| PngError::Internal(error.to_string());
    let mut stream = writer.stream_writer().map_err(|error| internal(&error))?;
    // The image is drawn in strips of rows, each encoded once drawn, so
    // memory stays a few strips' whatever the image's height. Strips are
    // drawn on a second thread while the last one is encoded here.
    let draw = |top: u32, strip: &mut Pixmap| {
        strip.fill(resvg::tiny_skia::Color::TRANSPARENT);
        let shift = top as f32 - SPARE_ROWS as f32;
        let transform = Transform::from_scale(scale, scale).post_translate(0.0, -shift);
        resvg::render(tree, transform, &mut strip.as_mut());
        let rows = strip_rows.min(height - top);
        let start = (SPARE_ROWS * width * 4) as usize;
        unpremultiplied(&strip.data()[start..start + (rows * width * 4) as usize])
    };
    let written = std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel(1);
        scope.spawn(move || {
            for top in (0..height).step_by(strip_rows as usize) {
                if send.send(draw(top, &mut strip)).is_err() {
                    break;
                }
            }
        });
        receive
            .iter()
            .try_for_each(|rows| std::io::Write::write_all(&mut stream, &rows))
    });
    written.map_err(|error| internal(&error))?;
    stream.finish().map_err(|error| internal(&error))?;
    writer.finish().map_err(|error| internal(&error))?;
    Ok(bytes)
}

/// The most memory a strip of rows takes. Every strip is drawn with every
/// element of the SVG, so fewer strips cost less time.
const STRIP_BYTES: u64 = 32 << 20;

/// Rows drawn above and below each strip and thrown away.
const SPARE_ROWS: u32 = 8;

/// RGBA pixels as PNG stores them, from tiny-skia's, which are
/// premultiplied by their alpha: only the edges of shapes on a transparent
/// background differ.
fn unpremultiplied(pixels: &[u8]) -> Vec<u8> {
    let mut pixels = pixels.to_vec();
    for pixel in pixels.chunks_exact_mut(4) {
        if let alpha @ 1..=254 = u32::from(pixel[3]) {
            for channel in &mut pixel[..3] {
                *channel = ((u32::from(*channel) * 255 + alpha / 2) / alpha).min(255) as u8;
            }
        }
    }
    pixels
}

/// The fonts the PNG's text is drawn with: a monospace face (regular and
/// bold) for the grid, and faces with CJK, Hangul and emoji glyphs for
/// what it lacks (see `assets/fonts/README.md`).
static MONOSPACE: &[u8] = include_bytes!("../../assets/fonts/DejaVuSansMono.ttf");
static MONOSPACE_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSansMono-Bold.ttf");
static CJK: &[u8] = include_bytes!("../../assets/fonts/DroidSansFallback.ttf");
static EMOJI: &[u8] = include_bytes!("../../assets/fonts/SymbolaEmoji.ttf");

/// The fonts compiled into the binary, loaded once: the only ones PNG text
/// is drawn with.
pub fn bundled_fonts() -> Arc<fontdb::Database> {
    static FONTS: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut fonts = fontdb::Database::new();
            for data in [MONOSPACE, MONOSPACE_BOLD, CJK, EMOJI] {
                fonts.load_font_source(fontdb::Source::Binary(Arc::new(data)));
            }
            fonts.set_monospace_family("DejaVu Sans Mono");
            fonts.set_sans_serif_family("DejaVu Sans Mono");
            Arc::new(fonts)
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_image_of_more_than_max_pixels_is_refused() {
        // 3,640 × 1,820 cells: 32,778 × 32,778 pixels with the margin.
        let layout = Layout {
            width: 3640,
            height: 1820,
            title: None,
            boxes: Vec::new(),
            nets: Vec::new(),
        };
        let refused = png(
            &layout,
            &PngOptions {
                scale: 1.0,
                ..PngOptions::default()
            },
        );
        assert_eq!(
            refused,
            Err(PngError::TooLarge {
                width: 32_778,
                height: 32_778
            })
        );
    }

    /// Strips of any height draw what one pixmap draws, up to
    /// anti-aliasing: the rasteriser's rounding depends a little on where
    /// the pixmap starts, so a few edge pixels of glyphs differ slightly
    /// (measured: at most 42 of 255, in under 0.1% of the pixels, with
    /// one-row strips). A strip out of place would differ everywhere.
    #[test]
    fn strips_draw_what_one_pixmap_draws() {
        let source = "title \"Strips\"\n\
                      layer top \"Top\" { a \"A\" b \"数据库\" [shape=cylinder] }\n\
                      layer bottom \"Bottom\" { c \"C\" [shape=person] }\n\
                      a, b -> c : \"calls\" [style=dashed]";
        let model = crate::compile(source).expect("compiles");
        let layout = crate::layout::layout(&model, &Default::default()).expect("lays out");
        let svg = svg::svg(&layout, &SvgOptions::default());
        let options = usvg::Options {
            fontdb: bundled_fonts(),
            ..usvg::Options::default()
        };
        let tree = usvg::Tree::from_str(&svg, &options).expect("parses");
        let decode = |png: Vec<u8>| Pixmap::decode_png(&png).expect("a PNG");
        let size = tree.size().to_int_size().scale_by(2.0).expect("a size");
        let mut whole = Pixmap::new(size.width(), size.height()).expect("a pixmap");
        resvg::render(&tree, Transform::from_scale(2.0, 2.0), &mut whole.as_mut());
        let row_bytes = u64::from(whole.width()) * 4;
        for rows in [1, 7, 100, u64::from(whole.height())] {
            let strips = decode(rasterise(&tree, 2.0, row_bytes * rows).expect("draws"));
            assert_eq!(strips.height(), whole.height());
            let differing: Vec<u8> = strips
                .data()
                .iter()
                .zip(whole.data())
                .map(|(a, b)| a.abs_diff(*b))
                .filter(|&difference| difference > 0)
                .collect();
            assert!(
                differing.len() * 1000 < whole.data().len()
                    && differing.iter().all(|&difference| difference <= 64),
                "strips of {rows} rows: {} channels differ, by up to {:?}",
                differing.len(),
                differing.iter().max()
            );
        }
    }
}

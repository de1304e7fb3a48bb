//! The PNG renderer: the [SVG](super::svg) of a [`Layout`], parsed by usvg
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
    /// The scale is not a positive number of at most [`MAX_SCALE`].
    Scale(f32),
    /// The image would be larger than a PNG may be, or than memory allows.
    TooLarge { width: u64, height: u64 },
    /// The SVG did not parse or the PNG did not encode: a bug in Strata.
    Internal(String),
}

/// The largest scale accepted.
pub const MAX_SCALE: f32 = 16.0;

impl std::fmt::Display for PngError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PngError::Scale(scale) => write!(
                formatter,
                "the scale must be a number above 0 and at most {MAX_SCALE}, not {scale}"
            ),
            PngError::TooLarge { width, height } => write!(
                formatter,
                "the image would be {width} × {height} pixels, too large for a PNG; \
                 use a smaller --scale, or SVG"
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
    if !(scale > 0.0 && scale <= MAX_SCALE) {
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
        },
    );
    let parse_options = usvg::Options {
        fontdb: bundled_fonts(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(&svg, &parse_options)
        .map_err(|error| PngError::Internal(error.to_string()))?;
    let size = tree.size().to_int_size().scale_by(scale);
    let (width, height) = size.map_or((0, 0), |size| (size.width(), size.height()));
    let mut pixmap = Pixmap::new(width, height).ok_or(PngError::TooLarge {
        width: u64::from(width),
        height: u64::from(height),
    })?;
    resvg::render(
        &tree,
        Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|error| PngError::Internal(error.to_string()))
}

/// The fonts the PNG's text is drawn with: a monospace face (regular and
/// bold) for the grid, and faces with CJK, Hangul and emoji glyphs for
/// what it lacks (see `assets/fonts/README.md`).
static MONOSPACE: &[u8] = include_bytes!("../../assets/fonts/DejaVuSansMono.ttf");
static MONOSPACE_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSansMono-Bold.ttf");
static CJK: &[u8] = include_bytes!("../../assets/fonts/DroidSansFallback.ttf");
static EMOJI: &[u8] = include_bytes!("../../assets/fonts/SymbolaEmoji.ttf");

/// The bundled fonts, loaded once.
fn bundled_fonts() -> Arc<fontdb::Database> {
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

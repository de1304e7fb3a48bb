//! Renderers: each reads a [`Layout`](crate::layout::Layout) and nothing
//! else, and returns the drawing in one format.

pub mod png;
pub mod svg;
pub mod text;

pub use png::{PngError, PngOptions, png};
pub use svg::{Background, SvgOptions, Theme, svg};
pub use text::{Charset, text};

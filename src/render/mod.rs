//! Renderers: each reads a [`Layout`](crate::layout::Layout) and nothing
//! else, and returns the drawing in one format.

pub mod text;

pub use text::{Charset, text};

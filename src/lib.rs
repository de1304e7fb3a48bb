//! Strata compiles a small text language for architecture diagrams into
//! box-drawing text, SVG and PNG drawn from one layout.
//!
//! The pipeline, one module a stage (see `docs/ARCHITECTURE.md`):
//!
//! ```text
//! &str ─ syntax::parse ─▶ ast::Diagram ─ model::lower ─▶ Model ─▶ (layout, renderers)
//! ```
//!
//! The library never prints and never exits; `main.rs` is the only place
//! that does I/O.

pub mod diagnostic;
pub mod layout;
pub mod model;
pub mod render;
pub mod syntax;
pub mod verify;

use diagnostic::Diagnostic;
use model::Model;

/// Parses and checks a source file: [`syntax::parse`] then [`model::lower`].
pub fn compile(source: &str) -> Result<Model, Vec<Diagnostic>> {
    let diagram = syntax::parse(source)?;
    model::lower(&diagram)
}

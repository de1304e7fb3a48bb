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

/// Runs `first` here and `second` on a second thread at the same time (a
/// large diagram's two halves on the machine's two cores) and returns both
/// results; a panic in either is a panic here.
pub(crate) fn side_by_side<A, B: Send>(
    first: impl FnOnce() -> A,
    second: impl FnOnce() -> B + Send,
) -> (A, B) {
    std::thread::scope(|scope| {
        let second = scope.spawn(second);
        let first = first();
        let second = second
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (first, second)
    })
}

/// Parses and checks a source file: [`syntax::parse`] then [`model::lower`].
pub fn compile(source: &str) -> Result<Model, Vec<Diagnostic>> {
    let diagram = syntax::parse(source)?;
    model::lower(&diagram)
}

//! Source text to syntax tree. Reads bytes or `&str`, returns an
//! [`ast::Diagram`] or the diagnostics that explain why there is none.
//! This is the only module that knows about pest.

pub mod ast;
mod parser;
mod scan;

pub use scan::{MAX_NESTING, MAX_SOURCE_BYTES};

use crate::diagnostic::{Diagnostic, Span};

/// Checks that raw file contents are UTF-8 text, pointing at the first byte
/// that is not.
pub fn decode(bytes: &[u8]) -> Result<&str, Diagnostic> {
    scan::check_size(bytes.len())?;
    std::str::from_utf8(bytes).map_err(|error| {
        let at = error.valid_up_to();
        let length = error.error_len().unwrap_or(bytes.len() - at);
        Diagnostic::error(
            format!(
                "the file is not valid UTF-8: invalid byte 0x{:02X} at offset {at}",
                bytes[at]
            ),
            Span::new(at, at + length),
        )
        .with_note("not UTF-8")
        .with_help("save the file as UTF-8")
    })
}

/// Parses a whole source file.
pub fn parse(source: &str) -> Result<ast::Diagram, Vec<Diagnostic>> {
    scan::check(source).map_err(|diagnostic| vec![diagnostic])?;
    parser::parse(source)
}

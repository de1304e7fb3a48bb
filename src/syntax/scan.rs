//! A linear pre-scan of the raw text, before the grammar runs: it finds the
//! errors a recursive-descent parser reports badly or not at all (NUL bytes,
//! unterminated strings, unbalanced or too deeply nested braces, oversized
//! input) and so bounds the parser's recursion depth.

use crate::diagnostic::{Diagnostic, Span};

/// The largest source accepted, in bytes. A 10 MB file of components parses
/// in well under a second in release builds; beyond this we refuse clearly.
pub const MAX_SOURCE_BYTES: usize = 32 * 1024 * 1024;

/// The deepest `{` nesting accepted. Real diagrams use a handful of levels;
/// the bound keeps the recursive parser and every later pass off the stack's edge.
pub const MAX_NESTING: usize = 100;

/// Returns the first lexical error in `source`, if any.
pub fn check(source: &str) -> Result<(), Diagnostic> {
    check_size(source.len())?;
    let bytes = source.as_bytes();
    if let Some(at) = bytes.iter().position(|&byte| byte == 0) {
        return Err(
            Diagnostic::error(format!("NUL byte at offset {at}"), Span::new(at, at + 1))
                .with_note("a text file never holds NUL")
                .with_help("is this a binary file, or one saved as UTF-16?"),
        );
    }
    let mut open_braces: Vec<usize> = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'#' => at = end_of_line(bytes, at),
            b'/' if bytes.get(at + 1) == Some(&b'/') => at = end_of_line(bytes, at),
            b'"' => at = end_of_string(bytes, at)?,
            b'{' => {
                open_braces.push(at);
                if open_braces.len() > MAX_NESTING {
                    return Err(Diagnostic::error(
                        format!("braces nest more than {MAX_NESTING} levels deep"),
                        Span::new(at, at + 1),
                    )
                    .with_note(format!("level {} starts here", MAX_NESTING + 1))
                    .with_help(
                        "flatten the diagram: containers rarely need more than a few levels",
                    ));
                }
                at += 1;
            }
            b'}' => {
                if open_braces.pop().is_none() {
                    return Err(Diagnostic::error("unmatched `}`", Span::new(at, at + 1))
                        .with_note("no `{` is open here"));
                }
                at += 1;
            }
            _ => at += 1,
        }
    }
    match open_braces.last() {
        Some(&open) => Err(Diagnostic::error("unclosed `{`", Span::new(open, open + 1))
            .with_note("this `{` is never closed")
            .with_help("add a `}` where the body ends")),
        None => Ok(()),
    }
}

/// Refuses sources over [`MAX_SOURCE_BYTES`].
pub fn check_size(length: usize) -> Result<(), Diagnostic> {
    if length <= MAX_SOURCE_BYTES {
        return Ok(());
    }
    Err(Diagnostic::error(
        format!("the file is larger than {MAX_SOURCE_BYTES} bytes, the most Strata reads"),
        Span::new(0, 0),
    )
    .with_note("file too large")
    .with_help("split the diagram into several files"))
}

/// The offset of the line break (or end of text) at or after `at`.
fn end_of_line(bytes: &[u8], at: usize) -> usize {
    bytes[at..]
        .iter()
        .position(|&byte| byte == b'\n' || byte == b'\r')
        .map_or(bytes.len(), |length| at + length)
}

/// The offset just past the string starting at the quote at `at`.
fn end_of_string(bytes: &[u8], start: usize) -> Result<usize, Diagnostic> {
    let mut at = start + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'"' => return Ok(at + 1),
            b'\\' if at + 1 < bytes.len() && !matches!(bytes[at + 1], b'\n' | b'\r') => at += 2,
            b'\n' | b'\r' => break,
            _ => at += 1,
        }
    }
    Err(
        Diagnostic::error("unterminated string", Span::new(start, at))
            .with_note("this string has no closing `\"` on its line")
            .with_help("strings end on the line they start; write `\\n` for a line break"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn braces_inside_strings_and_comments_do_not_count() {
        assert!(check("a \"{\" # {\n// }\nb { }").is_ok());
    }

    #[test]
    fn deep_nesting_is_refused_at_the_first_brace_too_deep() {
        let source = "a {".repeat(MAX_NESTING + 1);
        let error = check(&source).unwrap_err();
        assert_eq!(error.primary.span.start, 3 * MAX_NESTING + 2);
    }

    #[test]
    fn an_escaped_quote_does_not_end_a_string() {
        assert!(check(r#"a "say \"hi\"" b"#).is_ok());
        assert_eq!(
            check("a \"open\\\"\n").unwrap_err().message,
            "unterminated string"
        );
    }
}

//! User-facing errors: what went wrong, where (byte spans), and how to fix it.
//!
//! Stages build [`Diagnostic`]s with byte-range spans and messages that carry
//! no positions. Turning spans into `file:line:col` and drawing the source
//! snippet with carets happens once, in [`Diagnostic::render`], at the edge.

use std::fmt::Write as _;

use unicode_width::UnicodeWidthChar;

/// A half-open byte range `start..end` into the source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
}

/// One error found in a source file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// What is wrong, as a sentence without a position.
    pub message: String,
    /// The place the error is about, with a short note shown under the caret.
    pub primary: Label,
    /// Other places that explain the error (for example a first definition).
    pub secondary: Vec<Label>,
    /// Suggestions, each shown as a `= help:` line.
    pub help: Vec<String>,
}

/// A span with a short note, drawn under the source line it points into.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub note: String,
}

/// Whether [`Diagnostic::render`] may use ANSI colours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Colour {
    Never,
    Always,
}

impl Diagnostic {
    /// An error at `span`, with no note under the caret yet.
    pub fn error(message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            primary: Label {
                span,
                note: String::new(),
            },
            secondary: Vec::new(),
            help: Vec::new(),
        }
    }

    /// Sets the note shown under the primary caret.
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.primary.note = note.into();
        self
    }

    /// Adds another place that explains the error.
    pub fn with_secondary(mut self, span: Span, note: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label {
            span,
            note: note.into(),
        });
        self
    }

    /// Adds a `= help:` line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help.push(help.into());
        self
    }

    /// Renders the diagnostic the way rustc does:
    ///
    /// ```text
    /// error: duplicate id `web`
    ///  --> app.strata:4:3
    ///   |
    /// 2 |   web "Web App"
    ///   |   --- first defined here
    /// 4 |   web "Web"
    ///   |   ^^^ defined again here
    /// ```
    ///
    /// `source` may be lossily decoded text; spans past its end are clamped.
    pub fn render(&self, file_name: &str, source: &str, colour: Colour) -> String {
        let paint = Paint { colour };
        let index = LineIndex::new(source);
        let (line, column) = index.line_column(source, self.primary.span.start);

        let mut labels: Vec<(&Label, bool)> = vec![(&self.primary, true)];
        labels.extend(self.secondary.iter().map(|label| (label, false)));
        labels.sort_by_key(|(label, is_primary)| (index.line_of(label.span.start), !is_primary));

        let last_line = labels
            .iter()
            .map(|(label, _)| index.line_of(label.span.start) + 1)
            .max()
            .unwrap_or(1);
        let gutter = last_line.to_string().len();
        let pad = " ".repeat(gutter);

        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}{}",
            paint.error("error"),
            paint.bold(&format!(": {}", self.message))
        );
        let _ = writeln!(
            out,
            "{pad}{} {file_name}:{line}:{column}",
            paint.blue("-->")
        );
        let _ = writeln!(out, "{pad} {}", paint.blue("|"));

        let mut previous_line: Option<usize> = None;
        for (label, is_primary) in labels {
            let line_number = index.line_of(label.span.start);
            if let Some(previous) = previous_line
                && line_number > previous + 1
            {
                let _ = writeln!(out, "{}", paint.blue("..."));
            }
            let text = index.line_text(source, line_number);
            if previous_line != Some(line_number) {
                let shown = printable(text);
                let _ = writeln!(
                    out,
                    "{} {}{}{}",
                    paint.blue(&format!("{:>gutter$}", line_number + 1)),
                    paint.blue("|"),
                    if shown.is_empty() { "" } else { " " },
                    shown
                );
            }
            previous_line = Some(line_number);

            let line_start = index.line_start(line_number);
            let line_end = line_start + text.len();
            let start = floor_char_boundary(source, label.span.start.clamp(line_start, line_end));
            let end = floor_char_boundary(source, label.span.end.clamp(start, line_end));
            let lead = display_width(&text[..start - line_start]);
            let width = display_width(&text[start - line_start..end - line_start]).max(1);
            let mark = if is_primary { "^" } else { "-" }.repeat(width);
            let marks = if label.note.is_empty() {
                mark
            } else {
                format!("{mark} {}", label.note)
            };
            let marks = if is_primary {
                paint.error(&marks)
            } else {
                paint.blue(&marks)
            };
            let _ = writeln!(out, "{pad} {} {}{marks}", paint.blue("|"), " ".repeat(lead));
        }
        for help in &self.help {
            let _ = writeln!(out, "{pad} {} {help}", paint.blue("= help:"));
        }
        out
    }
}

/// Renders every diagnostic of one file, separated by blank lines, ending
/// with a count when there is more than one.
pub fn render_all(
    diagnostics: &[Diagnostic],
    file_name: &str,
    source: &str,
    colour: Colour,
) -> String {
    let mut out = diagnostics
        .iter()
        .map(|diagnostic| diagnostic.render(file_name, source, colour))
        .collect::<Vec<_>>()
        .join("\n");
    if diagnostics.len() > 1 {
        let summary = format!("error: {} errors in {file_name}", diagnostics.len());
        let _ = writeln!(out, "\n{}", Paint { colour }.bold(&summary));
    }
    out
}

/// Byte offsets of line starts, for turning spans into lines and columns.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(source: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        LineIndex { starts }
    }

    /// The zero-based line holding byte `offset` (clamped to the text).
    fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }

    fn line_start(&self, line: usize) -> usize {
        self.starts[line]
    }

    /// The text of a line without its line break (LF or CRLF).
    fn line_text<'a>(&self, source: &'a str, line: usize) -> &'a str {
        let start = self.starts[line].min(source.len());
        let end = self
            .starts
            .get(line + 1)
            .map_or(source.len(), |&next| next - 1);
        let text = &source[start..end.max(start)];
        text.strip_suffix('\r').unwrap_or(text)
    }

    /// One-based line and column (in characters) of byte `offset`.
    fn line_column(&self, source: &str, offset: usize) -> (usize, usize) {
        let line = self.line_of(offset);
        let start = self.starts[line];
        let offset = floor_char_boundary(source, offset.clamp(start, source.len()));
        (line + 1, source[start..offset].chars().count() + 1)
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Width on a terminal of text as [`printable`] shows it.
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| match c {
            '\t' => 4,
            c => visible(c).width().unwrap_or(0),
        })
        .sum()
}

/// A source line as shown: tabs expanded, control characters made visible
/// (NUL as `␀`, one column each), no trailing white space.
fn printable(text: &str) -> String {
    let shown: String = text
        .chars()
        .map(|c| match c {
            '\t' => "    ".to_owned(),
            c => visible(c).to_string(),
        })
        .collect();
    shown.trim_end().to_owned()
}

/// A control character's visible stand-in: its Control Pictures symbol
/// (`␀`, `␇`, `␡`) or `�` past DEL; other characters as they are.
fn visible(c: char) -> char {
    match c {
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + u32::from(c)).unwrap_or('\u{fffd}'),
        '\u{7f}' => '\u{2421}',
        c if c.is_control() => '\u{fffd}',
        c => c,
    }
}

/// Wraps text in ANSI escapes when colour is on.
struct Paint {
    colour: Colour,
}

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        match self.colour {
            Colour::Never => text.to_owned(),
            Colour::Always => format!("\x1b[{code}m{text}\x1b[0m"),
        }
    }

    fn error(&self, text: &str) -> String {
        self.wrap("1;31", text)
    }

    fn blue(&self, text: &str) -> String {
        self.wrap("1;34", text)
    }

    fn bold(&self, text: &str) -> String {
        self.wrap("1", text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_sits_under_the_span_after_wide_characters_and_tabs() {
        let source = "a \"漢字\"\n\tbad here\n";
        let at = source.find("bad").unwrap();
        let diagnostic = Diagnostic::error("broken", Span::new(at, at + 3)).with_note("here");
        let text = diagnostic.render("x.strata", source, Colour::Never);
        assert_eq!(
            text,
            "error: broken\n --> x.strata:2:2\n  |\n2 |     bad here\n  |     ^^^ here\n"
        );
    }

    #[test]
    fn crlf_line_endings_are_not_shown() {
        let source = "one\r\ntwo\r\n";
        let diagnostic = Diagnostic::error("broken", Span::new(5, 8));
        let text = diagnostic.render("x.strata", source, Colour::Never);
        assert!(text.contains("2 | two\n"), "{text}");
        assert!(text.contains(" --> x.strata:2:1\n"), "{text}");
    }
}

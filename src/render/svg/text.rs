//! Text in the SVG: a line of text as a `<text>` element with each
//! character in its cells, and escaping.

use std::fmt::{self, Display, Write};

use unicode_width::UnicodeWidthChar;

use super::{BASELINE_BELOW_CENTRE, CELL_HEIGHT, Half, left_of, top_of};
use crate::layout::TextRun;

/// Writes a line of text as one `<text>` with its characters in their
/// cells. A run of narrow characters is stretched or squeezed to its cells
/// (`textLength`), whatever the face's advance; a wide character (CJK,
/// emoji) starts a `<tspan>` at its own cell, since its glyph is rarely
/// exactly two cells wide and would shift what follows.
pub(super) fn write_text(svg: &mut String, run: &TextRun, class: &str) {
    let segments = segments(&run.text);
    let (Some(first), y) = (segments.first(), top_of(run.at.y)) else {
        return;
    };
    let baseline = y + Half(i64::from(CELL_HEIGHT)) + BASELINE_BELOW_CENTRE;
    let at = |segment: &Segment| left_of(run.at.x + segment.column);
    let length = |segment: &Segment| {
        if segment.wide || segment.columns == 0 {
            String::new()
        } else {
            format!(" textLength=\"{}\"", left_of(segment.columns))
        }
    };
    if let [only] = segments.as_slice() {
        let _ = writeln!(
            svg,
            "<text class=\"{class}\" x=\"{}\" y=\"{baseline}\"{}>{}</text>",
            at(only),
            length(only),
            Escaped(only.text)
        );
        return;
    }
    let _ = write!(
        svg,
        "<text class=\"{class}\" x=\"{}\" y=\"{baseline}\">",
        at(first)
    );
    for segment in &segments {
        let _ = write!(
            svg,
            "<tspan x=\"{}\"{}>{}</tspan>",
            at(segment),
            length(segment),
            Escaped(segment.text)
        );
    }
    svg.push_str("</text>\n");
}

/// A piece of a line of text that starts at a cell of its own.
struct Segment<'a> {
    text: &'a str,
    /// Its first cell, counted from the line's.
    column: usize,
    columns: usize,
    wide: bool,
}

/// A line cut into runs of narrow characters and single wide ones; a
/// zero-width character stays with the one before it.
fn segments(text: &str) -> Vec<Segment<'_>> {
    let mut segments: Vec<Segment> = Vec::new();
    let mut column = 0;
    for (start, c) in text.char_indices() {
        let width = c.width().unwrap_or(0);
        let end = start + c.len_utf8();
        match segments.last_mut() {
            Some(last) if width == 0 || (width == 1 && !last.wide) => {
                // Segments are contiguous: the last one ends at `start`.
                last.text = &text[start - last.text.len()..end];
                last.columns += width;
            }
            _ => segments.push(Segment {
                text: &text[start..end],
                column,
                columns: width,
                wide: width > 1,
            }),
        }
        column += width;
    }
    segments
}

/// Text with the characters XML gives a meaning escaped.
pub(super) struct Escaped<'a>(pub(super) &'a str);

impl Display for Escaped<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '&' => formatter.write_str("&amp;")?,
                '<' => formatter.write_str("&lt;")?,
                '>' => formatter.write_str("&gt;")?,
                '"' => formatter.write_str("&quot;")?,
                '\'' => formatter.write_str("&apos;")?,
                _ => formatter.write_char(c)?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_start_segments_of_their_own() {
        let cut: Vec<(&str, usize, usize, bool)> = segments("API 网关 v2\u{301}")
            .iter()
            .map(|segment| (segment.text, segment.column, segment.columns, segment.wide))
            .collect();
        assert_eq!(
            cut,
            [
                ("API ", 0, 4, false),
                ("网", 4, 2, true),
                ("关", 6, 2, true),
                (" v2\u{301}", 8, 3, false)
            ]
        );
    }

    #[test]
    fn markup_in_text_is_escaped() {
        assert_eq!(
            Escaped("<script>a & 'b' \"c\"</script>").to_string(),
            "&lt;script&gt;a &amp; &apos;b&apos; &quot;c&quot;&lt;/script&gt;"
        );
    }
}

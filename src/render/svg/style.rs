//! The SVG's style sheet: shapes and sizes, and the colours of a theme.

use std::fmt::Write;

use super::{FONT_FAMILIES, FONT_SIZE, Theme};

/// The colours of a theme.
struct Palette {
    background: &'static str,
    ink: &'static str,
    container_fill: &'static str,
    container_stroke: &'static str,
    component_fill: &'static str,
}

const LIGHT: Palette = Palette {
    background: "#ffffff",
    ink: "#1f2328",
    container_fill: "#f6f8fa",
    container_stroke: "#59636e",
    component_fill: "#ffffff",
};

const DARK: Palette = Palette {
    background: "#0d1117",
    ink: "#e6edf3",
    container_fill: "#161b22",
    container_stroke: "#9198a1",
    component_fill: "#0d1117",
};

/// The style sheet: shapes and sizes, then the theme's colours. Inlined in
/// HTML, a style sheet applies to the whole page, so every class is
/// prefixed and every colour is scoped to the drawing's theme: the page's
/// elements, and other drawings in other themes, keep their own.
pub(super) fn style_sheet(theme: Theme) -> String {
    let mut sheet = format!(
        ".strata text{{font-family:{FONT_FAMILIES};font-size:{FONT_SIZE}px;white-space:pre}}\n\
         .strata-title,.strata-container-title{{font-weight:bold}}\n\
         .strata-container,.strata-component{{stroke-width:1.5}}\n\
         .strata-line{{fill:none;stroke-width:1.5;stroke-linejoin:round}}\n\
         .strata-dashed{{stroke-dasharray:6 4}}\n\
         .strata-thick{{stroke-width:3}}\n\
         .strata-icon{{fill:none;stroke-width:1.5}}\n"
    );
    let scope = theme_class(theme);
    match theme {
        Theme::Light => sheet.push_str(&colours(scope, &LIGHT)),
        Theme::Dark => sheet.push_str(&colours(scope, &DARK)),
        Theme::Auto => {
            sheet.push_str(&colours(scope, &LIGHT));
            let _ = write!(
                sheet,
                "@media (prefers-color-scheme: dark) {{\n{}}}\n",
                colours(scope, &DARK)
            );
        }
    }
    sheet
}

/// The class of the root element that scopes a theme's colours.
pub(super) fn theme_class(theme: Theme) -> &'static str {
    match theme {
        Theme::Light => "strata-light",
        Theme::Dark => "strata-dark",
        Theme::Auto => "strata-auto",
    }
}

fn colours(scope: &str, palette: &Palette) -> String {
    let Palette {
        background,
        ink,
        container_fill,
        container_stroke,
        component_fill,
    } = palette;
    let rules = [
        (
            ".strata-background,.strata-label-background",
            format!("fill:{background}"),
        ),
        (
            ".strata-container",
            format!("fill:{container_fill};stroke:{container_stroke}"),
        ),
        (".strata-on-container", format!("fill:{container_fill}")),
        (
            ".strata-component",
            format!("fill:{component_fill};stroke:{ink}"),
        ),
        (".strata-line,.strata-icon", format!("stroke:{ink}")),
        (".strata-head,.strata-dot,text", format!("fill:{ink}")),
    ];
    let mut sheet = String::new();
    for (selectors, declarations) in rules {
        let scoped: Vec<String> = selectors
            .split(',')
            .map(|selector| format!(".{scope} {selector}"))
            .collect();
        let _ = writeln!(sheet, "{}{{{declarations}}}", scoped.join(","));
    }
    sheet
}

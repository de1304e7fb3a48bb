//! SVG and PNG. Every valid case and every example is drawn as SVG and
//! snapshotted; the SVG is parsed back by usvg and checked against the
//! layout (size, one text node per line of text) and against the text
//! drawing of the same layout (every box's rectangle where the text has its
//! corners). Its PNG is decoded and checked against the text drawing, pixel
//! by pixel at every cell's centre: ink in every line of text, the theme's
//! background where the text has nothing, a container's fill inside it.
//! PNG bytes are never snapshotted.

mod common;

use std::path::Path;

use resvg::usvg;

use strata::layout::{LayoutOptions, layout};
use strata::render::{Background, Charset, PngOptions, SvgOptions, Theme, text};

use common::{DARK, LIGHT, check_png, drawn_svg, layout_of, layout_of_file};

/// The SVG of a case, after checking it; this is what is snapshotted.
fn check_case(path: &Path) -> String {
    eprintln!("drawing {}", path.display());
    drawn_svg(&layout_of_file(path), &SvgOptions::default()).0
}

#[test]
fn svg_of_cases() {
    insta::glob!("cases/{model,layout}/*.strata", |path| {
        insta::assert_snapshot!(check_case(path));
    });
}

#[test]
fn svg_of_examples() {
    insta::glob!("../examples", "*.strata", |path| {
        insta::assert_snapshot!(check_case(path));
    });
}

#[test]
fn png_of_cases_and_examples() {
    let cases = ["cases/model", "cases/layout", "../examples"].map(|directory| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests")
            .join(directory)
    });
    let mut checked = 0;
    for directory in cases {
        let mut paths: Vec<_> = std::fs::read_dir(&directory)
            .expect("a directory of cases")
            .map(|entry| entry.expect("an entry").path())
            .filter(|path| {
                path.extension()
                    .is_some_and(|extension| extension == "strata")
            })
            .collect();
        paths.sort();
        for path in paths {
            let layout = layout_of_file(&path);
            check_png(
                &path.display().to_string(),
                &layout,
                &PngOptions::default(),
                &LIGHT,
            );
            checked += 1;
        }
    }
    assert!(checked > 40, "{checked} cases drawn");
}

#[test]
fn png_themes_backgrounds_and_scales() {
    let layout = layout_of_file(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/high-level-architecture.strata"),
    );
    for (theme, colours) in [(Theme::Light, &LIGHT), (Theme::Dark, &DARK)] {
        for background in [Background::Theme, Background::Transparent] {
            for scale in [1.0, 3.0] {
                let options = PngOptions {
                    theme,
                    background,
                    scale,
                };
                check_png("high-level-architecture", &layout, &options, colours);
            }
        }
    }
}

/// The text of every text node, in document order.
fn texts(group: &usvg::Group, found: &mut Vec<String>) {
    for node in group.children() {
        match node {
            usvg::Node::Text(text) => found.push(
                text.chunks()
                    .iter()
                    .map(|chunk| chunk.text())
                    .collect::<String>(),
            ),
            usvg::Node::Group(group) => texts(group, found),
            _ => {}
        }
    }
}

#[test]
fn markup_in_labels_comes_out_as_text() {
    let layout = layout_of(
        "title \"<b>Tom & Jerry's</b>\"\n\
         group g \"<script>alert(1)</script>\" { a \"a \\\"quoted\\\" & 'single'\" }\n\
         b \"x < y > z\"\n\
         a -> b : \"</text><text>&amp;\"",
    );
    let (drawing, tree) = drawn_svg(&layout, &SvgOptions::default());
    assert!(!drawing.contains("<script>") && !drawing.contains("<b>"));
    let mut found = Vec::new();
    texts(tree.root(), &mut found);
    for expected in [
        "<b>Tom & Jerry's</b>",
        "<script>alert(1)</script>",
        "a \"quoted\" & 'single'",
        "x < y > z",
        "</text><text>&amp;",
    ] {
        assert!(
            found.iter().any(|text| text == expected),
            "{expected:?} in {found:?}"
        );
    }
    let description = drawing
        .split_once("<desc>")
        .and_then(|(_, rest)| rest.split_once("</desc>"))
        .expect("a description")
        .0;
    assert!(
        description.contains("&lt;script&gt;alert(1)&lt;/script&gt; holds a &quot;quoted&quot;")
    );
}

#[test]
fn the_description_says_what_is_drawn() {
    let layout = layout_of_file(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/component-interaction.strata"),
    );
    let (drawing, _) = drawn_svg(&layout, &SvgOptions::default());
    assert!(drawing.contains("<title>Component Interaction</title>"));
    for sentence in [
        "The diagram shows User, API Gateway, Auth Service, Database, Business Logic Service and Message Queue.",
        "User to API Gateway, labelled “HTTPS”.",
        "Auth Service and Database point at each other.",
    ] {
        assert!(drawing.contains(sentence), "{sentence}");
    }
    let layout = layout_of_file(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/high-level-architecture.strata"),
    );
    let (drawing, _) = drawn_svg(&layout, &SvgOptions::default());
    assert!(drawing.contains(
        "Presentation Layer holds Web App (React), Mobile (iOS/Android) and API Gateway."
    ));
}

/// Ids come from the source's ids: adding a node and an edge renames
/// nothing that was there. A prefix keeps several drawings' ids apart.
#[test]
fn ids_survive_an_added_node() {
    let before_source = "a \"A\"\nb \"B\"\nc \"C\"\na -> b\nb -> c\na -> b : \"again\"\n";
    let after = format!("{before_source}n \"New\"\nn -> c\n");
    let ids = |source: &str| -> Vec<String> {
        drawn_svg(&layout_of(source), &SvgOptions::default())
            .0
            .split(" id=\"")
            .skip(1)
            .map(|rest| rest.split('"').next().expect("a quoted id").to_owned())
            .collect()
    };
    let (before, after) = (ids(before_source), ids(&after));
    assert_eq!(
        before,
        [
            "box-a",
            "box-b",
            "box-c",
            "edge-a--b",
            "edge-b--c",
            "edge-a--b-2"
        ]
    );
    assert!(before.iter().all(|id| after.contains(id)), "{after:?}");
    assert!(after.contains(&"box-n".to_owned()) && after.contains(&"edge-n--c".to_owned()));
    let options = SvgOptions {
        id_prefix: "second-".to_owned(),
        ..SvgOptions::default()
    };
    let (prefixed, _) = drawn_svg(&layout_of(before_source), &options);
    assert!(prefixed.contains("<rect id=\"second-box-a\""));
    assert!(prefixed.contains("<g id=\"second-edge-a--b-2\""));
    assert!(!prefixed.contains("id=\"box-") && !prefixed.contains("id=\"edge-"));
}

#[test]
fn themes_change_only_the_colours() {
    let layout = layout_of_file(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/system-context.strata"),
    );
    let drawn = |theme, background, xml_declaration| {
        drawn_svg(
            &layout,
            &SvgOptions {
                theme,
                background,
                xml_declaration,
                id_prefix: String::new(),
            },
        )
        .0
    };
    let light = drawn(Theme::Light, Background::Theme, true);
    let dark = drawn(Theme::Dark, Background::Theme, true);
    let auto = drawn(Theme::Auto, Background::Theme, true);
    // Apart from the sheet, only the root's class, which scopes it, differs.
    let without_style = |svg: &str| {
        let (head, rest) = svg.split_once("<style>").expect("a style sheet");
        let (_, tail) = rest.split_once("</style>").expect("a closed style sheet");
        format!("{head}{tail}")
            .replace("strata-light", "THEME")
            .replace("strata-dark", "THEME")
            .replace("strata-auto", "THEME")
    };
    assert_eq!(without_style(&light), without_style(&dark));
    assert_eq!(without_style(&light), without_style(&auto));
    assert!(light.contains("class=\"strata strata-light\""));
    assert!(light.contains(
        ".strata-light .strata-background,.strata-light .strata-label-background{fill:#ffffff}"
    ));
    assert!(dark.contains(
        ".strata-dark .strata-background,.strata-dark .strata-label-background{fill:#0d1117}"
    ));
    assert!(!light.contains("@media") && !dark.contains("@media"));
    assert!(auto.contains(
        "@media (prefers-color-scheme: dark) {\n\
         .strata-auto .strata-background,.strata-auto .strata-label-background{fill:#0d1117}"
    ));
    let transparent = drawn(Theme::Auto, Background::Transparent, true);
    assert!(!transparent.contains("<rect class=\"background\""));
    let inline = drawn(Theme::Auto, Background::Theme, false);
    assert!(inline.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_eq!(
        auto.strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
        Some(inline.as_str())
    );
}

/// The README shows each example's source, its text drawing and, for one,
/// its SVG: all three must be what Strata makes of the example today.
#[test]
fn the_readme_shows_what_strata_draws() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("a README");
    let block = |section: &str, language: &str| -> Option<String> {
        let fence = format!("```{language}\n");
        let start = section.find(&fence)? + fence.len();
        let length = section[start..].find("```")?;
        Some(section[start..start + length].to_owned())
    };
    let mut shown = 0;
    for section in readme.split("\n### ").skip(1) {
        let name = section.lines().next().expect("a heading");
        let path = root.join("examples").join(format!("{name}.strata"));
        let Ok(source) = std::fs::read_to_string(&path) else {
            continue;
        };
        assert_eq!(
            block(section, "strata").as_deref(),
            Some(source.as_str()),
            "{name}"
        );
        let layout = layout_of(&source);
        let drawing = text(&layout, Charset::Unicode);
        assert_eq!(
            block(section, "text").as_deref(),
            Some(drawing.as_str()),
            "{name}"
        );
        shown += 1;
    }
    assert_eq!(shown, 5, "the five reference examples are shown");
    let image = "docs/images/high-level-architecture.svg";
    assert!(readme.contains(&format!("]({image})")));
    let layout = layout_of_file(&root.join("examples/high-level-architecture.strata"));
    assert_eq!(
        std::fs::read_to_string(root.join(image)).expect("the README's SVG"),
        drawn_svg(&layout, &SvgOptions::default()).0,
        "{image} is stale: run strata render examples/high-level-architecture.strata -o {image}"
    );
}

/// A string literal of the language holding `text`.
fn literal(text: &str) -> String {
    let escaped: String = text
        .chars()
        .map(|c| match c {
            '"' => "\\\"".to_owned(),
            '\\' => "\\\\".to_owned(),
            '\n' => "\\n".to_owned(),
            c => c.to_string(),
        })
        .collect();
    format!("\"{escaped}\"")
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    })]

    /// Whatever a label holds, if the source is valid its SVG is valid XML
    /// that usvg reads back with every line of text as written.
    #[test]
    fn any_valid_label_makes_a_valid_svg(
        labels in proptest::collection::vec("\\PC{1,12}|[<>&\"'\\\\ ]{1,6}|.{1,8}", 4)
    ) {
        let source = format!(
            "title {}\ngroup g {} {{ a {} }}\nb {}\na -> b : {}\n",
            literal(&labels[0]),
            literal(&labels[1]),
            literal(&labels[2]),
            literal(&labels[3]),
            literal(&labels[0]),
        );
        let Ok(model) = strata::compile(&source) else {
            return Ok(());
        };
        let Ok(placed) = layout(&model, &LayoutOptions::default()) else {
            return Ok(());
        };
        let (_, tree) = drawn_svg(&placed, &SvgOptions::default());
        let mut found = Vec::new();
        texts(tree.root(), &mut found);
        let written: Vec<&str> = placed.texts().map(|run| run.text.as_str()).collect();
        proptest::prop_assert_eq!(found, written);
    }
}

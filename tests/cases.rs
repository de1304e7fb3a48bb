//! Data-driven tests. Each file under `tests/cases/` is one small source and
//! one behaviour; its snapshot is what `check` makes of it. Cases under
//! `model/` (and every example) must compile and snapshot the model's JSON;
//! cases under `errors/` must fail and snapshot the rendered diagnostics;
//! every valid case, `layout/` ones included, also snapshots its drawing in
//! both charsets and a dump of its layout, after the reader
//! (`strata::verify`) has read both drawings back and found them equal to
//! the model. `cargo insta review` accepts changed snapshots.

use std::path::Path;

use strata::diagnostic::{Colour, render_all};
use strata::layout::{LayoutOptions, dump, layout};
use strata::render::{Charset, text};

/// What a test case turns into: the model as JSON, or the diagnostics.
fn check(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).expect("test case is readable");
    let name = path.file_name().expect("a file").to_string_lossy();
    let source = strata::syntax::decode(&bytes).map_err(|error| {
        render_all(
            &[error],
            &name,
            &String::from_utf8_lossy(&bytes),
            Colour::Never,
        )
    })?;
    match strata::compile(source) {
        Ok(model) => Ok(strata::model::to_json(&model)),
        Err(diagnostics) => Err(render_all(&diagnostics, &name, source, Colour::Never)),
    }
}

#[test]
fn model_cases() {
    insta::glob!("cases/model/*.strata", |path| {
        let json = check(path)
            .unwrap_or_else(|errors| panic!("{} should compile:\n{errors}", path.display()));
        insta::assert_snapshot!(json);
    });
}

#[test]
fn examples() {
    insta::glob!("../examples", "*.strata", |path| {
        let json = check(path)
            .unwrap_or_else(|errors| panic!("{} should compile:\n{errors}", path.display()));
        insta::assert_snapshot!(json);
    });
}

#[test]
fn error_cases() {
    insta::glob!("cases/errors/*.strata", |path| {
        let Err(diagnostics) = check(path) else {
            panic!("{} should be refused", path.display());
        };
        insta::assert_snapshot!(diagnostics);
    });
}

/// The drawing of a valid case: Unicode, ASCII and the layout dump.
fn draw(path: &Path) -> String {
    let source = std::fs::read_to_string(path).expect("test case is UTF-8");
    let model = strata::compile(&source)
        .unwrap_or_else(|errors| panic!("{} should compile: {errors:?}", path.display()));
    let placed = layout(&model, &LayoutOptions::default())
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let unicode = text(&placed, Charset::Unicode);
    let ascii = text(&placed, Charset::Ascii);
    for (drawing, charset) in [(&unicode, Charset::Unicode), (&ascii, Charset::Ascii)] {
        if let Err(problems) = strata::verify::verify(drawing, &model, charset) {
            let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
            panic!(
                "{} ({charset:?}) reads back wrong:\n{drawing}\n{}",
                path.display(),
                problems.join("\n")
            );
        }
    }
    format!("{unicode}\n{ascii}\n{}", dump(&placed))
}

#[test]
fn drawings() {
    insta::glob!("cases/{model,layout}/*.strata", |path| {
        insta::assert_snapshot!(draw(path));
    });
}

#[test]
fn example_drawings() {
    insta::glob!("../examples", "*.strata", |path| {
        insta::assert_snapshot!(draw(path));
    });
}

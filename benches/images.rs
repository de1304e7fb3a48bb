//! Benchmark of SVG and PNG rendering: the five reference examples and the
//! generated N=1,000 diagram of the `layered` benchmark.
//!
//! `cargo bench --bench images` prints a Markdown table of median times:
//! the layout (parse, check and lay out), then each renderer from the
//! layout, with default options (PNG at scale 2), and the output's size.

mod common;

use std::time::{Duration, Instant};

use strata::layout::{Layout, LayoutOptions, layout};
use strata::render::{PngOptions, SvgOptions, png, svg};

use common::median;

/// The reference diagrams of `../shared/reference`, as examples.
const EXAMPLES: [&str; 5] = [
    "component-interaction",
    "defense-in-depth",
    "deployment-topology",
    "high-level-architecture",
    "system-context",
];

/// The median time of `runs` calls of `work`, and its last result.
fn timed<T>(runs: usize, mut work: impl FnMut() -> T) -> (Duration, T) {
    let mut samples = Vec::new();
    let mut result = None;
    for _ in 0..runs {
        let start = Instant::now();
        result = Some(std::hint::black_box(work()));
        samples.push(start.elapsed());
    }
    (median(samples), result.expect("at least one run"))
}

fn laid_out(source: &str) -> Layout {
    let model = strata::compile(source).expect("the sources are valid");
    layout(&model, &LayoutOptions::default()).expect("the layout finds room")
}

fn milliseconds(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1e3)
}

fn main() {
    // `cargo test` runs benches in test mode with `--bench` absent: keep it quick.
    let quick = !std::env::args().any(|argument| argument == "--bench");
    let mut diagrams: Vec<(String, String)> = EXAMPLES
        .iter()
        .map(|name| {
            let path = format!("{}/examples/{name}.strata", env!("CARGO_MANIFEST_DIR"));
            let source = std::fs::read_to_string(&path).expect("the example is readable");
            (name.to_string(), source)
        })
        .collect();
    if !quick {
        diagrams.push(("layered N=1,000".to_owned(), common::generate(1000, 1000)));
    }
    println!(
        "| diagram | cells | layout | SVG | SVG bytes | PNG (scale 2) | PNG pixels | PNG bytes |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (name, source) in &diagrams {
        let large = source.len() > 10_000;
        let runs = match (quick, large) {
            (true, _) => 1,
            (false, true) => 3,
            (false, false) => 11,
        };
        let (layout_time, placed) = timed(runs, || laid_out(source));
        let (svg_time, drawing) = timed(runs, || svg(&placed, &SvgOptions::default()));
        let options = PngOptions::default();
        let (png_time, image) = timed(runs, || png(&placed, &options).expect("draws"));
        let (width, height) = strata::render::svg::size(&placed);
        let scale = options.scale as u32;
        println!(
            "| {name} | {}×{} | {} | {} | {} | {} | {}×{} | {} |",
            placed.width,
            placed.height,
            milliseconds(layout_time),
            milliseconds(svg_time),
            drawing.len(),
            milliseconds(png_time),
            width * scale,
            height * scale,
            image.len()
        );
    }
}

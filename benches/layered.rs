//! Benchmark of the whole text pipeline (parse + lower, layout, Unicode
//! render) on generated layered architecture-like diagrams.
//!
//! `cargo bench --bench layered` prints a Markdown table of median times.
//! `cargo bench --bench layered -- --write DIR` also writes the generated
//! sources to DIR, for measuring peak memory with `/usr/bin/time -v`;
//! `--sizes 100,300` picks the sizes.
//!
//! Each diagram has N components in about sqrt(N)/2 layers, about 1.5 edges
//! per component between neighbouring layers, 5% of edges skipping a layer,
//! and 10% of edges labelled. A fixed-seed generator makes every run the same.

mod common;

use std::time::Instant;

use strata::layout::{LayoutOptions, layout};
use strata::render::{Charset, text};

use common::{generate, median};

fn main() {
    let arguments: Vec<String> = std::env::args().collect();
    let write_to = arguments
        .iter()
        .position(|argument| argument == "--write")
        .map(|at| arguments[at + 1].clone());
    // `cargo test` runs benches in test mode with `--bench` absent: keep it quick.
    let quick = !arguments.iter().any(|argument| argument == "--bench");
    let sizes: Vec<usize> = match arguments.iter().position(|argument| argument == "--sizes") {
        Some(at) => arguments[at + 1]
            .split(',')
            .map(|size| size.parse().expect("--sizes takes numbers like 100,1000"))
            .collect(),
        None if quick => vec![100],
        None => vec![100, 1000, 5000],
    };

    if let Some(directory) = &write_to {
        std::fs::create_dir_all(directory).expect("output directory");
        for &count in &sizes {
            let source = generate(count, count as u64);
            std::fs::write(format!("{directory}/layered-{count}.strata"), source)
                .expect("write source");
        }
    }
    println!("| N | edges | parse + check | layout | render | total | output |");
    println!("|---|---|---|---|---|---|---|");
    for &count in &sizes {
        let source = generate(count, count as u64);
        let runs = if count >= 1000 { 3 } else { 7 };
        let (mut parse, mut place, mut draw, mut total) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut size = (0, 0);
        for _ in 0..runs {
            let start = Instant::now();
            let model = strata::compile(&source).expect("generated sources are valid");
            let parsed = Instant::now();
            let placed = layout(&model, &LayoutOptions::default()).expect("the layout finds room");
            let laid_out = Instant::now();
            let drawing = text(&placed, Charset::Unicode);
            let done = Instant::now();
            parse.push(parsed - start);
            place.push(laid_out - parsed);
            draw.push(done - laid_out);
            total.push(done - start);
            size = (placed.width, placed.height);
            std::hint::black_box(drawing);
        }
        let edges = source.lines().filter(|line| line.contains("->")).count();
        println!(
            "| {count} | {edges} | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {}x{} cells |",
            median(parse).as_secs_f64() * 1e3,
            median(place).as_secs_f64() * 1e3,
            median(draw).as_secs_f64() * 1e3,
            median(total).as_secs_f64() * 1e3,
            size.0,
            size.1
        );
    }
}

//! The generated diagrams and the statistics the benchmarks share.

use std::fmt::Write as _;
use std::time::Duration;

/// A small deterministic generator (xorshift64*), so the benchmark needs no
/// random-number crate and every run draws the same diagrams.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }
}

/// A layered diagram with `count` components.
pub fn generate(count: usize, seed: u64) -> String {
    let mut rng = Rng(seed | 1);
    let layers = ((count as f64).sqrt() / 2.0).round().max(2.0) as usize;
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); layers];
    for component in 0..count {
        members[component * layers / count].push(component);
    }
    let mut source = String::new();
    let _ = writeln!(source, "title \"Generated: {count} components\"");
    for (layer, components) in members.iter().enumerate() {
        let _ = writeln!(source, "layer l{layer} \"Layer {layer}\" {{");
        for &component in components {
            let _ = writeln!(
                source,
                "  c{component} \"Service {component}\" \"(tier {layer})\""
            );
        }
        let _ = writeln!(source, "}}");
    }
    let edges = count * 3 / 2;
    for edge in 0..edges {
        let from_layer = rng.below(layers - 1);
        let skip = rng.below(100) < 5 && from_layer + 2 < layers;
        let to_layer = from_layer + if skip { 2 } else { 1 };
        let from = members[from_layer][rng.below(members[from_layer].len())];
        let to = members[to_layer][rng.below(members[to_layer].len())];
        if rng.below(100) < 10 {
            let _ = writeln!(source, "c{from} -> c{to} : \"call {edge}\"");
        } else {
            let _ = writeln!(source, "c{from} -> c{to}");
        }
    }
    source
}

/// The middle one of the samples.
pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

//! Ordering one container's ranks: which child comes first along a rank.
//!
//! Reads the ranks and the lifted edges; returns the slots of every rank in
//! order. An edge that spans several ranks gets a dummy slot on each rank it
//! passes, which reserves a lane for its route. Crossings are reduced by
//! barycentric sweeps (Sugiyama, Tagawa and Toda 1981), alternately down and
//! up, then adjacent transpositions (Gansner et al. 1993, section 3); source
//! order breaks every tie. The work is bounded by `max_sweeps`, and the best
//! order seen is kept.

/// A place on a rank: a child, or a lane for an edge passing through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Slot {
    Child(usize),
    /// A lane for lifted edge `edge` on this rank.
    Lane(usize),
}

/// The ranks' slots in order, and the links between slots of consecutive
/// ranks that the edges make.
pub struct Ordering {
    pub slots: Vec<Vec<Slot>>,
    /// `(upper rank, upper slot, lower slot)`.
    pub links: Vec<(usize, Slot, Slot)>,
}

/// Orders every rank's slots.
pub fn order(ranks: &[usize], edges: &[(usize, usize)], max_sweeps: usize) -> Ordering {
    let rank_count = ranks.iter().copied().max().map_or(0, |max| max + 1);
    let mut layers: Vec<Vec<Slot>> = vec![Vec::new(); rank_count];
    for (child, &rank) in ranks.iter().enumerate() {
        layers[rank].push(Slot::Child(child));
    }

    // Links between consecutive ranks, through the lanes of long edges.
    let mut links: Vec<(usize, Slot, Slot)> = Vec::new(); // (upper rank, upper slot, lower slot)
    for (index, &(from, to)) in edges.iter().enumerate() {
        let (top, bottom) = if ranks[from] <= ranks[to] {
            (from, to)
        } else {
            (to, from)
        };
        let (top_rank, bottom_rank) = (ranks[top], ranks[bottom]);
        if top_rank == bottom_rank {
            continue;
        }
        let mut previous = Slot::Child(top);
        for (rank, layer) in layers
            .iter_mut()
            .enumerate()
            .take(bottom_rank)
            .skip(top_rank + 1)
        {
            let lane = Slot::Lane(index);
            layer.push(lane);
            links.push((rank - 1, previous, lane));
            previous = lane;
        }
        links.push((bottom_rank - 1, previous, Slot::Child(bottom)));
    }
    if rank_count < 2 || links.is_empty() {
        return Ordering {
            slots: layers,
            links,
        };
    }

    let mut graph = Links::new(&layers, &links);
    let mut best = graph.positions.clone();
    let mut best_crossings = graph.crossings();
    for sweep in 0..max_sweeps {
        if best_crossings == 0 {
            break;
        }
        if sweep % 2 == 0 {
            for rank in 1..rank_count {
                graph.sort_by_barycentre(rank, true);
            }
        } else {
            for rank in (0..rank_count - 1).rev() {
                graph.sort_by_barycentre(rank, false);
            }
        }
        graph.transpose();
        let crossings = graph.crossings();
        if crossings < best_crossings {
            best_crossings = crossings;
            best = graph.positions.clone();
        }
    }
    graph.positions = best;
    Ordering {
        slots: graph.layers(),
        links,
    }
}

/// The slots as numbered nodes with their neighbours on the ranks above and below.
struct Links {
    slots: Vec<Slot>,
    rank: Vec<usize>,
    /// Position of each slot on its rank.
    positions: Vec<usize>,
    up: Vec<Vec<usize>>,
    down: Vec<Vec<usize>>,
    /// Slot numbers on each rank, in the current order.
    members: Vec<Vec<usize>>,
}

impl Links {
    fn new(layers: &[Vec<Slot>], links: &[(usize, Slot, Slot)]) -> Links {
        let mut slots = Vec::new();
        let mut rank = Vec::new();
        let mut positions = Vec::new();
        let mut members = Vec::new();
        let mut number = std::collections::HashMap::new();
        for (r, layer) in layers.iter().enumerate() {
            let mut on_rank = Vec::new();
            for (position, &slot) in layer.iter().enumerate() {
                number.insert((r, slot), slots.len());
                on_rank.push(slots.len());
                slots.push(slot);
                rank.push(r);
                positions.push(position);
            }
            members.push(on_rank);
        }
        let mut up = vec![Vec::new(); slots.len()];
        let mut down = vec![Vec::new(); slots.len()];
        for &(r, upper, lower) in links {
            let upper = number[&(r, upper)];
            let lower = number[&(r + 1, lower)];
            down[upper].push(lower);
            up[lower].push(upper);
        }
        Links {
            slots,
            rank,
            positions,
            up,
            down,
            members,
        }
    }

    /// Reorders one rank by the mean position of each slot's neighbours
    /// above (or below); a slot without any keeps its place.
    fn sort_by_barycentre(&mut self, rank: usize, from_above: bool) {
        let neighbours = if from_above { &self.up } else { &self.down };
        let mut keyed: Vec<(f64, usize, usize)> = self.members[rank]
            .iter()
            .map(|&slot| {
                let around = &neighbours[slot];
                let key = if around.is_empty() {
                    self.positions[slot] as f64
                } else {
                    around
                        .iter()
                        .map(|&n| self.positions[n] as f64)
                        .sum::<f64>()
                        / around.len() as f64
                };
                (key, self.positions[slot], slot)
            })
            .collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        self.members[rank] = keyed.into_iter().map(|(_, _, slot)| slot).collect();
        for (position, &slot) in self.members[rank].iter().enumerate() {
            self.positions[slot] = position;
        }
    }

    /// Swaps neighbouring slots while that removes crossings; one pass a rank.
    fn transpose(&mut self) {
        for rank in 0..self.members.len() {
            for index in 0..self.members[rank].len().saturating_sub(1) {
                let (left, right) = (self.members[rank][index], self.members[rank][index + 1]);
                let now = self.pair_crossings(left, right);
                let swapped = self.pair_crossings(right, left);
                if swapped < now {
                    self.members[rank].swap(index, index + 1);
                    self.positions[left] = index + 1;
                    self.positions[right] = index;
                }
            }
        }
    }

    /// Crossings between the edges of `left` and `right` if `left` came first.
    fn pair_crossings(&self, left: usize, right: usize) -> usize {
        let count = |neighbours: &Vec<Vec<usize>>| {
            let mut crossings = 0;
            for &a in &neighbours[left] {
                for &b in &neighbours[right] {
                    if self.positions[a] > self.positions[b] {
                        crossings += 1;
                    }
                }
            }
            crossings
        };
        count(&self.up) + count(&self.down)
    }

    /// Total crossings between consecutive ranks, by counting inversions
    /// with a Fenwick tree (Barth, Jünger and Mutzel 2002).
    fn crossings(&self) -> usize {
        let mut total = 0;
        for rank in 0..self.members.len().saturating_sub(1) {
            let mut ends: Vec<(usize, usize)> = Vec::new();
            for &slot in &self.members[rank] {
                for &below in &self.down[slot] {
                    ends.push((self.positions[slot], self.positions[below]));
                }
            }
            ends.sort_unstable();
            let width = self.members[rank + 1].len() + 1;
            let mut tree = vec![0usize; width + 1];
            for (seen, &(_, lower)) in ends.iter().enumerate() {
                let mut not_greater = 0;
                let mut i = lower + 1;
                while i > 0 {
                    not_greater += tree[i];
                    i -= i & i.wrapping_neg();
                }
                total += seen - not_greater;
                let mut i = lower + 1;
                while i <= width {
                    tree[i] += 1;
                    i += i & i.wrapping_neg();
                }
            }
        }
        total
    }

    fn layers(&self) -> Vec<Vec<Slot>> {
        let mut layers: Vec<Vec<(usize, Slot)>> = vec![Vec::new(); self.members.len()];
        for (slot, &kind) in self.slots.iter().enumerate() {
            layers[self.rank[slot]].push((self.positions[slot], kind));
        }
        layers
            .into_iter()
            .map(|mut layer| {
                layer.sort_unstable_by_key(|&(position, _)| position);
                layer.into_iter().map(|(_, slot)| slot).collect()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crossing_pair_is_uncrossed() {
        // 0 and 1 on top, 2 and 3 below; 0 -> 3 and 1 -> 2 cross in source order.
        let layers = order(&[0, 0, 1, 1], &[(0, 3), (1, 2)], 8).slots;
        assert_eq!(layers[0], vec![Slot::Child(0), Slot::Child(1)]);
        assert_eq!(layers[1], vec![Slot::Child(3), Slot::Child(2)]);
    }

    #[test]
    fn long_edges_get_a_lane_on_every_rank_they_pass() {
        let layers = order(&[0, 1, 2, 3], &[(0, 3), (0, 1), (1, 2), (2, 3)], 8).slots;
        assert!(layers[1].contains(&Slot::Lane(0)));
        assert!(layers[2].contains(&Slot::Lane(0)));
    }
}

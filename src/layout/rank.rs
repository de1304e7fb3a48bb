//! Ranking one container's children: which level each sits on.
//!
//! Reads the children's lifted edges, row groups and (at the top level) the
//! chain of layers; returns a rank per child such that every edge that is
//! not part of a cycle points to a higher rank, row members share a rank and
//! layers come in source order. Cycles are broken by reversing the back
//! edges of a depth-first search in source order (Gansner et al. 1993, "A
//! technique for drawing directed graphs", section 2.1); ranks are longest
//! paths from the sources, so they are stable under small edits.

/// The constraints on one container's children, by child index.
pub struct RankInput<'a> {
    pub count: usize,
    /// Lifted flow edges `(from, to)`; duplicates are fine.
    pub edges: &'a [(usize, usize)],
    /// Groups of children that share a rank.
    pub rows: &'a [Vec<usize>],
    /// Children that must take strictly increasing ranks in this order.
    pub chain: &'a [usize],
}

/// A rank for every child, starting at 0 with no empty rank in between.
pub fn rank(input: &RankInput<'_>) -> Vec<usize> {
    let class = row_classes(input.count, input.rows);
    let class_count = class.iter().copied().max().map_or(0, |max| max + 1);

    // Chain edges first, so that the search below follows them before any
    // flow edge and never reverses one.
    let mut successors: Vec<Vec<usize>> = vec![Vec::new(); class_count];
    for pair in input.chain.windows(2) {
        successors[class[pair[0]]].push(class[pair[1]]);
    }
    for &(from, to) in input.edges {
        if class[from] != class[to] {
            successors[class[from]].push(class[to]);
        }
    }

    let roots = input
        .chain
        .iter()
        .map(|&child| class[child])
        .chain(0..class_count);
    let acyclic = drop_back_edges(&successors, roots);
    let ranks = longest_paths(&acyclic);
    let mut result: Vec<usize> = class.iter().map(|&c| ranks[c]).collect();
    compact(&mut result);
    result
}

/// Maps each child to a class: children in one row share a class. Classes
/// are numbered by their first child, so source order is kept.
fn row_classes(count: usize, rows: &[Vec<usize>]) -> Vec<usize> {
    let mut representative: Vec<usize> = (0..count).collect();
    for row in rows {
        let first = row.iter().copied().min().expect("rows are not empty");
        for &member in row {
            representative[member] = first;
        }
    }
    let mut class_of_representative = vec![usize::MAX; count];
    let mut next = 0;
    representative
        .iter()
        .map(|&first| {
            if class_of_representative[first] == usize::MAX {
                class_of_representative[first] = next;
                next += 1;
            }
            class_of_representative[first]
        })
        .collect()
}

/// Removes the back edges of an iterative depth-first search that starts
/// from `roots` in order, which makes the graph acyclic.
fn drop_back_edges(
    successors: &[Vec<usize>],
    roots: impl Iterator<Item = usize>,
) -> Vec<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        OnStack,
        Done,
    }
    let mut state = vec![State::New; successors.len()];
    let mut kept: Vec<Vec<usize>> = vec![Vec::new(); successors.len()];
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in roots {
        if state[root] != State::New {
            continue;
        }
        state[root] = State::OnStack;
        stack.push((root, 0));
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&target) = successors[node].get(*next) {
                *next += 1;
                match state[target] {
                    State::OnStack => {} // A back edge: dropping it breaks the cycle.
                    State::Done => kept[node].push(target),
                    State::New => {
                        kept[node].push(target);
                        state[target] = State::OnStack;
                        stack.push((target, 0));
                    }
                }
            } else {
                state[node] = State::Done;
                stack.pop();
            }
        }
    }
    kept
}

/// Longest path from any source, in a topological order that takes the
/// lowest ready class first (Kahn's algorithm), so equal inputs give equal ranks.
fn longest_paths(successors: &[Vec<usize>]) -> Vec<usize> {
    let mut indegree = vec![0usize; successors.len()];
    for targets in successors {
        for &target in targets {
            indegree[target] += 1;
        }
    }
    let mut ready: std::collections::BinaryHeap<std::cmp::Reverse<usize>> = (0..successors.len())
        .filter(|&class| indegree[class] == 0)
        .map(std::cmp::Reverse)
        .collect();
    let mut rank = vec![0usize; successors.len()];
    while let Some(std::cmp::Reverse(class)) = ready.pop() {
        for &target in &successors[class] {
            rank[target] = rank[target].max(rank[class] + 1);
            indegree[target] -= 1;
            if indegree[target] == 0 {
                ready.push(std::cmp::Reverse(target));
            }
        }
    }
    rank
}

/// Renumbers ranks so that no rank is empty.
fn compact(ranks: &mut [usize]) {
    let mut used: Vec<usize> = ranks.to_vec();
    used.sort_unstable();
    used.dedup();
    for rank in ranks.iter_mut() {
        *rank = used.binary_search(rank).expect("every rank is in the list");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranks(
        count: usize,
        edges: &[(usize, usize)],
        rows: &[Vec<usize>],
        chain: &[usize],
    ) -> Vec<usize> {
        rank(&RankInput {
            count,
            edges,
            rows,
            chain,
        })
    }

    #[test]
    fn edges_point_down_and_sources_start_at_zero() {
        assert_eq!(ranks(3, &[(0, 1), (1, 2), (0, 2)], &[], &[]), vec![0, 1, 2]);
    }

    #[test]
    fn a_cycle_is_broken_at_its_back_edge() {
        assert_eq!(ranks(3, &[(0, 1), (1, 2), (2, 0)], &[], &[]), vec![0, 1, 2]);
    }

    #[test]
    fn rows_share_a_rank() {
        assert_eq!(
            ranks(4, &[(0, 1), (1, 2), (1, 3)], &[vec![0, 1, 2]], &[]),
            vec![0, 0, 0, 1]
        );
    }

    #[test]
    fn the_layer_chain_wins_over_an_upward_edge() {
        assert_eq!(ranks(3, &[(2, 0)], &[], &[0, 1, 2]), vec![0, 1, 2]);
    }
}

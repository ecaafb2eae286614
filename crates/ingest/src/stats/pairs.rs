//! Distinct (domain, name-server domain) pairs, as 64-bit hashes.
//!
//! A hash set of every pair would miss the cache on nearly every insert.
//! Instead each worker appends its pairs to a vector (skipping a repeat
//! of the previous pair, the common case) and, when done, scatters them
//! into buckets by the top bits of the hash. The buckets partition the
//! pairs alike in every worker, so the final count takes one bucket at a
//! time from all workers together, small enough to de-duplicate in the
//! cache, and spreads the buckets over all cores.

/// Buckets are chosen by this many top bits of a pair's hash: the
/// scatter writes to few enough places at once to stay in the cache,
/// and a bucket of a `.com`-sized zone still fits in the cache too.
const BUCKET_BITS: u32 = 12;
const BUCKETS: usize = 1 << BUCKET_BITS;

/// The pairs of one partial.
#[derive(Default)]
pub(super) struct PairSet {
    /// Pairs not yet scattered: (pair hash, name-server domain index).
    pending: Vec<(u64, u32)>,
    /// Adjacent duplicates are skipped before they reach `pending`.
    last: u64,
    /// Scattered pairs, this partial's own and those it absorbed.
    runs: Vec<Run>,
}

/// Pairs scattered into buckets.
struct Run {
    pairs: Vec<(u64, u32)>,
    /// Bucket `b` is `pairs[starts[b]..starts[b + 1]]`.
    starts: Vec<usize>,
    /// Name-server domain indices of the partial that absorbed the run,
    /// by the run's own; `None` when they are the same.
    remap: Option<Vec<u32>>,
}

impl PairSet {
    /// Room for `additional` more pairs.
    pub(super) fn reserve(&mut self, additional: usize) {
        self.pending.reserve(additional);
    }

    /// Adds a pair of name-server domain `ns_domain`.
    pub(super) fn push(&mut self, pair: u64, ns_domain: u32) {
        if pair != self.last {
            self.last = pair;
            self.pending.push((pair, ns_domain));
        }
    }

    /// Scatters the pending pairs; workers call it before they return,
    /// so that the scattering runs in parallel.
    pub(super) fn seal(&mut self) {
        if !self.pending.is_empty() {
            let pairs = std::mem::take(&mut self.pending);
            self.runs.push(Run::scatter(pairs));
        }
    }

    /// Takes in another partial's pairs; `remap` maps its name-server
    /// domain indices to this partial's.
    pub(super) fn absorb(&mut self, mut other: PairSet, remap: &[u32]) {
        other.seal();
        for mut run in other.runs {
            run.remap = Some(match run.remap {
                Some(theirs) => theirs.iter().map(|&i| remap[i as usize]).collect(),
                None => remap.to_vec(),
            });
            self.runs.push(run);
        }
    }

    /// Distinct pairs per name-server domain index (`ns_domains` of
    /// them), counted on all cores.
    pub(super) fn count(mut self, ns_domains: usize) -> Vec<u64> {
        self.seal();
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        let runs = &self.runs;

        let per_thread: Vec<Vec<u64>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|t| (BUCKETS * t / threads)..(BUCKETS * (t + 1) / threads))
                .map(|buckets| scope.spawn(move || count_buckets(runs, buckets, ns_domains)))
                .collect();
            handles.into_iter().filter_map(|h| h.join().ok()).collect()
        });

        let mut total = vec![0u64; ns_domains];
        for counts in per_thread {
            total.iter_mut().zip(counts).for_each(|(t, c)| *t += c);
        }
        total
    }
}

impl Run {
    /// Counting sort by bucket: one pass to size the buckets, one to
    /// place the pairs.
    fn scatter(pairs: Vec<(u64, u32)>) -> Self {
        let mut starts = vec![0usize; BUCKETS + 1];
        pairs.iter().for_each(|&(pair, _)| starts[bucket(pair) + 1] += 1);
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }

        let mut placed = vec![(0u64, 0u32); pairs.len()];
        let mut next = starts.clone();
        for pair in pairs {
            let slot = &mut next[bucket(pair.0)];
            placed[*slot] = pair;
            *slot += 1;
        }
        Run { pairs: placed, starts, remap: None }
    }

    fn bucket(&self, b: usize) -> &[(u64, u32)] {
        &self.pairs[self.starts[b]..self.starts[b + 1]]
    }

    fn ns_domain(&self, index: u32) -> usize {
        self.remap.as_ref().map_or(index, |remap| remap[index as usize]) as usize
    }
}

fn bucket(pair: u64) -> usize {
    (pair >> (64 - BUCKET_BITS)) as usize
}

/// Distinct pairs per name-server domain within `buckets`, all runs
/// together: each bucket goes through a small open-addressing set that
/// stays in the cache.
fn count_buckets(runs: &[Run], buckets: std::ops::Range<usize>, ns_domains: usize) -> Vec<u64> {
    let mut counts = vec![0u64; ns_domains];
    let mut seen = Vec::new();

    for b in buckets {
        let len: usize = runs.iter().map(|run| run.bucket(b).len()).sum();
        let mask = (len * 2).next_power_of_two().max(16) - 1;
        seen.clear();
        seen.resize(mask + 1, 0u64);

        for run in runs {
            for &(pair, index) in run.bucket(b) {
                if insert(&mut seen, mask, pair) {
                    counts[run.ns_domain(index)] += 1;
                }
            }
        }
    }
    counts
}

/// Adds `pair` to the set `seen` (linear probing, 0 for empty);
/// whether it was new. All pairs of a bucket share their top bits, so
/// setting the top bit keeps them apart and never makes 0.
fn insert(seen: &mut [u64], mask: usize, pair: u64) -> bool {
    let pair = pair | 1 << 63;
    let mut i = pair as usize & mask;
    loop {
        match seen[i] {
            0 => {
                seen[i] = pair;
                return true;
            }
            p if p == pair => return false,
            _ => i = (i + 1) & mask,
        }
    }
}

//! A wall-clock and CPU timer shared by the `bench_*` tests.

use std::time::Instant;

/// CPU time of this thread in seconds (Linux `/proc`, 10 ms ticks): the
/// rates below use it as well as the wall clock, since a busy machine
/// stretches the wall clock without changing the work.
pub fn thread_cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// Wall-clock and CPU time since it was started.
pub struct Timer {
    wall: Instant,
    cpu: f64,
}

impl Timer {
    pub fn start() -> Self {
        Self { wall: Instant::now(), cpu: thread_cpu_seconds() }
    }

    /// `(wall seconds, cpu seconds)` so far.
    pub fn seconds(&self) -> (f64, f64) {
        (self.wall.elapsed().as_secs_f64(), thread_cpu_seconds() - self.cpu)
    }

    /// The rate of `count` items per second, by wall clock and by CPU time.
    pub fn report(&self, count: usize) -> (f64, String) {
        let (wall, cpu) = self.seconds();
        let cpu_rate = count as f64 / cpu.max(0.01);
        let text = format!(
            "{count} in {wall:.3} s wall ({:.0}/s), {cpu:.2} s CPU ({cpu_rate:.0}/s)",
            count as f64 / wall
        );
        (cpu_rate, text)
    }
}

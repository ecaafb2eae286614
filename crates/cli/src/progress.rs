//! Progress on stderr: a bar on a terminal, plain lines when asked.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::args::Progress;

/// How often plain progress lines are written.
const PLAIN_EVERY: Duration = Duration::from_millis(500);

/// Reports progress through one input of known size.
pub struct Reporter {
    bar: Option<ProgressBar>,
    plain: Option<Plain>,
}

struct Plain {
    label: String,
    total: u64,
    last: Instant,
}

impl Reporter {
    /// A reporter for `label` of `total` bytes, shaped by `mode`.
    pub fn new(mode: Progress, quiet: bool, label: &str, total: u64) -> Self {
        let terminal = std::io::stderr().is_terminal();
        match mode {
            Progress::Auto if terminal && !quiet => {
                Self { bar: Some(bar(label, total)), plain: None }
            }
            Progress::Plain => {
                let plain = Plain { label: label.to_owned(), total, last: Instant::now() };
                Self { bar: None, plain: Some(plain) }
            }
            _ => Self { bar: None, plain: None },
        }
    }

    /// Bytes read so far and records seen so far.
    pub fn update(&mut self, bytes: u64, records: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(bytes);
            bar.set_message(format!("{records} records"));
        }

        if let Some(plain) = &mut self.plain {
            if plain.last.elapsed() >= PLAIN_EVERY {
                plain.last = Instant::now();
                crate::diag!(
                    "progress: {} bytes={}/{} records={records}",
                    plain.label,
                    bytes,
                    plain.total
                );
            }
        }
    }

    /// Removes the bar.
    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}

fn bar(label: &str, total: u64) -> ProgressBar {
    let style = ProgressStyle::with_template(
        "{prefix} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {msg} eta {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ");
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(style);
    bar.set_prefix(label.to_owned());
    bar
}

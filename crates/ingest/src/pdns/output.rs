//! What a reader has produced but not yet handed out, and its counts.

use std::collections::VecDeque;

use super::error::{PdnsError, PdnsErrorKind};
use super::lines::Lines;
use super::{PdnsObservation, ReadStats};

/// Items waiting to be yielded, and the reader's statistics.
#[derive(Default)]
pub(super) struct Output {
    pending: VecDeque<Result<PdnsObservation, PdnsError>>,
    fatal: bool,
    pub(super) stats: ReadStats,
}

impl Output {
    /// Queues an observation.
    pub(super) fn observation(&mut self, observation: PdnsObservation) {
        self.stats.observations += 1;
        self.pending.push_back(Ok(observation));
    }

    /// Queues an error at the current line of `lines`.
    pub(super) fn fail(&mut self, lines: &Lines, kind: PdnsErrorKind) {
        self.error(lines.error(kind));
    }

    /// Queues an error.
    pub(super) fn error(&mut self, error: PdnsError) {
        self.fatal |= error.is_fatal();
        self.stats.errors += 1;
        self.pending.push_back(Err(error));
    }

    /// Counts a record that carries nothing to observe.
    pub(super) fn skip_record(&mut self) {
        self.stats.skipped_records += 1;
    }

    /// Counts an answer that cannot be represented faithfully.
    pub(super) fn skip_answer(&mut self) {
        self.stats.skipped_answers += 1;
    }
}

/// A reader that works line by line.
pub(super) trait LineReader {
    /// Its lines and its output.
    fn parts(&mut self) -> (&mut Lines, &mut Output);

    /// Reads the current line (never called for a line that failed).
    fn read_line(&mut self);
}

/// The loop every reader runs: hand out what is waiting, else read the
/// next line; after a fatal error, read nothing more.
pub(super) fn next_item(
    reader: &mut impl LineReader,
) -> Option<Result<PdnsObservation, PdnsError>> {
    loop {
        let (lines, output) = reader.parts();
        if let Some(item) = output.pending.pop_front() {
            return Some(item);
        }
        if output.fatal {
            lines.stop();
        }

        let read = lines.advance()?;
        output.stats.lines += 1;
        match read {
            Ok(()) => reader.read_line(),
            Err(error) => output.error(error),
        }
    }
}

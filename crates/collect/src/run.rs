//! A run: domains stream in, at most `concurrency` are collected at
//! once, reports stream out. Memory is bounded by the channels and the
//! in-flight set, whatever the input size.

use std::future::Future;
use std::sync::Arc;

use nshunt_model::DomainName;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::collector::Collector;
use crate::report::DomainReport;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunEnd {
    /// Every domain was collected.
    Done,
    /// `stop` fired: domains in flight were abandoned (their reports
    /// are not sent) and the rest were not started.
    Stopped,
}

/// Collects every domain `domains` yields, sending each report to
/// `reports` as it completes, until the input ends or `stop` fires.
pub async fn run(
    collector: Arc<Collector>,
    mut domains: mpsc::Receiver<DomainName>,
    reports: mpsc::Sender<DomainReport>,
    concurrency: usize,
    stop: impl Future<Output = ()>,
) -> RunEnd {
    let concurrency = concurrency.max(1);
    let mut tasks: JoinSet<DomainReport> = JoinSet::new();
    let mut input_open = true;
    tokio::pin!(stop);

    let end = loop {
        if !input_open && tasks.is_empty() {
            break RunEnd::Done;
        }
        let room = input_open && tasks.len() < concurrency;

        tokio::select! {
            () = &mut stop => break RunEnd::Stopped,
            domain = domains.recv(), if room => match domain {
                Some(domain) => {
                    let collector = collector.clone();
                    tasks.spawn(async move { collector.collect(domain).await });
                }
                None => input_open = false,
            },
            Some(done) = tasks.join_next(), if !tasks.is_empty() => {
                forward(&reports, done).await;
            }
        }
    };

    if end == RunEnd::Stopped {
        tasks.abort_all();
        tracing::debug!(in_flight = tasks.len(), "run stopped");
    }
    end
}

async fn forward(
    reports: &mpsc::Sender<DomainReport>,
    done: Result<DomainReport, tokio::task::JoinError>,
) {
    match done {
        Ok(report) => {
            // A closed receiver means the writer gave up; it says why.
            let _ = reports.send(report).await;
        }
        Err(e) if e.is_cancelled() => {}
        Err(e) => tracing::error!(error = %e, "a collection task failed"),
    }
}

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
    domains: mpsc::Receiver<DomainName>,
    reports: mpsc::Sender<DomainReport>,
    concurrency: usize,
    stop: impl Future<Output = ()>,
) -> RunEnd {
    let task = move |domain| {
        let collector = collector.clone();
        async move { collector.collect(domain).await }
    };
    run_tasks(domains, reports, concurrency, stop, task).await
}

/// Runs `task` on every item `items` yields, at most `concurrency` at
/// once, sending each result to `reports` as it completes, until the
/// input ends or `stop` fires.
pub async fn run_tasks<I, R, F, Fut>(
    mut items: mpsc::Receiver<I>,
    reports: mpsc::Sender<R>,
    concurrency: usize,
    stop: impl Future<Output = ()>,
    task: F,
) -> RunEnd
where
    F: Fn(I) -> Fut,
    Fut: Future<Output = R> + Send + 'static,
    R: Send + 'static,
{
    let concurrency = concurrency.max(1);
    let mut tasks: JoinSet<R> = JoinSet::new();
    let mut input_open = true;
    tokio::pin!(stop);

    let end = loop {
        if !input_open && tasks.is_empty() {
            break RunEnd::Done;
        }
        let room = input_open && tasks.len() < concurrency;

        tokio::select! {
            () = &mut stop => break RunEnd::Stopped,
            item = items.recv(), if room => match item {
                Some(item) => {
                    tasks.spawn(task(item));
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

async fn forward<R>(reports: &mpsc::Sender<R>, done: Result<R, tokio::task::JoinError>) {
    match done {
        Ok(report) => {
            // A closed receiver means the writer gave up; it says why.
            let _ = reports.send(report).await;
        }
        Err(e) if e.is_cancelled() => {}
        Err(e) => tracing::error!(error = %e, "a collection task failed"),
    }
}

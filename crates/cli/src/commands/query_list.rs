//! `nshunt query-list` (hidden): a dnsperf-format query list sent to
//! one server through the collector's client, nothing stored. It exists
//! so that `benches/collect.sh` can compare the client with `dnsperf`
//! over the same list and the same servers.

use std::io::{BufRead, BufReader, Write};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context as _, Result, bail};
use nshunt_collect::list::{ListedQuery, parse_query_line, send_list};
use nshunt_collect::resolv;
use nshunt_collect::{ClientConfig, DnsClient, Guard, Outcome};
use serde::Serialize;

use super::Context;
use super::collect::parse_duration;
use crate::args::QueryListArgs;
use crate::output::Format;

/// The summary.
///
/// JSON: `{"server": "127.0.0.3:53", "queries": 200000, "seconds": 4.1,
/// "queries_per_second": 48780.5, "outcomes": {"answer": 199990, …}}`.
#[derive(Debug, Serialize)]
struct Summary {
    server: String,
    queries: u64,
    seconds: f64,
    queries_per_second: f64,
    outcomes: serde_json::Map<String, serde_json::Value>,
}

pub fn run(ctx: &Context, args: &QueryListArgs) -> Result<()> {
    let guard = Guard::from_env();
    let server = resolv::parse_server(&args.server).with_context(|| {
        format!("bad --server {:?}: give ADDR or ADDR:PORT (an IP address)", args.server)
    })?;
    guard.check(server)?;
    let queries = read_list(args)?;

    let config = ClientConfig {
        guard,
        timeout: parse_duration(&args.timeout)?,
        retries: args.retries,
        global_qps: args.rate,
        server_qps: 0,
        ..ClientConfig::default()
    };
    let client = Arc::new(DnsClient::new(config));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;

    let started = Instant::now();
    let (repeat, in_flight) = (args.repeat, args.concurrency);
    let send = send_list(client, server, queries, repeat, in_flight, args.recursion);
    let counts = runtime.block_on(send);
    let seconds = started.elapsed().as_secs_f64();

    let outcomes = Outcome::ALL
        .iter()
        .zip(counts.outcomes)
        .map(|(o, n)| (o.as_str().to_owned(), serde_json::Value::from(n)))
        .collect();
    let rate = if seconds > 0.0 { counts.queries as f64 / seconds } else { 0.0 };
    let server = server.to_string();
    let summary =
        Summary { server, queries: counts.queries, seconds, queries_per_second: rate, outcomes };
    write(ctx, &summary)
}

/// Every query of the list; a bad line stops the run (a benchmark over
/// another list than the one given would mislead).
fn read_list(args: &QueryListArgs) -> Result<Arc<[ListedQuery]>> {
    let shown = args.file.display();
    let file = std::fs::File::open(&args.file).with_context(|| format!("cannot read {shown}"))?;
    let mut queries = Vec::new();
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("cannot read {shown}"))?;
        if let Some(query) = parse_query_line(i + 1, &line) {
            queries.push(query.with_context(|| format!("bad query in {shown}"))?);
        }
    }
    if queries.is_empty() {
        bail!("{shown} holds no query: write `NAME TYPE` lines");
    }
    Ok(queries.into())
}

fn write(ctx: &Context, summary: &Summary) -> Result<()> {
    let mut out = ctx.stdout();
    match ctx.global.format {
        Format::Json | Format::Ndjson => {
            serde_json::to_writer(&mut out, summary)?;
            writeln!(out)?;
        }
        Format::Text => {
            let outcomes: Vec<String> =
                summary.outcomes.iter().map(|(k, v)| format!("{k} {v}")).collect();
            writeln!(
                out,
                "query-list: {} queries to {} in {:.2}s ({:.0}/s)\noutcomes: {}",
                summary.queries,
                summary.server,
                summary.seconds,
                summary.queries_per_second,
                outcomes.join(", ")
            )?;
        }
    }
    super::finish(out)
}

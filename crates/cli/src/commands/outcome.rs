//! What the ingest commands report: one outcome per input file, written
//! as text lines, one JSON object (`{"store": …, "files": […]}`) or one
//! JSON line per file. A failure still reports the files committed
//! before it, then the error.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::Serialize;

use super::{Context, finish};
use crate::output::{self, Format};

/// The report of one ingest command (a stable JSON contract).
#[derive(Serialize)]
struct Outcome<'a, T> {
    store: &'a str,
    files: &'a [T],
}

/// Ingests each of `paths` with `one`, then writes the outcomes, `text`
/// giving the line of one file in text output. Stops at the first
/// error, after writing what was done before it.
pub fn ingest_each<T: Serialize>(
    ctx: &Context,
    store: &str,
    paths: &[PathBuf],
    mut one: impl FnMut(&Path) -> Result<T>,
    text: impl Fn(&T) -> String,
) -> Result<()> {
    let mut files = Vec::new();
    for path in paths {
        match one(path) {
            Ok(file) => files.push(file),
            Err(error) => {
                write(ctx, store, &files, &text)?;
                return Err(error);
            }
        }
    }
    write(ctx, store, &files, &text)
}

fn write<T: Serialize>(
    ctx: &Context,
    store: &str,
    files: &[T],
    text: impl Fn(&T) -> String,
) -> Result<()> {
    let mut out = ctx.stdout();
    match ctx.global.format {
        Format::Text => {
            for file in files {
                writeln!(out, "{}", text(file))?;
            }
        }
        Format::Json => {
            let json = output::to_json(&Outcome { store, files })?;
            output::write_json(&mut out, &json, Format::Json)?;
        }
        Format::Ndjson => {
            let rows: Vec<_> = files.iter().map(output::to_json).collect::<Result<_, _>>()?;
            output::write_ndjson_rows(&mut out, &rows)?;
        }
    }
    finish(out)
}

/// Writes one summary: pretty JSON, one JSON line, or `text`'s lines.
pub fn write_summary<T: Serialize>(
    ctx: &Context,
    summary: &T,
    text: impl FnOnce(&mut dyn Write, &T) -> Result<()>,
) -> Result<()> {
    let mut out = ctx.stdout();
    match ctx.global.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, summary)?;
            writeln!(out)?;
        }
        Format::Ndjson => {
            serde_json::to_writer(&mut out, summary)?;
            writeln!(out)?;
        }
        Format::Text => text(&mut out, summary)?,
    }
    finish(out)
}

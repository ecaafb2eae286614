//! `nshunt brands`: which brands names impersonate, and why.
//!
//! No store is needed: the detector is built from the shipped catalogue,
//! the catalogue stored in the store when there is one, and
//! `--catalogue` (for this run), and reads the names given.
//!
//! `--import FILE` checks a catalogue (a bad line is reported with its
//! file and line and skipped, or stops the import under `--strict`) and
//! stores its valid brands in the store, where every scoring run reads
//! them: risk, domain, explore and investigate then see them, and the
//! scores are rebuilt at once. `--imported` shows the stored catalogue
//! (JSON: `{"store": PATH, "catalogue": null | {"file", "imported_at",
//! "skipped", "brands": [BRAND…]}}`), `--remove-imported` removes it and
//! rebuilds the scores.
//!
//! JSON (`--format json`): one document `{"names": [NAME…], "summary":
//! {…}}`; NDJSON: one NAME object a line. A NAME object has `name` (as
//! normalised, A-labels), `unicode` (the name in U-labels when it has
//! any, else absent), `matches` (strongest first, one per brand) and
//! `themes` (theme names, sorted). A match has `brand` (catalogue id),
//! `brand_name`, `category`, `kind` (`exact`, `combosquat`, `segmented`,
//! `homoglyph`, `typosquat`, `idn`), `operation` (the typing slip, or
//! null), `label` (the label as in the name), `matched` (its part that
//! stands for the brand, in ASCII reading), `keyword`, `distance` and
//! `why`. The summary has `read`, `invalid`, `flagged` (names with at
//! least one brand) and `shown`.

use std::io::Write;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use nshunt_brands::{Brand, BrandMatch, Catalogue, CatalogueError, Detector, Theme};
use nshunt_model::DomainName;
use nshunt_store::{SqliteStore, StoreError, StoredCatalogue};
use serde::Serialize;
use serde_json::json;

use super::files::{self, LineRead, MAX_LINE, read_capped_line};
use super::score::rescore_after_change;
use super::{Context, cli_name, finish};
use crate::args::BrandsArgs;
use crate::output::{self, Format, Table, thousands};
use crate::time::format_moment;

/// Invalid-line warnings shown in one run; the rest are only counted.
const WARN_LIMIT: u64 = 100;

/// What is said about one name.
#[derive(Debug, Serialize)]
struct NameReport {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    unicode: Option<String>,
    matches: Vec<BrandMatch>,
    themes: Vec<Theme>,
}

/// Counts for the summary.
#[derive(Debug, Default, Serialize)]
struct Summary {
    read: u64,
    invalid: u64,
    flagged: u64,
    shown: u64,
}

#[derive(Serialize)]
struct Document<'a> {
    names: &'a [NameReport],
    summary: &'a Summary,
}

pub fn run(ctx: &Context, args: &BrandsArgs) -> Result<()> {
    if let Some(path) = &args.import {
        return import(ctx, path, args.strict);
    }
    if args.imported {
        return show_imported(ctx);
    }
    if args.remove_imported {
        return remove_imported(ctx);
    }
    if args.domains.is_empty() && args.file.is_empty() {
        anyhow::bail!("no names: give DOMAIN arguments or --file FILE");
    }
    let themes = parse_themes(&args.theme)?;
    let detector = Detector::new(&catalogue(ctx, args)?);

    let mut reader = Reader {
        detector: &detector,
        ctx,
        all: args.all,
        themes,
        reports: Vec::new(),
        summary: Summary::default(),
        warned: 0,
    };
    for text in &args.domains {
        reader.name(&cli_name(text)?)?;
    }
    for file in &args.file {
        reader.file(file)?;
    }

    reader.finish()
}

fn parse_themes(names: &[String]) -> Result<Vec<Theme>> {
    names.iter().map(|t| t.parse::<Theme>().map_err(anyhow::Error::msg)).collect()
}

/// The shipped catalogue, the store's on top (when there is a store),
/// then `--catalogue`.
fn catalogue(ctx: &Context, args: &BrandsArgs) -> Result<Catalogue> {
    let mut catalogue = match stored_store(ctx)? {
        Some(store) => nshunt_analyze::load::brand_catalogue(&store)?,
        None => Catalogue::shipped(),
    };
    let Some(path) = &args.catalogue else { return Ok(catalogue) };

    let parsed = Catalogue::load_user(path, args.strict, &catalogue)?;
    warn_skipped(ctx, &parsed.skipped);
    catalogue.merge(parsed.catalogue);
    Ok(catalogue)
}

/// The store, when one exists that may hold a catalogue: reading names
/// needs no store, and a store from before catalogues were stored
/// (schema version 4) holds none.
fn stored_store(ctx: &Context) -> Result<Option<SqliteStore>> {
    let Ok(path) = ctx.store_path() else { return Ok(None) };
    if !path.is_file() {
        return Ok(None);
    }
    match SqliteStore::open_read_only(&path) {
        Ok(store) => Ok(Some(store)),
        Err(StoreError::NeedsMigration { found, .. }) if found <= 4 => Ok(None),
        Err(error) => Err(error.into()),
    }
}

fn warn_skipped(ctx: &Context, skipped: &[CatalogueError]) {
    if ctx.global.quiet {
        return;
    }
    for error in skipped {
        crate::diag!("warning: skipped {error}");
    }
}

/// `--import FILE`: checks the catalogue and stores its valid brands,
/// written out again as catalogue text, then rebuilds the scores.
fn import(ctx: &Context, path: &Path, strict: bool) -> Result<()> {
    // It replaces the stored catalogue: only the shipped one's names
    // are taken.
    let parsed = Catalogue::load_user(path, strict, &Catalogue::shipped())?;
    warn_skipped(ctx, &parsed.skipped);
    if parsed.catalogue.is_empty() {
        bail!(
            "{}: no valid brand in the catalogue ({} bad lines): nothing stored",
            path.display(),
            parsed.skipped.len()
        );
    }

    let stored = StoredCatalogue {
        file_name: path.display().to_string(),
        text: parsed.catalogue.to_tsv(),
        brands: parsed.catalogue.len() as u64,
        skipped: parsed.skipped.len() as u64,
        imported_at: chrono::Utc::now().timestamp(),
    };
    let mut store = ctx.open_store()?;
    let replaced = store.set_brand_catalogue(&stored)?;
    let store_path = store.path().display().to_string();
    forget_explore_index(&store);
    drop(store);
    tracing::info!(file = %path.display(), brands = stored.brands, skipped = stored.skipped,
        replaced, "brand catalogue imported");

    let mut out = ctx.stdout();
    match ctx.global.format {
        Format::Text => {
            let replacing = if replaced { ", replacing the one stored before" } else { "" };
            writeln!(
                out,
                "imported {} brands from {} ({} bad lines skipped){replacing}, into {store_path}",
                stored.brands, stored.file_name, stored.skipped
            )?;
        }
        format => {
            let outcome = json!({
                "store": store_path,
                "file": stored.file_name,
                "brands": stored.brands,
                "skipped": stored.skipped,
                "replaced": replaced,
            });
            output::write_json(&mut out, &outcome, format)?
        }
    }
    finish(out)?;
    rescore_after_change(ctx, "the brand catalogue");
    Ok(())
}

/// Removes the explore index the last scoring run wrote: it holds the
/// brands of the catalogue before the change, and its stamp (the newest
/// batch) cannot tell. The rescoring that follows writes a new one;
/// under `--no-score`, explore loads the store until `nshunt score`.
fn forget_explore_index(store: &SqliteStore) {
    let path = nshunt_analyze::index::path_for(store.path());
    match std::fs::remove_file(&path) {
        Ok(()) => tracing::debug!(path = %path.display(), "explore index removed"),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => tracing::warn!(path = %path.display(), %error,
            "explore index not removed: it may show the brands of the old catalogue"),
    }
}

/// The stored catalogue, for `--imported` (stable JSON).
#[derive(Serialize)]
struct Imported {
    file: String,
    imported_at: i64,
    skipped: u64,
    brands: Vec<Brand>,
}

/// `--imported`: the stored catalogue's brands.
fn show_imported(ctx: &Context) -> Result<()> {
    let store = ctx.read_store()?;
    let store_path = store.path().display().to_string();
    let imported = store.brand_catalogue()?.map(|stored| {
        let parsed = Catalogue::parse(&stored.text, Path::new(&stored.file_name));
        Imported {
            file: stored.file_name,
            imported_at: stored.imported_at,
            skipped: stored.skipped,
            brands: parsed.catalogue.brands().to_vec(),
        }
    });

    let mut out = ctx.stdout();
    match (ctx.global.format, &imported) {
        (Format::Text, None) => writeln!(out, "no brand catalogue imported into {store_path}")?,
        (Format::Text, Some(imported)) => write_imported(&mut out, imported)?,
        (format, _) => {
            let doc = output::to_json(&json!({ "store": store_path, "catalogue": imported }))?;
            output::write_json(&mut out, &doc, format)?
        }
    }
    finish(out)
}

fn write_imported(out: &mut impl Write, imported: &Imported) -> Result<()> {
    writeln!(
        out,
        "imported from {} at {}: {} brands ({} bad lines skipped)\n",
        imported.file,
        format_moment(imported.imported_at),
        imported.brands.len(),
        imported.skipped
    )?;
    let mut table = Table::new(&["id", "name", "category", "keywords", "domains"]);
    for brand in &imported.brands {
        let keywords: Vec<String> =
            brand.keywords.iter().map(nshunt_brands::Keyword::written).collect();
        let domains: Vec<&str> = brand.domains.iter().map(DomainName::as_str).collect();
        table.row(vec![
            brand.id.clone(),
            output::sanitize(&brand.name),
            brand.category.to_string(),
            keywords.join(","),
            if domains.is_empty() { "-".into() } else { domains.join(",") },
        ]);
    }
    table.write(out, "")?;
    Ok(())
}

/// `--remove-imported`: removes the stored catalogue and rebuilds the
/// scores without it.
fn remove_imported(ctx: &Context) -> Result<()> {
    let path = ctx.store_path()?;
    if !path.is_file() {
        bail!("no store at {}: no brand catalogue to remove", path.display());
    }
    let mut store = ctx.open_store()?;
    let removed = store.remove_brand_catalogue(chrono::Utc::now().timestamp())?;
    let store_path = store.path().display().to_string();
    if removed {
        forget_explore_index(&store);
    }
    drop(store);

    let mut out = ctx.stdout();
    match ctx.global.format {
        Format::Text if removed => writeln!(out, "removed the brand catalogue from {store_path}")?,
        Format::Text => {
            writeln!(out, "no brand catalogue imported into {store_path}: nothing removed")?
        }
        format => output::write_json(
            &mut out,
            &json!({ "store": store_path, "removed": removed }),
            format,
        )?,
    }
    finish(out)?;
    if removed {
        rescore_after_change(ctx, "the removal of the brand catalogue");
    }
    Ok(())
}

/// Reads names and keeps what is to be shown.
struct Reader<'a> {
    detector: &'a Detector,
    ctx: &'a Context,
    /// `--all`: names without a brand too.
    all: bool,
    /// `--theme`: only names with one of these.
    themes: Vec<Theme>,
    reports: Vec<NameReport>,
    summary: Summary,
    warned: u64,
}

impl<'a> Reader<'a> {
    fn ctx(&self) -> &'a Context {
        self.ctx
    }

    /// Reads one name; NDJSON rows are written at once.
    fn name(&mut self, name: &DomainName) -> Result<()> {
        let detector = self.detector;
        let all = self.all;
        self.summary.read += 1;

        let matches = detector.detect(name);
        if !matches.is_empty() {
            self.summary.flagged += 1;
        }
        // Themes cost a second pass: only for names that may be shown.
        if matches.is_empty() && !all && self.themes.is_empty() {
            return Ok(());
        }
        let themes = detector.themes_with(name, &matches);
        let wanted = self.themes.is_empty() || themes.iter().any(|t| self.themes.contains(t));
        if !wanted || (matches.is_empty() && !all) {
            return Ok(());
        }

        self.summary.shown += 1;
        let unicode = name.to_unicode();
        let unicode = (unicode != name.as_str()).then_some(unicode);
        let report = NameReport { name: name.to_string(), unicode, matches, themes };
        if self.ctx().global.format == Format::Ndjson {
            let mut out = self.ctx().stdout();
            output::write_json(&mut out, &report, Format::Ndjson)?;
            return finish(out);
        }
        self.reports.push(report);
        Ok(())
    }

    /// Reads a file (or pipe; plain, gzip or xz) of names, one a line; a
    /// line that is not a name, as on the command line, is reported and
    /// skipped. Lines are read at most [`MAX_LINE`] bytes at a time, so
    /// a file without line breaks cannot fill memory.
    fn file(&mut self, path: &Path) -> Result<()> {
        let mut reader = files::open_names(path)?;
        let mut buf = Vec::new();
        for number in 1.. {
            let line = read_capped_line(&mut reader, &mut buf)
                .with_context(|| format!("cannot read {} at line {number}", path.display()))?;
            match line {
                LineRead::End => break,
                LineRead::TooLong => {
                    self.invalid(path, number, &format!("longer than {MAX_LINE} bytes"));
                }
                LineRead::Line => self.line(path, number, &buf)?,
            }
        }
        Ok(())
    }

    fn line(&mut self, path: &Path, number: usize, bytes: &[u8]) -> Result<()> {
        let text = String::from_utf8_lossy(bytes);
        let text = text.trim();
        if text.is_empty() || text.starts_with('#') {
            return Ok(());
        }
        match cli_name(text) {
            Ok(name) => self.name(&name),
            Err(error) => {
                self.invalid(path, number, &format!("{error:#}"));
                Ok(())
            }
        }
    }

    fn invalid(&mut self, path: &Path, number: usize, why: &str) {
        self.summary.invalid += 1;
        if self.ctx().global.quiet {
            return;
        }
        self.warned += 1;
        if self.warned <= WARN_LIMIT {
            crate::diag!("warning: skipped {}:{number}: {why}", path.display());
        } else if self.warned == WARN_LIMIT + 1 {
            crate::diag!(
                "warning: more than {WARN_LIMIT} invalid names; the rest are only counted"
            );
        }
    }

    fn finish(self) -> Result<()> {
        let ctx = self.ctx();
        let s = &self.summary;
        if !ctx.global.quiet {
            crate::diag!(
                "brands: {} names read, {} with a brand, {} shown, {} invalid",
                thousands(s.read),
                thousands(s.flagged),
                thousands(s.shown),
                thousands(s.invalid)
            );
        }

        let mut out = ctx.stdout();
        match ctx.global.format {
            Format::Text => write_text(&mut out, &self.reports)?,
            Format::Json => {
                let doc = Document { names: &self.reports, summary: s };
                output::write_json(&mut out, &doc, Format::Json)?
            }
            Format::Ndjson => {}
        }
        finish(out)
    }
}

fn write_text(out: &mut impl Write, reports: &[NameReport]) -> Result<()> {
    let mut table = Table::new(&["name", "brand", "kind", "matched", "distance", "themes", "why"])
        .right_align(&[4]);
    for r in reports {
        let name = match &r.unicode {
            Some(u) => format!("{} ({u})", r.name),
            None => r.name.clone(),
        };
        let themes: Vec<&str> = r.themes.iter().map(|t| t.as_str()).collect();
        let themes = if themes.is_empty() { "-".to_string() } else { themes.join(",") };
        if r.matches.is_empty() {
            table.row(vec![
                name,
                "-".into(),
                "-".into(),
                "-".into(),
                "-".into(),
                themes,
                "-".into(),
            ]);
            continue;
        }
        for m in &r.matches {
            let kind = match m.operation {
                Some(op) => format!("{}/{}", m.kind.as_str(), serde_plain(op)),
                None => m.kind.as_str().to_string(),
            };
            table.row(vec![
                name.clone(),
                m.brand.clone(),
                kind,
                m.matched.clone(),
                m.distance.to_string(),
                themes.clone(),
                output::sanitize(&m.why),
            ]);
        }
    }
    table.write(out, "")?;
    Ok(())
}

/// A unit enum value as its serialised name.
fn serde_plain(value: impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => "?".into(),
    }
}

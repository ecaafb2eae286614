//! One module per command. Each builds a serialisable result, then
//! writes it in the format asked for.

mod brands;
mod collect;
mod collect_rdap;
mod domain;
mod eval;
mod explore;
mod export_cof;
pub(crate) mod files;
mod ingest_asn;
mod ingest_labels;
mod ingest_pdns;
mod ingest_registration;
mod ingest_zone;
mod investigate;
mod nameserver;
mod network;
mod outcome;
mod query_list;
pub(crate) mod score;
mod store_info;
mod zone_stats;

use std::io::{self, BufWriter, StdoutLock, Write};
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use nshunt_model::{DomainName, Section};
use nshunt_store::SqliteStore;

use crate::args::{
    Cli, Command, ExportCommand, Global, IngestCommand, StoreCommand, ZoneCommand, ZoneInputArgs,
};
use crate::time::parse_moment;

/// Runs the command `cli` names.
pub fn run(cli: Cli) -> Result<()> {
    let ctx = Context { global: cli.global };
    if let Some(text) = &ctx.global.as_of {
        parse_moment(text)?;
    }
    let ingests = matches!(cli.command, Command::Ingest(_) | Command::Collect(_));
    let before = if ingests { score::newest_batch_before(&ctx) } else { None };
    let result = dispatch(&ctx, cli.command);
    if ingests && result.is_ok() {
        score::rescore_after_ingest(&ctx, before);
    }
    result
}

/// Runs one command.
fn dispatch(ctx: &Context, command: Command) -> Result<()> {
    match command {
        Command::Zone(ZoneCommand::Stats(args)) => zone_stats::run(ctx, &args),
        Command::Collect(args) => collect::run(ctx, &args),
        Command::QueryList(args) => query_list::run(ctx, &args),
        Command::Ingest(IngestCommand::Zone(args)) => ingest_zone::run(ctx, &args),
        Command::Ingest(IngestCommand::Pdns(args)) => ingest_pdns::run(ctx, &args),
        Command::Ingest(IngestCommand::Asn(args)) => ingest_asn::run(ctx, &args),
        Command::Ingest(IngestCommand::Labels(args)) => ingest_labels::run(ctx, &args),
        Command::Ingest(IngestCommand::Whois(args)) => {
            ingest_registration::run(ctx, &args, ingest_registration::Kind::Whois)
        }
        Command::Ingest(IngestCommand::Rdap(args)) => {
            ingest_registration::run(ctx, &args, ingest_registration::Kind::Rdap)
        }
        Command::Asn(args) => network::run_asn(ctx, &args),
        Command::Ip(args) => network::run_ip(ctx, &args),
        Command::Subnet(args) => network::run_subnet(ctx, &args),
        Command::Ptr(args) => network::run_ptr(ctx, &args),
        Command::Brands(args) => brands::run(ctx, &args),
        Command::Export(ExportCommand::Cof(args)) => export_cof::run(ctx, &args),
        Command::Nameserver(args) => nameserver::run(ctx, &args),
        Command::Domain(args) => domain::run(ctx, &args),
        Command::Store(StoreCommand::Info) => store_info::run(ctx),
        Command::Score(args) => score::run(ctx, &args),
        Command::Reputation(args) => score::run_reputation(ctx, &args),
        Command::Verdict(args) => score::run_verdict(ctx, &args),
        Command::Risk(args) => score::run_risk(ctx, &args),
        Command::Eval(args) => eval::run(ctx, &args),
        Command::Investigate(args) => investigate::run(ctx, &args),
        Command::Explore(args) => explore::run(ctx, &args),
    }
}

/// What every command needs: the global options and the outputs.
pub struct Context {
    pub global: Global,
}

impl Context {
    /// Buffered stdout, for data, with control characters escaped
    /// ([`crate::output::Clean`]).
    pub fn stdout(&self) -> BufWriter<crate::output::Clean<StdoutLock<'static>>> {
        BufWriter::new(crate::output::Clean::new(io::stdout().lock()))
    }

    /// The store's path: `--store`, `NSHUNT_STORE`, or the user's data
    /// directory.
    pub fn store_path(&self) -> Result<PathBuf> {
        if let Some(path) = &self.global.store {
            return Ok(path.clone());
        }
        let dirs = directories::ProjectDirs::from("", "", "nshunt")
            .context("no home directory to put the store in: pass --store PATH")?;
        Ok(dirs.data_dir().join("nshunt.sqlite"))
    }

    /// Opens (and creates or migrates) the store for writing.
    pub fn open_store(&self) -> Result<SqliteStore> {
        let path = self.store_path()?;
        refuse_directory(&path)?;
        Ok(SqliteStore::open(&path)?)
    }

    /// Opens an existing store for reading; a missing one is an error
    /// that says how to make one.
    pub fn read_store(&self) -> Result<SqliteStore> {
        let path = self.existing_store_path()?;
        Ok(SqliteStore::open_read_only(&path)?)
    }

    /// Opens an existing store for writing: commands that only work on
    /// what is stored (scoring) must not create an empty store at a
    /// mistyped path.
    pub fn write_existing_store(&self) -> Result<SqliteStore> {
        let path = self.existing_store_path()?;
        Ok(SqliteStore::open(&path)?)
    }

    fn existing_store_path(&self) -> Result<PathBuf> {
        let path = self.store_path()?;
        if !path.exists() {
            anyhow::bail!(
                "no store at {}: ingest data first (nshunt ingest zone FILE) or pass --store",
                path.display()
            );
        }
        refuse_directory(&path)?;
        Ok(path)
    }

    /// `--as-of` in unix seconds, or the store's newest observation.
    pub fn as_of(&self, store: &SqliteStore) -> Result<i64> {
        if let Some(text) = &self.global.as_of {
            return Ok(parse_moment(text)?);
        }
        store.default_as_of()?.context("the store holds no observations yet: ingest data first")
    }
}

/// A store path that is a folder gets a clear word, not "disk I/O error".
/// Also refuses FIFOs and devices, on which SQLite would hang or fail.
fn refuse_directory(path: &std::path::Path) -> Result<()> {
    if path.is_dir() {
        anyhow::bail!("the store {} is a folder: --store takes a file path", path.display());
    }
    if path.exists() && !path.is_file() {
        anyhow::bail!("the store {} is not a regular file", path.display());
    }
    Ok(())
}

/// A name given on the command line: whitespace and control characters
/// are refused there (they are legal in DNS labels, but on a command
/// line they are a slip), and a backslash must start a valid escape.
pub fn cli_name(text: &str) -> Result<DomainName> {
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        anyhow::bail!("{text:?} has spaces or control characters: give a domain name");
    }
    DomainName::parse(text).with_context(|| format!("bad name {text:?}"))
}

/// A domain name to judge or score: a name (not an address, a URL or a
/// pattern) whose A-label form holds only letters, digits, hyphens,
/// underscores and dots, under a public suffix; its registered domain
/// is returned with it.
pub fn judged_name(text: &str) -> Result<(DomainName, String)> {
    if text.trim().parse::<std::net::IpAddr>().is_ok() {
        anyhow::bail!("{text:?} is an IP address: give a domain name");
    }
    let name = cli_name(text)?;
    let plain = name.as_str().bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if !plain {
        anyhow::bail!(
            "{text:?} is not a host name (letters, digits, hyphens and dots): give a domain name"
        );
    }
    let registered = nshunt_analyze::load::registered_domain(name.as_str())
        .with_context(|| format!("{text:?} is a public suffix (or the root), not a domain"))?;
    Ok((name, registered))
}

/// The Public Suffix List section `--psl-private` asks for.
pub fn section(input: &ZoneInputArgs) -> Section {
    if input.psl_private { Section::IcannAndPrivate } else { Section::Icann }
}

/// `--origin` as a name.
pub fn origin(input: &ZoneInputArgs) -> Result<Option<DomainName>> {
    let Some(text) = &input.origin else { return Ok(None) };
    let name = DomainName::parse(text).with_context(|| format!("bad --origin {text:?}"))?;
    Ok(Some(name))
}

/// Flushes stdout, so a broken pipe is seen here and not at exit.
pub fn finish(mut out: impl Write) -> Result<()> {
    out.flush()?;
    Ok(())
}

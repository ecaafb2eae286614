//! The command line, as clap sees it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::output::Format;

/// nshunt: DNS-infrastructure threat intelligence from cached data.
///
/// Start from a suspicious domain, look at its name server (how many
/// domains live there, how low their TTLs are), and find what else lives
/// on the same infrastructure.
#[derive(Debug, Parser)]
#[command(name = "nshunt", version, about, long_about = None)]
#[command(after_help = EXIT_CODES)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,

    #[command(subcommand)]
    pub command: Command,
}

const EXIT_CODES: &str = "Exit codes:\n  0  done\n  2  error (unusable input, bad \
    record under --strict, unknown name, store problem)\n\nData goes to stdout, \
    diagnostics to stderr. NO_COLOR is honoured.";

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// The store: a path to the SQLite file [default: the user's data
    /// directory, nshunt/nshunt.sqlite]
    #[arg(long, global = true, env = "NSHUNT_STORE", value_name = "PATH")]
    pub store: Option<PathBuf>,

    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Compute the views (domain, nameserver) as of this moment
    /// (YYYY-MM-DD, RFC 3339, or unix seconds) [default: the newest
    /// observation in the store]
    #[arg(long, global = true, value_name = "TIME")]
    pub as_of: Option<String>,

    /// Progress display on stderr: a bar on a terminal (auto), plain
    /// lines, or none.
    #[arg(long, global = true, value_enum, default_value_t = Progress::Auto)]
    pub progress: Progress,

    /// Less on stderr: errors only (no warnings about skipped records).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// More on stderr (-v: debug, -vv: trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Progress {
    /// A bar when stderr is a terminal, nothing otherwise.
    Auto,
    /// One line on stderr every half second, for logs and scripts.
    Plain,
    /// Nothing.
    None,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read zone files without storing anything.
    #[command(subcommand)]
    Zone(ZoneCommand),

    /// Load data into the store.
    #[command(subcommand)]
    Ingest(IngestCommand),

    /// The profile of a name-server domain (e.g. dendrite.network).
    Nameserver(NameserverArgs),

    /// The seed view of a domain: its name servers and their density.
    Domain(DomainArgs),

    /// What the store holds.
    #[command(subcommand)]
    Store(StoreCommand),
}

#[derive(Debug, Subcommand)]
pub enum ZoneCommand {
    /// Per-name-server-domain statistics of zone files, streamed: NS
    /// hosts, distinct delegated domains, records, mean delegation TTL.
    Stats(ZoneStatsArgs),
}

/// Options of the zone readers.
#[derive(Debug, Args)]
pub struct ZoneInputArgs {
    /// Zone files (RFC 1035 master format or CZDS; plain, gzip or xz).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Origin for relative names when the file sets none.
    #[arg(long, value_name = "NAME")]
    pub origin: Option<String>,

    /// Allow `$INCLUDE` of files below the zone file's own directory.
    #[arg(long)]
    pub allow_include: bool,

    /// Use the Public Suffix List's private section too
    /// (blogspot.com, github.io, …) for registered domains.
    #[arg(long)]
    pub psl_private: bool,

    /// Stop with exit 2 at the first bad record instead of skipping it.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Args)]
pub struct ZoneStatsArgs {
    #[command(flatten)]
    pub input: ZoneInputArgs,

    /// Show only the N name-server domains with the most domains.
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,

    /// Worker threads for plain files (0: one per core; at most 256).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u16).range(0..=256))]
    pub threads: u16,
}

#[derive(Debug, Subcommand)]
pub enum IngestCommand {
    /// Zone files, each one batch: a snapshot of its zone on a date.
    Zone(IngestZoneArgs),
}

#[derive(Debug, Args)]
pub struct IngestZoneArgs {
    #[command(flatten)]
    pub input: ZoneInputArgs,

    /// The date the zone describes [default: from the SOA serial when it
    /// is a date, else from a date in the file name, else the file's
    /// modification time]
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
}

#[derive(Debug, Args)]
pub struct NameserverArgs {
    /// A name-server domain or an NS host (its registered domain is used).
    pub name: String,

    /// Domains to list per page (1 to 100000).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub limit: u32,

    /// Page of domains to show, from 1.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub page: u32,
}

#[derive(Debug, Args)]
pub struct DomainArgs {
    /// The domain (Unicode or A-labels).
    pub domain: String,
}

#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Sources, batches, counts and size.
    Info,
}

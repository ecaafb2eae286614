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

/// Options every command takes (listed apart in every `--help`).
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// The store: a path to the SQLite file [default: the user's data
    /// directory, nshunt/nshunt.sqlite]
    #[arg(long, global = true, env = "NSHUNT_STORE", value_name = "PATH")]
    pub store: Option<PathBuf>,

    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Compute views, scores and risks as of this moment (YYYY-MM-DD,
    /// RFC 3339, or unix seconds) [default: the newest DNS observation
    /// in the store]
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

    /// Do not rebuild reputation and risk scores after an ingest (run
    /// `nshunt score` later).
    #[arg(
        long,
        global = true,
        env = "NSHUNT_NO_SCORE",
        value_parser = clap::builder::BoolishValueParser::new(),
        action = clap::ArgAction::SetTrue
    )]
    pub no_score: bool,
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

    /// Ask DNS servers about domains and store the answers (active
    /// collection): the delegation through a resolver, then NS, SOA, A,
    /// AAAA, MX, TXT and CNAME from the domain's own servers, and PTR
    /// for every address.
    Collect(CollectArgs),

    /// Send a query list in dnsperf's format (`NAME TYPE` a line) to one
    /// server through the collector's client and count the outcomes;
    /// nothing is stored. For comparing the client with dnsperf
    /// (benches/collect.sh).
    #[command(hide = true)]
    QueryList(QueryListArgs),

    /// The profile of a name-server domain (e.g. dendrite.network).
    Nameserver(NameserverArgs),

    /// The seed view of a domain: its name servers and their density,
    /// addresses with AS, subnet and PTR.
    Domain(DomainArgs),

    /// An AS: its holder, ranges and the names hosted in them.
    Asn(AsnArgs),

    /// An address: its AS, subnet, PTR names and the names on it.
    Ip(IpArgs),

    /// A network (CIDR): its AS and the names hosted in it.
    Subnet(SubnetArgs),

    /// A PTR naming pattern (`*.static.hoster.example`, as `nshunt
    /// domain` and `nshunt ip` show them): its addresses and the names
    /// they host.
    Ptr(PtrArgs),

    /// Rebuild reputation scores (name-server domains, NS hosts, AS
    /// numbers, subnets, registrars, registrant addresses) and every
    /// domain's risk as of the moment; every ingest does it too.
    Score(ScoreArgs),

    /// One entity's reputation score with its explanation and, with
    /// --history, every scored day.
    Reputation(ReputationArgs),

    /// The risk of domains, held in the store or not (names only known
    /// from a list are scored from their names and the labels), with
    /// each component; nothing is written.
    Risk(RiskArgs),

    /// Evaluate reputation and risk on a generated world whose truth is
    /// known: labels up to a cut-off are used, later ones held out;
    /// prints precision, recall, ROC AUC, detection at fixed false-
    /// positive rates and the lead time before listing (EVALUATION.md).
    /// Uses no store.
    Eval(EvalArgs),

    /// The domains matching every filter given (AND), a page at a time,
    /// riskiest first; --facets adds, per attribute, the values among
    /// the results with how many results and how many domains overall
    /// hold each.
    Explore(Box<ExploreArgs>),

    /// From a seed domain to the domains sharing its rare
    /// infrastructure (name servers, subnets, PTR patterns, registrant
    /// addresses, …), grouped into clusters with what each shares: as
    /// text, JSON, or a self-contained HTML report (--html).
    Investigate(InvestigateArgs),

    /// Record an analyst's verdict on a domain (a label of the source
    /// `analyst` that scores and views use); a new verdict replaces the
    /// opposite one.
    Verdict(VerdictArgs),

    /// Which brands domain names impersonate, and why (no store
    /// needed; a catalogue stored with --import counts when there is
    /// one): exact tokens, combosquats, typosquats, look-alike and IDN
    /// characters, brands inside concatenated labels; and each name's
    /// themes. --import, --imported and --remove-imported manage the
    /// store's own brand catalogue.
    Brands(BrandsArgs),

    /// Write what the store holds in others' formats.
    #[command(subcommand)]
    Export(ExportCommand),

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

    /// Passive DNS: COF JSON lines, Zeek dns.log (TSV or JSON),
    /// Suricata EVE; each file one batch.
    Pdns(IngestPdnsArgs),

    /// An IP-to-ASN table: range CSV/TSV, iptoasn TSV, RouteViews
    /// pfx2as or MaxMind .mmdb; each file one table.
    Asn(IngestAsnArgs),

    /// Threat labels and allow lists: a maltrail trail folder, a plain
    /// list, a hosts file or CSV; one batch per invocation.
    Labels(IngestLabelsArgs),

    /// WHOIS answers: files or folders of them, each file one batch.
    Whois(IngestRegistrationArgs),

    /// RDAP domain answers (JSON): files or folders of them, each file
    /// one batch.
    Rdap(IngestRegistrationArgs),
}

/// Options of `ingest whois` and `ingest rdap`.
#[derive(Debug, Args)]
pub struct IngestRegistrationArgs {
    /// Answer files, or folders read recursively (sorted; hidden files
    /// and symbolic links leaving the folder are skipped).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// The moment the answers describe [default: each file's
    /// modification time]
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,

    /// The domain of an answer that does not name it (a "not found"
    /// answer); one file only [default: the file name when it is a
    /// domain: example.com, example.com.txt, example.com.json]
    #[arg(long, value_name = "NAME")]
    pub domain: Option<String>,

    /// Refuse the whole run (exit 2, nothing stored) when any file is
    /// bad, after naming every bad file.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Args)]
pub struct IngestLabelsArgs {
    /// A maltrail checkout or trail folder (its trails and, beside
    /// them, its helper files), or one list file (plain, gzip or xz).
    #[arg(value_name = "PATH")]
    pub path: PathBuf,

    /// The source's name (`maltrail`, a feed's name), kept with every
    /// label; loads of the same source merge.
    #[arg(long, value_name = "NAME")]
    pub source: String,

    /// The input's layout [default: a folder is maltrail; a file by its
    /// folder, name and first line].
    #[arg(long, value_enum, default_value_t = LabelFormat::Auto, value_name = "FORMAT")]
    pub input_format: LabelFormat,

    /// What being listed means, for lists, hosts files and CSV: block,
    /// allow, cdn, parking, sinkhole, dynamic-dns, popular, bogon,
    /// bad-asn [default: block]. maltrail says it per file.
    #[arg(long, value_name = "KIND")]
    pub list: Option<String>,

    /// CSV columns: `indicator=2,category=4,date=1` (numbers from 1 or
    /// header names; also severity, reference, delimiter, header).
    #[arg(long, value_name = "MAPPING")]
    pub csv_columns: Option<String>,

    /// The date the lists describe [default: the newest modification
    /// time of the files read].
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,

    /// Stop with exit 2 at the first bad entry (nothing of this load is
    /// stored) instead of skipping it.
    #[arg(long)]
    pub strict: bool,
}

/// How a label input is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LabelFormat {
    /// Detect it.
    Auto,
    /// maltrail: a trail folder, a trail file or a helper file.
    Maltrail,
    /// One indicator a line.
    List,
    /// A hosts file.
    Hosts,
    /// CSV or TSV with `--csv-columns`.
    Csv,
}

#[derive(Debug, Args)]
pub struct IngestPdnsArgs {
    /// Files (plain, gzip or xz).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// The input format [default: detected from the first line].
    #[arg(long, value_name = "FORMAT", value_parser = ["cof", "zeek", "zeek-json", "eve"])]
    pub input_format: Option<String>,

    /// A name for the sensor or feed, kept with each batch.
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,

    /// Stop at the first bad record (exit 2; nothing of that file is
    /// stored).
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Args)]
pub struct IngestAsnArgs {
    /// Table files (text ones plain, gzip or xz).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// The table format [default: from the file name and first line].
    #[arg(long, value_name = "FORMAT", value_parser = ["range-csv", "iptoasn", "pfx2as", "mmdb"])]
    pub input_format: Option<String>,

    /// The table's source name [default: the file name without its
    /// extensions]; a newer table of the same source replaces it.
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,

    /// The date the table describes [default: the file's modification
    /// time].
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,

    /// Stop at the first bad row (exit 2; nothing of that file is
    /// stored).
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Args)]
pub struct AsnArgs {
    /// The AS number (`13335` or `AS13335`).
    pub asn: String,

    /// Hosted names to list (1 to 100000).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub limit: u32,

    /// Show the reputation's score for every scored day.
    #[arg(long)]
    pub history: bool,
}

#[derive(Debug, Args)]
pub struct IpArgs {
    /// The address (IPv4 or IPv6).
    pub ip: String,

    /// Names to list (1 to 100000).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub limit: u32,
}

#[derive(Debug, Args)]
pub struct SubnetArgs {
    /// The network, `address/length` (host bits may be set; they are
    /// cleared).
    pub cidr: String,

    /// Hosted names to list (1 to 100000).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub limit: u32,

    /// Show the reputation's score for every scored day (for a /24 or
    /// /48, the subnets scores are kept for).
    #[arg(long)]
    pub history: bool,
}

#[derive(Debug, Args)]
pub struct PtrArgs {
    /// The pattern, or a PTR name whose pattern is meant.
    pub pattern: String,

    /// Addresses to list (1 to 100000).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub limit: u32,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Passive-DNS observations as COF JSON lines (the IETF passive DNS
    /// common output format), on stdout, whatever `--format` says.
    Cof(ExportCofArgs),
}

#[derive(Debug, Args)]
pub struct ExportCofArgs {
    /// Only these names (and with --subdomains, the names below them).
    #[arg(long, value_name = "NAME")]
    pub name: Vec<String>,

    /// With --name: also the names below.
    #[arg(long)]
    pub subdomains: bool,

    /// Every source, not only passive DNS (zone files and collection
    /// too).
    #[arg(long)]
    pub all_sources: bool,
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

    /// Show the reputation's score for every scored day.
    #[arg(long)]
    pub history: bool,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// The risk at or above which a domain counts as flagged (0 to 100).
    #[arg(long)]
    pub threshold: Option<f64>,

    /// Riskiest domains to list.
    #[arg(long, value_parser = clap::value_parser!(u32).range(0..=100_000))]
    pub top: Option<u32>,
}

#[derive(Debug, Args)]
pub struct RiskArgs {
    /// Domains (any name: its registered domain is scored).
    pub domains: Vec<String>,

    /// A file of names, one a line (the first word of each; `#`
    /// comments; .gz and .xz read). Repeat for several files.
    #[arg(long, value_name = "FILE")]
    pub file: Vec<PathBuf>,

    /// The risk at or above which a name counts as flagged (0 to 100).
    #[arg(long)]
    pub threshold: Option<f64>,

    /// Stop (exit 2) when a name cannot be scored, instead of skipping
    /// it.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Generator seeds (repeat the option); EVALUATION.md says which
    /// were used while developing and which are for evaluation.
    #[arg(long, default_values_t = [1001u64, 1002, 1003])]
    pub seed: Vec<u64>,

    /// World size: small, default (about 40,000 domains) or large.
    #[arg(long, default_value = "default")]
    pub size: String,

    /// The risk at or above which a domain is flagged (0 to 100).
    #[arg(long)]
    pub threshold: Option<f64>,
}

#[derive(Debug, Args)]
pub struct ExploreArgs {
    /// Name-server domain or NS host (repeat for any of several).
    #[arg(long = "ns", value_name = "NAME")]
    pub nameserver: Vec<String>,

    /// AS number (`64500` or `AS64500`; repeat for any of several).
    #[arg(long, value_name = "ASN")]
    pub asn: Vec<String>,

    /// The AS holder's name starts with this (case-insensitive).
    #[arg(long, value_name = "PREFIX")]
    pub holder: Option<String>,

    /// An address of the domain lies in this network (`192.0.2.0/24`; a
    /// bare address means itself; repeat for any of several).
    #[arg(long, value_name = "CIDR")]
    pub cidr: Vec<String>,

    /// PTR pattern of an address (as `nshunt domain` shows them).
    #[arg(long, value_name = "PATTERN")]
    pub ptr: Vec<String>,

    /// Registrar (case-insensitive; repeat for any of several).
    #[arg(long)]
    pub registrar: Vec<String>,

    /// The registrant organisation contains this.
    #[arg(long, value_name = "TEXT")]
    pub org: Option<String>,

    /// The registrant's address contains this.
    #[arg(long, value_name = "TEXT")]
    pub address: Option<String>,

    /// Registrant country code (repeat for any of several).
    #[arg(long, value_name = "CC")]
    pub country: Vec<String>,

    /// Impersonated brand, by its id or name in the catalogue (the
    /// shipped one or one stored with `nshunt brands --import`; any
    /// case; repeat for any of several). An unknown brand is an error.
    #[arg(long)]
    pub brand: Vec<String>,

    /// Theme (keyword family: account-security, finance-payments,
    /// tax-government, delivery, crypto, …; repeat for any of several).
    #[arg(long)]
    pub theme: Vec<String>,

    /// Listing category or family (`phishing`, `zeus`).
    #[arg(long)]
    pub category: Vec<String>,

    /// First seen at or after this moment.
    #[arg(long, value_name = "TIME")]
    pub first_seen_from: Option<String>,

    /// First seen at or before this moment.
    #[arg(long, value_name = "TIME")]
    pub first_seen_to: Option<String>,

    /// Last seen at or after this moment.
    #[arg(long, value_name = "TIME")]
    pub last_seen_from: Option<String>,

    /// Last seen at or before this moment.
    #[arg(long, value_name = "TIME")]
    pub last_seen_to: Option<String>,

    /// Registered at or after this moment.
    #[arg(long, value_name = "TIME")]
    pub created_from: Option<String>,

    /// Registered at or before this moment.
    #[arg(long, value_name = "TIME")]
    pub created_to: Option<String>,

    /// Risk at least this (0 to 100).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub min_risk: Option<f64>,

    /// Lifecycle state: registered, waiting, active, parked, sinkholed,
    /// expired (repeat for any of several).
    #[arg(long)]
    pub state: Vec<String>,

    /// The domain matches this regular expression (any case; an IDN is
    /// matched in its `xn--` form: use --near for its Unicode).
    #[arg(long, value_name = "REGEX", conflicts_with = "name_glob")]
    pub name_regex: Option<String>,

    /// The domain matches this glob (`*` any run, `?` one character; any
    /// case; an IDN in its `xn--` form).
    #[arg(long, value_name = "GLOB")]
    pub name_glob: Option<String>,

    /// The domain's first label (as written, and in Unicode for an IDN)
    /// is within --distance edits of this label.
    #[arg(long, value_name = "TEXT")]
    pub near: Option<String>,

    /// Edits allowed by --near.
    #[arg(long, default_value_t = 2, requires = "near")]
    pub distance: usize,

    /// Page to show, from 1.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub page: u32,

    /// Domains per page (1 to 100000).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub limit: u32,

    /// Add the facets: per attribute, the ten values held by most
    /// results, with their counts among the results and in the store.
    #[arg(long)]
    pub facets: bool,
}

#[derive(Debug, Args)]
pub struct InvestigateArgs {
    /// The seed domain (any name: its registered domain is used).
    pub domain: String,

    /// Rounds of pivoting from the seed (1 to 5).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=5))]
    pub depth: u32,

    /// The most related domains to collect (1 to 100000).
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub max_domains: u32,

    /// Do not pivot on values carried by more domains than this (nor by
    /// more than 5% of the store, unless 20 or fewer).
    #[arg(long, default_value_t = 5_000)]
    pub max_pivot: u64,

    /// Also write the report as one self-contained HTML page here (a new
    /// file, an empty one or an earlier report; nothing else is
    /// replaced).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ReputationArgs {
    /// ns_domain, ns_host, asn, subnet, registrar, registrant,
    /// ptr_pattern or theme.
    pub kind: String,

    /// The entity: a name, `AS64500`, `192.0.2.0/24`, a registrar's
    /// name, or a registrant's address as one line.
    pub entity: String,

    /// Every scored day, oldest first.
    #[arg(long)]
    pub history: bool,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("verdict").required(true).args(["benign", "malicious"])))]
pub struct VerdictArgs {
    /// The domain.
    pub domain: String,

    /// The domain is benign: scored 0 and said to be allowed.
    #[arg(long)]
    pub benign: bool,

    /// The domain is malicious: listed with high severity.
    #[arg(long)]
    pub malicious: bool,

    /// Why, for the record (stored with the label as its references;
    /// JSON views show it).
    #[arg(long)]
    pub note: Option<String>,
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

/// `nshunt collect`.
#[derive(Debug, Args)]
pub struct QueryListArgs {
    /// The query list: `NAME TYPE` a line, as dnsperf reads it.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// The server asked, ADDR or ADDR:PORT.
    #[arg(long, value_name = "ADDR[:PORT]")]
    pub server: String,

    /// Set the recursion-desired bit (and read answers as a resolver's).
    #[arg(long)]
    pub recursion: bool,

    /// Send the whole list this many times.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub repeat: usize,

    /// Queries outstanding at once.
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub concurrency: usize,

    /// Queries per second (0: unlimited).
    #[arg(long, default_value_t = 0, value_name = "QPS")]
    pub rate: u32,

    /// How long one attempt waits for its answer.
    #[arg(long, default_value = "2s", value_name = "DURATION")]
    pub timeout: String,

    /// More attempts after a timeout or a socket error.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub retries: u32,
}

#[derive(Debug, Args)]
pub struct CollectArgs {
    /// Domains to collect.
    #[arg(value_name = "DOMAIN")]
    pub domains: Vec<String>,

    /// Read domains from this file, one a line (`#` starts a comment).
    #[arg(long, value_name = "FILE")]
    pub file: Vec<PathBuf>,

    /// Read domains from standard input, one a line.
    #[arg(long)]
    pub stdin: bool,

    /// Collect every delegated domain in the store that was never
    /// collected.
    #[arg(long)]
    pub from_store: bool,

    /// A recursive resolver, ADDR or ADDR:PORT (repeatable)
    /// [default: the nameservers of /etc/resolv.conf]
    #[arg(long, value_name = "ADDR[:PORT]")]
    pub resolver: Vec<String>,

    /// Domains collected at once.
    #[arg(long, default_value_t = 256, value_name = "N")]
    pub concurrency: usize,

    /// Queries per second over all servers (0: unlimited).
    #[arg(long, default_value_t = 2000, value_name = "QPS")]
    pub rate: u32,

    /// Queries per second to any one server address (0: unlimited).
    #[arg(long, default_value_t = 50, value_name = "QPS")]
    pub server_rate: u32,

    /// How long one attempt waits for its answer (500ms, 2s, 1m).
    #[arg(long, default_value = "2s", value_name = "DURATION")]
    pub timeout: String,

    /// More attempts after a timeout or a socket error.
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub retries: u32,

    /// The wait before the first retry, doubled before each next one.
    #[arg(long, default_value = "250ms", value_name = "DURATION")]
    pub backoff: String,

    /// Skip a domain collected without failures within this time
    /// (30s, 12h, 7d).
    #[arg(long, default_value = "1d", value_name = "DURATION")]
    pub max_age: String,

    /// Collect even domains collected within --max-age.
    #[arg(long)]
    pub force: bool,

    /// Also ask and use name servers' IPv6 addresses.
    #[arg(long)]
    pub ipv6: bool,

    /// Domains per stored batch: each is committed on its own, so an
    /// interrupted run keeps what was done.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub chunk: usize,

    /// Collect registration data over RDAP instead of DNS: each
    /// domain's registered domain is asked of the server its bootstrap
    /// entry names, and the answers are stored as registrations.
    #[arg(long)]
    pub rdap: bool,

    /// IANA's RDAP bootstrap file for domains (dns.json) [default:
    /// fetched from https://data.iana.org/rdap/dns.json]
    #[arg(long, value_name = "FILE", requires = "rdap")]
    pub rdap_bootstrap: Option<PathBuf>,

    /// RDAP requests per second to any one server (0: unlimited).
    #[arg(long, default_value_t = 1, value_name = "QPS")]
    pub rdap_rate: u32,

    /// How long one RDAP request may take.
    #[arg(long, default_value = "15s", value_name = "DURATION")]
    pub rdap_timeout: String,

    /// The longest Retry-After waited for; a server asking for longer
    /// is not asked again in this run before then (its domains stay
    /// unknown).
    #[arg(long, default_value = "60s", value_name = "DURATION")]
    pub rdap_max_wait: String,
}

/// Options of `nshunt brands`.
#[derive(Debug, Args)]
pub struct BrandsArgs {
    /// Domain names to read.
    #[arg(value_name = "DOMAIN")]
    pub domains: Vec<String>,

    /// Read names from this file, one a line (`#` starts a comment).
    #[arg(long, value_name = "FILE")]
    pub file: Vec<PathBuf>,

    /// A brand catalogue of your own (tab-separated: id, name, category,
    /// keywords, domains), on top of the shipped one and the stored one,
    /// for this run only; its brands replace those with the same id.
    #[arg(long, value_name = "FILE")]
    pub catalogue: Option<PathBuf>,

    /// Store this brand catalogue (same format) in the store, replacing
    /// any stored before: scoring, risk, domain, explore and investigate
    /// then detect its brands too, and the scores are rebuilt.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["domains", "file", "catalogue", "theme", "all", "imported",
                              "remove_imported"]
    )]
    pub import: Option<PathBuf>,

    /// Show the brand catalogue stored by --import.
    #[arg(
        long,
        conflicts_with_all = ["domains", "file", "catalogue", "theme", "all", "remove_imported"]
    )]
    pub imported: bool,

    /// Remove the brand catalogue stored by --import, and rebuild the
    /// scores without it.
    #[arg(long, conflicts_with_all = ["domains", "file", "catalogue", "theme", "all"])]
    pub remove_imported: bool,

    /// Stop with exit 2 at a bad catalogue line (--catalogue, --import)
    /// instead of skipping it.
    #[arg(long)]
    pub strict: bool,

    /// Only names with this theme (repeatable: any of them), e.g.
    /// crypto, delivery, finance-payments, tax-government.
    #[arg(long, value_name = "THEME")]
    pub theme: Vec<String>,

    /// Show every name read, also those without a brand.
    #[arg(long)]
    pub all: bool,
}

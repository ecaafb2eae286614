//! `nshunt-testworld`: writes synthetic DNS zones and their ground truth.
//!
//! ```text
//! nshunt-testworld zone --domains 1000000 --seed 1 --tld com --style czds > com.zone
//! nshunt-testworld zone --size 1GB --style master --out com.master
//! nshunt-testworld expected --domains 1000000 --seed 1 --tld com > expected.tsv
//! nshunt-testworld info --domains 1000000 --seed 1
//! nshunt-testworld lab --tld test --seed 7 --out lab/
//! ```
//!
//! Exit codes: 0 done (a closed output pipe counts as done), 2 error.

use std::fs::File;
use std::io::{self, Write};
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use nshunt_testworld::{Lab, LabServers, Style, World, WorldConfig, domains_for_size};

/// Writes seeded synthetic DNS zones and the exact statistics they hold.
#[derive(Parser)]
#[command(version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the zone.
    Zone {
        #[command(flatten)]
        world: WorldArgs,
        /// Write here instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Print per name-server domain statistics as TSV: ns_domain, records,
    /// hosts, domains, ttl_sum (apex NS records excluded).
    Expected {
        #[command(flatten)]
        world: WorldArgs,
        /// Leave out the header line.
        #[arg(long)]
        no_header: bool,
    },
    /// Print the world's populations and special names as TSV.
    Info {
        #[command(flatten)]
        world: WorldArgs,
    },
    /// Write the collection lab: zones for a real authoritative server
    /// on loopback and the server configuration snippets.
    Lab {
        /// The TLD the lab zone sits under (`lab.<tld>`).
        #[arg(long, default_value = "test")]
        tld: String,
        /// The seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Ordinary lab domains.
        #[arg(long, default_value_t = 60)]
        domains: u32,
        /// The address of the server that holds every lab zone.
        #[arg(long, default_value = "127.0.0.2")]
        main: Ipv4Addr,
        /// The address of the server that holds none (lame delegations).
        #[arg(long, default_value = "127.0.0.4")]
        lame: Ipv4Addr,
        /// The folder to write into.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Args)]
struct WorldArgs {
    /// Delegated names in the zone, all populations together.
    #[arg(long, default_value_t = 1_000_000, conflicts_with = "size")]
    domains: u64,
    /// Aim for a zone of about this size instead: 500MB, 1GB, 2GiB, 12345.
    #[arg(long, value_parser = parse_size)]
    size: Option<u64>,
    /// The seed; the same options always give the same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The zone's TLD.
    #[arg(long, default_value = "com")]
    tld: String,
    /// The zone's text style (also decides the domain count for --size).
    #[arg(long, value_enum, default_value_t = StyleArg::Czds)]
    style: StyleArg,
    /// Generated name-server domains [default: one per 40 domains].
    #[arg(long)]
    ns_domains: Option<u32>,
    /// Look-alike domains on the crimeware name server [default: 120].
    #[arg(long)]
    crimeware: Option<u32>,
    /// Per mille of ordinary domains that are parked.
    #[arg(long, default_value_t = 30)]
    parked_per_mille: u32,
}

#[derive(Clone, Copy, ValueEnum)]
enum StyleArg {
    /// ICANN CZDS: one tab-separated record per line.
    Czds,
    /// A general RFC 1035 master file.
    Master,
}

impl From<StyleArg> for Style {
    fn from(style: StyleArg) -> Style {
        match style {
            StyleArg::Czds => Style::Czds,
            StyleArg::Master => Style::Master,
        }
    }
}

impl WorldArgs {
    fn config(&self, domains: u64) -> WorldConfig {
        let tld = self.tld.trim_end_matches('.').to_ascii_lowercase();
        let mut config = WorldConfig::new(self.seed, domains, &tld);
        config.ns_domains = self.ns_domains.unwrap_or(config.ns_domains);
        config.crimeware_domains = self.crimeware.unwrap_or(config.crimeware_domains);
        config.parked_per_mille = self.parked_per_mille;
        config
    }

    fn world(&self) -> Result<World, String> {
        let domains = match self.size {
            Some(bytes) => domains_for_size(bytes, self.style.into(), |d| self.config(d))
                .map_err(|e| e.to_string())?,
            None => self.domains,
        };
        World::new(self.config(domains)).map_err(|e| e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();

    match run(&cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {failure}");
            ExitCode::from(2)
        }
    }
}

enum Failure {
    Io(io::Error),
    Usage(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Io(e) => write!(f, "{e}"),
            Failure::Usage(message) => f.write_str(message),
        }
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Io(e)
    }
}

fn run(command: &Command) -> Result<(), Failure> {
    match command {
        Command::Zone { world, out } => zone(world, out.as_ref()),
        Command::Expected { world, no_header } => expected(world, *no_header),
        Command::Info { world } => info(world),
        Command::Lab { tld, seed, domains, main, lame, out } => {
            let servers = LabServers { main: *main, lame: *lame };
            Ok(Lab::new(*seed, tld, *domains, servers).write(out)?)
        }
    }
}

fn zone(args: &WorldArgs, out: Option<&PathBuf>) -> Result<(), Failure> {
    let world = args.world().map_err(Failure::Usage)?;
    let style = args.style.into();

    match out {
        Some(path) => {
            let file = File::create(path)
                .map_err(|e| Failure::Usage(format!("cannot create {}: {e}", path.display())))?;
            world.write_zone(file, style)?;
        }
        None => {
            world.write_zone(io::stdout().lock(), style)?;
        }
    }

    Ok(())
}

fn expected(args: &WorldArgs, no_header: bool) -> Result<(), Failure> {
    let world = args.world().map_err(Failure::Usage)?;
    let mut out = io::BufWriter::new(io::stdout().lock());

    if !no_header {
        writeln!(out, "ns_domain\trecords\thosts\tdomains\tttl_sum")?;
    }
    for (name, s) in world.expected_ns_stats() {
        writeln!(out, "{name}\t{}\t{}\t{}\t{}", s.records, s.hosts, s.domains, s.ttl_sum)?;
    }

    out.flush()?;
    Ok(())
}

fn info(args: &WorldArgs) -> Result<(), Failure> {
    let world = args.world().map_err(Failure::Usage)?;
    let p = world.populations();
    let mut out = io::BufWriter::new(io::stdout().lock());

    writeln!(out, "domains\t{}", p.delegations)?;
    writeln!(out, "ordinary\t{}", p.ordinary)?;
    writeln!(out, "parked\t{}", p.parked)?;
    writeln!(out, "crimeware\t{}", p.crimeware)?;
    writeln!(out, "ns_domain_delegations\t{}", p.ns_domain_delegations)?;
    writeln!(out, "parking_ns_domain\t{}", world.parking_ns_domain())?;
    writeln!(out, "crimeware_ns_domain\t{}", world.crimeware_ns_domain())?;
    for domain in world.crimeware_domains() {
        writeln!(out, "crimeware_domain\t{domain}")?;
    }

    out.flush()?;
    Ok(())
}

/// Parses `1GB`, `500 MB`, `2GiB`, `12345`: decimal units (kB, MB, GB,
/// TB) are powers of 1000, binary ones (KiB, MiB, GiB, TiB) of 1024.
fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().map_err(|_| format!("bad size {text:?}: use e.g. 1GB"))?;

    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "m" | "mb" => 1_000_000,
        "g" | "gb" => 1_000_000_000,
        "t" | "tb" => 1_000_000_000_000,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        "tib" => 1 << 40,
        _ => return Err(format!("bad size unit in {text:?}: use B, kB, MB, GB, TB or KiB … TiB")),
    };

    Ok((number * factor as f64).round() as u64)
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1GB"), Ok(1_000_000_000));
        assert_eq!(parse_size("1.5 MB"), Ok(1_500_000));
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert_eq!(parse_size("12345"), Ok(12_345));
        assert!(parse_size("1 parsec").is_err());
        assert!(parse_size("GB").is_err());
    }
}

//! `nshunt score`, `nshunt reputation` and `nshunt verdict`: reputation
//! and risk, and the analyst's own word on a domain.
//!
//! Scores are derived data: `score` rebuilds them from the store as of
//! the moment (and every ingest does it again afterwards, unless
//! `--no-score`); `reputation` reads one entity's score, with its daily
//! history; `verdict` stores an analyst's benign or malicious verdict as
//! a label of the source `analyst`, which scoring and the views use.

use std::io::Write;
use std::time::Instant;

use anyhow::{Context as _, Result, bail};
use nshunt_analyze::{ANALYST_SOURCE, EntityKind, Settings};
use nshunt_store::{
    BatchMeta, BatchSummary, DomainScoreRow, DomainView, LabelKind, LabelStart, NewLabel,
    ReputationRow, SOURCE_LABELS, SqliteStore,
};
use serde::Serialize;
use serde_json::{Value, json};

use super::files::{self, LineRead, MAX_LINE, read_capped_line};
use super::{Context, cli_name, finish, judged_name};
use crate::args::{ReputationArgs, ScoreArgs, VerdictArgs};
use crate::output::{self, Format, Table, thousands};
use crate::time::format_moment;

/// Domains listed in the summary of a run.
const TOP: usize = 20;

/// What a scoring run did (stable JSON).
#[derive(Debug, Serialize)]
struct ScoreOutcome {
    store: String,
    as_of: i64,
    domains: u64,
    entities: u64,
    threshold: f64,
    flagged: u64,
    base_rate: f64,
    seconds: f64,
    /// Whether the domain risks were replaced (false for a moment before
    /// the newest one scored).
    domains_written: bool,
    /// The riskiest domains, riskiest first.
    top: Vec<TopDomain>,
}

#[derive(Debug, Serialize)]
struct TopDomain {
    domain: String,
    risk: f64,
    /// The component that decided the risk.
    top: &'static str,
    /// The lifecycle state.
    state: &'static str,
}

pub fn run(ctx: &Context, args: &ScoreArgs) -> Result<()> {
    let mut store = ctx.write_existing_store()?;
    let as_of = ctx.as_of(&store)?;
    let settings = settings(args.threshold)?;
    let (scored, run) = nshunt_analyze::run(&mut store, as_of, &settings)?;

    let top_count = args.top.unwrap_or(TOP as u32) as usize;
    let mut order: Vec<usize> = (0..scored.risks.len()).collect();
    let by_risk = |&a: &usize, &b: &usize| {
        let (ra, rb) = (&scored.risks[a], &scored.risks[b]);
        let name = |i: usize| scored.facts.domains[i].name.as_str();
        rb.risk.total_cmp(&ra.risk).then_with(|| name(a).cmp(name(b)))
    };
    // Only the top few are listed: select them, then sort those.
    if top_count < order.len() {
        order.select_nth_unstable_by(top_count, by_risk);
        order.truncate(top_count);
    }
    order.sort_by(by_risk);
    let top = order
        .into_iter()
        .map(|i| TopDomain {
            domain: scored.facts.domains[i].name.clone(),
            risk: scored.risks[i].risk,
            top: scored.risks[i].top,
            state: nshunt_analyze::lifecycle(&scored.facts.domains[i], scored.facts.as_of)
                .state
                .as_str(),
        })
        .collect();
    let outcome = ScoreOutcome {
        store: store.path().display().to_string(),
        as_of,
        domains: run.domains,
        entities: run.entities,
        threshold: settings.threshold,
        flagged: scored.flagged(&settings) as u64,
        base_rate: scored.reputations.base_rate,
        seconds: run.seconds,
        domains_written: run.domains_written,
        top,
    };

    let mut out = ctx.stdout();
    match ctx.global.format {
        Format::Text => write_score_text(&mut out, &outcome)?,
        // One riskiest domain a line; the summary is JSON's.
        Format::Ndjson => output::write_ndjson_rows(&mut out, &outcome.top)?,
        Format::Json => output::write_json(&mut out, &output::to_json(&outcome)?, Format::Json)?,
    }
    finish(out)
}

/// The default settings with `--threshold`.
fn settings(threshold: Option<f64>) -> Result<Settings> {
    let mut settings = Settings::default();
    if let Some(t) = threshold {
        if !(0.0..=100.0).contains(&t) {
            bail!("--threshold {t}: give a number from 0 to 100");
        }
        settings.threshold = t;
    }
    Ok(settings)
}

fn write_score_text(out: &mut impl Write, o: &ScoreOutcome) -> Result<()> {
    writeln!(out, "scored as of  {}", format_moment(o.as_of))?;
    if !o.domains_written {
        writeln!(
            out,
            "note          a later moment was scored before: its domain risks are kept, and this \
             run added its day to the entities' history"
        )?;
    }
    writeln!(out, "domains       {}", thousands(o.domains))?;
    writeln!(out, "entities      {}", thousands(o.entities))?;
    writeln!(out, "flagged       {} at risk >= {}", thousands(o.flagged), o.threshold)?;
    writeln!(
        out,
        "base rate     {:.4} (listed share the scores are smoothed toward)",
        o.base_rate
    )?;
    writeln!(out, "seconds       {:.2}", o.seconds)?;
    if o.top.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nriskiest domains")?;
    let mut table = Table::new(&["domain", "risk", "because", "state"]).right_align(&[1]);
    for d in &o.top {
        table.row(vec![
            d.domain.clone(),
            format!("{:.1}", d.risk),
            d.top.to_owned(),
            d.state.into(),
        ]);
    }
    table.write(out, "  ")?;
    Ok(())
}

/// Rescores after an ingest that added a batch, as every ingest
/// promises. A failure here does not undo the ingest: it is reported
/// and `nshunt score` can be run again.
pub fn rescore_after_ingest(ctx: &Context, newest_before: Option<i64>) {
    rescore(ctx, "the ingest", |store| {
        Ok(store.newest_batch_id()? != newest_before || store.scores_are_stale()?)
    });
}

/// Rescores after a change to what scoring reads other than a batch
/// (the stored brand catalogue); `what` names the change in a warning.
pub fn rescore_after_change(ctx: &Context, what: &str) {
    rescore(ctx, what, |_| Ok(true));
}

/// Rebuilds the scores when `needed` says so (and `--no-score` was not
/// given), reporting a failure as a warning: `what` is stored already.
fn rescore(ctx: &Context, what: &str, needed: impl FnOnce(&SqliteStore) -> Result<bool>) {
    if ctx.global.no_score {
        return;
    }
    let outcome = (|| -> Result<Option<(u64, f64)>> {
        let mut store = ctx.open_store()?;
        if !needed(&store)? {
            return Ok(None);
        }
        let Some(as_of) = store.default_as_of()? else { return Ok(None) };
        let as_of = match &ctx.global.as_of {
            Some(text) => crate::time::parse_moment(text)?,
            None => as_of,
        };
        let started = Instant::now();
        let (_, run) = nshunt_analyze::run(&mut store, as_of, &Settings::default())?;
        Ok(Some((run.domains, started.elapsed().as_secs_f64())))
    })();
    match outcome {
        Ok(Some((domains, seconds))) if !ctx.global.quiet => {
            crate::diag!("scores rebuilt: {} domains in {seconds:.2}s", thousands(domains));
        }
        Ok(_) => {}
        // Reference data alone (labels, an ASN table) has no domain to
        // score yet: nothing to say.
        Err(error)
            if matches!(
                error.downcast_ref::<nshunt_store::StoreError>(),
                Some(nshunt_store::StoreError::NothingToScore { .. })
            ) => {}
        Err(error) => crate::diag!(
            "warning: {what} is stored, but rebuilding the scores failed: {error:#}; \
             run `nshunt score` to try again"
        ),
    }
}

/// The newest batch id before an ingest, for [`rescore_after_ingest`];
/// `None` when there is no store yet.
pub fn newest_batch_before(ctx: &Context) -> Option<i64> {
    let path = ctx.store_path().ok()?;
    if !path.is_file() {
        return None;
    }
    SqliteStore::open_read_only(&path).ok()?.newest_batch_id().ok().flatten()
}

/// One entity's reputation, with its history when asked: the JSON
/// object views embed as `reputation`.
#[derive(Debug, Serialize)]
pub struct ReputationOutput {
    kind: String,
    entity: String,
    /// The score as of the moment; `null` before any scoring run.
    current: Option<ReputationRow>,
    /// Every scored day, oldest first (only with `--history`).
    #[serde(skip_serializing_if = "Option::is_none")]
    history: Option<Vec<HistoryPoint>>,
}

/// One day of an entity's history.
#[derive(Debug, Serialize)]
struct HistoryPoint {
    day: i64,
    score: f64,
    domains: u64,
    listed: u64,
}

/// Reads an entity's reputation (and history).
pub fn reputation_of(
    store: &SqliteStore,
    kind: EntityKind,
    entity: &str,
    as_of: i64,
    history: bool,
) -> Result<ReputationOutput> {
    let current = store.reputation_of(kind.as_str(), entity, as_of)?;
    let history = if history {
        let until = nshunt_store::day_of(as_of);
        let mut rows = store.reputation_history(kind.as_str(), entity)?;
        rows.retain(|r| r.day <= until);
        Some(
            rows.into_iter()
                .map(|r| HistoryPoint {
                    day: r.day,
                    score: r.score,
                    domains: r.domains,
                    listed: r.explain["listed"].as_u64().unwrap_or(0),
                })
                .collect(),
        )
    } else {
        None
    };
    Ok(ReputationOutput {
        kind: kind.as_str().to_owned(),
        entity: entity.to_owned(),
        current,
        history,
    })
}

/// Writes a reputation section for people.
pub fn write_reputation_text(out: &mut impl Write, r: &ReputationOutput) -> Result<()> {
    let Some(row) = &r.current else {
        writeln!(
            out,
            "reputation    none: not scored as of this moment (scores are rebuilt after each ingest; `nshunt score --as-of TIME` scores another moment)"
        )?;
        return Ok(());
    };
    let e = &row.explain;
    writeln!(
        out,
        "reputation    {:.1} / 100 (scored {}): {} domains, {} active, {} listed \
         ({} high, {} medium, {} low)",
        row.score,
        format_moment(row.day),
        thousands(row.domains),
        thousands(e["active"].as_u64().unwrap_or(0)),
        thousands(e["listed"].as_u64().unwrap_or(0)),
        e["listed_high"].as_u64().unwrap_or(0),
        e["listed_medium"].as_u64().unwrap_or(0),
        e["listed_low"].as_u64().unwrap_or(0),
    )?;
    writeln!(
        out,
        "  explain     smoothed listed share {} (prior {} of strength {}), listing score {}, \
         profile score {}; avg TTL {}, low-TTL share {}, new share {}, churn {}{}",
        e["smoothed_listed_share"],
        e["base_rate"],
        e["prior_strength"],
        e["listing_score"],
        e["profile_score"],
        e["avg_ttl"],
        e["low_ttl_share"],
        e["new_share"],
        e["churn"],
        e["adjustment"].as_str().map(|a| format!("; {a}")).unwrap_or_default()
    )?;
    if let Some(history) = &r.history {
        writeln!(out, "  history")?;
        let mut table = Table::new(&["day", "score", "domains", "listed"]).right_align(&[1, 2, 3]);
        for p in history {
            table.row(vec![
                format_moment(p.day),
                format!("{:.1}", p.score),
                thousands(p.domains),
                thousands(p.listed),
            ]);
        }
        table.write(out, "    ")?;
    }
    Ok(())
}

/// Adds `reputation` to a view's JSON object.
pub fn with_reputation(mut view: Value, reputation: &ReputationOutput) -> Result<Value> {
    if let Value::Object(map) = &mut view {
        map.insert("reputation".to_owned(), output::to_json(reputation)?);
    }
    Ok(view)
}

/// `nshunt reputation KIND ENTITY`.
pub fn run_reputation(ctx: &Context, args: &ReputationArgs) -> Result<()> {
    let kind = EntityKind::parse(&args.kind).with_context(|| {
        let kinds: Vec<&str> = EntityKind::ALL.iter().map(|k| k.as_str()).collect();
        format!("unknown kind {:?}: give one of {}", args.kind, kinds.join(", "))
    })?;
    let entity = entity_key(kind, &args.entity)?;
    let store = ctx.read_store()?;
    let as_of = ctx.as_of(&store)?;
    let reputation = reputation_of(&store, kind, &entity, as_of, args.history)?;
    if reputation.current.is_none() && store.last_scoring_run()?.is_some() {
        bail!("no {} {entity:?} was scored: it carries no domain in the store", kind.as_str());
    }

    let mut out = ctx.stdout();
    match ctx.global.format {
        Format::Text => {
            writeln!(out, "{:<13} {entity}", kind.as_str())?;
            write_reputation_text(&mut out, &reputation)?;
        }
        format => output::write_json(&mut out, &output::to_json(&reputation)?, format)?,
    }
    finish(out)
}

/// The key an entity is stored under: names lower case, `AS` numbers,
/// subnets with their host bits cleared.
fn entity_key(kind: EntityKind, text: &str) -> Result<String> {
    let text = text.trim();
    match kind {
        EntityKind::NsDomain | EntityKind::NsHost => Ok(cli_name(text)?.as_str().to_owned()),
        EntityKind::Asn => {
            let digits = text.trim_start_matches(['A', 'a']).trim_start_matches(['S', 's']);
            let n: u32 = digits.parse().with_context(|| format!("bad AS number {text:?}"))?;
            Ok(format!("AS{n}"))
        }
        EntityKind::Subnet => {
            let (address, length) = text.split_once('/').unwrap_or((text, ""));
            let ip: std::net::IpAddr = address
                .parse()
                .with_context(|| format!("bad subnet {text:?}: give 192.0.2.0/24"))?;
            let scored = if ip.is_ipv4() { "24" } else { "48" };
            if !length.is_empty() && length != scored {
                bail!(
                    "only /24 (IPv4) and /48 (IPv6) subnets are scored: give {}",
                    nshunt_analyze::load::subnet_of(ip)
                );
            }
            Ok(nshunt_analyze::load::subnet_of(ip))
        }
        EntityKind::Registrar => Ok(text.to_lowercase()),
        EntityKind::PtrPattern => Ok(text.trim_end_matches('.').to_lowercase()),
        EntityKind::Theme => Ok(text.to_lowercase()),
        EntityKind::Registrant => {
            Ok(text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase())
        }
    }
}

/// `registered`'s risk as of `as_of`, scored now from the store as of
/// that moment (the store keeps the newest run's risks only); `None`
/// when the store does not know it then.
fn score_at(
    store: &SqliteStore,
    registered: &str,
    as_of: i64,
) -> Result<Option<nshunt_store::DomainScoreRow>> {
    let scored = nshunt_analyze::load(store, as_of)?;
    let Some(i) = scored.domains.iter().position(|d| d.name == registered) else {
        return Ok(None);
    };
    let scored = nshunt_analyze::score_facts(scored, &Settings::default());
    let (domain, risk) = (&scored.facts.domains[i], &scored.risks[i]);
    let lifecycle = nshunt_analyze::lifecycle(domain, as_of);
    let components = nshunt_analyze::risk::COMPONENTS
        .iter()
        .zip(risk.components)
        .filter_map(|(name, value)| value.map(|v| ((*name).to_owned(), v)))
        .collect();
    Ok(Some(nshunt_store::DomainScoreRow {
        domain: registered.to_owned(),
        day: nshunt_store::day_of(as_of),
        risk: risk.risk,
        top: risk.top.to_owned(),
        state: risk.state.map(str::to_owned),
        lifecycle: lifecycle.state.as_str().to_owned(),
        lifecycle_evidence: lifecycle.evidence,
        components,
        brand: domain.brand.clone(),
    }))
}

/// A domain's risk and the evidence behind each component, for the
/// domain view.
#[derive(Debug, Serialize)]
pub struct DomainRisk {
    /// The stored risk; `null` before any scoring run.
    #[serde(flatten)]
    score: Option<DomainScoreRow>,
    /// The reputations behind the infrastructure components.
    evidence: Vec<ReputationRow>,
}

impl DomainRisk {
    /// Reads the risk of a domain view's registered domain and the
    /// reputations of the entities the view shows.
    pub fn of(store: &SqliteStore, view: &DomainView, as_of: i64) -> Result<Option<DomainRisk>> {
        let registered = nshunt_analyze::load::registered_domain(&view.domain)
            .unwrap_or_else(|| view.domain.clone());
        let stored = store.domain_score(&registered)?;
        let score = match stored {
            // The store keeps the newest run's risks only: another day
            // is scored now, from the store as of that moment.
            Some(row) if row.day == nshunt_store::day_of(as_of) => row,
            _ if store.last_scoring_run()?.is_none() => return Ok(None),
            _ => match score_at(store, &registered, as_of)? {
                Some(row) => row,
                None => return Ok(None),
            },
        };

        let mut keys: Vec<(EntityKind, String)> = Vec::new();
        keys.extend(view.nsdomaininfo.iter().map(|n| (EntityKind::NsDomain, n.ns_domain.clone())));
        keys.extend(
            view.nameservers
                .iter()
                .map(|h| (EntityKind::NsHost, h.trim_end_matches('.').to_owned())),
        );
        for address in &view.addresses {
            keys.extend(address.asn.as_ref().map(|a| (EntityKind::Asn, format!("AS{}", a.asn))));
            keys.push((EntityKind::Subnet, address.subnet.clone()));
        }
        let registrar = view.registration.as_ref().and_then(|r| r.registrar.as_ref());
        keys.extend(registrar.map(|r| (EntityKind::Registrar, r.to_lowercase())));
        keys.sort();
        keys.dedup();

        let mut evidence = Vec::new();
        for (kind, key) in keys {
            evidence.extend(store.reputation_of(kind.as_str(), &key, as_of)?);
        }
        Ok(Some(DomainRisk { score: Some(score), evidence }))
    }

    /// Writes the risk section for people.
    pub fn write_text(&self, out: &mut impl Write) -> Result<()> {
        let Some(score) = &self.score else { return Ok(()) };
        writeln!(out, "lifecycle     {} ({})", score.lifecycle, score.lifecycle_evidence)?;
        let state = score
            .state
            .as_deref()
            .filter(|&s| s != score.top)
            .map(|s| format!(", {s}"))
            .unwrap_or_default();
        writeln!(
            out,
            "risk          {:.1} / 100 (because of {}{state}), for {} and all its names",
            score.risk, score.top, score.domain
        )?;
        let parts: Vec<String> =
            score.components.iter().map(|(name, value)| format!("{name} {value:.1}")).collect();
        if !parts.is_empty() {
            writeln!(out, "  components  {}", parts.join(", "))?;
        }
        if let Some(brand) = &score.brand {
            writeln!(out, "  brand       impersonates {}", output::sanitize(brand))?;
        }
        if !self.evidence.is_empty() {
            writeln!(
                out,
                "  evidence    the reputations of this name's own infrastructure (a component \
                 weighs them by the domain's age: x1 within 90 days, x0.7 within a year, x0.55 beyond)"
            )?;
        }
        for r in &self.evidence {
            let listed = r.explain["listed"].as_u64().unwrap_or(0);
            writeln!(
                out,
                "  {:<11} {} {:.1}: {} domains, {} listed",
                r.kind,
                r.entity,
                r.score,
                thousands(r.domains),
                thousands(listed)
            )?;
        }
        Ok(())
    }
}

/// `nshunt verdict DOMAIN --benign|--malicious`.
pub fn run_verdict(ctx: &Context, args: &VerdictArgs) -> Result<()> {
    // Scores are per registered domain: the verdict is stored there.
    let (given, registered) = judged_name(&args.domain)?;
    let name = cli_name(&registered)?;
    if name.as_str() != given.as_str() && !ctx.global.quiet {
        crate::diag!("note: the verdict is stored for {name}, the registered domain of {given}");
    }
    let (list, verdict, opposite) =
        if args.malicious { ("block", "malicious", "allow") } else { ("allow", "benign", "block") };
    let before = newest_batch_before(ctx);

    let mut store = ctx.open_store()?;
    let at = match &ctx.global.as_of {
        Some(text) => crate::time::parse_moment(text)?,
        None => store.default_as_of()?.unwrap_or_else(|| chrono::Utc::now().timestamp()),
    };
    let now = chrono::Utc::now();
    let note = args.note.as_deref().unwrap_or("");
    let hash = blake3::hash(
        format!(
            "verdict\0{name}\0{verdict}\0{note}\0{at}\0{}",
            now.timestamp_nanos_opt().unwrap_or(0)
        )
        .as_bytes(),
    );
    let meta = BatchMeta::input(SOURCE_LABELS, Some(ANALYST_SOURCE), "verdict", &hash.to_hex(), at);
    let LabelStart::New(mut writer) = store.begin_labels(meta)? else {
        bail!("this verdict is already stored");
    };
    let removed = writer.remove(name.as_str(), LabelKind::Domain, opposite)?;
    let label = NewLabel {
        value: name.as_str(),
        kind: LabelKind::Domain,
        list,
        category: Some("verdict"),
        severity: args.malicious.then_some("high"),
        listed_on: None,
        port: None,
        references: (!note.is_empty()).then_some(note),
        file: "verdict",
        line: 1,
    };
    writer.add(&label)?;
    let summary = BatchSummary { records: 1, skipped: 0, bytes: 0, observed_at: None };
    let (batch, _) = writer.commit(summary)?;

    let outcome = json!({
        "domain": name.as_str(),
        "verdict": verdict,
        "note": args.note,
        "source": ANALYST_SOURCE,
        "batch_id": batch.id,
        "at": at,
        "replaced": removed > 0,
    });
    let mut out = ctx.stdout();
    match ctx.global.format {
        Format::Text => {
            let replaced = if removed > 0 { " (replacing the opposite verdict)" } else { "" };
            writeln!(
                out,
                "{name}: {verdict}{replaced}, stored as batch {} of source {ANALYST_SOURCE}",
                batch.id
            )?;
        }
        format => output::write_json(&mut out, &output::to_json(&outcome)?, format)?,
    }
    finish(out)?;
    rescore_after_ingest(ctx, before);
    Ok(())
}

/// One name's risk, for `nshunt risk`.
#[derive(Debug, Serialize)]
struct NameRisk {
    /// The name as given.
    name: String,
    /// Its registered domain, which is what is scored.
    domain: String,
    risk: f64,
    top: &'static str,
    state: Option<&'static str>,
    /// Its lifecycle state as of the moment (`waiting`, `active`, …);
    /// `null` for a name the store does not hold.
    lifecycle: Option<&'static str>,
    /// The brand it impersonates (the shipped catalogue's and the
    /// store's), when one was detected.
    brand: Option<String>,
    components: serde_json::Map<String, Value>,
    /// Whether the store holds records of the domain (otherwise only
    /// its name and the lists spoke).
    in_store: bool,
}

/// What `nshunt risk` found (stable JSON).
#[derive(Debug, Serialize)]
struct RiskOutcome {
    as_of: i64,
    threshold: f64,
    names: u64,
    flagged: u64,
    skipped: u64,
    results: Vec<NameRisk>,
}

/// Warnings about bad names written before going quiet.
const MAX_NAME_WARNINGS: u64 = 20;

/// `nshunt risk NAME… | --file F`: the risk of names, held in the store
/// or not, scored with everything the store knows; nothing is written.
pub fn run_risk(ctx: &Context, args: &crate::args::RiskArgs) -> Result<()> {
    let settings = settings(args.threshold)?;
    let (names, skipped) = risk_names(ctx, args)?;
    if names.is_empty() {
        bail!("no name to score: give domains or --file");
    }

    let store = ctx.read_store()?;
    let as_of = ctx.as_of(&store)?;
    let mut extra: Vec<String> = names.iter().map(|(_, d)| d.clone()).collect();
    extra.sort();
    extra.dedup();
    let scored = nshunt_analyze::score_names(&store, as_of, &extra, &settings)?;

    let index: std::collections::HashMap<&str, usize> =
        scored.facts.domains.iter().enumerate().map(|(i, d)| (d.name.as_str(), i)).collect();
    let mut results = Vec::with_capacity(names.len());
    for (name, domain) in names {
        let Some(&i) = index.get(domain.as_str()) else { continue };
        let (risk, d) = (&scored.risks[i], &scored.facts.domains[i]);
        let in_store = d.first_seen.is_some() || d.created.is_some();
        let components = nshunt_analyze::risk::COMPONENTS
            .iter()
            .zip(risk.components)
            .filter_map(|(n, v)| v.map(|v| ((*n).to_owned(), json!((v * 1000.0).round() / 1000.0))))
            .collect();
        results.push(NameRisk {
            name,
            domain,
            risk: risk.risk,
            top: risk.top,
            state: risk.state,
            lifecycle: in_store.then(|| nshunt_analyze::lifecycle(d, as_of).state.as_str()),
            brand: d.brand.clone(),
            components,
            in_store,
        });
    }
    let flagged = results.iter().filter(|r| r.risk >= settings.threshold).count() as u64;
    let outcome = RiskOutcome {
        as_of,
        threshold: settings.threshold,
        names: results.len() as u64,
        flagged,
        skipped,
        results,
    };
    write_risk(ctx, &outcome)
}

/// The names asked for, each with its registered domain; bad names are
/// reported (file and line) and counted.
fn risk_names(ctx: &Context, args: &crate::args::RiskArgs) -> Result<(Vec<(String, String)>, u64)> {
    let mut names = Vec::new();
    let mut skipped = 0u64;
    let mut skip = |place: &str, why: &dyn std::fmt::Display| {
        skipped += 1;
        if !ctx.global.quiet && skipped <= MAX_NAME_WARNINGS {
            crate::diag!("warning: skipped {place}: {why}");
        }
    };

    for name in &args.domains {
        if name.trim().contains(char::is_whitespace) {
            bail!("{name:?} has spaces: give one domain name per argument");
        }
        match name_of_line(name) {
            Some(Ok(found)) => names.push(found),
            Some(Err(error)) => skip("argument", &format!("{error:#}")),
            None => skip("argument", &"empty"),
        }
    }
    for path in &args.file {
        let mut reader = files::open_names(path)?;
        let mut line = Vec::new();
        let mut number = 0u64;
        loop {
            number += 1;
            let place = || format!("{}:{number}", path.display());
            let read = read_capped_line(&mut reader, &mut line)
                .with_context(|| format!("cannot read {}", path.display()))?;
            match read {
                LineRead::End => break,
                LineRead::TooLong => skip(&place(), &format!("line longer than {MAX_LINE} bytes")),
                LineRead::Line => match name_of_line(&String::from_utf8_lossy(&line)) {
                    Some(Ok(found)) => names.push(found),
                    Some(Err(error)) => skip(&place(), &format!("{error:#}")),
                    None => {}
                },
            }
        }
    }
    if args.strict && skipped > 0 {
        bail!("{skipped} bad names under --strict");
    }
    Ok((names, skipped))
}

/// The name on a line (its first word: lists add comments after names)
/// with its registered domain; `None` for a blank or comment line.
fn name_of_line(text: &str) -> Option<Result<(String, String)>> {
    let word = text.split_whitespace().next()?;
    if word.starts_with('#') {
        return None;
    }
    let checked = judged_name(word.strip_suffix('.').unwrap_or(word));
    Some(checked.map(|(name, domain)| (name.as_str().to_owned(), domain)))
}

fn write_risk(ctx: &Context, o: &RiskOutcome) -> Result<()> {
    let mut out = ctx.stdout();
    match ctx.global.format {
        Format::Text => {
            let mut table = Table::new(&["name", "risk", "because", "state", "lifecycle", "brand"])
                .right_align(&[1]);
            for r in &o.results {
                let state = r.state.unwrap_or("-").to_owned();
                let brand = r.brand.as_deref().map_or_else(|| "-".into(), output::sanitize);
                table.row(vec![
                    r.name.clone(),
                    format!("{:.1}", r.risk),
                    r.top.to_owned(),
                    state,
                    r.lifecycle.unwrap_or("-").to_owned(),
                    brand,
                ]);
            }
            table.write(&mut out, "")?;
            writeln!(
                out,
                "\n{} of {} names at risk >= {} ({:.2}%), {} skipped, as of {}",
                thousands(o.flagged),
                thousands(o.names),
                o.threshold,
                100.0 * o.flagged as f64 / (o.names.max(1) as f64),
                thousands(o.skipped),
                format_moment(o.as_of)
            )?;
        }
        Format::Ndjson => output::write_ndjson_rows(&mut out, &o.results)?,
        Format::Json => output::write_json(&mut out, &output::to_json(o)?, Format::Json)?,
    }
    finish(out)
}

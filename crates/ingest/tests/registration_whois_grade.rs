//! Grades the WHOIS parser against someone else's expectations: the
//! answers and expected outputs of likexian/whois-parser (Apache-2.0),
//! laid in `shared/data/whois-likexian`.
//!
//! For each `testdata/noterror/X` with its `X.json`, only the fields that
//! the expected file has are compared, through the table in
//! [`FIELDS`]. Per-field and overall accuracy are printed (run with
//! `--nocapture`); set `NSHUNT_GRADE_VERBOSE=1` to see every miss.
//! Every answer in `testdata/notfound` must read as not registered.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, Utc};
use nshunt_ingest::registration::{Contact, Registration, RegistrationStatus, parse_whois_bytes};
use serde_json::Value;

fn data_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/whois-likexian");
    assert!(
        dir.join("testdata").is_dir(),
        "grading data missing: {} not found (it lives in the shared folder beside the repository)",
        dir.display()
    );
    dir
}

/// How an expected value is compared with ours.
#[derive(Clone, Copy)]
enum Compare {
    /// Case-insensitive, whitespace collapsed.
    Text,
    /// Sets of names, case-insensitive, trailing dots ignored.
    NameSet,
    /// Sets of status words, case-insensitive.
    StatusSet,
    /// The same instant.
    Instant,
    /// A date string their parser did not turn into an instant: ours
    /// must be unknown for "before …", else fall on a day the string
    /// names (±1 day for zone shifts).
    RawDate,
    /// Their street is often the whole address joined with ", ": ours
    /// (street lines joined the same way) must equal it or begin it.
    Street,
    /// `true` expected (they omit `false`).
    True,
}

/// Our value for one field.
enum Ours {
    Text(Option<String>),
    List(Vec<String>),
    Time(Option<DateTime<Utc>>),
    Bool(Option<bool>),
}

type Getter = fn(&Registration) -> Ours;

/// Their field path, our value, and the comparison. Their fields not in
/// this table are derived (`name`, `extension`) or not kept by nshunt
/// (registrar postal address, phone extensions); they are listed as
/// "not graded".
const FIELDS: &[(&str, Getter, Compare)] = &[
    ("domain.punycode", |r| text(r.domain.as_ref().map(|d| d.as_str())), Compare::Text),
    ("domain.id", |r| text(r.registry_domain_id.as_deref()), Compare::Text),
    ("domain.status", |r| Ours::List(r.statuses.clone()), Compare::StatusSet),
    ("domain.name_servers", name_servers, Compare::NameSet),
    ("domain.dnssec", |r| Ours::Bool(r.dnssec), Compare::True),
    ("domain.whois_server", |r| text(r.whois_server.as_deref()), Compare::Text),
    ("domain.created_date_in_time", |r| Ours::Time(r.created), Compare::Instant),
    ("domain.updated_date_in_time", |r| Ours::Time(r.updated), Compare::Instant),
    ("domain.expiration_date_in_time", |r| Ours::Time(r.expires), Compare::Instant),
    ("domain.created_date", |r| Ours::Time(r.created), Compare::RawDate),
    ("domain.updated_date", |r| Ours::Time(r.updated), Compare::RawDate),
    ("domain.expiration_date", |r| Ours::Time(r.expires), Compare::RawDate),
    ("registrar.name", |r| text(r.registrar.as_deref()), Compare::Text),
    (
        "registrar.id",
        |r| text(r.registrar_iana_id.map(|i| i.to_string()).as_deref()),
        Compare::Text,
    ),
    ("registrar.email", |r| text(r.registrar_email.as_deref()), Compare::Text),
    ("registrar.phone", |r| text(r.registrar_phone.as_deref()), Compare::Text),
    ("registrar.referral_url", |r| text(r.registrar_url.as_deref()), Compare::Text),
];

type ContactGetter = fn(&Registration) -> Option<&Contact>;
type ContactField = (&'static str, fn(&Contact) -> Ours, Compare);

/// Their contact sections and our contacts.
const CONTACTS: &[(&str, ContactGetter)] = &[
    ("registrant", |r| r.registrant.as_ref()),
    ("administrative", |r| r.admin.as_ref()),
    ("technical", |r| r.tech.as_ref()),
    ("billing", |r| r.billing.as_ref()),
];

/// Their contact field names and ours.
const CONTACT_FIELDS: &[ContactField] = &[
    ("id", |c| text(c.handle.as_deref()), Compare::Text),
    ("name", |c| text(c.name.as_deref()), Compare::Text),
    ("organization", |c| text(c.organization.as_deref()), Compare::Text),
    ("street", |c| Ours::List(c.street.clone()), Compare::Street),
    ("city", |c| text(c.city.as_deref()), Compare::Text),
    ("province", |c| text(c.state.as_deref()), Compare::Text),
    ("postal_code", |c| text(c.postcode.as_deref()), Compare::Text),
    ("country", |c| text(c.country.as_deref()), Compare::Text),
    ("email", |c| text(c.email.as_deref()), Compare::Text),
    ("phone", |c| text(c.phone.as_deref()), Compare::Text),
    ("fax", |c| text(c.fax.as_deref()), Compare::Text),
];

fn text(value: Option<&str>) -> Ours {
    Ours::Text(value.map(str::to_owned))
}

fn name_servers(r: &Registration) -> Ours {
    Ours::List(r.name_servers.iter().map(|n| n.as_str().to_owned()).collect())
}

#[derive(Default)]
struct Tally {
    right: usize,
    total: usize,
}

#[derive(Default)]
struct Grades {
    fields: BTreeMap<String, Tally>,
    not_graded: BTreeMap<String, usize>,
    misses: Vec<String>,
}

impl Grades {
    fn record(&mut self, field: &str, right: bool, miss: impl FnOnce() -> String) {
        let tally = self.fields.entry(field.to_owned()).or_default();
        tally.total += 1;
        if right {
            tally.right += 1;
        } else {
            self.misses.push(format!("{field}: {}", miss()));
        }
    }

    fn accuracy(&self, field: &str) -> f64 {
        self.fields.get(field).map_or(0.0, |t| t.right as f64 / t.total.max(1) as f64)
    }

    /// Instants and raw-only dates of one kind together.
    fn date_accuracy(&self, stem: &str) -> f64 {
        let keys = [format!("domain.{stem}_date_in_time"), format!("domain.{stem}_date")];
        let (right, total) = keys
            .iter()
            .filter_map(|k| self.fields.get(k))
            .fold((0, 0), |(r, t), x| (r + x.right, t + x.total));
        right as f64 / total.max(1) as f64
    }

    fn overall(&self) -> f64 {
        let (right, total) =
            self.fields.values().fold((0, 0), |(r, t), x| (r + x.right, t + x.total));
        right as f64 / total.max(1) as f64
    }

    fn print(&self, files: usize) {
        println!("\nwhois grading over {files} answers (likexian/whois-parser expectations)");
        println!("{:<40} {:>7} {:>7} {:>8}", "field", "right", "total", "accuracy");
        for (field, t) in &self.fields {
            let pct = 100.0 * t.right as f64 / t.total.max(1) as f64;
            println!("{field:<40} {:>7} {:>7} {pct:>7.1}%", t.right, t.total);
        }
        println!("{:<40} {:>24.1}%", "overall", 100.0 * self.overall());
        let skipped: Vec<String> =
            self.not_graded.iter().map(|(k, n)| format!("{k} ({n})")).collect();
        println!("not graded: {}", skipped.join(", "));
        if std::env::var_os("NSHUNT_GRADE_VERBOSE").is_some() {
            self.misses.iter().for_each(|m| println!("miss {m}"));
        }
    }
}

#[test]
fn whois_matches_likexian_expectations() {
    let dir = data_dir().join("testdata/noterror");
    let mut grades = Grades::default();
    let mut files = 0;

    for expected_path in sorted_files(&dir).into_iter().filter(|p| has_ext(p, "json")) {
        let answer_path = expected_path.with_extension("");
        let expected: Value = serde_json::from_slice(&fs::read(&expected_path).unwrap()).unwrap();
        let bytes = fs::read(&answer_path).unwrap();
        let name = answer_path.file_name().unwrap().to_string_lossy().into_owned();
        let ours = parse_whois_bytes(&bytes, None).unwrap_or_else(|e| panic!("{name}: {e}"));
        grade_one(&name, &expected, &ours, &mut grades);
        files += 1;
    }

    grades.print(files);
    assert!(files >= 200, "only {files} graded answers found in {}", dir.display());
    for field in ["registrar.name", "domain.name_servers"] {
        let acc = grades.accuracy(field);
        assert!(acc >= 0.95, "{field}: {:.1}% < 95%", 100.0 * acc);
    }
    for stem in ["created", "expiration"] {
        let acc = grades.date_accuracy(stem);
        assert!(acc >= 0.95, "{stem} date: {:.1}% < 95%", 100.0 * acc);
    }
    assert!(grades.overall() >= 0.90, "overall {:.1}% < 90%", 100.0 * grades.overall());
}

fn grade_one(name: &str, expected: &Value, ours: &Registration, grades: &mut Grades) {
    let mut graded = Vec::new();
    for (path, get, how) in FIELDS {
        let Some(want) = lookup(expected, path) else { continue };
        if matches!(how, Compare::RawDate) && lookup(expected, &format!("{path}_in_time")).is_some()
        {
            graded.push(path.to_string());
            continue;
        }
        let got = get(ours);
        grades.record(path, matches(want, &got, *how), || miss(name, want, &got));
        graded.push(path.to_string());
    }

    grade_contacts(name, expected, ours, grades, &mut graded);
    note_not_graded(expected, &graded, grades);
}

fn grade_contacts(
    name: &str,
    expected: &Value,
    ours: &Registration,
    grades: &mut Grades,
    graded: &mut Vec<String>,
) {
    for (section, get_contact) in CONTACTS {
        let contact = get_contact(ours).cloned().unwrap_or_default();
        for (field, get, how) in CONTACT_FIELDS {
            let path = format!("{section}.{field}");
            let Some(want) = lookup(expected, &path) else { continue };
            let got = get(&contact);
            grades.record(&path, matches(want, &got, *how), || miss(name, want, &got));
            graded.push(path);
        }
    }
}

fn note_not_graded(expected: &Value, graded: &[String], grades: &mut Grades) {
    let Some(sections) = expected.as_object() else { return };
    for (section, fields) in sections {
        for field in fields.as_object().into_iter().flat_map(|f| f.keys()) {
            let path = format!("{section}.{field}");
            if !graded.contains(&path) && !path.ends_with("_in_time") && path != "domain.domain" {
                *grades.not_graded.entry(path).or_default() += 1;
            }
        }
    }
}

fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |v, key| v.get(key)).filter(|v| !v.is_null())
}

fn miss(name: &str, want: &Value, got: &Ours) -> String {
    let got = match got {
        Ours::Text(t) => format!("{t:?}"),
        Ours::List(l) => format!("{l:?}"),
        Ours::Time(t) => format!("{t:?}"),
        Ours::Bool(b) => format!("{b:?}"),
    };
    format!("{name}: expected {want}, got {got}")
}

fn matches(want: &Value, got: &Ours, how: Compare) -> bool {
    match (how, got) {
        (Compare::Text, Ours::Text(Some(g))) => want.as_str().is_some_and(|w| norm(w) == norm(g)),
        (Compare::NameSet, Ours::List(g)) => {
            set(want, g, |s| norm(s).trim_end_matches('.').to_owned())
        }
        (Compare::StatusSet, Ours::List(g)) => set(want, g, norm),
        (Compare::Instant, Ours::Time(Some(g))) => want_instant(want).is_some_and(|w| w == *g),
        (Compare::RawDate, Ours::Time(g)) => raw_date_matches(want.as_str().unwrap_or(""), *g),
        (Compare::Street, Ours::List(g)) => street_matches(want.as_str().unwrap_or(""), g),
        (Compare::True, Ours::Bool(g)) => want.as_bool() == Some(true) && *g == Some(true),
        _ => false,
    }
}

fn norm(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn set(want: &Value, got: &[String], key: impl Fn(&str) -> String) -> bool {
    let Some(want) = want.as_array() else { return false };
    let mut w: Vec<String> = want.iter().filter_map(Value::as_str).map(&key).collect();
    let mut g: Vec<String> = got.iter().map(|s| key(s)).collect();
    w.sort();
    w.dedup();
    g.sort();
    g.dedup();
    w == g
}

fn want_instant(want: &Value) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(want.as_str()?).ok().map(|t| t.with_timezone(&Utc))
}

fn street_matches(want: &str, got: &[String]) -> bool {
    let got = norm(&got.join(", "));
    let want = norm(want);
    !got.is_empty() && want.starts_with(&got)
}

/// Their raw date string, which their parser left without an instant.
fn raw_date_matches(raw: &str, got: Option<DateTime<Utc>>) -> bool {
    if raw.trim().to_lowercase().starts_with("before") {
        return got.is_none();
    }
    let Some(got) = got else { return false };

    let numbers = raw_numbers(raw);
    [-1i64, 0, 1].iter().any(|shift| {
        let day = got.date_naive() + chrono::Days::new(0) + chrono::TimeDelta::days(*shift);
        numbers.contains(&(day.year() as u32))
            && numbers.contains(&day.month())
            && numbers.contains(&day.day())
    })
}

fn raw_numbers(raw: &str) -> Vec<u32> {
    const MONTHS: [&str; 12] =
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let lower = raw.to_lowercase();
    let mut numbers: Vec<u32> =
        (1..=12).filter(|m| lower.contains(MONTHS[*m as usize - 1])).collect();
    for group in raw.split(|c: char| !c.is_ascii_digit()).filter(|g| !g.is_empty()) {
        let n: u32 = group.parse().unwrap_or(0);
        if group.len() == 8 {
            numbers.extend([n / 10_000, n / 100 % 100, n % 100]);
        } else {
            numbers.push(n);
        }
    }
    numbers
}

fn sorted_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn has_ext(path: &Path, ext: &str) -> bool {
    path.extension().is_some_and(|e| e == ext)
}

#[test]
fn not_found_answers_read_as_not_registered() {
    let dir = data_dir().join("testdata/notfound");
    let mut wrong = Vec::new();
    let mut count = 0;

    for path in sorted_files(&dir) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let hint = name.split_once('_').map(|(_, d)| d.to_owned());
        let reg = parse_whois_bytes(&fs::read(&path).unwrap(), hint.as_deref())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        count += 1;
        if reg.status != RegistrationStatus::NotRegistered {
            wrong.push(format!("{name}: {:?}", reg.status));
        }
    }

    println!("not found: {}/{count} recognised", count - wrong.len());
    assert!(count >= 80, "only {count} not-found answers in {}", dir.display());
    assert!(wrong.is_empty(), "not recognised as not registered:\n{}", wrong.join("\n"));
}

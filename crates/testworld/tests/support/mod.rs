//! Independent readers of the two styles, written for the subset the
//! generator emits, so that the tests do not trust the generator's own
//! formatting code.

/// One record, normalised: lower-case absolute owner with its final dot,
/// TTL, lower-case type, and rdata with names made absolute and lower
/// case, and DS digests joined and lower case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rec {
    pub owner: String,
    pub ttl: u32,
    pub rtype: String,
    pub rdata: String,
}

/// Reads a CZDS-style zone: five tab-separated fields per line.
pub fn parse_czds(text: &str) -> Vec<Rec> {
    text.lines()
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), 5, "line {line:?}");
            assert_eq!(fields[2], "in", "line {line:?}");
            assert_eq!(line, line.to_ascii_lowercase(), "czds lines are lower case");

            let rtype = fields[3].to_owned();
            let rdata = normalise_rdata(&rtype, &split_rdata(fields[4]), "");
            let ttl = fields[1].parse().expect("numeric ttl");
            Rec { owner: fields[0].to_owned(), ttl, rtype, rdata }
        })
        .collect()
}

/// Reads the master-file subset the generator writes: `$ORIGIN`, `$TTL`,
/// comments, parentheses, omitted owners, `@`, relative names, optional
/// TTL and class in either order, any case.
pub fn parse_master(text: &str) -> Vec<Rec> {
    let mut state = Master::default();
    let mut records = Vec::new();

    for entry in logical_lines(text) {
        if let Some(record) = state.entry(&entry) {
            records.push(record);
        }
    }

    records
}

/// One logical line: whether it started with blank space, and its tokens.
struct Entry {
    indented: bool,
    tokens: Vec<String>,
}

/// Strips comments and joins lines inside parentheses.
fn logical_lines(text: &str) -> Vec<Entry> {
    let mut entries = Vec::new();
    let mut current: Option<Entry> = None;
    let mut depth = 0;

    for line in text.lines() {
        let body = line.split(';').next().unwrap_or_default();
        let entry = current.get_or_insert_with(|| Entry {
            indented: line.starts_with([' ', '\t']),
            tokens: Vec::new(),
        });

        for token in body.replace('(', " ( ").replace(')', " ) ").split_whitespace() {
            match token {
                "(" => depth += 1,
                ")" => depth -= 1,
                _ => entry.tokens.push(token.to_owned()),
            }
        }

        if depth == 0 {
            let entry = current.take().expect("just inserted");
            if !entry.tokens.is_empty() {
                entries.push(entry);
            }
        }
    }

    assert_eq!(depth, 0, "unbalanced parentheses");
    entries
}

#[derive(Default)]
struct Master {
    origin: String,
    default_ttl: Option<u32>,
    last_owner: Option<String>,
}

impl Master {
    fn entry(&mut self, entry: &Entry) -> Option<Rec> {
        let tokens = &entry.tokens;
        match tokens[0].to_ascii_uppercase().as_str() {
            "$ORIGIN" => {
                self.origin = tokens[1].to_ascii_lowercase();
                assert!(self.origin.ends_with('.'));
                return None;
            }
            "$TTL" => {
                self.default_ttl = Some(tokens[1].parse().expect("numeric $TTL"));
                return None;
            }
            _ => {}
        }

        let (owner, rest) = if entry.indented {
            (self.last_owner.clone().expect("an owner before"), &tokens[..])
        } else {
            (absolute(&tokens[0], &self.origin), &tokens[1..])
        };
        self.last_owner = Some(owner.clone());
        Some(self.record(owner, rest))
    }

    fn record(&self, owner: String, tokens: &[String]) -> Rec {
        let mut ttl = None;
        let mut at = 0;

        while at < tokens.len() {
            let token = &tokens[at];
            if let Ok(value) = token.parse::<u32>() {
                ttl = Some(value);
            } else if !token.eq_ignore_ascii_case("in") {
                break;
            }
            at += 1;
        }

        let rtype = tokens[at].to_ascii_lowercase();
        let rdata = normalise_rdata(&rtype, &tokens[at + 1..], &self.origin);
        let ttl = ttl.or(self.default_ttl).expect("a TTL");
        Rec { owner, ttl, rtype, rdata }
    }
}

/// `name` made absolute against `origin`, lower case.
fn absolute(name: &str, origin: &str) -> String {
    let name = name.to_ascii_lowercase();
    if name == "@" {
        origin.to_owned()
    } else if name.ends_with('.') {
        name
    } else {
        format!("{name}.{origin}")
    }
}

fn split_rdata(rdata: &str) -> Vec<String> {
    rdata.split_whitespace().map(str::to_owned).collect()
}

fn normalise_rdata(rtype: &str, fields: &[String], origin: &str) -> String {
    match rtype {
        "ns" => absolute(&fields[0], origin),
        "soa" => {
            let names = [absolute(&fields[0], origin), absolute(&fields[1], origin)];
            let numbers: Vec<&str> = fields[2..].iter().map(String::as_str).collect();
            format!("{} {} {}", names[0], names[1], numbers.join(" "))
        }
        "ds" => {
            let digest: String = fields[3..].concat().to_ascii_lowercase();
            format!("{} {} {} {digest}", fields[0], fields[1], fields[2])
        }
        _ => fields.join(" ").to_ascii_lowercase(),
    }
}

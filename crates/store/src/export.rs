//! Streaming observations out of the store, for exports (`nshunt
//! export cof`).

use rusqlite::types::Value;
use serde::Serialize;

use crate::error::StoreError;
use crate::sqlite::SqliteStore;

/// Which observations an export takes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportFilter {
    /// Only these source kinds; empty for all.
    pub sources: Vec<String>,
    /// Only these owner names (canonical text); empty for all.
    pub names: Vec<String>,
    /// With `names`: also every name below them.
    pub subdomains: bool,
}

/// One observation as exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportRow {
    /// The owner name.
    pub name: String,
    /// The record type number.
    pub rrtype: u16,
    /// The record data as stored.
    pub rdata: String,
    /// The TTL, when known.
    pub ttl: Option<u32>,
    /// The first sighting.
    pub first_seen: i64,
    /// The last sighting.
    pub last_seen: i64,
    /// How many sightings.
    pub count: u64,
    /// The source kind.
    pub source: String,
}

impl SqliteStore {
    /// Hands every observation `filter` takes to `each`, ordered by
    /// name, type, data and TTL; stops at the first error `each`
    /// returns. Returns how many were handed over.
    pub fn export_observations<E>(
        &self,
        filter: &ExportFilter,
        mut each: impl FnMut(ExportRow) -> Result<(), E>,
    ) -> Result<Result<u64, E>, StoreError> {
        let (sql, values) = export_sql(filter);
        let mut stmt = self.conn.prepare(&sql).map_err(self.sql("export observations"))?;
        let mut rows = stmt
            .query(rusqlite::params_from_iter(values))
            .map_err(self.sql("export observations"))?;

        let mut handed = 0;
        while let Some(row) = rows.next().map_err(self.sql("export observations"))? {
            let read = (|| {
                Ok::<_, rusqlite::Error>(ExportRow {
                    name: row.get(0)?,
                    rrtype: row.get(1)?,
                    rdata: row.get(2)?,
                    ttl: row.get(3)?,
                    first_seen: row.get(4)?,
                    last_seen: row.get(5)?,
                    count: row.get(6)?,
                    source: row.get(7)?,
                })
            })();
            if let Err(error) = each(read.map_err(self.sql("export observations"))?) {
                return Ok(Err(error));
            }
            handed += 1;
        }
        Ok(Ok(handed))
    }
}

/// The statement and its parameters for a filter.
fn export_sql(filter: &ExportFilter) -> (String, Vec<Value>) {
    let mut conditions = Vec::new();
    let mut values: Vec<Value> = Vec::new();

    if !filter.sources.is_empty() {
        let marks = vec!["?"; filter.sources.len()].join(", ");
        conditions.push(format!("source IN ({marks})"));
        values.extend(filter.sources.iter().cloned().map(Value::Text));
    }
    if !filter.names.is_empty() {
        let mut any = Vec::new();
        for name in &filter.names {
            any.push("name = ?".to_owned());
            values.push(Value::Text(name.clone()));
            if filter.subdomains {
                // Not LIKE: `_` is a wildcard there and a common label character.
                any.push("substr(name, -length(?) - 1) = '.' || ?".to_owned());
                values.push(Value::Text(name.clone()));
                values.push(Value::Text(name.clone()));
            }
        }
        conditions.push(format!("({})", any.join(" OR ")));
    }

    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let sql = format!(
        "SELECT name, rrtype, rdata, ttl, first_seen, last_seen, count, source FROM observations \
         {filter} ORDER BY name, rrtype, rdata, ifnull(ttl, -1), source"
    );
    (sql, values)
}

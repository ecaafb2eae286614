//! A deterministic text dump of the whole store, for tests that compare
//! a store before and after something (a killed ingest, a duplicate).

use std::fmt::Write;

use rusqlite::types::ValueRef;

use crate::error::StoreError;
use crate::sqlite::SqliteStore;

impl SqliteStore {
    /// Every table's rows, in a stable order, plus the schema and its
    /// version. Two stores with equal dumps hold the same data. Meant
    /// for tests and small stores: it reads everything into memory.
    pub fn dump_all(&self) -> Result<String, StoreError> {
        let mut out = format!("user_version {}\n", self.schema_version()?);

        let schema = "SELECT type, name, ifnull(sql, '') FROM sqlite_schema ORDER BY type, name";
        for (kind, name, sql) in self.rows("read the schema", schema, [], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?))
        })? {
            let _ = writeln!(out, "schema {kind} {name}: {sql}");
        }

        for table in self.tables()? {
            self.dump_table(&mut out, &table)?;
        }
        Ok(out)
    }

    fn tables(&self) -> Result<Vec<String>, StoreError> {
        let sql = "SELECT name FROM sqlite_schema \
                   WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
        self.rows("list tables", sql, [], |row| row.get(0))
    }

    /// One line per row, sorted by every column in order.
    fn dump_table(&self, out: &mut String, table: &str) -> Result<(), StoreError> {
        let quoted = format!("\"{}\"", table.replace('"', "\"\""));
        let columns = self.column_count(&quoted)?;
        let order: Vec<String> = (1..=columns).map(|i| i.to_string()).collect();
        let sql = format!("SELECT * FROM {quoted} ORDER BY {}", order.join(", "));

        let lines = self.rows("dump a table", &sql, [], |row| {
            let mut line = format!("{table}:");
            for i in 0..columns {
                let _ = write!(line, " {}", render(row.get_ref(i)?));
            }
            Ok(line)
        })?;

        let _ = writeln!(out, "table {table} ({} rows)", lines.len());
        for line in lines {
            let _ = writeln!(out, "{line}");
        }
        Ok(())
    }

    fn column_count(&self, quoted: &str) -> Result<usize, StoreError> {
        let stmt = self
            .conn
            .prepare(&format!("SELECT * FROM {quoted}"))
            .map_err(self.sql("dump a table"))?;
        Ok(stmt.column_count())
    }
}

fn render(value: ValueRef<'_>) -> String {
    match value {
        ValueRef::Null => "NULL".to_owned(),
        ValueRef::Integer(n) => n.to_string(),
        ValueRef::Real(r) => format!("{r:?}"),
        ValueRef::Text(t) => format!("{:?}", String::from_utf8_lossy(t)),
        ValueRef::Blob(b) => b.iter().fold("x'".to_owned(), |s, b| s + &format!("{b:02x}")) + "'",
    }
}

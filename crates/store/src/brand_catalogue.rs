//! The user's brand catalogue, kept in the store so that every scoring
//! run of the store detects the same brands.
//!
//! The store keeps the text only: parsing and checking it is the brand
//! crate's work (the caller stores canonical text of valid lines), and
//! scoring parses it again when it loads the store.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use tracing::debug;

use crate::error::StoreError;
use crate::sqlite::SqliteStore;

/// The stored catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredCatalogue {
    /// The file it was imported from, as given.
    pub file_name: String,
    /// Catalogue text: one brand a line, tab-separated.
    pub text: String,
    /// Brands in it.
    pub brands: u64,
    /// Lines of the file skipped as invalid when it was imported.
    pub skipped: u64,
    /// When it was imported (unix seconds).
    pub imported_at: i64,
}

impl SqliteStore {
    /// The stored brand catalogue; `None` when none was imported (or it
    /// was removed).
    pub fn brand_catalogue(&self) -> Result<Option<StoredCatalogue>, StoreError> {
        let sql = "SELECT file_name, text, brands, skipped, changed_at FROM brand_catalogue
                   WHERE id = 1 AND text IS NOT NULL";
        self.conn
            .query_row(sql, [], |row| {
                Ok(StoredCatalogue {
                    file_name: row.get::<_, Option<String>>(0)?.unwrap_or_default(),
                    text: row.get(1)?,
                    brands: row.get(2)?,
                    skipped: row.get(3)?,
                    imported_at: row.get(4)?,
                })
            })
            .optional()
            .map_err(self.sql("read the brand catalogue"))
    }

    /// Stores `catalogue`, replacing the one stored before; returns
    /// whether there was one.
    pub fn set_brand_catalogue(&mut self, catalogue: &StoredCatalogue) -> Result<bool, StoreError> {
        let replaced = self.brand_catalogue()?.is_some();
        let sql = "INSERT OR REPLACE INTO brand_catalogue
                       (id, file_name, text, brands, skipped, changed_at)
                   VALUES (1, ?1, ?2, ?3, ?4, ?5)";
        let c = catalogue;
        self.conn
            .execute(sql, params![c.file_name, c.text, c.brands, c.skipped, c.imported_at])
            .map_err(self.sql("store the brand catalogue"))?;
        debug!(file = %c.file_name, brands = c.brands, replaced, "brand catalogue stored");
        Ok(replaced)
    }

    /// Removes the stored catalogue at `at` (unix seconds); returns
    /// whether there was one. The change time is kept, so scores older
    /// than the removal count as stale.
    pub fn remove_brand_catalogue(&mut self, at: i64) -> Result<bool, StoreError> {
        let sql = "UPDATE brand_catalogue
                   SET file_name = NULL, text = NULL, brands = 0, skipped = 0, changed_at = ?1
                   WHERE id = 1 AND text IS NOT NULL";
        let removed =
            self.conn.execute(sql, params![at]).map_err(self.sql("remove the brand catalogue"))?;
        debug!(removed, "brand catalogue removed");
        Ok(removed > 0)
    }
}

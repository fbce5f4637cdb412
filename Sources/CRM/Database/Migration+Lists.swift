import Storage

extension CRMMigrations {
    /// Migration 9: what lists need at a million rows.
    ///
    /// - Every record table gets `<table>_text`: its text columns folded as `TextFolding` folds
    ///   them (lower case in every script, ё as е), one row per record, kept by `IndexListener`,
    ///   and `<table>_trigram`, an FTS5 trigram index over it (kept by triggers), so that a `%`
    ///   contains filter of three characters or more is an index lookup, and a shorter one reads
    ///   stored folded text instead of folding every row again.
    /// - Indexes on the sort expressions of the fields lists may sort by (`EntityDescriptor.sortable`;
    ///   created-at, updated-at, stage and date had theirs already).
    /// - `<table>_fts_terms`, the vocabulary of each full-text index, from which a search turns
    ///   a word prefix into the few words it begins (`SearchQuery`).
    ///
    /// Existing rows are backfilled here, with the same folding (`crm_fold`).
    static func lists(_ db: Database) throws {
        for (table, columns) in foldedColumns {
            let list = columns.joined(separator: ", ")
            let folded = columns.map { "crm_fold(\($0))" }.joined(separator: ", ")
            let new = columns.map { "new.\($0)" }.joined(separator: ", ")
            let old = columns.map { "old.\($0)" }.joined(separator: ", ")
            try db.executeScript("""
                CREATE TABLE \(table)_text (id INTEGER PRIMARY KEY, \(list));
                CREATE VIRTUAL TABLE \(table)_trigram USING fts5 (\(list), content = '\(table)_text', content_rowid = 'id',
                    tokenize = 'trigram case_sensitive 1', detail = 'none');
                INSERT INTO \(table)_text (id, \(list)) SELECT id, \(folded) FROM \(table);
                INSERT INTO \(table)_trigram (\(table)_trigram) VALUES ('rebuild');
                CREATE TRIGGER \(table)_text_inserted AFTER INSERT ON \(table)_text BEGIN
                    INSERT INTO \(table)_trigram (rowid, \(list)) VALUES (new.id, \(new));
                END;
                CREATE TRIGGER \(table)_text_deleted AFTER DELETE ON \(table)_text BEGIN
                    INSERT INTO \(table)_trigram (\(table)_trigram, rowid, \(list)) VALUES ('delete', old.id, \(old));
                END;
                CREATE TRIGGER \(table)_text_updated AFTER UPDATE ON \(table)_text BEGIN
                    INSERT INTO \(table)_trigram (\(table)_trigram, rowid, \(list)) VALUES ('delete', old.id, \(old));
                    INSERT INTO \(table)_trigram (rowid, \(list)) VALUES (new.id, \(new));
                END;
                """)
        }
        for (table, _) in foldedColumns {
            try db.execute("CREATE VIRTUAL TABLE \(table)_fts_terms USING fts5vocab('\(table)_fts', 'row')")
        }
        try db.executeScript(sortIndexesSQL)
    }

    /// The folded text columns of each record table, as of migration 9 (the descriptors'
    /// `foldedFields`; a test checks that they agree).
    static let foldedColumns: [(table: String, columns: [String])] = [
        ("leads", ["title", "name", "second_name", "last_name", "company_title", "city", "topic", "source", "comments"]),
        ("contacts", ["name", "second_name", "last_name", "post", "address", "source", "comments"]),
        ("companies", ["title", "industry", "website", "address", "comments"]),
        ("deals", ["title", "currency", "contract_number", "comments"]),
        ("products", ["name", "sku", "currency", "description"]),
        ("invoices", ["number", "currency", "basis", "payer_name", "payer_inn", "amount_in_words", "comments"]),
    ]

    /// Each expression is the one `RecordListStore.sortKey` orders by, then the id; a test checks
    /// that every sortable field's list is read in index order.
    static let sortIndexesSQL = """
        CREATE INDEX leads_by_title ON leads (coalesce(title, ''), id);
        CREATE INDEX contacts_by_name ON contacts (coalesce(name, ''), id);
        CREATE INDEX contacts_by_last_name ON contacts (coalesce(last_name, ''), id);
        CREATE INDEX companies_by_title ON companies (coalesce(title, ''), id);
        CREATE INDEX deals_by_title ON deals (coalesce(title, ''), id);
        CREATE INDEX deals_by_opportunity ON deals (coalesce(CAST(replace(opportunity, '.', '') AS INTEGER), -9223372036854775808), id);
        CREATE INDEX products_by_name ON products (coalesce(name, ''), id);
        CREATE INDEX products_by_price ON products (coalesce(CAST(replace(price, '.', '') AS INTEGER), -9223372036854775808), id);
        """

    /// Migration 10: an invoice's total also as integer kopecks, a virtual generated column
    /// (nothing to backfill, nothing for a writer to keep), indexed for sorting by total and,
    /// beside the date, for a date range with an amount: the amount is then checked in the
    /// index instead of in each row of the range.
    static let invoiceKopecksSQL = """
        ALTER TABLE invoices ADD COLUMN total_kopecks INTEGER GENERATED ALWAYS AS (CAST(replace(total, '.', '') AS INTEGER)) VIRTUAL;
        CREATE INDEX invoices_by_total ON invoices (total_kopecks, id);
        CREATE INDEX invoices_by_date_total ON invoices (date, total_kopecks);
        """
}

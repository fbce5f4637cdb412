import Storage

/// The SQL of the indexes kept beside one entity's records: the FTS5 table `<table>_fts`
/// (rowid = record id), the folded text `<table>_text` (its triggers keep `<table>_trigram`),
/// the normalized phones and e-mails (`communications`) and the duplicate keys (`match_keys`).
struct RecordIndexStore {
    let entity: EntityDescriptor

    /// Stores the folded text columns of a record, in the order of `entity.foldedFields`. The
    /// folded text and full-text rows are written just before the group's COMMIT, the group's
    /// new rows in one statement per table (FTS5 writes a segment at the start of every
    /// statement that changes it); nothing in a write reads them back.
    func insertText(_ db: Database, id: Int64, folded: [SQLValue]) throws {
        try db.insertBeforeCommit(into: entity.textTable, columns: ["id"] + entity.foldedFields.compactMap(\.column),
                                  values: [.integer(id)] + folded)
    }

    func updateText(_ db: Database, id: Int64, folded: [SQLValue]) throws {
        let assignments = entity.foldedFields.compactMap(\.column).map { "\($0) = ?" }.joined(separator: ", ")
        try db.executeBeforeCommit("UPDATE \(entity.textTable) SET \(assignments) WHERE id = ?", folded + [.integer(id)],
                                  on: entity.textTable)
    }

    func deleteText(_ db: Database, id: Int64) throws {
        try db.executeBeforeCommit("DELETE FROM \(entity.textTable) WHERE id = ?", [.integer(id)], on: entity.textTable)
    }

    func insertSearch(_ db: Database, id: Int64, text: String) throws {
        try db.insertBeforeCommit(into: entity.searchTable, columns: ["rowid", "body"], values: [.integer(id), .text(text)])
    }

    /// The full-text index's words that begin with `prefix`, at most `limit`, in order.
    ///
    /// fts5vocab counts a word's rows as it lists the word, reading its whole doclist (16 ms for
    /// the «клиент» of a million invoices). So the prefix as a word of its own is asked with a
    /// MATCH, which stops at its first row, and the vocabulary is read from just after it
    /// (U+0001 sorts before any character a word can hold).
    func searchWords(_ db: Database, beginning prefix: String, limit: Int) throws -> [String] {
        guard let upper = SearchQuery.upperBound(of: prefix) else { return [] }
        let table = entity.searchTable
        let isWord = try db.queryOne("SELECT rowid FROM \(table) WHERE \(table) MATCH ? LIMIT 1", [.text(SearchQuery.quoted(prefix))]) != nil
        let longer = try db.query("SELECT term FROM \(table)_terms WHERE term >= ? AND term < ? LIMIT ?",
                                  [.text(prefix + "\u{1}"), .text(upper), .integer(Int64(limit - (isWord ? 1 : 0)))])
        return (isWord ? [prefix] : []) + (try longer.map { try $0.text("term") })
    }

    func deleteSearch(_ db: Database, id: Int64) throws {
        try db.executeBeforeCommit("DELETE FROM \(entity.searchTable) WHERE rowid = ?", [.integer(id)], on: entity.searchTable)
    }

    /// Stores a phone or e-mail (`kind`) as typed and in its normalized form.
    func insertCommunication(_ db: Database, id: Int64, kind: String, value: String, normalized: String) throws {
        try db.execute("INSERT INTO communications (entity_type, entity_id, kind, value, normalized) VALUES (?, ?, ?, ?, ?)",
                       [.text(entity.type.rawValue), .integer(id), .text(kind), .text(value), .text(normalized)])
    }

    func deleteCommunications(_ db: Database, id: Int64) throws {
        try db.execute("DELETE FROM communications WHERE entity_type = ? AND entity_id = ?", [.text(entity.type.rawValue), .integer(id)])
    }

    func insertTitleKey(_ db: Database, id: Int64, key: String) throws {
        try db.execute("INSERT INTO match_keys (entity_type, entity_id, kind, key) VALUES (?, ?, 'title', ?)",
                       [.text(entity.type.rawValue), .integer(id), .text(key)])
    }

    func deleteTitleKey(_ db: Database, id: Int64) throws {
        try db.execute("DELETE FROM match_keys WHERE entity_type = ? AND entity_id = ? AND kind = 'title'",
                       [.text(entity.type.rawValue), .integer(id)])
    }

    /// Drops every duplicate key of the record, its INNs included.
    func deleteKeys(_ db: Database, id: Int64) throws {
        try db.execute("DELETE FROM match_keys WHERE entity_type = ? AND entity_id = ?", [.text(entity.type.rawValue), .integer(id)])
    }
}

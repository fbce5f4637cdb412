import Storage

/// The offline registry's own SQLite file.
///
/// `registry_imports` has one row per import, `running` until the import has read every record
/// and `done` after. `registry_entries` has a row per record read (a column per requisite field),
/// appended in file order, tagged with its import, and indexed by INN. A lookup takes the newest
/// row (highest rowid) of a `done` import, so a later record for an INN replaces an earlier one
/// and an unfinished import is invisible. A failed import's rows are deleted; once an import is
/// done, the rows it supersedes are deleted too (only to save space: lookups do not need it).
/// Rowids only grow (rows are appended after the current maximum), which is what lets a rowid
/// range stand for one import's rows.
enum RegistrySchema {
    /// `preset`, the fields and `stateDate`, in table order (after `importId`).
    static let columns: [String] = ["preset"] + RegistryField.allCases.map(\.name) + ["stateDate"]

    private static var columnDefinitions: String {
        columns.map { name in
            switch name {
            case "inn": "inn TEXT NOT NULL"
            case "preset": "preset TEXT NOT NULL"
            default: "\(name) TEXT"
            }
        }.joined(separator: ", ")
    }

    static let migrations = [
        Migration(
            version: 1, name: "registry",
            sql: """
                CREATE TABLE registry_imports (
                    id INTEGER PRIMARY KEY,
                    path TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('running', 'done')),
                    firstRowid INTEGER NOT NULL,
                    startedAt TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
                    finishedAt TEXT,
                    records INTEGER,
                    organisations INTEGER,
                    entrepreneurs INTEGER,
                    files INTEGER,
                    sourceDate TEXT
                );
                CREATE TABLE registry_entries (importId INTEGER NOT NULL, \(columnDefinitions));
                CREATE INDEX registry_entries_by_inn ON registry_entries (inn);
                """)
    ]

    private static var columnList: String { columns.joined(separator: ", ") }

    static let startImport = """
        INSERT INTO registry_imports (path, state, firstRowid)
        VALUES (?, 'running', (SELECT coalesce(max(rowid), 0) + 1 FROM registry_entries))
        """

    static let insertEntry =
        "INSERT INTO registry_entries (importId, \(columnList)) VALUES (?, \(columns.map { _ in "?" }.joined(separator: ", ")))"

    static let finishImport = """
        UPDATE registry_imports
        SET state = 'done', finishedAt = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
            records = ?, organisations = ?, entrepreneurs = ?, files = ?, sourceDate = ?
        WHERE id = ?
        """

    /// Unfinished imports (a failed one, or one cut short by a crash) and their rows.
    static let unfinishedImports = "SELECT id, firstRowid FROM registry_imports WHERE state = 'running'"
    static let deleteImportRows =
        "DELETE FROM registry_entries WHERE rowid >= ? AND rowid < ? AND importId = ?"
    static let deleteImport = "DELETE FROM registry_imports WHERE id = ?"
    static let importFirstRowid = "SELECT firstRowid FROM registry_imports WHERE id = ?"
    static let lastRowid = "SELECT coalesce(max(rowid), 0) FROM registry_entries"

    /// Rows with the same INN and a lower rowid than a row of the given rowid range.
    static let deleteSuperseded = """
        DELETE FROM registry_entries WHERE rowid IN (
            SELECT old.rowid FROM registry_entries AS new
            JOIN registry_entries AS old ON old.inn = new.inn AND old.rowid < new.rowid
            WHERE new.rowid >= ? AND new.rowid < ?)
        """

    static let selectEntry = """
        SELECT \(columnList) FROM registry_entries
        WHERE inn = ? AND importId IN (SELECT id FROM registry_imports WHERE state = 'done')
        ORDER BY rowid DESC LIMIT 1
        """

    /// The row of a record, in `insertEntry` order.
    static func arguments(_ record: RegistryRecord, importId: Int64) -> [SQLValue] {
        var values: [SQLValue] = [.integer(importId), .text(record.preset.rawValue)]
        values.reserveCapacity(columns.count + 1)
        for value in record.values {
            values.append(value.map { .text($0) } ?? .null)
        }
        values.append(record.stateDate.map { .text($0) } ?? .null)
        return values
    }

    /// The entry of a `selectEntry` row.
    static func entry(_ row: Row) -> RegistryEntry? {
        guard let preset = row["preset"].string.flatMap(RequisitePreset.init(rawValue:)) else { return nil }
        var fields: [String: String] = [:]
        for field in RegistryField.allCases {
            if let value = row[field.name].string, !value.isEmpty { fields[field.name] = value }
        }
        return RegistryEntry(preset: preset, fields: fields, source: "offline")
    }
}

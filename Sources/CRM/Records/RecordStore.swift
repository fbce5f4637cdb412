import JSONKit
import Storage

/// The SQL of one entity's records: its table, written by field name through the descriptor.
/// Services speak in record states; this is the only place that knows the columns.
struct RecordStore {
    let entity: EntityDescriptor

    /// The record's stored state, or nil if there is none with that id.
    func load(_ db: Database, _ id: Int64) throws -> RecordState? {
        guard let row = try db.queryOne(entity.encoder.selectByID, [.integer(id)]) else { return nil }
        return try RecordState(row: row, descriptor: entity)
    }

    /// Calls `body` with the record's row as `RawRow` (nil if there is none), read in the
    /// descriptor's column order, in place (for `RecordEncoder`).
    func withRow<T>(_ db: Database, _ id: Int64, _ body: (RawRow?) throws -> T) throws -> T {
        try db.withFirstRow(entity.encoder.selectByID, [.integer(id)], body)
    }

    /// Whom the record belongs to, as access judges it; nil if there is none with that id.
    func owner(_ db: Database, _ id: Int64) throws -> RecordOwner? {
        try db.queryOne("SELECT assigned_to, opened FROM \(entity.table) WHERE id = ?", [.integer(id)]).map { row in
            RecordOwner(assignedTo: try row.optionalInt64("assigned_to"), opened: try row.bool("opened"))
        }
    }

    /// Whether a record with that id exists.
    func exists(_ db: Database, _ id: Int64) throws -> Bool {
        try db.queryOne("SELECT 1 FROM \(entity.table) WHERE id = ?", [.integer(id)]) != nil
    }

    /// Inserts a new record with every stored field of `state`; returns its id.
    func insert(_ db: Database, _ state: RecordState) throws -> Int64 {
        let writable = entity.storedFields.filter { $0.name != "id" }
        let columns = writable.compactMap(\.column) + ["custom"]
        let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        try db.execute("INSERT INTO \(entity.table) (\(columns.joined(separator: ", "))) VALUES (\(placeholders))",
                       writable.map { Self.stored(state.columns[$0.name], $0) } + [.text(JSON.object(state.custom).text)])
        return db.lastInsertRowID
    }

    /// Writes the named fields of `state` (and `custom` when a custom field is among them):
    /// an update rewrites only what changed.
    func update(_ db: Database, id: Int64, _ state: RecordState, fields names: [String]) throws {
        var assignments: [String] = []
        var values: [SQLValue] = []
        var customChanged = false
        for name in names {
            if name.hasPrefix("custom.") {
                customChanged = true
                continue
            }
            guard let field = entity.field(name), let column = field.column else { continue }
            assignments.append("\(column) = ?")
            values.append(Self.stored(state.columns[name], field))
        }
        if customChanged {
            assignments.append("custom = ?")
            values.append(.text(JSON.object(state.custom).text))
        }
        guard !assignments.isEmpty else { return }
        try db.execute("UPDATE \(entity.table) SET \(assignments.joined(separator: ", ")) WHERE id = ?", values + [.integer(id)])
    }

    func delete(_ db: Database, id: Int64) throws {
        try db.execute("DELETE FROM \(entity.table) WHERE id = ?", [.integer(id)])
    }

    /// Ids of the records of `other` whose `field` points at `id`.
    static func referencing(_ db: Database, _ other: EntityDescriptor, _ field: FieldDefinition, id: Int64) throws -> [Int64] {
        guard let column = field.column else { return [] }
        return try db.query("SELECT id FROM \(other.table) WHERE \(column) = ? ORDER BY id", [.integer(id)]).compactMap { $0[0].int64 }
    }

    private static func stored(_ value: SQLValue?, _ field: FieldDefinition) -> SQLValue {
        if let value { return value }
        return field.kind == .phones || field.kind == .emails ? .text("[]") : .null
    }
}

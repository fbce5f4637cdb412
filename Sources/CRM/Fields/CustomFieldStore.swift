import Storage

/// The SQL of custom field definitions (`custom_fields`), kept per entity type and read
/// strictly as `FieldDefinition`s.
enum CustomFieldStore {
    /// The code of the entity's field whose code equals `code` but for letter case, if any.
    static func code(_ db: Database, _ entityType: EntityType, sameAs code: String) throws -> String? {
        try db.queryOne("SELECT code FROM custom_fields WHERE entity_type = ? AND code = ? COLLATE NOCASE",
                        [.text(entityType.rawValue), .text(code)])?.text("code")
    }

    /// Inserts a definition; `required` is stored as given (only entities without stages keep it here).
    static func insert(_ db: Database, _ entityType: EntityType, code: String, title: String, kind: FieldKind, multiple: Bool,
                       options: [String], required: Bool, at createdAt: String) throws {
        try db.execute("""
            INSERT INTO custom_fields (entity_type, code, title, type, multiple, options, created_at, required)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(entityType.rawValue), .text(code), .text(title), .text(kind.rawValue),
                  SQLValue(multiple), .text(JSONText.stringArray(options)), .text(createdAt), SQLValue(required)])
    }

    /// The custom fields of `entityType` as definitions, by API name (`custom.code`), in creation order.
    static func definitions(_ db: Database, _ entityType: EntityType) throws -> [FieldDefinition] {
        try db.query("SELECT code, title, type, multiple, options, required FROM custom_fields WHERE entity_type = ? ORDER BY rowid",
                     [.text(entityType.rawValue)]).map { row in
            try decode(row, entityType) { code, kind, options in
                FieldDefinition(custom: code, title: try row.text("title"), kind: kind, multiple: try row.bool("multiple"),
                                options: options, required: try row.bool("required"))
            }
        }
    }

    /// The definitions of `entityType` with when each was created, in creation order (for `field.list`).
    static func listed(_ db: Database, _ entityType: EntityType) throws -> [(field: FieldDefinition, createdAt: String)] {
        try db.query("""
            SELECT code, title, type, multiple, options, created_at, required FROM custom_fields WHERE entity_type = ? ORDER BY rowid
            """, [.text(entityType.rawValue)]).map { row in
            try decode(row, entityType) { code, kind, options in
                let title = try row.text("title"), multiple = try row.bool("multiple"), createdAt = try row.text("created_at")
                return (FieldDefinition(custom: code, title: title, kind: kind, multiple: multiple, options: options,
                                        required: try row.bool("required")), createdAt)
            }
        }
    }

    /// Reads a `custom_fields` row strictly: its type must be one `field.add` accepts and its
    /// options a JSON array of strings; anything else is a `StoredDataError`, not a default.
    private static func decode<T>(_ row: Row, _ entityType: EntityType,
                                  _ body: (_ code: String, _ kind: FieldKind, _ options: [String]) throws -> T) throws -> T {
        try StoredData.read("custom_fields", "\(entityType.rawValue)/\(row["code"].string ?? "?")") {
            let type = try row.text("type")
            guard let kind = FieldKind(rawValue: type), FieldKind.customTypes.contains(kind) else {
                throw StoredData.Problem("type: unknown field type '\(type)'")
            }
            return try body(try row.text("code"), kind, try StoredData.stringArray(try row.text("options"), "options"))
        }
    }
}

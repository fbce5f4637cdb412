import JSONKit
import Storage

/// Typed custom fields, created through the API (`field.add`) and kept per entity type.
/// Their values live in each record's `custom` object under the field's code.
package struct CustomFieldService: Sendable {
    let crm: CRM

    package func add(entityType: EntityType, code: String, title: String, type: String, multiple: Bool,
                     options: [String], required: Bool = false, by caller: Caller) throws -> JSON {
        guard let kind = FieldKind(rawValue: type), FieldKind.customTypes.contains(kind) else {
            throw CRMError.invalidParam("/type", "unknown field type '\(type)'")
        }
        if kind == .enumeration && options.isEmpty {
            throw CRMError.invalidParam("/options", "an enum field needs at least one option")
        }
        if kind != .enumeration && !options.isEmpty {
            throw CRMError.invalidParam("/options", "only enum fields take options")
        }
        return try crm.pool.write { db in
            try Self.insert(db, crm: crm, entityType: entityType, code: code, title: title, kind: kind, multiple: multiple, options: options,
                            required: required, by: caller)
            return try Self.rows(db, entityType).first { $0["code"] == .string(code) } ?? .null
        }
    }

    /// Creates a custom field inside a caller's transaction; 1005 `exists` if the code is taken.
    static func insert(_ db: Database, crm: CRM, entityType: EntityType, code: String, title: String, kind: FieldKind, multiple: Bool,
                       options: [String], required: Bool, by caller: Caller) throws {
        let now = crm.nowText
        if try db.queryOne("SELECT 1 FROM custom_fields WHERE entity_type = ? AND code = ?",
                           [.text(entityType.rawValue), .text(code)]) != nil {
            throw CRMError.conflict(reason: "exists", details: ["field": .string("custom." + code)])
        }
        try db.execute("""
            INSERT INTO custom_fields (entity_type, code, title, type, multiple, options, created_at, required)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(entityType.rawValue), .text(code), .text(title), .text(kind.rawValue),
                  SQLValue(multiple), .text(JSONText.stringArray(options)), .text(now),
                  SQLValue(required && !entityType.descriptor.hasStages)])
        try crm.apply(Change(.field, id: .string("custom." + code), .created, by: caller, at: now,
                             data: ["entityType": .string(entityType.rawValue), "type": .string(kind.rawValue), "title": .string(title)]), in: db)
        if required, entityType.descriptor.hasStages {
            try Self.requireOnCreation(db, crm: crm, entityType, "custom." + code, by: caller)
        }
    }

    package func list(entityType: EntityType) throws -> JSON {
        try crm.pool.read { db in .object(["items": .array(try Self.rows(db, entityType))]) }
    }

    /// Makes a field required from the first stage of the default pipeline on, i.e. on creation.
    private static func requireOnCreation(_ db: Database, crm: CRM, _ entityType: EntityType, _ name: String, by caller: Caller) throws {
        guard let pipeline = try PipelineStore.defaultPipeline(db, entityType), let first = pipeline.firstStage else { return }
        let required = first.requiredFields + [name]
        try db.execute("UPDATE stages SET required_fields = ? WHERE entity_type = ? AND id = ?",
                       [.text(JSONText.stringArray(required)), .text(entityType.rawValue), .text(first.id)])
        try crm.apply(Change(.stage, id: .string(first.id), .updated, by: caller, at: crm.nowText,
                             fields: [FieldChange(field: "requiredFields", old: .array(first.requiredFields.map(JSON.string)),
                                                  new: .array(required.map(JSON.string)))],
                             data: ["entityType": .string(entityType.rawValue), "pipelineId": .int(pipeline.id)]), in: db)
    }

    /// The custom fields of `entityType` as definitions, by API name (`custom.code`).
    static func definitions(_ db: Database, _ entityType: EntityType) throws -> [FieldDefinition] {
        try db.query("SELECT code, title, type, multiple, options, required FROM custom_fields WHERE entity_type = ? ORDER BY rowid",
                     [.text(entityType.rawValue)]).map { row in
            try decode(row, entityType) { code, kind, options in
                FieldDefinition(custom: code, title: try row.text("title"), kind: kind, multiple: try row.bool("multiple"),
                                options: options, required: try row.bool("required"))
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

    private static func rows(_ db: Database, _ entityType: EntityType) throws -> [JSON] {
        try db.query("""
            SELECT code, title, type, multiple, options, created_at, required FROM custom_fields WHERE entity_type = ? ORDER BY rowid
            """, [.text(entityType.rawValue)]).map { row in
            try decode(row, entityType) { code, kind, options in
                [
                    "entityType": .string(entityType.rawValue), "code": .string(code),
                    "title": .string(try row.text("title")), "type": .string(kind.rawValue),
                    "multiple": .bool(try row.bool("multiple")),
                    "options": .array(options.map(JSON.string)),
                    "createdAt": .string(try row.text("created_at")),
                    "required": .bool(try row.bool("required")),
                ]
            }
        }
    }
}

extension CRM {
    package var customFields: CustomFieldService { CustomFieldService(crm: self) }
}

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
            return try Self.items(db, entityType).first { $0["code"] == .string(code) } ?? .null
        }
    }

    /// Creates a custom field inside a caller's transaction; 1005 `exists` if the code is taken.
    static func insert(_ db: Database, crm: CRM, entityType: EntityType, code: String, title: String, kind: FieldKind, multiple: Bool,
                       options: [String], required: Bool, by caller: Caller) throws {
        let now = crm.nowText
        // Codes that differ only in case would be two fields a person cannot tell apart.
        if let existing = try CustomFieldStore.code(db, entityType, sameAs: code) {
            throw CRMError.conflict(reason: "exists", details: ["field": .string("custom." + existing)])
        }
        try CustomFieldStore.insert(db, entityType, code: code, title: title, kind: kind, multiple: multiple, options: options,
                                    required: required && !entityType.descriptor.hasStages, at: now)
        try crm.apply(Change(.field, id: .string("custom." + code), .created, by: caller, at: now,
                             data: ["entityType": .string(entityType.rawValue), "type": .string(kind.rawValue), "title": .string(title)]), in: db)
        if required, entityType.descriptor.hasStages {
            try Self.requireOnCreation(db, crm: crm, entityType, "custom." + code, by: caller)
        }
    }

    package func list(entityType: EntityType) throws -> JSON {
        try crm.pool.read { db in .object(["items": .array(try Self.items(db, entityType))]) }
    }

    /// Makes a field required from the first stage of the default pipeline on, i.e. on creation.
    private static func requireOnCreation(_ db: Database, crm: CRM, _ entityType: EntityType, _ name: String, by caller: Caller) throws {
        guard let pipeline = try PipelineStore.defaultPipeline(db, entityType), let first = pipeline.firstStage else { return }
        let required = first.requiredFields + [name]
        try PipelineStore.setRequiredFields(db, entityType, stageId: first.id, required)
        try crm.apply(Change(.stage, id: .string(first.id), .updated, by: caller, at: crm.nowText,
                             fields: [FieldChange(field: "requiredFields", old: .array(first.requiredFields.map(JSON.string)),
                                                  new: .array(required.map(JSON.string)))],
                             data: ["entityType": .string(entityType.rawValue), "pipelineId": .int(pipeline.id)]), in: db)
    }

    /// The custom fields of `entityType` as definitions, by API name (`custom.code`); records,
    /// conversion and the definition cache read them through here.
    static func definitions(_ db: Database, _ entityType: EntityType) throws -> [FieldDefinition] {
        try CustomFieldStore.definitions(db, entityType)
    }

    /// The custom fields of `entityType` as `field.list` shows them.
    private static func items(_ db: Database, _ entityType: EntityType) throws -> [JSON] {
        try CustomFieldStore.listed(db, entityType).map { field, createdAt in
            [
                "entityType": .string(entityType.rawValue), "code": .string(field.customCode ?? ""),
                "title": .string(field.title), "type": .string(field.kind.rawValue),
                "multiple": .bool(field.isMultiple),
                "options": .array(field.options.map(JSON.string)),
                "createdAt": .string(createdAt),
                "required": .bool(field.isAlwaysRequired),
            ]
        }
    }
}

extension CRM {
    package var customFields: CustomFieldService { CustomFieldService(crm: self) }
}
